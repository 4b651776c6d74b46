"""Fits through the kinetic solver: G and t_h from Delta R / R traces (DUGKS paper IV.2).

The model trace is the thermoreflectance of the film computed from the DUGKS
temperatures (`jaxtherm.reflectance`), optionally normalised to its extremum as in
the paper's Fig. 4, interpolated to the measurement times. The fit is
`jaxtherm.fit.fit_traces` (Levenberg-Marquardt with a forward-mode Jacobian: memory
stays flat in the number of time steps); the same call, parametrisation and result
as `jaxtherm.ttm.fit_coupling_and_delay`.
"""

from __future__ import annotations

from .. import _coupling_fit
from .._coupling_fit import with_coupling, with_delay
from ._params import resolve_time_step
from ._simulate import interpolate_in_time, simulate

__all__ = ["fit_coupling_and_delay", "model_trace", "with_coupling", "with_delay"]


def model_trace(
    params, config, times, measured_times, reflectance_model, *, normalise: bool = False, where: str = "surface"
):
    """DUGKS Delta R / R at `measured_times` (s), linear in time between the output `times`.

    **Arguments:** `params`, `config`, `times` (equally spaced output times, s): as in
    `simulate`; `measured_times` (s) within `times`; `reflectance_model`: e.g.
    `jaxtherm.reflectance.DrudeThinFilm`; `normalise`: divide by the extremum over the
    output times (peak = 1); `where`: ``"surface"`` (front-wall face temperatures) or
    ``"film"`` (thickness average over the first layer, App. C).

    **Returns:** (n,) dimensionless array.
    """
    solution = simulate(params, config, times)
    trace = _coupling_fit.reflectance_trace(
        solution, reflectance_model, params.initial_temperature, where, config.cells_per_layer[0]
    )
    if normalise:
        trace = _coupling_fit.normalised(trace)
    return interpolate_in_time(solution, trace, measured_times)


def fit_coupling_and_delay(
    params,
    config,
    times,
    measured_times,
    measured,
    reflectance_model,
    *,
    sigma,
    initial_coupling=1.0e16,
    initial_delay=0.0,
    normalise: bool = False,
    where: str = "surface",
    layer: int = 0,
    max_iterations: int = 100,
):
    """Fit the coupling G (W m^-3 K^-1) of one layer and the thermalisation delay t_h (s).

    **Arguments:**

    - `params`, `config`, `times`: the DUGKS problem as for `simulate` (`params.source`
      needs `thermalisation_delay`); `times` must cover the measurement times.
    - `measured_times`: delays of the data (s); `measured`: Delta R / R there.
    - `reflectance_model`: e.g. `jaxtherm.reflectance.DrudeThinFilm(film_thickness=...)`.
    - `sigma`: standard deviation of `measured` (same unit), scalar or per point.
    - `initial_coupling` (W m^-3 K^-1), `initial_delay` (s, >= 0; 0 starts at 10 % of the
      pulse duration, since t_h is log-parametrised): starting values.
    - `normalise`, `where`: see `model_trace`; `layer`: index of the layer whose G is fitted.
    - `max_iterations`: Levenberg-Marquardt iteration cap.

    **Returns:** `jaxtherm.fit.TraceFitResult`; `values["coupling"]` (W m^-3 K^-1),
    `values["thermalisation_delay"]` (s).
    """
    # The fit traces every leaf of params (thicknesses too): fix the step from the start values.
    config = resolve_time_step(params, config)

    def trace(candidate):
        return model_trace(
            candidate, config, times, measured_times, reflectance_model, normalise=normalise, where=where
        )

    return _coupling_fit.fit_coupling_and_delay(
        trace,
        params,
        measured_times,
        measured,
        sigma=sigma,
        initial_coupling=initial_coupling,
        initial_delay=initial_delay,
        layer=layer,
        max_iterations=max_iterations,
    )
