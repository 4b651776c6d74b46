"""`simulate(params, config, times) -> Solution`: the TDTR entry point of the shared model contract.

`Params` is the `Stack`, `Config` the `Setup`, the times are the pump-probe delays. `simulate`
returns the lock-in signal with its in-phase and out-of-phase parts, ratio and phase under named
fields; `signal` is the fast path that returns the complex signal alone.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp

from .._pytree import pytree_dataclass
from ._beams import Beams
from ._lockin import phase, ratio, signal
from ._params import Stack
from ._setup import Setup

__all__ = ["Solution", "simulate"]


@pytree_dataclass
class Solution:
    """What `simulate` returns (every field has the shape of the requested delays).

    **Fields:**

    - `times`: pump-probe delays t (s), as requested (not wrapped into the period).
    - `signal`: complex lock-in signal Z = V_in + i V_out per watt of absorbed average pump
      power (K W^-1; K m^2 W^-1 with `one_dimensional=True`).
    - `in_phase`, `out_of_phase`: V_in = Re Z and V_out = Im Z (same unit as `signal`).
    - `ratio`: -V_in / V_out (dimensionless).
    - `phase`: atan2(V_out, V_in) (rad).
    """

    times: jax.Array
    signal: jax.Array
    in_phase: jax.Array
    out_of_phase: jax.Array
    ratio: jax.Array
    phase: jax.Array


def simulate(params: Stack, config: Setup, times, *, beams: Beams | None = None, **options) -> Solution:
    """Lock-in signal of a TDTR measurement at the given delays, with its derived observables.

    **Arguments:**

    - `params`: the sample (`Stack`, the model's Params; differentiable, vmappable).
    - `config`: the measurement (`Setup`, the model's static Config).
    - `times`: pump-probe delays t (s), any shape (see `signal` for the allowed range).
    - `beams`: optional `Beams` (radii, offset, optical depths in m; differentiable leaves), as in
      `signal`.
    - `**options`: passed to `signal` (`wrap_delays=True` to accept delays outside one period).

    **Returns:** a `Solution`; `Solution.signal` equals `signal(params, config, times)`.
    """
    z = signal(params, config, times, beams=beams, **options)
    return Solution(
        times=jnp.asarray(times, dtype=float),
        signal=z,
        in_phase=jnp.real(z),
        out_of_phase=jnp.imag(z),
        ratio=ratio(z),
        phase=phase(z),
    )
