"""Time integration of the DUGKS with `lax.scan`, outputs and energy bookkeeping."""

from __future__ import annotations

import functools
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from .. import progress
from .._layers import EnergyBalance, Geometry
from .._pytree import pytree_dataclass, static_field
from ._collision import equilibrium_energy
from ._geometry import discretise
from ._params import Config, Params, time_stepping, validate
from ._step import State, advance, centre_fields, collided, heat_flux, initial_state

__all__ = ["Solution", "interpolate_in_time", "probe", "probe_heat_flux", "simulate"]


@pytree_dataclass
class Solution(EnergyBalance):
    """What `simulate` returns (all SI; n_out = len(times) output times).

    **Fields:**

    - `times`: output times (s), (n_out,).
    - `positions`: cell centres (m), (N,).
    - `electron_temperature`, `phonon_temperature`: Te, Tp at the cell centres (K), (n_out, N).
      Phonon-only layers carry no electron energy: their Te reads the initial temperature.
    - `electron_heat_flux`, `phonon_heat_flux`: q = 2 pi sum w v mu u at the centres (W/m^2), (n_out, N).
    - `wall_temperatures`: face temperatures at the walls (K), (n_out, 2 walls, 2 carriers):
      `[:, 0, 0]` (`front_electron_temperature`) is the front (x = 0) electron
      temperature. They are the face values of the last step's half time (output time -
      dt/2); the first row holds the initial temperatures of the wall cells.
    - `absorbed_energy`: energy deposited by the source (J/m^2), (n_out,).
    - `stored_energy`: energy in the film above the initial state (J/m^2), (n_out,).
    - `wall_heat_out`: energy that left through each wall (J/m^2), (n_out, 2 walls, 2 carriers).
    - `final_state`: `State` at the last output time.
    - `geometry`: the `Geometry` (cells) used.
    - `time_step`: dt (s); `n_steps`: number of DUGKS steps (static).

    `energy_error` = stored - (absorbed - wall_heat_out) (J/m^2).
    """

    times: Any
    positions: Any
    electron_temperature: Any
    phonon_temperature: Any
    wall_temperatures: Any
    absorbed_energy: Any
    stored_energy: Any
    wall_heat_out: Any
    final_state: State
    geometry: Geometry
    electron_heat_flux: Any
    phonon_heat_flux: Any
    time_step: Any
    n_steps: int = static_field(default=0)


def _record(disc, params, config, state, dt, te0, tp0):
    fields = centre_fields(disc, params, config, state.distribution, state.time, dt)
    flux = heat_flux(disc, collided(fields, state.distribution, 0.5 * dt))
    te, tp = fields.electron_temperature, fields.phonon_temperature
    t_ref = params.initial_temperature
    energy = equilibrium_energy(disc.cell, te, tp, t_ref) - equilibrium_energy(disc.cell, te0, tp0, t_ref)
    return {
        "te": te,
        "tp": tp,
        "qe": flux[0],
        "qp": flux[1],
        "walls": state.wall_temperatures,
        "stored": jnp.sum(disc.geometry.widths * jnp.sum(energy, axis=0)),
        "absorbed": state.absorbed_energy,
        "wall_out": state.wall_heat_out,
    }


@functools.partial(jax.jit, static_argnums=(1, 4, 5))
def _simulate(params: Params, config: Config, times, dt, steps_per_output: int, n_outputs: int) -> Solution:
    disc = discretise(params, config)
    state0 = initial_state(params, config, times[0], dt, disc)
    first = centre_fields(disc, params, config, state0.distribution, state0.time, dt)
    te0, tp0 = first.electron_temperature, first.phonon_temperature

    def one_step(state, _):
        return advance(disc, params, config, state, dt), None

    # Rematerialise the inner steps under reverse mode: only one state per output is stored.
    @jax.checkpoint
    def between_outputs(state):
        state, _ = jax.lax.scan(one_step, state, None, length=steps_per_output)
        return state

    def outer(state, output_index):
        state = between_outputs(state)
        if config.progress:
            progress.report("dugks", output_index + 1, n_outputs)
        return state, _record(disc, params, config, state, dt, te0, tp0)

    final, records = jax.lax.scan(outer, state0, jnp.arange(n_outputs))
    initial = _record(disc, params, config, state0, dt, te0, tp0)
    records = jax.tree_util.tree_map(lambda a, b: jnp.concatenate([a[None], b]), initial, records)
    return Solution(
        times=times,
        positions=disc.geometry.centres,
        electron_temperature=records["te"],
        phonon_temperature=records["tp"],
        wall_temperatures=records["walls"],
        absorbed_energy=records["absorbed"],
        stored_energy=records["stored"],
        wall_heat_out=records["wall_out"],
        final_state=final,
        geometry=disc.geometry,
        electron_heat_flux=records["qe"],
        phonon_heat_flux=records["qp"],
        time_step=dt,
        n_steps=n_outputs * steps_per_output,
    )


