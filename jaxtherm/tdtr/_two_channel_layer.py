r"""One two-channel layer of the TDTR response: its layer functions and the admittance step across it.

With the scaled variables of `jaxtherm.tdtr._two_channel` (u = K^{1/2} T, phi = -u', u'' = S u,
S complex symmetric) a layer of thickness d is described by three functions of S,

    A = Q tanh(Q d),   B = Q^{-1} tanh(Q d),   C = sech(Q d),      Q = sqrt(S),

all symmetric and bounded (|exp(-q d)| <= 1 is all they need). A layer whose far face sees the
admittance y (phi = y u there) shows at its near face, and carries the temperature as,

    y_near = A + C Z C,   u_far = (I + B y)^{-1} C u_near = (C - B Z C) u_near,
    Z = y (I + B y)^{-1} = (y + det(y) adj(B)) / (1 + tr(B y) + det(y) det(B)),

(from the two-port form phi_near = P u_near - R u_far, phi_far = R u_near - P u_far with
P = Q coth(Q d) = B^{-1}, R = Q csch(Q d) = B^{-1} C and P^2 - R^2 = S, i.e. I - C^2 = S B^2); the
scalar case is the one-temperature `(Y + Gamma tanh) / (1 + Y tanh / Gamma)`. Z is symmetric, so
every admittance is stored as its three entries, and an adiabatic far face (y = 0, known when the
program is traced) gives y_near = A and u_far = C u_near with no algebra at all. Everything is
returned in physical units: A_K = K^{1/2} A K^{1/2}, B_K = K^{-1/2} B K^{-1/2} and
C_K = K^{-1/2} C K^{1/2} (so Y = K^{1/2} y K^{1/2} and T go in and out unscaled).

Each function f(S) follows from the two decay constants q1, q2 (principal roots of the eigenvalues
lambda_1, lambda_2 of S) by Sylvester's formula

    f(S) = f(lambda_2) I + f[lambda_1, lambda_2] (S - lambda_2 I),
    f[lambda_1, lambda_2] = (f(q1) - f(q2)) / ((q1 - q2) (q1 + q2)),

and every divided difference is written through the one of the exponential,
(e1 - e2) / (q1 - q2) with e_i = exp(-q_i d) (a series of tanh(x)/x when q1 ~ q2):

    tanh(q1 d) - tanh(q2 d) = 2 (e2^2 - e1^2) / ((1 + e1^2)(1 + e2^2)),
    sech(q1 d) - sech(q2 d) = 2 (e1 - e2)(1 - e1 e2) / ((1 + e1^2)(1 + e2^2)),

so nothing cancels when q1 ~ q2 and no growing exponential is formed.
"""

from __future__ import annotations

import typing

import jax
import jax.numpy as jnp

from . import _fusible
from ._contour import _single_precision
from ._two_channel_matrix import _apply, _Matrix, _stored, _Symmetric, _Vector

__all__ = [
    "LayerStep",
    "TwoChannelLayerFunctions",
    "carry_through_layer",
    "two_channel_layer",
    "two_channel_through_layer",
]

# |x| = |q1 - q2| d / 2 below which tanh(x)/x is summed as a series (truncation < 3e-18); above it
# (e1 - e2) / (q1 - q2) loses at most ~eps / |x| ~ 1e-14 relative to cancellation.
_SERIES_LIMIT = 0.01


class TwoChannelLayerFunctions(typing.NamedTuple):
    """A, B, C of one two-channel layer in physical units (see the module docstring), and det(B_K)."""

    a: _Symmetric
    b: _Symmetric
    c: _Matrix
    det_b: typing.Any
    one: typing.Any = 1.0


def _l1(z):
    return jnp.abs(jnp.real(z)) + jnp.abs(jnp.imag(z))


