"""DUGKS paper Fig. 4: fitting G and t_h to a TDTR Delta R / R trace through the DUGKS.

The paper's measured TDTR data (Au 18.2 nm, 288.15 K) are not public, so the trace is
synthetic: the DUGKS with the paper's fitted values (G = 2.0e16 W m^-3 K^-1,
t_h = 260 fs), the Drude thin-film reflectance of App. C (800 nm probe, sapphire
n = 1.7), normalised to its peak, plus 1 % Gaussian noise. The fit (Levenberg-Marquardt,
forward-mode Jacobian through the scan) starts from G = 1e16, t_h = 100 fs. Panels:
(a) t_h = 0 and (b) t_h = 260 fs for G = 1, 2, 3 x 1e16, with the data and the fit.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from ... import dugks, materials, reflectance, sources
from ._writing import write_outputs

CASE = "dugks-fig4"
DESCRIPTION = "Fit of G and t_h through the DUGKS to synthetic TDTR dR/R (Au 18.2 nm; measured data not public)"

T0 = 288.15
TRUE_COUPLING = 2.0e16
TRUE_DELAY = 260e-15


def problem(fast: bool):
    """Au 18.2 nm at 288.15 K (Fig. 2 parameters), eq. 48 with t_pump 140 fs and
    P(1-R) = 0.0112 J/m^2, specular walls; 1 nm cells (2 nm when fast)."""
    source = sources.PulseSource(
        incident_fluence=0.0112, pulse_duration=140e-15, penetration_depth=15.3e-9, thermalisation_delay=TRUE_DELAY
    )
    gold = dataclasses.replace(materials.GOLD, coupling_constant=TRUE_COUPLING)
    params = dugks.Params(
        layers=(dugks.Layer(gold, 18.2e-9),),
        source=source,
        initial_temperature=T0,
        wall_temperatures=np.full((2, 2), T0),
    )
    config = dugks.Config(
        cells_per_layer=9 if fast else 18, cfl=0.8, n_ordinates=16 if fast else 40, limiter="vanleer", max_speed=1.36e6
    )
    return params, config


def run(out_dir, fast: bool = False) -> dict:
    """Write dugks_fig4.png/.csv/.json into `out_dir`; returns the headline numbers."""
    params, config = problem(fast)
    film = reflectance.DrudeThinFilm(film_thickness=18.2e-9)
    times = np.linspace(-0.3e-12, 3.8e-12, 120)
    outputs = np.linspace(-0.6e-12, 4e-12, 231)
    options = dict(normalise=True, where="film")
    clean = np.asarray(dugks.model_trace(params, config, outputs, times, film, **options))
    data = clean + 0.01 * np.random.default_rng(2024).standard_normal(clean.shape)
    result = dugks.fit_coupling_and_delay(
        dugks.with_coupling(params, 1.0e16),
        config,
        outputs,
        times,
        data,
        film,
        sigma=0.01,
        initial_coupling=1.0e16,
        initial_delay=100e-15,
        **options,
    )
    fitted = dugks.with_delay(
        dugks.with_coupling(params, result.values["coupling"]), result.values["thermalisation_delay"]
    )
    best = np.asarray(dugks.model_trace(fitted, config, outputs, times, film, **options))
    panels = []
    for delay in (0.0, TRUE_DELAY):
        curves = {"synthetic_data_normalised_dR_R": data}
        for coupling in (1e16, 2e16, 3e16):
            p = dugks.with_delay(dugks.with_coupling(params, coupling), delay)
            curves[f"dugks_G{coupling / 1e16:g}e16_th{delay * 1e15:g}fs_normalised_dR_R"] = np.asarray(
                dugks.model_trace(p, config, outputs, times, film, **options)
            )
        if delay > 0:
            curves["dugks_fit_normalised_dR_R"] = best
        panels.append((f"t_h = {delay * 1e15:g} fs", "time_ps", times * 1e12, curves))
    headline = {
        "dugks_fitted_G_W_per_m3K": result.values["coupling"],
        "dugks_fitted_G_standard_error_W_per_m3K": result.standard_errors["coupling"],
        "dugks_fitted_t_h_s": result.values["thermalisation_delay"],
        "dugks_fitted_t_h_standard_error_s": result.standard_errors["thermalisation_delay"],
        "dugks_fit_G_relative_error": result.values["coupling"] / TRUE_COUPLING - 1.0,
        "dugks_fit_t_h_relative_error": result.values["thermalisation_delay"] / TRUE_DELAY - 1.0,
        "dugks_fit_reduced_chi2": result.reduced_chi2,
        "dugks_fit_iterations": result.n_iterations,
        "true_G_W_per_m3K": TRUE_COUPLING,
        "true_t_h_s": TRUE_DELAY,
        "noise_relative": 0.01,
        "note": "synthetic data: the paper's measured TDTR traces are not public",
    }
    return write_outputs(out_dir, "dugks_fig4", panels, headline, "delay (ps)", "normalised dR/R")
