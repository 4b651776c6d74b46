"""Input validation at public entry points (outside `jit`).

Every check raises `ValueError`/`TypeError` naming the parameter, the offending
value and the expected unit. These run on concrete values only; when handed a
tracer (the caller is already inside `jit`/`grad`) they silently pass, because
validation belongs at the outer, concrete boundary.
"""

from __future__ import annotations

import numbers

import jax
import jax.numpy as jnp
import numpy as np

__all__ = [
    "PrecisionWarning",
    "PlausibilityWarning",
    "single_precision",
    "is_concrete",
    "as_concrete_array",
    "check_finite",
    "check_positive",
    "check_nonnegative",
    "check_length",
    "check_choice",
    "check_open_interval",
    "check_integer",
]


class PrecisionWarning(UserWarning):
    """A result computed in the current floating-point precision (float32 when `jax_enable_x64` is
    off) cannot reach the accuracy the library documents for it; the message says what to change
    (usually: enable float64 with `jax.config.update("jax_enable_x64", True)`)."""


class PlausibilityWarning(UserWarning):
    """An input passes the range checks but gives a physically implausible measurement (e.g. a
    probed plane so deep below the heated one that no signal reaches it); the message names the
    parameter, its unit and the likely slip."""


def single_precision() -> bool:
    """True when JAX computes in float32 (x64 disabled), read when a public function is called."""
    return np.finfo(jnp.result_type(float)).bits <= 32


def is_concrete(value) -> bool:
    """True when `value` (or every leaf of it) holds concrete numbers, not tracers."""
    return not any(isinstance(leaf, jax.core.Tracer) for leaf in jax.tree_util.tree_leaves(value))


def as_concrete_array(name: str, value, unit: str):
    """Return `value` as a float numpy array, or None when it is a tracer."""
    if not is_concrete(value):
        return None
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be a real number or array in {unit}, got {value!r}") from exc
    return arr


def _fmt(arr) -> str:
    arr = np.asarray(arr)
    return repr(arr.item()) if arr.ndim == 0 else np.array2string(arr, threshold=8)


def check_finite(name: str, value, unit: str, allow_inf: bool = False):
    """Reject NaN (and infinities unless `allow_inf`)."""
    arr = as_concrete_array(name, value, unit)
    if arr is None:
        return value
    if np.any(np.isnan(arr)):
        raise ValueError(f"{name} contains NaN ({_fmt(arr)}); expected a finite value in {unit}")
    if not allow_inf and np.any(np.isinf(arr)):
        raise ValueError(f"{name} must be finite, got {_fmt(arr)} (in {unit})")
    return value


def check_positive(name: str, value, unit: str, allow_inf: bool = False):
    """Require finite (or +inf if allowed), strictly positive values."""
    check_finite(name, value, unit, allow_inf=allow_inf)
    arr = as_concrete_array(name, value, unit)
    if arr is not None and np.any(arr <= 0):
        raise ValueError(f"{name} must be > 0 (in {unit}), got {_fmt(arr)}")
    return value


def check_nonnegative(name: str, value, unit: str, allow_inf: bool = False):
    """Require finite, non-negative values."""
    check_finite(name, value, unit, allow_inf=allow_inf)
    arr = as_concrete_array(name, value, unit)
    if arr is not None and np.any(arr < 0):
        raise ValueError(f"{name} must be >= 0 (in {unit}), got {_fmt(arr)}")
    return value


def check_length(name: str, value, max_plausible: float, unit: str = "m", allow_inf: bool = False):
    """Positive length in metres that is not implausibly large.

    Catches the common unit slip of passing nanometres (80) or micrometres
    where metres (80e-9) are expected.
    """
    check_positive(name, value, unit, allow_inf=allow_inf)
    arr = as_concrete_array(name, value, unit)
    if arr is not None:
        finite = arr[np.isfinite(arr)] if arr.ndim else (arr if np.isfinite(arr) else np.array([]))
        if np.size(finite) and np.any(np.asarray(finite) > max_plausible):
            raise ValueError(
                f"{name} = {_fmt(arr)} {unit} is larger than {max_plausible:g} {unit}; lengths are in "
                f"metres (SI) - did you pass nanometres or micrometres? e.g. 80 nm is 80e-9"
            )
    return value


def check_open_interval(name: str, value, low: float, high: float, unit: str = "dimensionless"):
    """Require low < value < high (e.g. a CFL number in (0, 1))."""
    check_finite(name, value, unit)
    arr = as_concrete_array(name, value, unit)
    if arr is not None and (np.any(arr <= low) or np.any(arr >= high)):
        raise ValueError(f"{name} must satisfy {low:g} < {name} < {high:g} ({unit}), got {_fmt(arr)}")
    return value


def check_integer(name: str, value, minimum: int | None = None, even: bool = False):
    """Require a Python integer (static configuration), optionally >= minimum and even."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {value!r} ({type(value).__name__})")
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    if even and value % 2:
        raise ValueError(f"{name} must be even, got {value}")
    return int(value)


def check_choice(name: str, value, choices):
    """Require `value` to be one of `choices` (e.g. a boundary-condition name)."""
    if value not in choices:
        raise ValueError(f"unknown {name} {value!r}; expected one of {sorted(map(str, choices))}")
    return value
