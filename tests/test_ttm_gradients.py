"""Differentiability of the TTM: AD vs finite differences, vmap vs loop, no retracing."""

import dataclasses
import importlib

import jax
import jax.numpy as jnp
import numpy as np

from jaxtherm import materials, sources, ttm

simulate_module = importlib.import_module("jaxtherm.ttm._simulate")

EDGES = ttm.time_grid(
    -0.3e-12,
    1.5e-12,
    10e-15,
    fine_until=0.3e-12,
    growth=1.1,
    max_step=60e-15,
    output_times=[0.0, 0.2e-12, 0.5e-12, 1.5e-12],
)
OUTPUTS = [0.0, 0.2e-12, 0.5e-12, 1.5e-12]
CONFIG = ttm.Config(cells_per_layer=(12, 6), variant="B")


def bilayer(coupling, delay, conductance):
    """Au 40 nm on Pt 20 nm with an electron interface conductance; eq. 48 source."""
    source = sources.PulseSource(
        incident_fluence=1.6, pulse_duration=100e-15, penetration_depth=15.3e-9, thermalisation_delay=delay
    )
    gold = dataclasses.replace(materials.GOLD, coupling_constant=coupling)
    return ttm.Params(
        layers=(ttm.Layer(gold, 40e-9), ttm.Layer(materials.PLATINUM, 20e-9)),
        interfaces=(ttm.Interface(electron_conductance=conductance, phonon_conductance=5e8),),
        source=source,
    )


@jax.jit
def observables(theta):
    """Front Te and rear Tp at the output times for theta = (G, t_h, h_ee) in SI units."""
    solution = ttm.simulate(
        bilayer(theta[0], theta[1], theta[2]), CONFIG, EDGES, output_times=OUTPUTS, positions=[0.0, 60e-9]
    )
    return jnp.concatenate([solution.electron_temperature[:, 0], solution.phonon_temperature[:, 1]])


THETA = jnp.array([2.0e16, 150e-15, 2.0e10])


def test_forward_and_reverse_gradients_match_finite_differences():
    """d(observables)/d(G, t_h, h_ee) by jacfwd and by reverse mode equal central finite
    differences (relative step 1e-5) to 1e-5 of the largest entry."""
    forward = np.asarray(jax.jacfwd(observables)(THETA))
    reverse = np.asarray(jax.jacrev(observables)(THETA))
    for j in range(3):
        h = 1e-5 * float(THETA[j])
        step = jnp.zeros(3).at[j].set(h)
        fd = (np.asarray(observables(THETA + step)) - np.asarray(observables(THETA - step))) / (2 * h)
        scale = np.max(np.abs(fd))
        assert scale > 0
        np.testing.assert_allclose(forward[:, j], fd, rtol=0, atol=1e-5 * scale)
        np.testing.assert_allclose(reverse[:, j], forward[:, j], rtol=0, atol=1e-9 * scale)


def test_vmap_over_coupling_equals_loop():
    """vmap of the solver over four G values equals four separate solves."""
    gs = jnp.array([1.0e16, 2.0e16, 3.0e16, 4.0e16])
    thetas = jnp.stack([gs, jnp.full(4, THETA[1]), jnp.full(4, THETA[2])], axis=1)
    batched = np.asarray(jax.vmap(observables)(thetas))
    looped = np.stack([np.asarray(observables(t)) for t in thetas])
    np.testing.assert_allclose(batched, looped, rtol=1e-12)
    assert np.all(np.diff(batched[:, 1]) < 0)  # stronger coupling -> cooler electrons at the peak


def test_new_parameter_values_do_not_retrace():
    """Calling simulate with new G, t_h, thickness and fluence values reuses the compiled solver."""
    base = bilayer(2e16, 0.0, 1e10)
    ttm.simulate(base, CONFIG, EDGES, positions=[0.0])
    size = simulate_module._simulate._cache_size()
    for g, t_h, fluence in ((1e16, 50e-15, 1.0), (3e16, 300e-15, 2.0)):
        params = bilayer(g, t_h, 3e10)
        params = dataclasses.replace(
            params,
            source=dataclasses.replace(params.source, incident_fluence=fluence),
            layers=(dataclasses.replace(params.layers[0], thickness=45e-9), params.layers[1]),
        )
        ttm.simulate(params, CONFIG, EDGES, positions=[0.0])
    assert simulate_module._simulate._cache_size() == size
