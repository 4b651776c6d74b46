"""optax L-BFGS with zoom line search on `0.5 |r|^2` (reverse mode; for many parameters)."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import optax


def lbfgs(residual_u, u0, max_iterations: int, tolerance: float):
    """Minimise `0.5 |residual_u(u)|^2` from `u0`; returns `(u, n_iterations, converged)`."""

    def cost(u):
        return 0.5 * jnp.sum(residual_u(u) ** 2)

    solver = optax.lbfgs()
    value_and_grad = optax.value_and_grad_from_state(cost)
    grad_scale = jnp.linalg.norm(jax.grad(cost)(u0)) + jnp.finfo(u0.dtype).tiny

    def cond(carry):
        _, _, iteration, done = carry
        return (~done) & (iteration < max_iterations)

    def body(carry):
        u, state, iteration, _ = carry
        value, grad = value_and_grad(u, state=state)
        updates, state = solver.update(grad, state, u, value=value, grad=grad, value_fn=cost)
        done = jnp.linalg.norm(grad) <= tolerance * grad_scale
        return optax.apply_updates(u, updates), state, iteration + 1, done

    carry0 = (u0, solver.init(u0), jnp.asarray(0), jnp.asarray(False))
    u, _, iteration, done = jax.lax.while_loop(cond, body, carry0)
    return u, iteration, done & jnp.all(jnp.isfinite(u))
