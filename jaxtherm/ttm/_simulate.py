"""`simulate`: the TTM over a whole time grid inside one `lax.scan`."""

from __future__ import annotations

import functools
import math

import jax
import jax.numpy as jnp
import numpy as np

from .. import progress
from .._layers import EnergyBalance, Geometry
from .._pytree import pytree_dataclass, static_field
from .._validation import check_finite, is_concrete
from ._boundaries import wall_conductances
from ._params import Config, Params, validate_params
from ._stability import check_run, check_stability
from ._step import (
    State,
    electron_mask,
    initial_state,
    make_geometry,
    step,
    stored_energy,
)

__all__ = ["Solution", "output_indices", "sample_positions", "simulate"]


@pytree_dataclass
class Solution(EnergyBalance):
    """What `simulate` returns.

    **Fields:**

    - `times`: output times (s), shape (n_out,).
    - `positions`: output depths (m), shape (n_pos,) (cell centres when none were requested).
    - `electron_temperature`, `phonon_temperature`: (n_out, n_pos) (K). Depths between
      cell centres are interpolated linearly; depths between a wall and the first
      centre take the centre value (zero-gradient extrapolation). In non-metal layers
      the electron temperature is not defined: it stays at its initial value there.
    - `wall_temperatures`: (n_out, 2 walls, 2 carriers) (K): the wall temperature at a
      ``"fixed"`` wall, else the value of the wall cell (zero-gradient wall);
      `front_electron_temperature` etc. read it.
    - `absorbed_energy`: source energy deposited up to each output time (J/m^2).
    - `stored_energy`: energy above the initial state, electrons + phonons (J/m^2).
    - `wall_heat_out`: energy that left through each wall, (n_out, 2 walls, 2 carriers) (J/m^2).
    - `final_state`: `State` at the last time (all cells).
    - `geometry`: the `Geometry` (cells) used.
    - `n_steps`: number of time steps (static).

    `energy_error` = stored - (absorbed - wall_heat_out): zero to round-off for the energy update.
    """

    times: jnp.ndarray
    positions: jnp.ndarray
    electron_temperature: jnp.ndarray
    phonon_temperature: jnp.ndarray
    wall_temperatures: jnp.ndarray
    absorbed_energy: jnp.ndarray
    stored_energy: jnp.ndarray
    wall_heat_out: jnp.ndarray
    final_state: State
    geometry: Geometry
    n_steps: int = static_field(default=0)


def sample_positions(field, centres, positions):
    """Linear interpolation of per-cell `field` at `positions` (m), clamped to the end centres."""
    n = centres.shape[0]
    index = jnp.clip(jnp.searchsorted(centres, positions) - 1, 0, n - 2)
    left, right = centres[index], centres[index + 1]
    fraction = jnp.clip((positions - left) / (right - left), 0.0, 1.0)
    return (1.0 - fraction) * field[..., index] + fraction * field[..., index + 1]


def output_indices(step_times, output_times):
    """Indices (into the step edges) of `output_times`, which must be step edges.

    **Arguments:** `step_times`: step edges (s); `output_times`: requested times (s) or None
    (every edge).

    **Returns:** numpy int array.
    """
    edges = np.asarray(step_times, dtype=float)
    if output_times is None:
        return np.arange(edges.size)
    out = np.atleast_1d(np.asarray(output_times, dtype=float))
    index = np.clip(np.searchsorted(edges, out), 0, edges.size - 1)
    lower = np.clip(index - 1, 0, edges.size - 1)
    pick = np.where(np.abs(edges[lower] - out) < np.abs(edges[index] - out), lower, index)
    scale = np.max(np.abs(np.diff(edges))) if edges.size > 1 else 1.0
    bad = np.abs(edges[pick] - out) > 1e-6 * scale
    if np.any(bad):
        raise ValueError(
            f"output_times {out[bad]} s are not step edges of times; build the time grid with "
            "jaxtherm.ttm.time_grid(..., output_times=...)"
        )
    return pick


