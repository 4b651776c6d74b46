r"""Two-channel (electron + phonon) layers in the per-wavenumber TDTR response.

In a metal layer the electrons (e) and the lattice (p) carry heat in parallel and
exchange it at the rate G (W m^-3 K^-1). Per radial wavenumber k (m^-1) and Laplace
variable s (rad/s) the Hankel-Laplace transformed temperatures T = (Te, Tp) obey

    Ce s Te = kappa_e (d_z^2 - (kappa_re / kappa_e) k^2) Te - G (Te - Tp)
    Cp s Tp = kappa_p (d_z^2 - (kappa_rp / kappa_p) k^2) Tp + G (Te - Tp),

i.e. K T'' = B T with K = diag(kappa_e, kappa_p) (cross-plane) and the complex symmetric

    B = [[beta_e + G, -G], [-G, beta_p + G]],   beta_c = s C_c + kappa_rc k^2.

In the scaled variable u = K^{1/2} T this is u'' = S u with S = K^{-1/2} B K^{-1/2},
complex symmetric, so every 2x2 matrix below is a polynomial in S (they commute and are
symmetric). The two decay constants q1, q2 are the principal roots of the eigenvalues of S
(the larger eigenvalue from the quadratic formula without cancellation, the smaller as
det S / lambda_1 with det S = (beta_e beta_p + G (beta_e + beta_p)) / (kappa_e kappa_p)
written cancellation-free, which keeps the slow, one-temperature mode accurate when
G is huge). Functions of S follow from Sylvester's formula with divided differences, and a
layer is described by the three bounded, symmetric functions

    A = Q tanh(Q d),   B = Q^{-1} tanh(Q d),   C = sech(Q d),      Q = sqrt(S),

written through e_i = exp(-q_i d) with Re q_i >= 0 (|e_i| <= 1; a series of tanh(x)/x when
q1 ~ q2). No growing exponential is ever formed.

**Block-admittance propagation.** With the scaled flux phi = -u' (physical flux
F = K^{1/2} phi), a layer whose far face sees the admittance y (phi = y u) shows at its near face

    y_near = A + C Z C,    u_far = (C - B Z C) u_near,    Z = y (I + B y)^{-1},

exact, bounded and the matrix generalisation of `(Y + Gamma tanh) / (1 + Y tanh / Gamma)`
(a semi-infinite layer has C = 0 and y_near = Q; an adiabatic far face gives y_near = A).
Physical admittances are Y = K^{1/2} y K^{1/2}. The derivation and the cancellation-free
divided differences are in `jaxtherm.tdtr._two_channel_layer`.

**Interfaces.** Between an upper side 1 and a lower side 2, heat crosses by four
conductances (W m^-2 K^-1): h_ee (electrons - electrons), h_pp (phonons - phonons),
h_ep (electrons of side 1 - phonons of side 2; the direct channel R_ei = 1/h_ep of the ITR
paper's thermal circuit when side 1 is the metal) and h_pe (phonons of 1 - electrons of 2).
With D = diag(h_pe, h_ep) and X = [[0, h_pe], [h_ep, 0]], the flux F2 = Y2 T2 entering side 2
fixes T2 = Theta T1 and the admittance seen from side 1:

    (Hd + D + Y2) T2 = (Hd + X) T1,      Hd = diag(h_ee, h_pp),
    Y1 = (Y2 + D - X^T) Theta + diag(h_ep, h_pe) - X.

Each row of the first system is divided by (h_cc + nu) (nu a fixed reference conductance)
so that a perfect contact (h = inf) and a blocked channel (h = 0) are both exact. A single
phonon resistance R (h_pp = 1/R, no other path) reduces to the one-channel Y / (1 + R Y).

**One-temperature layers** (dielectrics, or metals described by one temperature) carry a
scalar admittance and temperature; at an interface between a two-channel and a one-temperature
side the system above reduces to the paths that exist (h_ep and h_pp from a metal above,
h_pe and h_pp into a metal below), written out without the absent channel.

A unit source with electron share f at plane h gives T_h = (Y_up + Y_down)^{-1} (f, 1 - f),
carried to the probed plane by the Theta and layer transfers, and read as a Te + b Tp.
"""

