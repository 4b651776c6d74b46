"""Per-wavenumber plane-to-plane response of a layered stack, in a stable impedance form.

For radial wavenumber k (m^-1) and complex Laplace variable s (rad/s; s = i*omega
on the frequency axis) each layer has

    q^2 = (kappa_r k^2 + s C) / kappa_z,     Gamma = kappa_z q,

(ITR paper). Instead of multiplying the 2x2 cosh/sinh transfer matrices
(which overflow for thick layers at high frequency or large k), we propagate
*admittances* Y = flux / temperature and *temperature ratios* between planes:

* a layer seen through its far face with admittance Y_far shows, at its near face,
  `Y_near = Gamma (Y_far + Gamma tanh(qd)) / (Gamma + Y_far tanh(qd))`;
* the temperature ratio far/near across it is
  `sech(qd) / (1 + (Y_far / Gamma) tanh(qd))`;
* an interface resistance R maps `Y -> Y / (1 + R Y)` and the temperature across it
  by `1 / (1 + R Y)`.

tanh and sech are evaluated from `exp(-q d)` with Re(q) >= 0, so every quantity
stays bounded (|e^{-qd}| <= 1); an infinite thickness gives `exp(-q d) = 0`
(tanh = 1, sech = 0). A unit sheet source at plane h sees
`theta_h = 1 / (Y_up(h) + Y_down(h))` (top face adiabatic; a finite last layer has
an adiabatic back face, a semi-infinite one radiates), and the temperature at the
probed plane follows by multiplying the temperature ratios between the planes. This
is exact per wavenumber, for any heated/probed pair of planes.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp

from .. import _complex
from ._layer_factors import layer_factors as _layer_factors
from ._params import StackArrays

__all__ = ["depth_profile_nodes", "plane_response", "profile_response"]


def _through_layer(gamma, tanh, far_admittance):
    """Admittance at the near face of a layer whose far face sees `far_admittance`."""
    if isinstance(tanh, float):  # a statically semi-infinite layer: its admittance is Gamma
        return gamma
    return _complex.divide(gamma * (far_admittance + gamma * tanh), gamma + far_admittance * tanh)


def plane_response(arrays, k2, s, heat_plane: int, probe_plane: int):
    """Temperature at `probe_plane` per unit heat flux absorbed at `heat_plane`.

    **Arguments:**

    - `arrays`: the layer properties (`StackArrays` from `Stack.arrays()`), shapes `(n,)` and
      `(n - 1,)`.
    - `k2`: squared radial wavenumber (m^-2), real array broadcastable with `s`.
    - `s`: complex Laplace variable (rad/s), `i * omega` on the frequency axis.
    - `heat_plane`, `probe_plane`: static plane indices (0 = top face; j = bottom
      face of layer j - 1, above resistance j - 1).

    **Returns:** complex array, broadcast shape of `k2` and `s`: theta (K m^2 W^-1),
    i.e. the Hankel-space Green function g(k, s) of the ITR paper.
    """
    thickness, heat_capacity = arrays.thickness, arrays.heat_capacity
    conductivity, conductivity_inplane, resistances = (
        arrays.conductivity,
        arrays.conductivity_inplane,
        arrays.resistances,
    )
    n = thickness.shape[-1]
    s = jnp.asarray(s)
    factors = [
        _layer_factors(
            thickness[i],
            heat_capacity[i],
            conductivity[i],
            conductivity_inplane[i],
            k2,
            s,
            semi_infinite=arrays.semi_infinite_last and i == n - 1,
        )
        for i in range(n)
    ]
    zero = jnp.zeros(jnp.broadcast_shapes(jnp.shape(k2), jnp.shape(s)), dtype=jnp.result_type(s, complex))
    n_planes = n + 1

    # Only the layers needed are visited: the downward sweep stops at the upper of the two
    # planes, the upward sweep at the lower one (each layer is transformed at most twice).
    top_plane, bottom_plane = min(heat_plane, probe_plane), max(heat_plane, probe_plane)

    # Downward admittances: y_top[i] at the top face of layer i (below resistance i-1),
    # y_down[j] at plane j (above resistance j-1).
    y_top = [None] * n
    y_down = [None] * n_planes
    y_down[n] = zero  # adiabatic back face (irrelevant for a semi-infinite last layer: tanh = 1)
    for i in range(n - 1, top_plane - 1, -1):
        gamma, tanh, _ = factors[i]
        y_top[i] = _through_layer(gamma, tanh, y_down[i + 1])
        y_down[i] = y_top[i] if i == 0 else _complex.divide(y_top[i], 1.0 + resistances[i - 1] * y_top[i])

    # Upward admittances: y_up[j] at plane j looking up; y_up_top[i] at the top face of
    # layer i looking up (through resistance i-1).
    y_up = [None] * n_planes
    y_up_top = [None] * n
    y_up[0] = zero  # adiabatic top face
    for j in range(1, bottom_plane + 1):
        i = j - 1
        y_up_top[i] = zero if i == 0 else _complex.divide(y_up[i], 1.0 + resistances[i - 1] * y_up[i])
        gamma, tanh, _ = factors[i]
        y_up[j] = _through_layer(gamma, tanh, y_up_top[i])

    theta = _complex.reciprocal(y_up[heat_plane] + y_down[heat_plane])
    if probe_plane > heat_plane:
        for j in range(heat_plane, probe_plane):
            if j >= 1:
                theta = _complex.divide(theta, 1.0 + resistances[j - 1] * y_top[j])
            gamma, tanh, sech = factors[j]
            theta = _complex.divide(theta * sech * gamma, gamma + y_down[j + 1] * tanh)
    elif probe_plane < heat_plane:
        for j in range(heat_plane, probe_plane, -1):
            i = j - 1
            if i == 0:
                y_above = zero
            else:
                y_above = y_up_top[i]
            gamma, tanh, sech = factors[i]
            theta = _complex.divide(theta * sech * gamma, gamma + y_above * tanh)
            if i >= 1:
                theta = _complex.divide(theta, 1.0 + resistances[i - 1] * y_up[i])
    return theta


def _split_layer(arrays, layer: int, depths):
    """Split `layer` at the given depths below its top face (sorted), with zero resistance between parts."""
    thickness, resistances = arrays.thickness, arrays.resistances
    edges = [jnp.zeros_like(thickness[layer])] + list(depths) + [thickness[layer]]
    parts = [edges[i + 1] - edges[i] for i in range(len(edges) - 1)]
    # Parts below a finite depth in a semi-infinite layer stay semi-infinite (inf - z = inf).
    n_parts = len(parts)

    def repeat(values):
        return jnp.concatenate([values[:layer], jnp.repeat(values[layer : layer + 1], n_parts), values[layer + 1 :]])

    new_thickness = jnp.concatenate([thickness[:layer], jnp.stack(parts), thickness[layer + 1 :]])
    new_resistances = jnp.concatenate(
        [resistances[:layer], jnp.zeros(n_parts - 1, dtype=resistances.dtype), resistances[layer:]]
    )
    return StackArrays(
        thickness=new_thickness,
        heat_capacity=repeat(arrays.heat_capacity),
        conductivity=repeat(arrays.conductivity),
        conductivity_inplane=repeat(arrays.conductivity_inplane),
        resistances=new_resistances,
        semi_infinite_last=arrays.semi_infinite_last,
    )


def _profile_layer(plane: int) -> int:
    """Layer holding an optical profile entered at `plane`: layer 0 from the top face, else the
    layer above the plane (light through a transparent substrate, decaying upward)."""
    return 0 if plane == 0 else plane - 1


def _depth_from_top(arrays, plane: int, distance):
    """Depth below the top face of the profile layer of a point `distance` from its illuminated face."""
    layer = _profile_layer(plane)
    return distance if plane == 0 else arrays.thickness[layer] - distance


# Rate of the depth map (see depth_profile_nodes); 1 would be the equal-mass map.
_DEPTH_MAP_RATE = 1.0 / 3.0


def depth_profile_nodes(thickness, optical_depth: float, n_nodes: int, rule):
    """Distances from the illuminated face and weights for e^{-z/delta} profiles inside a layer.

    With y = (1 - e^{-c z/delta}) / (1 - e^{-c d/delta}) in (0, 1) and c = 1/3,
    int_0^d e^{-z/delta} G(z) dz / (delta (1 - e^{-d/delta})) becomes
    int_0^1 (N_c / (c N)) (1 - y N_c)^{1/c - 1} G(z(y)) dy, integrated by Gauss-Legendre in y.
    The slower map (c < 1) keeps the map's logarithmic singularity (at y = 1/N_c) away from the
    interval and multiplies it by a vanishing factor, so the rule converges much faster than
    the equal-mass (c = 1) map.
    """
    y, w = rule
    c = _DEPTH_MAP_RATE
    fraction = _fraction_within(thickness, optical_depth)
    fraction_c = _fraction_within(thickness, optical_depth / c)
    y = jnp.asarray(y)
    distance = -(optical_depth / c) * jnp.log1p(-y * fraction_c)
    weights = jnp.asarray(w) * (fraction_c / (c * fraction)) * (1.0 - y * fraction_c) ** (1.0 / c - 1.0)
    return distance, weights


def _fraction_within(length, decay_length):
    """1 - exp(-length / decay_length), = 1 for an infinite length (gradient-safe)."""
    infinite = jnp.isinf(length)
    safe = jnp.where(infinite, 1.0, length)
    return jnp.where(infinite, 1.0, -jnp.expm1(-safe / decay_length))


def _interval_nodes(alpha, beta, optical_depth, fraction_total, rule):
    """Own-distance nodes/weights of the e^{-z/delta} / (delta N) profile restricted to [alpha, beta]."""
    y, w = rule
    c = _DEPTH_MAP_RATE
    y = jnp.asarray(y)
    infinite = jnp.isinf(beta)
    span = _fraction_within(
        jnp.where(infinite, jnp.inf, jnp.where(infinite, alpha + 1.0, beta) - alpha), optical_depth / c
    )
    distance = alpha - (optical_depth / c) * jnp.log1p(-y * span)
    weights = (
        jnp.asarray(w)
        * jnp.exp(-alpha / optical_depth)
        * (span / (c * fraction_total))
        * (1.0 - y * span) ** (1.0 / c - 1.0)
    )
    return distance, weights


def _one_sided_profile(arrays, k2, s, plane: int, other_plane: int, nodes, heat_is_profile: bool):
    """Profile at `plane` (heat if `heat_is_profile`, else probe) against a sheet at `other_plane`."""
    layer = _profile_layer(plane)
    distances, weights = nodes

    def single(distance):
        split = _split_layer(arrays, layer, [_depth_from_top(arrays, plane, distance)])
        inner = layer + 1
        other = other_plane if other_plane <= layer else other_plane + 1
        hp, pp = (inner, other) if heat_is_profile else (other, inner)
        return plane_response(split, k2, s, hp, pp)

    values = jax.vmap(single)(distances)
    return jnp.tensordot(weights, values, axes=1)


def profile_response(
    arrays, k2, s, heat_plane: int, probe_plane: int, heat_nodes=None, probe_nodes=None, probe_profile=None, rule=None
):
    """Like `plane_response`, with optional exponential absorption / sensing depth profiles.

    **Arguments:**

    - `arrays`, `k2`, `s`, `heat_plane`, `probe_plane`: as in `plane_response`.
    - `heat_nodes`, `probe_nodes`: `None` (a sheet at the plane) or `(distances (m), weights)` of the
      profile inside the layer entered at that plane (`depth_profile_nodes`): layer 0 for plane 0
      (measured down from the top face), layer j - 1 for plane j >= 1 (measured up from its bottom
      face, as for a beam through a transparent substrate).
    - `probe_profile`, `rule`: `(sensing depth (m), absorbed fraction N)` and the Gauss-Legendre
      rule, needed when both profiles share a layer: the sensing integral is then split at the
      source depth, where the Green function has a kink, so both pieces converge geometrically.

    **Returns:** the profile-weighted temperature per unit absorbed flux (K m^2 W^-1).

    The profile is a weighted sum of sheet sources (heat) and sheet sensors (probe) at the nodes;
    the layer is split there with zero-resistance internal interfaces. Two sheets in the same layer
    use reciprocity (G(z, z') = G(z', z)) to put the source above the sensor.
    """
    if heat_nodes is None and probe_nodes is None:
        return plane_response(arrays, k2, s, heat_plane, probe_plane)

    if probe_nodes is None:
        return _one_sided_profile(arrays, k2, s, heat_plane, probe_plane, heat_nodes, True)
    if heat_nodes is None:
        return _one_sided_profile(arrays, k2, s, probe_plane, heat_plane, probe_nodes, False)

    heat_layer, probe_layer = _profile_layer(heat_plane), _profile_layer(probe_plane)
    heat_d, heat_w = heat_nodes
    probe_d, probe_w = probe_nodes

    def pair(distance_h, distance_p):
        zh = _depth_from_top(arrays, heat_plane, distance_h)
        zp = _depth_from_top(arrays, probe_plane, distance_p)
        if heat_layer == probe_layer:
            # order by the real part (values may be complexified for the holomorphic derivative)
            first = jnp.real(zh) <= jnp.real(zp)
            split = _split_layer(arrays, heat_layer, [jnp.where(first, zh, zp), jnp.where(first, zp, zh)])
            return plane_response(split, k2, s, heat_layer + 1, heat_layer + 2)
        lower, upper = max(heat_layer, probe_layer), min(heat_layer, probe_layer)
        z_lower, z_upper = (zh, zp) if heat_layer > probe_layer else (zp, zh)
        split = _split_layer(_split_layer(arrays, lower, [z_lower]), upper, [z_upper])
        upper_plane, lower_plane = upper + 1, lower + 2
        hp, pp = (lower_plane, upper_plane) if heat_layer > probe_layer else (upper_plane, lower_plane)
        return plane_response(split, k2, s, hp, pp)

    if heat_layer == probe_layer:
        sensing_depth, sensing_fraction = probe_profile
        thickness = arrays.thickness[heat_layer]

        def inner(distance_h):
            # the source point in the probe's own distance coordinate
            zh = _depth_from_top(arrays, heat_plane, distance_h)
            rho = zh if probe_plane == 0 else thickness - zh
            near_d, near_w = _interval_nodes(0.0, rho, sensing_depth, sensing_fraction, rule)
            far_d, far_w = _interval_nodes(rho, thickness, sensing_depth, sensing_fraction, rule)
            return jnp.concatenate([near_d, far_d]), jnp.concatenate([near_w, far_w])

        def outer(distance_h, weight_h):
            inner_d, inner_w = inner(distance_h)
            return weight_h * jnp.tensordot(inner_w, jax.vmap(lambda dp: pair(distance_h, dp))(inner_d), axes=1)

    else:

        def outer(distance_h, weight_h):
            return weight_h * jnp.tensordot(probe_w, jax.vmap(lambda dp: pair(distance_h, dp))(probe_d), axes=1)

    return jnp.sum(jax.vmap(outer)(heat_d, heat_w), axis=0)
