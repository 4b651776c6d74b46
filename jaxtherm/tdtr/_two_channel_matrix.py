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

from .. import _complex
from ._layer_factors import layer_factors


def _runtime_one(*inputs):
    """1.0 computed at run time from the inputs (`TwoChannelArrays`, s, k2), so that XLA cannot fold a
    division by it (see `_stored`) unless every input is a compile-time constant."""
    leaves = [leaf for leaf in jax.tree_util.tree_leaves(inputs) if jnp.size(leaf) > 0]
    signs = sum(jnp.sign(jnp.real(jnp.ravel(leaf)[0])) for leaf in leaves)  # finite even for inf leaves
    return jax.lax.stop_gradient(1.0 + 0.0 * signs)


def _stored(tree, one):
    """`tree` with every complex array leaf divided by `one` (== 1.0): computed once and stored.

    XLA's CPU fusion copies cheap elementwise producers (multiplications, additions, selects) into
    every consumer, and starts a new fused loop at every division or root. A value of the 2x2 algebra
    that feeds several others (a layer function, an admittance, a temperature) is therefore recomputed,
    with all the cheap work above it back to the last stored value, once per consumer: along the
    sweep this compounds (the benchmark stack's spot curve: 2.7x the XLA flops without the stores).
    A division is 'expensive' to XLA, which computes it once and stores the result. Dividing by
    exactly 1.0 changes no bit and no derivative. The real and imaginary parts are divided by a real
    `one`: a complex division would cost ~4x the work, on every forward-mode tangent too (measured on
    the spot curve: 6.7-7.9 ms with a complex divisor, 4.4 ms with the real one; its 3-parameter
    Jacobian 47 ms -> 32 ms)."""

    def leaf(z):
        if not isinstance(z, jax.Array) or not jnp.iscomplexobj(z):
            return z
        divisor = one.astype(jnp.real(z).dtype)
        return jax.lax.complex(jnp.real(z) / divisor, jnp.imag(z) / divisor)

    return jax.tree_util.tree_map(leaf, tree)


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
    denominator = _complex.reciprocal(layer.gamma + far * layer.tanh)
    return layer.gamma * (far + layer.gamma * layer.tanh) * denominator, layer.sech * layer.gamma * denominator
