"""Fitting G and t_h to a thermoreflectance trace through the TTM (DUGKS paper section IV.2)."""

import dataclasses

import numpy as np
import pytest

from jaxtherm import materials, reflectance, sources, ttm

REFERENCE = 288.15
FILM = reflectance.DrudeThinFilm(film_thickness=18.2e-9)
TIMES = np.arange(-0.4e-12, 4e-12 + 1e-18, 40e-15)


def drude_trace(coupling, delay, config, fine_step):
    """Delta R / R(t) of Au 18.2 nm at Tref = 288.15 K, t_pump 140 fs, P(1-R) = 0.0112 J/m^2."""
    gold = dataclasses.replace(materials.GOLD, coupling_constant=coupling)
    source = sources.PulseSource(
        incident_fluence=0.0112, pulse_duration=140e-15, thermalisation_delay=delay, penetration_depth=15.3e-9
    )
    params = ttm.single_layer(gold, 18.2e-9, source=source, initial_temperature=REFERENCE)
    edges = ttm.time_grid(
        -1.0e-12, TIMES[-1], fine_step, fine_until=1.0e-12, growth=1.05, max_step=40e-15, output_times=TIMES
    )
    solution = ttm.simulate(params, config, edges, output_times=TIMES, positions=[0.0])
    return ttm.drude_signal(solution, FILM, REFERENCE)


def test_fit_recovers_coupling_and_thermalisation_delay():
    """Synthetic Delta R/R (G = 2.0e16, t_h = 260 fs, 1 % noise) made with a finer solver
    (20 cells, variant B, 4 fs) is fitted with a coarser one (8 cells, variant A, 10 fs)
    from G = 1e16, t_h = 0 (`ttm.fit_coupling_and_delay`, Levenberg-Marquardt of
    `jaxtherm.fit`): both recovered within 3 %, reduced chi^2 ~ 1."""
    truth = np.asarray(
        drude_trace(2.0e16, 260e-15, ttm.Config(cells_per_layer=(20,), variant="B", coefficients="midpoint"), 4e-15)
    )
    sigma = 0.01 * np.max(np.abs(truth))
    data = truth + sigma * np.random.default_rng(1).standard_normal(truth.size)
    config = ttm.Config(cells_per_layer=(8,), variant="A", coefficients="midpoint")
    gold = dataclasses.replace(materials.GOLD, coupling_constant=1.0e16)
    source = sources.PulseSource(incident_fluence=0.0112, pulse_duration=140e-15, penetration_depth=15.3e-9)
    params = ttm.single_layer(gold, 18.2e-9, source=source, initial_temperature=REFERENCE)
    edges = ttm.time_grid(
        -1.0e-12, TIMES[-1], 10e-15, fine_until=1.0e-12, growth=1.05, max_step=40e-15, output_times=TIMES
    )
    result = ttm.fit_coupling_and_delay(
        params, config, edges, TIMES, data, FILM, sigma=sigma, initial_coupling=1.0e16, initial_delay=0.0
    )
    assert result.converged
    assert result.values["coupling"] == pytest.approx(2.0e16, rel=0.03)
    assert result.values["thermalisation_delay"] == pytest.approx(260e-15, rel=0.03)
    assert 0.7 < result.reduced_chi2 < 1.4
