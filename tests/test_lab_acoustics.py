"""Picosecond acoustics: echo time and transducer thickness from synthetic early-delay traces.

The synthetic echo is *not* the fitted shape: a bipolar Thomsen strain pulse (antisymmetric exponential,
-sgn(t) exp(-|t|/tau_a)) convolved with a Gaussian instrument response, on a thermal background
1 + 0.6 exp(-t/40 ps) + 0.2/sqrt(1 + t/ps) that the fitted polynomial only approximates. Its zero crossing is the
arrival time 2 d / v_L by symmetry.
"""

import math

import jax
import numpy as np
import pytest

import jaxtherm as jt

lab = jt.lab
PS = 1e-12
THICKNESS = 100e-9
SPEED_AL = 6420.0
T_ECHO = 2 * THICKNESS / SPEED_AL  # 31.15 ps
DELAYS = np.arange(0.0, 80.0, 0.2) * PS
ECHO_AMPLITUDE = 0.01


def _thomsen_echo(t, arrival, decay=1.5 * PS, response=0.8 * PS):
    fine = np.arange(-60.0, 60.0, 0.01) * PS
    pulse = -np.sign(fine) * np.exp(-np.abs(fine) / decay)
    kernel = np.exp(-0.5 * (fine / response) ** 2)
    smeared = np.convolve(pulse, kernel / kernel.sum(), mode="same")
    return np.interp(t - arrival, fine, smeared / np.max(np.abs(smeared)))


def _background(t):
    return 1.0 + 0.6 * np.exp(-t / (40 * PS)) + 0.2 / np.sqrt(1 + t / PS)


def test_noise_free_echo_gives_the_round_trip_time():
    """Noise-free trace, Al tabulated speed: t_echo within 0.05 ps of 2d/v (31.15 ps), d within 0.2 % of 100 nm;
    the thickness error combines the echo-time and the table's 1.5 % sound-speed uncertainty in quadrature."""
    values = _background(DELAYS) + ECHO_AMPLITUDE * _thomsen_echo(DELAYS, T_ECHO)
    result = lab.transducer_thickness(DELAYS, values, material="Al", expected_thickness=90e-9)
    assert abs(result.echo.echo_time - T_ECHO) < 0.05 * PS
    assert result.thickness == pytest.approx(THICKNESS, rel=2e-3)
    assert result.thickness == pytest.approx(0.5 * SPEED_AL * result.echo.echo_time, rel=1e-14)
    expected_error = result.thickness * math.hypot(result.echo.echo_time_error / result.echo.echo_time, 0.015)
    assert result.thickness_error == pytest.approx(expected_error, rel=1e-12)
    assert result.echo.significance > 20


def test_noisy_echoes_recovered_within_reported_sigma():
    """Noise at 10 % of the echo amplitude, 12 seeds, known speed (no table uncertainty): t_echo within 2 reported
    sigma in >= 9 of 12 fits, sigma below 0.1 ps, and the thickness within 0.5 % every time."""
    rng = np.random.default_rng(2)
    clean = _background(DELAYS) + ECHO_AMPLITUDE * _thomsen_echo(DELAYS, T_ECHO)
    hits = 0
    for _ in range(12):
        noisy = clean + 0.1 * ECHO_AMPLITUDE * rng.standard_normal(DELAYS.size)
        result = lab.transducer_thickness(
            DELAYS, noisy, sound_speed=SPEED_AL, expected_thickness=90e-9, sigma=0.1 * ECHO_AMPLITUDE
        )
        echo = result.echo
        hits += abs(echo.echo_time - T_ECHO) < 2 * echo.echo_time_error
        assert echo.echo_time_error < 0.1 * PS
        assert result.thickness == pytest.approx(THICKNESS, rel=5e-3)
        assert result.thickness_error == pytest.approx(0.5 * SPEED_AL * echo.echo_time_error, rel=1e-12)
    assert hits >= 9


def test_unipolar_echo_shape():
    """A unipolar echo (sech^2, not the fitted Gaussian) centred at 40 ps in an explicit window: its peak time is
    recovered within 0.05 ps with shape='gaussian'; the sign of the amplitude is kept (a dip)."""
    t_peak = 40 * PS
    values = _background(DELAYS) - 0.005 / np.cosh((DELAYS - t_peak) / (1.2 * PS)) ** 2
    echo = lab.find_echo(DELAYS, values, window=(28 * PS, 52 * PS), shape="gaussian")
    assert abs(echo.echo_time - t_peak) < 0.05 * PS
    assert echo.amplitude < 0


