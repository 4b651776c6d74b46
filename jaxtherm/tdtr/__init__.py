"""TDTR/FDTR frequency-domain multilayer response (ITR paper).

```python
import jax
jax.config.update("jax_enable_x64", True)
import jaxtherm as jt

L = jt.tdtr.Layer
stack = jt.tdtr.Stack(
    layers=[L(104e-9, 2.55e6, 158.1), L(9.66e-9, 2.21e6, 9.72), L(82e-9, 3.98e6, 83.6),
            L(float("inf"), 1.6e6, 1.4)],
    resistances=[4.2e-9, 6.9e-9, 1e-9],                      # m^2 K / W
)
setup = jt.tdtr.Setup(modulation_frequency=200e3, repetition_rate=20e6,
                      pump_radius=26e-6, probe_radius=12.5e-6,
                      heat_at="front", probe_at="rear")      # FR of the ITR paper
Z = jt.tdtr.signal(stack, setup, delays)                   # complex V_in + i V_out, per watt
jt.tdtr.ratio(Z), jt.tdtr.phase(Z)
solution = jt.tdtr.simulate(stack, setup, delays)          # Solution: times, signal, ratio, phase...
```

* The shared model contract: `Params` is `Stack`, `Config` is `Setup`, and
  `simulate(params, config, times) -> Solution` (named fields `times`, `signal`, `in_phase`,
  `out_of_phase`, `ratio`, `phase`); `signal(stack, setup, delays)` is the fast path.
* `Layer`, `Stack` are the Params: pytrees of SI floats (differentiate with `jax.grad` /
  `jax.jacfwd`, fit, sweep); new values never recompile. Functional updates:
  `stack.replace_resistance(i, value)`, `stack.replace_layer(i, conductivity=...)`.
* Batches: a batch of stacks is one `Stack` whose leaves have a leading axis, built with
  `jt.tdtr.stack_batch([s1, s2, ...])` or `jt.tdtr.Stack.from_arrays(thickness, heat_capacity,
  conductivity, resistances)` (arrays `(batch, n_layers)` / `(batch, n_layers - 1)`), then
  `jax.vmap(lambda s: jt.tdtr.signal(s, setup, delays))(batch)`.
* `Setup` is the static configuration (frequencies, beams, heated/probed planes, delay stage,
  optional optical absorption/sensing depths, numerical settings); hashable.
* `signal` (lock-in signal over the whole period), `ratio`, `phase`, `fdtr_signal` (versus
  modulation frequency, pulsed or CW) and `response` (bare H(i omega)).
* Fitting: `TdtrModel` / `FdtrModel` (`tdtr_trace` / `fdtr_trace`) predict one observable
  versus delay / modulation frequency for `jaxtherm.fit.fit_traces`; the delays/frequencies
  are traced (a new file of the same length bucket reuses the compiled fit), and the lock-in
  phase offset and time-zero shift are parameters read by path (`phase_offset_path`,
  `time_shift_path`). `estimate_phase_offset` finds the phase offset from the jump of the
  measured signal at t = 0; `correct_phase` removes it from V_in, V_out.
* Beams as parameters: `Beams(pump_radius, probe_radius, offset=None, absorption_depth=None,
  sensing_depth=None)` (m) passed as `beams=` to `signal`, `fdtr_signal`, `response`, `simulate`
  replaces the Setup's radii and depths with pytree leaves (differentiate, vmap, fit through
  `TdtrModel(..., beams_path="beams")`; new values never recompile). `Setup.pump_shape` /
  `probe_shape`: `"gaussian"` (1/e^2 radius) or `"tophat"` (disc radius); `Beams.offset` is the
  lateral pump-probe separation.
* Beam-offset TDTR: `offset_signal` (Z versus offset at one delay), `out_of_phase_fwhm` (FWHM of
  V_out versus offset, differentiable), `OffsetModel` (normalised V_out profile for `fit_traces`;
  in-plane conductivity through `Layer.conductivity_inplane`).
* Hot electrons: a `TwoChannelLayer` (Ce, Cp, kappa_e, kappa_p, G; `TwoChannelLayer.from_material(
  jt.materials.TUNGSTEN, 104e-9)`) carries separate electron and phonon temperatures; a
  `ChannelInterface` in `resistances` says which channels cross (h_pp, h_ee, and the metal-electron
  to dielectric paths of the ITR paper's circuit); the pump heats a share of electrons and the probe
  reads a Te + b Tp (fields of the layer at the plane). `signal`, bidirectional planes, the lock-in
  numerics and `fdtr_signal` work unchanged; derivatives are forward mode. A plain float between
  layers stays a phonon-only resistance. `two_channel_interface_resistance` gives the steady ITR a
  one-temperature model sees (`_two_channel`, `_two_channel_params`, `_two_channel_circuit`).
* Precision: float64 is the tested default; in float32 (x64 off) the signals agree with
  float64 to the bound stated in `signal`, and `PrecisionWarning` marks settings that cannot.
  `PlausibilityWarning` marks inputs that pass the range checks but describe an implausible
  measurement.

Private modules (one concept each): `_params` (`Layer`, `Stack`, `StackArrays`, validation),
`_setup` (`Setup`), `_transfer` (stable per-wavenumber plane-to-plane response, depth
profiles), `_hankel` (radial spot integral, custom derivative rule), `_beams` (`Beams`),
`_beam_rule` (radial rule for top-hat and offset kernels), `_bessel` (J0, J1), `_beam_offset`
(beam-offset TDTR), `_lockin` (pulse train
and the full-period numerics, documented there), `_checks` (input checks at the public
entries), `_simulate` (`Solution`, `simulate`).
"""

