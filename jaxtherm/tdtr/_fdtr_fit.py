"""FDTR observables versus modulation frequency as trace models for `fit_traces`.

`FdtrModel(setup, frequencies, observable=..., delay=...)` predicts the lock-in
phase (or ratio, V_in, V_out, amplitude) of `jaxtherm.tdtr.fdtr_signal` at each
modulation frequency. The frequencies are its traced abscissa (`jaxtherm.fit`'s
protocol): every file of the same structure and length bucket reuses one compiled
fit. A lock-in phase offset phi (rad) read at `phase_offset_path` rotates the
signal, Z -> Z exp(i phi), the usual FDTR phase-offset parameter. The beam radii,
offset and optical depths may be read from a `Beams` at `beams_path` (fitted, swept or
carried in `fixed_uncertainties`; the spot size is usually the largest input
uncertainty of FDTR). A time-zero shift t0 (`time_shift_path`) applies to a pulsed
measurement only, whose fixed pump-probe delay becomes delay + t0; a continuous-wave
measurement has no pump-probe delay and refuses it.
"""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from .._validation import check_choice, check_positive
from ..fit import Trace
from ._fit import LockinTraceModel
from ._lockin import fdtr_signal
from ._observables import OBSERVABLES

__all__ = ["FdtrModel", "fdtr_trace"]


class FdtrModel(LockinTraceModel):
    """Predict one FDTR observable versus modulation frequency from a parameter pytree.

    **Arguments:**

    - `setup`: a `jaxtherm.tdtr.Setup` (beams, planes, repetition rate); its
      `modulation_frequency` is ignored.
    - `frequencies`: modulation frequencies f_mod (Hz), 1-D, each > 0.
    - `observable`: one of `OBSERVABLES` (`"phase"` is the usual FDTR observable).
    - `delay`: pump-probe delay (s) of a pulsed measurement, or None for a
      continuous-wave measurement (signal H(i 2 pi f)).
    - `stack_path`, `resistance_names`, `resistance_path`, `amplitude_path`: as in `TdtrModel`.
    - `phase_offset_path`: optional path of a scalar lock-in phase offset phi (rad).
    - `time_shift_path`: optional path of a scalar time-zero shift t0 (s) of a pulsed
      measurement: the model is evaluated at the delay `delay + t0`. Refused with
      `delay=None` (a continuous-wave signal has no pump-probe delay; a constant detection
      phase error is `phase_offset_path`).
    - `beams_path`: optional path of a `jaxtherm.tdtr.Beams` in the parameter pytree (beam
      radii, offset, optical depths in m: fittable, e.g. `"beams.probe_radius"`); `None` uses
      the setup's.

    Compares and hashes by value; `structure` excludes the frequency values, which a fit
    passes as a traced argument, `model(params, frequencies)`.
    """

    def __init__(
        self,
        setup,
        frequencies,
        observable: str = "phase",
        *,
        delay: float | None = None,
        stack_path: str = "stack",
        resistance_names=None,
        resistance_path: str = "itr",
        amplitude_path: str | None = None,
        phase_offset_path: str | None = None,
        time_shift_path: str | None = None,
        beams_path: str | None = None,
    ):
        check_choice("observable", observable, OBSERVABLES)
        frequencies = np.asarray(frequencies, dtype=float)
        if frequencies.ndim != 1 or frequencies.size == 0:
            raise ValueError(f"frequencies must be a non-empty 1-D array (Hz), got shape {frequencies.shape}")
        check_positive("frequencies", frequencies, "Hz")
        if delay is not None and (np.ndim(delay) != 0 or not np.isfinite(delay) or abs(float(delay)) > 1.0):
            raise ValueError(f"delay must be one pump-probe delay in s (|delay| < 1 s) or None, got {delay!r}")
        if time_shift_path is not None and delay is None:
            raise ValueError(
                "time_shift_path needs a pulsed measurement (delay in s): a continuous-wave FDTR signal "
                "(delay=None) has no pump-probe delay to shift; fit a constant detection phase error with "
                "phase_offset_path (rad) instead"
            )
        self.setup = setup
        self.frequencies = frequencies
        self.observable = observable
        self.delay = None if delay is None else float(delay)
        self.stack_path = stack_path
        self.resistance_names = None if resistance_names is None else tuple(resistance_names)
        self.resistance_path = resistance_path
        self.amplitude_path = amplitude_path
        self.phase_offset_path = phase_offset_path
        self.time_shift_path = time_shift_path
        self.beams_path = beams_path

    def _key(self):
        """Everything but the frequency values (the static part of the model)."""
        return self._paths_key() + (self.delay,)

    @property
    def abscissa(self) -> np.ndarray:
        """The modulation frequencies (Hz) this model predicts at by default."""
        return self.frequencies

    def __repr__(self):
        return (
            f"FdtrModel({self.observable}, {self.frequencies.size} frequencies "
            f"{self.frequencies.min():.3g}-{self.frequencies.max():.3g} Hz, delay={self.delay!r})"
        )

    def signal(self, params, frequencies=None):
        """Complex lock-in signal versus modulation frequency, per W (per W/m^2 in 1-D).

        **Arguments:** `params` (the parameter pytree, SI); `frequencies` (Hz, may be traced;
        default: the model's own). The beams, time shift and phase offset, if any, are applied.
        """
        frequencies = jnp.asarray(self.frequencies if frequencies is None else frequencies)
        delay = None if self.delay is None else self._shifted(params, self.delay)
        z = fdtr_signal(self.stack(params), self.setup, frequencies, delay, beams=self._beams(params))
        return self._rotated(params, z)


def fdtr_trace(
    setup,
    frequencies,
    data,
    sigma,
    *,
    observable: str = "phase",
    name: str = "trace",
    weight: float = 1.0,
    **model_options,
) -> Trace:
    """A `Trace` of an FDTR observable: data and sigma in the observable's unit, frequencies in Hz.

    **Arguments:** `setup`, `frequencies`, `observable` and `model_options` as in
    `FdtrModel`; `data`, `sigma` (unit of the observable, e.g. rad), `name`, `weight` as in `Trace`.

    **Returns:** the `Trace` (its `x` holds the frequencies).
    """
    model = FdtrModel(setup, frequencies, observable, **model_options)
    data = np.asarray(data, dtype=float)
    if data.shape != model.frequencies.shape:
        raise ValueError(
            f"trace {name!r}: data shape {data.shape} does not match frequencies {model.frequencies.shape}"
        )
    return Trace(model=model, data=data, sigma=sigma, weight=weight, name=name, x=model.frequencies)
