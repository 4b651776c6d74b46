"""Two-channel (electron-phonon) TDTR through the full measurement chain: lock-in signals of the
ITR sample (reciprocity and its breaking with Gaussian spots, the strong-coupling limit, batching),
derivatives through the Hankel quadrature, input checks, a fit of G, and float32.

The per-wavenumber physics (limits, reciprocity of g, the TTM check, the circuit) is tested in
`test_tdtr_two_channel.py`.
"""

import dataclasses
import pathlib

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from test_tdtr_two_channel import ALUMINA, NI_FIELDS, QUARTZ, W_FIELDS

from jaxtherm import materials
from jaxtherm.tdtr._params import Layer
from jaxtherm.tdtr._two_channel_params import TwoChannelLayer


def _itr_stack(coupling_w=2e17, coupling_ni=8.46e17, electron_weight=1.0, phonon_weight=0.0, direct_channels=True):
    import jaxtherm as jt

    weights = dict(electron_probe_weight=electron_weight, phonon_probe_weight=phonon_weight)
    layers = [
        jt.tdtr.TwoChannelLayer(104e-9, coupling_constant=coupling_w, **W_FIELDS, **weights),
        ALUMINA,
        jt.tdtr.TwoChannelLayer(82e-9, coupling_constant=coupling_ni, **NI_FIELDS, **weights),
        QUARTZ,
    ]
    r_ei_w, r_ei_ni = (11.55e-9, 8.46e-9) if direct_channels else (np.inf, np.inf)
    interfaces = [
        jt.tdtr.ChannelInterface.from_resistances(6.27e-9, r_ei_w, metal_above=True),
        jt.tdtr.ChannelInterface.from_resistances(6.70e-9, r_ei_ni, metal_above=False),
        1e-9,
    ]
    return jt.tdtr.Stack(layers, interfaces)


DELAYS = np.geomspace(1e-12, 49e-9, 9)


def test_signal_reciprocity_and_its_breaking_with_gaussian_spots():
    """Full lock-in signal (split method, whole period, 26/12.5 um spots, 200 kHz / 20 MHz) of the
    two-channel ITR sample: electron heating read as Te (a = 1, b = 0) gives FR = RF to round-off;
    read as Tp (a = 0, b = 1) the two differ. Documented case, measured: |Z_FR / Z_RF - 1| from
    1.4e-4 to 6.9e-4 over 1 ps - 49 ns, phase difference up to 5.0e-4 rad (0.029 deg) near 3 ns."""
    import jaxtherm as jt

    setup = jt.tdtr.Setup(200e3, 20e6, pump_radius=26e-6, probe_radius=12.5e-6, heat_at="front", probe_at="rear")
    reverse = setup.replace(heat_at="rear", probe_at="front")
    electrons = _itr_stack()
    assert (
        np.max(np.abs(jt.tdtr.signal(electrons, setup, DELAYS) / jt.tdtr.signal(electrons, reverse, DELAYS) - 1))
        < 1e-10
    )
    lattice = _itr_stack(electron_weight=0.0, phonon_weight=1.0)
    front_rear, rear_front = jt.tdtr.signal(lattice, setup, DELAYS), jt.tdtr.signal(lattice, reverse, DELAYS)
    relative = np.abs(np.asarray(front_rear / rear_front) - 1)
    phase_difference = np.abs(np.asarray(jt.tdtr.phase(front_rear) - jt.tdtr.phase(rear_front)))
    print("|FR/RF - 1|:", relative, "phase difference (rad):", phase_difference)
    assert 1.2e-4 < relative.min() and relative.max() < 8e-4
    assert 4.5e-4 < phase_difference.max() < 5.5e-4


