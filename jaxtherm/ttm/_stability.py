"""Time-step limits of the TTM schemes, checked over the whole run on the host.

Two limits, both evaluated over every temperature the run can reach - from the
coldest of the initial field and the fixed walls to the hottest of those and
the state in which the whole pulse energy stays in the electrons of the most
heated cell:

* variant A (explicit coupling): dt G (1/Ce + 1/Cp) < 2. For Ce = gamma Te the
  limit is set by the coldest electrons, so a cold wall tightens it.
* a ``"fixed"`` wall at a temperature different from the wall cell (a jump):
  Crank-Nicolson is not positivity preserving, and the jump makes the wall cell
  oscillate unless the first step dt <= 2 w^2 C / (3 kappa) (the explicit half of
  the wall-cell row stays non-negative: wall conductance 2 kappa/w plus the
  neighbour's kappa/w); once the jump has spread over a cell, steps may grow.

After a concrete run `check_run` refuses a non-finite or non-positive
temperature, naming the largest safe step.
"""

from __future__ import annotations

import numpy as np

from .._layers import wall_temperature_array
from .._validation import is_concrete
from ._step import electron_mask, initial_state, make_geometry

__all__ = ["check_run", "check_stability", "max_stable_step"]


def _temperature_range(params, config, te0, tp0):
    """Coldest and hottest temperature (K) the run can reach."""
    fixed = np.array([[kind == "fixed" for kind in wall] for wall in config.boundaries])
    walls = np.asarray(wall_temperature_array(params.wall_temperatures))[fixed]
    values = np.concatenate([np.ravel(te0), np.ravel(tp0), walls])
    coldest, hottest = float(np.min(values)), float(np.max(values))
    source = params.source
    if source is not None and hasattr(source, "cell_mean") and hasattr(source, "peak_time"):
        geometry = make_geometry(params, config)
        # Energy density (J/m^3) of the most heated cell if the whole pulse (within 1 s of its
        # peak: all of it) stayed there.
        peak = float(source.peak_time)
        density = 2.0 * float(np.max(np.asarray(source.cell_mean(geometry.faces, peak - 1.0, peak + 1.0))))
        for layer in params.layers:
            if layer.material.has_electrons:
                hot = float(layer.material.electron_temperature_from_energy(density, hottest))
                hottest = max(hottest, hot)
    return coldest, hottest


def _limits(params, config):
    """(variant-A coupling limit, fixed-wall jump limit) on the step (s); inf when none applies."""
    geometry = make_geometry(params, config)
    state = initial_state(params, config, 0.0, geometry)
    te0, tp0 = np.asarray(state.electron_temperature), np.asarray(state.phonon_temperature)
    coldest, hottest = _temperature_range(params, config, te0, tp0)
    mask = electron_mask(params, config)
    widths = np.asarray(geometry.widths)
    coupling_limit, wall_limit = np.inf, np.inf
    layers_of_cells = np.repeat(np.arange(len(params.layers)), config.cells_per_layer)
    for temperature in (coldest, hottest):
        for layer in params.layers:
            material = layer.material
            cp = float(material.phonon_heat_capacity(np.asarray(temperature)))
            if material.has_electrons and config.variant == "A":
                ce = float(material.electron_heat_capacity(np.asarray(temperature)))
                g = float(material.coupling(np.asarray(temperature), np.asarray(temperature)))
                if g > 0:
                    coupling_limit = min(coupling_limit, 2.0 / (g * (1.0 / ce + 1.0 / cp)))
    walls = np.asarray(wall_temperature_array(params.wall_temperatures))
    for wall, cell in ((0, 0), (1, -1)):
        material = params.layers[layers_of_cells[cell]].material
        for carrier, kind in enumerate(config.boundaries[wall]):
            if kind != "fixed" or (carrier == 0 and not mask[cell]):
                continue
            start = (te0 if carrier == 0 else tp0)[cell]
            if abs(walls[wall, carrier] - start) <= 1e-9 * abs(start):
                continue
            for temperature in (coldest, hottest):
                t = np.asarray(temperature)
                if carrier == 0:
                    capacity = float(material.electron_heat_capacity(np.asarray(coldest)))
                    kappa = float(material.electron_conductivity(t, t))
                else:
                    capacity = float(material.phonon_heat_capacity(np.asarray(coldest)))
                    kappa = float(material.phonon_conductivity(t, t))
                wall_limit = min(wall_limit, 2.0 * widths[cell] ** 2 * capacity / (3.0 * kappa))
    return coupling_limit, wall_limit


def max_stable_step(params, config) -> float:
    """Largest step (s) the checks allow for (params, config) (concrete values); inf if unlimited."""
    return float(min(_limits(params, config)))


def check_stability(params, config, edges) -> None:
    """Refuse steps beyond the limits of the module docstring (concrete values only)."""
    if not config.check_stability or not is_concrete(params):
        return
    dt_max = float(np.max(np.diff(edges)))
    coupling_limit, wall_limit = _limits(params, config)
    if dt_max >= coupling_limit:
        raise ValueError(
            f"times has steps up to {dt_max:.3e} s, beyond the stability limit of variant A "
            f"(explicit electron-phonon coupling needs dt G (1/Ce + 1/Cp) < 2 at every temperature the run "
            f"reaches; largest stable step {coupling_limit:.3e} s). Use Config(variant='B') or smaller steps."
        )
    first = float(edges[1] - edges[0])
    if first > wall_limit:
        raise ValueError(
            f"times starts with a step of {first:.3e} s, but a 'fixed' wall at a temperature different from the "
            f"film needs a first step <= {wall_limit:.3e} s (largest safe step; Crank-Nicolson diffusion next to "
            f"the temperature jump would oscillate to non-physical temperatures; once the jump has spread, "
            f"steps may grow). Use e.g. jaxtherm.ttm.time_grid(..., fine_step={wall_limit:.2e}, growth=1.05), or "
            f"start the film at the wall temperature."
        )


def check_run(params, config, edges, solution) -> None:
    """Refuse a finished concrete run whose temperatures left (0, inf) K (unless `check_stability` is off)."""
    if not config.check_stability or not is_concrete(solution):
        return
    fields = [
        solution.electron_temperature,
        solution.phonon_temperature,
        solution.final_state.electron_temperature,
        solution.final_state.phonon_temperature,
        solution.wall_temperatures,
    ]
    values = np.concatenate([np.ravel(np.asarray(f)) for f in fields])
    if np.all(np.isfinite(values)) and np.all(values > 0):
        return
    dt_max = float(np.max(np.diff(edges)))
    safe = min(max_stable_step(params, config), dt_max / 10)
    raise ValueError(
        f"the TTM run produced non-physical temperatures (min {np.nanmin(values):.4g} K, finite: "
        f"{bool(np.all(np.isfinite(values)))}) with steps up to {dt_max:.3e} s; use steps (times, s) of at most "
        f"about {safe:.3e} s (largest safe step)" + (" or Config(variant='B')." if config.variant == "A" else ".")
    )
