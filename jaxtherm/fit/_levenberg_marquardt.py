"""Levenberg-Marquardt inside one `lax.while_loop` (jittable, vmappable).

Marquardt's diagonal scaling and Nielsen's damping update, with the Jacobian
from `jax.jacfwd` (forward mode: memory stays flat in the number of time steps
of scan-based solvers, and the number of fitted parameters is small). The model
appears once in the traced program (inside the loop body): iteration 0 only
evaluates the starting point.
"""

from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp

from ._jacobian import value_and_jacfwd

#: Initial damping relative to the largest diagonal of J^T J.
LM_INITIAL_DAMPING = 1e-9


class LMState(NamedTuple):
    """Carry of the Levenberg-Marquardt loop."""

    u: jax.Array  # (n,) internal parameters of the accepted point
    residuals: jax.Array  # (m,) weighted residuals there
    jacobian: jax.Array  # (m, n) d residuals / d u there
    cost: jax.Array  # 0.5 |r|^2 (inf if not finite)
    damping: jax.Array  # Marquardt lambda
    damping_growth: jax.Array  # Nielsen's nu
    iteration: jax.Array
    done: jax.Array
    converged: jax.Array


class LMOutcome(NamedTuple):
    """Best internal point, its residuals and Jacobian, iterations used, convergence flag."""

    u: jax.Array
    residuals: jax.Array
    jacobian: jax.Array
    n_iterations: jax.Array
    converged: jax.Array


def _cost_of(residuals):
    cost = 0.5 * jnp.sum(residuals**2)
    return jnp.where(jnp.isfinite(cost), cost, jnp.inf)


def _initial_state(residual_u, u0) -> LMState:
    r_shape, jac_shape = jax.eval_shape(lambda u: value_and_jacfwd(residual_u, u), u0)
    dtype = jac_shape.dtype
    return LMState(
        u=u0,
        residuals=jnp.zeros(r_shape.shape, dtype),
        jacobian=jnp.zeros(jac_shape.shape, dtype),
        cost=jnp.asarray(jnp.inf, dtype),
        damping=jnp.asarray(1.0, dtype),
        damping_growth=jnp.asarray(2.0, dtype),
        iteration=jnp.asarray(0),
        done=jnp.asarray(False),
        converged=jnp.asarray(False),
    )


def _converged(s: LMState, normal, gradient, step, actual, accept, damping, tolerance):
    """Convergence tests (internal variables are O(1) by construction)."""
    tiny = jnp.finfo(normal.dtype).tiny
    small_step = jnp.max(jnp.abs(step)) <= tolerance * (jnp.max(jnp.abs(s.u)) + tolerance)
    small_reduction = accept & (actual <= tolerance * s.cost)
    # MINPACK's gtol: cosine between the residual and every Jacobian column.
    column_norms = jnp.sqrt(jnp.maximum(jnp.diag(normal), tiny))
    residual_norm = jnp.sqrt(jnp.maximum(2.0 * s.cost, tiny))
    small_gradient = jnp.max(jnp.abs(gradient) / column_norms) <= tolerance * residual_norm
    zero_cost = s.cost <= tiny
    # A damping parameter that has exploded means no downhill step exists at machine
    # precision: we are at a minimum.
    stalled = damping > 1e16 * jnp.max(jnp.diag(normal))
    met = small_reduction | small_gradient | zero_cost | (small_step & accept) | stalled
    # Converged means a criterion was met at a finite point, never at the start itself.
    return met & jnp.isfinite(s.cost) & jnp.all(jnp.isfinite(s.u)) & (s.iteration > 0)


def _body(residual_u, tolerance, s: LMState) -> LMState:
    first = s.iteration == 0
    normal = s.jacobian.T @ s.jacobian
    gradient = s.jacobian.T @ s.residuals
    diag = jnp.diag(normal)
    diag = jnp.maximum(diag, 1e-12 * jnp.max(diag) + jnp.finfo(diag.dtype).tiny)
    step = jnp.linalg.solve(normal + s.damping * jnp.diag(diag), -gradient)
    step = jnp.where(jnp.isfinite(step) & ~first, step, 0.0)
    u_new = s.u + step
    r_new, jac_new = value_and_jacfwd(residual_u, u_new)
    cost_new = _cost_of(r_new)
    predicted = -(gradient @ step) - 0.5 * step @ (normal @ step)
    actual = s.cost - cost_new
    rho = actual / jnp.where(predicted > 0, predicted, jnp.inf)
    finite_new = jnp.isfinite(cost_new) & jnp.all(jnp.isfinite(jac_new))
    accept = first | ((actual > 0) & finite_new)

    damping_accept = s.damping * jnp.maximum(1.0 / 3.0, 1.0 - (2.0 * rho - 1.0) ** 3)
    damping_start = LM_INITIAL_DAMPING * jnp.max(jnp.diag(jac_new.T @ jac_new))
    damping = jnp.where(first, damping_start, jnp.where(accept, damping_accept, s.damping * s.damping_growth))
    converged = _converged(s, normal, gradient, step, actual, accept, damping, tolerance)
    # Start failed (non-finite model at the initial point): stop, not converged.
    failed = first & ~finite_new
    return LMState(
        u=jnp.where(accept, u_new, s.u),
        residuals=jnp.where(accept, r_new, s.residuals),
        jacobian=jnp.where(accept, jac_new, s.jacobian),
        cost=jnp.where(accept, cost_new, s.cost),
        damping=damping,
        damping_growth=jnp.where(accept, 2.0, 2.0 * s.damping_growth),
        iteration=s.iteration + 1,
        done=converged | failed,
        converged=converged,
    )


def levenberg_marquardt(residual_u, u0, max_iterations: int, tolerance: float) -> LMOutcome:
    """Minimise `0.5 |residual_u(u)|^2` from `u0` (pure; call inside `jit`)."""

    def cond(s: LMState):
        return (~s.done) & (s.iteration <= max_iterations)

    final = jax.lax.while_loop(cond, lambda s: _body(residual_u, tolerance, s), _initial_state(residual_u, u0))
    # Iteration 0 only evaluates the start: report proper iterations.
    return LMOutcome(final.u, final.residuals, final.jacobian, final.iteration - 1, final.converged)
