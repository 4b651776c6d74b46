"""The array-level solver shared by every entry: optimise, then the covariance at the optimum.

Uncertainties come from the exact Jacobian at the optimum, taken with respect to
the physical parameters: `cov = s^2 (J^T J)^-1` (the scaling `s^2` is applied
when the result is assembled).
"""

from __future__ import annotations

import functools
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from ._covariance import svd_covariance
from ._jacobian import value_and_jacfwd
from ._lbfgs import lbfgs
from ._levenberg_marquardt import levenberg_marquardt
from ._transforms import to_physical

METHODS = ("levenberg_marquardt", "lbfgs")


class RawFit(NamedTuple):
    """Array-level fit output (traced inside `jit`, batched under `vmap`)."""

    values: jax.Array  # (n,) SI
    internal: jax.Array  # (n,) optimiser variables u
    covariance_unscaled: jax.Array  # (n, n) = (J^T J)^-1 in SI
    chi2: jax.Array
    residuals: jax.Array  # (m,)
    jacobian: jax.Array  # (m, n), SI
    n_iterations: jax.Array
    converged: jax.Array


def check_options(method, max_iterations, tolerance) -> None:
    """Validate the optimiser settings (outside `jit`)."""
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; expected 'levenberg_marquardt' or 'lbfgs'")
    if isinstance(max_iterations, bool) or not isinstance(max_iterations, (int, np.integer)) or max_iterations < 1:
        raise ValueError(f"max_iterations must be a positive integer, got {max_iterations!r}")
    if isinstance(tolerance, bool) or not (isinstance(tolerance, (float, int)) and 0 < tolerance < 1):
        raise ValueError(f"tolerance must be a number in (0, 1) (relative), got {tolerance!r}")


def _solve(u0, transform, data, *, residual_fn, has_data, names, kinds, method, max_iterations, tolerance) -> RawFit:
    """Minimise 0.5*|r|^2 over internal variables (pure function of arrays)."""

    def residual_u(u):
        free = dict(zip(names, to_physical(u, kinds, transform)))
        r = residual_fn(free, data) if has_data else residual_fn(free)
        return jnp.ravel(jnp.asarray(r))

    if method == "levenberg_marquardt":
        u_best, residuals, jac_u, n_iter, converged = levenberg_marquardt(residual_u, u0, max_iterations, tolerance)
    else:
        u_best, n_iter, converged = lbfgs(residual_u, u0, max_iterations, tolerance)
        residuals, jac_u = value_and_jacfwd(residual_u, u_best)

    x_best = to_physical(u_best, kinds, transform)
    # Jacobian w.r.t. the physical parameters by the chain rule through the (diagonal)
    # reparametrisation: the model is not traced again (compile time matters for big
    # models). dx/du = 0 only at a saturated sigmoid bound, where x is pinned anyway.
    dx_du = jnp.diagonal(jax.jacfwd(lambda v: to_physical(v, kinds, transform))(u_best))
    dx_du = jnp.where(dx_du != 0, dx_du, jnp.finfo(dx_du.dtype).tiny)
    jac_x = jac_u / dx_du[None, :]
    # Relative coordinates x = x* (1 + z) keep the normal matrix well scaled.
    column_scale = jnp.where(x_best != 0, jnp.abs(x_best), transform.scale)
    cov_x = svd_covariance(jac_x, column_scale)
    chi2 = jnp.sum(residuals**2)
    converged = converged & jnp.isfinite(chi2) & jnp.all(jnp.isfinite(x_best))
    return RawFit(x_best, u_best, cov_x, chi2, residuals, jac_x, n_iter, converged)


def _solve_many(u0, transform, data, chunk_size=None, **static) -> RawFit:
    solve = functools.partial(_solve, **static)
    if chunk_size is None:
        return jax.vmap(solve)(u0, transform, data)
    # lax.map over chunks of `chunk_size` vmapped fits: smaller working set per op, and
    # lanes only wait for the slowest fit of their own chunk.
    return jax.lax.map(lambda args: solve(*args), (u0, transform, data), batch_size=chunk_size)


_STATIC = ("residual_fn", "has_data", "names", "kinds", "method", "max_iterations", "tolerance")
solve = jax.jit(_solve, static_argnames=_STATIC)
solve_many = jax.jit(_solve_many, static_argnames=_STATIC + ("chunk_size",))


def to_numpy(raw: RawFit, residual_mask=None) -> RawFit:
    """Concrete numpy copy of a (possibly batched) `RawFit`, keeping only the rows where `residual_mask` is True.

    Padded rows (zero residual, zero Jacobian row) add nothing to chi^2 or `J^T J`; dropping
    them makes `residuals`, `jacobian` and the residual count those of the real data.
    """
    raw = jax.tree_util.tree_map(np.asarray, raw)
    if residual_mask is None:
        return raw
    keep = np.flatnonzero(np.asarray(residual_mask, dtype=bool))
    return raw._replace(residuals=raw.residuals[..., keep], jacobian=raw.jacobian[..., keep, :])
