"""One DUGKS step for the coupled electron-phonon BTE (DUGKS paper section III, SPEC section 2.2).

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
"""

from __future__ import annotations

import functools
import math
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from .._pytree import pytree_dataclass
from . import boundaries as _boundaries
from . import interface as _interface
from . import reconstruction as _reconstruction
from .params import Config, Params
from .quadrature import ordinates

__all__ = ["State", "Setup", "prepare", "initial_state", "step", "solve_temperatures", "FOUR_PI"]

FOUR_PI = 4.0 * math.pi


@pytree_dataclass
class State:
    """`lax.scan` carry of the DUGKS.

    **Fields:**

    - `distribution`: I~ at the cell centres, shape (2 carriers, M ordinates, N cells) (J/m^3/sr).
    - `step_index`: number of steps taken (int); time = t_start + step_index dt.
    - `absorbed_energy`: energy deposited by the source so far (J/m^2), trapezoidal in time
      exactly as the scheme deposits it.
    - `wall_heat_out`: energy that left through each wall so far, shape (2 walls, 2 carriers) (J/m^2).
    - `wall_temperatures`: face temperatures at the walls at the last half step, shape
      (2 walls, 2 carriers) (K).
    """

    distribution: Any
    step_index: Any
    absorbed_energy: Any
    wall_heat_out: Any
    wall_temperatures: Any


class Setup(NamedTuple):
    """Per-cell / per-face arrays derived once from (params, config) inside `jit`."""

    mu: Any  # (M,)
    weights: Any  # (M,)
    centres: Any  # (N,) m
    widths: Any  # (N,) m
    faces: Any  # (N+1,) m
    speed_cell: Any  # (2, N) m/s
    speed_face: Any  # (2, N+1) m/s
    cell_coefficients: Any  # dict of (N,) arrays
    face_coefficients: Any  # dict of (N+1,) arrays
    params: Any  # the Params (materials, source, temperatures)


def _layer_slices(layer_index: np.ndarray) -> list[slice]:
    """Contiguous slices of points belonging to each layer (layers are contiguous blocks)."""
    slices = []
    n_layers = int(layer_index.max()) + 1
    for layer in range(n_layers):
        where = np.nonzero(layer_index == layer)[0]
        slices.append(slice(int(where[0]), int(where[-1]) + 1))
    return slices


def _per_layer(fn, layers, slices, *arrays):
    """Evaluate `fn(layer, *array_slices)` per layer and concatenate along the last axis."""
    if len(layers) == 1:
        return fn(layers[0], *arrays)
    return jnp.concatenate([fn(layer, *(a[..., sl] for a in arrays)) for layer, sl in zip(layers, slices)], axis=-1)


def _coefficients(layers, slices, n_points, reference_temperature):
    """Heat-capacity, coupling and speed coefficients on a set of points (cells or faces)."""
    ones = jnp.ones(n_points)

    def constant(getter):
        return _per_layer(lambda layer, o: getter(layer) * o, layers, slices, ones)

    # Ce(T) is linear in T for every model of `materials` (gamma T or constant): Ce = c0 + c1 T.
    c0 = constant(lambda layer: layer.electron_heat_capacity(jnp.asarray(0.0)))
    c1 = constant(lambda layer: layer.electron_heat_capacity(jnp.asarray(1.0)) - layer.electron_heat_capacity(
        jnp.asarray(0.0)))
    return {
        "ce0": c0,
        "ce1": c1,
        "ce_ref": c0 + c1 * reference_temperature,
        "cp": constant(lambda layer: layer.phonon_heat_capacity(jnp.asarray(reference_temperature))),
        "coupling": constant(lambda layer: layer.coupling(jnp.asarray(reference_temperature),
                                                          jnp.asarray(reference_temperature))),
        "ve": constant(lambda layer: layer.electron_speed),
        "vp": constant(lambda layer: layer.phonon_speed),
        "slices": slices,
    }