from __future__ import annotations

import typing

import jax
import jax.numpy as jnp

from .._pytree import pytree_dataclass, static_field
from . import _fusible
from ._two_channel_layer import (
    LayerStep,
    TwoChannelLayerFunctions,
    carry_through_layer,
    two_channel_layer,
    two_channel_through_layer,
)
from ._two_channel_matrix import (
    _add,
    _apply,
    _diagonal,
    _inverse,
    _matmul,
    _Matrix,
    _one_channel_layer,
    _runtime_one,
    _scale_rows_columns,
    _solve,
    _stored,
    _subtract,
    _Symmetric,
    _through_layer,
    _Vector,
)

__all__ = ["TwoChannelArrays", "two_channel_plane_response"]

# Reference conductance (W m^-2 K^-1) for the row scaling of interface systems and the
# admittance of the unused electron slot of one-temperature layers: of the order of
# interface conductances and film admittances, so all entries stay O(1) relative to it.
_REFERENCE_CONDUCTANCE = 1.0e8


@pytree_dataclass
class TwoChannelArrays:
    """Per-layer and per-interface arrays of a stack with electron-phonon layers (SI units).

    Layer fields have shape `(..., n_layers)`, interface fields `(..., n_layers - 1)`.
    For a one-temperature layer (`has_electrons[i]` False) the electron fields are zero
    (unused) and the phonon fields hold the layer's heat capacity and conductivities.

    **Fields:**

    - `thickness`: layer thickness (m), `inf` for a semi-infinite last layer.
    - `electron_heat_capacity`, `phonon_heat_capacity`: Ce, Cp (J m^-3 K^-1).
    - `electron_conductivity`, `phonon_conductivity`: cross-plane kappa_e, kappa_p (W m^-1 K^-1).
    - `electron_conductivity_inplane`, `phonon_conductivity_inplane`: in-plane
      conductivities (W m^-1 K^-1).
    - `coupling_constant`: electron-phonon coupling G (W m^-3 K^-1).
    - `electron_heating_fraction`: share of the heat absorbed at a plane of this layer that
      goes to its electrons (dimensionless, 0..1).
    - `electron_probe_weight`, `phonon_probe_weight`: a, b of the probe reading a Te + b Tp
      at a plane of this layer (dimensionless).
    - `electron_conductance` h_ee, `phonon_conductance` h_pp, `electron_phonon_conductance`
      h_ep (electrons of the upper layer - phonons of the lower), `phonon_electron_conductance`
      h_pe (phonons of the upper - electrons of the lower), W m^-2 K^-1, `inf` = perfect contact.
    - `has_electrons`: static tuple of bools, one per layer.
    - `semi_infinite_last`: static; `True` when the last layer is a one-temperature layer known
      to be semi-infinite when the program is traced (its exponential is then skipped).
    """

    thickness: jax.Array
    electron_heat_capacity: jax.Array
    phonon_heat_capacity: jax.Array
    electron_conductivity: jax.Array
    phonon_conductivity: jax.Array
    electron_conductivity_inplane: jax.Array
    phonon_conductivity_inplane: jax.Array
    coupling_constant: jax.Array
    electron_heating_fraction: jax.Array
    electron_probe_weight: jax.Array
    phonon_probe_weight: jax.Array
    electron_conductance: jax.Array
    phonon_conductance: jax.Array
    electron_phonon_conductance: jax.Array
    phonon_electron_conductance: jax.Array
    has_electrons: tuple = static_field(default=())
    semi_infinite_last: bool = static_field(default=False)

    @property
    def n_layers(self) -> int:
        """Number of layers (static)."""
        return len(self.has_electrons)

    @property
    def heat_capacity(self):
        """Total heat capacity Ce + Cp per layer (J m^-3 K^-1)."""
        return self.electron_heat_capacity + self.phonon_heat_capacity

    @property
    def conductivity_inplane(self):
        """Total in-plane conductivity per layer (W m^-1 K^-1)."""
        return self.electron_conductivity_inplane + self.phonon_conductivity_inplane


