"""Predicted uncertainties of a planned measurement from the exact Jacobian at the true values.

For a trace with noise sigma per point, the fitted targets x have (to first order) the
covariance (J^T J)^-1 of the weighted residuals r = (data - model)/sigma, J = dr/dx at the
true parameters; the uncertain fixed inputs q (thicknesses, heat capacities, spot sizes
held at their nominal values) add A diag(sigma_q^2) A^T with A = dx/dq the
implicit-function Jacobian of the fit. Both are what `jaxtherm.fit.fit_traces` reports for
noiseless data at the true values (absolute sigmas, Gauss-Newton propagation, exact there
because the residuals vanish), so the plan fits that and reads its covariance: no noise is
simulated and the numbers are those a lab's fit would quote.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from ..fit import Trace, fit_traces
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


def predict_uncertainty(params, model, sigma, targets: dict, fixed_uncertainties: dict | None = None) -> Prediction:
    """Predicted uncertainty of `targets` when `model` is fitted to data with noise `sigma`.

    **Arguments:**

    - `params`: parameter pytree at the assumed true values (SI).
    - `model`: a trace model, `model(params) -> array` (e.g. a `jaxtherm.tdtr.TdtrModel`).
    - `sigma`: 1-sigma noise per point, scalar or array (unit of the observable).
    - `targets`: dict name -> path of each fitted parameter (values must be nonzero).
    - `fixed_uncertainties`: optional dict path -> 1-sigma (SI) of inputs held fixed in the fit.

    **Returns:** a `Prediction`: the covariance of `fit_traces` on the noiseless prediction,
    started at the assumed values, with the sigmas taken as absolute; the fixed-input part is its
    Gauss-Newton implicit Jacobian `dx/dq = -(J_x^T J_x)^-1 J_x^T J_q`.
    """
    values = {name: leaf_value(params, path) for name, path in targets.items()}
    if any(v == 0 for v in values.values()):
        raise ValueError(f"targets need nonzero assumed values (relative uncertainties); got {values}")
    clean = np.asarray(model(params), dtype=float)
    trace = Trace(model=model, data=clean, sigma=np.broadcast_to(np.asarray(sigma, dtype=float), clean.shape))
    fit = fit_traces(
        params,
        trace,
        dict(targets),
        fixed_uncertainties=dict(fixed_uncertainties or {}) or None,
        positive=False,
        absolute_sigma=True,
        warn=False,
        warn_degenerate=False,
    )
    names = tuple(targets)
    return Prediction(
        values=values,
        statistical={name: float(fit.statistical_errors[name]) for name in names},
        total={name: float(fit.standard_errors[name]) for name in names},
        relative={name: float(fit.standard_errors[name] / abs(values[name])) for name in names},
        correlation=np.asarray(fit.correlation),
    )
