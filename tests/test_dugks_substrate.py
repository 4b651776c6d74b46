"""DUGKS on real samples: a metal film on a phonon-only (dielectric) substrate.

* closed (specular walls) Au on sapphire: energy conserved to round-off, no electron
  energy in the substrate;
* diffusive limit (mean free paths of a few nm, layers of 50/100 nm) against
  `jaxtherm.ttm` with the equivalent Kapitza conductance of the interface
  (`dugks.diffusive_interface_conductance`; exact for two Gauss-Legendre ordinates);
* ballistic limit (mean free paths 1000 x the layers) between black walls: the steady
  heat flux and the temperatures of both media from the interface balance written here;
* gradients in the interface transmission and the film thickness vs central differences.
"""

import dataclasses

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from jaxtherm import dugks, materials, sources, ttm
from jaxtherm.dugks import _simulate as _simulate_module

#: Constant-property metal with short mean free paths (electrons 3 nm, phonons 1.5 nm).
DIFFUSIVE_METAL = materials.Metal(
    name="diffusive metal",
    electron_heat_capacity_model="constant",
    electron_conductivity_model="constant",
    electron_heat_capacity_constant=2e5,
    electron_conductivity_coefficient=20.0,
    phonon_heat_capacity_constant=2e6,
    phonon_conductivity_constant=5.0,
    coupling_constant=1e17,
    electron_speed=1e5,
    phonon_speed=5e3,
)
#: Dielectric with a 3 nm phonon mean free path.
DIFFUSIVE_SUBSTRATE = materials.NonMetal(
    name="diffusive dielectric", phonon_heat_capacity_constant=2e6, phonon_conductivity_constant=10.0, phonon_speed=5e3
)
FILM, SUBSTRATE = 50e-9, 100e-9
TRANSMISSION = 0.1
SOURCE = sources.PulseSource(incident_fluence=1.0, reflectivity=0.9, pulse_duration=200e-15, penetration_depth=10e-9)
TIMES = np.linspace(-1e-12, 59e-12, 16)


def diffusive_params(transmission=TRANSMISSION, film=FILM):
    layers = (dugks.Layer(DIFFUSIVE_METAL, film), dugks.Layer(DIFFUSIVE_SUBSTRATE, SUBSTRATE))
    return dugks.Params(layers=layers, source=SOURCE, interfaces=(dugks.Interface(phonon_transmission=transmission),))


# two ordinates: the discrete BTE whose diffusive limit is exactly a TTM with the
# conductance of `diffusive_interface_conductance`; 1 nm cells resolve the mean free paths.
DIFFUSIVE_CONFIG = dugks.resolve_time_step(
    diffusive_params(), dugks.Config(cells_per_layer=(50, 100), n_ordinates=2, cfl=0.8)
)


@pytest.fixture(scope="module")
def diffusive_run():
    return dugks.simulate(diffusive_params(), DIFFUSIVE_CONFIG, TIMES)


def compare_with_ttm(solution, n_ordinates):
    """Assert the diffusive-limit agreement of a kinetic run with the TTM of the same stack."""
    h = dugks.diffusive_interface_conductance(
        DIFFUSIVE_METAL, DIFFUSIVE_SUBSTRATE, n_ordinates=n_ordinates, phonon_transmission=TRANSMISSION
    )
    positions = np.asarray(solution.positions)
    reference = ttm.simulate(
        ttm.Params(
            layers=(ttm.Layer(DIFFUSIVE_METAL, FILM), ttm.Layer(DIFFUSIVE_SUBSTRATE, SUBSTRATE)),
            interfaces=(ttm.Interface(phonon_conductance=h),),
            source=SOURCE,
        ),
        ttm.Config(cells_per_layer=(100, 200)),
        np.linspace(TIMES[0], TIMES[-1], 3001),
        output_times=TIMES,
        positions=positions,
    )
    later = TIMES >= 10e-12
    kinetic_te = np.asarray(solution.electron_temperature)[later]
    kinetic_tp = np.asarray(solution.phonon_temperature)[later]
    ttm_te = np.asarray(reference.electron_temperature)[later]
    ttm_tp = np.asarray(reference.phonon_temperature)[later]
    rise = float(np.max(reference.electron_temperature)) - 300.0
    metal = positions < FILM
    assert np.max(np.abs(kinetic_te - ttm_te)[:, metal]) < 0.01 * rise
    assert np.max(np.abs(kinetic_tp - ttm_tp)) < 0.01 * rise
    last = 50  # first substrate cell; the jump is read between the two cells next to the interface
    jump_kinetic = kinetic_tp[:, last - 1] - kinetic_tp[:, last]
    jump_ttm = ttm_tp[:, last - 1] - ttm_tp[:, last]
    np.testing.assert_allclose(jump_kinetic, jump_ttm, rtol=0.01)
    # the interface matters here: its jump is most of the film's phonon temperature rise
    assert np.all(jump_ttm > 0.5 * (ttm_tp[:, last - 1] - 300.0))


