"""Walls of the TTM: insulated (zero flux), fixed temperature, or periodic.

A ``"fixed"`` wall holds its carrier at the wall temperature through the half
cell next to it: conductance 2 kappa / w between the wall and the first centre.
A fixed electron temperature is meaningless at a non-metal wall cell and is
ignored there. Periodic walls are handled by the cyclic solvers of the step.
"""

from __future__ import annotations

import jax.numpy as jnp

from .._layers import wall_temperature_array
from .._pytree import pytree_dataclass

__all__ = ["Walls", "wall_conductances"]


@pytree_dataclass
class Walls:
    """Wall data of one run.

    **Fields:** `fixed`: (2 walls, 2 carriers) 1.0 where the carrier is held at a fixed
    temperature, else 0.0; `widths`: widths of the two wall cells (m); `temperatures`:
    (2 walls, 2 carriers) wall temperatures (K).
    """

    fixed: jnp.ndarray
    widths: jnp.ndarray
    temperatures: jnp.ndarray

    def left_conductance(self, electron_conductivity, phonon_conductivity):
        """(electron, phonon) conductances (W m^-2 K^-1) between the left wall and the first centre."""
        kappa = jnp.stack([electron_conductivity[0], phonon_conductivity[0]])
        return self.fixed[0] * 2.0 * kappa / self.widths[0]

    def right_conductance(self, electron_conductivity, phonon_conductivity):
        """(electron, phonon) conductances (W m^-2 K^-1) between the last centre and the right wall."""
        kappa = jnp.stack([electron_conductivity[-1], phonon_conductivity[-1]])
        return self.fixed[1] * 2.0 * kappa / self.widths[1]


def wall_conductances(params, config, geometry, electron_mask) -> Walls:
    """`Walls` of (params, config) on `geometry`; `electron_mask`: static per-cell metal flags."""
    fixed = [[float(kind == "fixed") for kind in wall] for wall in config.boundaries]
    fixed[0][0] *= float(electron_mask[0])
    fixed[1][0] *= float(electron_mask[-1])
    return Walls(
        fixed=jnp.asarray(fixed),
        widths=jnp.stack([geometry.widths[0], geometry.widths[-1]]),
        temperatures=wall_temperature_array(params.wall_temperatures),
    )
