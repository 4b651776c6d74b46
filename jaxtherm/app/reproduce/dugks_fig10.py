"""DUGKS paper Fig. 10: Pt 23 nm / Au 58 nm bilayer heated on the Pt side (DMM interface).

(a) front-surface and interface-side temperature rises; (b) dR = a dTe + b dTp with
a/b = 0.25 (Pt). The paper: the Pt phonon stays hotter than the Au phonon and the
signal rises then decreases.
"""

from __future__ import annotations

import numpy as np

from ._dugks_curves import bilayer_run, bilayer_signal
from ._writing import write_outputs

CASE = "dugks-fig10"
DESCRIPTION = "Pt/Au bilayer (DUGKS, DMM interface): temperatures and dR = a dTe + b dTp (a/b = 0.25)"


def bilayer_figure(order, ratio, out_dir, stem, fast):
    """Shared body of Fig. 10 (Pt/Au) and Fig. 11 (Au/Pt)."""
    solution = bilayer_run(order, fast)
    times = np.asarray(solution.times) * 1e12
    x = np.asarray(solution.positions)
    top, bottom = order.split("/")
    interface = 23e-9 if top == "Pt" else 58e-9
    i_top = int(np.nonzero(x < interface)[0][-1])
    te = np.asarray(solution.electron_temperature) - 300.0
    tp = np.asarray(solution.phonon_temperature) - 300.0
    signal = bilayer_signal(solution, ratio)
    after = times > 3.0
    peak_index = int(np.argmax(np.where(after, signal, -np.inf)))
    temperatures = {
        f"dugks_front_{top}_dTe_K": np.asarray(solution.front_electron_temperature) - 300.0,
        f"dugks_front_{top}_dTp_K": np.asarray(solution.front_phonon_temperature) - 300.0,
        f"dugks_interface_{top}_side_dTp_K": tp[:, i_top],
        f"dugks_interface_{bottom}_side_dTp_K": tp[:, i_top + 1],
        f"dugks_interface_{bottom}_side_dTe_K": te[:, i_top + 1],
    }
    signals = {f"dugks_front_dR_a_over_b_{ratio:g}": signal}
    absorbed = float(solution.absorbed_energy[-1])
    headline = {
        "dugks_max_front_Te_K": float(np.max(solution.front_electron_temperature)),
        "dugks_max_front_Tp_K": float(np.max(solution.front_phonon_temperature)),
        "dugks_time_of_max_signal_after_3ps_ps": float(times[peak_index]),
        "dugks_max_signal_after_3ps_K": float(signal[peak_index]),
        "dugks_signal_at_end_K": float(signal[-1]),
        "dugks_signal_falls_after_peak": bool(signal[-1] < signal[peak_index]),
        "dugks_absorbed_energy_J_per_m2": absorbed,
        "dugks_energy_lost_through_rear_wall_J_per_m2": float(np.sum(solution.wall_heat_out[-1])),
        "dugks_energy_balance_relative_error": float(np.max(np.abs(solution.energy_error)) / absorbed),
        "time_step_s": float(solution.time_step),
        "n_steps": int(solution.n_steps),
    }
    return write_outputs(
        out_dir,
        stem,
        [
            (f"{order}: temperature rise", "time_ps", times, temperatures),
            (f"{order}: reflected signal (a/b = {ratio:g})", "time_ps", times, signals),
        ],
        headline,
        "time (ps)",
        ["T - Tref (K)", "dR (a.u., K)"],
    )


def run(out_dir, fast: bool = False) -> dict:
    """Write dugks_fig10.png/.csv/.json into `out_dir`; returns the headline numbers."""
    return bilayer_figure("Pt/Au", 0.25, out_dir, "dugks_fig10", fast)
