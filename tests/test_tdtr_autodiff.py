"""Differentiability and batching of the TDTR model: jax.jacfwd / jax.grad of the ratio against
central finite differences, vmap over stacks equals a Python loop, no retrace for new values."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import jaxtherm as jt
from jaxtherm.tdtr._lockin import _signal_jit

L = jt.tdtr.Layer
DELAYS = np.array([1e-12, 10e-12, 100e-12, 1e-9, 49e-9])
SETUP_FR = jt.tdtr.Setup(200e3, 20e6, heat_at="front", probe_at="rear", one_dimensional=True)


def _stack(resistances=(4.2e-9, 6.9e-9, 1e-9), conductivities=(158.1, 9.724, 83.58, 1.4)):
    thickness = [104e-9, 9.66e-9, 82e-9, np.inf]
    heat_capacity = [2.55e6, 2.21e6, 3.98e6, 1.6e6]
    layers = [L(d, c, k) for d, c, k in zip(thickness, heat_capacity, conductivities)]
    return jt.tdtr.Stack(layers=layers, resistances=list(resistances))


def _ratio_of(params):
    """Ratio at DELAYS as a function of a flat vector (3 resistances, 4 conductivities)."""
    stack = _stack(resistances=tuple(params[:3]), conductivities=tuple(params[3:]))
    return jt.tdtr.ratio(jt.tdtr.signal(stack, SETUP_FR, DELAYS))


PARAMS = np.array([4.2e-9, 6.9e-9, 1e-9, 158.1, 9.724, 83.58, 1.4])


@pytest.fixture(scope="module")
def jacobian():
    return np.asarray(jax.jacfwd(_ratio_of)(jnp.asarray(PARAMS)))


def test_jacfwd_matches_central_differences(jacobian):
    """d ratio / d(every interface resistance and every conductivity) from forward-mode AD equals
    central finite differences (relative step 1e-5; agreement to 1e-6 of the largest entry)."""
    for i in range(len(PARAMS)):
        step = 1e-5 * PARAMS[i]
        up, down = PARAMS.copy(), PARAMS.copy()
        up[i] += step
        down[i] -= step
        fd = (np.asarray(_ratio_of(jnp.asarray(up))) - np.asarray(_ratio_of(jnp.asarray(down)))) / (2 * step)
        scale = np.max(np.abs(fd))
        assert scale > 0
        np.testing.assert_allclose(jacobian[:, i], fd, rtol=0, atol=1e-6 * scale)


def test_grad_equals_jacfwd():
    """Reverse mode through the stack pytree (transposing the library's custom derivative rule)
    gives the same derivatives of the FR phase at 20 MHz as forward mode, for every resistance,
    conductivity, heat capacity and finite thickness."""
    freqs = np.array([20.2e6])

    def phase_of(stack):
        return jt.tdtr.phase(jt.tdtr.response(stack, SETUP_FR, freqs))[0]

    stack = _stack()
    reverse = jax.grad(phase_of)(stack)
    forward = jax.jacfwd(phase_of)(stack)
    for r, f in zip(jax.tree_util.tree_leaves(reverse), jax.tree_util.tree_leaves(forward)):
        assert np.isfinite(float(r))
        assert abs(float(r) - float(f)) <= 1e-10 * max(abs(float(f)), 1e-300)


def test_vmap_over_stacks_equals_loop():
    """jax.vmap over a batch of stacks (stack_batch and Stack.from_arrays layouts) equals a Python
    loop of single evaluations."""
    stacks = [_stack(resistances=(r, 6.9e-9, 1e-9)) for r in (2e-9, 4.2e-9, 9e-9)]
    batched = jt.tdtr.stack_batch(stacks)
    mapped = np.asarray(jax.vmap(lambda s: jt.tdtr.signal(s, SETUP_FR, DELAYS))(batched))
    looped = np.array([np.asarray(jt.tdtr.signal(s, SETUP_FR, DELAYS)) for s in stacks])
    np.testing.assert_allclose(mapped, looped, rtol=1e-12)
    arrays = jt.tdtr.Stack.from_arrays(
        thickness=[[104e-9, 9.66e-9, 82e-9, np.inf]] * 3,
        heat_capacity=[[2.55e6, 2.21e6, 3.98e6, 1.6e6]] * 3,
        conductivity=[[158.1, 9.724, 83.58, 1.4]] * 3,
        resistances=[[r, 6.9e-9, 1e-9] for r in (2e-9, 4.2e-9, 9e-9)],
    )
    mapped2 = np.asarray(jax.vmap(lambda s: jt.tdtr.signal(s, SETUP_FR, DELAYS))(arrays))
    np.testing.assert_allclose(mapped2, looped, rtol=1e-12)


def test_no_retrace_for_new_parameter_values():
    """New parameter values (resistances, conductivities, thicknesses) reuse the compiled signal:
    neither the library's internal jit nor a user's jit retraces."""
    traces = []

    @jax.jit
    def user_signal(stack):
        traces.append(1)  # Python side effect: runs once per trace
        return jt.tdtr.signal(stack, SETUP_FR, DELAYS)

    base = _stack()
    jt.tdtr.signal(base, SETUP_FR, DELAYS)
    cache_before = _signal_jit._cache_size()
    for r, k, d in ((3e-9, 150.0, 100e-9), (5e-9, 170.0, 110e-9), (8e-9, 140.0, 90e-9)):
        stack = base.replace_resistance(0, r).replace_layer(0, conductivity=k, thickness=d)
        jt.tdtr.signal(stack, SETUP_FR, DELAYS)
        user_signal(stack)
    assert _signal_jit._cache_size() == cache_before
    assert len(traces) == 1


def test_replace_helpers_are_functional():
    """replace_layer / replace_resistance return new stacks and leave the original unchanged (they
    are traced like any other construction, see the no-retrace test)."""
    base = _stack()
    changed = base.replace_resistance(1, 1e-8).replace_layer(2, heat_capacity=4e6)
    assert float(base.resistances[1]) == 6.9e-9 and float(changed.resistances[1]) == 1e-8
    assert float(base.layers[2].heat_capacity) == 3.98e6 and float(changed.layers[2].heat_capacity) == 4e6
    assert changed.layers[0] is base.layers[0]
