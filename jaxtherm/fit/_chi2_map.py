"""chi^2 maps over two named parameters, vmapped over the grid and compiled once.

`chi2_map(params, traces, ("a", "b"), grid_a, grid_b)` evaluates

    chi^2(a, b) = sum_traces weight * sum ((data - model(params with a, b)) / sigma)^2

on the outer grid of `grid_a` x `grid_b` in one jitted, vmapped call. With
`refit=[paths]` the other named parameters are re-fitted at each grid point (a batch of
Levenberg-Marquardt fits under `vmap`), which gives the *profile* chi^2 whose contours
include their correlations. As in `fit_traces`, a model that declares its abscissa gets it as a
traced input padded to its length bucket (masked rows add nothing), so the map of a new
measurement file of the same bucket reuses the compiled one.

For Gaussian noise with correct sigmas, the region Delta chi^2 = chi^2 - chi^2_min <= 2.30
is the joint 68.3 % confidence region of the two parameters (6.18: 95.4 %, 11.8: 99.73 %);
in the linear regime it is the ellipse `d^T C^-1 d <= 2.30` of the fit's 2x2 covariance C
(the profile map matches the marginal block of the full covariance).
"""

from __future__ import annotations

import dataclasses
import functools
import math

import jax
import jax.numpy as jnp
import numpy as np

from ._abscissa import ModelKey, broadcast_arrays
from ._batch import least_squares_batched
from ._residuals import fixed_residual_builder, model_keys, trace_arrays, trace_mask
from .paths import leaf_value
from .problem import check_traces, normalise_free

__all__ = ["Chi2Map", "chi2_map", "plot_chi2_map", "delta_chi2_level"]


def delta_chi2_level(n_sigma: float, n_parameters: int = 2) -> float:
    """Delta chi^2 enclosing the probability of +-`n_sigma` in 1-D, for 1 or 2 joint parameters.

    For two parameters Delta chi^2 = -2 ln(1 - p), p = erf(n_sigma / sqrt(2)): 2.30 (1
    sigma), 6.18 (2 sigma), 11.8 (3 sigma); for one parameter n_sigma^2.
    """
    if not n_sigma > 0:
        raise ValueError(f"n_sigma must be > 0 (dimensionless), got {n_sigma!r}")
    if n_parameters == 1:
        return float(n_sigma**2)
    if n_parameters != 2:
        raise ValueError(f"n_parameters must be 1 or 2, got {n_parameters!r}")
    return float(-2.0 * math.log(math.erfc(n_sigma / math.sqrt(2.0))))


@dataclasses.dataclass(frozen=True)
class Chi2Map:
    """A chi^2 map over two parameters (outer grid; axis 0 = `a`, axis 1 = `b`).

    **Attributes:**

    - `names`: the two parameter names; `paths`: the path(s) each sets.
    - `a_values`, `b_values`: grid values (SI units of the parameters).
    - `chi2`: (n_a, n_b) chi^2 (or profile chi^2 with refit) at every grid point.
    - `reference_chi2`: the smaller of the map's minimum and chi^2 at the given `params`;
      `delta_chi2` is measured from it.
    - `refit_names`: names re-fitted at each point (empty without refit); `refit_values`:
      dict name -> (n_a, n_b) array of their values; `converged`: (n_a, n_b) bool or None.
    - `n_data`: number of residuals.
    """

    names: tuple
    paths: tuple
    a_values: np.ndarray
    b_values: np.ndarray
    chi2: np.ndarray
    reference_chi2: float
    refit_names: tuple
    refit_values: dict
    converged: np.ndarray | None
    n_data: int

    @property
    def delta_chi2(self) -> np.ndarray:
        """chi^2 - reference_chi2, shape (n_a, n_b)."""
        return self.chi2 - self.reference_chi2

    @property
    def minimum(self) -> dict:
        """Grid point of the smallest chi^2: dict name -> value (SI)."""
        i, j = np.unravel_index(int(np.argmin(self.chi2)), self.chi2.shape)
        return {self.names[0]: float(self.a_values[i]), self.names[1]: float(self.b_values[j])}


