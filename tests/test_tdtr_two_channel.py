"""Two-channel (electron-phonon) TDTR layers: analytic limits, reciprocity, an independent
time-domain check against the two-temperature model, and derivatives.

The per-wavenumber response g(k, s) of a stack with electron-phonon layers is compared with the
one-channel response of `jaxtherm.tdtr` in the limits where the two must agree, and with the
finite-volume TTM (`jaxtherm.ttm`) in the time domain.
"""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from jaxtherm import materials, sources, ttm
from jaxtherm.tdtr._params import Layer, Stack
from jaxtherm.tdtr._transfer import plane_response
from jaxtherm.tdtr._two_channel import two_channel_plane_response
from jaxtherm.tdtr._two_channel_params import (
    ChannelInterface,
    TwoChannelLayer,
    two_channel_arrays,
)

# ITR paper sample W/Al2O3/Ni/quartz (Table 5 metals, Table 1 alumina, Table 4 quartz).
W_FIELDS = dict(
    electron_heat_capacity=1.12e5, phonon_heat_capacity=2.55e6, electron_conductivity=132.0, phonon_conductivity=46.0
)
NI_FIELDS = dict(
    electron_heat_capacity=4.0e5, phonon_heat_capacity=3.98e6, electron_conductivity=67.8, phonon_conductivity=23.2
)
ALUMINA = Layer(9.66e-9, 2.21e6, 2.21e6 * 4.4e-6)
QUARTZ = Layer(float("inf"), 1.66e6, 1510.0**2 / 1.66e6)
RESISTANCES = [4.2e-9, 6.9e-9, 1.0e-9]  # m^2 K/W: W/Al2O3, Al2O3/Ni, Ni/quartz
PLANES = [(0, 0), (0, 3), (3, 0), (3, 3)]  # FF, FR, RF, RR of the four-layer stack

K2 = jnp.array([0.0, 1e10, 1e12])[:, None]  # m^-2: 1-D, spot-scale and sub-micron wavenumbers


def _s(frequencies):
    return 1j * 2.0 * np.pi * jnp.asarray(frequencies)[None, :]


def _itr_two_channel(coupling_w, coupling_ni, **fields):
    layers = [
        TwoChannelLayer(104e-9, coupling_constant=coupling_w, **W_FIELDS, **fields),
        ALUMINA,
        TwoChannelLayer(82e-9, coupling_constant=coupling_ni, **NI_FIELDS, **fields),
        QUARTZ,
    ]
    return two_channel_arrays(layers, RESISTANCES)


def _itr_one_channel():
    w = Layer(
        104e-9,
        W_FIELDS["electron_heat_capacity"] + W_FIELDS["phonon_heat_capacity"],
        W_FIELDS["electron_conductivity"] + W_FIELDS["phonon_conductivity"],
    )
    ni = Layer(
        82e-9,
        NI_FIELDS["electron_heat_capacity"] + NI_FIELDS["phonon_heat_capacity"],
        NI_FIELDS["electron_conductivity"] + NI_FIELDS["phonon_conductivity"],
    )
    return Stack([w, ALUMINA, ni, QUARTZ], RESISTANCES).arrays()


def _max_relative(a, b):
    return float(jnp.max(jnp.abs(a / b - 1.0)))


def test_strong_coupling_limit_is_the_one_channel_response():
    """G -> inf: Te = Tp everywhere, so a two-channel metal is a one-temperature layer with
    kappa = kappa_e + kappa_p and C = Ce + Cp; phonon-only resistances act as the one-channel R.
    The deviation falls like G^-1/2 (the non-equilibrium length sqrt(kappa_e kappa_p / (kappa G)))
    and is <= 1e-6 at G = 1e29 W m^-3 K^-1 over 100 kHz - 1 GHz, every plane pair, 1-D and k > 0."""
    s = _s([1e5, 1e6, 1e7, 1e8, 1e9])
    one = _itr_one_channel()
    errors = {}
    for coupling in (1e23, 1e25, 1e29):
        arrays = _itr_two_channel(coupling, coupling)
        errors[coupling] = max(
            _max_relative(two_channel_plane_response(arrays, K2, s, hp, pp), plane_response(one, K2, s, hp, pp))
            for hp, pp in PLANES
        )
    print("G -> inf, max relative deviation:", errors)
    assert errors[1e29] <= 1e-6
    # G^-1/2 convergence while the physical deviation dominates round-off
    assert errors[1e23] / errors[1e25] == pytest.approx(10.0, rel=0.05)


