"""Uncertainty analysis at a least-squares optimum.

* `correlation_from_covariance` - `cov_ij / (sd_i sd_j)`;
* `implicit_jacobian` - how the fitted parameters move when a *fixed* parameter
  (a layer thickness, a heat capacity) is changed, from the implicit-function
  theorem applied to the optimality condition `grad_x cost(x, q) = 0`:
  `dx/dq = -H_xx^-1 H_xq` with the exact Hessian of `cost = 0.5 |r|^2` (nested
  forward-mode AD);
* `propagate_fixed_uncertainty` - the covariance those fixed-parameter
  uncertainties induce in the fitted ones: `A diag(sigma_q^2) A^T`, `A = dx/dq`.
"""

from __future__ import annotations

from collections.abc import Callable

import jax
import jax.numpy as jnp
import numpy as np

from ._covariance import correlation_from_covariance as correlation_from_covariance
from ._jacobian import value_and_jacfwd

__all__ = [
    "correlation_from_covariance",
    "implicit_jacobian",
    "propagate_fixed_uncertainty",
]


def _scale_of(values):
    values = np.asarray(values, dtype=float)
    return np.where(values != 0, np.abs(values), 1.0)


def implicit_jacobian(
    residual_fn: Callable,
    best: dict,
    fixed: dict,
    *,
    data=None,
    exact_hessian: bool = True,
) -> np.ndarray:
    """Sensitivity of the fitted parameters to fixed ones, `dx/dq` at the optimum.

    From `grad_x cost(x*(q), q) = 0` (implicit-function theorem):
    `dx/dq = -H_xx^-1 H_xq`, with `cost = 0.5 |r|^2`.

    **Arguments:**

    - `residual_fn`: `residual_fn(free, fixed) -> r` (or `residual_fn(free, fixed, data)`
      when `data` is given): weighted residuals, both arguments dicts name -> scalar (SI).
    - `best`: dict of fitted values at the optimum (SI).
    - `fixed`: dict of the fixed parameters' values (SI).
    - `exact_hessian`: use the full Hessian (True) or its Gauss-Newton part `J^T J`
      (False; identical at zero residual).

    **Returns:** (n_free, n_fixed) numpy array, SI units (free unit per fixed unit), rows
    in the order of `best`, columns in the order of `fixed`.
    """
    free_names, fixed_names = tuple(best), tuple(fixed)
    x0 = np.array([float(best[k]) for k in free_names])
    q0 = np.array([float(fixed[k]) for k in fixed_names])
    sx, sq = _scale_of(x0), _scale_of(q0)
    dxdq = _implicit_jit(
        residual_fn,
        free_names,
        fixed_names,
        bool(exact_hessian),
        data is not None,
        jnp.asarray(x0),
        jnp.asarray(q0),
        jnp.asarray(sx),
        jnp.asarray(sq),
        data,
    )
    return np.asarray(dxdq)


def _implicit(residual_fn, free_names, fixed_names, exact, has_data, x0, q0, sx, sq, data):
    # Relative coordinates x = x0 (1 + z), q = q0 (1 + w): the Hessian blocks are O(1).
    def residual(z, w):
        free = dict(zip(free_names, x0 + sx * z))
        fixed = dict(zip(fixed_names, q0 + sq * w))
        r = residual_fn(free, fixed, data) if has_data else residual_fn(free, fixed)
        return jnp.ravel(r)

    n = x0.shape[0]

    def residual_v(v):
        return residual(v[:n], v[n:])

    v0 = jnp.zeros(n + q0.shape[0], dtype=x0.dtype)
    if exact:

        def gradient(v):
            r, jac = value_and_jacfwd(residual_v, v)
            return jac[:, :n].T @ r

        hessian = jax.jacfwd(gradient)(v0)  # (n, n + k): d(grad_z cost)/d(z, w)
        h_zz, h_zw = hessian[:, :n], hessian[:, n:]
    else:
        _, jac = value_and_jacfwd(residual_v, v0)
        h_zz, h_zw = jac[:, :n].T @ jac[:, :n], jac[:, :n].T @ jac[:, n:]
    dzdw = -jnp.linalg.solve(h_zz, h_zw)
    return dzdw * sx[:, None] / sq[None, :]


_implicit_jit = jax.jit(_implicit, static_argnums=(0, 1, 2, 3, 4))


def propagate_fixed_uncertainty(
    residual_fn: Callable,
    best: dict,
    fixed: dict,
    fixed_standard_errors: dict,
    *,
    data=None,
    exact_hessian: bool = True,
):
    """Covariance of the fitted parameters induced by uncertain fixed parameters.

    **Arguments:**

    - `residual_fn`, `best`, `fixed`, `data`, `exact_hessian`: as in `implicit_jacobian`.
    - `fixed_standard_errors`: dict name -> absolute 1-sigma uncertainty of each fixed
      parameter (SI; e.g. 5 % of a 10 nm thickness is 0.5e-9), assumed independent.

    **Returns:** `(dx_dq, covariance)`: the (n_free, n_fixed) implicit Jacobian and the
    (n_free, n_free) covariance contribution `A diag(sigma_q^2) A^T` (SI units squared).
    Add it to the statistical covariance of the fit.
    """
    missing = set(fixed_standard_errors) ^ set(fixed)
    if missing:
        raise ValueError(f"fixed and fixed_standard_errors must name the same parameters; mismatch: {sorted(missing)}")
    sigma_q = np.array([float(fixed_standard_errors[k]) for k in fixed])
    if np.any(~np.isfinite(sigma_q)) or np.any(sigma_q < 0):
        raise ValueError(f"fixed_standard_errors must be finite and >= 0 (SI units), got {fixed_standard_errors!r}")
    dxdq = implicit_jacobian(residual_fn, best, fixed, data=data, exact_hessian=exact_hessian)
    cov = (dxdq * sigma_q[None, :] ** 2) @ dxdq.T
    return dxdq, cov
