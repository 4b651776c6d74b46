"""The G and t_h fit shared by `jaxtherm.ttm` and `jaxtherm.dugks` (DUGKS paper IV.2).

Both models fit the electron-phonon coupling G of one layer and the electron
thermalisation delay t_h of the source to one Delta R / R trace, through
`jaxtherm.fit.fit_traces` with the same free-parameter names, the same
parametrisation (both positive, log-parametrised, in SI units: W m^-3 K^-1 and s)
and the same result type (`jaxtherm.fit.TraceFitResult`). Only the model trace -
how a solution becomes Delta R / R at the measurement times - is model specific.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import jax.numpy as jnp
import numpy as np

from .fit import Trace, fit_traces

__all__ = ["WHERE", "film_average", "fit_coupling_and_delay", "reflectance_trace", "with_coupling", "with_delay"]

#: Which temperatures the reflectance reads: ``"surface"`` (the front wall, x = 0) or
#: ``"film"`` (thickness-averaged over the first layer: the homogeneous film of App. C).
WHERE = ("surface", "film")


def with_coupling(params, coupling, layer: int = 0):
    """Copy of `params` with the coupling G (W m^-3 K^-1) of `params.layers[layer]` replaced."""
    layers = list(params.layers)
    material = dataclasses.replace(layers[layer].material, coupling_constant=coupling)
    layers[layer] = dataclasses.replace(layers[layer], material=material)
    return dataclasses.replace(params, layers=tuple(layers))


def with_delay(params, thermalisation_delay):
    """Copy of `params` with the source's thermalisation delay t_h (s) replaced."""
    source = dataclasses.replace(params.source, thermalisation_delay=thermalisation_delay)
    return dataclasses.replace(params, source=source)


def film_average(values, geometry, n_cells: int):
    """Thickness-weighted average over the first `n_cells` cells of `values` (..., N)."""
    widths = geometry.widths[:n_cells]
    return jnp.sum(values[..., :n_cells] * widths, axis=-1) / jnp.sum(widths)


def reflectance_trace(solution, reflectance_model, reference_temperature, where: str, n_film_cells: int):
    """Delta R / R (dimensionless) at the solution's output times.

    **Arguments:** `solution`: a TTM or DUGKS `Solution` (all cells for ``"film"``);
    `reflectance_model`: e.g. `jaxtherm.reflectance.DrudeThinFilm`; `reference_temperature`
    (K); `where`: one of `WHERE`; `n_film_cells`: cells of the first layer.
    """
    if where == "surface":
        te, tp = solution.front_electron_temperature, solution.front_phonon_temperature
    elif where == "film":
        te = film_average(solution.electron_temperature, solution.geometry, n_film_cells)
        tp = film_average(solution.phonon_temperature, solution.geometry, n_film_cells)
    else:
        raise ValueError(f"unknown where {where!r}; expected one of {list(WHERE)}")
    return reflectance_model.relative_change(te, tp, reference_temperature)


def normalised(trace):
    """`trace` divided by its extremum of largest magnitude (Delta R / R of Au is negative at 800 nm)."""
    return trace / trace[jnp.argmax(jnp.abs(trace))]


def fit_coupling_and_delay(
    model_trace: Callable,
    params,
    measured_times,
    measured,
    *,
    sigma,
    initial_coupling,
    initial_delay,
    layer: int,
    max_iterations: int,
):
    """Fit G of `params.layers[layer]` and t_h of `params.source` to `measured` (see the model packages).

    `model_trace(params)` is the model Delta R / R at `measured_times` (s).
    **Returns:** `jaxtherm.fit.TraceFitResult` with values ``"coupling"`` (W m^-3 K^-1)
    and ``"thermalisation_delay"`` (s).
    """
    measured_times = np.asarray(measured_times, dtype=float)
    measured = np.asarray(measured, dtype=float)
    if measured_times.ndim != 1 or measured_times.shape != measured.shape:
        raise ValueError(
            f"measured_times (s) and measured must be 1-D of equal length, got shapes "
            f"{measured_times.shape} and {measured.shape}"
        )
    if not np.isfinite(initial_coupling) or initial_coupling <= 0:
        raise ValueError(f"initial_coupling must be > 0 W m^-3 K^-1, got {initial_coupling!r}")
    if not np.isfinite(initial_delay) or initial_delay < 0:
        raise ValueError(f"initial_delay must be >= 0 s, got {initial_delay!r}")
    if params.source is None or not hasattr(params.source, "thermalisation_delay"):
        raise TypeError("params.source must have a thermalisation_delay (s), e.g. jaxtherm.sources.PulseSource")
    # t_h is log-parametrised (positive): a zero start moves to 10 % of the pulse duration.
    start_delay = float(initial_delay) if initial_delay > 0 else 0.1 * float(params.source.pulse_duration)
    trace = Trace(model=model_trace, data=measured, sigma=sigma, name="Delta R / R", x=measured_times)
    free = {
        "coupling": f"layers[{layer}].material.coupling_constant",
        "thermalisation_delay": "source.thermalisation_delay",
    }
    return fit_traces(
        params,
        [trace],
        free,
        initial={"coupling": float(initial_coupling), "thermalisation_delay": start_delay},
        positive=True,
        max_iterations=max_iterations,
    )
