"""Complex elementary functions written in real arithmetic, for speed on CPUs.

XLA's complex128 square root goes through a general-purpose polar path that does
not vectorise on x86 CPUs: inside a fused kernel on a 2-core x86 machine
it costs ~47 ns per element, the real-arithmetic root below ~4 ns; complex division
(2.8 ns, with Smith-style scaling and branches) becomes a multiplication by a
reciprocal (1.2 ns), and exp(z) = e^x (cos y + i sin y) saves a quarter of the
complex exponential. The transfer-matrix response takes one root, one exponential
and several divisions per layer per (k, s) point, so these are the hot operations
of the TDTR model (`benchmarks/bench_tdtr.py` measures the effect).

Each function has a custom JVP with the holomorphic derivative, so it can be
differentiated like its `jax.numpy` counterpart, including with `holomorphic=True`.
In float64 the root and the reciprocal form |z|^2 without rescaling, so they are meant for
1e-150 < |z| < 1e150 (thermal admittances and wavenumbers are many orders of magnitude
inside that). In float32 (complex64 inputs) that range would be 1e-19 < |z| < 1e19, which the
inverse-Laplace nodes of picosecond delays exceed (q^2 ~ 1e21 m^-2), so there both scale by
the larger component first (hypot-style, one extra division): they then cover the whole
float32 range. The choice is made from the dtype when the function is traced.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp

__all__ = ["principal_sqrt", "reciprocal", "divide", "exp"]


def _single_precision(z) -> bool:
    """True for complex64 / float32 inputs, whose exponent range (|z| < 3.4e38) the fast forms
    below exceed: |z|^2 overflows for |z| > 1.8e19 and underflows for |z| < 1e-19."""
    return jnp.finfo(z.dtype).bits <= 32


def _modulus(a, b):
    """|a + ib| without forming a^2 + b^2 at the scale of z (hypot with one division)."""
    largest = jnp.maximum(jnp.abs(a), jnp.abs(b))
    safe = jnp.where(largest > 0, largest, 1.0)
    ratio = jnp.minimum(jnp.abs(a), jnp.abs(b)) / safe
    return largest * jnp.sqrt(1.0 + ratio * ratio)


def _sqrt(z):
    a, b = jnp.real(z), jnp.imag(z)
    if _single_precision(z):
        modulus = _modulus(a, b)
        # halves first: modulus + |a| itself may overflow near the top of the float32 range
        big = jnp.sqrt(0.5 * modulus + 0.5 * jnp.abs(a))
    else:
        modulus = jnp.sqrt(a * a + b * b)  # not hypot: no rescaling needed for |z| < 1e150
        big = jnp.sqrt(0.5 * (modulus + jnp.abs(a)))
    # Take the root of the larger of (|z| + a)/2 and (|z| - a)/2 directly and get the other
    # part by division: no cancellation on either half-plane.
    safe_big = jnp.where(big > 0, big, 1.0)
    small = jnp.where(big > 0, 0.5 * jnp.abs(b) / safe_big, 0.0)
    right = a >= 0
    real = jnp.where(right, big, small)
    imag = jnp.where(right, small, big)
    # The sign of the imaginary part follows b, including -0.0 (the cut's lower lip).
    return jax.lax.complex(real, jnp.copysign(imag, b))


def _reciprocal(z):
    a, b = jnp.real(z), jnp.imag(z)
    if _single_precision(z):
        # Scale by the larger component so that the squared modulus lies in [1, 2].
        largest = jnp.maximum(jnp.abs(a), jnp.abs(b))
        inverse_largest = 1.0 / jnp.where(largest > 0, largest, 0.0)
        a_scaled, b_scaled = a * inverse_largest, b * inverse_largest
        factor = inverse_largest / (a_scaled * a_scaled + b_scaled * b_scaled)
        return jax.lax.complex(a_scaled * factor, -b_scaled * factor)
    inverse_modulus2 = 1.0 / (a * a + b * b)
    return jax.lax.complex(a * inverse_modulus2, -b * inverse_modulus2)


def _exp(z):
    magnitude = jnp.exp(jnp.real(z))
    angle = jnp.imag(z)
    return jax.lax.complex(magnitude * jnp.cos(angle), magnitude * jnp.sin(angle))


def _as_complex(z):
    z = jnp.asarray(z)
    if not jnp.issubdtype(z.dtype, jnp.complexfloating):
        z = z.astype(jnp.result_type(z.dtype, jnp.complex64))
    return z


# The JVP rules below call the plain `_sqrt`/`_reciprocal`/`_exp`, never the custom-JVP
# functions themselves, and divide tangents with XLA's own complex division: measured on the
# holomorphic reverse sweep of `tdtr._hankel` (4-layer stack, 17,000 points), nesting the
# custom functions in their rules, or multiplying tangents by a `_reciprocal` residual, made
# reverse mode 3-8x slower than these rules.


@jax.custom_jvp
def principal_sqrt(z):
    """Principal square root (Re >= 0, branch cut on the negative real axis) of complex `z`
    (|z| < 1e150 in float64; any finite complex64 `z`).

    Equals `jnp.sqrt(z)` to rounding; its derivative is the holomorphic 1 / (2 sqrt(z)),
    so it can be differentiated with `holomorphic=True` like `jnp.sqrt`.
    """
    return _sqrt(_as_complex(z))


@principal_sqrt.defjvp
def _principal_sqrt_jvp(primals, tangents):
    (z,), (z_dot,) = primals, tangents
    root = _sqrt(_as_complex(z))
    return root, z_dot / (2.0 * root)


@jax.custom_jvp
def reciprocal(z):
    """1 / z for complex `z` (1e-150 < |z| < 1e150 in float64; any nonzero finite complex64 `z`),
    as conj(z) / |z|^2 with one real division (scaled by the larger component in complex64)."""
    return _reciprocal(_as_complex(z))


@reciprocal.defjvp
def _reciprocal_jvp(primals, tangents):
    (z,), (z_dot,) = primals, tangents
    inverse = _reciprocal(_as_complex(z))
    return inverse, -z_dot * inverse * inverse


@jax.custom_jvp
def divide(numerator, denominator):
    """numerator / denominator for a complex denominator in the range of `reciprocal`."""
    return numerator * _reciprocal(_as_complex(denominator))


@divide.defjvp
def _divide_jvp(primals, tangents):
    (numerator, denominator), (numerator_dot, denominator_dot) = primals, tangents
    quotient = numerator * _reciprocal(_as_complex(denominator))
    return quotient, (numerator_dot - quotient * denominator_dot) / denominator


@jax.custom_jvp
def exp(z):
    """exp(z) for complex `z`, as e^Re(z) (cos Im(z) + i sin Im(z))."""
    return _exp(_as_complex(z))


@exp.defjvp
def _exp_jvp(primals, tangents):
    (z,), (z_dot,) = primals, tangents
    value = _exp(_as_complex(z))
    return value, z_dot * value