def _wall_values(walls, state):
    """(2 walls, 2 carriers) wall temperatures (K): fixed value or the wall cell's."""
    te, tp = state.electron_temperature, state.phonon_temperature
    cells = jnp.stack([jnp.stack([te[0], tp[0]]), jnp.stack([te[-1], tp[-1]])])
    return jnp.where(walls.fixed > 0, walls.temperatures, cells)


# Below this many steps the scan is not segmented (the saved states are small anyway).
_CHECKPOINT_MIN_STEPS = 64


def checkpoint_segment(n_steps: int) -> int | None:
    """Steps per checkpointed segment of the time scan: ~sqrt(n_steps), None for short runs."""
    if n_steps < _CHECKPOINT_MIN_STEPS:
        return None
    return max(1, round(math.sqrt(n_steps)))


def scan_segmented(body, state, xs, segment: int | None):
    """`lax.scan(body, state, xs)` with the steps grouped into `jax.checkpoint`-ed segments.

    Reverse mode then stores the carry once per segment and recomputes one segment at a time,
    so with `segment` ~ sqrt(N) the memory of `jax.grad` grows like sqrt(N) states instead of N
    (plus the per-step outputs), for about one extra forward pass. When `segment` does not divide
    N the first segment starts with idle steps (the carry is passed through unchanged, their
    outputs dropped), so the body is compiled once. Results are those of the plain scan.
    """
    if segment is None:
        return jax.lax.scan(body, state, xs)
    n = jax.tree_util.tree_leaves(xs)[0].shape[0]
    n_segments = -(-n // segment)
    pad = n_segments * segment - n
    # Idle steps repeat the first input (finite, valid values) and are masked out.
    padded = jax.tree_util.tree_map(lambda x: jnp.concatenate([jnp.repeat(x[:1], pad, axis=0), x]), xs)
    active = jnp.arange(n_segments * segment) >= pad

    def masked_body(carry, step_input):
        step_xs, is_active = step_input
        new, output = body(carry, step_xs)
        new = jax.tree_util.tree_map(lambda a, b: jnp.where(is_active, a, b), new, carry)
        return new, output

    @jax.checkpoint
    def run_segment(carry, segment_input):
        return jax.lax.scan(masked_body, carry, segment_input)

    segments = jax.tree_util.tree_map(lambda x: x.reshape((n_segments, segment) + x.shape[1:]), (padded, active))
    state, history = jax.lax.scan(run_segment, state, segments)
    history = jax.tree_util.tree_map(lambda y: y.reshape((n_segments * segment,) + y.shape[2:])[pad:], history)
    return state, history


@functools.partial(jax.jit, static_argnames=("config", "every_cell", "segment"))
def _simulate(params, config, step_times, indices, positions, every_cell, segment=None):
    grid = make_geometry(params, config)
    state0 = initial_state(params, config, step_times[0], grid)
    te0, tp0 = state0.electron_temperature, state0.phonon_temperature
    walls = wall_conductances(params, config, grid, electron_mask(params, config))

    def observe(state):
        te, tp = state.electron_temperature, state.phonon_temperature
        if not every_cell:
            te = sample_positions(te, grid.centres, positions)
            tp = sample_positions(tp, grid.centres, positions)
        stored = stored_energy(params, config, grid, state.electron_temperature, state.phonon_temperature, te0, tp0)
        return te, tp, _wall_values(walls, state), state.absorbed_energy, stored, state.wall_heat_out

    n_steps = step_times.shape[0] - 1

    def body(state, step_input):
        dt, index = step_input
        new = step(params, config, state, dt, grid)
        if config.progress:
            progress.report("ttm", index + 1, n_steps)
        return new, observe(new)

    final, history = scan_segmented(body, state0, (jnp.diff(step_times), jnp.arange(n_steps)), segment)
    first = observe(state0)
    history = [jnp.concatenate([f[None], h])[indices] for f, h in zip(first, history)]
    te, tp, wall_temperatures, absorbed, stored, wall_out = history
    return Solution(
        times=step_times[indices],
        positions=grid.centres if every_cell else positions,
        electron_temperature=te,
        phonon_temperature=tp,
        wall_temperatures=wall_temperatures,
        absorbed_energy=absorbed,
        stored_energy=stored,
        wall_heat_out=wall_out,
        final_state=final,
        geometry=grid,
        n_steps=n_steps,
    )


def simulate(params: Params, config: Config, times, *, output_times=None, positions=None) -> Solution:
    """Run the two-temperature model over the time grid `times`.

    One `lax.scan` over the steps (which may grow: fs during a pulse, ps-ns after,
    see `time_grid`). Only the temperatures at the requested `positions` are kept
    per step. Differentiable (forward and reverse mode) in every float of
    `params`; `vmap` over `params`. Runs of 64 steps or more are scanned in
    `jax.checkpoint`-ed segments of ~sqrt(N) steps, so reverse mode (`jax.grad`) keeps
    ~2 sqrt(N) states instead of N, at the price of one extra forward pass.

    **Arguments:**

    - `params`: `jaxtherm.ttm.Params` (materials, thicknesses, source, walls...).
    - `config`: `jaxtherm.ttm.Config` (static: cells, variant, boundaries).
    - `times`: increasing step-edge times (s), shape (N+1,), e.g. from `time_grid`; the
      solver steps from each to the next (the source is integrated exactly over each step).
    - `output_times`: times (s) to report, each a step edge; None = every edge.
    - `positions`: depths (m) to report; None = every cell centre.

    **Returns:** `Solution`.

    Concrete runs are checked before (variant-A coupling and fixed-wall steps over the
    whole reachable temperature range, `max_stable_step`) and after (a non-positive or
    non-finite temperature raises `ValueError` naming the largest safe step).

    Implements DUGKS paper Appendix A, eq. 57-58 (variant A) and 59-60 (variant B).
    """
    if not isinstance(config, Config):
        raise TypeError(f"config must be jaxtherm.ttm.Config, got {type(config).__name__}")
    validate_params(params, config)
    edges_concrete = is_concrete(times)
    if edges_concrete:
        edges = np.asarray(times, dtype=float)
        check_finite("times", edges, "s")
        if edges.ndim != 1 or edges.size < 2:
            raise ValueError(f"times must be a 1-D array of at least 2 step edges (s), got shape {edges.shape}")
        if np.any(np.diff(edges) <= 0):
            raise ValueError("times must be strictly increasing (s)")
        indices = output_indices(edges, output_times)
        check_stability(params, config, edges)
    else:
        if output_times is not None:
            raise ValueError("output_times needs concrete times (s)")
        indices = np.arange(jnp.shape(times)[0])
    every_cell = positions is None
    if not every_cell:
        check_finite("positions", positions, "m")
        if is_concrete(positions) and is_concrete(params.layers):
            total = float(sum(float(layer.thickness) for layer in params.layers))
            requested = np.atleast_1d(np.asarray(positions, dtype=float))
            if np.any(requested < 0) or np.any(requested > total * (1 + 1e-12)):
                raise ValueError(
                    f"positions must lie in [0, {total:.6g}] m (the stack), got {requested}; depths are in metres"
                )
        positions = jnp.atleast_1d(jnp.asarray(positions, dtype=float))
    else:
        positions = jnp.zeros(0)
    segment = checkpoint_segment(int(jnp.shape(times)[0]) - 1)
    solution = _simulate(
        params, config, jnp.asarray(times, dtype=float), jnp.asarray(indices), positions, every_cell, segment
    )
    if edges_concrete:
        check_run(params, config, edges, solution)
    return solution
