"""Averaging repeat scans onto one delay grid, with per-point standard errors.

Grids that match (every scan's delays equal the first scan's within 1e-6 of the smallest
delay step) are averaged point by point, exactly. Otherwise every scan is linearly
interpolated onto the first scan's delays inside the range all scans cover (the
intersection); interpolation correlates neighbouring points of a scan, so the standard
errors then describe each point, not independent points.

Without per-scan uncertainties the average is the plain mean and its uncertainty the
standard error of the mean, s / sqrt(N) with s the sample standard deviation over scans
(N >= 2). With per-scan sigmas the average is inverse-variance weighted and its
uncertainty 1 / sqrt(sum 1/sigma_i^2); the scatter-based error is reported alongside.

Outlier rule (`reject_outliers=True`, N >= 3): at each delay the robust spread of the
scans is 1.4826 x their median absolute deviation from the median; a scan whose
root-mean-square robust z-score over all delays exceeds `outlier_threshold` (default 3)
is dropped as a whole, once (no iteration).
"""

from __future__ import annotations

import dataclasses

import numpy as np

from .._validation import check_positive
from ..fit import Trace

__all__ = ["AveragedScan", "average_scans"]

# Delays beyond this (s) are almost surely picoseconds or nanoseconds passed as seconds.
_MAX_PLAUSIBLE_DELAY = 1e-6


@dataclasses.dataclass(frozen=True)
class AveragedScan:
    """Outcome of `average_scans`.

    - `delays`: common delay grid (s).
    - `values`: averaged signal (the scans' unit).
    - `sigma`: 1-sigma uncertainty of each averaged point (same unit): the standard error
      of the mean, or the inverse-variance propagated error when scans carry sigmas.
    - `scatter_error`: standard error from the scan-to-scan scatter (same unit; NaN with
      one scan).
    - `n_scans`: number of scans averaged; `rejected`: indices of scans dropped as outliers;
      `outlier_scores`: the rms robust z-score of every input scan (NaN when not computed).
    - `interpolated`: True when the scans were interpolated onto the common grid.

    `trace(model)` turns the average into a `jaxtherm.fit.Trace` for `fit_traces`.
    """

    delays: np.ndarray
    values: np.ndarray
    sigma: np.ndarray
    scatter_error: np.ndarray
    n_scans: int
    rejected: tuple
    outlier_scores: np.ndarray
    interpolated: bool

    def trace(self, model, *, name: str = "average", weight: float = 1.0) -> Trace:
        """The average as a `jaxtherm.fit.Trace` (data = values, sigma = sigma, x = delays) for `model`.

        `model(params)` must predict the signal at `self.delays` (s).
        """
        return Trace(model=model, data=self.values, sigma=self.sigma, weight=weight, name=name, x=self.delays)


def _unpack(index, scan):
    if not isinstance(scan, (tuple, list)) or len(scan) not in (2, 3):
        raise TypeError(
            f"scan {index} must be a tuple (delays, values) or (delays, values, sigma), got {type(scan).__name__}"
        )
    delays = np.asarray(scan[0], dtype=float)
    values = np.asarray(scan[1], dtype=float)
    if delays.ndim != 1 or delays.size < 2:
        raise ValueError(f"scan {index}: delays must be a 1-D array of at least 2 delays (s), got shape {delays.shape}")
    if values.shape != delays.shape:
        raise ValueError(f"scan {index}: values have shape {values.shape} but delays have shape {delays.shape}")
    for name, arr in (("delays", delays), ("values", values)):
        if not np.all(np.isfinite(arr)):
            raise ValueError(
                f"scan {index}: {name} contain NaN/inf (first at index {int(np.flatnonzero(~np.isfinite(arr))[0])})"
            )
    if np.max(np.abs(delays)) > _MAX_PLAUSIBLE_DELAY:
        raise ValueError(
            f"scan {index}: delays reach {np.max(np.abs(delays)):g} s; delays are in seconds (e.g. 1 ns is 1e-9) - "
            f"did you pass picoseconds or nanoseconds?"
        )
    if np.any(np.diff(delays) <= 0):
        raise ValueError(f"scan {index}: delays must be strictly increasing (s)")
    sigma = None
    if len(scan) == 3:
        sigma = (
            np.broadcast_to(np.asarray(scan[2], dtype=float), delays.shape)
            if np.ndim(scan[2]) == 0
            else np.asarray(scan[2], dtype=float)
        )
        if sigma.shape != delays.shape:
            raise ValueError(
                f"scan {index}: sigma must be a scalar or have the shape of values {delays.shape}, got {sigma.shape}"
            )
        check_positive(f"scan {index} sigma", sigma, "the unit of values")
    return delays, values, sigma


def _grids_match(grids) -> bool:
    first = grids[0]
    tol = 1e-6 * float(np.min(np.diff(first)))
    return all(g.shape == first.shape and np.max(np.abs(g - first)) <= tol for g in grids[1:])


def _outlier_scores(values: np.ndarray) -> np.ndarray:
    median = np.median(values, axis=0)
    spread = 1.4826 * np.median(np.abs(values - median), axis=0)
    # A delay where the scans agree exactly carries no information on who is an outlier.
    usable = spread > 0
    if not np.any(usable):
        return np.zeros(values.shape[0])
    z = (values[:, usable] - median[usable]) / spread[usable]
    return np.sqrt(np.mean(z**2, axis=1))


