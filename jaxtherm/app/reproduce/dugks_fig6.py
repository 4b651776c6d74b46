"""DUGKS paper Fig. 6: grid independence of the steady slab, M = 40 vs M = 100 cells, for
L = 100 nm and L = 10 um (250 nm cells >> mean free path: the linear diffusive profile)."""

from __future__ import annotations

import numpy as np

from ._dugks_curves import steady_slab
from ._writing import write_outputs

CASE = "dugks-fig6"
DESCRIPTION = "Steady Au slab (DUGKS): M = 40 vs M = 100 cells for L = 100 nm and 10 um"


def run(out_dir, fast: bool = False) -> dict:
    """Write dugks_fig6.png/.csv/.json into `out_dir`; returns the headline numbers."""
    panels, headline = [], {}
    for length in (100e-9, 10e-6):
        tag = f"L{int(round(length * 1e9))}nm"
        curves = {}
        profiles = {}
        for cells in (40, 100):
            x, te, tp, _ = steady_slab(length, cells, fast=fast, ordinates=16 if fast else 40)
            profiles[cells] = (x, te, tp)
            curves[f"dugks_{tag}_M{cells}_Te_star"] = np.interp(np.linspace(0, length, 101), x, te)
            curves[f"dugks_{tag}_M{cells}_Tp_star"] = np.interp(np.linspace(0, length, 101), x, tp)
        x40, te40, tp40 = profiles[40]
        x100, te100, tp100 = profiles[100]
        diff = max(np.abs(np.interp(x40, x100, te100) - te40).max(), np.abs(np.interp(x40, x100, tp100) - tp40).max())
        headline[f"dugks_{tag}_max_difference_M40_M100_star"] = float(diff)
        linear = 1.0 - x40 / length
        headline[f"dugks_{tag}_M40_max_deviation_from_linear_star"] = float(
            max(np.abs(te40 - linear).max(), np.abs(tp40 - linear).max())
        )
        panels.append(
            (f"L = {length * 1e9:g} nm (interpolated on 101 points)", f"x_over_L_{tag}", np.linspace(0, 1, 101), curves)
        )
    return write_outputs(out_dir, "dugks_fig6", panels, headline, "x / L", "T*")
