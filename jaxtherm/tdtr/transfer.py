"""Per-wavenumber plane-to-plane response of a layered stack, in a stable impedance form.

For radial wavenumber k (m^-1) and complex Laplace variable s (rad/s; s = i*omega
on the frequency axis) each layer has

    q^2 = (kappa_r k^2 + s C) / kappa_z,     Gamma = kappa_z q,

(ITR paper / SPEC §4). Instead of multiplying the 2x2 cosh/sinh transfer matrices
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

import jax.numpy as jnp

__all__ = ["plane_response"]


def _layer_factors(thickness, heat_capacity, conductivity, conductivity_inplane, k2, s):
    """Gamma = kappa_z q, tanh(q d) and sech(q d) of one layer, broadcast over (k2, s)."""
    q = jnp.sqrt((conductivity_inplane * k2 + s * heat_capacity) / conductivity)
    gamma = conductivity * q
    semi_infinite = jnp.isinf(thickness)
    # Double `where` keeps gradients finite for an infinite thickness leaf.
    finite_thickness = jnp.where(semi_infinite, 1.0, thickness)
    decay = jnp.where(semi_infinite, 0.0, jnp.exp(-q * finite_thickness))
    decay2 = decay * decay
    tanh = (1.0 - decay2) / (1.0 + decay2)
    sech = 2.0 * decay / (1.0 + decay2)
    return gamma, tanh, sech


def _through_layer(gamma, tanh, far_admittance):
    """Admittance at the near face of a layer whose far face sees `far_admittance`."""
    return gamma * (far_admittance + gamma * tanh) / (gamma + far_admittance * tanh)


def plane_response(arrays, k2, s, heat_plane: int, probe_plane: int):
    """Temperature at `probe_plane` per unit heat flux absorbed at `heat_plane`.

    **Arguments:**

    - `arrays`: `(thickness (m), heat_capacity (J m^-3 K^-1), conductivity (W m^-1 K^-1),
      conductivity_inplane (W m^-1 K^-1), resistances (m^2 K W^-1))`, shapes `(n,)` and
      `(n - 1,)` (from `Stack.arrays()`).
    - `k2`: squared radial wavenumber (m^-2), real array broadcastable with `s`.
    - `s`: complex Laplace variable (rad/s), `i * omega` on the frequency axis.
    - `heat_plane`, `probe_plane`: static plane indices (0 = top face; j = bottom
      face of layer j - 1, above resistance j - 1).

    **Returns:** complex array, broadcast shape of `k2` and `s`: theta (K m^2 W^-1),
    i.e. the Hankel-space Green function g(k, s) of SPEC §4.
    """
    thickness, heat_capacity, conductivity, conductivity_inplane, resistances = arrays
    n = thickness.shape[-1]
    s = jnp.asarray(s)
    factors = [
        _layer_factors(thickness[i], heat_capacity[i], conductivity[i], conductivity_inplane[i], k2, s)
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
        y_down[i] = y_top[i] if i == 0 else y_top[i] / (1.0 + resistances[i - 1] * y_top[i])

    # Upward admittances: y_up[j] at plane j looking up; y_up_top[i] at the top face of
    # layer i looking up (through resistance i-1).
    y_up = [None] * n_planes
    y_up_top = [None] * n
    y_up[0] = zero  # adiabatic top face
    for j in range(1, bottom_plane + 1):
        i = j - 1
        y_up_top[i] = zero if i == 0 else y_up[i] / (1.0 + resistances[i - 1] * y_up[i])
        gamma, tanh, _ = factors[i]
        y_up[j] = _through_layer(gamma, tanh, y_up_top[i])

    theta = 1.0 / (y_up[heat_plane] + y_down[heat_plane])
    if probe_plane > heat_plane:
        for j in range(heat_plane, probe_plane):
            if j >= 1:
                theta = theta / (1.0 + resistances[j - 1] * y_top[j])
            gamma, tanh, sech = factors[j]
            theta = theta * sech / (1.0 + (y_down[j + 1] / gamma) * tanh)
    elif probe_plane < heat_plane:
        for j in range(heat_plane, probe_plane, -1):
            i = j - 1
            if i == 0:
                y_above = zero
            else:
                y_above = y_up_top[i]
            gamma, tanh, sech = factors[i]
            theta = theta * sech / (1.0 + (y_above / gamma) * tanh)
            if i >= 1:
                theta = theta / (1.0 + resistances[i - 1] * y_up[i])
    return theta
