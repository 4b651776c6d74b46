"""TDTR observables as trace models for `fit_traces` and `log_sensitivity`.

`TdtrModel(setup, delays, observable=...)` is a callable `model(params)` that
reads a `jaxtherm.tdtr.Stack` from the parameter pytree, optionally takes the
interface resistances from a dict of *named* resistances (so the same interface
can carry a different, direction-dependent ITR in the FR and RF traces), calls
`jaxtherm.tdtr.signal`, and returns one observable:

| observable | value |
|---|---|
| `"phase"` | lock-in phase atan2(V_out, V_in) (rad) |
| `"ratio"` | -V_in / V_out (dimensionless) |
| `"v_in"`, `"v_out"` | in-phase / out-of-phase signal times an amplitude factor |
| `"amplitude"` | |Z| times an amplitude factor |
| `"v_in_normalised"` | V_in / V_in(first delay): normalised Delta R / R |

V_in, V_out and |Z| of a measurement are in volts with an unknown
thermoreflectance/detector factor: give `amplitude_path` to fit that factor.

Lock-in corrections, read from the parameter pytree so they can be fitted, carried
in `fixed_uncertainties` or sampled: `phase_offset_path` (rad) rotates the model's
signal to the measured one, Z -> Z exp(i phi) (a detection-phase error of the lock-in;
see `estimate_phase_offset`), and `time_shift_path` (s) evaluates the model at
delays + t0 (an error of the zero-delay position).

The delays are the model's *traced abscissa* (`jaxtherm.fit`'s protocol): a model
compares equal to another only with equal delays, but fits reuse one compilation for
every model of the same `structure` and length bucket.
"""

from __future__ import annotations

import dataclasses

import jax.numpy as jnp
import numpy as np

from .._validation import check_choice, check_finite
from ..fit import Trace, get_path
from ._lockin import signal as lockin_signal
from ._observables import OBSERVABLES, UNITS, observe

__all__ = ["TdtrModel", "tdtr_trace", "OBSERVABLES"]


def named_stack(params, stack_path: str, resistance_names, resistance_path: str):
    """The `Stack` at `stack_path` with the named resistances of `resistance_path` inserted."""
    stack = get_path(params, stack_path) if stack_path else params
    if resistance_names is not None:
        if len(resistance_names) != len(stack.resistances):
            raise ValueError(
                f"resistance_names has {len(resistance_names)} entries but the stack has "
                f"{len(stack.resistances)} interfaces"
            )
        named = get_path(params, resistance_path)
        resistances = [stack.resistances[i] if key is None else named[key] for i, key in enumerate(resistance_names)]
        stack = dataclasses.replace(stack, resistances=resistances)
    return stack


class LockinTraceModel:
    """What `TdtrModel` and `FdtrModel` share: value semantics over (`_key()`, abscissa), the
    observable's unit and the stack with named resistances inserted.

    A subclass defines `_key()` (everything but the abscissa values, hashable), `abscissa`
    (the points it predicts at by default) and `signal(params, x)`; a fit compiles for
    `structure` and passes the abscissa as a traced argument, `model(params, x)`.
    """

    def _key(self):
        raise NotImplementedError

    def _paths_key(self) -> tuple:
        """The setup, observable and parameter paths: the part of `_key()` both models share."""
        return (
            self.setup,
            self.observable,
            self.stack_path,
            self.resistance_names,
            self.resistance_path,
            self.amplitude_path,
            self.phase_offset_path,
            self.time_shift_path,
            self.beams_path,
        )

    def _beams(self, params):
        """The `Beams` at `beams_path`, or None (the setup's)."""
        return None if self.beams_path is None else get_path(params, self.beams_path)

    def _shifted(self, params, t):
        """`t` (s) plus the time-zero shift at `time_shift_path`, if any."""
        return t if self.time_shift_path is None else t + get_path(params, self.time_shift_path)

    def _rotated(self, params, z):
        """`z` times exp(i phi) with the lock-in phase offset phi (rad) at `phase_offset_path`, if any."""
        return z if self.phase_offset_path is None else z * jnp.exp(1j * get_path(params, self.phase_offset_path))

    def __call__(self, params, x=None):
        """The observable at the model's abscissa, or at `x` (delays in s, frequencies in Hz; may be traced)."""
        return observe(self.signal(params, x), self.observable, params, self.amplitude_path)

    @property
    def abscissa(self) -> np.ndarray:
        raise NotImplementedError

    @property
    def structure(self):
        """Hashable: models with equal structure are the same function of `(params, abscissa)`."""
        return (type(self), self._key())

    def __eq__(self, other):
        return (
            type(other) is type(self)
            and self._key() == other._key()
            and self.abscissa.shape == other.abscissa.shape
            and bool(np.all(self.abscissa == other.abscissa))
        )

    def __hash__(self):
        return hash((self._key(), self.abscissa.tobytes()))

    @property
    def unit(self) -> str:
        """Unit of the observable."""
        return UNITS[self.observable]

    def stack(self, params):
        """The `Stack` this trace sees (named resistances inserted)."""
        return named_stack(params, self.stack_path, self.resistance_names, self.resistance_path)