class _Conductances(typing.NamedTuple):
    """Interface conductances seen from side 1 (towards side 2), W m^-2 K^-1."""

    ee: typing.Any
    pp: typing.Any
    e1_p2: typing.Any
    p1_e2: typing.Any


def _interface(arrays: TwoChannelArrays, j: int, downward: bool) -> _Conductances:
    ee = arrays.electron_conductance[..., j]
    pp = arrays.phonon_conductance[..., j]
    ep = arrays.electron_phonon_conductance[..., j]
    pe = arrays.phonon_electron_conductance[..., j]
    return _Conductances(ee, pp, ep, pe) if downward else _Conductances(ee, pp, pe, ep)


def _row_factors(conductance):
    """h / (h + nu) and 1 / (h + nu): a row of an interface system divided by (h + nu), exact for
    h = 0 (blocked) and h = inf (perfect contact)."""
    infinite = jnp.isinf(conductance)
    finite = jnp.where(infinite, 0.0, conductance)
    inverse = 1.0 / (finite + _REFERENCE_CONDUCTANCE)
    return jnp.where(infinite, 1.0, finite * inverse), jnp.where(infinite, 0.0, inverse)


class _Row(typing.NamedTuple):
    """Linear map from (Te, Tp) of a two-channel side to the one temperature of the other side."""

    e: typing.Any
    p: typing.Any


def _across_interface(h: _Conductances, y_beyond, two_channel_near: bool, two_channel_beyond: bool):
    """(admittance seen from side 1, temperature transfer T2 = Theta T1) of an interface.

    Side 1 is the near side, side 2 (admittance `y_beyond`) the far one. One-temperature sides
    carry scalars; the four combinations are written out so that no absent channel costs work."""
    if not two_channel_near and not two_channel_beyond:
        passing, scale = _row_factors(h.pp)
        theta = passing * _fusible.reciprocal(passing + scale * y_beyond)
        return y_beyond * theta, theta
    if two_channel_near and not two_channel_beyond:
        # metal electrons (h_ep) and phonons (h_pp) both feed the single temperature beyond:
        # T2 = (h_ep Te1 + h_pp Tp1) / (y2 + h_ep + h_pp)
        passing, scale = _row_factors(h.pp)
        inverse = _fusible.reciprocal(passing + scale * (y_beyond + h.e1_p2))
        theta = _Row(scale * h.e1_p2 * inverse, passing * inverse)
        return _Symmetric(h.e1_p2 * (1.0 - theta.e), -h.e1_p2 * theta.p, (y_beyond + h.e1_p2) * theta.p), theta
    if not two_channel_near and two_channel_beyond:
        # the single temperature feeds the electrons (h_pe) and phonons (h_pp) beyond:
        # (Y2 + diag(h_pe, h_pp)) T2 = (h_pe, h_pp) T1, and all of it enters side 2
        passing_e, scale_e = _row_factors(h.p1_e2)
        passing_p, scale_p = _row_factors(h.pp)
        lhs = _Matrix(
            passing_e + scale_e * y_beyond.ee,
            scale_e * y_beyond.ep,
            scale_p * y_beyond.pe,
            passing_p + scale_p * y_beyond.pp,
        )
        theta = _apply(_inverse(lhs), _Vector(passing_e, passing_p))
        flux = _apply(y_beyond, theta)
        return flux.e + flux.p, theta
    pass_e, scale_e = _row_factors(h.ee)
    pass_p, scale_p = _row_factors(h.pp)
    scale = _Vector(scale_e, scale_p)
    one = _Vector(1.0, 1.0)
    d = _diagonal(h.p1_e2, h.e1_p2)
    cross = _Matrix(0.0, h.p1_e2, h.e1_p2, 0.0)
    lhs = _add(_diagonal(pass_e, pass_p), _scale_rows_columns(_add(d, y_beyond), scale, one))
    rhs = _add(_diagonal(pass_e, pass_p), _scale_rows_columns(cross, scale, one))
    transfer = _solve(lhs, rhs)
    cross_transposed = _Matrix(0.0, h.e1_p2, h.p1_e2, 0.0)
    y_side_1 = _add(
        _matmul(_subtract(_add(y_beyond, d), cross_transposed), transfer), _subtract(_diagonal(h.e1_p2, h.p1_e2), cross)
    )
    return _Symmetric(y_side_1.ee, y_side_1.ep, y_side_1.pp), transfer


