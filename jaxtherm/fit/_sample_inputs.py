"""Argument checks of `sample` and `profile`: traces, free-parameter names and paths, settings."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from ._chains import ADAPTATIONS
from .paths import get_path
from .problem import Trace

__all__ = ["leaf_value", "check_traces", "normalise_free", "check_settings", "as_float_tree"]


def leaf_value(params, path: str) -> float:
    """The scalar at `path` as a Python float (clear error when it is not a scalar)."""
    value = np.asarray(get_path(params, path), dtype=float)
    if value.size != 1:
        raise ValueError(f"parameter path {path!r} holds an array of shape {value.shape}, not a scalar")
    return float(value.reshape(()))


def check_traces(traces) -> tuple:
    traces = (traces,) if isinstance(traces, Trace) else tuple(traces)
    if not traces or not all(isinstance(t, Trace) for t in traces):
        raise TypeError("traces must be a Trace or a non-empty sequence of Trace objects")
    return traces


def normalise_free(params, free) -> dict:
    """`free` as dict name -> tuple of paths (validated against `params`)."""
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
            leaf_value(params, path)
        out[str(name)] = paths
    return out


def _check_positive_int(name, value, minimum):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def as_float_tree(params):
    return jax.tree_util.tree_map(lambda leaf: jnp.asarray(leaf, dtype=float), params)


def check_settings(noise, n_chains, n_warmup, n_draws, max_tree_depth, target_acceptance, adaptation) -> tuple:
    if adaptation not in ADAPTATIONS:
        raise ValueError(f"adaptation must be one of {ADAPTATIONS}, got {adaptation!r}")
    if noise not in ("known", "fitted"):
        raise ValueError(f"noise must be 'known' (absolute sigmas) or 'fitted' (a scale per trace), got {noise!r}")
    n_chains = _check_positive_int("n_chains", n_chains, 1)
    n_warmup = _check_positive_int("n_warmup", n_warmup, 10)
    n_draws = _check_positive_int("n_draws", n_draws, 4)
    max_tree_depth = _check_positive_int("max_tree_depth", max_tree_depth, 1)
    if not 0 < target_acceptance < 1:
        raise ValueError(f"target_acceptance must lie in (0, 1), got {target_acceptance!r}")
    return n_chains, n_warmup, n_draws, max_tree_depth
