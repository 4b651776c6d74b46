"""Models whose abscissa (delays, modulation frequencies) is a traced input, and bucket padding.

A plain trace model is `model(params) -> array`; its abscissa, if any, is part of
the model, so a new measurement file is a new model and a new compilation. A
model may instead declare its abscissa, which then travels with the data:

- `model.abscissa`: concrete 1-D array of the points it predicts at (e.g. delays, s);
- `model.structure`: hashable, everything *except* the abscissa values; two models
  with equal `structure` must be the same function of `(params, x)`;
- `model(params, x)`: one prediction per point of `x` (x may be a tracer).

The fitting layer then compiles once per structure and *bucket*: the abscissa,
data and sigmas are padded to the next size of `bucket_size`'s ladder (the padded
rows repeat the last point and carry a zero mask, so they add nothing to the
residuals, chi^2 or Jacobian), and a file of another length reuses the compiled fit
of its bucket.
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

__all__ = ["bucket_size", "broadcast_arrays", "has_traced_abscissa", "ModelKey", "TraceArrays", "pad_to"]

#: The smallest bucket: shorter traces are padded to this many points.
MIN_BUCKET = 32


def bucket_size(n: int) -> int:
    """The padded length of an `n`-point trace: the smallest of 32, 48, 64, 96, 128, 192, ... >= n.

    The ladder is the powers of two and their 3/2 multiples (at most 1/3 of a bucket is
    padding), so a handful of compiled fits covers every file length of a lab.
    """
    n = max(int(n), MIN_BUCKET)
    power = 2 ** math.ceil(math.log2(n))
    three_halves = 3 * power // 4
    return three_halves if three_halves >= n else power


def has_traced_abscissa(model) -> bool:
    """Whether `model` follows the traced-abscissa protocol (`abscissa`, `structure`, `model(params, x)`)."""
    return getattr(model, "abscissa", None) is not None and hasattr(model, "structure")


class ModelKey:
    """A model as a cache key: by `structure` for traced-abscissa models, by the model itself otherwise.

    Calling it evaluates the model: `key(params, x)` with the (padded) abscissa `x`, or
    `key(params, None)` for a plain model. For models of equal structure the first one
    seen is kept: by the protocol they are the same function of `(params, x)`.
    """

    __slots__ = ("model", "traced", "_key")

    def __init__(self, model):
        self.model = model
        self.traced = has_traced_abscissa(model)
        self._key = ("structure", model.structure) if self.traced else ("model", model)

    def __eq__(self, other):
        return isinstance(other, ModelKey) and self._key == other._key

    def __hash__(self):
        return hash(self._key)

    def __call__(self, params, x):
        return self.model(params, x) if self.traced else self.model(params)


class TraceArrays(NamedTuple):
    """The dynamic arrays of a set of traces (one entry per trace), padded to buckets.

    `abscissas[k]` and `masks[k]` are None for a plain model (not padded); otherwise the
    padded abscissa and the 0/1 mask of the real points.
    """

    params: Any
    datas: list
    sigmas: list
    sqrt_weights: list
    abscissas: list
    masks: list


def pad_to(values, size: int) -> np.ndarray:
    """`values` (1-D, or (batch, n)) padded along the last axis to `size` by repeating its last entry."""
    values = np.asarray(values, dtype=float)
    n = values.shape[-1]
    return np.concatenate([values, np.repeat(values[..., -1:], size - n, axis=-1)], axis=-1)


def broadcast_arrays(arrays: TraceArrays, batch: int) -> TraceArrays:
    """`arrays` with a leading batch axis of `batch` copies on every leaf (for `vmap`ped fits or grids)."""
    return jax.tree_util.tree_map(lambda a: jnp.broadcast_to(a, (batch,) + jnp.shape(a)), arrays)


def residual_mask(models, sizes) -> np.ndarray:
    """Boolean mask of the real rows in the concatenated (padded) residual vector."""
    parts = []
    for model, n in zip(models, sizes):
        padded = bucket_size(n) if has_traced_abscissa(model) else n
        parts.append(np.arange(padded) < n)
    return np.concatenate(parts)


def masked(residual, mask):
    """Padded rows set to exactly 0 (also in derivatives, even where the model is not finite)."""
    return residual if mask is None else jnp.where(mask > 0, residual, 0.0)
