"""Square-wave modulation: the harmonic model against brute-force time-domain lock-in computations
(CW and pulsed), the flat-response limits, and the gradient."""

from fractions import Fraction

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import jaxtherm as jt

L = jt.tdtr.Layer
KAPPA, C = 140.0, 1.6e6
DIFFUSIVITY = KAPPA / C
W0, W1 = 10e-6, 5e-6
WIDTH2 = W0**2 + W1**2
HALF = jt.tdtr.Stack(layers=[L(float("inf"), C, KAPPA)], resistances=[])


def _impulse(t):
    """Probe-weighted impulse response (K per J) of a half space under Gaussian spots, in closed form:
    the inverse Laplace transform of (1/2 pi) int exp(-k^2 W^2/8) k dk / (kappa sqrt(k^2 + s/D))."""
    return np.sqrt(DIFFUSIVITY / (np.pi * t)) / (4.0 * np.pi * KAPPA * (WIDTH2 / 8.0 + DIFFUSIVITY * t))


def _step(t):
    """Its step response (K per W), the time integral of `_impulse`."""
    t = np.maximum(t, 0.0)
    width = np.sqrt(WIDTH2)
    return np.sqrt(8.0) / (2.0 * np.pi**1.5 * KAPPA * width) * np.arctan(np.sqrt(8.0 * DIFFUSIVITY * t) / width)


def _brute_cw(f_mod, n_tau=1000, periods=1500):
    """Pump 2 s(t) switched on at -T0/4 and off at T0/4 of every period; lock-in over one period."""
    period = 1.0 / f_mod
    tau = (np.arange(n_tau) + 0.5) / n_tau * period
    k = np.arange(-1, periods)[:, None]
    on, off = -period / 4 - k * period, period / 4 - k * period
    rise = 2.0 * np.sum(_step(tau[None, :] - on) - _step(tau[None, :] - off), axis=0)
    theta = 2.0 * np.pi * f_mod * tau
    sine = 2.0 * np.mean(rise * np.exp(-1j * theta))
    square = 2.0 * np.mean(rise * (np.pi / 4) * (np.sign(np.cos(theta)) - 1j * np.sign(np.sin(theta))))
    return sine, square


def _brute_pulsed(f_mod, f_rep, delays, pulses_back=4000):
    """Pulse amplitudes 2 s(jT) (1 on an edge), temperature at jT + t summed over earlier pulses,
    demodulated over one common period of pulses and modulation (probe on the delay stage)."""
    fraction = Fraction(f_mod / f_rep).limit_denominator(1000)
    q = fraction.denominator
    phases = 2.0 * np.pi * fraction.numerator * np.arange(q) / q
    cosine = np.cos(phases)
    amplitudes = np.where(np.abs(cosine) < 1e-12, 1.0, np.where(cosine > 0, 2.0, 0.0))
    period = 1.0 / f_rep
    back = np.arange(q * pulses_back)
    out = []
    for t in delays:
        response = _impulse(back * period + t) * period
        per_class = np.array([response[r::q].sum() for r in range(q)])
        samples = np.array([np.sum(amplitudes[(j - np.arange(q)) % q] * per_class) for j in range(q)])
        out.append(2.0 * np.mean(samples * np.exp(-2j * np.pi * f_mod * (np.arange(q) * period + t))))
    return np.array(out)


def test_cw_square_wave_matches_time_domain_lock_in():
    setup = jt.tdtr.Setup(modulation_frequency=1e6, repetition_rate=80e6, pump_radius=W0, probe_radius=W1)
    sine, square = _brute_cw(1e6)
    z_sine = complex(jt.tdtr.square_wave_signal(HALF, setup))
    z_square = complex(jt.tdtr.square_wave_signal(HALF, setup, reference="square"))
    assert abs(z_sine - sine) < 1e-4 * abs(sine)
    assert abs(z_square - square) < 1e-4 * abs(square)
    # the square reference reads the harmonics: a different value (here by 10 % in |Z|)
    assert abs(z_square - z_sine) > 0.05 * abs(z_sine)


