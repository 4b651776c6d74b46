"""TTM transient-grating curves shared by `dugks_fig7` (300 K) and `dugks_fig8` (25 K).

Problem (DUGKS paper section IV.4, eq. 51-52): periodic Au with the constant Table 1
coefficients, Te(x, 0) = Tref + dT sin(2 pi x/L), Tp = Tref, dT = 1 K, observed at
x = L/4. TTM: variant B, 50 cells (cell 12 centred on L/4; 26 when fast: cell 6),
steps from 1/40 of the fastest TTM rate, growing by 5 % per step. The exact TTM
solution for this mode (2x2 matrix exponential, the diffusive reference of
Maznev et al. 2011) is added as ``analytic_<tag>_Te_star``/``..._Tp_star``.

Time windows (not given in the paper): 300 K: 1, 2, 10 ps for L = 10 nm, 100 nm,
1 um; 25 K: 4, 20, 100 ps for L = 100 nm, 1 um, 10 um.
"""

from __future__ import annotations

import numpy as np

from ... import sources, ttm
from ._problems import GRATING_CASES
from ._ttm_figures import write_model_comparison

__all__ = ["GRATING_CASES", "grating_params", "analytic_amplitudes", "grating_ttm_curves"]


def grating_params(material, period, reference):
    """`ttm.Params` of one grating period `period` (m) at `reference` (K), dT = 1 K."""
    grating = sources.GratingInitialCondition(reference_temperature=float(reference), amplitude=1.0, period=period)
    return ttm.Params(layers=(ttm.Layer(material, period),), initial_condition=grating)


def _rates(material, period):
    k2 = (2 * np.pi / period) ** 2
    ce, cp, g = (
        material.electron_heat_capacity_constant,
        material.phonon_heat_capacity_constant,
        material.coupling_constant,
    )
    return np.array(
        [
            [-material.electron_conductivity_coefficient * k2 / ce - g / ce, g / ce],
            [g / cp, -material.phonon_conductivity_constant * k2 / cp - g / cp],
        ]
    )


def analytic_amplitudes(material, period, times):
    """Exact TTM amplitudes (Te - Tref, Tp - Tref)/dT at x = L/4 for `times` (s): (n, 2)."""
    values, vectors = np.linalg.eig(_rates(material, period))
    coefficients = np.linalg.solve(vectors, [1.0, 0.0])
    return np.real(np.exp(np.outer(times, values)) * coefficients @ vectors.T)


def grating_ttm_curves(reference: int, fast: bool = False):
    """TTM + analytic curves and headline numbers for the grating at `reference` (300 or 25 K)."""
    material, cases = GRATING_CASES[reference]
    n_cells = 26 if fast else 50
    config = ttm.Config(cells_per_layer=(n_cells,), variant="B", boundaries="periodic")
    curves, headline = {}, {}
    for period, end in cases:
        tag = f"L{int(round(period * 1e9))}nm"
        fastest = -np.min(np.linalg.eigvals(_rates(material, period)).real)
        # Dense outputs over the fast initial decay, then uniform ones over the window.
        times = np.unique(np.concatenate([np.linspace(0.0, min(8.0 / fastest, end), 81), np.linspace(0.0, end, 201)]))
        edges = ttm.time_grid(
            0.0,
            end,
            min(1.0 / (40 * fastest), end / 200),
            fine_until=min(4.0 / fastest, end),
            growth=1.05,
            max_step=end / 200,
            output_times=times,
        )
        solution = ttm.simulate(
            grating_params(material, period, reference), config, edges, output_times=times, positions=[period / 4]
        )
        te = np.asarray(solution.electron_temperature[:, 0]) - reference
        tp = np.asarray(solution.phonon_temperature[:, 0]) - reference
        exact = analytic_amplitudes(material, period, times)
        curves[f"time_ps_{tag}"] = times * 1e12
        curves[f"ttm_{tag}_Te_star"] = te
        curves[f"ttm_{tag}_Tp_star"] = tp
        curves[f"analytic_{tag}_Te_star"] = exact[:, 0]
        curves[f"analytic_{tag}_Tp_star"] = exact[:, 1]
        headline[f"ttm_{tag}_min_Te_minus_Tp_K"] = float((te - tp).min())
        headline[f"ttm_{tag}_final_Te_star"] = float(te[-1])
        headline[f"ttm_{tag}_final_Tp_star"] = float(tp[-1])
        headline[f"ttm_{tag}_max_abs_error_vs_analytic_K"] = float(
            max(np.abs(te - exact[:, 0]).max(), np.abs(tp - exact[:, 1]).max())
        )
        negative = np.nonzero(te - tp < 0)[0]
        headline[f"ttm_{tag}_first_time_Te_below_Tp_ps"] = float(times[negative[0]] * 1e12) if negative.size else None
    return curves, headline


def write_grating_figure(out_dir, name: str, reference: int, tags, kinetic_curves, fast: bool = False) -> dict:
    """Shared body of Figs. 7 and 8: TTM + exact curves, the kinetic curves beside them, outputs.

    **Arguments:** `out_dir`; `name` (file stem, e.g. ``"dugks_fig7"``); `reference`
    temperature (K) selecting the Table 1 column; `tags` (grating periods shown);
    `kinetic_curves(fast) -> (curves, headline)`; `fast`.

    **Returns:** the headline numbers written to `<name>.json`.
    """
    spec = [(f"{tag} electrons", tag, "Te_star") for tag in tags] + [(f"{tag} phonons", tag, "Tp_star") for tag in tags]
    return write_model_comparison(
        out_dir,
        name,
        lambda fast: grating_ttm_curves(reference, fast),
        kinetic_curves,
        spec,
        fast,
        ["Te*"] * len(tags) + ["Tp*"] * len(tags),
    )