def test_no_echo_is_refused():
    """Background plus noise without an echo: find_echo refuses with EchoNotFoundError (a ValueError) naming the
    window, for several seeds, rather than returning a thickness."""
    rng = np.random.default_rng(4)
    for _ in range(3):
        values = _background(DELAYS) + 1e-3 * rng.standard_normal(DELAYS.size)
        with pytest.raises(lab.EchoNotFoundError, match="no acoustic echo found in the window"):
            lab.transducer_thickness(DELAYS, values, material="Al", expected_thickness=90e-9, sigma=1e-3)
    assert issubclass(lab.EchoNotFoundError, ValueError)


def test_sound_speed_table_against_elastic_constants():
    """Pt's through-thickness speed is the [111] value sqrt((C11 + 2 C12 + 4 C44) / (3 rho)) of its single-crystal
    constants (4235 m/s); elastically isotropic W equals sqrt(C11 / rho) within 1 %; for Al, Au and Cu the stated
    relative uncertainty covers the polycrystalline-to-[111] spread."""
    constants = {  # GPa, kg/m^3
        "Al": (107.3, 60.9, 28.3, 2700.0),
        "Au": (192.9, 163.8, 41.5, 19300.0),
        "Pt": (346.7, 250.7, 76.5, 21450.0),
        "Cu": (168.4, 121.4, 75.4, 8960.0),
    }
    speeds = lab.LONGITUDINAL_SOUND_SPEEDS
    for name, (c11, c12, c44, rho) in constants.items():
        v111 = math.sqrt((c11 + 2 * c12 + 4 * c44) * 1e9 / (3 * rho))
        assert abs(v111 / speeds[name].value - 1) <= 1.1 * speeds[name].relative_uncertainty + 0.002, name
        assert speeds[name].source
    assert speeds["Pt"].value == pytest.approx(
        math.sqrt((346.7 + 2 * 250.7 + 4 * 76.5) * 1e9 / (3 * 21450.0)), rel=2e-3
    )
    assert speeds["W"].value == pytest.approx(math.sqrt(522e9 / 19300.0), rel=0.01)
    assert speeds["Al"].value == 6420.0 and speeds["Au"].value == 3240.0


def test_echo_model_plugs_into_fit_machinery():
    """EchoModel is a Trace model: its derivative in echo_time equals central finite differences, and
    log_sensitivity to echo_time is largest near the echo."""
    window = DELAYS[(DELAYS > 20 * PS) & (DELAYS < 42 * PS)]
    model = lab.EchoModel(window)
    params = lab.EchoParams(echo_time=T_ECHO, width=1.5 * PS, amplitude=0.01, background=(1.5, -0.1, 0.01))

    def f(te):
        return model(lab.EchoParams(te, params.width, params.amplitude, params.background))

    jac = jax.jacfwd(f)(T_ECHO)
    h = 1e-3 * PS
    np.testing.assert_allclose(
        jac, (f(T_ECHO + h) - f(T_ECHO - h)) / (2 * h), rtol=1e-5, atol=1e-6 * np.max(np.abs(jac))
    )
    s = jt.fit.log_sensitivity(model, params, {"t": "echo_time"})["t"]
    assert abs(window[np.argmax(np.abs(s))] - T_ECHO) < 2 * params.width


def test_bad_inputs_are_named():
    """Delays in ps, no window, an unknown material, a speed in km/s, both material and speed, a thickness in nm and
    a window too short are refused with errors naming the parameter and the unit."""
    values = _background(DELAYS)
    with pytest.raises(ValueError, match="seconds"):
        lab.find_echo(DELAYS / PS, values, window=(20, 40))
    with pytest.raises(TypeError, match="window"):
        lab.find_echo(DELAYS, values)
    with pytest.raises(ValueError, match="material"):
        lab.transducer_thickness(DELAYS, values, material="Unobtainium", expected_thickness=90e-9)
    with pytest.raises(ValueError, match="m/s"):
        lab.transducer_thickness(DELAYS, values, sound_speed=6.42, expected_thickness=90e-9)
    with pytest.raises(TypeError, match="exactly one"):
        lab.transducer_thickness(DELAYS, values, material="Al", sound_speed=6420.0, expected_thickness=90e-9)
    with pytest.raises(ValueError, match="metres"):
        lab.transducer_thickness(DELAYS, values, material="Al", expected_thickness=100.0)
    with pytest.raises(ValueError, match="holds"):
        lab.find_echo(DELAYS, values, window=(30 * PS, 31 * PS))
    with pytest.raises(ValueError, match="shape"):
        lab.find_echo(DELAYS, values[:-1], window=(20 * PS, 40 * PS))
