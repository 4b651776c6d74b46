"""Fitting G and t_h through the kinetic solver (DUGKS paper IV.2, Fig. 4)."""

import dataclasses

import numpy as np
import pytest

from jaxtherm import dugks, materials, reflectance, sources

T0 = 288.15


def fig4_problem(coupling, delay):
    """Au 18.2 nm at 288.15 K, eq. 48 with t_pump = 140 fs, P(1-R) = 0.0112 J/m^2 (paper IV.2)."""
    source = sources.PulseSource(
        incident_fluence=0.0112, pulse_duration=140e-15, penetration_depth=15.3e-9, thermalisation_delay=delay
    )
    gold = dataclasses.replace(materials.GOLD, coupling_constant=coupling)
    params = dugks.Params(
        layers=(dugks.Layer(gold, 18.2e-9),),
        source=source,
        initial_temperature=T0,
        wall_temperatures=np.full((2, 2), T0),
    )
    config = dugks.Config(cells_per_layer=9, cfl=0.8, n_ordinates=16, max_speed=1.36e6)
    return params, config, np.linspace(-0.6e-12, 4e-12, 231)


def test_fit_recovers_coupling_and_thermalisation_delay():
    """Synthetic normalised Delta R / R (Drude thin film, App. C) made with G = 2.0e16 and
    t_h = 260 fs plus 1 % Gaussian noise: the Levenberg-Marquardt fit through the DUGKS,
    started at G = 1e16 and t_h = 100 fs, recovers both within 5 %, with a reduced chi^2 ~ 1
    and standard errors that cover the truth."""
    params, config, outputs = fig4_problem(2.0e16, 260e-15)
    film = reflectance.DrudeThinFilm(film_thickness=18.2e-9)
    times = np.linspace(-0.3e-12, 3.8e-12, 120)
    clean = np.asarray(dugks.model_trace(params, config, outputs, times, film, normalise=True, where="film"))
    assert clean.max() == pytest.approx(1.0, abs=0.01)  # normalised at the output grid, read at the data
    noisy = clean + 0.01 * np.random.default_rng(0).standard_normal(clean.shape)
    start = dugks.with_coupling(params, 1.0e16)
    result = dugks.fit_coupling_and_delay(
        start,
        config,
        outputs,
        times,
        noisy,
        film,
        sigma=0.01,
        initial_coupling=1.0e16,
        initial_delay=100e-15,
        normalise=True,
        where="film",
    )
    assert result.converged
    assert result.values["coupling"] == pytest.approx(2.0e16, rel=0.05)
    assert result.values["thermalisation_delay"] == pytest.approx(260e-15, rel=0.05)
    assert 0.6 < result.reduced_chi2 < 1.5
    assert abs(result.values["coupling"] - 2.0e16) < 4 * result.standard_errors["coupling"]