@pytest.mark.parametrize(
    "heated, weights", [("electrons", (1.0, 0.0)), ("phonons", (0.0, 1.0)), ("electrons", (0.0, 1.0))]
)
def test_zero_coupling_decouples_the_channels(heated, weights):
    """G = 0 and phonon-only interfaces: electrons heated at the surface stay in an isolated
    electron film (kappa_e, Ce, adiabatic faces) and never reach the phonons; phonons heated
    behave as the one-channel stack of the phonon properties."""
    fraction = 1.0 if heated == "electrons" else 0.0
    layer = TwoChannelLayer(
        104e-9,
        coupling_constant=0.0,
        electron_heating_fraction=fraction,
        electron_probe_weight=weights[0],
        phonon_probe_weight=weights[1],
        **W_FIELDS,
    )
    arrays = two_channel_arrays([layer, ALUMINA, QUARTZ], [4.2e-9, 1e-9])
    s = _s([1e5, 1e7, 1e9, 1e11])
    for heat_plane, probe_plane in [(0, 0), (0, 1), (1, 0), (1, 1)]:
        value = two_channel_plane_response(arrays, K2, s, heat_plane, probe_plane)
        if heated == "electrons" and weights[1] == 1.0:
            assert float(jnp.max(jnp.abs(value))) == 0.0
        elif heated == "electrons":
            film = Stack([Layer(104e-9, W_FIELDS["electron_heat_capacity"], W_FIELDS["electron_conductivity"])], [])
            reference = plane_response(film.arrays(), K2, s, heat_plane, probe_plane)
            assert _max_relative(value, reference) < 1e-12
        else:
            phonons = Stack(
                [Layer(104e-9, W_FIELDS["phonon_heat_capacity"], W_FIELDS["phonon_conductivity"]), ALUMINA, QUARTZ],
                [4.2e-9, 1e-9],
            )
            reference = plane_response(phonons.arrays(), K2, s, heat_plane, probe_plane)
            assert _max_relative(value, reference) < 1e-9


def test_vanishing_electron_channel_is_a_phonon_layer():
    """kappa_e -> 0 with Ce -> 0 (G fixed): the electrons hand the absorbed heat to the lattice
    within sqrt(kappa_e / G) -> 0, and the lattice temperature is that of a one-channel
    (Cp, kappa_p) layer. The deviation falls like kappa_e^1/2; <= 1e-6 at kappa_e = 1e-10 W/mK."""
    s = _s([1e5, 1e7, 1e9])
    reference_stack = Stack(
        [Layer(104e-9, W_FIELDS["phonon_heat_capacity"], W_FIELDS["phonon_conductivity"]), ALUMINA, QUARTZ],
        [4.2e-9, 1e-9],
    ).arrays()
    errors = []
    for kappa_e in (1e-6, 1e-8, 1e-10):
        fields = dict(W_FIELDS, electron_conductivity=kappa_e, electron_heat_capacity=1e3 * kappa_e)
        arrays = two_channel_arrays(
            [TwoChannelLayer(104e-9, coupling_constant=2e17, **fields), ALUMINA, QUARTZ], [4.2e-9, 1e-9]
        )
        errors.append(
            max(
                _max_relative(
                    two_channel_plane_response(arrays, K2, s, hp, pp), plane_response(reference_stack, K2, s, hp, pp)
                )
                for hp, pp in [(0, 0), (0, 1), (1, 0), (1, 1)]
            )
        )
    print("kappa_e -> 0, max relative deviation:", errors)
    assert errors[-1] <= 1e-6
    assert errors[0] / errors[1] == pytest.approx(10.0, rel=0.1)