def test_diffusive_limit_matches_ttm_with_the_equivalent_kapitza_conductance(diffusive_run):
    """Pulse-heated metal film on a dielectric, mean free paths 1.5-3 nm, interface
    transmission 0.1, two ordinates: from 10 ps on, Te and Tp everywhere agree with a
    two-layer TTM whose interface conductance is h = t12 C1 v1 kappa1 / 2 / (1 - (t12 + t21)/2)
    to 1 % of the largest temperature rise, and the phonon temperature jump across the
    interface to 1 %."""
    h = dugks.diffusive_interface_conductance(
        DIFFUSIVE_METAL, DIFFUSIVE_SUBSTRATE, n_ordinates=2, phonon_transmission=TRANSMISSION
    )
    # equal C v on both sides: t21 = t12, kappa1 = 1/sqrt(3)
    assert h == pytest.approx(TRANSMISSION * 1e10 / np.sqrt(3.0) / 2.0 / (1.0 - TRANSMISSION), rel=1e-12)
    compare_with_ttm(diffusive_run, 2)


@pytest.mark.slow
def test_diffusive_limit_with_eight_ordinates():
    """The same with 8 ordinates (kappa1 = sum_{mu>0} w mu = 0.5058; the Knudsen layers
    the conductance formula neglects stay below the 1 % tolerance at this transmission)."""
    config = dataclasses.replace(DIFFUSIVE_CONFIG, n_ordinates=8)
    compare_with_ttm(dugks.simulate(diffusive_params(), config, TIMES), 8)


def test_closed_stack_conserves_energy_and_keeps_substrate_electrons_inert(diffusive_run):
    """Specular walls: stored energy equals the absorbed pulse to round-off (1e-10 relative),
    nothing leaves; the substrate's electron row holds no energy (Te = T_ref exactly, zero
    electron heat flux) and the source heats the metal only."""
    absorbed = float(diffusive_run.absorbed_energy[-1])
    # eq. 48 as printed deposits sqrt(pi / 4 ln2) P (1 - R); the film holds 1 - exp(-50/10) of it
    assert absorbed == pytest.approx(np.sqrt(np.pi / (4 * np.log(2))) * 0.1 * (1 - np.exp(-5.0)), rel=1e-3)
    assert np.max(np.abs(np.asarray(diffusive_run.energy_error))) < 1e-10 * absorbed
    assert np.max(np.abs(np.asarray(diffusive_run.wall_heat_out))) < 1e-12 * absorbed
    substrate = np.asarray(diffusive_run.positions) > FILM
    assert np.all(np.asarray(diffusive_run.electron_temperature)[:, substrate] == 300.0)
    assert np.all(np.asarray(diffusive_run.electron_heat_flux)[:, substrate] == 0.0)
    assert float(diffusive_run.phonon_temperature[-1, -1]) > 300.0  # heat reached the substrate


