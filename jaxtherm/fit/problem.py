"""Fitting named parameters of a pytree to several traces at once.

A *trace* is measured data with its uncertainty and a model: a function of the
whole parameter pytree that predicts the data. Several traces share the
parameter pytree, so FR and RF traces of one sample, several temperatures or
several modulation frequencies are fitted jointly simply by listing them.

```python
params = {"stack": stack, "itr": {"W/Al2O3": 4e-9, ...}}
traces = [Trace(model=fr_model, data=phase_fr, sigma=1e-3),
          Trace(model=rf_model, data=phase_rf, sigma=1e-3)]
result = fit_traces(params, traces, free={"R1": "itr['W/Al2O3']", "R2": ["itr['x']", "itr['y']"]},
                    fixed_uncertainties={"stack.layers[1].thickness": 0.5e-9})
```

A free parameter maps to one path or to a list of paths that all take the same
value (a shared parameter). Residuals are `sqrt(weight) * (data - model)/sigma`.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import jax.numpy as jnp
import numpy as np

from ._abscissa import ModelKey, TraceArrays, broadcast_arrays, bucket_size, has_traced_abscissa, pad_to
from ._batch import least_squares_batched
from ._covariance import correlation_from_covariance
from ._jacobian import as_float_tree
from ._least_squares import least_squares
from ._residuals import (
    fixed_residual_builder,
    insert,
    insert_like,
    model_keys,
    residual_builder,
    trace_arrays,
    trace_mask,
)
from ._result import BatchFitResult, degenerate_pairs, warn_if_degenerate
from ._trace_result import TraceFitResult, guarded, trace_fit_result
from .paths import leaf_value, named_paths
from .uncertainty import propagate_fixed_uncertainty

__all__ = ["Trace", "TraceFitResult", "PostFitWarning", "fit_traces", "fit_traces_batched", "predict"]


class PostFitWarning(UserWarning):
    """A step after the optimiser (model prediction, fixed-parameter propagation) failed.

    The optimiser's result is still returned; `TraceFitResult.post_fit_error` holds
    the message (typically: the best values are unphysical for the model, e.g. a
    negative resistance fitted with `positive=False`).
    """


@dataclasses.dataclass(frozen=True, eq=False)
class Trace:
    """One measured trace: data, its 1-sigma uncertainty, and the model that predicts it.

    **Attributes:**

    - `model`: `model(params) -> array` of the same shape as `data`; pure JAX. Reuse
      the same model object across fits to reuse the compiled solver. A model that
      declares its abscissa (`model.abscissa`, `model.structure`, `model(params, x)`, e.g.
      `jaxtherm.tdtr.TdtrModel`) gets it as a traced input: every file of the same
      structure and length bucket reuses one compiled fit (see `bucket_size`).
    - `data`: measured values (the observable's unit, e.g. rad for a phase).
    - `sigma`: 1-sigma uncertainty, scalar or array like `data` (same unit), > 0.
    - `weight`: extra relative weight of this trace (residuals scale by sqrt(weight)).
    - `name`: label used in reports and plots.
    - `x`: abscissa for plots (e.g. delays in s); not used by the fit.
    """

    model: Callable[[Any], Any]
    data: Any
    sigma: Any = 1.0
    weight: float = 1.0
    name: str = "trace"
    x: Any = None

    def __post_init__(self):
        if not callable(self.model):
            raise TypeError(f"Trace {self.name!r}: model must be callable model(params) -> array, got {self.model!r}")
        data = np.asarray(self.data, dtype=float)
        if data.ndim != 1 or data.size == 0:
            raise ValueError(f"Trace {self.name!r}: data must be a non-empty 1-D array, got shape {data.shape}")
        if not np.all(np.isfinite(data)):
            bad = int(np.flatnonzero(~np.isfinite(data))[0])
            raise ValueError(f"Trace {self.name!r}: data contains NaN/inf (first at index {bad})")
        sigma = np.asarray(self.sigma, dtype=float)
        if sigma.ndim not in (0, 1) or (sigma.ndim == 1 and sigma.shape != data.shape):
            raise ValueError(
                f"Trace {self.name!r}: sigma must be a scalar or have the shape of data {data.shape}, got {sigma.shape}"
            )
        if not np.all(np.isfinite(sigma)) or np.any(sigma <= 0):
            raise ValueError(
                f"Trace {self.name!r}: sigma must be finite and > 0 (unit of the data), got {self.sigma!r}"
            )
        if has_traced_abscissa(self.model) and np.shape(self.model.abscissa) != data.shape:
            raise ValueError(
                f"Trace {self.name!r}: the model predicts at {np.size(self.model.abscissa)} points (its abscissa) but "
                f"data has shape {data.shape}"
            )
        if not (np.isfinite(self.weight) and self.weight > 0):
            raise ValueError(f"Trace {self.name!r}: weight must be finite and > 0, got {self.weight!r}")


def normalise_free(params, free, argument: str = "free") -> dict:
    """`free` as dict name -> tuple of paths, every path checked to hold a scalar of `params`
    (`argument` names the caller's argument in error messages)."""
    free_map = named_paths(free, argument)
    for paths in free_map.values():
        for path in paths:
            leaf_value(params, path)  # raises a clear KeyError/ValueError if missing or not scalar
    return free_map


def _initial_values(params, free: dict, initial: dict | None) -> dict:
    initial = dict(initial or {})
    unknown = set(initial) - set(free)
    if unknown:
        raise ValueError(f"initial names parameters that are not free: {sorted(unknown)}; free: {list(free)}")
    return {
        name: float(initial[name]) if name in initial else leaf_value(params, paths[0]) for name, paths in free.items()
    }


def _residual_builder(models: tuple, free_spec: tuple) -> Callable:
    """The cached residual function `fn(free, data: TraceArrays)` of these models and free parameters."""
    return residual_builder(tuple(ModelKey(m) for m in models), free_spec)


def _dynamic(params, traces, datas=None) -> TraceArrays:
    """The dynamic arrays of the traces (padded to buckets for traced-abscissa models)."""
    return trace_arrays(params, traces, datas)


def check_traces(traces) -> tuple:
    """`traces` (one `Trace` or a sequence) as a non-empty tuple of `Trace`."""
    traces = tuple(traces) if not isinstance(traces, Trace) else (traces,)
    if not traces or not all(isinstance(t, Trace) for t in traces):
        raise TypeError("traces must be a Trace or a non-empty sequence of Trace objects")
    return traces


def _predict_one(model, params):
    if not has_traced_abscissa(model):
        return np.asarray(model(params))
    # Evaluated on the padded abscissa: the model's compiled pieces are shared by every
    # file of the bucket.
    n = np.size(model.abscissa)
    return np.asarray(model(params, jnp.asarray(pad_to(model.abscissa, bucket_size(n)))))[:n]


def predict(params, traces: Sequence[Trace]) -> list:
    """Model predictions of every trace for `params` (list of numpy arrays)."""
    return [_predict_one(t.model, params) for t in check_traces(traces)]


def _propagate(errors, params, traces, free_spec, fixed_sd, fit, best_params, exact_hessian) -> tuple:
    """`(fixed_jacobian, extra covariance)` from the fixed-parameter uncertainties (`(None, 0.0)` without)."""
    if not fixed_sd:
        return None, 0.0
    fixed_fn = fixed_residual_builder(model_keys(traces), free_spec, tuple(fixed_sd))
    fixed_values = {path: leaf_value(params, path) for path in fixed_sd}
    return guarded(
        errors,
        "propagating fixed_uncertainties",
        (None, 0.0),
        propagate_fixed_uncertainty,
        fixed_fn,
        fit.values,
        fixed_values,
        fixed_sd,
        data=_dynamic(best_params, traces),
        exact_hessian=exact_hessian,
    )


def fit_traces(
    params,
    traces: Sequence[Trace] | Trace,
    free,
    *,
    initial: dict | None = None,
    fixed_uncertainties: dict | None = None,
    positive: bool | dict = True,
    lower: dict | None = None,
    upper: dict | None = None,
    starts: dict | None = None,
    max_iterations: int = 100,
    absolute_sigma: bool = False,
    warn_degenerate: bool = True,
    exact_hessian: bool = False,
    tolerance: float = 1e-8,
    warn: bool = True,
) -> TraceFitResult:
    """Fit named scalars of a parameter pytree to one or several traces.

    **Arguments:**

    - `params`: any pytree (dataclasses, dicts, lists) holding all model parameters (SI).
    - `traces`: a `Trace` or a sequence of them; they share `params`.
    - `free`: dict name -> path (or list of paths sharing one value), e.g.
      `{"R_W/Al2O3": "itr['W/Al2O3']"}`; or a list of paths (names = paths).
    - `initial`: optional dict name -> starting value (SI); default: the value in `params`.
    - `fixed_uncertainties`: optional dict path -> absolute 1-sigma uncertainty (SI) of a
      parameter held fixed; propagated into the fitted ones by the implicit-function
      Jacobian and added to the covariance.
    - `positive`, `lower`, `upper`, `starts`, `max_iterations`, `absolute_sigma`,
      `tolerance`: as in `least_squares` (keyed by free-parameter name).
    - `warn_degenerate`: warn when |total correlation| > 0.95 for a pair.
    - `exact_hessian`: implicit-function Jacobian with the full Hessian of the cost
      (nested forward mode; slower to compile) instead of its Gauss-Newton part
      `J_x^T J_x`, `J_x^T J_q` (default; exact when the residuals vanish and
      accurate when they are small compared with the model's curvature).
    - `warn`: issue the fit-quality warnings (see `least_squares`); a failure after the
      optimiser (e.g. the model refuses the best values) is a `PostFitWarning`, and the
      result is returned with `post_fit_error` set.

    **Returns:** a `TraceFitResult`.
    """
    traces = check_traces(traces)
    free_map = normalise_free(params, free)
    fixed_sd = _check_fixed_uncertainties(params, free_map, fixed_uncertainties)
    free_spec = tuple(free_map.items())
    fit = least_squares(
        residual_builder(model_keys(traces), free_spec),
        _initial_values(params, free_map, initial),
        positive=positive,
        lower=lower,
        upper=upper,
        max_iterations=max_iterations,
        data=_dynamic(params, traces),
        starts=starts,
        absolute_sigma=absolute_sigma,
        warn_degenerate=False,
        tolerance=tolerance,
        warn=warn,
        residual_mask=trace_mask(traces),
    )
    best_params = insert(as_float_tree(params), free_spec, {k: jnp.asarray(v) for k, v in fit.values.items()})
    # handed back (and predicted) with the user's own leaf types: no second compilation when the
    # user evaluates a jitted model at the result
    result_params = insert_like(params, free_spec, fit.values)
    errors = []
    fixed_jacobian, extra = _propagate(errors, params, traces, free_spec, fixed_sd, fit, best_params, exact_hessian)
    covariance = fit.covariance + extra
    correlation = correlation_from_covariance(covariance)
    pairs = warn_if_degenerate(fit.names, correlation) if warn_degenerate else degenerate_pairs(fit.names, correlation)
    models_at_best = guarded(
        errors, "predicting the traces at the best values", [None] * len(traces), predict, result_params, traces
    )
    post_fit_error = "; ".join(errors) or None
    if post_fit_error is not None:
        warnings.warn(
            f"the fit finished but {post_fit_error}; the optimiser's result is returned", PostFitWarning, stacklevel=2
        )
    fixed = (fixed_jacobian, fixed_sd)
    args = (fit, result_params, free_map, fixed, covariance, correlation, pairs, traces, models_at_best, post_fit_error)
    return trace_fit_result(*args)


def _check_fixed_uncertainties(params, free_map, fixed_uncertainties) -> dict:
    """Validate `fixed_uncertainties` (path -> 1-sigma, SI) before any fitting work."""
    if fixed_uncertainties is None:
        return {}
    if not isinstance(fixed_uncertainties, dict):
        raise TypeError(
            f"fixed_uncertainties must be a dict path -> 1-sigma uncertainty (SI), got {fixed_uncertainties!r}"
        )
    free_paths = {p for paths in free_map.values() for p in paths}
    out = {}
    for path, sd in fixed_uncertainties.items():
        if path in free_paths:
            raise ValueError(f"fixed_uncertainties names {path!r}, which is being fitted")
        leaf_value(params, path)
        try:
            value = float(sd)
        except (TypeError, ValueError) as exc:
            raise TypeError(f"fixed_uncertainties[{path!r}] must be a number (SI units), got {sd!r}") from exc
        if isinstance(sd, bool) or not np.isfinite(value) or value < 0:
            raise ValueError(f"fixed_uncertainties[{path!r}] must be finite and >= 0 (SI units), got {sd!r}")
        out[path] = value
    return out


def fit_traces_batched(
    params,
    traces: Sequence[Trace] | Trace,
    free,
    batch_data: Sequence,
    *,
    initial: dict | None = None,
    positive: bool | dict = True,
    lower: dict | None = None,
    upper: dict | None = None,
    max_iterations: int = 100,
    absolute_sigma: bool = False,
    tolerance: float = 1e-8,
    chunk_size: int | None = None,
) -> BatchFitResult:
    """Many fits of the same traces to different data at once (`vmap`): noise seeds, pixels.

    **Arguments:**

    - `params`, `traces`, `free`, `initial`, ...: as in `fit_traces`; the traces' own
      `data` are ignored (their shapes, sigmas and weights are used).
    - `batch_data`: sequence, one entry per trace, of arrays of shape (batch, n_i).
    - `chunk_size`: optional; see `least_squares_batched`.

    **Returns:** a `BatchFitResult` (statistical uncertainties; no warnings).
    """
    traces = check_traces(traces)
    if len(batch_data) != len(traces):
        raise ValueError(f"batch_data needs one array per trace ({len(traces)}), got {len(batch_data)}")
    arrays = [jnp.asarray(d, dtype=float) for d in batch_data]
    batch = arrays[0].shape[0]
    for d, t in zip(arrays, traces):
        if d.ndim != 2 or d.shape != (batch, np.size(t.data)):
            raise ValueError(
                f"batch data for trace {t.name!r} must have shape ({batch}, {np.size(t.data)}), got {d.shape}"
            )
    free_map = normalise_free(params, free)
    free_spec = tuple(free_map.items())
    residual_fn = residual_builder(model_keys(traces), free_spec)
    single = trace_arrays(params, traces)
    batched = trace_arrays(params, traces, datas=arrays)
    data = broadcast_arrays(single, batch)._replace(datas=batched.datas)
    start = _initial_values(params, free_map, initial)
    return least_squares_batched(
        residual_fn,
        start,
        data,
        positive=positive,
        lower=lower,
        upper=upper,
        max_iterations=max_iterations,
        absolute_sigma=absolute_sigma,
        tolerance=tolerance,
        chunk_size=chunk_size,
        residual_mask=trace_mask(traces),
    )