def _check_grid(label, name, grid, current) -> np.ndarray:
    grid = np.asarray(grid, dtype=float)
    if grid.ndim != 1 or grid.size < 2:
        raise ValueError(
            f"{label} (for {name!r}) must be a 1-D array of at least 2 values in the parameter's SI unit, got shape {grid.shape}"
        )
    if not np.all(np.isfinite(grid)):
        raise ValueError(f"{label} (for {name!r}) contains NaN/inf; give finite values in the parameter's SI unit")
    # A grid a thousand times off the parameter's own value is a unit slip (nm for m, ...).
    if current != 0 and np.all(grid != 0):
        ratio = np.abs(grid) / abs(current)
        if np.max(ratio) < 1e-3 or np.min(ratio) > 1e3:
            raise ValueError(
                f"{label} spans {grid.min():g}..{grid.max():g} but {name!r} is {current:g} in params; the grid must be "
                f"in the parameter's SI unit (e.g. m^2K/W for a resistance, m for a thickness)"
            )
    return grid


@functools.lru_cache(maxsize=32)
def _point_residual_fn(keys: tuple, paths_a: tuple, paths_b: tuple, refit_spec: tuple):
    """Residuals `fn(free, (point, TraceArrays))` of the re-fitted parameters with the pair at `point`.

    A stable identity per (models, pair, refit) lets the solver and the grid map reuse their compilation.
    """
    base = fixed_residual_builder(keys, refit_spec, paths_a + paths_b)

    def residual_fn(free, data):
        point, arrays = data
        fixed = {**{path: point[0] for path in paths_a}, **{path: point[1] for path in paths_b}}
        return base(free, fixed, arrays)

    return residual_fn


@functools.lru_cache(maxsize=32)
def _grid_chi2_fn(keys: tuple, paths_a: tuple, paths_b: tuple, chunk_size: int):
    """One jitted function per (models, pair, chunk): new grids, data or abscissas of the same bucket reuse it."""
    residual_fn = _point_residual_fn(keys, paths_a, paths_b, ())

    def grid(points, arrays):
        return jax.lax.map(lambda pt: jnp.sum(residual_fn({}, (pt, arrays)) ** 2), points, batch_size=chunk_size)

    return jax.jit(grid)


def _pair_and_refit(params, free_pair, refit) -> tuple:
    """`(pair, refit_map)`: the two mapped parameters and the re-fitted ones, name -> paths."""
    pair = normalise_free(params, free_pair, "free_pair")
    if len(pair) != 2:
        raise ValueError(f"free_pair must name exactly two parameters, got {list(pair)}")
    if refit is not None and isinstance(refit, (list, tuple, dict)) and not refit:
        raise ValueError("refit names no parameter; pass None for a plain chi^2 map")
    refit_map = {} if refit is None else normalise_free(params, refit, "refit")
    pair_paths = {p for paths in pair.values() for p in paths}
    for name, paths in refit_map.items():
        overlap = pair_paths.intersection(paths)
        if overlap:
            raise ValueError(f"refit parameter {name!r} sets {sorted(overlap)}, which free_pair maps")
    return pair, refit_map


def _check_chunk_size(chunk_size):
    if chunk_size is not None and (isinstance(chunk_size, bool) or not isinstance(chunk_size, int) or chunk_size < 1):
        raise ValueError(f"chunk_size must be a positive integer (grid points per vmapped chunk), got {chunk_size!r}")


def _check_hashable(traces):
    """The compiled map is cached on the models: each must be hashable."""
    for t in traces:
        try:
            hash(ModelKey(t.model))
        except TypeError as exc:
            raise TypeError(
                f"Trace {t.name!r}: its model must be hashable (a function, or an object with __hash__) so the compiled "
                f"map can be reused; got {type(t.model).__name__}"
            ) from exc