@pytest.mark.parametrize(
    "reflection,film,substrate",
    [
        ("diffuse", materials.GOLD, materials.SAPPHIRE),
        pytest.param("specular", dugks.ALUMINIUM, dugks.SILICON, marks=pytest.mark.slow),
    ],
)
def test_metal_on_dielectric_conserves_energy(reflection, film, substrate):
    """Au (Ce = gamma Te, eq. 49 kappa_e) on sapphire (Al on Si, slow), gray DMM phonon
    transmission, specular walls, diffuse (specular) electron reflection at the interface:
    energy conserved to 1e-10 relative, and the interface passes phonon heat (the substrate
    warms) but no electron heat."""
    source = sources.PulseSource(
        incident_fluence=5.0, reflectivity=0.95, pulse_duration=100e-15, penetration_depth=15e-9
    )
    params = dugks.Params(layers=(dugks.Layer(film, 20e-9), dugks.Layer(substrate, 20e-9)), source=source)
    config = dugks.Config(cells_per_layer=(10, 10), n_ordinates=8, electron_reflection=reflection)
    solution = dugks.simulate(params, config, np.linspace(-0.3e-12, 0.5e-12, 5))
    absorbed = float(solution.absorbed_energy[-1])
    assert np.max(np.abs(np.asarray(solution.energy_error))) < 1e-10 * absorbed
    assert float(solution.phonon_temperature[-1, 10]) > 300.0
    assert np.all(np.asarray(solution.electron_temperature)[:, 10:] == 300.0)
    assert float(solution.front_electron_temperature.max()) > 400.0


