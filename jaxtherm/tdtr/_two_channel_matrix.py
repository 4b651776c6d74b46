r"""2x2 channel algebra and the per-layer eigen-decomposition of the two-channel TDTR response.

Matrices and vectors over the (electron, phonon) channels with entries broadcast over (k, s);
`_two_channel_layer` forms Q = sqrt(S) and E = exp(-Q d) of a two-channel layer from the two
decay constants q1, q2 (Sylvester's formula with divided differences, a series of sinh(x)/x
when q1 ~ q2), `_one_channel_layer` the scalar Gamma, tanh, sech of a one-temperature layer,
and `_through_layer` the block-admittance (matrix Riccati) step across one layer. The
derivation is in the docstring of `jaxtherm.tdtr._two_channel`.
"""

from __future__ import annotations

import typing

import jax
import jax.numpy as jnp

from .. import _complex
from ._fastexp import decay_exp

# |x| = |q1 - q2| d / 2 below which sinh(x)/x is summed as a series (error < 1e-16).
_SERIES_LIMIT = 0.05


class _Matrix(typing.NamedTuple):
    """A 2x2 matrix over the (electron, phonon) channels; entries broadcast over (k, s)."""

    ee: typing.Any
    ep: typing.Any
    pe: typing.Any
    pp: typing.Any


class _Vector(typing.NamedTuple):
    """A temperature or source over the (electron, phonon) channels."""

    e: typing.Any
    p: typing.Any


def _diagonal(e, p):
    return _Matrix(e, 0.0, 0.0, p)


def _add(a: _Matrix, b: _Matrix) -> _Matrix:
    return _Matrix(a.ee + b.ee, a.ep + b.ep, a.pe + b.pe, a.pp + b.pp)


def _subtract(a: _Matrix, b: _Matrix) -> _Matrix:
    return _Matrix(a.ee - b.ee, a.ep - b.ep, a.pe - b.pe, a.pp - b.pp)


def _matmul(a: _Matrix, b: _Matrix) -> _Matrix:
    return _Matrix(
        a.ee * b.ee + a.ep * b.pe,
        a.ee * b.ep + a.ep * b.pp,
        a.pe * b.ee + a.pp * b.pe,
        a.pe * b.ep + a.pp * b.pp,
    )


def _apply(a: _Matrix, v: _Vector) -> _Vector:
    return _Vector(a.ee * v.e + a.ep * v.p, a.pe * v.e + a.pp * v.p)


def _inverse(a: _Matrix) -> _Matrix:
    inverse_determinant = _complex.reciprocal(a.ee * a.pp - a.ep * a.pe)
    return _Matrix(
        a.pp * inverse_determinant, -a.ep * inverse_determinant, -a.pe * inverse_determinant, a.ee * inverse_determinant
    )


def _solve(a: _Matrix, b: _Matrix) -> _Matrix:
    """a^{-1} b."""
    return _matmul(_inverse(a), b)


def _scale_rows_columns(a: _Matrix, left: _Vector, right: _Vector) -> _Matrix:
    """diag(left) a diag(right)."""
    return _Matrix(left.e * a.ee * right.e, left.e * a.ep * right.p, left.p * a.pe * right.e, left.p * a.pp * right.p)


_IDENTITY = _Matrix(1.0, 0.0, 0.0, 1.0)


class _TwoChannelLayer(typing.NamedTuple):
    """Q = sqrt(S), E = exp(-Q d) and sqrt(kappa) of one two-channel layer at every (k, s)."""

    root: _Matrix
    decay: _Matrix
    sqrt_conductivity: _Vector


class _OneChannelLayer(typing.NamedTuple):
    """Gamma = kappa q, tanh(q d), sech(q d) of a one-temperature layer (phonon slot)."""

    gamma: typing.Any
    tanh: typing.Any
    sech: typing.Any