def prepare(params: Params, config: Config) -> Setup:
    """Derive the per-cell and per-face arrays of a run (pure; call inside `jit`).

    **Arguments:** `params` (`Params`), `config` (`Config` with `max_speed` resolved).

    **Returns:** a `Setup`.
    """
    mu, weights = ordinates(config.n_ordinates, config.quadrature)
    edges = config.edges()
    centres = 0.5 * (edges[1:] + edges[:-1])
    widths = np.diff(edges)
    layer_of_cell = config.layer_of_cell()
    layer_of_face = np.concatenate([layer_of_cell[:1], layer_of_cell])
    t_ref = jnp.asarray(params.initial_temperature, dtype=float)
    cell = _coefficients(params.layers, _layer_slices(layer_of_cell), len(centres), t_ref)
    face = _coefficients(params.layers, _layer_slices(layer_of_face), len(edges), t_ref)
    return Setup(
        mu=jnp.asarray(mu),
        weights=jnp.asarray(weights),
        centres=jnp.asarray(centres),
        widths=jnp.asarray(widths),
        faces=jnp.asarray(edges),
        speed_cell=jnp.stack([cell["ve"], cell["vp"]]),
        speed_face=jnp.stack([face["ve"], face["vp"]]),
        cell_coefficients=cell,
        face_coefficients=face,
        params=params,
    )


# ---------------------------------------------------------------------------
# local (per point) physics
# ---------------------------------------------------------------------------


def equilibrium_energy(coeffs, electron_temperature, phonon_temperature, reference_temperature):
    """Energy densities above T_ref (J/m^3), shape (2, P): int_Tref^T C dT per carrier."""
    de = electron_temperature - reference_temperature
    dp = phonon_temperature - reference_temperature
    ee = de * (coeffs["ce_ref"] + 0.5 * coeffs["ce1"] * de)
    ep = coeffs["cp"] * dp
    return jnp.stack([ee, ep])


def electron_temperature_from_energy(coeffs, energy, reference_temperature):
    """Invert E_e(T) = int_Tref^T (c0 + c1 T') dT' in its cancellation-free closed form."""
    b = coeffs["ce_ref"]
    disc = jnp.maximum(b * b + 2.0 * coeffs["ce1"] * energy, 0.0)
    return reference_temperature + 2.0 * energy / (b + jnp.sqrt(disc))


def solve_temperatures(coeffs, electron_moment, phonon_moment, half_width, reference_temperature):
    """Te, Tp (K) from `Ue(Te) + w G (Te - Tp) = A_e` and `Up(Tp) - w G (Te - Tp) = A_p`.

    DUGKS eq. 44-47 with w = dt/4 (faces) or dt/2 (centres); A_e already contains
    w S. Tp is eliminated (Up linear) and the quadratic for Te is solved in closed
    form: `(c1/2) d^2 + B d - R = 0`, `d = 2R / (B + sqrt(B^2 + 2 c1 R))`.

    **Arguments:**

    - `coeffs`: coefficient dict of the points (`ce0`, `ce1`, `ce_ref`, `cp`, `coupling`).
    - `electron_moment`, `phonon_moment`: A_e, A_p (J/m^3), shape (P,).
    - `half_width`: w (s).
    - `reference_temperature`: T_ref (K).

    **Returns:** `(Te, Tp)` (K), shape (P,) each.
    """
    g = half_width * coeffs["coupling"]
    cp = coeffs["cp"]
    share = g / (cp + g)
    b_coef = coeffs["ce_ref"] + share * cp
    rhs = electron_moment + share * phonon_moment
    disc = jnp.maximum(b_coef * b_coef + 2.0 * coeffs["ce1"] * rhs, 0.0)
    de = 2.0 * rhs / (b_coef + jnp.sqrt(disc))
    dp = (phonon_moment + g * de) / (cp + g)
    return reference_temperature + de, reference_temperature + dp


def relaxation_times(layers, slices, electron_temperature, phonon_temperature):
    """tau_e, tau_p (s) stacked as (2, P): tau = 3 kappa / (C v^2) from `jaxtherm.materials`."""
    tau_e = _per_layer(lambda layer, te, tp: layer.electron_relaxation_time(te, tp), layers, slices,
                       electron_temperature, phonon_temperature)
    tau_p = _per_layer(lambda layer, te, tp: layer.phonon_relaxation_time(te, tp), layers, slices,
                       electron_temperature, phonon_temperature)
    return jnp.stack([tau_e, tau_p])


def local_state(setup: Setup, coeffs, electron_temperature, phonon_temperature, source):
    """u_eq (per steradian), tau and Q at a set of points; each (2, P)."""
    p = setup.params
    t_ref = p.initial_temperature
    u_eq = equilibrium_energy(coeffs, electron_temperature, phonon_temperature, t_ref) / FOUR_PI
    tau = relaxation_times(p.layers, coeffs["slices"], electron_temperature, phonon_temperature)
    exchange = coeffs["coupling"] * (electron_temperature - phonon_temperature)
    q = jnp.stack([source - exchange, exchange]) / FOUR_PI
    return u_eq, tau, q


