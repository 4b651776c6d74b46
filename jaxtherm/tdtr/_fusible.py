"""Complex reciprocal, square root and exponential built from operations XLA fuses freely (float64).

XLA's CPU fusion treats a division, square root or exponential as expensive: when its result is
used more than once it is computed in a loop of its own and stored, and the cheap arithmetic
above it is recomputed inside every loop that reads it. A per-wavenumber response full of such
operations (the 2x2 algebra of a two-channel stack) thus becomes ~170 loops that pass ~5 kB per
(k, s) point through memory and repeat most of their multiplications. Written with
multiplications, additions, rounding, bit casts and shifts only, the same response is a single
loop in registers (`benchmarks/bench_two_channel.py`: the spot curve 2.5x -> ~1x the one-channel
curve).

* `reciprocal`: 1 / x of the real |z|^2 from a bit-level first guess (relative error < 13 %) and
  five Newton steps y <- y (2 - x y) (the error squares each step: 1e-29 after five).
* `principal_sqrt`: 1 / sqrt(x) from the bit-level guess of the classic inverse square root
  (< 4 % error) and four Newton steps, then sqrt(x) = x / sqrt(x) with one correction; the
  complex root as in `jaxtherm._complex` (no cancellation on either half-plane).
* `exp`: e^x = 2^n e^r with n = round(x / ln 2), a two-part ln 2 (r exact to rounding) and the
  Taylor series of e^r to degree 13 (|r| <= ln 2 / 2: truncation < 5e-18); 2^n is built in the
  exponent bits. Below x = -708 it returns 0 (the true value is < 3e-308); the angle uses the
  polynomial sine and cosine of `jaxtherm.tdtr._fastexp` (|Im z| < 1e8).

All three agree with numpy to 1-2 ulp (`tests/test_fusible.py`) over the range the responses use
(1e-150 < |z| < 1e150, like `jaxtherm._complex`). Each has a custom JVP with the holomorphic
derivative (whose primal is XLA's own, see the note above the rules). complex64 inputs (float32 runs) go to
`jaxtherm._complex` and `jaxtherm.tdtr._fastexp`, whose scaled forms cover the float32 range.
"""

from __future__ import annotations

import math

import jax
import jax.numpy as jnp
import numpy as np

from .. import _complex
from ._contour import _single_precision
from ._fastexp import _cos_sin, decay_exp
from ._fastexp import _exp as _fastexp_exp

__all__ = ["exp", "principal_sqrt", "reciprocal"]

# First guesses from the bit pattern: 1/x ~ bits(M - bits(x)), 1/sqrt(x) ~ bits(M' - bits(x)/2)
# (float64 versions of the well-known constants; max relative errors 12.5 % and 3.4 %).
_RECIPROCAL_MAGIC = np.int64(0x7FDE623822FC16E6)
_RSQRT_MAGIC = np.int64(0x5FE6EB50C7B537A9)
_RECIPROCAL_STEPS = 5
_RSQRT_STEPS = 4
_LN2_HIGH = 6.93147180369123816490e-01  # upper 32 bits of ln 2: n * _LN2_HIGH is exact for |n| < 2^20
_LN2_LOW = 1.90821492927058770002e-10
_INVERSE_LN2 = 1.44269504088896338700e00
_EXP_MIN, _EXP_MAX = -708.0, 709.0
_EXP_TAYLOR = tuple(1.0 / math.factorial(k) for k in range(14))


def _bits(x):
    return jax.lax.bitcast_convert_type(x, jnp.int64)


def _from_bits(i):
    return jax.lax.bitcast_convert_type(i, jnp.float64)


def real_reciprocal(x):
    """1 / x for float64 `x` > 0 (normal range), by Newton steps from a bit-level guess."""
    y = _from_bits(_RECIPROCAL_MAGIC - _bits(x))
    for _ in range(_RECIPROCAL_STEPS):
        y = y * (2.0 - x * y)
    return y


def real_rsqrt(x):
    """1 / sqrt(x) for float64 `x` >= 0 (normal range; a large finite value at 0)."""
    y = _from_bits(_RSQRT_MAGIC - jax.lax.shift_right_logical(_bits(x), np.int64(1)))
    half = 0.5 * x
    for _ in range(_RSQRT_STEPS):
        y = y * (1.5 - half * y * y)
    return y