def _carry(transfer, temperature):
    """Apply a transfer (scalar, `_Row`, `_Vector` column, `_Matrix`, `LayerStep`) to a temperature."""
    if isinstance(transfer, LayerStep):
        return carry_through_layer(transfer, temperature)
    if isinstance(transfer, _Matrix):
        return _apply(transfer, temperature)
    if isinstance(transfer, _Row):
        return transfer.e * temperature.e + transfer.p * temperature.p
    if isinstance(transfer, _Vector):
        return _Vector(transfer.e * temperature, transfer.p * temperature)
    return transfer * temperature


def _through(layer, far):
    """(admittance at the near face, transfer) of a one- or two-channel layer; `far = None`: adiabatic."""
    if isinstance(layer, TwoChannelLayerFunctions):
        return two_channel_through_layer(layer, far)
    return _through_layer(layer, far)


def _plane_layer(plane: int) -> int:
    """Layer a plane belongs to: layer 0 for the top face, else the layer above the plane."""
    return 0 if plane == 0 else plane - 1


def _downward_sweep(arrays: TwoChannelArrays, layers, y_bottom, top_plane: int, one):
    """Downward sweep: y_down[j] at plane j looking down (through interface j - 1 into layer j),
    with the transfers needed to carry a temperature from plane j to plane j + 1.

    Returns (y_down, layer_down, interface_down), filled for planes >= `top_plane`; `y_bottom`
    is the admittance below the last layer (`None`: adiabatic)."""
    n = arrays.n_layers
    two = arrays.has_electrons
    y_down = [None] * (n + 1)
    y_top = [None] * n
    layer_down = [None] * n
    interface_down = [None] * n
    y_down[n] = y_bottom
    for i in range(n - 1, top_plane - 1, -1):
        y_top[i], layer_down[i] = _through(layers[i], y_down[i + 1])
        if not two[i]:
            y_top[i], layer_down[i] = _stored((y_top[i], layer_down[i]), one)
        if i == 0:
            y_down[0] = y_top[0]
        else:
            y_down[i], interface_down[i] = _stored(
                _across_interface(_interface(arrays, i - 1, True), y_top[i], two[i - 1], two[i]), one
            )
    return y_down, layer_down, interface_down


def _upward_sweep(arrays: TwoChannelArrays, layers, y_above_top, bottom_plane: int, one):
    """Upward sweep: y_up[j] at plane j looking up (into layer j - 1 through its bottom face).

    Returns (y_up, layer_up, interface_up), filled for planes <= `bottom_plane`; `y_above_top`
    is the admittance above the top face (`None`: adiabatic)."""
    n = arrays.n_layers
    two = arrays.has_electrons
    y_up = [None] * (n + 1)
    y_up_top = [None] * n
    interface_up = [None] * n
    layer_up = [None] * n
    for j in range(1, bottom_plane + 1):
        i = j - 1
        if i == 0:
            y_up_top[0] = y_above_top
        else:
            y_up_top[i], interface_up[i] = _stored(
                _across_interface(_interface(arrays, i - 1, False), y_up[i], two[i], two[i - 1]), one
            )
        y_up[j], layer_up[i] = _through(layers[i], y_up_top[i])
        if not two[i]:
            y_up[j], layer_up[i] = _stored((y_up[j], layer_up[i]), one)
    return y_up, layer_up, interface_up


def _carry_down(temperature, heat_plane: int, probe_plane: int, layer_down, interface_down):
    """Carry the temperature at `heat_plane` down to the deeper `probe_plane`."""
    for j in range(heat_plane, probe_plane):
        if j >= 1:
            temperature = _carry(interface_down[j], temperature)
        temperature = _carry(layer_down[j], temperature)
    return temperature


