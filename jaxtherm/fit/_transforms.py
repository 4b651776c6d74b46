"""Reparametrisation of bounded and positive parameters, and starting points.

The optimiser works on internal unconstrained variables `u` (one per parameter):

* positive parameters: `x = x0 * exp(u)` (log reparametrisation; also makes
  parameters of very different magnitudes - 1e-9 m^2K/W next to 1e6 J/m^3K -
  equally well scaled);
* one bound: `x = lower + s * exp(u)` or `x = upper - s * exp(u)`;
* two bounds: `x = lower + (upper - lower) * sigmoid(u)`;
* free sign: `x = s * u` with `s = |x0|`.

Scales are chosen from the start so that `u0 = O(1)`. Everything here except
`to_physical` runs on concrete numbers outside `jit`.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

LINEAR, LOWER, UPPER, INTERVAL = "linear", "lower", "upper", "interval"

#: Internal |u| beyond which a bounded parameter counts as pinned at its bound: within
#: 1e-6 of the distance between its start and the bound (one bound), or of the interval.
AT_BOUND_INTERNAL = -math.log(1e-6)


class Transform(NamedTuple):
    """Per-parameter map between internal `u` and physical `x` (arrays of shape (n,) or (batch, n))."""

    scale: jax.Array
    lower: jax.Array
    upper: jax.Array


def to_physical(u, kinds, transform):
    """Physical values `x(u)` (traceable; `kinds` static)."""
    out = []
    for i, kind in enumerate(kinds):
        s, lo, hi = transform.scale[i], transform.lower[i], transform.upper[i]
        if kind == LINEAR:
            out.append(s * u[i])
        elif kind == LOWER:
            out.append(lo + s * jnp.exp(u[i]))
        elif kind == UPPER:
            out.append(hi - s * jnp.exp(u[i]))
        else:
            out.append(lo + (hi - lo) * jax.nn.sigmoid(u[i]))
    return jnp.stack(out)


def at_bound(u, kinds) -> np.ndarray:
    """Boolean mask (..., n): which parameters ended pinned at a bound (internal `u`, concrete)."""
    u = np.asarray(u)
    mask = np.zeros(u.shape, dtype=bool)
    for i, kind in enumerate(kinds):
        if kind in (LOWER, UPPER):
            mask[..., i] = u[..., i] < -AT_BOUND_INTERNAL
        elif kind == INTERVAL:
            mask[..., i] = np.abs(u[..., i]) > AT_BOUND_INTERNAL
    return mask


def validate_initial(initial) -> tuple:
    """Check the starting values (dict name -> finite number, SI) and return the names."""
    if not isinstance(initial, dict) or not initial:
        raise TypeError(f"initial must be a non-empty dict name -> starting value (SI units), got {initial!r}")
    for name, value in initial.items():
        if not isinstance(name, str):
            raise TypeError(f"parameter names must be strings, got {name!r}")
        try:
            arr = np.asarray(value, dtype=float)
        except (TypeError, ValueError) as exc:
            raise TypeError(f"initial value of {name!r} must be a number (SI units), got {value!r}") from exc
        if not np.all(np.isfinite(arr)):
            raise ValueError(f"initial value of {name!r} must be finite, got {value!r} (SI units)")
    return tuple(initial)


def _positive_of(names, positive) -> dict:
    if isinstance(positive, dict):
        unknown = set(positive) - set(names)
        if unknown:
            raise ValueError(f"positive names parameters that are not fitted: {sorted(unknown)}; fitted: {list(names)}")
        return {name: bool(positive.get(name, False)) for name in names}
    if isinstance(positive, (bool, np.bool_)):
        return {name: bool(positive) for name in names}
    raise TypeError(f"positive must be a bool or a dict name -> bool, got {positive!r}")


def _bounds_of(names, label, bounds) -> dict:
    bounds = dict(bounds or {})
    unknown = set(bounds) - set(names)
    if unknown:
        raise ValueError(f"{label} names parameters that are not fitted: {sorted(unknown)}; fitted: {list(names)}")
    for name, bound in bounds.items():
        try:
            value = float(bound)
        except (TypeError, ValueError) as exc:
            raise TypeError(f"{label} bound of {name!r} must be a number (SI units), got {bound!r}") from exc
        if isinstance(bound, bool) or not np.isfinite(value):
            raise ValueError(f"{label} bound of {name!r} must be finite, got {bound!r} (SI units)")
        bounds[name] = value
    return bounds


def _kind_of(name, x0, lo, hi) -> str:
    if lo is not None and hi is not None:
        if not lo < hi:
            raise ValueError(f"bounds of {name!r} must satisfy lower < upper, got lower={lo!r}, upper={hi!r}")
        if not lo < x0 < hi:
            raise ValueError(
                f"initial value of {name!r} = {x0!r} must lie strictly inside its bounds ({lo!r}, {hi!r}) (SI units)"
            )
        return INTERVAL
    if lo is not None:
        if not x0 > lo:
            raise ValueError(f"initial value of {name!r} = {x0!r} must be > its lower bound {lo!r} (SI units)")
        return LOWER
    if hi is not None:
        if not x0 < hi:
            raise ValueError(f"initial value of {name!r} = {x0!r} must be < its upper bound {hi!r} (SI units)")
        return UPPER
    return LINEAR


def resolve_kinds(names, x0, positive, lower, upper):
    """Validate the constraints for one start `x0` (n,) and pick each parameter's transform kind.

    **Returns:** `(kinds, lower, upper)`: a tuple of kind names and two (n,) arrays (0 where
    there is no bound).
    """
    lower, upper = _bounds_of(names, "lower", lower), _bounds_of(names, "upper", upper)
    positive_of = _positive_of(names, positive)
    kinds, lo_arr, hi_arr = [], np.zeros(len(names)), np.zeros(len(names))
    for i, name in enumerate(names):
        lo, hi = lower.get(name), upper.get(name)
        if positive_of[name]:
            if lo is None or lo < 0:
                lo = 0.0
            if x0[i] <= 0:
                raise ValueError(
                    f"initial value of {name!r} is {x0[i]!r} but the parameter is constrained positive "
                    f"(positive=True); give a starting value > 0 (SI units) or set positive={{{name!r}: False}}"
                )
        kinds.append(_kind_of(name, x0[i], lo, hi))
        lo_arr[i] = 0.0 if lo is None else lo
        hi_arr[i] = 0.0 if hi is None else hi
    return tuple(kinds), lo_arr, hi_arr


def _internal_start(x0, kinds, lower, upper):
    """Internal starting point and scales for one start, chosen so that u0 = O(1)."""
    n = len(kinds)
    scale, u0 = np.ones(n), np.zeros(n)
    for i, kind in enumerate(kinds):
        if kind == LINEAR:
            scale[i] = abs(x0[i]) if x0[i] != 0 else 1.0
            u0[i] = x0[i] / scale[i]
        elif kind == LOWER:
            scale[i] = x0[i] - lower[i]
        elif kind == UPPER:
            scale[i] = upper[i] - x0[i]
        else:
            frac = (x0[i] - lower[i]) / (upper[i] - lower[i])
            u0[i] = math.log(frac) - math.log1p(-frac)
    return u0, scale


def start_points(names, x0s, positive, lower, upper):
    """Validated internal starts for `k` starting points `x0s` (k, n), SI.

    **Returns:** `(kinds, u0, transform)` with `u0` of shape (k, n) and a `Transform` of
    (k, n) arrays; the kinds are shared by all starts.
    """
    x0s = np.atleast_2d(np.asarray(x0s, dtype=float))
    kinds, lo, hi = resolve_kinds(names, x0s[0], positive, lower, upper)
    u0s, scales = [], []
    for x0 in x0s:
        resolve_kinds(names, x0, positive, lower, upper)
        u0, scale = _internal_start(x0, kinds, lo, hi)
        u0s.append(u0)
        scales.append(scale)
    k = len(x0s)
    transform = Transform(
        jnp.asarray(np.array(scales)), jnp.asarray(np.tile(lo, (k, 1))), jnp.asarray(np.tile(hi, (k, 1)))
    )
    return kinds, jnp.asarray(np.array(u0s)), transform


def start_matrix(names, x0, starts) -> np.ndarray:
    """(k, n) starting points: `x0` with the columns named in `starts` replaced (SI)."""
    if not isinstance(starts, dict) or not starts:
        raise TypeError("starts must be a non-empty dict name -> 1-D array of starting values (SI units)")
    unknown = set(starts) - set(names)
    if unknown:
        raise ValueError(f"starts names parameters that are not fitted: {sorted(unknown)}")
    lengths = {np.size(v) for v in starts.values()}
    if len(lengths) != 1:
        raise ValueError(f"every entry of starts must have the same length, got lengths {sorted(lengths)}")
    k = lengths.pop()
    x = np.tile(x0, (k, 1))
    for i, name in enumerate(names):
        if name in starts:
            x[:, i] = np.ravel(np.asarray(starts[name], dtype=float))
    return x
