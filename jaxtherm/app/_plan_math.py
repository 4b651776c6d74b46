"""Predicted uncertainties of a planned measurement from the exact Jacobian at the true values.

For a trace with noise sigma per point, the fitted targets x have (to first order) the
covariance (J^T J)^-1 of the weighted residuals r = (data - model)/sigma, J = dr/dx at the
true parameters; the uncertain fixed inputs q (thicknesses, heat capacities, spot sizes
held at their nominal values) add A diag(sigma_q^2) A^T with A = dx/dq the
implicit-function Jacobian of the fit (`jaxtherm.fit.propagate_fixed_uncertainty`).
Both use forward-mode derivatives of the model; no data are simulated.
"""

from __future__ import annotations

import dataclasses

import jax
import jax.numpy as jnp
import numpy as np

from ..fit import propagate_fixed_uncertainty, set_path
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


def predict_uncertainty(params, model, sigma, targets: dict, fixed_uncertainties: dict | None = None) -> Prediction:
    """Predicted uncertainty of `targets` when `model` is fitted to data with noise `sigma`.

    **Arguments:**

    - `params`: parameter pytree at the assumed true values (SI).
    - `model`: `model(params) -> array` (e.g. a `jaxtherm.tdtr.TdtrModel`).
    - `sigma`: 1-sigma noise per point, scalar or array (unit of the observable).
    - `targets`: dict name -> path of each fitted parameter.
    - `fixed_uncertainties`: optional dict path -> 1-sigma (SI) of inputs held fixed in the fit.

    **Returns:** a `Prediction`.
    """
    params = as_float_tree(params)
    names, paths = tuple(targets), tuple(targets.values())
    x0 = np.array([leaf_value(params, p) for p in paths])
    sigma = jnp.asarray(sigma, dtype=float)

    @jax.jit
    def weighted(x, base):
        return jnp.ravel(model(_set_all(base, paths, x))) / sigma

    jacobian = np.asarray(jax.jacfwd(weighted)(jnp.asarray(x0), params))
    scale = np.where(x0 != 0, np.abs(x0), 1.0)
    statistical = np.asarray(svd_covariance(jnp.asarray(jacobian), jnp.asarray(scale)))
    covariance = statistical
    if fixed_uncertainties:
        reference = weighted(jnp.asarray(x0), params)

        def residual_fn(free, fixed):
            base = _set_all(params, tuple(fixed), tuple(fixed.values()))
            return weighted(jnp.stack([free[n] for n in names]), base) - reference

        fixed_values = {p: leaf_value(params, p) for p in fixed_uncertainties}
        best = dict(zip(names, x0))
        _, extra = propagate_fixed_uncertainty(
            residual_fn, best, fixed_values, dict(fixed_uncertainties), exact_hessian=False
        )
        covariance = statistical + extra
    sd_stat = np.sqrt(np.abs(np.diag(statistical)))
    sd = np.sqrt(np.abs(np.diag(covariance)))
    with np.errstate(invalid="ignore", divide="ignore"):
        correlation = np.clip(covariance / np.outer(sd, sd), -1.0, 1.0)
    return Prediction(
        values=dict(zip(names, x0.tolist())),
        statistical=dict(zip(names, sd_stat.tolist())),
        total=dict(zip(names, sd.tolist())),
        relative={n: float(s / abs(v)) if v != 0 else float("inf") for n, s, v in zip(names, sd, x0)},
        correlation=correlation,
    )
