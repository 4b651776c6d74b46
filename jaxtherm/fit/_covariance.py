"""Covariance from the Jacobian at the optimum, and correlation matrices.

One implementation used by every fit entry: an SVD pseudo-inverse of the
column-scaled Jacobian, so an exactly singular direction shows up as a huge
variance (and |correlation| -> 1), never as NaN from a failed Cholesky.
"""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np


def svd_covariance(jacobian, column_scale):
    """`(J^T J)^-1` from the (m, n) Jacobian `J` of the weighted residuals (traceable).

    **Arguments:**

    - `jacobian`: (m, n) Jacobian with respect to the physical parameters (1/SI).
    - `column_scale`: (n,) typical size of each parameter (SI); the normal matrix is
      formed in the relative coordinates `x = scale * z`, where it is well scaled.

    **Returns:** the (n, n) unscaled covariance in SI units squared.
    """
    jac_z = jacobian * column_scale[None, :]
    _, singular, vt = jnp.linalg.svd(jac_z, full_matrices=False)
    tiny = jnp.finfo(jac_z.dtype).tiny ** 0.5
    inv_sq = 1.0 / jnp.maximum(singular, tiny * jnp.maximum(singular[0], tiny)) ** 2
    cov_z = (vt.T * inv_sq) @ vt
    return cov_z * column_scale[:, None] * column_scale[None, :]


def correlation_from_covariance(covariance) -> np.ndarray:
    """Correlation matrix `cov_ij / (sd_i sd_j)`, clipped to [-1, 1] (batched over leading axes)."""
    cov = np.asarray(covariance, dtype=float)
    sd = np.sqrt(np.abs(np.diagonal(cov, axis1=-2, axis2=-1)))
    with np.errstate(invalid="ignore", divide="ignore"):
        corr = cov / (sd[..., :, None] * sd[..., None, :])
    return np.clip(corr, -1.0, 1.0)


def standard_errors_of(covariance) -> np.ndarray:
    """Square roots of the diagonal of `covariance` (batched over leading axes)."""
    return np.sqrt(np.abs(np.diagonal(np.asarray(covariance), axis1=-2, axis2=-1)))
