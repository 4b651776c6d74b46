"""Face reconstruction of the DUGKS (DUGKS paper eq. 34-43).

The face value of I-bar at t + dt/2 is the upwind cell's I-bar+ carried back along
the characteristic: `I-bar(x_f) = I-bar+(x_c) + (x_f - v mu dt/2 - x_c) sigma_c`, with
c the upwind cell (left for mu > 0) and sigma_c its slope: zero for first-order
upwind, van Leer limited otherwise. Cells next to a layer interface use a zero
slope (first order), because their neighbour across the interface is another medium.
"""

from __future__ import annotations

import jax.numpy as jnp

from ._boundaries import wall_ghosts

__all__ = ["face_values", "slopes", "van_leer"]


def van_leer(left, right):
    """van Leer limited slope `(sign a + sign b) |a| |b| / (|a| + |b|)` (0 at extrema).

    Written with a guarded denominator so that gradients stay finite where both
    one-sided differences vanish or nearly so: below sqrt(smallest normal number) the
    derivative of the quotient would need 1/denominator^2, which overflows (an inf
    times a zero tangent is a NaN, e.g. at the foot of a heat front); such slopes are zero.
    """
    abs_left = jnp.abs(left)
    abs_right = jnp.abs(right)
    denominator = abs_left + abs_right
    significant = denominator > jnp.sqrt(jnp.finfo(denominator.dtype).tiny)
    safe = jnp.where(significant, denominator, 1.0)
    value = (jnp.sign(left) + jnp.sign(right)) * abs_left * abs_right / safe
    return jnp.where(significant, value, 0.0)


def slopes(config, extended, centres_extended, interface_faces):
    """Limited slopes sigma of I-bar+ on the cells plus their two ghosts.

    **Arguments:**

    - `config`: the `Config` (limiter and boundary kinds).
    - `extended`: I-bar+ with ghost cells, shape (2, M, N + 2).
    - `centres_extended`: ghost-extended cell centres (m), shape (N + 2,).
    - `interface_faces`: static face indices lying on layer interfaces.

    **Returns:** slopes (J m^-4 sr^-1), shape (2, M, N + 2), or None for the upwind limiter.
    """
    if config.limiter == "upwind":
        return None
    differences = (extended[..., 1:] - extended[..., :-1]) / (centres_extended[1:] - centres_extended[:-1])
    if len(interface_faces):
        differences = differences.at[..., interface_faces].set(0.0)
    inner = van_leer(differences[..., :-1], differences[..., 1:])
    # Mirror image phi_g(x, mu) = phi(-x, -mu) => slope_g(mu) = -slope(-mu); isothermal
    # ghosts are uniform equilibrium cells, so their slope is zero.
    zero = jnp.zeros(inner.shape[1], inner.dtype)
    left, right = wall_ghosts(config, inner, -1.0, lambda wall, carrier: zero)
    return jnp.concatenate([left, inner, right], axis=-1)


def face_values(extended, slope, widths_extended, speeds_extended, mu, half_step, m_half):
    """I-bar at every face (including the two walls) at t + dt/2.

    **Arguments:**

    - `extended`: I-bar+ with ghosts, (2, M, N + 2).
    - `slope`: slopes from `slopes` or None (upwind).
    - `widths_extended`: cell widths with ghosts (m), (N + 2,).
    - `speeds_extended`: carrier speeds per extended cell (m/s), (2, N + 2).
    - `mu`: ordinates (M,), ascending (negative half first).
    - `half_step`: dt/2 (s).
    - `m_half`: M // 2.

    **Returns:** I-bar at the faces, shape (2, M, N + 1); ordinates mu < 0 come from the
    right cell of each face, mu > 0 from the left cell.
    """
    from_left = extended[:, m_half:, :-1]
    from_right = extended[:, :m_half, 1:]
    if slope is not None:
        mu_pos = mu[m_half:][None, :, None]
        mu_neg = mu[:m_half][None, :, None]
        offset_left = 0.5 * widths_extended[:-1] - speeds_extended[:, None, :-1] * mu_pos * half_step
        offset_right = -0.5 * widths_extended[1:] - speeds_extended[:, None, 1:] * mu_neg * half_step
        from_left = from_left + offset_left * slope[:, m_half:, :-1]
        from_right = from_right + offset_right * slope[:, :m_half, 1:]
    return jnp.concatenate([from_right, from_left], axis=1)
