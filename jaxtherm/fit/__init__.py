"""Fitting layer: least squares on pytrees, uncertainties, sensitivities, trace files.

* `least_squares(residual_fn, initial, ...)` - the model-agnostic Levenberg-Marquardt
  core (jitted, vmappable); `least_squares_batched` runs many fits under `vmap`.
* `Trace`, `fit_traces`, `fit_traces_batched` - named parameters of a pytree (paths like
  `"stack.layers[1].thickness"`) fitted to several traces that share parameters, with
  propagation of fixed-parameter uncertainties (`uncertainty`).
* Honesty of a fit: `converged` (criteria met at a finite point), `p_value` and
  `poor_fit` from chi^2, and the warnings `ConvergenceWarning`, `PoorFitWarning`,
  `AtBoundWarning`, `UnconstrainedParameterWarning`, `DegeneracyWarning`,
  `PostFitWarning` (the optimiser's result is kept when a later step fails).
* Models that declare their abscissa (`abscissa`, `structure`, `model(params, x)`, e.g.
  `jaxtherm.tdtr.TdtrModel`) get it as a traced input: one compiled fit serves every file
  of a length bucket (`bucket_size`), padded rows masked out of every reported number.
* `log_sensitivity` - S_p = d ln f / d ln p by forward-mode AD (ITR paper eq. 1).
* `load_trace_file` - measured traces from CSV/TSV/whitespace files.
"""

from ._abscissa import bucket_size as bucket_size
from ._basins import OtherMinimum as OtherMinimum
from ._batch import least_squares_batched as least_squares_batched
from ._chi2_map import Chi2Map as Chi2Map
from ._chi2_map import chi2_map as chi2_map
from ._chi2_map import delta_chi2_level as delta_chi2_level
from ._chi2_map import plot_chi2_map as plot_chi2_map
from ._least_squares import least_squares as least_squares
from ._profile import ProfileResult as ProfileResult
from ._profile import profile as profile
from ._result import AtBoundWarning as AtBoundWarning
from ._result import BatchFitResult as BatchFitResult
from ._result import ConvergenceWarning as ConvergenceWarning
from ._result import DegeneracyWarning as DegeneracyWarning
from ._result import FitResult as FitResult
from ._result import PoorFitWarning as PoorFitWarning
from ._result import UnconstrainedParameterWarning as UnconstrainedParameterWarning
from ._sample import Prior as Prior
from ._sample import SampleResult as SampleResult
from ._sample import plot_corner as plot_corner
from ._sample import sample as sample
from .io import TraceFile as TraceFile
from .io import TraceFileError as TraceFileError
from .io import load_trace_file as load_trace_file
from .paths import ParameterPathError as ParameterPathError
from .paths import get_path as get_path
from .paths import set_path as set_path
from .problem import PostFitWarning as PostFitWarning
from .problem import Trace as Trace
from .problem import TraceFitResult as TraceFitResult
from .problem import fit_traces as fit_traces
from .problem import fit_traces_batched as fit_traces_batched
from .problem import predict as predict
from .sensitivity import log_sensitivity as log_sensitivity
from .sensitivity import log_sensitivity_finite_difference as log_sensitivity_finite_difference
from .sensitivity import plot_sensitivities as plot_sensitivities
from .uncertainty import implicit_jacobian as implicit_jacobian
from .uncertainty import propagate_fixed_uncertainty as propagate_fixed_uncertainty
