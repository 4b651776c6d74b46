"""Time integration of the DUGKS with `lax.scan`, outputs and energy bookkeeping."""

from __future__ import annotations

import functools
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from .. import progress
from .._pytree import pytree_dataclass, static_field
from .params import Config, Params, resolve_time_step, validate
from .step import advance, centre_fields, initial_state, prepare

__all__ = ["Solution", "simulate", "probe", "probe_heat_flux", "interpolate_in_time"]


@pytree_dataclass
class Solution:
    """What `simulate` returns (all SI; n_out = config.n_outputs + 1 output times).

    **Fields:**

    - `times`: output times (s), (n_out,), the first is `t_start`.
    - `cell_centres`: (m), (N,).
    - `length`: total thickness (m).
    - `electron_temperature`, `phonon_temperature`: Te, Tp at the cell centres (K), (n_out, N).
    - `electron_heat_flux`, `phonon_heat_flux`: q = 2 pi sum w v mu u at the centres (W/m^2), (n_out, N).
    - `wall_temperatures`: face temperatures at the walls (K), (n_out, 2 walls, 2 carriers):
      `[:, 0, 0]` is the front (x = 0) electron temperature. They are the face values of
      the last step's half time (output time - dt/2); the first row holds the initial
      temperatures of the wall cells.
    - `stored_energy`: energy in the film above the initial state (J/m^2), (n_out,).
    - `absorbed_energy`: energy deposited by the source (J/m^2), (n_out,).
    - `wall_heat_out`: energy that left through each wall (J/m^2), (n_out, 2 walls, 2 carriers).
    - `time_step`: dt (s); `n_steps`: number of DUGKS steps (static).
    """

    times: Any
    cell_centres: Any
    length: Any
    electron_temperature: Any
    phonon_temperature: Any
    electron_heat_flux: Any
    phonon_heat_flux: Any
    wall_temperatures: Any
    stored_energy: Any
    absorbed_energy: Any
    wall_heat_out: Any
    time_step: Any
    n_steps: int = static_field(default=0)

    @property
    def front_electron_temperature(self):
        """Te at x = 0 (K), (n_out,)."""
        return self.wall_temperatures[:, 0, 0]

    @property
    def front_phonon_temperature(self):
        """Tp at x = 0 (K), (n_out,)."""
        return self.wall_temperatures[:, 0, 1]

    @property
    def rear_electron_temperature(self):
        """Te at x = L (K), (n_out,)."""
        return self.wall_temperatures[:, 1, 0]

    @property
    def energy_error(self):
        """Energy balance residual stored - (absorbed - lost through walls) (J/m^2), (n_out,)."""
        return self.stored_energy - self.absorbed_energy + jnp.sum(self.wall_heat_out, axis=(-1, -2))


def _stored_energy(setup, te, tp, te0, tp0):
    from .step import equilibrium_energy

    t_ref = setup.params.initial_temperature
    coeffs = setup.cell_coefficients
    energy = equilibrium_energy(coeffs, te, tp, t_ref) - equilibrium_energy(coeffs, te0, tp0, t_ref)
    return jnp.sum(setup.widths * jnp.sum(energy, axis=0))


def _record(setup, config, state, te0, tp0):
    time = config.t_start + state.step_index * config.time_step()
    fields = centre_fields(setup, config, state.distribution, time)
    return {
        "Te": fields["Te"],
        "Tp": fields["Tp"],
        "qe": fields["heat_flux"][0],
        "qp": fields["heat_flux"][1],
        "walls": state.wall_temperatures,
        "stored": _stored_energy(setup, fields["Te"], fields["Tp"], te0, tp0),
        "absorbed": state.absorbed_energy,
        "wall_out": state.wall_heat_out,
    }


@functools.partial(jax.jit, static_argnums=1)
def _simulate(params: Params, config: Config) -> Solution:
    setup = prepare(params, config)
    state0 = initial_state(params, config, setup)
    first = centre_fields(setup, config, state0.distribution, config.t_start)
    te0, tp0 = first["Te"], first["Tp"]
    steps_per_output = config.steps_per_output()

    def one_step(state, _):
        return advance(setup, config, state), None

    # Rematerialise the inner steps under reverse mode: only one state per output is stored.
    @jax.checkpoint
    def between_outputs(state):
        state, _ = jax.lax.scan(one_step, state, None, length=steps_per_output)
        return state

    def outer(state, output_index):
        state = between_outputs(state)
        if config.progress:
            progress.report("dugks", output_index + 1, config.n_outputs)
        return state, _record(setup, config, state, te0, tp0)

    _, records = jax.lax.scan(outer, state0, jnp.arange(config.n_outputs))
    start = _record(setup, config, state0, te0, tp0)
    records = jax.tree_util.tree_map(lambda a, b: jnp.concatenate([a[None], b]), start, records)
    return Solution(
        times=jnp.asarray(config.output_times()),
        cell_centres=setup.centres,
        length=jnp.asarray(float(np.sum(config.layer_thicknesses))),
        electron_temperature=records["Te"],
        phonon_temperature=records["Tp"],
        electron_heat_flux=records["qe"],
        phonon_heat_flux=records["qp"],
        wall_temperatures=records["walls"],
        stored_energy=records["stored"],
        absorbed_energy=records["absorbed"],
        wall_heat_out=records["wall_out"],
        time_step=jnp.asarray(config.time_step()),
        n_steps=config.n_steps(),
    )


def simulate(params: Params, config: Config) -> Solution:
    """Run the DUGKS from `config.t_start` to `config.t_end`.

    Validates concrete inputs once (outside `jit`), fills `config.max_speed` from the
    materials when needed, then runs the jitted, `lax.scan`-based solver; new
    parameter values never retrace. Works under `jax.vmap`, `jax.jacfwd` and
    `jax.grad` (set `config.max_speed` then, since the speeds are traced).

    **Arguments:**

    - `params`: `Params` (materials, source, temperatures; SI).
    - `config`: `Config` (geometry, ordinates, CFL, limiter, boundaries, time window).

    **Returns:** a `Solution`.
    """
    validate(params, config)
    config = resolve_time_step(params, config)
    return _simulate(params, config)


def probe(solution: Solution, positions):
    """Te and Tp (K) at given depths (m), linear in x between cell centres and wall faces.

    **Arguments:** `solution`; `positions`: depths (m), any shape, within [0, L].

    **Returns:** `(Te, Tp)`, each of shape (n_out,) + positions.shape.
    """
    positions = jnp.asarray(positions, dtype=float)
    grid = jnp.concatenate([jnp.zeros(1), solution.cell_centres, solution.length[None]])

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
        out = jax.vmap(lambda row: jnp.interp(flat, solution.cell_centres, row))(values)
        return out.reshape(values.shape[:1] + positions.shape)

    return along(solution.electron_heat_flux), along(solution.phonon_heat_flux)


def interpolate_in_time(solution: Solution, values, times):
    """Linear interpolation of an output series `values` (n_out, ...) at `times` (s)."""
    times = jnp.asarray(times, dtype=float)
    values = jnp.asarray(values)
    flat = values.reshape(values.shape[0], -1)
    out = jax.vmap(lambda col: jnp.interp(times, solution.times, col), in_axes=1, out_axes=-1)(flat)
    return out.reshape(times.shape + values.shape[1:])
