"""Weighted residuals of a set of traces, with stable identities so compiled fits are reused.

The residual functions are cached on `(ModelKey, ...)` and the free-parameter spec;
everything that changes from one measurement file to the next (data, sigmas, weights,
the parameter pytree and, for traced-abscissa models, the abscissa) travels in a
`TraceArrays` argument. A new file of the same bucket therefore reuses the compiled fit.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import jax
import jax.numpy as jnp
import numpy as np

from ._abscissa import ModelKey, TraceArrays, bucket_size, masked, pad_to, residual_mask
from ._jacobian import as_float_tree
from .paths import get_path, set_path

__all__ = [
    "insert",
    "insert_like",
    "model_keys",
    "residual_parts",
    "residual_builder",
    "fixed_residual_builder",
    "trace_arrays",
    "trace_mask",
]


def insert(params, free_spec, values):
    """`params` with every path of each free parameter set to its value."""
    for name, paths in free_spec:
        for path in paths:
            params = set_path(params, path, values[name])
    return params


def _like(original, value):
    """The fitted float `value` in the type of the leaf it replaces (Python float, numpy or JAX
    array of the same float dtype): a jitted function called with the result then sees the same
    abstract values as with the user's own parameters, and does not compile a second time."""
    if isinstance(original, (int, float)) and not isinstance(original, (bool, np.generic)):
        return float(value)
    dtype = getattr(original, "dtype", None)
    if dtype is None or not np.issubdtype(dtype, np.floating):
        return jnp.asarray(value, dtype=float)
    if isinstance(original, jax.Array):
        return jnp.asarray(value, dtype=dtype)
    return np.asarray(value, dtype=dtype)


def insert_like(params, free_spec, values):
    """`params` with every path of each free parameter set to its (concrete) value, typed like the
    leaf it replaces (see `_like`); for the fitted parameters handed back to the user."""
    for name, paths in free_spec:
        for path in paths:
            params = set_path(params, path, _like(get_path(params, path), float(values[name])))
    return params


def model_keys(traces) -> tuple:
    """The cache keys of the traces' models."""
    return tuple(ModelKey(t.model) for t in traces)


def residual_parts(keys, params, data) -> list:
    """`sqrt(weight) (data - model) / sigma` per trace, zero on padded rows.

    `data` is a `TraceArrays` or anything with its `datas`, `sigmas`, `sqrt_weights`, `abscissas`
    and `masks` (the sampler's arrays)."""
    return [
        masked(sw * (d - jnp.ravel(key(params, x))) / s, mask)
        for key, d, s, sw, x, mask in zip(keys, data.datas, data.sigmas, data.sqrt_weights, data.abscissas, data.masks)
    ]


def weighted_residuals(keys, params, data: TraceArrays):
    """Concatenated `sqrt(weight) (data - model) / sigma`, zero on padded rows."""
    return jnp.concatenate(residual_parts(keys, params, data))


@functools.lru_cache(maxsize=64)
def residual_builder(keys: tuple, free_spec: tuple) -> Callable:
    """A residual function `fn(free, data: TraceArrays)` with a stable identity for (keys, free)."""

    def residual_fn(free, data):
        return weighted_residuals(keys, insert(data.params, free_spec, free), data)

    return residual_fn


@functools.lru_cache(maxsize=64)
def fixed_residual_builder(keys: tuple, free_spec: tuple, fixed_paths: tuple) -> Callable:
    """`fn(free, fixed, data)`: residuals with the fixed parameters at `fixed` (dict path -> value)."""
    base = residual_builder(keys, free_spec)

    def residual_fn(free, fixed, data):
        params = data.params
        for path in fixed_paths:
            params = set_path(params, path, fixed[path])
        return base(free, data._replace(params=params))

    return residual_fn


def _padded(t, data):
    """(data, sigma, abscissa, mask) of one trace; padded to its bucket for a traced-abscissa model."""
    n = np.shape(data)[-1]
    sigma = np.broadcast_to(np.asarray(t.sigma, dtype=float), (n,))
    key = ModelKey(t.model)
    if not key.traced:
        return jnp.asarray(data, dtype=float), jnp.asarray(sigma), None, None
    size = bucket_size(n)
    mask = (np.arange(size) < n).astype(float)
    x = pad_to(t.model.abscissa, size)
    return jnp.asarray(pad_to(data, size)), jnp.asarray(pad_to(sigma, size)), jnp.asarray(x), jnp.asarray(mask)


def trace_arrays(params, traces, datas=None) -> TraceArrays:
    """The `TraceArrays` of `traces` (their own data, or `datas`: one array per trace, 1-D or (batch, n))."""
    datas = [t.data for t in traces] if datas is None else datas
    padded = [_padded(t, d) for t, d in zip(traces, datas)]
    return TraceArrays(
        params=as_float_tree(params),
        datas=[p[0] for p in padded],
        sigmas=[p[1] for p in padded],
        sqrt_weights=[jnp.asarray(np.sqrt(t.weight), dtype=float) for t in traces],
        abscissas=[p[2] for p in padded],
        masks=[p[3] for p in padded],
    )


def trace_mask(traces) -> np.ndarray:
    """Boolean mask of the real rows of the concatenated padded residuals of `traces`."""
    return residual_mask([t.model for t in traces], [np.size(t.data) for t in traces])