def _source(setup: Setup, config: Config, positions, time, cells: bool = False):
    """S (W/m^3) at `positions` (faces) or averaged over the cells (`cells=True`)."""
    source = setup.params.source
    if not config.with_source or source is None:
        return jnp.zeros(positions.shape[-1] - (1 if cells else 0))
    if cells:
        if hasattr(source, "cell_average"):
            return source.cell_average(positions, time)
        positions = 0.5 * (positions[1:] + positions[:-1])
    return source.power_density(positions, time)


def moments(setup: Setup, distribution):
    """Energy moment 2 pi sum_n w_n f_n over ordinates: (2, M, P) -> (2, P)."""
    # A broadcast-and-reduce, not a dot: XLA then fuses the ordinate sum into the producer
    # instead of transposing the whole (carrier, ordinate, cell) array for a matrix product.
    return 2.0 * math.pi * jnp.sum(setup.weights[:, None] * distribution, axis=-2)


def centre_fields(setup: Setup, config: Config, distribution, time, with_flux: bool = True):
    """Macroscopic fields at the cell centres from I~ at `time`.

    **Returns:** dict with `Te`, `Tp` (K, (N,)), `u` (2, M, N), `u_eq`, `tau`, `Q` ((2, N)),
    `source` (W/m^3, (N,)) and, if `with_flux`, `heat_flux` ((2, N), W/m^2).
    """
    dt = config.time_step()
    half = 0.5 * dt
    coeffs = setup.cell_coefficients
    t_ref = setup.params.initial_temperature
    source = _source(setup, config, setup.faces, time, cells=True)
    mom = moments(setup, distribution)
    te, tp = solve_temperatures(coeffs, mom[0] + half * source, mom[1], half, t_ref)
    u_eq, tau, q = local_state(setup, coeffs, te, tp, source)
    ratio = half / tau
    u = (distribution + (half * (u_eq / tau + q))[:, None, :]) / (1.0 + ratio)[:, None, :]
    fields = {"Te": te, "Tp": tp, "u": u, "u_eq": u_eq, "tau": tau, "Q": q, "source": source}
    if with_flux:
        fields["heat_flux"] = 2.0 * math.pi * jnp.sum((setup.weights * setup.mu)[:, None] * u, axis=-2) * setup.speed_cell
    return fields


def initial_state(params: Params, config: Config, setup: Setup | None = None) -> State:
    """Equilibrium distributions at the initial temperatures (uniform, grating or linear).

    I~ = u_eq - (dt/2) Q so that the first centre solve returns the initial temperatures.
    """
    if setup is None:
        setup = prepare(params, config)
    te, tp = initial_temperatures(setup, config)
    coeffs = setup.cell_coefficients
    dt = config.time_step()
    source = _source(setup, config, setup.faces, config.t_start, cells=True)
    u_eq, _, q = local_state(setup, coeffs, te, tp, source)
    m = config.n_ordinates
    distribution = jnp.broadcast_to((u_eq - 0.5 * dt * q)[:, None, :], (2, m, te.shape[-1]))
    walls = jnp.stack([jnp.stack([te[0], tp[0]]), jnp.stack([te[-1], tp[-1]])])
    zero = jnp.zeros((), dtype=distribution.dtype)
    return State(
        distribution=distribution,
        step_index=jnp.zeros((), dtype=jnp.int32),
        absorbed_energy=zero,
        wall_heat_out=jnp.zeros((2, 2), dtype=distribution.dtype),
        wall_temperatures=walls,
    )


def initial_temperatures(setup: Setup, config: Config):
    """Initial (Te, Tp) at the cell centres (K), per `config.initial_condition`."""
    p = setup.params
    t0 = jnp.asarray(p.initial_temperature, dtype=float)
    x = setup.centres
    length = float(np.sum(config.layer_thicknesses))
    base = jnp.full(x.shape, 1.0) * t0
    if config.initial_condition == "grating":
        return base + p.grating_amplitude * jnp.sin(2.0 * math.pi * x / length), base
    if config.initial_condition == "linear":
        walls = jnp.asarray(p.wall_temperatures, dtype=float)
        frac = x / length
        te = walls[0, 0] + (walls[1, 0] - walls[0, 0]) * frac
        tp = walls[0, 1] + (walls[1, 1] - walls[0, 1]) * frac
        return te, tp
    return base, base


