"""DUGKS paper Fig. 12: Te and Tp profiles across the Au/Pt bilayer at t = 20, 60, 1000 and
10000 x 0.0294 ps after the pulse peak (the paper's quoted time step as time unit)."""

from __future__ import annotations

import numpy as np

from ._dugks_curves import PAPER_TIME_STEP, bilayer_run
from ._writing import write_outputs

CASE = "dugks-fig12"
DESCRIPTION = "Au/Pt bilayer (DUGKS): Te, Tp profiles at t = 20, 60, 1000, 10000 x 0.0294 ps"


def run(out_dir, fast: bool = False) -> dict:
    """Write dugks_fig12.png/.csv/.json into `out_dir`; returns the headline numbers."""
    solution = bilayer_run("Au/Pt", fast)
    times = np.asarray(solution.times)
    x_nm = np.asarray(solution.positions) * 1e9
    i_au = int(np.nonzero(x_nm < 58.0)[0][-1])
    panels, headline = [], {}
    for multiple in (20, 60, 1000, 10000):
        t = multiple * PAPER_TIME_STEP
        if t > times[-1] + 1e-18:
            continue
        k = int(np.argmin(np.abs(times - t)))
        te = np.asarray(solution.electron_temperature[k])
        tp = np.asarray(solution.phonon_temperature[k])
        panels.append(
            (
                f"t = {multiple} x 0.0294 ps = {t * 1e12:.3g} ps",
                "x_nm",
                x_nm,
                {f"dugks_t{multiple}_Te_K": te, f"dugks_t{multiple}_Tp_K": tp},
            )
        )
        headline[f"dugks_t{multiple}_Tp_jump_at_interface_K"] = float(tp[i_au + 1] - tp[i_au])
        headline[f"dugks_t{multiple}_Te_jump_at_interface_K"] = float(te[i_au + 1] - te[i_au])
        headline[f"dugks_t{multiple}_max_Te_K"] = float(te.max())
    headline["output_spacing_s"] = PAPER_TIME_STEP
    headline["solver_time_step_s"] = float(solution.time_step)
    return write_outputs(out_dir, "dugks_fig12", panels, headline, "x (nm)", "T (K)")