def _sinhc_series(x2):
    """sinh(x)/x and cosh(x) for small x from x^2 (truncation < 1e-16 for |x| < 0.05)."""
    sinhc = 1.0 + x2 * (1.0 / 6.0 + x2 * (1.0 / 120.0 + x2 * (1.0 / 5040.0)))
    cosh = 1.0 + x2 * (0.5 + x2 * (1.0 / 24.0 + x2 * (1.0 / 720.0)))
    return sinhc, cosh


def _two_channel_layer(arrays, i: int, k2, s) -> _TwoChannelLayer:
    """Q = sqrt(S) and E = exp(-Q d) of two-channel layer `i` of `arrays` (a `TwoChannelArrays`)."""
    kappa_e = arrays.electron_conductivity[..., i]
    kappa_p = arrays.phonon_conductivity[..., i]
    coupling = arrays.coupling_constant[..., i]
    beta_e = s * arrays.electron_heat_capacity[..., i] + k2 * arrays.electron_conductivity_inplane[..., i]
    beta_p = s * arrays.phonon_heat_capacity[..., i] + k2 * arrays.phonon_conductivity_inplane[..., i]
    inverse_e = 1.0 / kappa_e
    inverse_p = 1.0 / kappa_p
    sqrt_e = jnp.sqrt(kappa_e) if not jnp.iscomplexobj(kappa_e) else _complex.principal_sqrt(kappa_e)
    sqrt_p = jnp.sqrt(kappa_p) if not jnp.iscomplexobj(kappa_p) else _complex.principal_sqrt(kappa_p)
    # S is divided by a scale sigma ~ |S| so that its squares and determinant stay far from the
    # float32 range limit (|S| reaches 1e19 m^-2 on the inverse-Laplace contours); the result is
    # independent of sigma, so it carries no derivative.
    electron_rate = beta_e * inverse_e
    phonon_rate = beta_p * inverse_p
    coupling_e = coupling * inverse_e
    coupling_p = coupling * inverse_p
    s_ee = electron_rate + coupling_e
    s_pp = phonon_rate + coupling_p
    scale = jax.lax.stop_gradient(jnp.abs(s_ee) + jnp.abs(s_pp))
    inverse_scale = 1.0 / scale
    s_ee_scaled = s_ee * inverse_scale
    s_pp_scaled = s_pp * inverse_scale
    s_ep_scaled = (-coupling / (sqrt_e * sqrt_p)) * inverse_scale
    electron_scaled, phonon_scaled = electron_rate * inverse_scale, phonon_rate * inverse_scale
    # det S / sigma^2, cancellation-free: (beta_e beta_p + G (beta_e + beta_p)) / (kappa_e kappa_p sigma^2)
    determinant = (
        electron_scaled * phonon_scaled
        + (coupling_p * inverse_scale) * electron_scaled
        + (coupling_e * inverse_scale) * phonon_scaled
    )
    mean = 0.5 * (s_ee_scaled + s_pp_scaled)
    half_difference = 0.5 * (s_ee_scaled - s_pp_scaled)
    discriminant = _complex.principal_sqrt(half_difference * half_difference + s_ep_scaled * s_ep_scaled)
    # The sign that adds magnitudes gives the larger eigenvalue without cancellation.
    same_direction = jnp.real(jnp.conj(mean) * discriminant) >= 0
    lambda_1 = jnp.where(same_direction, mean + discriminant, mean - discriminant)
    lambda_2 = _complex.divide(determinant, lambda_1)
    root_scale = jnp.sqrt(scale)
    q1_scaled = _complex.principal_sqrt(lambda_1)
    q2_scaled = _complex.principal_sqrt(lambda_2)
    q1, q2 = root_scale * q1_scaled, root_scale * q2_scaled
    inverse_sum = root_scale * _complex.reciprocal(q1_scaled + q2_scaled)
    product = q1_scaled * q2_scaled
    s_ep_root = s_ep_scaled * inverse_sum
    root = _Matrix((s_ee_scaled + product) * inverse_sum, s_ep_root, s_ep_root, (s_pp_scaled + product) * inverse_sum)

    thickness = arrays.thickness[..., i]
    semi_infinite = jnp.isinf(thickness)
    # Double `where` keeps gradients finite for an infinite thickness leaf.
    finite = jnp.where(semi_infinite, 1.0, thickness)
    e1 = decay_exp(-q1 * finite)
    e2 = decay_exp(-q2 * finite)
    half = 0.5 * (q1 - q2)
    x = half * finite
    small = jnp.abs(x) < _SERIES_LIMIT
    x_small = jnp.where(small, x, 0.0)
    sinhc, cosh = _sinhc_series(x_small * x_small)
    # exp(-(q1 + q2) d / 2) from the mean of e1, e2 = exp(-q_mean d) cosh(x): no new exponential.
    mean_decay = _complex.divide(0.5 * (e1 + e2), cosh)
    safe_half = jnp.where(small, 1.0, half)
    a1 = jnp.where(small, -finite * mean_decay * sinhc, _complex.divide(0.5 * (e1 - e2), safe_half))
    a0 = 0.5 * (e1 + e2) - 0.5 * (q1 + q2) * a1
    a0 = jnp.where(semi_infinite, 0.0, a0)
    a1 = jnp.where(semi_infinite, 0.0, a1)
    decay = _Matrix(a0 + a1 * root.ee, a1 * root.ep, a1 * root.pe, a0 + a1 * root.pp)
    return _TwoChannelLayer(root, decay, _Vector(sqrt_e, sqrt_p))


