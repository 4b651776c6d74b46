"""Building blocks and input validation of the DUGKS: quadrature, temperature inversion,
limiter, specular symmetry, and clear errors for bad inputs."""

import dataclasses
import importlib

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from jaxtherm import dugks, materials
from jaxtherm.dugks import reconstruction

step_module = importlib.import_module("jaxtherm.dugks.step")


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
    return {"ce0": jnp.asarray(ce_const), "ce1": jnp.asarray(gamma), "ce_ref": jnp.asarray(ce_const + gamma * t_ref),
            "cp": jnp.asarray(cp), "coupling": jnp.asarray(coupling)}


@pytest.mark.parametrize("te,tp", [(300.0 + 1e-9, 300.0), (301.0, 299.5), (5000.0, 320.0), (30000.0, 300.0)])
def test_temperature_solve_inverts_the_moment_equations(te, tp):
    """The closed-form solve of eq. 44-47 returns the temperatures whose moments were given,
    from a 1e-9 K perturbation (no cancellation) to Te = 30,000 K (hot electrons)."""
    coeffs = _coefficients()
    t_ref, width = 300.0, 1e-15
    energies = step_module.equilibrium_energy(coeffs, jnp.asarray(te), jnp.asarray(tp), t_ref)
    exchange = width * coeffs["coupling"] * (te - tp)
    got_te, got_tp = step_module.solve_temperatures(coeffs, energies[0] + exchange, energies[1] - exchange,
                                                    width, t_ref)
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
    config = dugks.make_config(100e-9, 10, t_end=0.2e-12, n_outputs=4, boundaries="specular", with_source=False,
                               n_ordinates=8)
    solution = dugks.simulate(dugks.Params(layers=(materials.GOLD,)), config)
    np.testing.assert_allclose(solution.electron_temperature, 300.0, rtol=0, atol=1e-10)
    np.testing.assert_allclose(solution.phonon_temperature, 300.0, rtol=0, atol=1e-10)


GOOD_PARAMS = dugks.Params(layers=(materials.GOLD,))


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
        ({"t_end": -1.0}, "t_end"),
        ({"initial_condition": "random"}, "initial_condition"),
        ({"max_speed": -1.0}, "max_speed"),
    ],
)
def test_bad_configuration_raises(kwargs, match):
    """Unphysical or unsupported configurations raise a ValueError naming the parameter."""
    with pytest.raises(ValueError, match=match):
        dugks.make_config(100e-9, 10, **kwargs)


def test_bad_geometry_raises():
    """Thickness in nm instead of m, negative thickness, too few cells and mismatched layer
    arrays raise clear errors."""
    with pytest.raises(ValueError, match="nanometres"):
        dugks.make_config(100.0, 10)
    with pytest.raises(ValueError, match="> 0"):
        dugks.make_config(-1e-7, 10)
    with pytest.raises(ValueError, match="cells_per_layer"):
        dugks.make_config((50e-9, 30e-9), (10,))
    with pytest.raises(ValueError, match=">= 2"):
        dugks.make_config(100e-9, 1)
    with pytest.raises(TypeError, match="integer"):
        dugks.make_config(100e-9, 10.5)
    with pytest.raises(ValueError, match="cell edge"):
        dugks.make_config((50e-9, 30e-9), cell_edges=np.linspace(0, 80e-9, 7))


def test_bad_params_raise():
    """Mismatched layers, a NaN coupling, a non-metal layer, a bad wall array and a max_speed
    below the carriers' speed are rejected at the public entry."""
    config = dugks.make_config(100e-9, 10, with_source=False)
    two_layer = dugks.make_config((50e-9, 50e-9), (5, 5), with_source=False)
    with pytest.raises(ValueError, match="layers"):
        dugks.simulate(GOOD_PARAMS, two_layer)
    with pytest.raises(ValueError, match="NaN"):
        dugks.simulate(dugks.with_coupling(GOOD_PARAMS, float("nan")), config)
    with pytest.raises(TypeError, match="Metal"):
        dugks.simulate(dugks.Params(layers=(materials.SAPPHIRE,)), config)
    with pytest.raises(ValueError, match="wall_temperatures"):
        dugks.simulate(dataclasses.replace(GOOD_PARAMS, wall_temperatures=np.ones(3) * 300.0), config)
    with pytest.raises(ValueError, match="max_speed"):
        dugks.simulate(GOOD_PARAMS, dataclasses.replace(config, max_speed=1e5))
    with pytest.raises(TypeError, match="Params"):
        dugks.simulate({"layers": (materials.GOLD,)}, config)


def test_traced_speeds_need_max_speed():
    """Under vmap over the carrier speed the time step cannot be derived: a clear error
    asks for config.max_speed."""
    config = dugks.make_config(100e-9, 10, with_source=False, t_end=1e-14, n_outputs=1, n_ordinates=2)

    def run(speed):
        layer = dataclasses.replace(materials.GOLD, electron_speed=speed)
        return dugks.simulate(dugks.Params(layers=(layer,)), config).electron_temperature

    with pytest.raises(ValueError, match="max_speed"):
        jax.vmap(run)(jnp.array([1.0e6, 1.2e6]))


def test_public_step_reproduces_simulate():
    """Stepping by hand with `initial_state` + `step` gives the same final state as `simulate`
    (same scheme, same dt), including the energy bookkeeping."""
    from jaxtherm import sources

    source = sources.PulseSource(incident_fluence=1.0, reflectivity=0.9, pulse_duration=100e-15,
                                 penetration_depth=15.3e-9)
    params = dugks.Params(layers=(materials.GOLD,), source=source)
    config = dugks.resolve_time_step(params, dugks.make_config(50e-9, 6, t_start=-0.2e-12, t_end=0.2e-12,
                                                               n_outputs=1, n_ordinates=4))
    solution = dugks.simulate(params, config)
    state = dugks.initial_state(params, config)
    for _ in range(config.n_steps()):
        state = dugks.step(params, config, state)
    fields = step_module.centre_fields(step_module.prepare(params, config), config, state.distribution,
                                       config.t_end)
    np.testing.assert_allclose(fields["Te"], solution.electron_temperature[-1], rtol=1e-13)
    assert float(state.absorbed_energy) == pytest.approx(float(solution.absorbed_energy[-1]), rel=1e-13)
