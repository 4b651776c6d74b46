"""Fits through the kinetic solver: G and t_h from Delta R / R traces (DUGKS paper IV.2).

The model trace is the thermoreflectance of the film computed from the DUGKS
temperatures (`jaxtherm.reflectance`), optionally normalised to its maximum as in
the paper's Fig. 4. The optimiser is `jaxtherm.fit.least_squares` (Levenberg-
Marquardt with a forward-mode Jacobian: memory stays flat in the number of
time steps of the `lax.scan`).
"""

from __future__ import annotations

import dataclasses
import functools

import jax.numpy as jnp
import numpy as np

from ..fit import least_squares
from .params import Config, Params, resolve_time_step, validate, with_coupling
from .simulate import interpolate_in_time, simulate

__all__ = ["film_average", "reflectance_trace", "model_trace", "fit_coupling_and_delay", "with_delay"]


def film_average(solution, values, layer_end=None):
    """Thickness-weighted average over the cells with centre < `layer_end` (m) of `values` (n_out, N)."""
    centres = solution.cell_centres
    edges = jnp.concatenate([jnp.zeros(1), 0.5 * (centres[1:] + centres[:-1]), solution.length[None]])
    widths = edges[1:] - edges[:-1]
    if layer_end is not None:
        widths = jnp.where(centres < layer_end, widths, 0.0)
    return jnp.sum(values * widths, axis=-1) / jnp.sum(widths)


def reflectance_trace(solution, reflectance_model, reference_temperature, where: str = "film"):
    """Delta R / R (dimensionless) at every output time.

    **Arguments:**

    - `solution`: a DUGKS `Solution`.
    - `reflectance_model`: e.g. `jaxtherm.reflectance.DrudeThinFilm` (with
      `relative_change(Te, Tp, Tref)`).
    - `reference_temperature`: T_ref (K).
    - `where`: ``"film"`` (thickness-averaged temperatures, the homogeneous film of
      Appendix C) or ``"surface"`` (front-surface face temperatures).

    **Returns:** (n_out,) array.
    """
    if where == "surface":
        te, tp = solution.front_electron_temperature, solution.front_phonon_temperature
    elif where == "film":
        te = film_average(solution, solution.electron_temperature)
        tp = film_average(solution, solution.phonon_temperature)
    else:
        raise ValueError(f"unknown where {where!r}; expected 'film' or 'surface'")
    return reflectance_model.relative_change(te, tp, reference_temperature)


def with_delay(params: Params, thermalisation_delay) -> Params:
    """Copy of `params` with the source's thermalisation delay t_h (s) replaced."""
    return dataclasses.replace(params, source=dataclasses.replace(params.source,
                                                                  thermalisation_delay=thermalisation_delay))


def model_trace(params: Params, config: Config, reflectance_model, times, normalise: bool = True,
                where: str = "film"):
    """DUGKS Delta R / R at measurement `times` (s), normalised to its extremum (peak = 1) if asked."""
    solution = simulate(params, config)
    trace = reflectance_trace(solution, reflectance_model, params.initial_temperature, where)
    if normalise:
        # normalise by the extremum of largest magnitude (Delta R / R of Au is negative at 800 nm)
        trace = trace / trace[jnp.argmax(jnp.abs(trace))]
    return interpolate_in_time(solution, trace, times)


@functools.lru_cache(maxsize=32)
def _residual_function(config: Config, normalise: bool, where: str, layer: int):
    # One residual function per static setting: least_squares caches its compiled
    # solver on the identity of this function, so refits with new data reuse it.
    def residual(free, data):
        params = with_delay(with_coupling(data["params"], free["coupling"], layer), free["thermalisation_delay"])
        model = model_trace(params, config, data["reflectance"], data["times"], normalise, where)
        return (data["values"] - model) / data["sigma"]

    return residual


def fit_coupling_and_delay(times, values, params: Params, config: Config, reflectance_model, *, sigma=0.01,
                           initial_coupling=1.0e16, initial_delay=100e-15, normalise: bool = True,
                           where: str = "film", layer: int = 0, max_iterations: int = 50):
    """Fit the coupling constant G and the thermalisation delay t_h to a Delta R / R trace.

    **Arguments:**

    - `times`: delays of the data (s), (n,).
    - `values`: measured Delta R / R (normalised to its maximum when `normalise`).
    - `params`, `config`: the DUGKS problem; its G (of `layer`) and t_h are the unknowns.
    - `reflectance_model`: e.g. `jaxtherm.reflectance.DrudeThinFilm(film_thickness=...)`.
    - `sigma`: uncertainty of each value (same unit as `values`), scalar or (n,).
    - `initial_coupling`: starting G (W m^-3 K^-1); `initial_delay`: starting t_h (s, > 0).
    - `normalise`, `where`: see `model_trace`.
    - `layer`: index of the layer whose G is fitted.
    - `max_iterations`: Levenberg-Marquardt iteration cap.

    **Returns:** a `jaxtherm.fit.FitResult` with names ``"coupling"`` (W m^-3 K^-1) and
    ``"thermalisation_delay"`` (s).
    """
    validate(params, config)
    config = resolve_time_step(params, config)
    times = jnp.asarray(times, dtype=float)
    values = jnp.asarray(values, dtype=float)
    if times.shape != values.shape or times.ndim != 1:
        raise ValueError(f"times and values must be 1-D of equal length, got {times.shape} and {values.shape}")
    if not np.isfinite(initial_delay) or initial_delay <= 0:
        raise ValueError(f"initial_delay must be > 0 s (it is log-parametrised), got {initial_delay!r}")
    data = {"params": params, "reflectance": reflectance_model, "times": times, "values": values,
            "sigma": jnp.broadcast_to(jnp.asarray(sigma, dtype=float), values.shape)}
    return least_squares(
        _residual_function(config, normalise, where, layer),
        {"coupling": float(initial_coupling), "thermalisation_delay": float(initial_delay)},
        positive=True,
        data=data,
        max_iterations=max_iterations,
    )
