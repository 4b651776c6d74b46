"""Building blocks and input validation of the DUGKS: quadrature, temperature inversion,
limiter, specular symmetry, and clear errors for bad inputs."""

import dataclasses
import importlib

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from jaxtherm import dugks, materials

reconstruction = importlib.import_module("jaxtherm.dugks._reconstruction")
collision = importlib.import_module("jaxtherm.dugks._collision")
step_module = importlib.import_module("jaxtherm.dugks._step")
GOLD_100NM = dugks.Layer(materials.GOLD, 100e-9)


@pytest.mark.parametrize("quadrature", dugks.QUADRATURES)
@pytest.mark.parametrize("count", [2, 8, 40, 100])
def test_ordinates_integrate_the_sphere(quadrature, count):
    """Weights sum to 2 (full sphere / 2 pi), each hemisphere to 1, mu^2 averages to 1/3
    (isotropic: kappa = C v^2 tau / 3), ordinates are mirror pairs."""
    mu, w = dugks.ordinates(count, quadrature)
    assert w.sum() == pytest.approx(2.0, rel=1e-14)
    assert w[mu > 0].sum() == pytest.approx(1.0, rel=1e-14)
    if quadrature == "gauss-legendre" or count >= 4:  # one point per hemisphere is exact to degree 1
        assert np.sum(w * mu**2) == pytest.approx(2.0 / 3.0, rel=1e-13)
    np.testing.assert_array_equal(mu, -mu[::-1])
    if quadrature == "double-gauss":
        assert np.sum(w[mu > 0] * mu[mu > 0]) == pytest.approx(0.5, rel=1e-14)


def _coefficients(gamma=71.0, ce_const=0.0, cp=2.5e6, coupling=2.6e16, t_ref=300.0):
    return dugks.Coefficients(
        electron_capacity_reference=jnp.asarray(ce_const + gamma * t_ref),
        electron_capacity_slope=jnp.asarray(gamma),
        phonon_capacity=jnp.asarray(cp),
        coupling=jnp.asarray(coupling),
        electron_speed=jnp.asarray(1.36e6),
        phonon_speed=jnp.asarray(2142.86),
    )


@pytest.mark.parametrize("te,tp", [(300.0 + 1e-9, 300.0), (301.0, 299.5), (5000.0, 320.0), (30000.0, 300.0)])
def test_temperature_solve_inverts_the_moment_equations(te, tp):
    """The closed-form solve of eq. 44-47 returns the temperatures whose moments were given,
    from a 1e-9 K perturbation (no cancellation) to Te = 30,000 K (hot electrons)."""
    coeffs = _coefficients()
    t_ref, width = 300.0, 1e-15
    energies = collision.equilibrium_energy(coeffs, jnp.asarray(te), jnp.asarray(tp), t_ref)
    exchange = width * coeffs.coupling * (te - tp)
    got_te, got_tp = collision.solve_temperatures(coeffs, energies[0] + exchange, energies[1] - exchange, width, t_ref)
    assert float(got_te) - 300.0 == pytest.approx(te - 300.0, rel=1e-9)
    assert float(got_tp) - 300.0 == pytest.approx(tp - 300.0, rel=1e-9, abs=1e-12)


def test_van_leer_limiter_properties():
    """van Leer: harmonic mean for equal-sign slopes, zero at extrema, finite gradient at 0."""
    assert float(reconstruction.van_leer(1.0, 3.0)) == pytest.approx(1.5)
    assert float(reconstruction.van_leer(-2.0, 2.0)) == 0.0
    assert float(reconstruction.van_leer(0.0, 0.0)) == 0.0
    assert np.all(np.isfinite(jax.grad(lambda a: reconstruction.van_leer(a, 0.0))(0.0)))


def test_equilibrium_slab_with_specular_walls_stays_in_equilibrium():
    """An equilibrium slab with specular walls and no source stays exactly in equilibrium
    (no spurious fluxes from the ghost cells, the face collisions or the limiter)."""
    config = dugks.Config(cells_per_layer=10, boundaries="specular", with_source=False, n_ordinates=8)
    solution = dugks.simulate(dugks.Params(layers=(GOLD_100NM,)), config, np.linspace(0.0, 0.2e-12, 5))
    np.testing.assert_allclose(solution.electron_temperature, 300.0, rtol=0, atol=1e-10)
    np.testing.assert_allclose(solution.phonon_temperature, 300.0, rtol=0, atol=1e-10)


GOOD_PARAMS = dugks.Params(layers=(GOLD_100NM,))
TIMES = np.linspace(0.0, 1e-12, 101)


@pytest.mark.parametrize(
    "kwargs,match",
    [
        ({"cfl": 1.0}, "cfl"),
        ({"cfl": 1.2}, "cfl"),
        ({"cfl": 0.0}, "cfl"),
        ({"n_ordinates": 1}, "n_ordinates"),
        ({"n_ordinates": 7}, "even"),
        ({"boundaries": "adiabatic"}, "boundary"),
        ({"boundaries": (("periodic", "periodic"), ("specular", "specular"))}, "periodic"),
        ({"limiter": "minmod"}, "limiter"),
        ({"quadrature": "lebedev"}, "quadrature"),
        ({"initial_condition": "random"}, "initial_condition"),
        ({"max_speed": -1.0}, "max_speed"),
    ],
)
def test_bad_configuration_raises(kwargs, match):
    """Unphysical or unsupported configurations raise a ValueError naming the parameter."""
    with pytest.raises(ValueError, match=match):
        dugks.Config(cells_per_layer=10, **kwargs)


