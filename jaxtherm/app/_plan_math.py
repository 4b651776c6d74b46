"""Predicted uncertainties of a planned measurement from the exact Jacobian at the true values.

For a trace with noise sigma per point, the fitted targets x have (to first order) the
covariance (J^T J)^-1 of the weighted residuals r = (data - model)/sigma, J = dr/dx at the
true parameters; the uncertain fixed inputs q (thicknesses, heat capacities, spot sizes
held at their nominal values) add A diag(sigma_q^2) A^T with A = dx/dq the
implicit-function Jacobian of the fit. One forward-mode Jacobian of the model with respect
to targets and fixed inputs gives both; no data are simulated.
"""

from __future__ import annotations

import dataclasses
import functools

import jax
import jax.numpy as jnp
import numpy as np

from ..fit import set_path
from ..fit._covariance import svd_covariance
from ..fit._jacobian import as_float_tree
from ..fit.paths import leaf_value

__all__ = ["Prediction", "predict_uncertainty"]


@dataclasses.dataclass(frozen=True)
class Prediction:
    """Predicted 1-sigma uncertainties of the targets for one setup (SI units).

    - `values`: the targets' true (assumed) values; `statistical`: from the noise alone;
      `total`: noise and fixed-input uncertainties; `relative`: total / |value|;
      `correlation`: (n, n) matrix of the total covariance, in `values` order.
    """

    values: dict
    statistical: dict
    total: dict
    relative: dict
    correlation: np.ndarray


def _set_all(params, paths, values):
    for path, value in zip(paths, values):
        params = set_path(params, path, value)
    return params


@functools.lru_cache(maxsize=32)
def _jacobian_fn(model, paths: tuple):
    """Jitted Jacobian of the model with respect to the leaves at `paths`, in relative coordinates
    (cached per model and paths: setups that differ only in their noise share one compile)."""

    def relative(z, params, x0):
        return jnp.ravel(model(_set_all(params, paths, x0 * (1.0 + z))))

    return jax.jit(lambda params, x0: jax.jacfwd(relative)(jnp.zeros_like(x0), params, x0))


def predict_uncertainty(params, model, sigma, targets: dict, fixed_uncertainties: dict | None = None) -> Prediction:
    """Predicted uncertainty of `targets` when `model` is fitted to data with noise `sigma`.

    **Arguments:**

    - `params`: parameter pytree at the assumed true values (SI).
    - `model`: `model(params) -> array` (e.g. a `jaxtherm.tdtr.TdtrModel`), hashable.
    - `sigma`: 1-sigma noise per point, scalar or array (unit of the observable).
    - `targets`: dict name -> path of each fitted parameter (values must be nonzero).
    - `fixed_uncertainties`: optional dict path -> 1-sigma (SI) of inputs held fixed in the fit.

    **Returns:** a `Prediction`. The fixed-input part uses the Gauss-Newton implicit Jacobian
    `dx/dq = -(J_x^T J_x)^-1 J_x^T J_q`, exact here because the residuals vanish at the
    assumed values (as `jaxtherm.fit.implicit_jacobian` with `exact_hessian=False`).
    """
    params = as_float_tree(params)
    fixed_uncertainties = dict(fixed_uncertainties or {})
    names = tuple(targets)
    paths = tuple(targets.values()) + tuple(fixed_uncertainties)
    v0 = np.array([leaf_value(params, p) for p in paths])
    if np.any(v0 == 0):
        raise ValueError(f"targets and fixed inputs need nonzero assumed values; got {dict(zip(paths, v0))}")
    n = len(names)
    sigma = np.broadcast_to(np.asarray(sigma, dtype=float), np.shape(model.delays))
    jac = np.asarray(_jacobian_fn(model, paths)(params, jnp.asarray(v0))) / sigma[:, None] / np.abs(v0)[None, :]
    statistical = np.asarray(svd_covariance(jnp.asarray(jac[:, :n]), jnp.asarray(np.abs(v0[:n]))))
    covariance = statistical
    if fixed_uncertainties:
        dxdq = -statistical @ (jac[:, :n].T @ jac[:, n:])
        sd_q = np.array(list(fixed_uncertainties.values()))
        covariance = statistical + (dxdq * sd_q[None, :] ** 2) @ dxdq.T
    x0 = v0[:n]
    sd_stat = np.sqrt(np.abs(np.diag(statistical)))
    sd = np.sqrt(np.abs(np.diag(covariance)))
    with np.errstate(invalid="ignore", divide="ignore"):
        correlation = np.clip(covariance / np.outer(sd, sd), -1.0, 1.0)
    return Prediction(
        values=dict(zip(names, x0.tolist())),
        statistical=dict(zip(names, sd_stat.tolist())),
        total=dict(zip(names, sd.tolist())),
        relative={name: float(s / abs(v)) for name, s, v in zip(names, sd, x0)},
        correlation=correlation,
    )