def _eigen(arrays, i: int, k2, s):
    """(S - lambda_2 I entries, lambda_2 scaled, q1, q2, sqrt of the scale) of layer `i`.

    S - lambda_2 I and lambda_2 are divided by a scale sigma (1 in float64; ~|S| in float32, so that
    squares and determinants stay inside the float32 range: |S| reaches 1e19-1e21 m^-2 on the
    inverse-Laplace contours). The scale carries no derivative: the result does not depend on it."""
    kappa_e = arrays.electron_conductivity[..., i]
    kappa_p = arrays.phonon_conductivity[..., i]
    coupling = arrays.coupling_constant[..., i]
    inverse_e, inverse_p = 1.0 / kappa_e, 1.0 / kappa_p
    electron_rate = (s * arrays.electron_heat_capacity[..., i] + k2 * arrays.electron_conductivity_inplane[..., i]) * (
        inverse_e
    )
    phonon_rate = (
        s * arrays.phonon_heat_capacity[..., i] + k2 * arrays.phonon_conductivity_inplane[..., i]
    ) * inverse_p
    coupling_e, coupling_p = coupling * inverse_e, coupling * inverse_p
    s_ep = -coupling * jnp.sqrt(inverse_e * inverse_p)
    root_scale = None
    if _single_precision(electron_rate):
        scale = jax.lax.stop_gradient(_l1(electron_rate) + _l1(phonon_rate) + coupling_e + coupling_p)
        inverse_scale = 1.0 / scale
        root_scale = jnp.sqrt(scale)
        electron_rate, phonon_rate = electron_rate * inverse_scale, phonon_rate * inverse_scale
        coupling_e, coupling_p, s_ep = coupling_e * inverse_scale, coupling_p * inverse_scale, s_ep * inverse_scale
    s_ee = electron_rate + coupling_e
    s_pp = phonon_rate + coupling_p
    # det S = (beta_e beta_p + G (beta_e + beta_p)) / (kappa_e kappa_p), cancellation-free: it keeps the
    # slow, one-temperature mode accurate when G is huge.
    determinant = electron_rate * s_pp + coupling_e * phonon_rate
    mean = 0.5 * (s_ee + s_pp)
    half_difference = 0.5 * (s_ee - s_pp)
    discriminant = _fusible.principal_sqrt(half_difference * half_difference + s_ep * s_ep)
    # The sign that adds magnitudes gives the larger eigenvalue without cancellation.
    same_direction = jnp.real(mean) * jnp.real(discriminant) + jnp.imag(mean) * jnp.imag(discriminant) >= 0
    lambda_1 = jnp.where(same_direction, mean + discriminant, mean - discriminant)
    lambda_2 = determinant * _fusible.reciprocal(lambda_1)
    q1, q2 = _fusible.principal_sqrt(lambda_1), _fusible.principal_sqrt(lambda_2)
    shifted = (s_ee - lambda_2, s_ep, s_pp - lambda_2)
    return shifted, q1, q2, root_scale


def _exp_divided_difference(e1, e2, q1, q2, thickness):
    """(e1 - e2) / (q1 - q2) with e_i = exp(-q_i d): a series of tanh(x)/x (x = (q1 - q2) d / 2) when
    q1 ~ q2, written with (e1 + e2) / 2 = exp(-(q1 + q2) d / 2) cosh(x) so that no new exponential or
    division is needed."""
    difference = q1 - q2
    x = 0.5 * thickness * difference
    small = _l1(x) < _SERIES_LIMIT
    x2 = jnp.where(small, x, 0.0) ** 2
    tanhc = 1.0 + x2 * (-1.0 / 3.0 + x2 * (2.0 / 15.0 + x2 * (-17.0 / 315.0)))
    series = -0.5 * thickness * (e1 + e2) * tanhc
    direct = (e1 - e2) * _fusible.reciprocal(jnp.where(small, 1.0, difference))
    return jnp.where(small, series, direct)