def test_reciprocity_with_electron_heating_and_electron_probe():
    """The coupled diffusion operator is symmetric, so the Green function obeys
    g_ab(A <- B) = g_ba(B <- A). Heating electrons and reading electrons (a = 1, b = 0) at both
    planes, front-heated/rear-probed equals rear-heated/front-probed to round-off, for realistic G
    and a direct electron-to-dielectric channel at the W/Al2O3 interface."""
    layers = [
        TwoChannelLayer(104e-9, coupling_constant=2e17, electron_probe_weight=1.0, phonon_probe_weight=0.0, **W_FIELDS),
        ALUMINA,
        TwoChannelLayer(
            82e-9, coupling_constant=8.46e17, electron_probe_weight=1.0, phonon_probe_weight=0.0, **NI_FIELDS
        ),
        QUARTZ,
    ]
    interfaces = [
        ChannelInterface.from_resistances(6.27e-9, 11.55e-9, metal_above=True),
        ChannelInterface.from_resistances(6.70e-9, 8.46e-9, metal_above=False),
        1e-9,
    ]
    arrays = two_channel_arrays(layers, interfaces)
    s = _s([1e5, 1e7, 1e9, 1e11, 1e12])
    front_rear = two_channel_plane_response(arrays, K2, s, 0, 3)
    rear_front = two_channel_plane_response(arrays, K2, s, 3, 0)
    assert _max_relative(front_rear, rear_front) < 1e-12


def test_phonon_probe_weight_breaks_reciprocity_by_the_local_non_equilibrium():
    """With electron heating but a probe reading a Te + b Tp, a != b, FR and RF differ: the
    difference is b (g_pe - g_ep), the lattice response to hot electrons at the other plane minus
    the electron response to a hot lattice. Documented case (ITR stack, G of Table 5, a = 0, b = 1,
    1-D): measured |FR/RF - 1| = 2.30e-4 at 100 kHz (the slow, equilibrated mode carries almost all
    of the heat), 2.8e-2 at 1 GHz and ~1.6-1.7 at 100 GHz - 1 THz, where the hot-electron transients
    themselves are resolved (both responses are then tiny: the planes are 200 nm apart)."""
    arrays = _itr_two_channel(2e17, 8.46e17)
    s = _s([1e5, 1e9, 1e11, 1e12])
    front_rear = two_channel_plane_response(arrays, 0.0, s, 0, 3)[0]
    rear_front = two_channel_plane_response(arrays, 0.0, s, 3, 0)[0]
    asymmetry = np.abs(np.asarray(front_rear / rear_front) - 1.0)
    print("|FR/RF - 1| (a=0, b=1) at 1e5, 1e9, 1e11, 1e12 Hz:", asymmetry)
    assert asymmetry[0] > 1e-6  # not reciprocal
    assert np.all(np.diff(asymmetry) > 0)
    np.testing.assert_allclose(asymmetry[:2], [2.30e-4, 2.79e-2], rtol=0.02)


def _tungsten_front_te_ttm(times, fluence, duration, peak_time, thickness):
    source = sources.PulseSource(
        incident_fluence=fluence,
        pulse_duration=duration,
        penetration_depth=0.05e-9,
        peak_time=peak_time,
        film_thickness=thickness,
        normalisation="energy",
    )
    params = ttm.single_layer(materials.TUNGSTEN, thickness, source=source)
    edges = ttm.time_grid(
        0.0,
        peak_time + times[-1],
        5e-15,
        fine_until=peak_time + 2e-12,
        growth=1.01,
        max_step=2e-12,
        output_times=peak_time + times,
    )
    solution = ttm.simulate(
        params, ttm.Config(cells_per_layer=(208,), variant="B"), edges, output_times=peak_time + times, positions=[0.0]
    )
    return np.asarray(solution.electron_temperature[:, 0]) - 300.0


def _fixed_talbot(transform, t, n_nodes=24):
    """Inverse Laplace transform at time t (s) on the fixed Talbot contour (Abate and Valko 2004)."""
    r = 2.0 * n_nodes / (5.0 * t)
    theta = np.arange(1, n_nodes) * np.pi / n_nodes
    cot = 1.0 / np.tan(theta)
    nodes = r * theta * (cot + 1j)
    sigma = theta + (theta * cot - 1.0) * cot
    values = np.asarray(transform(jnp.asarray(np.concatenate([[r + 0j], nodes]))))
    total = 0.5 * values[0].real * np.exp(r * t) + np.sum(np.real(np.exp(t * nodes) * values[1:] * (1.0 + 1j * sigma)))
    return r / n_nodes * total


