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
"""

from __future__ import annotations

import dataclasses

import jax.numpy as jnp
import numpy as np

from .._validation import check_choice, check_finite
from ..fit import Trace, get_path
from ._lockin import phase, ratio
from ._lockin import signal as lockin_signal

__all__ = ["TdtrModel", "tdtr_trace", "OBSERVABLES"]

OBSERVABLES = ("phase", "ratio", "v_in", "v_out", "amplitude", "v_in_normalised")

_UNITS = {
    "phase": "rad",
    "ratio": "dimensionless",
    "v_in": "V",
    "v_out": "V",
    "amplitude": "V",
    "v_in_normalised": "dimensionless",
}


class TdtrModel:
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
    - `beams_path`: optional path of a `jaxtherm.tdtr.Beams` in the parameter pytree (beam radii,
      offset, optical depths in m: fittable, e.g. `"beams.pump_radius"`); `None` uses the setup's.

    Models compare and hash by value (setup, delays, observable, paths), so two equal
    models built independently share compiled fits, sensitivities and solvers.
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
        self.beams_path = beams_path

    def _key(self):
        return (
            self.setup,
            self.delays.tobytes(),
            self.delays.shape,
            self.observable,
            self.stack_path,
            self.resistance_names,
            self.resistance_path,
            self.amplitude_path,
            self.beams_path,
        )

    def __eq__(self, other):
        return isinstance(other, TdtrModel) and self._key() == other._key()

    def __hash__(self):
        return hash(self._key())

    def __repr__(self):
        return (
            f"TdtrModel({self.observable}, heat_at={self.setup.heat_at!r}, probe_at={self.setup.probe_at!r}, "
            f"{self.delays.size} delays {self.delays.min():.3g}-{self.delays.max():.3g} s)"
        )

    @property
    def unit(self) -> str:
        """Unit of the observable."""
        return _UNITS[self.observable]

    def stack(self, params):
        """The `Stack` this trace sees (named resistances inserted)."""
        stack = get_path(params, self.stack_path) if self.stack_path else params
        if self.resistance_names is not None:
            if len(self.resistance_names) != len(stack.resistances):
                raise ValueError(
                    f"resistance_names has {len(self.resistance_names)} entries but the stack has "
                    f"{len(stack.resistances)} interfaces"
                )
            named = get_path(params, self.resistance_path)
            resistances = [
                stack.resistances[i] if key is None else named[key] for i, key in enumerate(self.resistance_names)
            ]
            stack = dataclasses.replace(stack, resistances=resistances)
        return stack

    def signal(self, params):
        """Complex lock-in signal Z(t) of this trace (K per W, or per W/m^2 in 1-D)."""
        beams = None if self.beams_path is None else get_path(params, self.beams_path)
        return lockin_signal(self.stack(params), self.setup, jnp.asarray(self.delays), beams=beams)

    def __call__(self, params):
        z = self.signal(params)
        if self.observable == "phase":
            return phase(z)
        if self.observable == "ratio":
            return ratio(z)
        if self.observable == "v_in_normalised":
            return jnp.real(z) / jnp.real(z[0])
        amplitude = 1.0 if self.amplitude_path is None else get_path(params, self.amplitude_path)
        if self.observable == "v_in":
            return amplitude * jnp.real(z)
        if self.observable == "v_out":
            return amplitude * jnp.imag(z)
        return amplitude * jnp.abs(z)


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