def _on_common_grid(grids, unpacked, has_sigma: bool, interpolated: bool):
    """Values (and sigmas, or None) of every scan on one delay grid: scan 0's delays inside the
    overlap of all scans when the grids differ (linear interpolation), else the shared grid."""
    if interpolated:
        start = max(g[0] for g in grids)
        end = min(g[-1] for g in grids)
        common = grids[0][(grids[0] >= start) & (grids[0] <= end)]
        if common.size < 2:
            raise ValueError(f"the scans' delay ranges overlap on fewer than 2 delays of scan 0 ({start:g}-{end:g} s)")
        values = np.stack([np.interp(common, g, u[1]) for g, u in zip(grids, unpacked)])
        sigmas = np.stack([np.interp(common, g, u[2]) for g, u in zip(grids, unpacked)]) if has_sigma else None
    else:
        common = grids[0]
        values = np.stack([u[1] for u in unpacked])
        sigmas = np.stack([u[2] for u in unpacked]) if has_sigma else None
    return common, values, sigmas


def _select_scans(values, reject_outliers: bool, outlier_threshold: float):
    """Outlier scores (NaN when not judged) and the boolean mask of the scans kept."""
    n_total = values.shape[0]
    scores = np.full(n_total, np.nan)
    keep = np.ones(n_total, dtype=bool)
    if reject_outliers:
        if n_total < 3:
            raise ValueError(f"reject_outliers needs at least 3 scans to judge an outlier, got {n_total}")
        scores = _outlier_scores(values)
        keep = scores <= outlier_threshold
        if np.count_nonzero(keep) < 2:
            raise ValueError(
                f"the outlier rule would keep {np.count_nonzero(keep)} of {n_total} scans (scores {np.round(scores, 2)}); "
                f"raise outlier_threshold or inspect the scans"
            )
    return scores, keep


def average_scans(scans, *, reject_outliers: bool = False, outlier_threshold: float = 3.0) -> AveragedScan:
    """Average repeat scans on a common delay grid with per-point standard errors.

    **Arguments:**

    - `scans`: sequence of `(delays, values)` or `(delays, values, sigma)` tuples; delays
      in s (strictly increasing), values in one common unit, sigma (1-sigma, unit of the
      values) a scalar or per point. Either every scan carries sigma or none does.
    - `reject_outliers`: drop whole scans by the rule in the module docstring (N >= 3).
    - `outlier_threshold`: rms robust z-score above which a scan is dropped (dimensionless).

    **Returns:** an `AveragedScan`.
    """
    if isinstance(scans, np.ndarray) or (
        isinstance(scans, tuple) and scans and not isinstance(scans[0], (tuple, list))
    ):
        raise TypeError(
            "scans must be a sequence of (delays, values[, sigma]) tuples, e.g. [(t1, v1), (t2, v2)]; got one scan"
        )
    scans = list(scans)
    if not scans:
        raise ValueError("scans is empty; give at least one (delays, values) tuple")
    unpacked = [_unpack(i, s) for i, s in enumerate(scans)]
    has_sigma = [u[2] is not None for u in unpacked]
    if any(has_sigma) and not all(has_sigma):
        raise ValueError(
            f"either every scan carries sigma or none does; scans {[i for i, h in enumerate(has_sigma) if not h]} have none"
        )
    check_positive("outlier_threshold", outlier_threshold, "dimensionless")
    grids = [u[0] for u in unpacked]
    # Units: scans of one measurement cover comparable delay spans; a 1000x disagreement
    # is a ps/ns/s slip in one file.
    spans = np.array([g[-1] - g[0] for g in grids])
    if spans.max() > 100 * spans.min():
        i, j = int(np.argmin(spans)), int(np.argmax(spans))
        raise ValueError(
            f"scan {i} spans {spans[i]:g} s of delay but scan {j} spans {spans[j]:g} s; all delays must be in "
            f"seconds - is one file in ps or ns?"
        )
    interpolated = not _grids_match(grids)
    common, values, sigmas = _on_common_grid(grids, unpacked, has_sigma[0], interpolated)
    scores, keep = _select_scans(values, reject_outliers, outlier_threshold)
    values = values[keep]
    n = values.shape[0]
    if sigmas is None:
        if n < 2:
            raise ValueError(
                "a single scan without sigma has no scan-to-scan scatter; give (delays, values, sigma) or more scans"
            )
        mean = np.mean(values, axis=0)
        scatter = np.std(values, axis=0, ddof=1) / np.sqrt(n)
        sigma = scatter
    else:
        weights = 1.0 / sigmas[keep] ** 2
        total = np.sum(weights, axis=0)
        mean = np.sum(weights * values, axis=0) / total
        sigma = 1.0 / np.sqrt(total)
        if n >= 2:
            # Weighted scatter: unbiased variance of the weighted mean from the residuals.
            scatter = np.sqrt(np.sum(weights * (values - mean) ** 2, axis=0) / ((n - 1) * total))
        else:
            scatter = np.full_like(mean, np.nan)
    return AveragedScan(
        delays=common,
        values=mean,
        sigma=sigma,
        scatter_error=scatter,
        n_scans=int(n),
        rejected=tuple(int(i) for i in np.flatnonzero(~keep)),
        outlier_scores=scores,
        interpolated=bool(interpolated),
    )