from .._validation import PlausibilityWarning as PlausibilityWarning
from .._validation import PrecisionWarning as PrecisionWarning
from ._beam_offset import OffsetModel as OffsetModel
from ._beam_offset import offset_signal as offset_signal
from ._beam_offset import out_of_phase_fwhm as out_of_phase_fwhm
from ._beams import Beams as Beams
from ._fdtr_fit import FdtrModel as FdtrModel
from ._fdtr_fit import fdtr_trace as fdtr_trace
from ._fit import TdtrModel as TdtrModel
from ._fit import tdtr_trace as tdtr_trace
from ._lockin import fdtr_signal as fdtr_signal
from ._lockin import phase as phase
from ._lockin import ratio as ratio
from ._lockin import response as response
from ._lockin import signal as signal
from ._params import Layer as Layer
from ._params import Stack as Stack
from ._params import StackArrays as StackArrays
from ._params import stack_batch as stack_batch
from ._phase_correction import correct_phase as correct_phase
from ._phase_correction import estimate_phase_offset as estimate_phase_offset
from ._setup import Setup as Setup
from ._simulate import Solution as Solution
from ._simulate import simulate as simulate
from ._two_channel import TwoChannelArrays as TwoChannelArrays
from ._two_channel_circuit import two_channel_interface_resistance as two_channel_interface_resistance
from ._two_channel_params import ChannelInterface as ChannelInterface
from ._two_channel_params import TwoChannelLayer as TwoChannelLayer

# isort: split
# Techniques beyond pulsed TDTR: steady-state thermoreflectance, square-wave modulation, T(r, z).
from ._square_wave import SquareWaveModel as SquareWaveModel
from ._square_wave import pump_harmonic as pump_harmonic
from ._square_wave import square_wave_signal as square_wave_signal
from ._sstr import SstrModel as SstrModel
from ._sstr import sstr_signal as sstr_signal
from ._sstr import steady_state_response as steady_state_response
from ._technique_model import TechniqueModel as TechniqueModel
from ._temperature_field import steady_state_heating as steady_state_heating
from ._temperature_field import temperature_field as temperature_field

# The shared model contract: Params (the sample pytree) and Config (the static measurement).
Params = Stack
Config = Setup
