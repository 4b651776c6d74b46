"""A concrete inf thickness is static (no exponential for the semi-infinite layer) and gives the
same response as the run-time decision; the vectorised decay exponential equals exp."""

import jax
import jax.numpy as jnp
import numpy as np

import jaxtherm as jt
from jaxtherm.tdtr._fastexp import decay_exp
from jaxtherm.tdtr._layer import runtime_thickness

L = jt.tdtr.Layer
SETUP = jt.tdtr.Setup(10e6, 80e6, 10e-6, 10e-6, n_hankel=12)
FREQUENCIES = np.array([1e4, 1e6, 1e8])


def _stack(substrate):
    return jt.tdtr.Stack([L(80e-9, 2.42e6, 180.0), L(9.7e-9, 2.21e6, 9.7), L(substrate, 1.66e6, 140.0)], [5e-9, 2e-9])


def test_static_semi_infinite_equals_run_time_decision_with_gradients():
    stack = _stack(np.inf)
    assert stack.arrays().semi_infinite_last and len(jax.tree_util.tree_leaves(stack)) == 3 * 3 + 2
    dynamic = runtime_thickness(stack)
    assert not dynamic.arrays().semi_infinite_last

    def f(s):
        return jt.tdtr.response(s, SETUP, FREQUENCIES)

    np.testing.assert_allclose(np.asarray(f(stack)), np.asarray(f(dynamic)), rtol=1e-13)

    def g(kappa, s):
        return jnp.sum(jnp.abs(f(s.replace_layer(2, conductivity=kappa))))

    grad_static, grad_dynamic = jax.grad(g)(140.0, stack), jax.grad(g)(140.0, dynamic)
    assert grad_static != 0
    np.testing.assert_allclose(float(grad_static), float(grad_dynamic), rtol=1e-12)


def test_batch_of_infinite_and_finite_substrates():
    """stack_batch accepts a mix of inf and finite substrates (decided at run time then)."""
    members = [_stack(np.inf), _stack(2e-6)]
    batch = jt.tdtr.stack_batch(members)
    mapped = jax.vmap(lambda s: jt.tdtr.response(s, SETUP, FREQUENCIES))(batch)
    for i, member in enumerate(members):
        np.testing.assert_allclose(
            np.asarray(mapped[i]), np.asarray(jt.tdtr.response(member, SETUP, FREQUENCIES)), rtol=1e-12
        )
    assert not np.allclose(np.asarray(mapped[0]), np.asarray(mapped[1]))  # the finite substrate is felt at 10 kHz


def test_decay_exp_equals_exp():
    rng = np.random.default_rng(1)
    angle = np.concatenate([rng.uniform(-10, 10, 2000), rng.uniform(-1e6, 1e6, 2000), [0.0, np.pi / 4, -np.pi / 2]])
    z = rng.uniform(-60, 1, angle.size) + 1j * angle
    np.testing.assert_allclose(np.asarray(jax.jit(decay_exp)(jnp.asarray(z))), np.exp(z), rtol=2e-15, atol=0)
    derivative = jax.grad(lambda x: decay_exp(x), holomorphic=True)(jnp.asarray(-0.3 + 2.0j))
    np.testing.assert_allclose(complex(derivative), np.exp(-0.3 + 2.0j), rtol=1e-15)
