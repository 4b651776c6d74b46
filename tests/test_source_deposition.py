"""Sources are integrated exactly over each time step: a pulse deposits its energy whatever the step.

A 96 fs pulse stepped with steps from pulse/100 to 100 x pulse, with its peak at an
arbitrary place inside a step, deposits exactly its energy P(1 - R) in the TTM and in
the DUGKS, and both store what they absorbed.
"""

import math

import numpy as np
import pytest
from scipy.integrate import quad

from jaxtherm import dugks, materials, sources, ttm

PULSE = 96e-15
STEPS = [PULSE / 100, PULSE / 7.3, PULSE, 10.4 * PULSE, 100 * PULSE]


def _pulse(film_thickness):
    return sources.PulseSource(
        incident_fluence=0.02,
        reflectivity=0.5,
        pulse_duration=PULSE,
        penetration_depth=15.3e-9,
        film_thickness=film_thickness,
        normalisation="energy",
    )


def _times(dt, reach=1.5e-12):
    """Uniform step edges around the peak (t = 0), which falls 37 % into a step."""
    before = math.ceil(reach / dt) + 2
    start = -(before + 0.37) * dt
    return start + dt * np.arange(2 * before + 3)


def test_pulse_time_integral_is_exact():
    """`temporal_integral` (erf differences) equals numerical quadrature of g(t) on intervals
    in the core and in the far tails, and the whole pulse integrates to 1 ("energy")."""
    source = _pulse(100e-9)
    for start, end in [(-50e-15, 10e-15), (0.2e-12, 0.25e-12), (-0.3e-12, -0.2e-12), (-1.0, 1.0)]:
        exact, _ = (
            quad(
                lambda t: float(source.temporal_profile(t)), start, end, points=[0.0], limit=400, epsabs=0, epsrel=1e-13
            )
            if end - start < 1e-9
            else (1.0, 0.0)
        )
        assert float(source.temporal_integral(start, end)) == pytest.approx(exact, rel=1e-9, abs=1e-300)


@pytest.mark.parametrize("dt", STEPS, ids=[f"{s / PULSE:g}xpulse" for s in STEPS])
def test_ttm_deposits_the_pulse_energy_for_any_step(dt):
    """TTM (variant B, Au 100 nm): absorbed = P(1 - R) to 1e-6 and stored = absorbed."""
    source = _pulse(100e-9)
    params = ttm.single_layer(materials.GOLD, 100e-9, source=source)
    solution = ttm.simulate(params, ttm.Config(cells_per_layer=(10,)), _times(dt), positions=[0.0])
    expected = float(source.total_energy())
    assert expected == pytest.approx(0.01, rel=1e-12)
    assert float(solution.absorbed_energy[-1]) == pytest.approx(expected, rel=1e-6)
    assert abs(float(solution.energy_error[-1])) < 1e-9 * expected


@pytest.mark.parametrize("dt", STEPS, ids=[f"{s / PULSE:g}xpulse" for s in STEPS])
def test_dugks_deposits_the_pulse_energy_for_any_step(dt):
    """DUGKS (Au 30 um in 2 cells so that CFL allows 9.6 ps steps, 2 ordinates): absorbed =
    P(1 - R) to 1e-6 and stored = absorbed, for steps from pulse/100 to 100 x pulse."""
    length = 30e-6
    source = _pulse(length)
    params = dugks.Params(layers=(dugks.Layer(materials.GOLD, length),), source=source)
    config = dugks.Config(cells_per_layer=2, n_ordinates=2, cfl=0.9, limiter="upwind")
    times = _times(dt)
    assert dugks.time_stepping(params, config, times).steps_per_output == 1  # dt is the step
    solution = dugks.simulate(params, config, times)
    expected = float(source.total_energy())
    assert float(solution.absorbed_energy[-1]) == pytest.approx(expected, rel=1e-6)
    assert abs(float(solution.energy_error[-1])) < 1e-6 * expected


def test_callable_source_runs_in_dugks():
    """A user-defined `CallableSource` heats a DUGKS film (finite, warmer than the start): it has no exact
    step integral, so the solver falls back to the cell averages / interval midpoint instead of failing."""
    import jax.numpy as jnp

    from jaxtherm import dugks, materials, sources

    src = sources.CallableSource(
        function=lambda x, t, p: p * jnp.exp(-x / 15e-9) * jnp.exp(-(((t - 2e-13) / 1e-13) ** 2)), parameters=1e20
    )
    params = dugks.Params(layers=(dugks.Layer(materials.GOLD, 100e-9),), source=src)
    config = dugks.resolve_time_step(
        params, dugks.Config(cells_per_layer=20, n_ordinates=8, max_speed=materials.GOLD.electron_speed)
    )
    solution = dugks.simulate(params, config, np.linspace(0.0, 1e-12, 11))
    te = np.asarray(solution.electron_temperature)
    assert np.all(np.isfinite(te)) and te.max() > 310.0
