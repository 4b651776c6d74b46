"""Steady-state thermoreflectance (SSTR): the quasi-steady response to a slowly modulated pump.

In SSTR a continuous-wave pump, modulated at a low f_mod (typically 100 Hz - 1 kHz), heats the
sample and the lock-in reads the probe's reflectance change at f_mod. The temperature rise is
linear in the absorbed pump power P, ΔT = P H(i 2 pi f_mod), with H the Gaussian-spot response of
`jaxtherm.tdtr.response`; the measured quantity is the slope dΔV / dP = gain Re H, where the gain
(V K^-1, thermoreflectance times detector) is calibrated on a reference sample. At f_mod -> 0 the
slope tends to the steady response H(0) (K W^-1), e.g. 1 / (sqrt(2 pi) kappa sqrt(w0^2 + w1^2))
for a half space; the deviation at finite f_mod shrinks like sqrt(f_mod). A film of conductance
h on the substrate adds about 2 / (pi h (w0^2 + w1^2)) when the film is thin compared with the
spots, so the steady slope measures mainly the substrate's conductivity, and two spot sizes
separate the film term (~ 1 / w^2) from the substrate term (~ 1 / w).

Pulsed SSTR (a pulsed laser modulated at low f_mod, probed at a fixed delay) is the FDTR signal
at that delay (`fdtr_signal(stack, setup, f_mod, delay)`); a wide-area pump (PWA: spots much
larger than the heat diffusion length) is the 1-D response (`Setup(one_dimensional=True)`), per
W m^-2 of absorbed flux, finite only at f_mod > 0.
"""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from .._validation import check_finite
from ._lockin import fdtr_signal, response
from ._technique_model import TechniqueModel

__all__ = ["SstrModel", "sstr_signal", "steady_state_response"]


def steady_state_response(stack, setup, **kwargs):
    """Steady probe-weighted temperature rise per absorbed watt, H(0) (K W^-1).

    **Arguments:**

    - `stack`, `setup`: as in `jaxtherm.tdtr.response` (Gaussian spots; the stack must end in a
      semi-infinite substrate, otherwise it has no heat sink and H(0) is infinite: `ValueError`).
    - `**kwargs`: passed to `jaxtherm.tdtr.response`.

    **Returns:** real scalar (K W^-1). Multiplied by the average absorbed power (W) this is the
    steady heating of the probed spot on which the modulated signal rides.
    """
    return jnp.real(response(stack, setup, 0.0, **kwargs))


def sstr_signal(stack, setup, *, delay=None, **kwargs):
    """SSTR lock-in signal per absorbed watt at `setup.modulation_frequency` (K W^-1).

    **Arguments:**

    - `stack`, `setup`: the sample and measurement; `setup.modulation_frequency` (Hz) is the SSTR
      modulation (low: the response is quasi-steady). With `one_dimensional=True` (wide-area pump)
      the signal is per W m^-2 (K m^2 W^-1).
    - `delay`: `None` for a continuous-wave pump and probe (the signal is H(i 2 pi f_mod)); a
      pump-probe delay (s) for pulsed lasers (the FDTR signal at that delay).
    - `**kwargs`: passed to `jaxtherm.tdtr.response` / `fdtr_signal`.

    **Returns:** complex scalar V_in + i V_out per absorbed watt; its real part is the SSTR slope
    ΔT / P, which tends to `steady_state_response` as f_mod -> 0.
    """
    if delay is None:
        return response(stack, setup, setup.modulation_frequency, **kwargs)
    return fdtr_signal(stack, setup, setup.modulation_frequency, delay, **kwargs)


class SstrModel(TechniqueModel):
    """Probe signal versus absorbed pump power of an SSTR measurement, as a trace model.

    **Arguments:**

    - `setup`: the `Setup` (beam radii, f_mod, planes).
    - `powers`: absorbed pump powers P (W; W m^-2 with `one_dimensional=True`), 1-D.
    - `observable`: `"v_in"` (default: gain P Re H, the usual SSTR data), `"v_out"`, `"amplitude"`
      (see `TechniqueModel`); `"phase"` and `"ratio"` do not depend on P.
    - `delay`: `None` (CW) or the pump-probe delay (s) of a pulsed measurement.
    - `stack_path`, `gain_path`: paths in the parameter pytree of the `Stack` and of the
      calibration factor (V K^-1; without it the model is the temperature rise in K).
    - `**options`: passed to `jaxtherm.tdtr.response` / `fdtr_signal`.
    """

    def __init__(
        self,
        setup,
        powers,
        observable: str = "v_in",
        *,
        delay=None,
        stack_path: str = "stack",
        gain_path: str | None = None,
        **options,
    ):
        super().__init__(observable, stack_path, gain_path, options)
        powers = np.asarray(powers, dtype=float)
        if powers.ndim != 1 or powers.size == 0:
            raise ValueError(f"powers must be a non-empty 1-D array of absorbed powers (W), got shape {powers.shape}")
        check_finite("powers", powers, "W")
        if delay is not None:
            check_finite("delay", delay, "s")
            delay = float(delay)
        self.setup = setup
        self.powers = powers
        self.delay = delay

    def _own_key(self) -> tuple:
        return (self.setup, self.powers.tobytes(), self.delay)

    def __repr__(self):
        return f"SstrModel({self.observable}, f_mod={self.setup.modulation_frequency:g} Hz, {self.powers.size} powers)"

    def signal(self, params):
        """Complex signal P H (K; K m^2 W^-1 per ... in 1-D) at each power."""
        slope = sstr_signal(self.stack(params), self.setup, delay=self.delay, **self.options)
        return jnp.asarray(self.powers) * slope