def test_pulsed_square_wave_matches_time_domain_lock_in_with_aliased_harmonics():
    # 80 MHz / 10 MHz: 8 pulses per modulation period, so harmonics 7, 9, 15, ... alias onto f_mod
    setup = jt.tdtr.Setup(
        modulation_frequency=10e6, repetition_rate=80e6, pump_radius=W0, probe_radius=W1,
        min_delay=5e-11, window_order=6, n_sidebands=12, n_hankel=16, contour_nodes=24,
    )  # fmt: skip
    delays = np.array([1e-10, 1e-9, 6e-9])
    brute = _brute_pulsed(10e6, 80e6, delays)
    z = np.asarray(jt.tdtr.square_wave_signal(HALF, setup, delays))
    assert np.max(np.abs(z - brute) / np.abs(brute)) < 1e-5


def test_pump_harmonic_of_sampled_square_wave():
    # 8 samples per period [2, 2, 1, 0, 0, 0, 1, 2] (edges count 1): first DFT coefficient (2 + 2 sqrt 2) / 8
    assert jt.tdtr.pump_harmonic(1, 10e6, 80e6) == pytest.approx((2 + 2 * np.sqrt(2)) / 8, abs=1e-15)
    # incommensurate sampling (or a CW pump) sees the continuous square wave's 2/pi, -2/(3 pi), ...
    assert jt.tdtr.pump_harmonic(1, 10e6, 80e6 * np.sqrt(2)) == pytest.approx(2 / np.pi, abs=1e-15)
    assert jt.tdtr.pump_harmonic(-3, 1e3) == pytest.approx(-2 / (3 * np.pi), abs=1e-15)
    assert jt.tdtr.pump_harmonic(2, 1e3) == 0.0


def test_flat_response_limits_and_gradient():
    # 0.01 Hz and micron spots: H(i n omega) = H(0) (1 - O(1.5e-5 sqrt n)), flat over the harmonics
    setup = jt.tdtr.Setup(modulation_frequency=0.01, repetition_rate=80e6, pump_radius=1e-6, probe_radius=1e-6)
    steady = 1.0 / (np.sqrt(2.0 * np.pi) * KAPPA * np.sqrt(2e-12))
    sine = complex(jt.tdtr.square_wave_signal(HALF, setup))
    assert sine == pytest.approx(4 / np.pi * complex(jt.tdtr.response(HALF, setup, np.array([0.01]))[0]), rel=1e-13)
    # square wave read by a square reference: (4/pi) sum_{odd n} 1/n^2 H = (pi/2) H
    square = complex(jt.tdtr.square_wave_signal(HALF, setup, reference="square"))
    assert square == pytest.approx(np.pi / 2 * steady, rel=1e-4)

    model = jt.tdtr.SquareWaveModel(setup, observable="v_in", reference="square", stack_path="")

    def value(kappa):
        return model(HALF.replace_layer(0, conductivity=kappa))[0]

    h = 1e-4 * KAPPA
    finite = (value(KAPPA + h) - value(KAPPA - h)) / (2 * h)
    gradient = float(jax.jit(jax.grad(value))(KAPPA))
    assert gradient == pytest.approx(float(finite), rel=1e-6)
    assert gradient == pytest.approx(-float(value(KAPPA)) / KAPPA, rel=1e-3)  # H ~ 1 / kappa when steady


def test_square_wave_refuses_bad_reference_and_delays():
    setup = jt.tdtr.Setup(modulation_frequency=1e6, repetition_rate=80e6, pump_radius=W0, probe_radius=W1)
    with pytest.raises(ValueError, match="reference"):
        jt.tdtr.square_wave_signal(HALF, setup, reference="triangle")
    with pytest.raises(ValueError, match="delays"):
        jt.tdtr.square_wave_signal(HALF, setup, jnp.ones((2, 2)) * 1e-9)
    with pytest.raises(ValueError, match="delays"):
        jt.tdtr.SquareWaveModel(setup, delays=[])
    with pytest.raises(ValueError, match="delays"):
        jt.tdtr.square_wave_signal(HALF, setup, [1e-3])  # 1 ms: beyond the 12.5 ns pulse period
