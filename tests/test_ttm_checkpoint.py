"""Reverse mode through the segmented (checkpointed) TTM time scan: same gradient as the plain scan,
and equal to central finite differences."""

import dataclasses
import importlib

import jax
import jax.numpy as jnp
import numpy as np

from jaxtherm import materials, sources, ttm

simulate_module = importlib.import_module("jaxtherm.ttm._simulate")

# 70 uniform 15 fs steps: 9 checkpointed segments of 8 steps, the first starting with 2 idle steps.
EDGES = jnp.asarray(-0.3e-12 + 15e-15 * np.arange(71))
CONFIG = ttm.Config(cells_per_layer=(6, 3), variant="B")


def bilayer(theta):
    """Au 40 nm on Pt 20 nm; theta = (G (W m^-3 K^-1), thermalisation delay (s), h_ee (W m^-2 K^-1))."""
    source = sources.PulseSource(
        incident_fluence=1.6, pulse_duration=100e-15, penetration_depth=15.3e-9, thermalisation_delay=theta[1]
    )
    gold = dataclasses.replace(materials.GOLD, coupling_constant=theta[0])
    return ttm.Params(
        layers=(ttm.Layer(gold, 40e-9), ttm.Layer(materials.PLATINUM, 20e-9)),
        interfaces=(ttm.Interface(electron_conductance=theta[2], phonon_conductance=5e8),),
        source=source,
    )


def _value_and_grad(segment):
    indices = jnp.arange(EDGES.shape[0])
    positions = jnp.asarray([0.0, 60e-9])

    def loss(theta):
        solution = simulate_module._simulate(bilayer(theta), CONFIG, EDGES, indices, positions, False, segment)
        return jnp.sum(solution.electron_temperature[:, 0]) + jnp.sum(solution.phonon_temperature[:, 1])

    return jax.jit(jax.value_and_grad(loss))


THETA = jnp.array([2.0e16, 150e-15, 2.0e10])


def test_checkpointed_scan_gradient_equals_plain_scan_and_finite_differences():
    """Same value (1e-13) and gradient (1e-12) as the plain scan; the gradient matches central
    finite differences (relative step 1e-5) to 1e-6. `simulate` segments runs of >= 64 steps."""
    segment = simulate_module.checkpoint_segment(EDGES.shape[0] - 1)
    assert segment == 8 and (EDGES.shape[0] - 1) % segment != 0  # the idle (masked) steps are exercised
    assert simulate_module.checkpoint_segment(63) is None
    plain, checkpointed = _value_and_grad(None), _value_and_grad(segment)
    value_plain, g_plain = plain(THETA)
    value, g_checkpointed = checkpointed(THETA)
    np.testing.assert_allclose(float(value), float(value_plain), rtol=1e-13)
    np.testing.assert_allclose(np.asarray(g_checkpointed), np.asarray(g_plain), rtol=1e-12, atol=0)
    for j in range(3):
        h = 1e-5 * float(THETA[j])
        step = jnp.zeros(3).at[j].set(h)
        fd = (float(checkpointed(THETA + step)[0]) - float(checkpointed(THETA - step)[0])) / (2 * h)
        assert fd != 0
        np.testing.assert_allclose(float(g_checkpointed[j]), fd, rtol=1e-6)