def simulate(params: Params, config: Config, times) -> Solution:
    """Run the DUGKS and report at the output `times`.

    Validates concrete inputs once (outside `jit`), plans the steps on the host
    (dt <= CFL dx_min / v_max, `times` landing on steps: `time_stepping`), then runs
    the jitted, `lax.scan`-based solver; new parameter values never retrace. Works
    under `jax.vmap`, `jax.jacfwd` and `jax.grad` in every float of `params`, layer
    thicknesses included (set `config.max_time_step` when thicknesses are traced,
    `config.max_speed` when only speeds are).

    **Arguments:**

    - `params`: `Params` (layers with thicknesses, source, temperatures; SI).
    - `config`: `Config` (cells, ordinates, CFL, limiter, boundaries).
    - `times`: equally spaced output times (s), (n_out,) with n_out >= 2, concrete;
      the run starts at `times[0]`.

    **Returns:** a `Solution`.
    """
    validate(params, config)
    plan = time_stepping(params, config, times)
    times = np.asarray(times, dtype=float)
    return _simulate(
        params, config, jnp.asarray(times), jnp.asarray(plan.time_step), plan.steps_per_output, times.size - 1
    )


def probe(solution: Solution, positions):
    """Te and Tp (K) at given depths (m), linear in x between cell centres and wall faces.

    **Arguments:** `solution`; `positions`: depths (m), any shape, within [0, L].

    **Returns:** `(Te, Tp)`, each of shape (n_out,) + positions.shape.
    """
    positions = jnp.asarray(positions, dtype=float)
    grid = jnp.concatenate([jnp.zeros(1), solution.positions, solution.length[None]])

    def along(values, walls):
        full = jnp.concatenate([walls[:, :1], values, walls[:, 1:]], axis=-1)
        flat = positions.reshape(-1)
        out = jax.vmap(lambda row: jnp.interp(flat, grid, row))(full)
        return out.reshape(full.shape[:1] + positions.shape)

    te = along(solution.electron_temperature, solution.wall_temperatures[:, :, 0])
    tp = along(solution.phonon_temperature, solution.wall_temperatures[:, :, 1])
    return te, tp


def probe_heat_flux(solution: Solution, positions):
    """Electron and phonon heat fluxes (W/m^2) at depths `positions` (m), linear between cell
    centres (held constant between a wall and the first centre).

    **Returns:** `(q_e, q_p)`, each of shape (n_out,) + positions.shape.
    """
    positions = jnp.asarray(positions, dtype=float)
    flat = positions.reshape(-1)

    def along(values):
        out = jax.vmap(lambda row: jnp.interp(flat, solution.positions, row))(values)
        return out.reshape(values.shape[:1] + positions.shape)

    return along(solution.electron_heat_flux), along(solution.phonon_heat_flux)


def interpolate_in_time(solution: Solution, values, times):
    """Linear interpolation of an output series `values` (n_out, ...) at `times` (s)."""
    times = jnp.asarray(times, dtype=float)
    values = jnp.asarray(values)
    flat = values.reshape(values.shape[0], -1)
    out = jax.vmap(lambda col: jnp.interp(times, solution.times, col), in_axes=1, out_axes=-1)(flat)
    return out.reshape(times.shape + values.shape[1:])
