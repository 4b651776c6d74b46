"""Wall boundary conditions of the DUGKS (DUGKS paper Appendix B).

Per wall and per carrier:

* ``"specular"`` (eq. 62): a mirrored ghost cell, u(mu) = u(-mu) for entering
  directions. The face reconstruction then yields a mirror-symmetric I-bar, the
  half-step collision keeps that symmetry, so reflection is exact and the net
  flux through the wall is zero to round-off.
* ``"periodic"``: wrapped ghost cells (both walls).
* ``"isothermal"`` (eq. 61): entering directions carry exactly u_eq(T_wall). The
  leaving directions come from the interior reconstruction and go through the
  face collision with a face temperature chosen so that the face is in
  collisional balance (4 pi u_eq(T_f) equals the energy moment of the face
  distribution) - a linear equation for u_eq(T_f), solved in closed form, with
  tau and Q of the face frozen at their ghost-cell estimates.
"""

from __future__ import annotations

import jax.numpy as jnp

from .._layers import wall_temperature_array
from ..constants import FOUR_PI
from ._collision import electron_temperature_from_energy, equilibrium_energy

__all__ = ["apply_isothermal", "extend", "wall_equilibrium", "wall_ghosts"]


def wall_equilibrium(disc, params):
    """u_eq(T_wall) per steradian, shape (2 walls, 2 carriers) (J m^-3 sr^-1)."""
    t_ref = params.initial_temperature
    walls = wall_temperature_array(params.wall_temperatures)
    out = []
    for wall, index in ((0, 0), (1, -1)):
        coeffs = disc.face.at(index)
        energy = equilibrium_energy(coeffs, walls[wall, 0], walls[wall, 1], t_ref) / FOUR_PI
        # a phonon-only wall layer has an inert electron row at T_ref
        out.append(energy * jnp.stack([coeffs.carries_electrons, 1.0]))
    return jnp.stack(out)


def wall_ghosts(config, values, mirror_sign: float, isothermal_values):
    """Ghost cells on both walls of a (2 carriers, M ordinates, N cells) array, per wall kind.

    * specular: the mirror image, `mirror_sign * values(-mu)` of the wall cell
      (+1 for cell values, -1 for slopes: phi_g(x, mu) = phi(-x, -mu));
    * periodic: the wrapped cell of the other wall;
    * isothermal: `isothermal_values(wall, carrier)`, an (M,) array.

    **Returns:** `(left_ghost, right_ghost)`, each of shape (2, M, 1).
    """
    ghosts = []
    for wall, (index, wrap_index) in enumerate(((0, -1), (-1, 0))):
        per_carrier = []
        for carrier in range(2):
            kind = config.boundaries[wall][carrier]
            if kind == "specular":
                per_carrier.append(mirror_sign * values[carrier, ::-1, index])
            elif kind == "periodic":
                per_carrier.append(values[carrier, :, wrap_index])
            else:
                per_carrier.append(isothermal_values(wall, carrier))
        ghosts.append(jnp.stack(per_carrier)[..., None])
    return ghosts[0], ghosts[1]


def extend(disc, config, bar_plus, wall_eq):
    """Add one ghost cell on each side of I-bar+ according to the wall kinds.

    **Returns:** `(extended (2, M, N+2), widths (N+2,), centres (N+2,), speeds (2, N+2))`.
    """
    widths = disc.geometry.widths
    centres = disc.geometry.centres
    speeds = disc.speed_cell
    length = disc.geometry.faces[-1]
    m = bar_plus.shape[1]
    left, right = wall_ghosts(
        config, bar_plus, 1.0, lambda wall, carrier: jnp.broadcast_to(wall_eq[wall, carrier], (m,))
    )
    extended = jnp.concatenate([left, bar_plus, right], axis=-1)
    periodic = config.periodic
    left_width = widths[-1] if periodic else widths[0]
    right_width = widths[0] if periodic else widths[-1]
    widths_ext = jnp.concatenate([left_width[None], widths, right_width[None]])
    centres_ext = jnp.concatenate([(-0.5 * left_width)[None], centres, (length + 0.5 * right_width)[None]])
    left_speed = speeds[:, -1:] if periodic else speeds[:, :1]
    right_speed = speeds[:, :1] if periodic else speeds[:, -1:]
    speeds_ext = jnp.concatenate([left_speed, speeds, right_speed], axis=-1)
    return extended, widths_ext, centres_ext, speeds_ext


def apply_isothermal(disc, params, config, bar_face, u_face, tau_face, q_face, wall_eq, te_face, tp_face, quarter):
    """Impose eq. 61 exactly at isothermal walls; returns (u_face, wall temperatures (2, 2) K).

    **Arguments:** face I-bar and u (2, M, N+1), face tau and Q (2, N+1), u_eq(T_wall)
    (2, 2), face temperatures (N+1,) each, `quarter` = dt/4 (s).
    """
    m_half = bar_face.shape[1] // 2
    weights = disc.weights
    t_ref = params.initial_temperature
    wall_temps = []
    for wall, index in ((0, 0), (1, -1)):
        outgoing = slice(0, m_half) if wall == 0 else slice(m_half, None)
        entering = slice(m_half, None) if wall == 0 else slice(0, m_half)
        temps = [te_face[index], tp_face[index]]
        for carrier in range(2):
            if config.boundaries[wall][carrier] != "isothermal":
                continue
            a = quarter / tau_face[carrier, index]
            q = q_face[carrier, index]
            e_wall = wall_eq[wall, carrier]
            # hemisphere weights sum to exactly 1 (even, symmetric ordinates)
            s = jnp.sum(weights[outgoing] * bar_face[carrier, outgoing, index])
            e_face = (s + quarter * q + (1.0 + a) * e_wall) / (2.0 + a)
            u_out = (bar_face[carrier, outgoing, index] + a * e_face + quarter * q) / (1.0 + a)
            u_face = u_face.at[carrier, outgoing, index].set(u_out)
            u_face = u_face.at[carrier, entering, index].set(jnp.broadcast_to(e_wall, (m_half,)))
            coeffs = disc.face.at(index)
            energy = FOUR_PI * e_face
            if carrier == 0:
                temps[0] = electron_temperature_from_energy(coeffs, energy, t_ref)
            else:
                temps[1] = t_ref + energy / coeffs.phonon_capacity
        wall_temps.append(jnp.stack(temps))
    return u_face, jnp.stack(wall_temps)