def _check_finite(chi2, name_a, grid_a, name_b, grid_b):
    if not np.all(np.isfinite(chi2)):
        bad = np.argwhere(~np.isfinite(chi2))[0]
        raise ValueError(
            f"chi^2 is not finite at {name_a} = {grid_a[bad[0]]:g}, {name_b} = {grid_b[bad[1]]:g}; the model fails "
            f"there - restrict the grids to physical values"
        )


def _refit_all(keys, paths_a, paths_b, refit_map, points, params, arrays, chunk_size, mask, **options):
    """Batched re-fits of `refit_map` at every point (`options`: positive, lower, upper, max_iterations, tolerance)."""
    refit_spec = tuple(refit_map.items())
    residual_fn = _point_residual_fn(keys, paths_a, paths_b, refit_spec)
    initial = {name: leaf_value(params, paths[0]) for name, paths in refit_spec}
    batch = (points, broadcast_arrays(arrays, points.shape[0]))
    return least_squares_batched(residual_fn, initial, batch, chunk_size=chunk_size, residual_mask=mask, **options)


def chi2_map(
    params,
    traces,
    free_pair,
    grid_a,
    grid_b,
    refit=None,
    *,
    positive: bool | dict = True,
    lower: dict | None = None,
    upper: dict | None = None,
    max_iterations: int = 100,
    tolerance: float = 1e-8,
    chunk_size: int | None = None,
) -> Chi2Map:
    """chi^2 (or profile chi^2) over a grid of two named parameters.

    **Arguments:**

    - `params`: the parameter pytree (SI), e.g. the best-fit `TraceFitResult.params`.
    - `traces`: a `Trace` or a sequence of them (as in `fit_traces`).
    - `free_pair`: two paths, or a dict of two names -> path (or list of paths sharing one
      value), e.g. `{"R1": "resistances[0]", "k_sub": "layers[3].conductivity"}`.
    - `grid_a`, `grid_b`: 1-D grids of the two parameters (their SI units).
    - `refit`: None, or paths / dict name -> path(s) re-fitted at every grid point
      (starting from their values in `params`).
    - `positive`, `lower`, `upper`, `max_iterations`, `tolerance`: for the re-fits, as in
      `fit_traces` (keyed by refit name).
    - `chunk_size`: evaluate the grid in vmapped chunks of this many points (memory);
      default: the whole grid at once.

    **Returns:** a `Chi2Map`.
    """
    traces = check_traces(traces)
    pair, refit_map = _pair_and_refit(params, free_pair, refit)
    (name_a, paths_a), (name_b, paths_b) = pair.items()
    current_a, current_b = leaf_value(params, paths_a[0]), leaf_value(params, paths_b[0])
    grid_a = _check_grid("grid_a", name_a, grid_a, current_a)
    grid_b = _check_grid("grid_b", name_b, grid_b, current_b)
    _check_chunk_size(chunk_size)
    _check_hashable(traces)
    keys = model_keys(traces)
    # Data, sigmas, weights and (padded) abscissas travel as arguments: a new file of the same
    # bucket reuses the compiled map.
    arrays = trace_arrays(params, traces)
    n_data = int(sum(np.size(t.data) for t in traces))
    aa, bb = np.meshgrid(grid_a, grid_b, indexing="ij")
    # The given point rides along as the last grid point: one compiled call serves both.
    points = jnp.asarray(np.concatenate([np.stack([aa.ravel(), bb.ravel()], axis=1), [[current_a, current_b]]]))
    n_points = points.shape[0]
    refit_values, converged = {}, None
    if not refit_map:
        chi2_fn = _grid_chi2_fn(keys, paths_a, paths_b, 0 if chunk_size is None else min(chunk_size, n_points))
        values = np.asarray(chi2_fn(points, arrays))
    else:
        options = dict(positive=positive, lower=lower, upper=upper, max_iterations=max_iterations, tolerance=tolerance)
        mask = trace_mask(traces)
        fits = _refit_all(keys, paths_a, paths_b, refit_map, points, params, arrays, chunk_size, mask, **options)
        values = np.asarray(fits.chi2)
        refit_values = {name: np.asarray(fits.values[name])[:-1].reshape(aa.shape) for name in refit_map}
        converged = np.asarray(fits.converged)[:-1].reshape(aa.shape)
    chi2, at_params = values[:-1].reshape(aa.shape), float(values[-1])

    _check_finite(chi2, name_a, grid_a, name_b, grid_b)
    reference = min(float(np.min(chi2)), at_params)
    return Chi2Map(
        names=(name_a, name_b),
        paths=(paths_a, paths_b),
        a_values=grid_a,
        b_values=grid_b,
        chi2=chi2,
        reference_chi2=reference,
        refit_names=tuple(refit_map),
        refit_values=refit_values,
        converged=converged,
        n_data=n_data,
    )


