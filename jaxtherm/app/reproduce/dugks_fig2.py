"""DUGKS paper Fig. 2: normalised front/rear electron temperature of Au 100 nm and 200 nm films.

Problem (paper section IV.1): Au with Ce = 71 Te, kappa_e of eq. 49, Cp 2.5e6, kappa_p
2.6, G 2.6e16 (`materials.GOLD`); eq. 48 source with t_pump 96 fs, t_h 0, d 15.3 nm,
R 0.93, P 10 J/m^2 ("paper" normalisation, as printed), pulse peak at t = 0; insulated
walls (the TTM limit of specular walls); Tref 300 K; -0.3 ... 3 ps.
TTM: variant B, midpoint coefficients, 80 cells (40 when fast), 2 fs steps during the
pulse, growing to 20 fs. Te* = (Te - Tref)/(Tmax - Tref).
"""

from __future__ import annotations

import numpy as np

from ... import materials, ttm
from ._dugks_curves import fig2_curves
from ._problems import fig2_source
from ._ttm_figures import write_model_comparison

CASE = "dugks-fig2"
DESCRIPTION = "Au 100/200 nm, eq. 48 pulse: normalised front/rear Te(t), TTM (DUGKS paper Fig. 2)"

THICKNESSES = (100e-9, 200e-9)
T_START, T_END = -0.3e-12, 3e-12
REFERENCE = 300.0


def fig2_params(thickness):
    """`ttm.Params` of the Fig. 2 film of `thickness` (m)."""
    return ttm.single_layer(materials.GOLD, thickness, source=fig2_source(), initial_temperature=REFERENCE)


def ttm_curves(fast: bool = False):
    """TTM curves and headline numbers of Fig. 2 (see the module docstring)."""
    curves, headline = {}, {}
    times = np.linspace(T_START, T_END, 331)
    edges = ttm.time_grid(T_START, T_END, 2e-15, fine_until=0.3e-12, growth=1.05, max_step=20e-15, output_times=times)
    for thickness in THICKNESSES:
        tag = f"L{int(round(thickness * 1e9))}nm"
        config = ttm.Config(cells_per_layer=(40 if fast else 80,), variant="B", coefficients="midpoint")
        solution = ttm.simulate(fig2_params(thickness), config, edges, output_times=times, positions=[0.0, thickness])
        front = np.asarray(solution.electron_temperature[:, 0])
        rear = np.asarray(solution.electron_temperature[:, 1])
        curves[f"time_ps_{tag}"] = times * 1e12
        curves[f"ttm_{tag}_front_Te_normalised"] = (front - REFERENCE) / (front.max() - REFERENCE)
        curves[f"ttm_{tag}_rear_Te_normalised"] = (rear - REFERENCE) / (rear.max() - REFERENCE)
        headline[f"ttm_{tag}_max_front_Te_K"] = float(front.max())
        headline[f"ttm_{tag}_max_rear_Te_K"] = float(rear.max())
        headline[f"ttm_{tag}_time_of_max_front_Te_ps"] = float(times[np.argmax(front)] * 1e12)
        headline[f"ttm_{tag}_time_of_max_rear_Te_ps"] = float(times[np.argmax(rear)] * 1e12)
        headline[f"ttm_{tag}_energy_balance_error_relative"] = float(
            abs(solution.energy_error[-1]) / solution.absorbed_energy[-1]
        )
    return curves, headline


def kinetic_curves(fast: bool = False):
    """DUGKS curves and headline numbers for the same case (`_dugks_curves.fig2_curves`)."""
    return fig2_curves(fast)


def run(out_dir, fast: bool = False) -> dict:
    """Write dugks_fig2.png/.csv/.json into `out_dir`; returns the headline numbers."""
    spec = [(f"{tag} {side}", tag, side) for tag in ("L100nm", "L200nm") for side in ("front", "rear")]
    return write_model_comparison(out_dir, "dugks_fig2", ttm_curves, kinetic_curves, spec, fast, "Te*")
