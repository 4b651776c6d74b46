"""One semi-implicit TTM step (DUGKS paper Appendix A, eq. 57-60).

Finite volumes, cell-centred, central differences. Per unit area, for cell i of
width w_i and each carrier c with heat capacity C_c and face conductances K
(W m^-2 K^-1; harmonic combination of half cells plus interface resistance):

    (w C/dt) dT_i + 1/2 sum_f K_f (dT_i - dT_j) [+ 1/2 w G (dTe - dTp), variant B]
        = sum_f K_f (T_j - T_i) -/+ w G (Te - Tp) + w <S>_dt + wall terms

Variant A solves the electron and phonon systems independently (two tridiagonal
solves); variant B solves them together (2x2-block tridiagonal). Periodic
domains use the Woodbury identity on the cyclic corners. The direct
electron-to-non-metal-phonon channel at an interface is explicit in both
variants. With `temperature_update="energy"` the new temperatures come from
the energy E^{m+1} = E^m + C dT through the exact inverse of E(T), so that the
discrete energy balance (absorbed = stored + lost at the walls) holds to
round-off even for Ce = gamma Te. The source term <S>_dt is the source averaged
exactly over the step (`jaxtherm.sources.step_cell_mean`): a pulse shorter than the
step deposits its whole energy, wherever its peak falls.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from .._layers import Geometry, layer_geometry, layer_slices
from .._pytree import pytree_dataclass
from ..sources import step_cell_mean, step_mean_power_density
from ._boundaries import wall_conductances
from ._linear_solvers import (
    solve_coupled_tridiagonal,
    solve_periodic_coupled_tridiagonal,
    solve_tridiagonal_thomas,
)

__all__ = [
    "CellProperties",
    "State",
    "cell_properties",
    "electron_mask",
    "initial_state",
    "make_geometry",
    "step",
    "stored_energy",
]


@pytree_dataclass
class State:
    """The `lax.scan` carry of the TTM.

    **Fields:** `electron_temperature`, `phonon_temperature`: per cell (K); `time` (s);
    `absorbed_energy`: source energy deposited so far (J/m^2); `wall_heat_out`: energy
    that left through each wall so far, (2 walls, 2 carriers) (J/m^2).
    """

    electron_temperature: jnp.ndarray
    phonon_temperature: jnp.ndarray
    time: jnp.ndarray
    absorbed_energy: jnp.ndarray
    wall_heat_out: jnp.ndarray


def make_geometry(params, config) -> Geometry:
    """The cells of `params.layers` discretised as `config` says (differentiable in thicknesses)."""
    return layer_geometry(params.layers, config.cells_per_layer, config.cell_growth)


def electron_mask(params, config) -> np.ndarray:
    """Static boolean mask (n,): True in cells of metal layers (which carry electrons)."""
    return np.concatenate(
        [np.full(n, bool(layer.material.has_electrons)) for layer, n in zip(params.layers, config.cells_per_layer)]
    )


@pytree_dataclass
class CellProperties:
    """Per-cell material properties, each (n,).

    **Fields:** `electron_heat_capacity`, `phonon_heat_capacity` (J m^-3 K^-1);
    `electron_conductivity`, `phonon_conductivity` (W m^-1 K^-1); `coupling` G (W m^-3 K^-1).
    Non-metal cells get placeholder electron values (Ce = 1, kappa_e = 1, G = 0); their
    electron rows are decoupled (zero conductance, zero source) and never change.
    """

    electron_heat_capacity: jnp.ndarray
    phonon_heat_capacity: jnp.ndarray
    electron_conductivity: jnp.ndarray
    phonon_conductivity: jnp.ndarray
    coupling: jnp.ndarray


def cell_properties(params, config, electron_temperature, phonon_temperature) -> CellProperties:
    """`CellProperties` of every cell at the given temperatures (K)."""
    ce, cp, ke, kp, g = [], [], [], [], []
    for layer, sl in zip(params.layers, layer_slices(config.cells_per_layer)):
        material = layer.material
        te, tp = electron_temperature[sl], phonon_temperature[sl]
        if material.has_electrons:
            ce.append(material.electron_heat_capacity(te))
            ke.append(material.electron_conductivity(te, tp))
            g.append(material.coupling(te, tp))
        else:
            ce.append(jnp.ones_like(te))
            ke.append(jnp.ones_like(te))
            g.append(jnp.zeros_like(te))
        cp.append(material.phonon_heat_capacity(tp))
        kp.append(material.phonon_conductivity(te, tp))
    cat = jnp.concatenate
    return CellProperties(
        electron_heat_capacity=cat(ce),
        phonon_heat_capacity=cat(cp),
        electron_conductivity=cat(ke),
        phonon_conductivity=cat(kp),
        coupling=cat(g),
    )


def _temperature_after_energy(params, config, temperature, energy_increment, carrier):
    """Exact inverse of E(T): temperature after adding `energy_increment` (J/m^3) at `temperature` (K)."""
    out = []
    for layer, sl in zip(params.layers, layer_slices(config.cells_per_layer)):
        material = layer.material
        t, de = temperature[sl], energy_increment[sl]
        if carrier == "electron":
            out.append(material.electron_temperature_from_energy(de, t) if material.has_electrons else t)
        else:
            out.append(material.phonon_temperature_from_energy(de, t))
    return jnp.concatenate(out)


def stored_energy(params, config, grid, electron_temperature, phonon_temperature, electron_reference, phonon_reference):
    """Energy per unit area (J/m^2) stored above the reference fields (K), electrons of metals + phonons."""
    total = 0.0
    for layer, sl in zip(params.layers, layer_slices(config.cells_per_layer)):
        material = layer.material
        w = grid.widths[sl]
        if material.has_electrons:
            total = total + jnp.sum(w * material.electron_energy(electron_temperature[sl], electron_reference[sl]))
        total = total + jnp.sum(w * material.phonon_energy(phonon_temperature[sl], phonon_reference[sl]))
    return total


def _interface_face_indices(config):
    return np.cumsum(config.cells_per_layer)[:-1] - 1


@pytree_dataclass
class FaceConductances:
    """Interior-face conductances (W m^-2 K^-1), each (n-1,).

    **Fields:** `electron`, `phonon`: carrier conductances (half cells in series with the
    interface resistance); `electron_to_right_phonon`, `electron_to_left_phonon`: the direct
    channel from the electrons of the metal cell to the phonons of the non-metal cell across
    a metal/non-metal interface (zero elsewhere).
    """

    electron: jnp.ndarray
    phonon: jnp.ndarray
    electron_to_right_phonon: jnp.ndarray
    electron_to_left_phonon: jnp.ndarray


def face_conductances(params, config, grid, kappa_e, kappa_p) -> FaceConductances:
    """Interior-face conductances (W m^-2 K^-1).

    **Returns:** `FaceConductances`: electron and
    phonon conductances; the direct channel electrons(left cell) -> phonons(right cell) and
    electrons(right cell) -> phonons(left cell) at metal/non-metal interfaces.
    """
    n = config.n_cells
    mask = electron_mask(params, config)
    half_e = 0.5 * grid.widths / kappa_e
    half_p = 0.5 * grid.widths / kappa_p
    faces = _interface_face_indices(config)
    resist_e = jnp.zeros(n - 1)
    resist_p = jnp.zeros(n - 1)
    k_ep_right = jnp.zeros(n - 1)
    k_ep_left = jnp.zeros(n - 1)
    interfaces = params.interfaces
    for j, f in enumerate(faces):
        if not interfaces:
            break
        interface = interfaces[j]
        resist_e = resist_e.at[f].set(1.0 / interface.electron_conductance)
        resist_p = resist_p.at[f].set(1.0 / interface.phonon_conductance)
        h = interface.electron_phonon_conductance
        left_metal, right_metal = mask[f], mask[f + 1]
        if left_metal and not right_metal:
            k_ep_right = k_ep_right.at[f].set(h / (1.0 + h * (half_e[f] + half_p[f + 1])))
        elif right_metal and not left_metal:
            k_ep_left = k_ep_left.at[f].set(h / (1.0 + h * (half_e[f + 1] + half_p[f])))
    electron_face = jnp.asarray(mask[:-1] & mask[1:], dtype=half_e.dtype)
    k_e = electron_face / (half_e[:-1] + half_e[1:] + resist_e)
    k_p = 1.0 / (half_p[:-1] + half_p[1:] + resist_p)
    return FaceConductances(
        electron=k_e, phonon=k_p, electron_to_right_phonon=k_ep_right, electron_to_left_phonon=k_ep_left
    )


def initial_state(params, config, time=0.0, geometry=None) -> State:
    """State at `time` (s): uniform `initial_temperature`, a grating, or given per-cell arrays."""
    grid = make_geometry(params, config) if geometry is None else geometry
    n = config.n_cells
    condition = params.initial_condition
    if condition is None:
        te = jnp.full(n, 1.0) * params.initial_temperature
        tp = jnp.full(n, 1.0) * params.initial_temperature
    elif isinstance(condition, tuple):
        te, tp = (jnp.asarray(a, dtype=float) for a in condition)
    else:
        te, tp = condition.cell_average(grid.faces)
    zero = jnp.zeros((), dtype=te.dtype)
    return State(
        electron_temperature=te,
        phonon_temperature=tp,
        time=zero + time,
        absorbed_energy=zero,
        wall_heat_out=jnp.zeros((2, 2), dtype=te.dtype),
    )


def _source_mean(params, config, grid, start, end, mask):
    """Source averaged over the cells (or at the centres) and exactly over the step (W/m^3)."""
    source = params.source
    if source is None:
        return jnp.zeros(config.n_cells)
    if config.source_sampling == "centre" and hasattr(source, "power_density"):
        values = step_mean_power_density(source, grid.centres, start, end)
    else:
        values = step_cell_mean(source, grid.faces, start, end)
    return jnp.where(mask, values, 0.0)


def _increment(params, config, grid, te, tp, coeff_te, coeff_tp, dt, source_mean, mask, walls, exchange_temps=None):
    """Solve eq. 57-58 (A) or 59-60 (B) for (dTe, dTp) with coefficients at (coeff_te, coeff_tp).

    `exchange_temps` (Te, Tp) are where the explicit part of the coupling G (Te - Tp) is
    evaluated (default: at step m, as in the paper).
    """
    n = config.n_cells
    w = grid.widths
    props = cell_properties(params, config, coeff_te, coeff_tp)
    ce, cp, g = props.electron_heat_capacity, props.phonon_heat_capacity, props.coupling
    ke, kp = props.electron_conductivity, props.phonon_conductivity
    conductance = face_conductances(params, config, grid, ke, kp)
    k_e, k_p = conductance.electron, conductance.phonon
    k_ep_right, k_ep_left = conductance.electron_to_right_phonon, conductance.electron_to_left_phonon
    temps = jnp.stack([te, tp])  # (2, n)
    k = jnp.stack([k_e, k_p])  # (2, n-1)
    flux = k * (temps[:, 1:] - temps[:, :-1])  # into the left cell from the right one
    divergence = jnp.pad(flux, ((0, 0), (0, 1))) - jnp.pad(flux, ((0, 0), (1, 0)))
    diag = w * jnp.stack([ce, cp]) / dt + 0.5 * (jnp.pad(k, ((0, 0), (0, 1))) + jnp.pad(k, ((0, 0), (1, 0))))
    # Walls: fixed temperature through the half cell next to the wall.
    k_left, k_right = walls.left_conductance(ke, kp), walls.right_conductance(ke, kp)
    t_left, t_right = walls.temperatures[0], walls.temperatures[1]
    divergence = divergence.at[:, 0].add(k_left * (t_left - temps[:, 0]))
    divergence = divergence.at[:, n - 1].add(k_right * (t_right - temps[:, n - 1]))
    diag = diag.at[:, 0].add(0.5 * k_left).at[:, n - 1].add(0.5 * k_right)
    k_wrap = None
    if config.periodic:
        half = 0.5 * w / jnp.stack([ke, kp])
        k_wrap = jnp.asarray([float(mask[0] and mask[-1]), 1.0]) / (half[:, -1] + half[:, 0])
        wrap_flux = k_wrap * (temps[:, 0] - temps[:, n - 1])
        divergence = divergence.at[:, n - 1].add(wrap_flux).at[:, 0].add(-wrap_flux)
        diag = diag.at[:, 0].add(0.5 * k_wrap).at[:, n - 1].add(0.5 * k_wrap)
    exchange_te, exchange_tp = (te, tp) if exchange_temps is None else exchange_temps
    exchange = w * g * (exchange_te - exchange_tp)
    # Direct electron -> non-metal phonon channel (explicit).
    cross_right = k_ep_right * (te[:-1] - tp[1:])
    cross_left = k_ep_left * (te[1:] - tp[:-1])
    rhs_e = divergence[0] - exchange + w * source_mean
    rhs_e = rhs_e - jnp.pad(cross_right, (0, 1)) - jnp.pad(cross_left, (1, 0))
    rhs_p = divergence[1] + exchange + jnp.pad(cross_right, (1, 0)) + jnp.pad(cross_left, (0, 1))
    off = -0.5 * k  # (2, n-1)
    lower = jnp.pad(off, ((0, 0), (1, 0)))
    upper = jnp.pad(off, ((0, 0), (0, 1)))
    rhs = jnp.stack([rhs_e, rhs_p])
    if config.variant == "A" and not config.periodic:
        if config.tridiagonal_solver == "thomas":
            solution = solve_tridiagonal_thomas(lower, diag, upper, rhs)
        else:
            solution = jax.lax.linalg.tridiagonal_solve(lower, diag, upper, rhs[..., None])[..., 0]
    else:
        half_coupling = 0.5 * w * g if config.variant == "B" else jnp.zeros_like(w)
        diag = diag + half_coupling
        if config.periodic:
            solution = solve_periodic_coupled_tridiagonal(
                lower, diag, upper, -half_coupling, -half_coupling, -0.5 * k_wrap, rhs
            )
        else:
            solution = solve_coupled_tridiagonal(lower, diag, upper, -half_coupling, -half_coupling, rhs)
    # Heat leaving through each wall per carrier (W/m^2), at the Crank-Nicolson midpoint.
    wall_out = -jnp.stack(
        [
            k_left * (t_left - temps[:, 0] - 0.5 * solution[:, 0]),
            k_right * (t_right - temps[:, n - 1] - 0.5 * solution[:, n - 1]),
        ]
    )
    return solution, ce, cp, wall_out


def step(params, config, state: State, dt, geometry=None) -> State:
    """Advance the TTM by one step `dt` (s); pure, jit/vmap/grad-compatible.

    **Arguments:** `params`: `Params`; `config`: `Config` (static); `state`: `State`;
    `dt`: step (s); `geometry`: optional precomputed `Geometry` of (params, config).

    **Returns:** the new `State` at `state.time + dt`.
    """
    grid = make_geometry(params, config) if geometry is None else geometry
    mask = electron_mask(params, config)
    walls = wall_conductances(params, config, grid, mask)
    te, tp = state.electron_temperature, state.phonon_temperature
    t0, t1 = state.time, state.time + dt
    source_mean = _source_mean(params, config, grid, t0, t1, mask)
    delta, ce, cp, wall_power = _increment(params, config, grid, te, tp, te, tp, dt, source_mean, mask, walls)
    if config.coefficients == "midpoint":
        mid_te, mid_tp = te + 0.5 * delta[0], tp + 0.5 * delta[1]
        # Variant A: the explicit coupling at the predicted midpoint makes the step second order.
        exchange = (mid_te, mid_tp) if config.variant == "A" else None
        delta, ce, cp, wall_power = _increment(
            params, config, grid, te, tp, mid_te, mid_tp, dt, source_mean, mask, walls, exchange
        )
    if config.temperature_update == "energy":
        new_te = _temperature_after_energy(params, config, te, ce * delta[0], "electron")
        new_tp = _temperature_after_energy(params, config, tp, cp * delta[1], "phonon")
    else:
        new_te, new_tp = te + delta[0], tp + delta[1]
    new_te = jnp.where(mask, new_te, te)
    absorbed = dt * jnp.sum(grid.widths * source_mean)
    return State(
        electron_temperature=new_te,
        phonon_temperature=new_tp,
        time=t1,
        absorbed_energy=state.absorbed_energy + absorbed,
        wall_heat_out=state.wall_heat_out + dt * wall_power,
    )
