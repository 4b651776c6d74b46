"""Fitting G and t_h of the TTM to a thermoreflectance trace (DUGKS paper IV.2).

Built on `jaxtherm.fit.fit_traces` (Levenberg-Marquardt with a forward-mode
Jacobian through the `lax.scan`: memory does not grow with the number of steps);
the same call, parametrisation and result as `jaxtherm.dugks.fit_coupling_and_delay`.
"""

from __future__ import annotations

import numpy as np

from .. import _coupling_fit
from .._coupling_fit import with_coupling, with_delay
from ._simulate import simulate

__all__ = ["fit_coupling_and_delay", "model_trace", "with_coupling", "with_delay"]


def model_trace(
    params, config, times, measured_times, reflectance_model, *, normalise: bool = False, where: str = "surface"
):
    """TTM Delta R / R at `measured_times` (s), which must be step edges of `times`.

    **Arguments:** `params`, `config`, `times` (step edges, s): as in `simulate`;
    `measured_times` (s); `reflectance_model`: e.g. `jaxtherm.reflectance.DrudeThinFilm`;
    `normalise`: divide by the extremum (peak = 1); `where`: ``"surface"`` or ``"film"``.

    **Returns:** (n,) dimensionless array.
    """
    positions = [0.0] if where == "surface" else None
    solution = simulate(
        params, config, times, output_times=np.asarray(measured_times, dtype=float), positions=positions
    )
    trace = _coupling_fit.reflectance_trace(
        solution, reflectance_model, params.initial_temperature, where, config.cells_per_layer[0]
    )
    return _coupling_fit.normalised(trace) if normalise else trace


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

    - `params`, `config`, `times`: the TTM problem as for `simulate` (`params.source`
      needs `thermalisation_delay`; `times` must contain every measurement time).
    - `measured_times`: delays of the data (s); `measured`: Delta R / R there.
    - `reflectance_model`: e.g. `jaxtherm.reflectance.DrudeThinFilm`.
    - `sigma`: standard deviation of `measured` (same unit), scalar or per point.
    - `initial_coupling` (W m^-3 K^-1), `initial_delay` (s, >= 0; 0 starts at 10 % of the
      pulse duration, since t_h is log-parametrised): starting values.
    - `normalise`, `where`: see `model_trace`; `layer`: index of the layer whose G is fitted.
    - `max_iterations`: Levenberg-Marquardt iteration cap.

    **Returns:** `jaxtherm.fit.TraceFitResult`; `values["coupling"]` (W m^-3 K^-1),
    `values["thermalisation_delay"]` (s).
    """

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
