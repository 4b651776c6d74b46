"""One DUGKS step for the coupled electron-phonon BTE (DUGKS paper section III).

Arrays are stacked carrier x ordinate x cell, shape (2, M, N): carrier 0 is the
electron, carrier 1 the phonon. The state variable is the shifted distribution
`I~ = u - (dt/2) H` at cell centres (eq. 28/30), H being the whole right-hand
side `(u_eq - u)/tau + Q` with `Q_e = (S - G (Te - Tp))/4pi`, `Q_p = G (Te - Tp)/4pi`.

Per step (h = dt/2):

1. centre temperatures from the moments of I~ (eq. 46-47): a closed-form
   quadratic for Te after eliminating Tp (differentiable, no iteration);
   u = (I~ + h (u_eq/tau + Q)) / (1 + h/tau);
2. I-bar+ = u + (dt/4) H and its limited slope (`reconstruction`);
3. face values of I-bar at t + h along the characteristics (eq. 34-43), walls
   through ghost cells (`boundaries`);
4. face temperatures from the moments of I-bar (eq. 44-45, source at t + h) and
   the face u = (I-bar + (dt/4)(u_eq/tau + Q)) / (1 + dt/(4 tau));
   isothermal walls impose u = u_eq(T_wall) exactly on entering directions and
   layer interfaces use the diffuse mismatch model (`interface`);
5. conservative update I~(t + dt) = (4/3) I-bar+ - (1/3) I~ - dt/dx (F_R - F_L)
   with F = v mu u at the faces (eq. 26-27).

Source. The centre solve at time t uses the source averaged exactly over
[t - dt/2, t + dt/2] (the face solve at t + dt/2 the one over [t, t + dt]), so the
trapezoidal deposit of the scheme, (dt/2)(S_n + S_{n+1}) per step, telescopes to the
exact energy of the pulse for any dt (`jaxtherm.sources.step_cell_mean`).
"""

from __future__ import annotations

import functools
from typing import Any

import jax
import jax.numpy as jnp

from .._layers import wall_temperature_array
from .._pytree import pytree_dataclass
from ..sources import step_cell_mean, step_mean_power_density
from . import _boundaries, _interface, _reconstruction
from ._collision import LocalState, local_state, moments, solve_temperatures
from ._geometry import Discretisation, cell_slices, discretise, face_slices
from ._params import Config, Params

__all__ = ["State", "advance", "centre_fields", "initial_state", "initial_temperatures", "step"]


@pytree_dataclass
class State:
    """`lax.scan` carry of the DUGKS.

    **Fields:**

    - `distribution`: I~ at the cell centres, shape (2 carriers, M ordinates, N cells)
      (J/m^3/sr); it is u - (dt/2) H for the step dt it was made with.
    - `time`: t (s).
    - `absorbed_energy`: energy deposited by the source so far (J/m^2).
    - `wall_heat_out`: energy that left through each wall so far, shape (2 walls, 2 carriers) (J/m^2).
    - `wall_temperatures`: face temperatures at the walls at the last half step, shape
      (2 walls, 2 carriers) (K).
    """

    distribution: Any
    time: Any
    absorbed_energy: Any
    wall_heat_out: Any
    wall_temperatures: Any


def _cell_source(params, config, disc, time, dt):
    """S (W/m^3) on the cells averaged over [time - dt/2, time + dt/2] (exact for a `PulseSource`).

    Zero in phonon-only layers."""
    source = params.source
    if not config.with_source or source is None:
        return jnp.zeros(config.n_cells)
    faces = disc.geometry.faces
    if hasattr(source, "cell_mean"):
        density = step_cell_mean(source, faces, time - 0.5 * dt, time + 0.5 * dt)
    elif hasattr(source, "cell_average"):
        density = source.cell_average(faces, time)
    else:
        density = source.power_density(disc.geometry.centres, time)
    # the source heats electrons, so only metal layers absorb (as in jaxtherm.ttm)
    return density * disc.cell.carries_electrons


def _face_source(params, config, disc, start, end):
    """S (W/m^3) at the faces averaged over [start, end] (exact for a `PulseSource`)."""
    source = params.source
    if not config.with_source or source is None:
        return jnp.zeros(config.n_cells + 1)
    return step_mean_power_density(source, disc.geometry.faces, start, end) * disc.face.carries_electrons