def test_signal_strong_coupling_limit_and_batch():
    """The lock-in signal (1-D, FR) of the two-channel stack at G = 1e29 equals that of the
    one-temperature stack (kappa_e + kappa_p, Ce + Cp, phonon-only ITRs) to <= 1e-6 from 100 ps to the
    end of the period; a vmapped batch over G equals the one-by-one signals."""
    import jaxtherm as jt

    setup = jt.tdtr.Setup(200e3, 20e6, one_dimensional=True, heat_at="front", probe_at="rear")
    delays = np.geomspace(100e-12, 49e-9, 7)
    plain = [4.2e-9, 6.9e-9, 1e-9]
    one = jt.tdtr.Stack([Layer(104e-9, 2.662e6, 178.0), ALUMINA, Layer(82e-9, 4.38e6, 91.0), QUARTZ], plain)

    def two(coupling):
        return jt.tdtr.Stack(
            [
                TwoChannelLayer(104e-9, coupling_constant=coupling, **W_FIELDS),
                ALUMINA,
                TwoChannelLayer(82e-9, coupling_constant=coupling, **NI_FIELDS),
                QUARTZ,
            ],
            plain,
        )

    reference = jt.tdtr.signal(one, setup, delays)
    deviation = float(np.max(np.abs(jt.tdtr.signal(two(1e29), setup, delays) / reference - 1)))
    print("signal, G = 1e29 vs one channel:", deviation)
    assert deviation <= 1e-6
    couplings = jnp.array([1e17, 1e18, 1e19])
    batch = jax.vmap(lambda g: jt.tdtr.signal(two(g), setup, delays))(couplings)
    loop = np.stack([np.asarray(jt.tdtr.signal(two(float(g)), setup, delays)) for g in couplings])
    np.testing.assert_allclose(
        np.asarray(batch), loop, rtol=1e-10
    )  # same result up to the rounding of a different fusion
    assert not np.allclose(loop[0], loop[2], rtol=1e-4, atol=0)  # G matters at these delays


def test_response_derivative_with_respect_to_coupling_and_direct_channel():
    """jacfwd of the spot-averaged FR response (Gaussian spots, `fdtr_signal` without pulses) w.r.t.
    G of W and the electron-dielectric conductance 1/R_ei of the W/Al2O3 interface equals central
    differences: the two-channel path through the Hankel quadrature is differentiable. G changes
    the response by only ~1e-5 per unit relative change here, while the 2x2-block algebra rounds at
    ~eps sqrt(lambda_fast / lambda_slow) ~ 1e-13 relative, so its difference quotient (step 1e-3)
    is good to ~1e-3; the conductance's to ~1e-6."""
    import jaxtherm as jt

    setup = jt.tdtr.Setup(
        200e3, 20e6, pump_radius=26e-6, probe_radius=12.5e-6, heat_at="front", probe_at="rear", n_hankel=16
    )
    frequencies = np.array([1e6, 1e8, 1e10])

    def response(parameters):
        stack = _itr_stack(coupling_w=parameters[0], electron_weight=0.0, phonon_weight=1.0)
        interface = dataclasses.replace(stack.resistances[0], electron_phonon_conductance=parameters[1])
        value = jt.tdtr.fdtr_signal(stack.replace_resistance(0, interface), setup, frequencies)
        return jnp.concatenate([value.real, value.imag])

    parameters = jnp.array([2e17, 1.0 / 11.55e-9])
    jacobian = np.asarray(jax.jacfwd(response)(parameters))
    for i, tolerance in ((0, 2e-3), (1, 1e-6)):
        step = 1e-3 * float(parameters[i])
        central = (
            np.asarray(response(parameters.at[i].add(step))) - np.asarray(response(parameters.at[i].add(-step)))
        ) / (2 * step)
        np.testing.assert_allclose(jacobian[:, i], central, rtol=tolerance, atol=tolerance * np.max(np.abs(central)))
        assert np.max(np.abs(central)) > 0


def test_two_channel_inputs_are_checked():
    """Mistakes in two-channel inputs give errors naming the field and unit; a metal comes from
    `jt.materials` by name with its Table-5 properties."""
    import jaxtherm as jt

    setup = jt.tdtr.Setup(200e3, 20e6, one_dimensional=True)
    bad_fraction = jt.tdtr.Stack(
        [TwoChannelLayer(1e-7, coupling_constant=2e17, electron_heating_fraction=1.5, **W_FIELDS), QUARTZ], [1e-9]
    )
    with pytest.raises(ValueError, match="electron_heating_fraction"):
        jt.tdtr.signal(bad_fraction, setup, DELAYS)
    resistance_as_conductance = jt.tdtr.Stack(
        [TwoChannelLayer(1e-7, coupling_constant=2e17, **W_FIELDS), QUARTZ],
        [jt.tdtr.ChannelInterface(phonon_conductance=4.2e-9)],
    )
    with pytest.raises(ValueError, match="phonon_conductance.*W m\\^-2 K\\^-1"):
        jt.tdtr.signal(resistance_as_conductance, setup, DELAYS)
    negative_g = jt.tdtr.Stack([TwoChannelLayer(1e-7, coupling_constant=-1.0, **W_FIELDS), QUARTZ], [1e-9])
    with pytest.raises(ValueError, match="coupling_constant"):
        jt.tdtr.signal(negative_g, setup, DELAYS)
    good = jt.tdtr.Stack([TwoChannelLayer(1e-7, coupling_constant=2e17, **W_FIELDS), QUARTZ], [1e-9])
    with pytest.raises(ValueError, match="absorption_depth"):
        jt.tdtr.signal(good, setup.replace(absorption_depth=15e-9), DELAYS)
    tungsten = jt.tdtr.TwoChannelLayer.from_material(materials.TUNGSTEN, 104e-9)
    assert (
        float(tungsten.electron_heat_capacity),
        float(tungsten.electron_conductivity),
        float(tungsten.phonon_conductivity),
        float(tungsten.coupling_constant),
    ) == (1.12e5, 132.0, 46.0, 2e17)
    with pytest.raises(TypeError, match="Metal"):
        jt.tdtr.TwoChannelLayer.from_material(materials.ALUMINA, 1e-8)


