"""Fit results, the quality judgements made on them, and the warnings they raise.

Every judgement is made once, here, for single and batched fits alike:

* `converged`: the optimiser's stopping criteria (step, gradient, cost
  reduction) were met at a finite point;
* fit quality: the p-value of chi^2 with `n_data - n_free` degrees of freedom;
  `poor_fit` when the reduced chi^2 exceeds `POOR_FIT_REDUCED_CHI2` *and* the
  p-value is below `POOR_FIT_P_VALUE` (the model misses the data by more than
  the stated uncertainties can explain);
* per parameter: pinned at a bound (`at_bound`), or not constrained by the
  data (`unconstrained`: near-zero sensitivity, or a standard error a million
  times its value);
* pairs: |correlation| above `DEGENERACY_THRESHOLD`.
"""

from __future__ import annotations

import dataclasses
import warnings

import jax
import jax.scipy.special
import numpy as np

from ._covariance import correlation_from_covariance, standard_errors_of
from ._transforms import at_bound

#: |correlation| above which two fitted parameters are reported as nearly degenerate.
DEGENERACY_THRESHOLD = 0.95
#: A fit is poor when its reduced chi^2 exceeds this ...
POOR_FIT_REDUCED_CHI2 = 3.0
#: ... and the probability of a chi^2 at least this large is below this.
POOR_FIT_P_VALUE = 1e-6
#: A parameter whose relative sensitivity |J_i| |x_i| is below this fraction of the
#: largest one is not constrained by the data.
UNCONSTRAINED_SENSITIVITY = 1e-8
#: ... nor is one whose standard error exceeds this multiple of its value.
UNCONSTRAINED_RELATIVE_ERROR = 1e6


class DegeneracyWarning(UserWarning):
    """Two fitted parameters are nearly degenerate (|correlation| > 0.95)."""


class AtBoundWarning(UserWarning):
    """A fitted parameter ended pinned at one of its bounds (its standard error is meaningless)."""


class UnconstrainedParameterWarning(UserWarning):
    """The data do not constrain a fitted parameter (near-zero sensitivity or a huge standard error)."""


class PoorFitWarning(UserWarning):
    """The model misses the data by more than the stated uncertainties explain (high reduced chi^2)."""


class ConvergenceWarning(UserWarning):
    """The optimiser stopped without meeting its convergence criteria (iteration cap, non-finite model)."""


def degenerate_pairs(names, correlation, threshold=DEGENERACY_THRESHOLD) -> tuple:
    """`(name_a, name_b, correlation)` for every pair with |correlation| > threshold."""
    pairs = []
    corr = np.asarray(correlation)
    for i in range(len(names)):
        for j in range(i + 1, len(names)):
            if np.isfinite(corr[i, j]) and abs(corr[i, j]) > threshold:
                pairs.append((names[i], names[j], float(corr[i, j])))
    return tuple(pairs)


def warn_if_degenerate(names, correlation, context: str = "") -> tuple:
    """Issue a `DegeneracyWarning` for every pair with |correlation| > 0.95; return the pairs."""
    pairs = degenerate_pairs(tuple(names), correlation)
    for a, b, rho in pairs:
        where = f" ({context})" if context else ""
        warnings.warn(
            f"fitted parameters {a!r} and {b!r} are nearly degenerate{where}: correlation {rho:+.4f} "
            f"(|rho| > {DEGENERACY_THRESHOLD}); the data constrain a combination of them, not each one - "
            f"fix one, add a trace that separates them, or report the combination",
            DegeneracyWarning,
            stacklevel=4,
        )
    return pairs


@jax.jit
def _upper_gamma_ratio(a, x):
    return jax.scipy.special.gammaincc(a, x)


_P_VALUE_CHUNK = 256


