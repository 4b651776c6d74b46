"""Profile likelihood: chi^2 minimised over the other parameters along a grid of one.

`profile(params, traces, free, name, grid)` fixes `name` at each grid value and
re-fits the remaining free parameters (all grid points and starts at once, under
`vmap`). The likelihood intervals `{x : chi2_p(x) - min chi2 <= 1}` (68.3 %) and
`<= 3.84` (95 %) need no Gaussian assumption: a curved valley or a second basin
shows up as an asymmetric interval or as two separate pieces, and every local
minimum of the profile is reported. Traced-abscissa models are padded to their length
bucket as in `fit_traces`: a new file of the same bucket reuses the compiled re-fits.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Sequence

import jax.numpy as jnp
import numpy as np

from ._abscissa import broadcast_arrays
from ._batch import least_squares_batched
from ._residuals import fixed_residual_builder, model_keys, trace_arrays, trace_mask
from .paths import leaf_value
from .problem import Trace, TraceFitResult, check_traces, normalise_free

__all__ = ["ProfileResult", "profile"]

#: chi^2 rises of the 68.3 % and 95 % likelihood intervals of one parameter.
DELTA_CHI2_68 = 1.0
DELTA_CHI2_95 = 3.841458820694124


@dataclasses.dataclass(frozen=True)
class ProfileResult:
    """Outcome of `profile`.

    **Attributes:**

    - `name`: the profiled parameter; `grid`: its values (SI).
    - `chi2`: (n_grid,) chi^2 minimised over the other free parameters.
    - `delta_chi2`: `chi2 - min(chi2)`.
    - `others`: dict name -> (n_grid,) best values of the other free parameters (SI).
    - `converged`: (n_grid,) whether the best re-fit converged.
    - `interval68`, `interval95`: lists of `(lower, upper)` pieces where `delta_chi2` is
      below 1 and 3.84 (linear interpolation of the crossings; a piece touching the grid
      edge is open there and reported at the edge).
    - `minima`: tuple of `(value, delta_chi2)` for every local minimum of the profile.
    """

    name: str
    grid: np.ndarray
    chi2: np.ndarray
    delta_chi2: np.ndarray
    others: dict
    converged: np.ndarray
    interval68: list
    interval95: list
    minima: tuple

    def summary(self) -> str:
        def fmt(pieces):
            return " U ".join(f"[{lo:.5g}, {hi:.5g}]" for lo, hi in pieces)

        lines = [f"Profile likelihood of {self.name} ({self.grid.size} grid points)"]
        lines.append(f"  68.3 % (Delta chi2 <= 1):    {fmt(self.interval68)}")
        lines.append(f"  95 %   (Delta chi2 <= 3.84): {fmt(self.interval95)}")
        for value, dchi2 in self.minima:
            lines.append(f"  local minimum at {value:.5g} (Delta chi2 {dchi2:.2f})")
        if len(self.minima) > 1:
            lines.append("  WARNING: the profile has several minima; a quadratic sigma describes only one of them.")
        return "\n".join(lines)


def _pieces(grid, delta, level):
    below = delta <= level
    pieces = []
    i, n = 0, grid.size
    while i < n:
        if not below[i]:
            i += 1
            continue
        j = i
        while j + 1 < n and below[j + 1]:
            j += 1

        def crossing(a, b):
            # delta crosses `level` between grid points a (above) and b (below).
            t = (level - delta[a]) / (delta[b] - delta[a])
            return float(grid[a] + t * (grid[b] - grid[a]))

        lo = crossing(i - 1, i) if i > 0 else float(grid[0])
        hi = crossing(j + 1, j) if j + 1 < n else float(grid[-1])
        pieces.append((lo, hi))
        i = j + 1
    return pieces


@functools.lru_cache(maxsize=32)
def _profile_residual(keys: tuple, profiled_paths: tuple, other_spec: tuple):
    """Residuals `fn(free, (value, TraceArrays))` with the profiled paths at `value`; stable identity per spec."""
    base = fixed_residual_builder(keys, other_spec, profiled_paths)

    def residual_fn(free, data):
        value, arrays = data
        return base(free, {path: value for path in profiled_paths}, arrays)

    return residual_fn


def _check_grid(name, grid) -> np.ndarray:
    grid = np.asarray(grid, dtype=float)
    if grid.ndim != 1 or grid.size < 3 or not np.all(np.isfinite(grid)) or not np.all(np.diff(grid) > 0):
        raise ValueError(f"grid of {name!r} must be a finite, increasing 1-D array of >= 3 values (SI), got {grid!r}")
    return grid


def _start_table(params, others, starts, fit) -> tuple:
    """`({name: (n_starts,) starting values}, n_starts)` of the re-fitted parameters."""
    base = {k: (fit.values[k] if fit is not None else leaf_value(params, paths[0])) for k, paths in others.items()}
    starts = dict(starts or {})
    unknown = set(starts) - set(others)
    if unknown:
        raise ValueError(
            f"starts names parameters that are not re-fitted: {sorted(unknown)}; re-fitted: {list(others)}"
        )
    n_starts = max([np.size(v) for v in starts.values()] + [1])
    return {k: np.broadcast_to(np.asarray(starts.get(k, base[k]), dtype=float), (n_starts,)) for k in others}, n_starts


def _local_minima(grid, chi2_best, delta) -> list:
    """`(value, delta_chi2)` of every local minimum of the profile."""
    n_grid = grid.size
    minima = []
    for i in range(n_grid):
        left = chi2_best[i - 1] if i > 0 else np.inf
        right = chi2_best[i + 1] if i + 1 < n_grid else np.inf
        if chi2_best[i] < left and chi2_best[i] <= right:
            minima.append((float(grid[i]), float(delta[i])))
    return minima


def _batched_data(params, traces, grid, n_starts) -> tuple:
    """`(profiled values, TraceArrays)`, one row per (grid point, start); traced abscissas padded to their bucket."""
    batch = grid.size * n_starts
    return jnp.asarray(np.repeat(grid, n_starts)), broadcast_arrays(trace_arrays(params, traces), batch)


def profile(
    params,
    traces: Sequence[Trace] | Trace,
    free,
    name: str,
    grid,
    *,
    starts: dict | None = None,
    positive: bool | dict = True,
    lower: dict | None = None,
    upper: dict | None = None,
    max_iterations: int = 100,
    fit: TraceFitResult | None = None,
) -> ProfileResult:
    """Profile likelihood of one free parameter by constrained re-fits of the others.

    **Arguments:**

    - `params`, `traces`, `free`: as in `fit_traces` (the sigmas are taken as absolute).
    - `name`: the free parameter to profile.
    - `grid`: 1-D increasing values of `name` (SI).
    - `starts`: optional dict other-name -> 1-D array of starting values; every grid point
      is re-fitted from each start and keeps the lowest chi^2 (robust in multi-basin valleys).
      Default: the values in `params` (or in `fit`).
    - `positive`, `lower`, `upper`, `max_iterations`: constraints of the re-fits, as in
      `fit_traces`, keyed by the other names.
    - `fit`: optional `TraceFitResult` whose best values seed the re-fits.

    **Returns:** a `ProfileResult`.
    """
    traces = check_traces(traces)
    free_map = normalise_free(params, free)
    if name not in free_map:
        raise ValueError(f"name {name!r} is not a free parameter; free: {list(free_map)}")
    grid = _check_grid(name, grid)
    others = {k: v for k, v in free_map.items() if k != name}
    if not others:
        raise ValueError("profile needs at least one other free parameter to re-fit")
    if isinstance(positive, dict):
        positive = {k: v for k, v in positive.items() if k != name}
    lower = {k: v for k, v in (lower or {}).items() if k != name}
    upper = {k: v for k, v in (upper or {}).items() if k != name}

    start_table, n_starts = _start_table(params, others, starts, fit)

    residual_fn = _profile_residual(model_keys(traces), free_map[name], tuple(others.items()))
    n_grid = grid.size
    initial = {k: np.tile(start_table[k], n_grid) for k in others}
    result = least_squares_batched(
        residual_fn,
        initial,
        _batched_data(params, traces, grid, n_starts),
        positive=positive,
        lower=lower,
        upper=upper,
        max_iterations=max_iterations,
        absolute_sigma=True,
        residual_mask=trace_mask(traces),
    )
    chi2 = np.asarray(result.chi2, dtype=float).reshape(n_grid, n_starts)
    chi2 = np.where(np.isfinite(chi2), chi2, np.inf)
    best = np.argmin(chi2, axis=1)
    rows = np.arange(n_grid)
    chi2_best = chi2[rows, best]
    other_values = {k: np.asarray(result.values[k]).reshape(n_grid, n_starts)[rows, best] for k in others}
    converged = np.asarray(result.converged).reshape(n_grid, n_starts)[rows, best]
    delta = chi2_best - np.min(chi2_best)
    minima = _local_minima(grid, chi2_best, delta)
    return ProfileResult(
        name=name,
        grid=grid,
        chi2=chi2_best,
        delta_chi2=delta,
        others=other_values,
        converged=converged,
        interval68=_pieces(grid, delta, DELTA_CHI2_68),
        interval95=_pieces(grid, delta, DELTA_CHI2_95),
        minima=tuple(minima),
    )