def centre_fields(disc: Discretisation, params: Params, config: Config, distribution, time, dt) -> LocalState:
    """Temperatures, u_eq, tau, Q and S at the cell centres from I~ at `time` (s) for step `dt` (s)."""
    half = 0.5 * dt
    source = _cell_source(params, config, disc, time, dt)
    mom = moments(disc.weights, distribution)
    te, tp = solve_temperatures(disc.cell, mom[0] + half * source, mom[1], half, params.initial_temperature)
    return local_state(params, cell_slices(config), disc.cell, te, tp, source)


def collided(local: LocalState, distribution, width):
    """u = (f + w (u_eq/tau + Q)) / (1 + w/tau) per ordinate: the half-width-`w` collision of `f`."""
    gain = width * (local.equilibrium / local.relaxation_time + local.source_term)
    return (distribution + gain[:, None, :]) / (1.0 + width / local.relaxation_time)[:, None, :]


def heat_flux(disc: Discretisation, u):
    """q = 2 pi sum w v mu u (W/m^2), (2, N) at the centres."""
    return 2.0 * jnp.pi * jnp.sum((disc.weights * disc.mu)[:, None] * u, axis=-2) * disc.speed_cell


def initial_temperatures(disc: Discretisation, params: Params, config: Config):
    """Initial (Te, Tp) at the cell centres (K), per `config.initial_condition` (Te = T_ref in phonon-only layers)."""
    t0 = jnp.asarray(params.initial_temperature, dtype=float)
    x = disc.geometry.centres
    length = disc.geometry.length
    base = jnp.full(x.shape, 1.0) * t0
    # the inert electron row of phonon-only layers starts (and stays) at T_ref
    metal = disc.cell.carries_electrons > 0
    if config.initial_condition == "grating":
        return jnp.where(metal, base + params.grating_amplitude * jnp.sin(2.0 * jnp.pi * x / length), base), base
    if config.initial_condition == "linear":
        walls = wall_temperature_array(params.wall_temperatures)
        frac = x / length
        te = walls[0, 0] + (walls[1, 0] - walls[0, 0]) * frac
        tp = walls[0, 1] + (walls[1, 1] - walls[0, 1]) * frac
        return jnp.where(metal, te, base), tp
    return base, base


def initial_state(params: Params, config: Config, time, time_step, disc: Discretisation | None = None) -> State:
    """Equilibrium distributions at the initial temperatures at `time` (s), for steps `time_step` (s).

    I~ = u_eq - (dt/2) Q so that the first centre solve returns the initial temperatures.
    """
    disc = discretise(params, config) if disc is None else disc
    te, tp = initial_temperatures(disc, params, config)
    source = _cell_source(params, config, disc, time, time_step)
    local = local_state(params, cell_slices(config), disc.cell, te, tp, source)
    shape = (2, config.n_ordinates, te.shape[-1])
    distribution = jnp.broadcast_to((local.equilibrium - 0.5 * time_step * local.source_term)[:, None, :], shape)
    walls = jnp.stack([jnp.stack([te[0], tp[0]]), jnp.stack([te[-1], tp[-1]])])
    zero = jnp.zeros((), dtype=distribution.dtype)
    return State(
        distribution=distribution,
        time=zero + time,
        absorbed_energy=zero,
        wall_heat_out=jnp.zeros((2, 2), dtype=distribution.dtype),
        wall_temperatures=walls,
    )


def _affine_collision(local: LocalState, width, after):
    """Per-point (a, b) with `a f + b` the width-`width` collision of `f` followed by `after` of its relaxation.

    `collided` gives u = (f + w (u_eq/tau + Q)) / (1 + w/tau) = c f + c w g with g = u_eq/tau + Q;
    adding `after` (u_eq - u)/tau + Q, as I-bar+ = u + (dt/4) H does, scales and shifts it again.
    Each (2, P), materialised once (`optimization_barrier`): the per-ordinate kernels then read
    two numbers per point instead of recomputing the local physics.
    """
    tau = local.relaxation_time
    gain = local.equilibrium / tau + local.source_term
    scale = 1.0 / (1.0 + width / tau)
    a = scale * (1.0 - after / tau)
    b = width * gain * a + after * gain
    return a, b


def _face_state(disc, params, config, bar_face, time, dt):
    """Face temperatures (eq. 44-45) and the local fields there (source averaged over [t, t + dt])."""
    quarter = 0.25 * dt
    face_source = _face_source(params, config, disc, time, time + dt)
    face_mom = moments(disc.weights, bar_face)
    te_f, tp_f = solve_temperatures(
        disc.face, face_mom[0] + quarter * face_source, face_mom[1], quarter, params.initial_temperature
    )
    return local_state(params, face_slices(config), disc.face, te_f, tp_f, face_source)


