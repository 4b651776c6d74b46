r"""Square-wave modulation: the lock-in signal when the pump is switched on and off.

**Convention.** The pump power is P(t) = P_avg * 2 s(t), s = 1 while cos(w0 t) > 0 and 0 otherwise
(50 % duty, average P_avg, on at -T0/4, off at T0/4 of each modulation period T0 = 1/f_mod; a
point on an edge counts 1/2). Its Fourier series is 2 s(t) = 1 + sum_{n odd} a_n e^{i n w0 t} with
a_n = 2 (-1)^{(|n| - 1)/2} / (pi |n|): the fundamental is (4/pi) cos(w0 t). The lock-in reports, like
`jaxtherm.tdtr.signal` does for a sinusoidal pump P_avg (1 + cos w0 t), the complex amplitude
X + i Y = 2 <v(t) r*(t)> of the detector signal v against the reference r, per watt of average
absorbed power. Two references:

* `reference="sine"` (a digital lock-in): r* = e^{-i w0 t}; only the component at f_mod is read;
* `reference="square"` (the mixers of RF lock-ins): X against sign(cos w0 t), Y against
  sign(sin w0 t), scaled by pi/4 so that the fundamental has unit weight. This reference is
  sum_p b_p e^{-i p w0 t} with p = 1, -3, 5, -7, ... and b_p = 1/p: it also reads the odd harmonics.

CW pump and probe: the n-th harmonic of the response is a_n H(i n w0), so

    Z_sine = (4/pi) H(i w0),     Z_square = (4/pi) sum_{n odd > 0} H~_n / n^2,

with H~_n = H(i n w0) for n = 1 mod 4 and its complex conjugate for n = 3 mod 4 (`n_harmonics` terms
and a tail that takes H constant beyond: exact when the response is flat over the harmonics, where
Z_square = (pi/2) H).

Pulsed pump and probe (TDTR at delay t): the pump pulses sample the square wave, so the modulation
the sample receives is the pulse-amplitude sequence 2 s(j T), whose harmonics fold into
(-f_rep/2, f_rep/2). The detector and lock-in input pass that band (the probe-pulse comb is
filtered to baseband), where the component at frequency nu = p f_mod has the amplitude
A_p = <2 s(jT) e^{-2 pi i nu jT}>_j (= a_p unless f_mod / f_rep is a ratio of small integers, e.g. an
80 MHz laser modulated at 10 MHz: then the aliased harmonics add, A_1 = 0.604 instead of 2/pi =
0.637) and the signal Z(nu, t) of `jaxtherm.tdtr.fdtr_signal` (complex conjugated for nu < 0):

    Z_square_wave(t) = 2 sum_p b_p A_p Z(p f_mod, t),   |p| f_mod < f_rep / 2.

With the pump on the delay stage each term carries e^{i p w0 t}, as `fdtr_signal` applies.
"""

from __future__ import annotations

import fractions

import jax
import jax.numpy as jnp
import numpy as np

from .._validation import check_choice, check_finite, check_integer
from ._checks import validate_delays
from ._lockin import fdtr_signal, response
from ._technique_model import TechniqueModel

__all__ = ["SquareWaveModel", "pump_harmonic", "square_wave_signal"]

_REFERENCES = ("sine", "square")
# Largest pulse period count of the modulation that is treated as commensurate (aliasing summed
# exactly over one common period); beyond it the harmonics are taken as not aliased.
_MAX_COMMON_PERIOD = 100_000


