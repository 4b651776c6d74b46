"""Other chi^2 minima of a multi-start fit: the basins a quadratic standard error is silent about.

A standard error is the curvature of the chi^2 surface at the best optimum. When another
start converges to a separated optimum whose chi^2 is close to the best one, the data
allow that region too, and `value +- sigma` describes only the best basin.

Rule. An optimum of the multi-start fit is *another minimum* when

* it lies outside the 1-sigma ellipse of the best fit (Mahalanobis distance > 1 with the
  statistical covariance): starts that converge to the best minimum land well inside it;
* its chi^2 exceeds the best by less than `delta_chi2` (default 4, the 95 % likelihood
  region of one parameter), chi^2 divided by the reduced chi^2 when that exceeds 1 (as
  the printed standard errors are scaled when sigma is not absolute);
* it lies outside the 1-sigma ellipse of every lower other minimum already listed.
"""

from __future__ import annotations

import dataclasses

import numpy as np

__all__ = ["OtherMinimum", "other_minima", "other_minima_lines", "DELTA_CHI2"]

DELTA_CHI2 = 4.0


@dataclasses.dataclass(frozen=True)
class OtherMinimum:
    """A separated optimum of the multi-start fit near the best one.

    **Attributes:**

    - `values`: dict name -> parameter values at this optimum (SI).
    - `chi2`: its chi^2; `delta_chi2`: above the best (scaled as described in the rule).
    - `distance`: Mahalanobis distance from the best fit in units of its covariance.
    """

    values: dict
    chi2: float
    delta_chi2: float
    distance: float


def _mahalanobis(dx, precision) -> float:
    return float(np.sqrt(max(dx @ precision @ dx, 0.0)))


def other_minima(fit, delta_chi2: float = DELTA_CHI2) -> tuple:
    """`OtherMinimum`s of a `FitResult` with several starts (best first); () with one start.

    `fit`: a `FitResult` (its `start_values`, `start_chi2`, `covariance`, `chi2`, `values`).
    """
    if fit.start_values is None or fit.start_chi2 is None:
        return ()
    names = tuple(fit.names)
    optima = np.stack([np.asarray(fit.start_values[n], dtype=float) for n in names], axis=1)
    chi2 = np.asarray(fit.start_chi2, dtype=float)
    best = np.array([fit.values[n] for n in names], dtype=float)
    covariance = np.asarray(fit.covariance, dtype=float)
    if not np.all(np.isfinite(covariance)):
        return ()
    precision = np.linalg.pinv(covariance, rcond=1e-13, hermitian=True)
    scale = max(float(getattr(fit, "reduced_chi2", 1.0)), 1.0)
    found, centres = [], [best]
    for k in np.argsort(chi2):
        row = optima[k]
        if not (np.all(np.isfinite(row)) and np.isfinite(chi2[k])):
            continue
        excess = (chi2[k] - fit.chi2) / scale
        if excess >= delta_chi2:
            break
        if any(_mahalanobis(row - c, precision) <= 1.0 for c in centres):
            continue
        centres.append(row)
        found.append(
            OtherMinimum(
                values={n: float(row[i]) for i, n in enumerate(names)},
                chi2=float(chi2[k]),
                delta_chi2=float(max(excess, 0.0)),
                distance=_mahalanobis(row - best, precision),
            )
        )
    return tuple(found)


def other_minima_lines(minima) -> list:
    """`WARNING:` lines for a summary: the other minima and what the +- then means."""
    if not minima:
        return []
    lines = [
        f"WARNING: the multi-start fit found {len(minima)} other separated minimum/minima with chi2 within "
        f"{DELTA_CHI2:g} of the best; the +- above describes only the best basin:"
    ]
    for m in minima:
        where = ", ".join(f"{n} = {v:.5g}" for n, v in m.values.items())
        lines.append(f"  {where} (Delta chi2 = {m.delta_chi2:.2f}, {m.distance:.1f} sigma away)")
    lines.append(
        "  Use jaxtherm.fit.profile (likelihood intervals) or jaxtherm.fit.sample (posterior with mode masses)."
    )
    return lines