def test_front_electron_temperature_after_a_pulse_matches_the_ttm():
    """Independent check: a 104 nm W film (ITR paper Table 5, constant Ce, kappa_e, kappa_p, G)
    with insulated faces, heated at its surface by one 100 fs pulse (1 mJ/m^2 absorbed: linear
    regime). Front Te from the two-channel frequency-domain response, times the pulse's Laplace
    transform, inverted numerically on a Talbot contour, against the finite-volume TTM (variant B,
    208 cells, 0.05 nm optical depth): <= 1 % required over 1 ps - 1 ns; measured <= 1e-5."""
    thickness, fluence, duration, peak = 104e-9, 1e-3, 100e-15, 0.5e-12
    times = np.array([1e-12, 3e-12, 1e-11, 3e-11, 1e-10, 3e-10, 1e-9])
    te_ttm = _tungsten_front_te_ttm(times, fluence, duration, peak, thickness)
    layer = TwoChannelLayer.from_material(
        materials.TUNGSTEN, thickness, electron_probe_weight=1.0, phonon_probe_weight=0.0
    )
    arrays = two_channel_arrays([layer], [])
    variance = duration**2 / (8.0 * np.log(2.0))

    def transform(s):  # Laplace transform of Te(front, t) with t measured from 0, pulse at `peak`
        return fluence * two_channel_plane_response(arrays, 0.0, s, 0, 0) * jnp.exp(-s * peak + 0.5 * s * s * variance)

    te_frequency_domain = np.array([_fixed_talbot(transform, peak + t) for t in times])
    deviation = np.abs(te_ttm / te_frequency_domain - 1.0)
    print("front Te, TTM / inverse transform - 1:", deviation)
    assert np.all(deviation <= 1e-2)
    assert np.all(deviation <= 1e-4)  # what is measured (the TTM's discretisation error)
    # the electrons are really out of equilibrium at 1 ps: Te(1 ps) is 8x its 1 ns value
    assert te_frequency_domain[0] > 5 * te_frequency_domain[-1]


def _response_of_parameters(parameters):
    coupling_w, coupling_ni, h_pp, h_ei = parameters
    layers = [
        TwoChannelLayer(104e-9, coupling_constant=coupling_w, **W_FIELDS),
        ALUMINA,
        TwoChannelLayer(82e-9, coupling_constant=coupling_ni, **NI_FIELDS),
        QUARTZ,
    ]
    interfaces = [
        ChannelInterface(phonon_conductance=h_pp, electron_phonon_conductance=h_ei),
        ChannelInterface(phonon_conductance=1.0 / 6.9e-9),
        1e-9,
    ]
    arrays = two_channel_arrays(layers, interfaces)
    s = _s([1e6, 1e9, 1e11])
    values = jnp.concatenate([two_channel_plane_response(arrays, K2, s, hp, pp).reshape(-1) for hp, pp in PLANES])
    return jnp.concatenate([values.real, values.imag])


def test_derivatives_match_central_differences():
    """jacfwd of the response with respect to G (W and Ni) and the channel conductances h_pp,
    h_ep of the W/Al2O3 interface equals central finite differences (float64, relative step 1e-5)."""
    parameters = jnp.array([2e17, 8.46e17, 1.0 / 6.27e-9, 1.0 / 11.55e-9])
    jacobian = np.asarray(jax.jacfwd(_response_of_parameters)(parameters))
    scale = np.max(np.abs(np.asarray(_response_of_parameters(parameters))))
    for i in range(parameters.size):
        step = 1e-5 * float(parameters[i])
        up = np.asarray(_response_of_parameters(parameters.at[i].add(step)))
        down = np.asarray(_response_of_parameters(parameters.at[i].add(-step)))
        finite_difference = (up - down) / (2 * step)
        column = jacobian[:, i] * float(parameters[i])
        assert np.max(np.abs(column - finite_difference * float(parameters[i]))) < 1e-7 * scale, i
        assert np.max(np.abs(column)) > 1e-6 * scale  # every parameter matters


def _implied_resistance(two_channel_value, one_channel, guess):
    """Real R of the one-channel model whose response matches a complex value (Gauss-Newton)."""
    r = guess
    for _ in range(4):
        value, derivative = jax.jvp(one_channel, (r,), (1.0,))
        r = r + float(jnp.real((two_channel_value - value) * jnp.conj(derivative)) / jnp.abs(derivative) ** 2)
    return r