def _carry_up(temperature, heat_plane: int, probe_plane: int, layer_up, interface_up):
    """Carry the temperature at `heat_plane` up to the shallower `probe_plane`."""
    for j in range(heat_plane, probe_plane, -1):
        i = j - 1
        temperature = _carry(layer_up[i], temperature)
        if i >= 1:
            temperature = _carry(interface_up[i], temperature)
    return temperature


def two_channel_plane_response(arrays: TwoChannelArrays, k2, s, heat_plane: int, probe_plane: int):
    """Probe reading a Te + b Tp at `probe_plane` per unit heat flux absorbed at `heat_plane`.

    **Arguments:**

    - `arrays`: `TwoChannelArrays` of the stack (per-layer leaves without batch axes).
    - `k2`: squared radial wavenumber (m^-2), real, broadcastable with `s`.
    - `s`: complex Laplace variable (rad/s), `i omega` on the frequency axis.
    - `heat_plane`, `probe_plane`: static plane indices (0 = top face; j >= 1 = bottom face
      of layer j - 1, on the upper side of interface j - 1).

    **Returns:** complex array of the broadcast shape of `k2` and `s` (K m^2 W^-1): the
    Hankel-space Green function, with the heat split (f, 1 - f) between electrons and
    phonons by `electron_heating_fraction` of the heated plane's layer and read with the
    weights (a, b) of the probed plane's layer. A one-temperature layer absorbs and is read
    in its single temperature (weight 1).
    """
    n = arrays.n_layers
    two = arrays.has_electrons
    s = jnp.asarray(s)
    shape = jnp.broadcast_shapes(jnp.shape(k2), jnp.shape(s))
    dtype = jnp.result_type(s, arrays.thickness, complex)
    one = _runtime_one(arrays, s, k2)
    layers = [
        two_channel_layer(arrays, i, k2, s, one)
        if two[i]
        else _one_channel_layer(arrays, i, k2, s, semi_infinite=arrays.semi_infinite_last and i == n - 1)
        for i in range(n)
    ]
    top_plane, bottom_plane = min(heat_plane, probe_plane), max(heat_plane, probe_plane)
    y_down, layer_down, interface_down = _downward_sweep(arrays, layers, None, top_plane, one)
    y_up, layer_up, interface_up = _upward_sweep(arrays, layers, None, bottom_plane, one)
    heat_layer, probe_layer = _plane_layer(heat_plane), _plane_layer(probe_plane)
    up, down = (y_up[heat_plane] if heat_plane > 0 else None), y_down[heat_plane]  # None: adiabatic
    total = (
        (up if down is None else down)
        if up is None or down is None
        else _Symmetric(*(a + b for a, b in zip(up, down)))
        if two[heat_layer]
        else up + down
    )
    if two[heat_layer]:
        fraction = arrays.electron_heating_fraction[..., heat_layer]
        ee, ep, pp = (jnp.broadcast_to(x, shape).astype(dtype) for x in total)
        inverse_determinant = _fusible.reciprocal(ee * pp - ep * ep)
        electrons, phonons = fraction * inverse_determinant, (1.0 - fraction) * inverse_determinant
        temperature = _Vector(pp * electrons - ep * phonons, ee * phonons - ep * electrons)
    else:
        temperature = _fusible.reciprocal(jnp.broadcast_to(total, shape).astype(dtype))
    temperature = _stored(temperature, one)
    if probe_plane > heat_plane:
        temperature = _carry_down(temperature, heat_plane, probe_plane, layer_down, interface_down)
    elif probe_plane < heat_plane:
        temperature = _carry_up(temperature, heat_plane, probe_plane, layer_up, interface_up)

    if two[probe_layer]:
        return (
            arrays.electron_probe_weight[..., probe_layer] * temperature.e
            + arrays.phonon_probe_weight[..., probe_layer] * temperature.p
        )
    return temperature