def chi2_p_value(chi2, degrees_of_freedom):
    """Probability that chi^2 with `degrees_of_freedom` is at least `chi2` (NaN if dof <= 0).

    Evaluated by one jitted function on fixed chunks of 256 values, with the degrees of freedom as
    an argument: one compilation per session serves every fit, batch size and dof (op-by-op
    `gammaincc` compiled once per shape, 0.4-0.9 s each)."""
    chi2 = np.asarray(chi2, dtype=float)
    if degrees_of_freedom <= 0:
        return np.full(chi2.shape, np.nan)[()]
    flat = chi2.reshape(-1)
    n_chunks = max(1, -(-flat.size // _P_VALUE_CHUNK))
    padded = np.ones(n_chunks * _P_VALUE_CHUNK)
    padded[: flat.size] = np.where(np.isfinite(flat), flat, 1.0) / 2.0
    a = np.float64(degrees_of_freedom / 2.0)
    p = np.concatenate(
        [np.asarray(_upper_gamma_ratio(a, chunk), dtype=float) for chunk in padded.reshape(n_chunks, -1)]
    )
    p = p[: flat.size].reshape(chi2.shape)
    return np.where(np.isfinite(chi2), p, np.nan)[()]


def is_poor_fit(reduced_chi2, p_value):
    """`True` where the reduced chi^2 is high and improbable (see module docstring); NaN chi^2 is poor."""
    reduced_chi2, p_value = np.asarray(reduced_chi2), np.asarray(p_value)
    high = ~np.isfinite(reduced_chi2) | (reduced_chi2 > POOR_FIT_REDUCED_CHI2)
    improbable = ~(p_value >= POOR_FIT_P_VALUE)
    return (high & improbable)[()]


def unconstrained_mask(values, standard_errors, jacobian, pinned) -> np.ndarray:
    """Boolean (..., n): parameters the data do not constrain (excluding those pinned at a bound)."""
    values, sd = np.asarray(values), np.asarray(standard_errors)
    with np.errstate(invalid="ignore", over="ignore"):
        sensitivity = np.linalg.norm(np.asarray(jacobian), axis=-2) * np.where(values != 0, np.abs(values), 1.0)
        largest = np.max(sensitivity, axis=-1, keepdims=True)
        blind = ~(sensitivity > UNCONSTRAINED_SENSITIVITY * largest)
        loose = (values != 0) & ~(sd <= UNCONSTRAINED_RELATIVE_ERROR * np.abs(values))
    return (blind | loose) & ~pinned


@dataclasses.dataclass(frozen=True)
class FitResult:
    """Outcome of one least-squares fit (concrete numbers, outside `jit`).

    **Attributes:**

    - `names`: fitted parameter names, the order of every matrix below.
    - `values`: best values, SI units.
    - `standard_errors`: 1-sigma uncertainties (SI), square roots of the diagonal of
      `covariance`.
    - `covariance`: (n, n) covariance of the fitted parameters (SI units squared);
      statistical part only, see `jaxtherm.fit.uncertainty` for fixed-parameter
      propagation.
    - `correlation`: (n, n) correlation matrix.
    - `chi2`: sum of squared weighted residuals at the optimum.
    - `reduced_chi2`: `chi2 / (n_data - n_free)`.
    - `n_data`, `degrees_of_freedom`: residual count and `n_data - n_free`.
    - `n_iterations`: iterations used; `converged`: the stopping criteria were met at a
      finite point (it says nothing about how well the model describes the data).
    - `residuals`: weighted residuals `(data - model)/sigma` at the optimum.
    - `jacobian`: (n_data, n) Jacobian of the weighted residuals with respect to the
      physical parameters at the optimum (SI).
    - `degenerate_pairs`: `(name_a, name_b, correlation)` with |correlation| > 0.95.
    - `start_values`, `start_chi2`: with `starts`, the optimum reached from every start
      (dict name -> array) and its chi^2 - distinct minima reveal a multimodal problem.
    - `p_value`: probability of a chi^2 at least this large if the model and the stated
      sigmas are right; `poor_fit`: reduced chi^2 > 3 with p-value < 1e-6.
    - `at_bound`: names of parameters pinned at a bound; `unconstrained`: names of
      parameters the data do not constrain. Their standard errors are meaningless.
    """

    names: tuple
    values: dict
    standard_errors: dict
    covariance: np.ndarray
    correlation: np.ndarray
    chi2: float
    reduced_chi2: float
    n_data: int
    degrees_of_freedom: int
    n_iterations: int
    converged: bool
    residuals: np.ndarray
    jacobian: np.ndarray
    degenerate_pairs: tuple = ()
    start_values: dict | None = None
    start_chi2: np.ndarray | None = None
    p_value: float = float("nan")
    poor_fit: bool = False
    at_bound: tuple = ()
    unconstrained: tuple = ()

    @property
    def ok(self) -> bool:
        """Converged, a good fit, and every parameter constrained and off its bounds."""
        return bool(self.converged and not self.poor_fit and not self.at_bound and not self.unconstrained)

    def summary(self) -> str:
        """A human-readable table of values, uncertainties and fit quality."""
        lines = [f"{'parameter':24s} {'value':>14s} {'std. error':>12s} {'rel.':>8s}"]
        for name in self.names:
            value, err = self.values[name], self.standard_errors[name]
            rel = abs(err / value) if value != 0 else float("inf")
            lines.append(f"{name:24s} {value:14.6g} {err:12.4g} {100 * rel:7.2f}%")
        lines.append(
            f"chi2 = {self.chi2:.6g}, reduced chi2 = {self.reduced_chi2:.4g} (p = {self.p_value:.3g}) "
            f"({self.n_data} residuals, {len(self.names)} free), "
            f"{self.n_iterations} iterations, converged = {self.converged}"
        )
        lines.extend(diagnostic_lines(self))
        return "\n".join(lines)


def diagnostic_lines(result) -> list:
    """One `WARNING:` line per problem of a `FitResult`-like object (for summaries and reports)."""
    lines = []
    if not result.converged:
        lines.append("WARNING: the fit did not converge")
    if result.poor_fit:
        lines.append(f"WARNING: poor fit, reduced chi2 = {result.reduced_chi2:.4g} (p = {result.p_value:.3g})")
    lines.extend(f"WARNING: {name} is at a bound" for name in result.at_bound)
    lines.extend(f"WARNING: {name} is not constrained by the data" for name in result.unconstrained)
    for a, b, rho in result.degenerate_pairs:
        lines.append(f"WARNING: {a} and {b} are nearly degenerate (correlation {rho:+.4f})")
    return lines


def warn_about_fit(result, context: str = "") -> None:
    """Issue the documented warning for every problem of a `FitResult`-like object."""
    where = f" ({context})" if context else ""
    if not result.converged:
        warnings.warn(
            f"the fit did not converge{where} after {result.n_iterations} iterations (chi2 = {result.chi2:.6g}); "
            f"raise max_iterations, or give a better starting point",
            ConvergenceWarning,
            stacklevel=4,
        )
    if result.poor_fit:
        warnings.warn(
            f"poor fit{where}: reduced chi2 = {result.reduced_chi2:.4g}, p-value {result.p_value:.3g}; the model "
            f"misses the data by more than sigma explains - check the start values, the model and sigma",
            PoorFitWarning,
            stacklevel=4,
        )
    for name in result.at_bound:
        warnings.warn(
            f"fitted parameter {name!r} = {result.values[name]:.6g} ended at its bound{where}; its standard "
            f"error is meaningless - widen or drop the bound (lower/upper, or positive={{{name!r}: False}} for the bound "
            f"at 0), or fix the parameter",
            AtBoundWarning,
            stacklevel=4,
        )
    for name in result.unconstrained:
        warnings.warn(
            f"fitted parameter {name!r} = {result.values[name]:.6g} (sd {result.standard_errors[name]:.3g}) is not "
            f"constrained by the data{where}; fix it to a known value or add data sensitive to it",
            UnconstrainedParameterWarning,
            stacklevel=4,
        )


def _scaled_covariance(raw, n_free, absolute_sigma):
    m = int(np.shape(raw.residuals)[-1])
    dof = m - n_free
    chi2 = np.asarray(raw.chi2, dtype=float)
    reduced = chi2 / dof if dof > 0 else np.full(chi2.shape, np.nan)
    variance = np.ones_like(reduced) if absolute_sigma else reduced
    cov = np.asarray(raw.covariance_unscaled) * np.asarray(variance)[..., None, None]
    return m, dof, reduced, cov


def fit_arrays(raw, names, kinds, absolute_sigma) -> dict:
    """The fields shared by `FitResult` and `BatchFitResult`, from a numpy `RawFit` (batched or not)."""
    m, dof, reduced, cov = _scaled_covariance(raw, len(names), absolute_sigma)
    sd = standard_errors_of(cov)
    p_value = chi2_p_value(raw.chi2, dof)
    pinned = at_bound(raw.internal, kinds)
    loose = unconstrained_mask(raw.values, sd, raw.jacobian, pinned)
    return dict(
        covariance=cov,
        correlation=correlation_from_covariance(cov),
        standard_errors=sd,
        reduced_chi2=reduced,
        n_data=m,
        degrees_of_freedom=dof,
        p_value=p_value,
        poor_fit=is_poor_fit(reduced, p_value),
        at_bound=pinned,
        unconstrained=loose,
    )


def to_fit_result(raw, names, kinds, absolute_sigma, warn_degenerate, warn=True) -> FitResult:
    """Assemble a `FitResult` from a numpy `RawFit` of one fit, issuing the warnings asked for."""
    a = fit_arrays(raw, names, kinds, absolute_sigma)
    corr = a["correlation"]
    pairs = warn_if_degenerate(names, corr) if warn_degenerate else degenerate_pairs(names, corr)
    result = FitResult(
        names=names,
        values={k: float(v) for k, v in zip(names, raw.values)},
        standard_errors={k: float(v) for k, v in zip(names, a["standard_errors"])},
        covariance=a["covariance"],
        correlation=corr,
        chi2=float(raw.chi2),
        reduced_chi2=float(a["reduced_chi2"]),
        n_data=a["n_data"],
        degrees_of_freedom=a["degrees_of_freedom"],
        n_iterations=int(raw.n_iterations),
        converged=bool(raw.converged),
        residuals=np.asarray(raw.residuals),
        jacobian=np.asarray(raw.jacobian),
        degenerate_pairs=pairs,
        p_value=float(a["p_value"]),
        poor_fit=bool(a["poor_fit"]),
        at_bound=tuple(k for k, flag in zip(names, a["at_bound"]) if flag),
        unconstrained=tuple(k for k, flag in zip(names, a["unconstrained"]) if flag),
    )
    if warn:
        warn_about_fit(result)
    return result


@dataclasses.dataclass(frozen=True)
class BatchFitResult:
    """Outcome of a batch of independent fits run with `vmap` (leading axis = batch).

    Same fields as `FitResult`, each with a leading batch axis: `values[name]` and
    `standard_errors[name]` are arrays of shape (batch,), `covariance` and
    `correlation` (batch, n, n), `chi2`/`reduced_chi2`/`n_iterations`/`converged`/
    `p_value`/`poor_fit` (batch,), `residuals` (batch, n_data); `at_bound` and
    `unconstrained` are boolean masks (batch, n) in the order of `names`.
    """

    names: tuple
    values: dict
    standard_errors: dict
    covariance: np.ndarray
    correlation: np.ndarray
    chi2: np.ndarray
    reduced_chi2: np.ndarray
    n_data: int
    degrees_of_freedom: int
    n_iterations: np.ndarray
    converged: np.ndarray
    residuals: np.ndarray
    p_value: np.ndarray | None = None
    poor_fit: np.ndarray | None = None
    at_bound: np.ndarray | None = None
    unconstrained: np.ndarray | None = None

    def __len__(self) -> int:
        return int(np.shape(self.chi2)[0])

    def __getitem__(self, index: int) -> FitResult:
        """The `index`-th fit as a `FitResult` (no warning issued)."""
        n = len(self.names)
        at_bound_row = np.zeros(n, bool) if self.at_bound is None else self.at_bound[index]
        loose_row = np.zeros(n, bool) if self.unconstrained is None else self.unconstrained[index]
        return FitResult(
            names=self.names,
            values={k: float(v[index]) for k, v in self.values.items()},
            standard_errors={k: float(v[index]) for k, v in self.standard_errors.items()},
            covariance=self.covariance[index],
            correlation=self.correlation[index],
            chi2=float(self.chi2[index]),
            reduced_chi2=float(self.reduced_chi2[index]),
            n_data=self.n_data,
            degrees_of_freedom=self.degrees_of_freedom,
            n_iterations=int(self.n_iterations[index]),
            converged=bool(self.converged[index]),
            residuals=self.residuals[index],
            jacobian=np.full((self.n_data, n), np.nan),
            degenerate_pairs=degenerate_pairs(self.names, self.correlation[index]),
            p_value=float("nan") if self.p_value is None else float(self.p_value[index]),
            poor_fit=False if self.poor_fit is None else bool(self.poor_fit[index]),
            at_bound=tuple(k for k, flag in zip(self.names, at_bound_row) if flag),
            unconstrained=tuple(k for k, flag in zip(self.names, loose_row) if flag),
        )


def to_batch_result(raw, names, kinds, absolute_sigma) -> BatchFitResult:
    """Assemble a `BatchFitResult` from a batched numpy `RawFit` (no warnings)."""
    a = fit_arrays(raw, names, kinds, absolute_sigma)
    sd = a["standard_errors"]
    return BatchFitResult(
        names=names,
        values={k: raw.values[:, i] for i, k in enumerate(names)},
        standard_errors={k: sd[:, i] for i, k in enumerate(names)},
        covariance=a["covariance"],
        correlation=a["correlation"],
        chi2=raw.chi2,
        reduced_chi2=a["reduced_chi2"],
        n_data=a["n_data"],
        degrees_of_freedom=a["degrees_of_freedom"],
        n_iterations=raw.n_iterations,
        converged=raw.converged,
        residuals=raw.residuals,
        p_value=a["p_value"],
        poor_fit=a["poor_fit"],
        at_bound=a["at_bound"],
        unconstrained=a["unconstrained"],
    )