# ---------------------------------------------------------------------------
# the step
# ---------------------------------------------------------------------------


def advance(setup: Setup, config: Config, state: State) -> State:
    """One DUGKS step on prepared arrays (pure; used inside `lax.scan`)."""
    p = setup.params
    dt = config.time_step()
    half = 0.5 * dt
    quarter = 0.25 * dt
    t_ref = p.initial_temperature
    time = config.t_start + state.step_index * dt
    tilde = state.distribution
    m_half = config.n_ordinates // 2

    # 1. centre temperatures and the original distribution at time t (eq. 46-47, 28-31).
    centre = centre_fields(setup, config, tilde, time, with_flux=False)
    u = centre["u"]
    collision = (centre["u_eq"][:, None, :] - u) / centre["tau"][:, None, :] + centre["Q"][:, None, :]
    bar_plus = u + quarter * collision
    tilde_plus = (4.0 / 3.0) * bar_plus - (1.0 / 3.0) * tilde

    # 2-3. ghost cells, slopes and face reconstruction at t + dt/2 (eq. 34-43).
    wall_equilibrium = _boundaries.wall_equilibrium(setup, p.wall_temperatures)
    extended, widths_ext, centres_ext, speeds_ext = _boundaries.extend(setup, config, bar_plus, wall_equilibrium)
    slopes = _reconstruction.slopes(config, extended, centres_ext, config.interface_faces())
    bar_face = _reconstruction.face_values(extended, slopes, widths_ext, speeds_ext, setup.mu, half, m_half)

    # 4. face temperatures (eq. 44-45) and the face distribution after the half-step collision.
    face_coeffs = setup.face_coefficients
    face_source = _source(setup, config, setup.faces, time + half)
    face_mom = moments(setup, bar_face)
    te_f, tp_f = solve_temperatures(face_coeffs, face_mom[0] + quarter * face_source, face_mom[1], quarter, t_ref)
    u_eq_f, tau_f, q_f = local_state(setup, face_coeffs, te_f, tp_f, face_source)
    u_face = (bar_face + (quarter * (u_eq_f / tau_f + q_f))[:, None, :]) / (1.0 + quarter / tau_f)[:, None, :]
    u_face, wall_temps = _boundaries.apply_isothermal(
        setup, config, bar_face, u_face, tau_f, q_f, wall_equilibrium, te_f, tp_f, quarter
    )

    # 5. fluxes (one array per side of each face: they differ only at DMM interfaces).
    flux = setup.mu[None, :, None] * setup.speed_face[:, None, :] * u_face
    flux_left_side, flux_right_side = _interface.apply_dmm(setup, config, bar_face, centre, flux, quarter, m_half)
    widths = setup.widths
    new_tilde = tilde_plus - (dt / widths) * (flux_left_side[:, :, 1:] - flux_right_side[:, :, :-1])

    # bookkeeping: trapezoidal source deposit and wall losses exactly as applied above.
    next_source = _source(setup, config, setup.faces, time + dt, cells=True)
    absorbed = state.absorbed_energy + half * jnp.sum(widths * (centre["source"] + next_source))
    net_left = 2.0 * math.pi * jnp.sum(setup.weights * flux_right_side[:, :, 0], axis=-1)
    net_right = 2.0 * math.pi * jnp.sum(setup.weights * flux_left_side[:, :, -1], axis=-1)
    # energy leaving: through the left wall the outward direction is -x.
    wall_out = state.wall_heat_out + dt * jnp.stack([-net_left, net_right])
    return State(
        distribution=new_tilde,
        step_index=state.step_index + 1,
        absorbed_energy=absorbed,
        wall_heat_out=wall_out,
        wall_temperatures=wall_temps,
    )


@functools.partial(jax.jit, static_argnums=1)
def step(params: Params, config: Config, state: State) -> State:
    """One DUGKS step (pure, jitted; `config` static with `max_speed` resolved).

    **Arguments:**

    - `params`: `Params` (SI).
    - `config`: `Config` (see `resolve_time_step`).
    - `state`: `State` at time t.

    **Returns:** the `State` at t + dt, dt = `config.time_step()` (s).
    """
    return advance(prepare(params, config), config, state)
