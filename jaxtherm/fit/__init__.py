"""Fitting layer: least squares on pytrees, uncertainties, sensitivities, trace files.

* `least_squares(residual_fn, initial, ...)` - the model-agnostic Levenberg-Marquardt
  core (jitted, vmappable); `least_squares_batched` runs many fits under `vmap`.
* `Trace`, `fit_traces`, `fit_traces_batched` - named parameters of a pytree (paths like
  `"stack.layers[1].thickness"`) fitted to several traces that share parameters, with
  propagation of fixed-parameter uncertainties (`uncertainty`).
* `TdtrModel`, `tdtr_trace` - TDTR observables (phase, ratio, V_in, V_out, ...) as trace models.
* `log_sensitivity` - S_p = d ln f / d ln p by forward-mode AD (ITR paper eq. 1).
* `load_trace_file` - measured traces from CSV/TSV/whitespace files.
"""

from .least_squares import BatchFitResult as BatchFitResult
from .least_squares import DegeneracyWarning as DegeneracyWarning
from .least_squares import FitResult as FitResult
from .least_squares import least_squares as least_squares
from .least_squares import least_squares_batched as least_squares_batched
from .paths import get_path as get_path
from .paths import set_path as set_path
from .problem import Trace as Trace
from .problem import TraceFitResult as TraceFitResult
from .problem import fit_traces as fit_traces
from .problem import fit_traces_batched as fit_traces_batched
from .problem import predict as predict
from .uncertainty import implicit_jacobian as implicit_jacobian
from .uncertainty import propagate_fixed_uncertainty as propagate_fixed_uncertainty
from .io import TraceFile as TraceFile
from .io import TraceFileError as TraceFileError
from .io import load_trace_file as load_trace_file
from .sensitivity import log_sensitivity as log_sensitivity
from .sensitivity import log_sensitivity_finite_difference as log_sensitivity_finite_difference
from .sensitivity import plot_sensitivities as plot_sensitivities
from .traces import TdtrModel as TdtrModel
from .traces import tdtr_trace as tdtr_trace
from ._sample import Prior as Prior
from ._sample import SampleResult as SampleResult
from ._sample import plot_corner as plot_corner
from ._sample import sample as sample
from ._profile import ProfileResult as ProfileResult
from ._profile import profile as profile