class TdtrModel(LockinTraceModel):
    """Predict one TDTR observable versus delay from a parameter pytree.

    **Arguments:**

    - `setup`: a `jaxtherm.tdtr.Setup` (frequencies, beams, heated/probed planes).
    - `delays`: pump-probe delays (s), 1-D.
    - `observable`: one of `OBSERVABLES`.
    - `stack_path`: path of the `Stack` inside the parameter pytree (`""` if the pytree
      *is* the stack).
    - `resistance_names`: optional list, one entry per interface: a key of the dict at
      `resistance_path` giving that interface's resistance (m^2 K/W) for this trace, or
      `None` to keep the stack's own value.
    - `resistance_path`: path of the dict of named resistances (default `"itr"`).
    - `amplitude_path`: optional path of a scalar factor multiplying V_in, V_out, |Z|.
    - `phase_offset_path`: optional path of a scalar lock-in phase offset phi (rad): the
      model's signal is Z exp(i phi), which changes phase, ratio, V_in and V_out.
    - `time_shift_path`: optional path of a scalar time-zero shift t0 (s): the model is
      evaluated at delays + t0 (which must stay outside `setup.min_delay` after a pulse;
      inside a fit this is not checked, the post-fit prediction refuses a violation).
    - `beams_path`: optional path of a `jaxtherm.tdtr.Beams` in the parameter pytree (beam radii,
      offset, optical depths in m: fittable, e.g. `"beams.pump_radius"`); `None` uses the setup's.

    Models compare and hash by value (setup, delays, observable, paths), so two equal
    models built independently share compiled fits, sensitivities and solvers. Their
    `structure` (everything but the delay values) is what a fit compiles for; the delays
    enter as a traced argument, `model(params, delays)`.
    """

    def __init__(
        self,
        setup,
        delays,
        observable: str = "phase",
        *,
        stack_path: str = "stack",
        resistance_names=None,
        resistance_path: str = "itr",
        amplitude_path: str | None = None,
        phase_offset_path: str | None = None,
        time_shift_path: str | None = None,
        beams_path: str | None = None,
    ):
        check_choice("observable", observable, OBSERVABLES)
        delays = np.asarray(delays, dtype=float)
        if delays.ndim != 1 or delays.size == 0:
            raise ValueError(f"delays must be a non-empty 1-D array (s), got shape {delays.shape}")
        check_finite("delays", delays, "s")
        if np.max(np.abs(delays)) > 1.0:
            raise ValueError(f"delays reach {np.max(np.abs(delays)):g} s; delays are in seconds (e.g. 1 ns = 1e-9)")
        self.setup = setup
        self.delays = delays
        self.observable = observable
        self.stack_path = stack_path
        self.resistance_names = None if resistance_names is None else tuple(resistance_names)
        self.resistance_path = resistance_path
        self.amplitude_path = amplitude_path
        self.phase_offset_path = phase_offset_path
        self.time_shift_path = time_shift_path
        self.beams_path = beams_path

    def _key(self):
        """Everything but the delay values (the static part of the model)."""
        return self._paths_key()

    @property
    def abscissa(self) -> np.ndarray:
        """The delays (s) this model predicts at by default."""
        return self.delays

    def __repr__(self):
        return (
            f"TdtrModel({self.observable}, heat_at={self.setup.heat_at!r}, probe_at={self.setup.probe_at!r}, "
            f"{self.delays.size} delays {self.delays.min():.3g}-{self.delays.max():.3g} s)"
        )

    def signal(self, params, delays=None):
        """Complex lock-in signal Z(t) of this trace (K per W, or per W/m^2 in 1-D).

        **Arguments:** `params` (the parameter pytree, SI); `delays` (s, may be traced;
        default: the model's own). The phase offset and time shift, if any, are applied.
        """
        delays = self._shifted(params, jnp.asarray(self.delays if delays is None else delays))
        z = lockin_signal(self.stack(params), self.setup, delays, beams=self._beams(params))
        return self._rotated(params, z)


def tdtr_trace(
    setup, delays, data, sigma, *, observable: str = "phase", name: str = "trace", weight: float = 1.0, **model_options
) -> Trace:
    """A `Trace` of a TDTR observable: data and sigma in the observable's unit, delays in s.

    **Arguments:** `setup`, `delays`, `observable` and `model_options` as in `TdtrModel`;
    `data`, `sigma` (same unit as the observable, e.g. rad), `name`, `weight` as in `Trace`.

    **Returns:** the `Trace` (its `x` holds the delays).
    """
    model = TdtrModel(setup, delays, observable, **model_options)
    data = np.asarray(data, dtype=float)
    if data.shape != model.delays.shape:
        raise ValueError(f"trace {name!r}: data shape {data.shape} does not match delays {model.delays.shape}")
    return Trace(model=model, data=data, sigma=sigma, weight=weight, name=name, x=model.delays)