def _gold(*thicknesses):
    return dugks.Params(layers=tuple(dugks.Layer(materials.GOLD, t) for t in thicknesses))


def test_bad_geometry_raises():
    """Thickness in nm instead of m, negative thickness, too few cells, mismatched layer
    arrays and bad output times raise clear errors."""
    config = dugks.Config(cells_per_layer=10, with_source=False)
    with pytest.raises(ValueError, match="nanometres"):
        dugks.simulate(_gold(100.0), config, TIMES)
    with pytest.raises(ValueError, match="> 0"):
        dugks.simulate(_gold(-1e-7), config, TIMES)
    with pytest.raises(ValueError, match="cells_per_layer"):
        dugks.simulate(_gold(50e-9, 30e-9), config, TIMES)
    with pytest.raises(ValueError, match=">= 2"):
        dugks.Config(cells_per_layer=1)
    with pytest.raises(TypeError, match="integer"):
        dugks.Config(cells_per_layer=10.5)
    with pytest.raises(ValueError, match="cell_growth"):
        dugks.Config(cells_per_layer=(10, 10), cell_growth=(1.05,))
    with pytest.raises(ValueError, match="times"):
        dugks.simulate(_gold(100e-9), config, np.array([0.0, -1.0]))
    with pytest.raises(ValueError, match="equally spaced"):
        dugks.simulate(_gold(100e-9), config, np.array([0.0, 1e-13, 3e-13]))


def test_bad_params_raise():
    """Mismatched layers, a NaN coupling, a layer that is no material, a bad wall array and a max_speed
    below the carriers' speed are rejected at the public entry."""
    config = dugks.Config(cells_per_layer=10, with_source=False)
    two_layer = dugks.Config(cells_per_layer=(5, 5), with_source=False)
    with pytest.raises(ValueError, match="layers"):
        dugks.simulate(GOOD_PARAMS, two_layer, TIMES)
    with pytest.raises(ValueError, match="NaN"):
        dugks.simulate(dugks.with_coupling(GOOD_PARAMS, float("nan")), config, TIMES)
    with pytest.raises(TypeError, match="Metal"):
        dugks.simulate(dugks.Params(layers=(dugks.Layer("sapphire", 100e-9),)), config, TIMES)
    with pytest.raises(ValueError, match="wall_temperatures"):
        dugks.simulate(dataclasses.replace(GOOD_PARAMS, wall_temperatures=np.ones(3) * 300.0), config, TIMES)
    with pytest.raises(ValueError, match="max_speed"):
        dugks.simulate(GOOD_PARAMS, dataclasses.replace(config, max_speed=1e5), TIMES)
    with pytest.raises(TypeError, match="Params"):
        dugks.simulate({"layers": (GOLD_100NM,)}, config, TIMES)


def test_traced_speeds_need_max_speed():
    """Under vmap over the carrier speed the time step cannot be derived: a clear error
    asks for config.max_speed."""
    config = dugks.Config(cells_per_layer=10, with_source=False, n_ordinates=2)

    def run(speed):
        layer = dataclasses.replace(materials.GOLD, electron_speed=speed)
        return dugks.simulate(
            dugks.Params(layers=(dugks.Layer(layer, 100e-9),)), config, np.array([0.0, 1e-14])
        ).electron_temperature

    with pytest.raises(ValueError, match="max_speed"):
        jax.vmap(run)(jnp.array([1.0e6, 1.2e6]))


def test_public_step_reproduces_simulate():
    """Stepping by hand with `initial_state` + `step` gives the same final state as `simulate`
    (same scheme, same dt), including the energy bookkeeping."""
    from jaxtherm import sources

    source = sources.PulseSource(
        incident_fluence=1.0, reflectivity=0.9, pulse_duration=100e-15, penetration_depth=15.3e-9
    )
    params = dugks.Params(layers=(dugks.Layer(materials.GOLD, 50e-9),), source=source)
    config = dugks.Config(cells_per_layer=6, n_ordinates=4)
    times = np.array([-0.2e-12, 0.2e-12])
    solution = dugks.simulate(params, config, times)
    plan = dugks.time_stepping(params, config, times)
    state = dugks.initial_state(params, config, times[0], plan.time_step)
    for _ in range(plan.steps_per_output):
        state = dugks.step(params, config, state, plan.time_step)
    fields = dugks.centre_fields(
        dugks.discretise(params, config), params, config, state.distribution, state.time, plan.time_step
    )
    np.testing.assert_allclose(fields.electron_temperature, solution.electron_temperature[-1], rtol=1e-13)
    assert float(state.absorbed_energy) == pytest.approx(float(solution.absorbed_energy[-1]), rel=1e-13)