def _real_sqrt_and_inverse(x):
    """(sqrt(x), 1 / sqrt(x)) for float64 `x` >= 0; sqrt(0) = 0."""
    inverse = real_rsqrt(x)
    root = x * inverse
    return root + 0.5 * inverse * (x - root * root), inverse


def real_exp(x):
    """e^x for float64 `x` <= 709; 0 for x < -708 (see the module docstring)."""
    clipped = jnp.clip(x, _EXP_MIN, _EXP_MAX)
    n = jnp.round(clipped * _INVERSE_LN2)
    r = (clipped - n * _LN2_HIGH) - n * _LN2_LOW
    series = _EXP_TAYLOR[-1]
    for coefficient in _EXP_TAYLOR[-2::-1]:
        series = series * r + coefficient
    power_of_two = _from_bits(jax.lax.shift_left(n.astype(jnp.int64) + np.int64(1023), np.int64(52)))
    return jnp.where(x < _EXP_MIN, 0.0, series * power_of_two)


def _reciprocal(z):
    a, b = jnp.real(z), jnp.imag(z)
    inverse_modulus2 = real_reciprocal(a * a + b * b)
    return jax.lax.complex(a * inverse_modulus2, -b * inverse_modulus2)


def _sqrt(z):
    a, b = jnp.real(z), jnp.imag(z)
    modulus, _ = _real_sqrt_and_inverse(a * a + b * b)
    # root of the larger of (|z| + a)/2, (|z| - a)/2; the other part as |b| / (2 big)
    big, inverse_big = _real_sqrt_and_inverse(0.5 * (modulus + jnp.abs(a)))
    small = jnp.where(big > 0, 0.5 * jnp.abs(b) * inverse_big, 0.0)
    right = a >= 0
    return jax.lax.complex(jnp.where(right, big, small), jnp.copysign(jnp.where(right, small, big), b))


def _exp(z):
    magnitude = real_exp(jnp.real(z))
    cos_y, sin_y = _cos_sin(jnp.imag(z))
    return jax.lax.complex(magnitude * cos_y, magnitude * sin_y)


# Derivative programs keep the primal intermediates for the tangents (or the cotangents) anyway,
# so there the primal goes through XLA's own divisions and roots (`jaxtherm._complex`), which XLA
# computes once and stores when reused; the fusible forms would be materialised one loop per use.
# Measured on the benchmark's spot curve: 3-parameter jacfwd 23 ms and grad 26 ms this way, against
# 23 ms and 41-55 ms with the fusible primal inside the rules.


@jax.custom_jvp
def _reciprocal128(z):
    return _reciprocal(z)


@_reciprocal128.defjvp
def _reciprocal128_jvp(primals, tangents):
    (z,), (z_dot,) = primals, tangents
    inverse = _complex._reciprocal(z)
    return inverse, -z_dot * inverse * inverse


@jax.custom_jvp
def _sqrt128(z):
    return _sqrt(z)


@_sqrt128.defjvp
def _sqrt128_jvp(primals, tangents):
    (z,), (z_dot,) = primals, tangents
    root = _complex._sqrt(z)
    return root, z_dot / (2.0 * root)


@jax.custom_jvp
def _exp128(z):
    return _exp(z)


@_exp128.defjvp
def _exp128_jvp(primals, tangents):
    (z,), (z_dot,) = primals, tangents
    value = _fastexp_exp(z)
    return value, z_dot * value


def reciprocal(z):
    """1 / z for complex `z` (1e-150 < |z| < 1e150); complex64 goes to `jaxtherm._complex`."""
    if _single_precision(z):
        return _complex.reciprocal(z)
    return _reciprocal128(_complex._as_complex(z))


def principal_sqrt(z):
    """Principal square root of complex `z` (|z| < 1e150); complex64 goes to `jaxtherm._complex`."""
    if _single_precision(z):
        return _complex.principal_sqrt(z)
    return _sqrt128(_complex._as_complex(z))


def exp(z):
    """exp(z) for complex `z` with Re z <= 709 and |Im z| < 1e8 or e^Re z = 0 (the layer decay
    factors exp(-q d)); complex64 goes to `jaxtherm.tdtr._fastexp.decay_exp`."""
    if _single_precision(z):
        return decay_exp(z)
    return _exp128(_complex._as_complex(z))