def _fourier_coefficient(n: int) -> float:
    """a_n of 2 s(t) (n odd)."""
    return 2.0 * (-1.0) ** ((abs(n) - 1) // 2) / (np.pi * abs(n))


def _commensurate(modulation_frequency: float, repetition_rate: float):
    """(numerator, pulses per common period) of f_mod / f_rep, or None when not a small-integer ratio."""
    ratio = modulation_frequency / repetition_rate
    fraction = fractions.Fraction(ratio).limit_denominator(_MAX_COMMON_PERIOD)
    if abs(float(fraction) - ratio) > 1e-12 * ratio:
        return None
    return fraction.numerator, fraction.denominator


def pump_harmonic(p: int, modulation_frequency: float, repetition_rate: float | None = None) -> complex:
    """Amplitude of the square-wave pump's component at p f_mod (dimensionless, per average power).

    **Arguments:**

    - `p`: harmonic (signed integer).
    - `modulation_frequency`: f_mod (Hz).
    - `repetition_rate`: f_rep (Hz) of a pulsed pump, or `None` for a CW pump.

    **Returns:** a_p = 2 (-1)^((|p|-1)/2) / (pi |p|) for odd p (0 for even p) with a CW pump; for
    pulses, the coefficient of the pulse-amplitude sequence 2 s(jT) at p f_mod (aliased harmonics
    included when f_mod / f_rep is a ratio of integers with denominator <= 1e5).
    """
    if repetition_rate is not None:
        common = _commensurate(modulation_frequency, repetition_rate)
        if common is not None:
            numerator, pulses = common
            phases = 2.0 * np.pi * numerator * np.arange(pulses) / pulses
            cosine = np.cos(phases)
            amplitudes = np.where(np.abs(cosine) <= 1e-12, 1.0, np.where(cosine > 0, 2.0, 0.0))
            return complex(np.mean(amplitudes * np.exp(-1j * p * phases)))
    return _fourier_coefficient(p) if p % 2 else 0.0


def _reference_harmonics(reference: str, n_harmonics: int, limit: float | None, f_mod: float):
    """Signed harmonics p read by the reference, with weights b_p (|p| f_mod below `limit`)."""
    if reference == "sine":
        return [(1, 1.0)]
    harmonics = []
    for n in range(1, n_harmonics + 1, 2):
        p = n if n % 4 == 1 else -n
        if limit is not None and n * f_mod >= limit:
            if n * f_mod == limit:
                raise ValueError(
                    f"harmonic {n} of modulation_frequency = {f_mod:g} Hz falls exactly on repetition_rate / 2 = "
                    f"{limit:g} Hz, where the square-wave reference reads an undefined mix of two aliases; "
                    f"use reference='sine' or a modulation frequency that is not f_rep / (2 n)"
                )
            break
        harmonics.append((p, 1.0 / p))
    return harmonics


def _square_reference_tail(n_harmonics: int) -> float:
    """sum of 1/n^2 over odd n > n_harmonics."""
    n = np.arange(1, n_harmonics + 1, 2, dtype=float)
    return np.pi**2 / 8.0 - float(np.sum(1.0 / n**2))


def square_wave_signal(stack, setup, delays=None, *, reference: str = "sine", n_harmonics: int = 401, **kwargs):
    """Lock-in signal with a square-wave modulated pump (convention in this module's docstring).

    **Arguments:**

    - `stack`, `setup`: the sample and measurement (`setup.modulation_frequency` is the square
      wave's frequency f_mod, Hz).
    - `delays`: `None` for a CW pump and probe; otherwise pump-probe delays (s), 1-D, of a pulsed
      measurement (as in `jaxtherm.tdtr.signal`).
    - `reference`: `"sine"` (default) or `"square"`: the lock-in's reference waveform.
    - `n_harmonics`: highest odd harmonic summed with a square reference and a CW pump (the rest
      of the 1/n^2 series is added with H taken constant beyond it).
    - `**kwargs`: passed to `jaxtherm.tdtr.response` (CW) or `fdtr_signal` (pulsed).

    **Returns:** complex V_in + i V_out per watt of average absorbed power (K W^-1; K m^2 W^-1 in
    1-D): a scalar (CW) or the shape of `delays`.
    """
    check_choice("reference", reference, _REFERENCES)
    check_integer("n_harmonics", n_harmonics, minimum=1)
    f_mod = setup.modulation_frequency
    if delays is None:
        harmonics = _reference_harmonics(reference, n_harmonics, None, f_mod)
        orders = np.array([abs(p) for p, _ in harmonics])
        values = response(stack, setup, orders * f_mod, **kwargs)
        total = 0.0
        for i, (p, weight) in enumerate(harmonics):
            value = values[i] if p > 0 else jnp.conj(values[i])
            total = total + 2.0 * weight * _fourier_coefficient(p) * value
        if reference == "square":
            total = total + (4.0 / np.pi) * _square_reference_tail(int(orders[-1])) * jnp.real(values[-1])
        return total
    # fdtr_signal sees each delay traced (under vmap): the delays are checked here, concrete.
    validate_delays(setup, delays, kwargs.get("wrap_delays", False))
    delays = jnp.asarray(delays, dtype=float)
    if delays.ndim != 1:
        raise ValueError(f"delays must be a 1-D array of pump-probe delays (s), got shape {delays.shape}")
    harmonics = _reference_harmonics(reference, n_harmonics, 0.5 * setup.repetition_rate, f_mod)
    frequencies = np.array([abs(p) for p, _ in harmonics]) * f_mod
    # One compiled FDTR evaluation for every harmonic and delay (frequencies are traced values).
    values = jax.vmap(lambda d: fdtr_signal(stack, setup, frequencies, d, **kwargs))(delays)
    total = jnp.zeros(delays.shape, dtype=values.dtype)
    for i, (p, weight) in enumerate(harmonics):
        amplitude = pump_harmonic(p, f_mod, setup.repetition_rate)
        value = values[:, i] if p > 0 else jnp.conj(values[:, i])
        total = total + 2.0 * weight * amplitude * value
    return total


class SquareWaveModel(TechniqueModel):
    """A square-wave-modulated lock-in observable (versus delay, or a CW value) as a trace model.

    **Arguments:**

    - `setup`: the `Setup`.
    - `delays`: pump-probe delays (s), 1-D, or `None` (CW: the model returns one value).
    - `observable`, `stack_path`, `gain_path`: see `TechniqueModel` (`"phase"` by default).
    - `reference`, `n_harmonics`, `**options`: as in `square_wave_signal`.
    """

    def __init__(
        self,
        setup,
        delays=None,
        observable: str = "phase",
        *,
        reference: str = "sine",
        n_harmonics: int = 401,
        stack_path: str = "stack",
        gain_path: str | None = None,
        **options,
    ):
        super().__init__(observable, stack_path, gain_path, options)
        check_choice("reference", reference, _REFERENCES)
        check_integer("n_harmonics", n_harmonics, minimum=1)
        if delays is not None:
            delays = np.asarray(delays, dtype=float)
            if delays.ndim != 1 or delays.size == 0:
                raise ValueError(f"delays must be a non-empty 1-D array (s), got shape {delays.shape}")
            check_finite("delays", delays, "s")
        self.setup = setup
        self.delays = delays
        self.reference = reference
        self.n_harmonics = n_harmonics

    def _own_key(self) -> tuple:
        delays = None if self.delays is None else self.delays.tobytes()
        return (self.setup, delays, self.reference, self.n_harmonics)

    def __repr__(self):
        return f"SquareWaveModel({self.observable}, reference={self.reference!r}, f_mod={self.setup.modulation_frequency:g} Hz)"

    def signal(self, params):
        """Complex square-wave lock-in signal (K W^-1), 1-D (a length-1 array for CW)."""
        z = square_wave_signal(
            self.stack(params),
            self.setup,
            None if self.delays is None else jnp.asarray(self.delays),
            reference=self.reference,
            n_harmonics=self.n_harmonics,
            **self.options,
        )
        return jnp.atleast_1d(z)