def _one_channel_layer(arrays, i: int, k2, s, semi_infinite: bool = False) -> _OneChannelLayer:
    """Gamma, tanh and sech of one-temperature layer `i` of `arrays` (a `TwoChannelArrays`);
    `semi_infinite=True` (static) gives tanh = 1, sech = 0 as Python numbers, without exponential."""
    conductivity = arrays.phonon_conductivity[..., i]
    q = _complex.principal_sqrt(
        (arrays.phonon_conductivity_inplane[..., i] * k2 + s * arrays.phonon_heat_capacity[..., i]) / conductivity
    )
    gamma = conductivity * q
    if semi_infinite:
        return _OneChannelLayer(gamma, 1.0, 0.0)
    thickness = arrays.thickness[..., i]
    semi_infinite = jnp.isinf(thickness)
    finite = jnp.where(semi_infinite, 1.0, thickness)
    decay = jnp.where(semi_infinite, 0.0, decay_exp(-q * finite))
    decay2 = decay * decay
    inverse = _complex.reciprocal(1.0 + decay2)
    return _OneChannelLayer(gamma, (1.0 - decay2) * inverse, 2.0 * decay * inverse)


def _through_layer(layer, far):
    """(admittance at the near face, temperature transfer near -> far) of a layer.

    Scalars for a one-temperature layer, `_Matrix` for a two-channel one."""
    if isinstance(layer, _OneChannelLayer):
        if isinstance(layer.tanh, float):  # statically semi-infinite: admittance Gamma, nothing beyond
            return layer.gamma, 0.0
        denominator = _complex.reciprocal(layer.gamma + far * layer.tanh)
        return layer.gamma * (far + layer.gamma * layer.tanh) * denominator, layer.sech * layer.gamma * denominator
    root, decay, sqrt_k = layer
    inverse_sqrt_k = _Vector(1.0 / sqrt_k.e, 1.0 / sqrt_k.p)
    y_far = _scale_rows_columns(far, inverse_sqrt_k, inverse_sqrt_k)
    reflection = _solve(_add(root, y_far), _subtract(root, y_far))
    m = _matmul(decay, _matmul(reflection, decay))
    inverse_1_plus_m = _inverse(_add(_IDENTITY, m))
    y_near = _matmul(root, _matmul(_subtract(_IDENTITY, m), inverse_1_plus_m))
    transfer = _matmul(_add(_IDENTITY, reflection), _matmul(decay, inverse_1_plus_m))
    # back to physical units: Y = K^1/2 y K^1/2, T_far = K^-1/2 t K^1/2 T_near
    return (_scale_rows_columns(y_near, sqrt_k, sqrt_k), _scale_rows_columns(transfer, inverse_sqrt_k, sqrt_k))
