"""Many independent least-squares fits at once under `vmap` (noise seeds, pixels, samples)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax
import numpy as np

from ._least_squares import prepare
from ._result import BatchFitResult, to_batch_result
from ._solve import solve_many, to_numpy
from ._transforms import start_points


def _batch_size(data) -> int:
    leaves = jax.tree_util.tree_leaves(data)
    if not leaves:
        raise ValueError("data must contain at least one array with a leading batch axis")
    sizes = {int(np.shape(leaf)[0]) if np.ndim(leaf) else -1 for leaf in leaves}
    if len(sizes) != 1 or -1 in sizes:
        raise ValueError(f"every leaf of data needs the same leading batch axis, got sizes {sorted(sizes)}")
    return sizes.pop()


def _batch_starts(names, initial, batch) -> np.ndarray:
    x0 = np.empty((batch, len(names)))
    for i, name in enumerate(names):
        value = np.asarray(initial[name], dtype=float)
        if value.ndim != 0 and value.shape != (batch,):
            raise ValueError(f"initial[{name!r}] must be a scalar or have shape ({batch},), got {value.shape}")
        x0[:, i] = value
    return x0


def least_squares_batched(
    residual_fn: Callable[..., Any],
    initial: dict,
    data: Any,
    *,
    positive: bool | dict = True,
    lower: dict | None = None,
    upper: dict | None = None,
    max_iterations: int = 100,
    absolute_sigma: bool = False,
    tolerance: float = 1e-8,
    method: str = "levenberg_marquardt",
    chunk_size: int | None = None,
    residual_mask=None,
) -> BatchFitResult:
    """Run many independent fits at once with `vmap` (noise seeds, pixels, samples).

    **Arguments:**

    - `residual_fn`: `residual_fn(free, data_i) -> r` for one member of the batch
      (see `least_squares`).
    - `initial`: dict name -> starting value, a scalar shared by the batch or an array
      of shape (batch,) (SI units).
    - `data`: pytree whose leaves all have the leading batch axis.
    - other arguments: as in `least_squares` (bounds are shared by the batch).
    - `chunk_size`: if given, run the batch as `lax.map` over chunks of this many
      vmapped fits (less memory; lanes wait only for their own chunk's slowest fit).
    - `residual_mask`: optional boolean array over one member's residual vector (see
      `least_squares`).

    **Returns:** a `BatchFitResult` (arrays with a leading batch axis). No warning is
    issued; inspect `converged`, `poor_fit`, `at_bound`, `unconstrained` and
    `correlation` yourself.
    """
    names = prepare(residual_fn, initial, method, max_iterations, tolerance)
    if chunk_size is not None and (
        isinstance(chunk_size, bool) or not isinstance(chunk_size, (int, np.integer)) or chunk_size < 1
    ):
        raise ValueError(f"chunk_size must be a positive integer or None, got {chunk_size!r}")
    x0 = _batch_starts(names, initial, _batch_size(data))
    kinds, u0, transform = start_points(names, x0, positive, lower, upper)
    raw = solve_many(
        u0,
        transform,
        data,
        residual_fn=residual_fn,
        has_data=True,
        names=names,
        kinds=kinds,
        method=method,
        max_iterations=int(max_iterations),
        tolerance=float(tolerance),
        chunk_size=None if chunk_size is None else int(chunk_size),
    )
    return to_batch_result(to_numpy(raw, residual_mask), names, kinds, absolute_sigma)
