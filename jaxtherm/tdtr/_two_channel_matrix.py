r"""2x2 channel algebra of the two-channel TDTR response, and its one-temperature layers.

Matrices, symmetric matrices and vectors over the (electron, phonon) channels with entries
broadcast over (k, s); `_one_channel_layer` the scalar Gamma, tanh, sech of a one-temperature
layer and `_through_layer` the admittance step across it. Two-channel layers are in
`jaxtherm.tdtr._two_channel_layer`; the derivation is in the docstring of
`jaxtherm.tdtr._two_channel`.
"""

from __future__ import annotations

import typing

import jax
import jax.numpy as jnp

from . import _fusible
from ._contour import _single_precision
from ._layer_factors import layer_factors


def _runtime_one(*inputs):
    """1.0 computed at run time from the inputs (`TwoChannelArrays`, s, k2), so that XLA cannot fold a
    division by it (see `_stored`) unless every input is a compile-time constant."""
    leaves = [leaf for leaf in jax.tree_util.tree_leaves(inputs) if jnp.size(leaf) > 0]
    signs = sum(jnp.sign(jnp.real(jnp.ravel(leaf)[0])) for leaf in leaves)  # finite even for inf leaves
    return jax.lax.stop_gradient(1.0 + 0.0 * signs)


def _divided_by_one(z, one):
    """z / one with the real and imaginary parts divided by the real `one` (== 1.0): exact."""
    divisor = one.astype(jnp.real(z).dtype)
    return jax.lax.complex(jnp.real(z) / divisor, jnp.imag(z) / divisor)


def _complex_one(one, dtype):
    """The run-time `one` as a complex 1 + 0i of `dtype`: a complex division by it returns its
    numerator bit for bit (denormals aside, which XLA:CPU flushes anyway), yet XLA treats it as an
    expensive operation whose result it computes once and stores."""
    return jax.lax.complex(one, 0.0 * one).astype(dtype)


@jax.custom_jvp
def _stored_when_differentiated(z, one):
    return z


@_stored_when_differentiated.defjvp
def _stored_when_differentiated_jvp(primals, tangents):
    z, one = primals
    # One loop per stored value (dividing the parts separately makes two). The tangent is stored
    # too; in reverse mode its transpose stores the cotangents.
    unit = _complex_one(one, z.dtype)
    return z / unit, tangents[0] / unit


def _stored(tree, one):
    """`tree` with its complex array leaves marked as values to compute once and store.

    XLA's CPU fusion treats divisions, roots and exponentials as expensive: it starts a new loop
    at each of them and copies the cheap producers above into every consumer, so a value of the
    2x2 algebra that feeds several others would be recomputed, with all the cheap work back to the
    last stored value, once per consumer. Dividing by a 1.0 computed at run time (`one`, exact: no
    bit and no derivative changes) makes XLA compute a value once and store it.

    * complex64 (float32 runs, whose roots and reciprocals are XLA's own, `jaxtherm._complex`):
      every leaf is divided (real and imaginary parts by a real `one`: a complex division costs
      ~4x the work).
    * complex128: the response is built from `_fusible` operations only, which XLA fuses into one
      loop with every intermediate in registers, so the plain evaluation stores nothing. Derivative
      programs need the primal intermediates for the tangents (and the cotangents); left alone XLA
      would materialise each of them in a loop that recomputes its whole ancestry (the spot
      curve's 3-parameter Jacobian: 39 ms, against 23 ms with these stores). There the primal
      values and the tangents are stored at these points (a custom JVP).
    """

    def leaf(z):
        if not isinstance(z, jax.Array) or not jnp.iscomplexobj(z):
            return z
        if _single_precision(z):
            return _divided_by_one(z, one)
        return _stored_when_differentiated(z, one)

    return jax.tree_util.tree_map(leaf, tree)


def weighted_point_sum(g, weights, one):
    """sum(g * weights) over the last axis (the radial quadrature), with g computed in a loop of its own.

    The two-channel response of float64 runs is one fused elementwise loop (see `_stored`). Left to
    itself XLA would fuse that whole loop into the reduction over the quadrature nodes, which it
    does not vectorise (measured: the spot curve 2.5x slower). Dividing g by a complex 1.0 computed
    at run time (an 'expensive' operation, exact) that feeds two partial sums makes XLA compute g
    once, in its own vectorised loop, and store it."""
    n = g.shape[-1]
    if n < 2:
        return jnp.sum(g * weights, axis=-1)
    g = g / _complex_one(one, g.dtype)
    half = n // 2
    return jnp.sum(g[..., :half] * weights[..., :half], axis=-1) + jnp.sum(g[..., half:] * weights[..., half:], axis=-1)


class _Matrix(typing.NamedTuple):
    """A 2x2 matrix over the (electron, phonon) channels; entries broadcast over (k, s)."""

    ee: typing.Any
    ep: typing.Any
    pe: typing.Any
    pp: typing.Any


class _Symmetric(typing.NamedTuple):
    """A symmetric 2x2 matrix (admittances, functions of S) stored as its three entries."""

    ee: typing.Any
    ep: typing.Any
    pp: typing.Any

    @property
    def pe(self):
        return self.ep


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
    inverse_determinant = _fusible.reciprocal(a.ee * a.pp - a.ep * a.pe)
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


class _OneChannelLayer(typing.NamedTuple):
    """Gamma = kappa q, tanh(q d), sech(q d) of a one-temperature layer (phonon slot)."""

    gamma: typing.Any
    tanh: typing.Any
    sech: typing.Any


def _one_channel_layer(arrays, i: int, k2, s, semi_infinite: bool = False) -> _OneChannelLayer:
    """Gamma, tanh and sech of one-temperature layer `i` of `arrays` (a `TwoChannelArrays`, phonon slot),
    as the one-channel response computes them; `semi_infinite=True` (static) gives tanh = 1, sech = 0
    as Python numbers, without exponential."""
    return _OneChannelLayer(
        *layer_factors(
            arrays.thickness[..., i],
            arrays.phonon_heat_capacity[..., i],
            arrays.phonon_conductivity[..., i],
            arrays.phonon_conductivity_inplane[..., i],
            k2,
            s,
            semi_infinite=semi_infinite,
            fusible=True,
        )
    )


def _through_layer(layer: _OneChannelLayer, far):
    """(admittance at the near face, temperature transfer near -> far) of a one-temperature layer;
    `far` is the admittance beyond its far face (W m^-2 K^-1), `None` for an adiabatic face known
    when tracing."""
    if isinstance(layer.tanh, float):  # statically semi-infinite: admittance Gamma, nothing beyond
        return layer.gamma, 0.0
    if far is None:
        return layer.gamma * layer.tanh, layer.sech
    denominator = _fusible.reciprocal(layer.gamma + far * layer.tanh)
    return layer.gamma * (far + layer.gamma * layer.tanh) * denominator, layer.sech * layer.gamma * denominator
