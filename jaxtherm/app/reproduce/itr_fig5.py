"""ITR paper Fig. 5: space-time Te and Tp in Ni 82 nm and W 104 nm films (TTM, Table 5).

Problem: Ni and W with the constant Table 5 coefficients (`materials.NICKEL`,
`materials.TUNGSTEN`), 1550 nm pump, 0.3 J/m^2. Choices the paper does not state (it
used NTMpy): the 0.3 J/m^2 is taken as absorbed; Gaussian pulse of 0.5 ps FWHM (the
pump of the TDTR set-up) peaking at t = 0, eq. 48 depth profile normalised to deposit
exactly 0.3 J/m^2 in the film; optical penetration depths at 1550 nm of 17.6 nm (Ni)
and 25 nm (W), from lambda/(4 pi k) with k ~ 7.0 and ~ 4.9 (handbook optical constants);
insulated walls; Tref 300 K; -1 ... 10 ps. TTM: variant B, 1 nm-scale cells (82 / 104),
20 fs steps. The paper reports a surface Te rise within 10 K and 1-3 K at the
interface (rear), and Te - Tp differences lasting 2.5-3.5 ps.

Outputs: itr_fig5.png (panels a-d: Te, Tp maps; e-f: space-averaged Te, Tp),
itr_fig5.csv (space-averaged and front/rear curves) and itr_fig5_maps.npz (the maps),
itr_fig5.json (headline numbers).
"""

from __future__ import annotations

import csv
import json
import pathlib

import numpy as np

from ... import materials, sources, ttm
from .._output import subplots

CASE = "itr-fig5"
DESCRIPTION = "Ni 82 nm and W 104 nm, 1550 nm, 0.3 J/m^2: space-time Te, Tp by the TTM (ITR paper Fig. 5)"

ABSORBED_FLUENCE = 0.3
PULSE_FWHM = 0.5e-12
REFERENCE = 300.0
T_START, T_END = -1e-12, 10e-12
#: metal label -> (material, thickness (m), penetration depth at 1550 nm (m; assumed)).
FILMS = {
    "Ni": (materials.NICKEL, 82e-9, 17.6e-9),
    "W": (materials.TUNGSTEN, 104e-9, 25e-9),
}


def film_params(label):
    """`ttm.Params` of the Ni or W film (`label`), heated as described in the module docstring."""
    material, thickness, depth = FILMS[label]
    source = sources.PulseSource(
        incident_fluence=ABSORBED_FLUENCE,
        pulse_duration=PULSE_FWHM,
        penetration_depth=depth,
        film_thickness=thickness,
        normalisation="energy",
    )
    return ttm.single_layer(material, thickness, source=source, initial_temperature=REFERENCE)


def simulate_film(label, fast: bool = False):
    """Solve one film; returns (times (s), depths (m), Te map, Tp map (n_t, n_x), solution)."""
    _, thickness, _ = FILMS[label]
    n_cells = int(round(thickness * 1e9 / (4 if fast else 1)))
    times = np.linspace(T_START, T_END, 221)
    edges = ttm.time_grid(
        T_START, T_END, 10e-15 if fast else 5e-15, fine_until=2e-12, growth=1.05, max_step=50e-15, output_times=times
    )
    config = ttm.Config(cells_per_layer=(n_cells,), variant="B", coefficients="midpoint")
    solution = ttm.simulate(film_params(label), config, edges, output_times=times)
    return (
        times,
        np.asarray(solution.positions),
        np.asarray(solution.electron_temperature),
        np.asarray(solution.phonon_temperature),
        solution,
    )


def ttm_curves(fast: bool = False):
    """Maps, curves and headline numbers for both films."""
    maps, curves, headline = {}, {}, {}
    for label in FILMS:
        times, depths, te, tp, solution = simulate_film(label, fast)
        widths = np.asarray(solution.geometry.widths)
        mean_te = te @ widths / widths.sum()
        mean_tp = tp @ widths / widths.sum()
        maps[label] = (times, depths, te, tp)
        curves["time_ps"] = times * 1e12
        curves[f"ttm_{label}_space_averaged_Te_K"] = mean_te
        curves[f"ttm_{label}_space_averaged_Tp_K"] = mean_tp
        curves[f"ttm_{label}_front_Te_K"] = te[:, 0]
        curves[f"ttm_{label}_rear_Te_K"] = te[:, -1]
        curves[f"ttm_{label}_front_Tp_K"] = tp[:, 0]
        gap = mean_te - mean_tp
        peak = int(np.argmax(gap))
        after = np.nonzero(gap[peak:] < 0.05 * gap[peak])[0]
        headline[f"ttm_{label}_max_front_Te_rise_K"] = float(te[:, 0].max() - REFERENCE)
        headline[f"ttm_{label}_max_rear_Te_rise_K"] = float(te[:, -1].max() - REFERENCE)
        headline[f"ttm_{label}_max_front_Tp_rise_K"] = float(tp[:, 0].max() - REFERENCE)
        headline[f"ttm_{label}_final_Tp_rise_K"] = float(mean_tp[-1] - REFERENCE)
        headline[f"ttm_{label}_max_space_averaged_Te_minus_Tp_K"] = float(gap[peak])
        headline[f"ttm_{label}_time_space_averaged_Te_minus_Tp_below_5pct_ps"] = (
            float(times[peak + after[0]] * 1e12) if after.size else None
        )
        headline[f"ttm_{label}_energy_balance_error_relative"] = float(
            abs(solution.energy_error[-1]) / solution.absorbed_energy[-1]
        )
    return maps, curves, headline


def run(out_dir, fast: bool = False) -> dict:
    """Write itr_fig5.png/.csv/.json and itr_fig5_maps.npz into `out_dir`; returns the headline."""

    out = pathlib.Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    maps, curves, headline = ttm_curves(fast)
    fig, axes = subplots(3, 2, figsize=(10, 10))
    arrays = {}
    for column, label in enumerate(FILMS):
        times, depths, te, tp = maps[label]
        for row, (name, field) in enumerate((("Te", te), ("Tp", tp))):
            ax = axes[row][column]
            image = ax.pcolormesh(times * 1e12, depths * 1e9, (field - REFERENCE).T, shading="auto")
            ax.invert_yaxis()
            ax.set_title(f"{label}: {name} - 300 K (K)", fontsize=9)
            ax.set_xlabel("t (ps)")
            ax.set_ylabel("depth (nm)")
            fig.colorbar(image, ax=ax)
            arrays[f"ttm_{label}_{name}_K"] = field
        arrays[f"ttm_{label}_time_s"] = times
        arrays[f"ttm_{label}_depth_m"] = depths
        ax = axes[2][column]
        ax.plot(times * 1e12, curves[f"ttm_{label}_space_averaged_Te_K"], label="ttm space-averaged Te")
        ax.plot(times * 1e12, curves[f"ttm_{label}_space_averaged_Tp_K"], "--", label="ttm space-averaged Tp")
        ax.set_title(f"{label}: space-averaged temperatures", fontsize=9)
        ax.set_xlabel("t (ps)")
        ax.set_ylabel("T (K)")
        ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(out / "itr_fig5.png", dpi=120)
    np.savez_compressed(out / "itr_fig5_maps.npz", **arrays)
    names = list(curves)
    with open(out / "itr_fig5.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(names)
        for i in range(len(curves["time_ps"])):
            writer.writerow([repr(float(curves[n][i])) for n in names])
    (out / "itr_fig5.json").write_text(json.dumps(headline, indent=2))
    return headline
