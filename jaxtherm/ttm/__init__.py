"""Two-temperature model (TTM): semi-implicit finite volumes in JAX (DUGKS paper, App. A).

    Ce(Te) dTe/dt = d/dx(kappa_e dTe/dx) - G (Te - Tp) + S(x, t)
    Cp     dTp/dt = d/dx(kappa_p dTp/dx) + G (Te - Tp)

* `Params` (pytree: `Layer`s of `jaxtherm.materials` metals / non-metals,
  `Interface` conductances, source, initial and wall temperatures) and `Config`
  (static: cells per layer, grading, variant ``"A"``/``"B"``, boundaries);
* `simulate(params, config, step_times, output_times=..., positions=...) -> Solution`;
* `step(params, config, state, dt) -> State` for custom loops;
* `time_grid(...)`: step edges with fine steps during the pulse and growing ones after.

Which variant: ``"A"`` (the paper's) treats the coupling explicitly - cheap, first
order in time, and stable only for dt G (1/Ce + 1/Cp) < 2 (fine for Au, G/Ce ~
1e12 /s; far too restrictive for Pt, Ni, W with G/Ce ~ 2-5e12 /s at ps steps).
``"B"`` (default) treats it with Crank-Nicolson too: unconditionally stable,
second order in time for constant coefficients.
"""

from .grid import Grid, make_grid, time_grid, uniform_time_grid
from .params import Config, Interface, Layer, Params, single_layer
from .signal import drude_signal, linear_signal
from .simulate import Solution, output_indices, sample_positions, simulate
from .step import State, cell_properties, initial_state, step, stored_energy

__all__ = [
    "Config", "Grid", "drude_signal", "linear_signal", "Interface", "Layer", "Params", "Solution", "State", "cell_properties", "initial_state",
    "make_grid", "output_indices", "sample_positions", "simulate", "single_layer", "step", "stored_energy",
    "time_grid", "uniform_time_grid",
]
