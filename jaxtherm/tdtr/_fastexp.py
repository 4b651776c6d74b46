"""exp(z) of a complex argument with a vectorisable sine and cosine, for the layer decay factors.

XLA's CPU sine and cosine do not vectorise: inside the fused per-wavenumber kernel of the TDTR
response they cost ~13 ns per element each, against ~4 ns for the real exponential, so the
cos/sin pair of exp(-q d) was the largest single cost of a finite layer. Here both come from one
Cody-Waite reduction by pi/2 and the classic minimax polynomials on [-pi/4, pi/4] (coefficients
of the Sun fdlibm kernels, public domain, accurate to ~1 ulp), in plain float64 arithmetic.

The reduction is exact to rounding for |Im z| < 1e8 (|k| < 2^26 multiples of pi/2 with a
three-part pi/2). Beyond that the angle is replaced by 0: the callers pass z = -q d with q the
principal root of (s C + kappa_r k^2 + coupling terms) / kappa, whose argument lies between 0 and
arg(s) / 2 (for two-channel layers too: each eigenvalue is (s c + b) / k with c, k > 0, b >= 0).
On the sideband grid and the inverse-Laplace contours arg(s) stays a few degrees away from pi, so
|Im z| > 1e8 comes with Re z < -1e6, where e^{Re z} has underflowed to 0. complex64 arguments use
`jaxtherm._complex.exp`.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp

from .. import _complex

__all__ = ["decay_exp"]

_TWO_OVER_PI = 6.36619772367581382433e-01
# pi/2 split into three parts (the first two with 33 significant bits, so k * part is exact).
_PIO2_1 = 1.57079632673412561417e00
_PIO2_2 = 6.07710050630396597660e-11
_PIO2_3 = 2.02226624871116645580e-21
_MAX_ANGLE = 1e8
_SIN = (
    -1.66666666666666324348e-01,
    8.33333333332248946124e-03,
    -1.98412698298579493134e-04,
    2.75573137070700676789e-06,
    -2.50507602534068634195e-08,
    1.58969099521155010221e-10,
)
_COS = (
    4.16666666666666019037e-02,
    -1.38888888888741095749e-03,
    2.48015872894767294178e-05,
    -2.75573143513906633035e-07,
    2.08757232129817482790e-09,
    -1.13596475577881948265e-11,
)


def _horner(z, coefficients):
    result = coefficients[-1]
    for c in coefficients[-2::-1]:
        result = result * z + c
    return result


def _cos_sin(y):
    """(cos y, sin y) of a float64 array by reduction to [-pi/4, pi/4] and polynomials."""
    y = jnp.where(jnp.abs(y) < _MAX_ANGLE, y, 0.0)
    k = jnp.round(y * _TWO_OVER_PI)
    r = ((y - k * _PIO2_1) - k * _PIO2_2) - k * _PIO2_3
    z = r * r
    sin_r = r + r * z * _horner(z, _SIN)
    cos_r = 1.0 - 0.5 * z + z * z * _horner(z, _COS)
    quadrant = k - 4.0 * jnp.floor(0.25 * k)  # k mod 4 in {0, 1, 2, 3}
    odd = (quadrant == 1.0) | (quadrant == 3.0)
    cos_y = jnp.where(odd, sin_r, cos_r)
    sin_y = jnp.where(odd, cos_r, sin_r)
    cos_y = jnp.where((quadrant == 1.0) | (quadrant == 2.0), -cos_y, cos_y)
    sin_y = jnp.where(quadrant >= 2.0, -sin_y, sin_y)
    return cos_y, sin_y


def _exp(z):
    magnitude = jnp.exp(jnp.real(z))
    cos_y, sin_y = _cos_sin(jnp.imag(z))
    return jax.lax.complex(magnitude * cos_y, magnitude * sin_y)


@jax.custom_jvp
def decay_exp(z):
    """exp(z) for complex128 `z` with |Im z| < 1e8 or e^{Re z} = 0 (see the module docstring);
    holomorphic derivative exp(z), so it works under `holomorphic=True` differentiation."""
    z = jnp.asarray(z)
    if jnp.finfo(z.dtype).bits <= 32:
        return _complex.exp(z)
    return _exp(z)


@decay_exp.defjvp
def _decay_exp_jvp(primals, tangents):
    (z,), (z_dot,) = primals, tangents
    z = jnp.asarray(z)
    value = _complex.exp(z) if jnp.finfo(z.dtype).bits <= 32 else _exp(z)
    return value, z_dot * value