def advance(disc: Discretisation, params: Params, config: Config, state: State, dt) -> State:
    """One DUGKS step of `dt` (s) on derived arrays (pure; used inside `lax.scan`)."""
    half, quarter = 0.5 * dt, 0.25 * dt
    tilde = state.distribution
    m_half = config.n_ordinates // 2

    # 1. centre temperatures and the original distribution at time t (eq. 46-47, 28-31):
    # I-bar+ = u + (dt/4) H = a I~ + b per cell.
    centre = centre_fields(disc, params, config, tilde, state.time, dt)
    a_c, b_c = _affine_collision(centre, half, quarter)
    packed = jax.lax.optimization_barrier(jnp.stack([a_c, b_c]))
    a_c, b_c = packed[0], packed[1]
    bar_plus = a_c[:, None, :] * tilde + b_c[:, None, :]

    # 2-3. ghost cells, slopes and face reconstruction at t + dt/2 (eq. 34-43).
    wall_eq = _boundaries.wall_equilibrium(disc, params)
    extended, widths_ext, centres_ext, speeds_ext = _boundaries.extend(disc, config, bar_plus, wall_eq)
    slopes = _reconstruction.slopes(config, extended, centres_ext, config.interface_faces())
    bar_face = _reconstruction.face_values(extended, slopes, widths_ext, speeds_ext, disc.mu, half, m_half)

    # 4. face temperatures (eq. 44-45) and the face distribution after the quarter-step collision.
    face = _face_state(disc, params, config, bar_face, state.time, dt)
    a_f, _ = _affine_collision(face, quarter, 0.0)
    b_f = quarter * (face.equilibrium / face.relaxation_time + face.source_term) * a_f
    packed = jax.lax.optimization_barrier(jnp.stack([a_f, b_f]))
    a_f, b_f = packed[0], packed[1]
    u_face = a_f[:, None, :] * bar_face + b_f[:, None, :]
    u_face, wall_temps = _boundaries.apply_isothermal(
        disc,
        params,
        config,
        bar_face,
        u_face,
        face.relaxation_time,
        face.source_term,
        wall_eq,
        face.electron_temperature,
        face.phonon_temperature,
        quarter,
    )

    # 5. fluxes (one array per side of each face: they differ only at DMM interfaces).
    flux = disc.mu[None, :, None] * disc.speed_face[:, None, :] * u_face
    flux_left_side, flux_right_side = _interface.apply_dmm(
        disc, params, config, bar_face, centre, flux, quarter, m_half
    )
    widths = disc.geometry.widths
    tilde_plus = (4.0 / 3.0) * bar_plus - (1.0 / 3.0) * tilde
    new_tilde = tilde_plus - (dt / widths) * (flux_left_side[:, :, 1:] - flux_right_side[:, :, :-1])

    # bookkeeping: the trapezoidal source deposit and the wall losses exactly as applied above.
    next_source = _cell_source(params, config, disc, state.time + dt, dt)
    absorbed = state.absorbed_energy + half * jnp.sum(widths * (centre.source + next_source))
    net_left = 2.0 * jnp.pi * jnp.sum(disc.weights * flux_right_side[:, :, 0], axis=-1)
    net_right = 2.0 * jnp.pi * jnp.sum(disc.weights * flux_left_side[:, :, -1], axis=-1)
    # energy leaving: through the left wall the outward direction is -x.
    wall_out = state.wall_heat_out + dt * jnp.stack([-net_left, net_right])
    return State(
        distribution=new_tilde,
        time=state.time + dt,
        absorbed_energy=absorbed,
        wall_heat_out=wall_out,
        wall_temperatures=wall_temps,
    )


@functools.partial(jax.jit, static_argnums=1)
def step(params: Params, config: Config, state: State, dt) -> State:
    """One DUGKS step (pure, jitted; `config` static).

    **Arguments:** `params`: `Params` (SI); `config`: `Config`; `state`: `State` at time t
    made for this `dt` (`initial_state(..., time_step=dt)`); `dt`: step (s), at most
    CFL dx_min / v_max (`time_stepping`).

    **Returns:** the `State` at t + dt.
    """
    return advance(discretise(params, config), params, config, state, dt)
