"""Fitting TTM parameters (G, t_h, ...) to thermoreflectance traces (DUGKS paper IV.2).

Thin layer over `jaxtherm.fit.least_squares` (Levenberg-Marquardt with a forward-mode
Jacobian through the `lax.scan`: memory does not grow with the number of steps).
"""

from __future__ import annotations

import dataclasses

import jax.numpy as jnp
import numpy as np

from .signal import drude_signal
from .simulate import simulate

__all__ = ["fit_coupling_and_delay", "with_coupling_and_delay"]


def with_coupling_and_delay(params, coupling, delay, layer=0):
    """`params` with G of `params.layers[layer]` set to `coupling` (W m^-3 K^-1) and the
    source's thermalisation delay t_h set to `delay` (s)."""
    layers = list(params.layers)
    material = dataclasses.replace(layers[layer].material, coupling_constant=coupling)
    layers[layer] = dataclasses.replace(layers[layer], material=material)
    source = dataclasses.replace(params.source, thermalisation_delay=delay)
    return dataclasses.replace(params, layers=tuple(layers), source=source)


def fit_coupling_and_delay(params, config, step_times, times, measured, sigma, film, *, initial_coupling=1e16,
                           initial_delay=0.0, reference_temperature=None, max_iterations=100):
    """Fit G (W m^-3 K^-1) and t_h (s) to a measured Delta R / R(t) through the TTM.

    The model is the Drude thin-film `film` read at the front surface.

    **Arguments:**

    - `params`, `config`: the TTM problem (`params.source` must have `thermalisation_delay`).
    - `step_times`: step edges (s) containing every measurement time (see `ttm.time_grid`).
    - `times`: measurement times (s); `measured`: Delta R / R at those times; `sigma`: its
      standard deviation (scalar or per point, same unit).
    - `film`: `jaxtherm.reflectance.DrudeThinFilm`.
    - `initial_coupling` (W m^-3 K^-1), `initial_delay` (s, may be 0): starting values.
    - `reference_temperature`: Tref (K); default `params.initial_temperature`.
    - `max_iterations`: Levenberg-Marquardt iteration cap.

    **Returns:** `jaxtherm.fit.FitResult` with `values["coupling"]` (W m^-3 K^-1) and
    `values["thermalisation_delay_ps"]` (ps: an O(1) internal scale that may start at 0).
    """
    from ..fit import least_squares

    reference = params.initial_temperature if reference_temperature is None else reference_temperature
    times = np.asarray(times, dtype=float)

    def residual(free, data):
        trial = with_coupling_and_delay(params, free["coupling"], free["thermalisation_delay_ps"] * 1e-12)
        solution = simulate(trial, config, step_times, output_times=times, positions=[0.0])
        return (data["measured"] - drude_signal(solution, film, reference)) / data["sigma"]

    data = {"measured": jnp.asarray(measured), "sigma": jnp.asarray(sigma) * jnp.ones(len(times))}
    return least_squares(residual, {"coupling": float(initial_coupling),
                                    "thermalisation_delay_ps": float(initial_delay) * 1e12},
                         positive={"coupling": True, "thermalisation_delay_ps": False}, data=data,
                         max_iterations=max_iterations)