@pytest.mark.slow
def test_fit_coupling_constants_of_w_and_ni_from_fr_and_rf_traces():
    """G of W and Ni recovered by `jt.fit.fit_traces` from synthetic FR and RF phase traces of the
    two-channel ITR sample (1-D, 2 ps - 2 ns, probe a = 0.5, b = 0.5), started a factor 2 off: the
    picosecond transients carry the information. Standard errors for 1 mrad phase noise stated."""
    import jaxtherm as jt

    truth = {"stack": _itr_stack(electron_weight=0.5, phonon_weight=0.5)}
    delays = np.geomspace(2e-12, 2e-9, 60)
    front_rear = jt.tdtr.Setup(200e3, 20e6, one_dimensional=True, heat_at="front", probe_at="rear")
    traces = []
    for name, setup in (("FR", front_rear), ("RF", front_rear.replace(heat_at="rear", probe_at="front"))):
        model = jt.tdtr.TdtrModel(setup, delays, "phase")
        traces.append(jt.fit.Trace(model=model, data=np.asarray(model(truth)), sigma=1e-3, name=name))
    free = {"G_W": "stack.layers[0].coupling_constant", "G_Ni": "stack.layers[2].coupling_constant"}
    result = jt.fit.fit_traces(truth, traces, free, initial={"G_W": 4e17, "G_Ni": 4.2e17}, absolute_sigma=True)
    print("fitted G:", result.values, "1-sigma at 1 mrad:", result.standard_errors)
    assert result.values["G_W"] == pytest.approx(2e17, rel=1e-4)
    assert result.values["G_Ni"] == pytest.approx(8.46e17, rel=1e-4)


def test_two_channel_signal_in_float32_is_finite_and_close(tmp_path):
    """With x64 off (float32) the two-channel FR phase of the ITR sample (1-D, full period) is
    finite and within 1e-3 rad of float64 (measured 3e-4 rad): the eigenproblem is scaled so that
    no square or determinant leaves the float32 range."""
    import json
    import os
    import subprocess
    import sys

    import jaxtherm as jt

    script = (
        "import json, sys, warnings; warnings.simplefilter('ignore'); sys.path.insert(0, 'tests');"
        "import numpy as np, jaxtherm as jt;"
        "from test_tdtr_two_channel_signal import _itr_stack, DELAYS;"
        "setup = jt.tdtr.Setup(200e3, 20e6, one_dimensional=True, heat_at='front', probe_at='rear');"
        "z = np.asarray(jt.tdtr.signal(_itr_stack(electron_weight=0.5, phonon_weight=0.5), setup, DELAYS));"
        "print(json.dumps([str(z.dtype), np.angle(z).tolist()]))"
    )
    environment = dict(os.environ, JAX_ENABLE_X64="0")
    root = pathlib.Path(__file__).resolve().parent.parent
    output = (
        subprocess.run(
            [sys.executable, "-c", script],
            capture_output=True,
            text=True,
            env=environment,
            cwd=root,
            timeout=300,
            check=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    dtype, phase32 = json.loads(output)
    assert dtype == "complex64"
    setup = jt.tdtr.Setup(200e3, 20e6, one_dimensional=True, heat_at="front", probe_at="rear")
    phase64 = np.asarray(
        jt.tdtr.phase(jt.tdtr.signal(_itr_stack(electron_weight=0.5, phonon_weight=0.5), setup, DELAYS))
    )
    assert np.all(np.isfinite(phase32))
    assert np.max(np.abs(np.asarray(phase32) - phase64)) < 1e-3
