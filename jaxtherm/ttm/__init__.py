"""Two-temperature model (TTM): semi-implicit finite volumes in JAX (DUGKS paper, App. A).

    Ce(Te) dTe/dt = d/dx(kappa_e dTe/dx) - G (Te - Tp) + S(x, t)
    Cp     dTp/dt = d/dx(kappa_p dTp/dx) + G (Te - Tp)

The solver contract shared with `jaxtherm.dugks`:

* `Params` (pytree: `Layer`s of `jaxtherm.materials` metals / non-metals with their
  thicknesses, `Interface` conductances, source, initial and wall temperatures) and
  `Config` (static: cells per layer, grading, variant ``"A"``/``"B"``, boundaries per
  wall and carrier);
* `simulate(params, config, times, output_times=..., positions=...) -> Solution`, where
  `times` are the step edges (s);
* `step(params, config, state, dt) -> State` and `initial_state` for custom loops;
  `make_geometry(params, config) -> Geometry` (cells);
* `time_grid(...)`: step edges with fine steps during the pulse and growing ones after;
* `drude_signal`, `linear_signal`, `model_trace`: Delta R / R traces;
  `fit_coupling_and_delay`: G and t_h fits.

Which variant. ``"A"`` (the paper's) treats the coupling explicitly: two scalar
tridiagonal solves per step (LAPACK), the fastest; first order in time with lagged
coefficients (second order with ``coefficients="midpoint"``, which evaluates the
explicit coupling at the predicted midpoint); stable only for
dt G (1/Ce + 1/Cp) < 2 - fine for Au (G/Ce ~ 1e12 /s, dt up to ~1 ps) but
restrictive for Pt, Ni, W (G/Ce ~ 2-5e12 /s) at ps-ns steps; `simulate` refuses
larger steps (`max_stable_step`). ``"B"`` (default) treats the coupling with
Crank-Nicolson too: one coupled 2x2-block solve, unconditionally stable and second
order in time for constant coefficients, but not L-stable - with dt G/Ce >> 1 the
electron-phonon difference flips sign from step to step while it decays (bounded;
use steps of a few Ce/G while Te and Tp differ if that transient matters). On a CPU
the block solve is a sequential sweep and variant B costs several times variant A per step.

Energy: with ``temperature_update="energy"`` (default) the discrete balance
absorbed = stored + wall losses holds to round-off (`Solution.energy_error`), and a
source is integrated exactly over each step.
"""

from .._layers import Geometry as Geometry
from .._layers import Layer as Layer
from ._fit import fit_coupling_and_delay as fit_coupling_and_delay
from ._fit import model_trace as model_trace
from ._fit import with_coupling as with_coupling
from ._fit import with_delay as with_delay
from ._params import BOUNDARY_KINDS as BOUNDARY_KINDS
from ._params import VARIANTS as VARIANTS
from ._params import Config as Config
from ._params import Interface as Interface
from ._params import Params as Params
from ._params import single_layer as single_layer
from ._signal import drude_signal as drude_signal
from ._signal import linear_signal as linear_signal
from ._simulate import Solution as Solution
from ._simulate import output_indices as output_indices
from ._simulate import sample_positions as sample_positions
from ._simulate import simulate as simulate
from ._stability import max_stable_step as max_stable_step
from ._step import CellProperties as CellProperties
from ._step import State as State
from ._step import cell_properties as cell_properties
from ._step import initial_state as initial_state
from ._step import make_geometry as make_geometry
from ._step import step as step
from ._step import stored_energy as stored_energy
from ._time_grid import time_grid as time_grid
from ._time_grid import uniform_time_grid as uniform_time_grid
