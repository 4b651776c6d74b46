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
import functools
from typing import Any, Callable, Sequence

import jax
import jax.numpy as jnp
import numpy as np

from .least_squares import FitResult, _degenerate_pairs, least_squares, least_squares_batched, warn_if_degenerate
from .paths import leaf_value, parse_path, set_path
from .uncertainty import correlation_from_covariance, propagate_fixed_uncertainty

__all__ = ["Trace", "TraceFitResult", "fit_traces", "fit_traces_batched", "predict"]


@dataclasses.dataclass(frozen=True, eq=False)
class Trace:
    """One measured trace: data, its 1-sigma uncertainty, and the model that predicts it.

    **Attributes:**

    - `model`: `model(params) -> array` of the same shape as `data`; pure JAX. Reuse
      the same model object across fits to reuse the compiled solver.
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
            raise ValueError(f"Trace {self.name!r}: sigma must be a scalar or have the shape of data {data.shape}, got {sigma.shape}")
        if not np.all(np.isfinite(sigma)) or np.any(sigma <= 0):
            raise ValueError(f"Trace {self.name!r}: sigma must be finite and > 0 (unit of the data), got {self.sigma!r}")
        if not (np.isfinite(self.weight) and self.weight > 0):
            raise ValueError(f"Trace {self.name!r}: weight must be finite and > 0, got {self.weight!r}")


@dataclasses.dataclass(frozen=True)
class TraceFitResult:
    """Outcome of `fit_traces`.

    **Attributes:**

    - `fit`: the underlying `FitResult` (statistical uncertainties only).
    - `params`: the parameter pytree with the best values inserted.
    - `free`: dict name -> tuple of paths each free parameter sets.
    - `values`: best values (SI).
    - `standard_errors`: total 1-sigma uncertainties (statistical + fixed-parameter
      propagation), SI.
    - `statistical_errors`: the fit's own standard errors, SI.
    - `covariance`, `correlation`: total covariance (SI^2) and its correlation matrix.
    - `fixed_jacobian`: (n_free, n_fixed) `dx/dq` from the implicit-function theorem,
      or None; `fixed_names`: its column order (paths).
    - `trace_residuals`: list of per-trace weighted residuals; `trace_models`: list of
      per-trace model predictions at the optimum.
    - `chi2`, `reduced_chi2`, `converged`, `n_iterations`, `degenerate_pairs`: copied
      from `fit` (degenerate pairs judged on the total correlation).
    """

    fit: FitResult
    params: Any
    free: dict
    values: dict
    standard_errors: dict
    statistical_errors: dict
    covariance: np.ndarray
    correlation: np.ndarray
    fixed_jacobian: Any
    fixed_names: tuple
    trace_residuals: list
    trace_models: list
    chi2: float
    reduced_chi2: float
    converged: bool
    n_iterations: int
    degenerate_pairs: tuple

    @property
    def names(self) -> tuple:
        return self.fit.names

    def summary(self) -> str:
        """Human-readable table: value, total and statistical uncertainty per parameter."""
        lines = [f"{'parameter':24s} {'value':>13s} {'total sd':>11s} {'stat. sd':>11s}"]
        for name in self.names:
            lines.append(
                f"{name:24s} {self.values[name]:13.6g} {self.standard_errors[name]:11.4g} "
                f"{self.statistical_errors[name]:11.4g}"
            )
        lines.append(f"chi2 = {self.chi2:.6g}, reduced chi2 = {self.reduced_chi2:.4g}, converged = {self.converged}")
        for a, b, rho in self.degenerate_pairs:
            lines.append(f"WARNING: {a} and {b} are nearly degenerate (correlation {rho:+.4f})")
        return "\n".join(lines)


def _normalise_free(params, free) -> dict:
    if isinstance(free, str):
        free = [free]
    if isinstance(free, (list, tuple)):
        free = {path: path for path in free}
    if not isinstance(free, dict) or not free:
        raise TypeError("free must be a non-empty dict name -> path (or list of paths), or a list of paths")
    out = {}
    for name, paths in free.items():
        paths = (paths,) if isinstance(paths, str) else tuple(paths)
        if not paths:
            raise ValueError(f"free parameter {name!r} maps to no path")
        for path in paths:
            parse_path(path)
            leaf_value(params, path)  # raises a clear KeyError/ValueError if missing or not scalar
        out[str(name)] = paths
    return out


def _initial_values(params, free: dict, initial: dict | None) -> dict:
    initial = dict(initial or {})
    unknown = set(initial) - set(free)
    if unknown:
        raise ValueError(f"initial names parameters that are not free: {sorted(unknown)}; free: {list(free)}")
    return {name: float(initial[name]) if name in initial else leaf_value(params, paths[0]) for name, paths in free.items()}


def _insert(params, free_spec, values):
    for name, paths in free_spec:
        for path in paths:
            params = set_path(params, path, values[name])
    return params


@functools.lru_cache(maxsize=64)
def _residual_builder(models: tuple, free_spec: tuple) -> Callable:
    """A residual function with a stable identity for this (models, free) combination.

    Caching it keeps `least_squares`' compiled solver across repeated fits of the same
    traces with new data, starting values or fixed-parameter values.
    """

    def residual_fn(free, data):
        params, datas, sigmas, sqrt_weights = data
        params = _insert(params, free_spec, free)
        parts = [
            sw * (d - jnp.ravel(model(params))) / s for model, d, s, sw in zip(models, datas, sigmas, sqrt_weights)
        ]
        return jnp.concatenate(parts)

    return residual_fn


@functools.lru_cache(maxsize=64)
def _fixed_residual_builder(models: tuple, free_spec: tuple, fixed_paths: tuple) -> Callable:
    base = _residual_builder(models, free_spec)

    def residual_fn(free, fixed, data):
        params, datas, sigmas, sqrt_weights = data
        for path in fixed_paths:
            params = set_path(params, path, fixed[path])
        return base(free, (params, datas, sigmas, sqrt_weights))

    return residual_fn


def _as_float_tree(params):
    return jax.tree_util.tree_map(lambda leaf: jnp.asarray(leaf, dtype=float), params)


def _dynamic(params, traces, datas=None):
    datas = [jnp.asarray(t.data, dtype=float) for t in traces] if datas is None else datas
    sigmas = [jnp.broadcast_to(jnp.asarray(t.sigma, dtype=float), np.shape(t.data)) for t in traces]
    sqrt_weights = [jnp.asarray(np.sqrt(t.weight), dtype=float) for t in traces]
    return (_as_float_tree(params), datas, sigmas, sqrt_weights)


def _check_traces(traces) -> tuple:
    traces = tuple(traces) if not isinstance(traces, Trace) else (traces,)
    if not traces or not all(isinstance(t, Trace) for t in traces):
        raise TypeError("traces must be a Trace or a non-empty sequence of Trace objects")
    return traces


def predict(params, traces: Sequence[Trace]) -> list:
    """Model predictions of every trace for `params` (list of numpy arrays)."""
    return [np.asarray(t.model(params)) for t in _check_traces(traces)]


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

    **Returns:** a `TraceFitResult`.
    """
    traces = _check_traces(traces)
    free_map = _normalise_free(params, free)
    free_spec = tuple(free_map.items())
    models = tuple(t.model for t in traces)
    residual_fn = _residual_builder(models, free_spec)
    data = _dynamic(params, traces)
    start = _initial_values(params, free_map, initial)
    fit = least_squares(
        residual_fn, start, positive=positive, lower=lower, upper=upper, max_iterations=max_iterations,
        data=data, starts=starts, absolute_sigma=absolute_sigma, warn_degenerate=False, tolerance=tolerance,
    )
    best_params = _insert(_as_float_tree(params), free_spec, {k: jnp.asarray(v) for k, v in fit.values.items()})

    covariance = fit.covariance
    fixed_jacobian, fixed_names = None, ()
    if fixed_uncertainties:
        fixed_names = tuple(fixed_uncertainties)
        free_paths = {p for paths in free_map.values() for p in paths}
        for path in fixed_names:
            if path in free_paths:
                raise ValueError(f"fixed_uncertainties names {path!r}, which is being fitted")
        fixed_values = {path: leaf_value(params, path) for path in fixed_names}
        fixed_fn = _fixed_residual_builder(models, free_spec, fixed_names)
        best_data = _dynamic(best_params, traces)
        fixed_jacobian, extra = propagate_fixed_uncertainty(
            fixed_fn, fit.values, fixed_values, {k: float(v) for k, v in fixed_uncertainties.items()}, data=best_data,
            exact_hessian=exact_hessian,
        )
        covariance = covariance + extra

    correlation = correlation_from_covariance(covariance)
    sd = np.sqrt(np.abs(np.diagonal(covariance)))
    pairs = warn_if_degenerate(fit.names, correlation) if warn_degenerate else _degenerate_pairs(fit.names, correlation)

    models_at_best = predict(best_params, traces)
    residual_parts = []
    offset = 0
    for t in traces:
        n = np.size(t.data)
        residual_parts.append(fit.residuals[offset : offset + n])
        offset += n
    return TraceFitResult(
        fit=fit,
        params=best_params,
        free=free_map,
        values=dict(fit.values),
        standard_errors={k: float(v) for k, v in zip(fit.names, sd)},
        statistical_errors=dict(fit.standard_errors),
        covariance=covariance,
        correlation=correlation,
        fixed_jacobian=fixed_jacobian,
        fixed_names=fixed_names,
        trace_residuals=residual_parts,
        trace_models=models_at_best,
        chi2=fit.chi2,
        reduced_chi2=fit.reduced_chi2,
        converged=fit.converged,
        n_iterations=fit.n_iterations,
        degenerate_pairs=pairs,
    )


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
):
    """Many fits of the same traces to different data at once (`vmap`): noise seeds, pixels.

    **Arguments:**

    - `params`, `traces`, `free`, `initial`, ...: as in `fit_traces`; the traces' own
      `data` are ignored (their shapes, sigmas and weights are used).
    - `batch_data`: sequence, one entry per trace, of arrays of shape (batch, n_i).
    - `chunk_size`: optional; see `least_squares_batched`.

    **Returns:** a `BatchFitResult` (statistical uncertainties; no warnings).
    """
    traces = _check_traces(traces)
    if len(batch_data) != len(traces):
        raise ValueError(f"batch_data needs one array per trace ({len(traces)}), got {len(batch_data)}")
    arrays = [jnp.asarray(d, dtype=float) for d in batch_data]
    batch = arrays[0].shape[0]
    for d, t in zip(arrays, traces):
        if d.ndim != 2 or d.shape != (batch, np.size(t.data)):
            raise ValueError(f"batch data for trace {t.name!r} must have shape ({batch}, {np.size(t.data)}), got {d.shape}")
    free_map = _normalise_free(params, free)
    free_spec = tuple(free_map.items())
    residual_fn = _residual_builder(tuple(t.model for t in traces), free_spec)
    static = _dynamic(params, traces, datas=[d[0] for d in arrays])
    params_b, _, sigmas, sqrt_weights = jax.tree_util.tree_map(lambda a: jnp.broadcast_to(a, (batch,) + a.shape), static)
    start = _initial_values(params, free_map, initial)
    return least_squares_batched(
        residual_fn, start, (params_b, arrays, sigmas, sqrt_weights), positive=positive, lower=lower, upper=upper,
        max_iterations=max_iterations, absolute_sigma=absolute_sigma, tolerance=tolerance, chunk_size=chunk_size,
    )