def plot_chi2_map(
    chi2map: Chi2Map,
    *,
    ax=None,
    n_sigmas=(1, 2, 3),
    scale: float = 1.0,
    fit=None,
    a_scale: float = 1.0,
    b_scale: float = 1.0,
    a_label: str | None = None,
    b_label: str | None = None,
):
    """Contour plot of Delta chi^2 with the joint 2-parameter confidence contours.

    **Arguments:**

    - `chi2map`: a `Chi2Map`.
    - `ax`: matplotlib axes (new figure if None).
    - `n_sigmas`: confidence contours to draw, as 1-D sigma equivalents (1, 2, 3 ->
      Delta chi^2 = 2.30, 6.18, 11.8).
    - `scale`: divide Delta chi^2 by this first (e.g. the fit's reduced chi^2 when the
      sigmas were only relative).
    - `fit`: optional `TraceFitResult` whose free parameters include both names: marks its
      values and draws its covariance ellipse at the first contour level.
    - `a_scale`, `b_scale`: the plotted axes are value / scale (e.g. 1e-9 for m^2K/W in
      units of 1e-9); `a_label`, `b_label`: axis labels (default: the names).

    **Returns:** the axes.
    """
    import matplotlib.pyplot as plt

    if not isinstance(chi2map, Chi2Map):
        raise TypeError(f"chi2map must be a Chi2Map, got {type(chi2map).__name__}")
    if not scale > 0:
        raise ValueError(f"scale must be > 0 (dimensionless), got {scale!r}")
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 4))
    levels = [delta_chi2_level(k, 2) for k in n_sigmas]
    x = chi2map.a_values / a_scale
    y = chi2map.b_values / b_scale
    delta = (chi2map.delta_chi2 / scale).T  # contour wants (n_y, n_x)
    filled = ax.contourf(x, y, np.log10(1.0 + delta), levels=20, cmap="viridis")
    plt.colorbar(filled, ax=ax, label=r"$\log_{10}(1 + \Delta\chi^2)$")
    lines = ax.contour(x, y, delta, levels=levels, colors="w", linewidths=1.0)
    ax.clabel(lines, fmt={lvl: f"{k}$\\sigma$" for lvl, k in zip(levels, n_sigmas)}, fontsize=7)
    if fit is not None:
        names = tuple(fit.names)
        missing = [n for n in chi2map.names if n not in names]
        if missing:
            raise ValueError(f"fit has no free parameter(s) {missing}; its names are {list(names)}")
        i, j = names.index(chi2map.names[0]), names.index(chi2map.names[1])
        centre = np.array([fit.values[chi2map.names[0]], fit.values[chi2map.names[1]]])
        cov = np.asarray(fit.covariance)[np.ix_([i, j], [i, j])]
        angle = np.linspace(0, 2 * np.pi, 200)
        root = np.linalg.cholesky(cov) * math.sqrt(levels[0])
        ellipse = centre[:, None] + root @ np.stack([np.cos(angle), np.sin(angle)])
        ax.plot(ellipse[0] / a_scale, ellipse[1] / b_scale, "r--", lw=1.0, label="fit covariance")
        ax.plot(centre[0] / a_scale, centre[1] / b_scale, "r+", ms=10, label="fit")
        ax.legend(fontsize=7)
    ax.set_xlabel(a_label or chi2map.names[0])
    ax.set_ylabel(b_label or chi2map.names[1])
    return ax
