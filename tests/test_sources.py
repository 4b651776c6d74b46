"""Laser sources (eq. 48, 50) and the grating initial condition (eq. 51-52)."""

import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from jaxtherm import sources


def _quadrature_energy(source, depth, t_span=3e-12, n_t=6001, n_x=4001):
    """Independent trapezoidal integral of S(x, t) over [0, depth] x [-t_span, t_span] (J/m^2)."""
    t = np.linspace(-t_span, t_span, n_t)
    x = np.linspace(0.0, depth, n_x)
    values = np.asarray(source.power_density(x[None, :], t[:, None]))
    return np.trapezoid(np.trapezoid(values, x, axis=1), t)


def test_energy_normalisation_deposits_absorbed_fluence():
    """normalisation='energy' deposits exactly P(1-R) in a film of finite thickness."""
    src = sources.PulseSource(
        incident_fluence=10.0,
        reflectivity=0.93,
        pulse_duration=96e-15,
        penetration_depth=15.3e-9,
        film_thickness=100e-9,
        normalisation="energy",
    )
    assert _quadrature_energy(src, 100e-9) == pytest.approx(0.7, rel=1e-5)
    assert float(src.total_energy()) == pytest.approx(0.7, rel=1e-12)


def test_paper_normalisation_of_eq48_overshoots_by_1064():
    """Eq. 48 as printed integrates to sqrt(pi/(4 ln 2)) ~ 1.0645 times P(1-R) (semi-infinite)."""
    src = sources.PulseSource(incident_fluence=1.0, pulse_duration=96e-15, penetration_depth=15.3e-9)
    assert _quadrature_energy(src, 2e-6, n_x=40001) == pytest.approx(math.sqrt(math.pi / (4 * math.log(2))), rel=1e-4)


def test_eq50_factor_094_restores_energy():
    """Eq. 50's 0.94 and 1/(1 - exp(-L/d)) deposit 0.94 x 1.0645 = 1.0006 P(1-R) in the film."""
    src = sources.PulseSource(
        incident_fluence=17.6,
        reflectivity=0.97,
        pulse_duration=280e-15,
        penetration_depth=12.44e-9,
        ballistic_range=200e-9,
        film_thickness=1e-6,
        form="eq50",
    )
    assert _quadrature_energy(src, 1e-6, t_span=2e-12) / (17.6 * 0.03) == pytest.approx(1.00066, abs=2e-4)


def test_cell_average_is_exact_on_coarse_cells():
    """cell_average equals the integral of S over each cell (fine quadrature), even for cells >> d."""
    src = sources.PulseSource(incident_fluence=1.0, pulse_duration=100e-15, penetration_depth=5e-9)
    faces = jnp.array([0.0, 1e-9, 20e-9, 60e-9])
    averages = np.asarray(src.cell_average(faces, 30e-15))
    for i in range(3):
        x = np.linspace(float(faces[i]), float(faces[i + 1]), 20001)
        exact = np.trapezoid(np.asarray(src.power_density(x, 30e-15)), x) / (x[-1] - x[0])
        assert averages[i] == pytest.approx(exact, rel=1e-7)


def test_gradient_in_thermalisation_delay_matches_finite_difference():
    """d S / d t_h by AD equals a central finite difference (float64)."""

    def value(t_h):
        src = sources.PulseSource(
            incident_fluence=0.0112, pulse_duration=140e-15, penetration_depth=15.3e-9, thermalisation_delay=t_h
        )
        return src.power_density(5e-9, 150e-15)

    t_h, h = 260e-15, 1e-19
    fd = (value(t_h + h) - value(t_h - h)) / (2 * h)
    assert float(jax.grad(value)(t_h)) == pytest.approx(float(fd), rel=1e-6)


def test_grating_cell_average():
    """Grating: cell averages of Tref + dT sin(2 pi x/L) over a full period sum to Tref; Tp = Tref."""
    grating = sources.GratingInitialCondition(reference_temperature=300.0, amplitude=1.0, period=1e-6)
    faces = jnp.linspace(0.0, 1e-6, 41)
    te, tp = grating.cell_average(faces)
    assert float(jnp.mean(te)) == pytest.approx(300.0, abs=1e-12)
    assert float(te[10]) == pytest.approx(300.0 + np.sinc(1 / 40) * np.sin(2 * np.pi * 10.5 / 40), rel=1e-12)
    np.testing.assert_allclose(tp, 300.0)


@pytest.mark.parametrize(
    "kwargs,match",
    [
        (dict(penetration_depth=15.3), "nanometres"),
        (dict(reflectivity=1.2), "reflectivity"),
        (dict(pulse_duration=96.0), "femtoseconds"),
        (dict(normalisation="joules"), "normalisation"),
    ],
)
def test_bad_inputs_raise(kwargs, match):
    """Unit slips (nm for m, fs for s), R >= 1 and unknown options raise clear errors."""
    base = dict(incident_fluence=1.0, pulse_duration=96e-15, penetration_depth=15.3e-9)
    base.update(kwargs)
    with pytest.raises(ValueError, match=match):
        sources.PulseSource(**base).validate()