def two_channel_layer(arrays, i: int, k2, s, one=1.0) -> TwoChannelLayerFunctions:
    """A, B, C of two-channel layer `i` of `arrays` (a `TwoChannelArrays`) at every (k2, s); `one`
    from `_runtime_one`."""
    (shift_ee, shift_ep, shift_pp), q1, q2, root_scale = _eigen(arrays, i, k2, s)
    if root_scale is not None:
        q1, q2 = root_scale * q1, root_scale * q2
    thickness = arrays.thickness[..., i]
    semi_infinite = jnp.isinf(thickness)
    # Double `where` keeps gradients finite for an infinite thickness leaf; e_i = 0 there gives
    # tanh = 1, sech = 0: A = Q, B = Q^-1, C = 0.
    finite = jnp.where(semi_infinite, 1.0, thickness)
    e1 = jnp.where(semi_infinite, 0.0, _fusible.exp(-q1 * finite))
    e2 = jnp.where(semi_infinite, 0.0, _fusible.exp(-q2 * finite))
    shift_ee, shift_ep, shift_pp, q1, q2 = _stored((shift_ee, shift_ep, shift_pp, q1, q2), one)
    e1, e2 = _stored((e1, e2), one)
    e1_squared, e2_squared = e1 * e1, e2 * e2
    r1 = _fusible.reciprocal(1.0 + e1_squared)
    r2 = _fusible.reciprocal(1.0 + e2_squared)
    t1, t2 = (1.0 - e1_squared) * r1, (1.0 - e2_squared) * r2
    exp_difference = _exp_divided_difference(e1, e2, q1, q2, finite) * (r1 * r2)
    # divided differences over q of tanh(q d) and sech(q d)
    tanh_difference = -2.0 * (e1 + e2) * exp_difference
    sech_difference = 2.0 * (1.0 - e1 * e2) * exp_difference
    sum_q, mean_t = q1 + q2, 0.5 * (t1 + t2)
    inverse_sum = _fusible.reciprocal(sum_q)
    if root_scale is not None:  # f[lambda] sigma: the shifts S - lambda_2 I are divided by sigma
        inverse_sum = root_scale * _fusible.reciprocal(sum_q / root_scale)
    inverse_product = _fusible.reciprocal(q1 * q2)
    t1, t2, r2, tanh_difference, sech_difference, inverse_sum, inverse_product = _stored(
        (t1, t2, r2, tanh_difference, sech_difference, inverse_sum, inverse_product), one
    )
    mean_t = 0.5 * (t1 + t2)
    a2, a_slope = q2 * t2, (mean_t + 0.5 * sum_q * tanh_difference) * inverse_sum
    b2 = t2 * q1 * inverse_product
    b_slope = (0.5 * sum_q * tanh_difference - mean_t) * inverse_product * inverse_sum
    c2, c_slope = 2.0 * e2 * r2, sech_difference * inverse_sum
    det_b = t1 * t2 * inverse_product
    a2, a_slope, b2, b_slope, c2, c_slope, det_b = _stored((a2, a_slope, b2, b_slope, c2, c_slope, det_b), one)

    kappa_e = arrays.electron_conductivity[..., i]
    kappa_p = arrays.phonon_conductivity[..., i]
    geometric = jnp.sqrt(kappa_e * kappa_p)

    def function(value, slope, left_e, left_p):
        """f(S) scaled as diag(left) f(S) diag(left)."""
        return _Symmetric(
            left_e * left_e * (value + slope * shift_ee),
            left_e * left_p * (slope * shift_ep),
            left_p * left_p * (value + slope * shift_pp),
        )

    a = function(a2, a_slope, jnp.sqrt(kappa_e), jnp.sqrt(kappa_p))
    b = function(b2, b_slope, 1.0 / jnp.sqrt(kappa_e), 1.0 / jnp.sqrt(kappa_p))
    c_off = c_slope * shift_ep
    c = _Matrix(
        c2 + c_slope * shift_ee,
        c_off * (jnp.sqrt(kappa_p / kappa_e)),
        c_off * (jnp.sqrt(kappa_e / kappa_p)),
        c2 + c_slope * shift_pp,
    )
    return TwoChannelLayerFunctions(*_stored((a, b, c, det_b / (geometric * geometric)), one), one)


class LayerStep(typing.NamedTuple):
    """What the temperature transfer across a two-channel layer needs: C, B and Z (or no Z)."""

    layer: TwoChannelLayerFunctions
    z: _Symmetric | None


def two_channel_through_layer(layer: TwoChannelLayerFunctions, far):
    """(admittance at the near face, transfer) of a layer whose far face sees `far` (a `_Symmetric`
    admittance in W m^-2 K^-1, or `None` for an adiabatic face known when tracing)."""
    a, b, c, det_b, one = layer
    if far is None:
        return a, LayerStep(layer, None)
    det_y = far.ee * far.pp - far.ep * far.ep
    trace = b.ee * far.ee + b.pp * far.pp + 2.0 * (b.ep * far.ep)
    denominator = _fusible.reciprocal(1.0 + trace + det_y * det_b)
    z = _Symmetric(
        (far.ee + det_y * b.pp) * denominator,
        (far.ep - det_y * b.ep) * denominator,
        (far.pp + det_y * b.ee) * denominator,
    )
    # C^T Z C, only its three independent entries
    zc_ee, zc_ep = z.ee * c.ee + z.ep * c.pe, z.ee * c.ep + z.ep * c.pp
    zc_pe, zc_pp = z.ep * c.ee + z.pp * c.pe, z.ep * c.ep + z.pp * c.pp
    near = _Symmetric(
        a.ee + (c.ee * zc_ee + c.pe * zc_pe), a.ep + (c.ee * zc_ep + c.pe * zc_pp), a.pp + (c.ep * zc_ep + c.pp * zc_pp)
    )
    return _stored(near, one), LayerStep(layer, z)


def carry_through_layer(step: LayerStep, temperature: _Vector) -> _Vector:
    """T_far = (C - B Z C) T_near across a two-channel layer."""
    c, b = step.layer.c, step.layer.b
    v = _apply(c, temperature)
    if step.z is None:
        return v
    bzv = _apply(b, _apply(step.z, v))
    return _stored(_Vector(v.e - bzv.e, v.p - bzv.p), step.layer.one)
