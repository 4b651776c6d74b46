"""`TraceFitResult`, the outcome of `fit_traces`, and the steps after the optimiser that build it."""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from ._basins import other_minima, other_minima_lines
from ._covariance import standard_errors_of
from ._result import FitResult, diagnostic_lines

__all__ = ["TraceFitResult", "guarded", "trace_fit_result"]


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
    - `chi2`, `reduced_chi2`, `converged`, `n_iterations`, `p_value`, `poor_fit`,
      `at_bound`, `unconstrained`: copied from `fit`; `degenerate_pairs`: judged on the
      total correlation.
    - `post_fit_error`: None, or the message of a step after the optimiser that failed
      (then `trace_models` holds None and/or the covariance is the statistical one).
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
    p_value: float = float("nan")
    poor_fit: bool = False
    at_bound: tuple = ()
    unconstrained: tuple = ()
    post_fit_error: str | None = None

    @property
    def ok(self) -> bool:
        """Converged, a good fit, every parameter constrained and off its bounds, nothing failed after."""
        return self.fit.ok and self.post_fit_error is None

    @property
    def names(self) -> tuple:
        return self.fit.names

    @property
    def other_minima(self) -> tuple:
        """Separated optima of the multi-start fit with Delta chi2 < 4 (`OtherMinimum`s): where +- is silent."""
        return other_minima(self.fit)

    def summary(self) -> str:
        """Human-readable table: value, total and statistical uncertainty per parameter."""
        lines = [f"{'parameter':24s} {'value':>13s} {'total sd':>11s} {'stat. sd':>11s}"]
        for name in self.names:
            lines.append(
                f"{name:24s} {self.values[name]:13.6g} {self.standard_errors[name]:11.4g} "
                f"{self.statistical_errors[name]:11.4g}"
            )
        lines.append(
            f"chi2 = {self.chi2:.6g}, reduced chi2 = {self.reduced_chi2:.4g} (p = {self.p_value:.3g}), "
            f"converged = {self.converged}"
        )
        lines.extend(diagnostic_lines(self))
        lines.extend(other_minima_lines(self.other_minima))
        if self.post_fit_error is not None:
            lines.append(f"WARNING: after the fit: {self.post_fit_error}")
        return "\n".join(lines)


def guarded(errors: list, what: str, fallback, fn, *args, **kwargs):
    """`fn(*args, **kwargs)`, or `fallback` with the error recorded: never lose a finished fit."""
    try:
        return fn(*args, **kwargs)
    except (ValueError, TypeError, ArithmeticError, np.linalg.LinAlgError) as exc:
        errors.append(f"{what} failed ({type(exc).__name__}: {exc})")
        return fallback


def _split(residuals, traces) -> list:
    bounds = np.cumsum([np.size(t.data) for t in traces])[:-1]
    return np.split(np.asarray(residuals), bounds)


def trace_fit_result(fit, best_params, free_map, fixed, covariance, correlation, pairs, traces, models_at_best, error):
    """The `TraceFitResult` of `fit` (`fixed`: `(fixed_jacobian, fixed_sd)`; `error`: post-fit message or None)."""
    fixed_jacobian, fixed_sd = fixed
    return TraceFitResult(
        fit=fit,
        params=best_params,
        free=free_map,
        values=dict(fit.values),
        standard_errors={k: float(v) for k, v in zip(fit.names, standard_errors_of(covariance))},
        statistical_errors=dict(fit.standard_errors),
        covariance=covariance,
        correlation=correlation,
        fixed_jacobian=fixed_jacobian,
        fixed_names=tuple(fixed_sd),
        trace_residuals=_split(fit.residuals, traces),
        trace_models=models_at_best,
        chi2=fit.chi2,
        reduced_chi2=fit.reduced_chi2,
        converged=fit.converged,
        n_iterations=fit.n_iterations,
        degenerate_pairs=pairs,
        p_value=fit.p_value,
        poor_fit=fit.poor_fit,
        at_bound=fit.at_bound,
        unconstrained=fit.unconstrained,
        post_fit_error=error,
    )
