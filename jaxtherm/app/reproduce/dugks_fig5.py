"""DUGKS paper Fig. 5: steady Te and Tp across Au slabs of different thickness between
isothermal walls (T0 +- dT): temperature slip at the walls, larger for electrons."""

from __future__ import annotations

import numpy as np

from ._dugks_curves import steady_slab
from ._writing import write_outputs

CASE = "dugks-fig5"
DESCRIPTION = "Steady Au slab between isothermal walls (DUGKS): wall slip vs thickness L = 10 nm .. 10 um"

LENGTHS = (10e-9, 100e-9, 1e-6, 10e-6)


def run(out_dir, fast: bool = False) -> dict:
    """Write dugks_fig5.png/.csv/.json into `out_dir`; returns the headline numbers."""
    panels, headline = [], {}
    for length in LENGTHS[:3] if fast else LENGTHS:
        tag = f"L{int(round(length * 1e9))}nm"
        x, te, tp, change = steady_slab(length, 20 if fast else 40, fast=fast, ordinates=16 if fast else 40)
        panels.append(
            (
                f"L = {length * 1e9:g} nm",
                f"x_over_L_{tag}",
                x / length,
                {f"dugks_{tag}_Te_star": te, f"dugks_{tag}_Tp_star": tp},
            )
        )
        # slip: departure of the first cell from the linear profile extrapolated to the wall
        linear = 1.0 - x / length
        headline[f"dugks_{tag}_electron_wall_slip_star"] = float(linear[0] - te[0])
        headline[f"dugks_{tag}_phonon_wall_slip_star"] = float(linear[0] - tp[0])
        headline[f"dugks_{tag}_max_Te_minus_Tp_star"] = float(np.max(np.abs(te - tp)))
        headline[f"dugks_{tag}_last_output_change_K"] = change
    return write_outputs(out_dir, "dugks_fig5", panels, headline, "x / L", "T* = (T - T_R)/(T_L - T_R)")