def ballistic_reference(left, right, t12, t_left, t_right, n_ordinates, t_ref):
    """Steady ballistic state between black walls at t_left / t_right (K) around a diffuse interface.

    Each wall emits the equilibrium flux e_i (T_i - T_ref) into its medium, e_i = C_i v_i kappa1 / 2
    (kappa1 the half-range first moment of the ordinates); the interface re-emits isotropically
    out_1 = t21 a2 + (1 - t12) a1 and out_2 = t12 a1 + (1 - t21) a2. Returns the net heat flux
    (W/m^2) and the (uniform) temperature of each medium (K): half of its directions carry the
    wall's equilibrium, the other half the interface emission.
    """
    mu, w = np.polynomial.legendre.leggauss(n_ordinates)
    kappa1 = np.sum(w[n_ordinates // 2 :] * mu[n_ordinates // 2 :])
    e1 = left.phonon_heat_capacity_constant * left.phonon_speed * kappa1 / 2
    e2 = right.phonon_heat_capacity_constant * right.phonon_speed * kappa1 / 2
    t21 = t12 * e1 / e2
    a1, a2 = e1 * (t_left - t_ref), e2 * (t_right - t_ref)
    out1 = t21 * a2 + (1 - t12) * a1
    out2 = t12 * a1 + (1 - t21) * a2
    flux = a1 - out1
    return flux, t_ref + 0.5 * (a1 + out1) / e1, t_ref + 0.5 * (a2 + out2) / e2


@pytest.mark.parametrize("transmissions", [(None,), pytest.param((0.3,), marks=pytest.mark.slow)])
def test_ballistic_steady_state_matches_the_interface_balance(transmissions):
    """Mean free paths 1000 x the layer thicknesses, black (isothermal) walls at 301 / 299 K, no
    electron-phonon coupling: the steady phonon flux and the two media's phonon temperatures
    match the ballistic interface balance (written independently in this test) within 0.5 %
    of the wall difference, for the DMM transmission (and a given one, slow); no electron heat
    crosses the metal/dielectric interface (electron flux in the film -> 0)."""
    length, speed = 20e-9, 5e3
    metal = dataclasses.replace(
        DIFFUSIVE_METAL,
        coupling_constant=0.0,
        phonon_heat_capacity_constant=2.5e6,
        phonon_speed=2e3,
        electron_speed=speed,
    )
    metal = dataclasses.replace(
        metal,
        phonon_conductivity_constant=2.5e6 * 2e3 * 1000 * length / 3,
        electron_conductivity_coefficient=2e5 * speed * 1000 * length / 3,
    )
    dielectric = dataclasses.replace(
        DIFFUSIVE_SUBSTRATE, phonon_speed=speed, phonon_conductivity_constant=2e6 * speed * 1000 * length / 3
    )
    walls = np.array([[301.0, 301.0], [299.0, 299.0]])
    config = dugks.Config(
        cells_per_layer=(10, 10), n_ordinates=8, cfl=0.8, boundaries="isothermal", with_source=False, limiter="upwind"
    )
    dmm = float(dugks.transmission(2.5e6, 2e3, 2e6, speed))
    for t12 in transmissions:
        interfaces = (dugks.Interface(phonon_transmission=t12),)
        params = dugks.Params(
            layers=(dugks.Layer(metal, length), dugks.Layer(dielectric, length)),
            wall_temperatures=walls,
            interfaces=interfaces,
        )
        solution = dugks.simulate(params, config, np.linspace(0.0, 150 * length / 2e3, 3))
        flux, temp_film, temp_substrate = ballistic_reference(
            metal, dielectric, dmm if t12 is None else t12, 301.0, 299.0, 8, 300.0
        )
        qp = np.asarray(solution.phonon_heat_flux[-1])
        np.testing.assert_allclose(qp, flux, atol=5e-3 * abs(flux))
        tp = np.asarray(solution.phonon_temperature[-1])
        np.testing.assert_allclose(tp[:10], temp_film, atol=0.01)
        np.testing.assert_allclose(tp[10:], temp_substrate, atol=0.01)
        assert np.max(np.abs(np.asarray(solution.electron_heat_flux[-1]))) < 1e-3 * flux


def test_gradients_in_transmission_and_thickness_match_central_differences(diffusive_run):
    """d(front Te, substrate Tp 5 nm below the interface, at 11 ps)/d(t12, film thickness) by jacfwd equal central
    differences (relative steps 1e-4) within 1e-4 relative; the four shifted runs reuse the compiled solver."""
    probe = jnp.asarray([FILM + 5e-9])

    def outputs(transmission, film):
        # the forward runs reuse the compiled solver of the module fixture (same config, times)
        solution = dugks.simulate(diffusive_params(transmission, film), DIFFUSIVE_CONFIG, TIMES)
        _, tp = dugks.probe(solution, probe)
        return jnp.stack([solution.front_electron_temperature[3], tp[3, 0]])

    jacobian = np.asarray(jax.jacfwd(lambda th: outputs(th[0], th[1]))(jnp.asarray([TRANSMISSION, FILM])))
    compiled = _simulate_module._simulate._cache_size()
    for j, value in enumerate((TRANSMISSION, FILM)):
        step = 1e-4 * value
        up = [TRANSMISSION, FILM]
        down = [TRANSMISSION, FILM]
        up[j] += step
        down[j] -= step
        fd = (np.asarray(outputs(*up)) - np.asarray(outputs(*down))) / (2 * step)
        np.testing.assert_allclose(jacobian[:, j], fd, rtol=1e-4, atol=1e-12)
    assert np.all(np.abs(jacobian) > 0)
    # new transmissions and thicknesses reused the compiled solver (no retrace)
    assert _simulate_module._simulate._cache_size() == compiled


def test_interface_inputs_are_checked():
    """A transmission outside [0, 1], one that breaks detailed balance (t21 > 1), an electron
    transmission into a dielectric and a wrong number of interfaces are refused with the
    field named."""
    config = dugks.Config(cells_per_layer=(4, 4), n_ordinates=2, with_source=False)
    times = np.linspace(0.0, 1e-13, 2)
    with pytest.raises(ValueError, match=r"interfaces\[0\].phonon_transmission"):
        dugks.simulate(diffusive_params(1.5), config, times)
    heavy = dataclasses.replace(DIFFUSIVE_METAL, phonon_heat_capacity_constant=8e6)  # C1 v1 = 4 C2 v2
    params = dataclasses.replace(
        diffusive_params(0.5), layers=(dugks.Layer(heavy, FILM), dugks.Layer(DIFFUSIVE_SUBSTRATE, SUBSTRATE))
    )
    with pytest.raises(ValueError, match="detailed balance"):
        dugks.simulate(params, config, times)
    with pytest.raises(ValueError, match="electron_transmission"):
        dugks.simulate(
            dataclasses.replace(diffusive_params(), interfaces=(dugks.Interface(electron_transmission=0.5),)),
            config,
            times,
        )
    with pytest.raises(ValueError, match="interfaces"):
        dugks.simulate(
            dataclasses.replace(diffusive_params(), interfaces=(dugks.Interface(), dugks.Interface())), config, times
        )