@pytest.mark.parametrize(
    "metal, coupling, r_pp, r_ei",
    [("W", 2e17, 6.27e-9, 11.55e-9), ("Ni", 8.46e17, 6.70e-9, 8.46e-9), ("W", 2e17, 6.27e-9, np.inf)],
)
def test_steady_interface_resistance_from_the_model_and_the_circuit(metal, coupling, r_pp, r_ei):
    """The ITR a one-temperature model needs to reproduce the two-channel response (1 um metal
    heated through its electrons at the surface, probed under a 100 nm dielectric, 1-D, 1 kHz)
    equals the closed-form steady-state circuit of `two_channel_interface_resistance` (<= 0.1 %
    of R). It is the ITR paper's circuit, (R_pp + R_ep) || R_ei with R_ep = 1/sqrt(G kappa_p),
    in the limit kappa_e >> kappa_p; for W and Ni (kappa_e / kappa = 0.74) the exact R_ep term is
    (kappa_e / kappa)^3/2 = 0.64 of Majumdar-Reddy's, and the totals differ by ~1 %."""
    from jaxtherm import circuit
    from jaxtherm.tdtr._two_channel_circuit import two_channel_interface_resistance

    fields = W_FIELDS if metal == "W" else NI_FIELDS
    metal_layer = TwoChannelLayer(1e-6, coupling_constant=coupling, **fields)
    interface = ChannelInterface.from_resistances(r_pp, r_ei, metal_above=True)
    substrate = Layer(float("inf"), 1.66e6, 1.3736)
    dielectric = Layer(100e-9, ALUMINA.heat_capacity, ALUMINA.conductivity)
    arrays = two_channel_arrays([metal_layer, dielectric, substrate], [interface, 0.0])
    s = 1j * 2 * np.pi * 1e3
    value = two_channel_plane_response(arrays, 0.0, s, 0, 2)
    kappa = fields["electron_conductivity"] + fields["phonon_conductivity"]
    heat_capacity = fields["electron_heat_capacity"] + fields["phonon_heat_capacity"]

    def one_channel(r):
        stack = Stack(
            [Layer(1e-6, heat_capacity, kappa), Layer(100e-9, ALUMINA.heat_capacity, ALUMINA.conductivity), substrate],
            [r, 0.0],
        )
        return plane_response(stack.arrays(), 0.0, s, 0, 2)

    implied = _implied_resistance(value, one_channel, r_pp)
    closed_form = float(
        two_channel_interface_resistance(
            fields["electron_conductivity"], fields["phonon_conductivity"], coupling, 1.0 / r_pp, 1.0 / r_ei
        )
    )
    r_ep = float(circuit.electron_phonon_resistance(coupling, fields["phonon_conductivity"]))
    if np.isinf(r_ei):
        paper = r_pp + r_ep
    else:
        paper = float(circuit.interface_resistances(r_pp, r_ep, r_ei)[0])
    print(
        f"{metal}: implied {implied / 1e-9:.4f}, closed form {closed_form / 1e-9:.4f}, paper circuit "
        f"{paper / 1e-9:.4f} m^2K/GW"
    )
    assert implied == pytest.approx(closed_form, rel=1e-3)
    assert abs(closed_form / paper - 1.0) < 0.03
    # kappa_e >> kappa_p: the closed form becomes the paper's circuit
    limit = float(
        two_channel_interface_resistance(
            1e6 * fields["phonon_conductivity"], fields["phonon_conductivity"], coupling, 1.0 / r_pp, 1.0 / r_ei
        )
    )
    assert limit == pytest.approx(paper, rel=1e-5)


def test_reciprocity_through_an_adiabatic_rear_face():
    """A finite last layer has an adiabatic back face, which may itself be heated or probed: front
    and rear are exchanged without changing the signal (a = 1, b = 0, electron heating), with a
    two-channel or a one-temperature last layer."""
    electrons = dict(electron_probe_weight=1.0, phonon_probe_weight=0.0)
    w = TwoChannelLayer(104e-9, coupling_constant=2e17, **W_FIELDS, **electrons)
    ni = TwoChannelLayer(82e-9, coupling_constant=8.46e17, **NI_FIELDS, **electrons)
    interface = ChannelInterface.from_resistances(6.27e-9, 11.55e-9, metal_above=True)
    s = _s([1e5, 1e9, 1e12])
    for layers, interfaces in (([w, ALUMINA], [interface]), ([w, ALUMINA, ni], [interface, 6.9e-9])):
        arrays = two_channel_arrays(layers, interfaces)
        rear = len(layers)
        front_rear = two_channel_plane_response(arrays, K2, s, 0, rear)
        rear_front = two_channel_plane_response(arrays, K2, s, rear, 0)
        assert bool(jnp.all(jnp.isfinite(front_rear)))
        assert _max_relative(front_rear, rear_front) < 1e-10  # round-off: measured 1.5e-12
