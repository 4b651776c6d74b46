"""Two-temperature model (TTM): semi-implicit finite volumes in JAX (DUGKS paper, App. A).

    Ce(Te) dTe/dt = d/dx(kappa_e dTe/dx) - G (Te - Tp) + S(x, t)
    Cp     dTp/dt = d/dx(kappa_p dTp/dx) + G (Te - Tp)

* `Params` (pytree: `Layer`s of `jaxtherm.materials` metals / non-metals,
  `Interface` conductances, source, initial and wall temperatures) and `Config`
  (static: cells per layer, grading, variant ``"A"``/``"B"``, boundaries);
* `simulate(params, config, step_times, output_times=..., positions=...) -> Solution`;
* `step(params, config, state, dt) -> State` for custom loops;
* `time_grid(...)`: step edges with fine steps during the pulse and growing ones after;
* `drude_signal`, `linear_signal`: Delta R / R traces; `fit_coupling_and_delay`: G and t_h fits.

Which variant. ``"A"`` (the paper's) treats the coupling explicitly: two scalar
tridiagonal solves per step (LAPACK), the fastest; first order in time with lagged
coefficients (second order with ``coefficients="midpoint"``, which evaluates the
explicit coupling at the predicted midpoint); stable only for
dt G (1/Ce + 1/Cp) < 2 - fine for Au (G/Ce ~ 1e12 /s, dt up to ~1 ps) but
restrictive for Pt, Ni, W (G/Ce ~ 2-5e12 /s) at ps-ns steps; `simulate` refuses
larger steps. ``"B"`` (default) treats the coupling with Crank-Nicolson too: one
coupled 2x2-block solve, unconditionally stable and second order in time for
constant coefficients, but not L-stable - with dt G/Ce >> 1 the electron-phonon
difference flips sign from step to step while it decays (bounded; use steps of a
few Ce/G while Te and Tp differ if that transient matters). On a CPU the block
solve is a sequential sweep and variant B costs several times variant A per step.

Energy: with ``temperature_update="energy"`` (default) the discrete balance
absorbed = stored + wall losses holds to round-off (`Solution.energy_error`).
"""

from .fit import fit_coupling_and_delay, with_coupling_and_delay
from .grid import Grid, make_grid, time_grid, uniform_time_grid
from .params import Config, Interface, Layer, Params, single_layer
from .signal import drude_signal, linear_signal
from .simulate import Solution, output_indices, sample_positions, simulate
from .step import State, cell_properties, initial_state, step, stored_energy

__all__ = [
    "Config", "Grid", "Interface", "Layer", "Params", "Solution", "State", "cell_properties", "drude_signal", "fit_coupling_and_delay",
    "initial_state", "linear_signal", "make_grid", "output_indices", "sample_positions", "simulate",
    "single_layer", "step", "stored_energy", "time_grid", "uniform_time_grid", "with_coupling_and_delay",
]
