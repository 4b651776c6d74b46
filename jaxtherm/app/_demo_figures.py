"""Figures of `jaxtherm demo`: traces with fits and residuals, Fig. 4-style sensitivities, the circuit."""

from __future__ import annotations

import os

import numpy as np

from ..fit import plot_sensitivities
from ._output import subplots


def write_figures(out_dir, data, fits, sensitivities, circuit_rows, table6, noise):
    delays, measured = data.delays, data.measured

    ns = delays / 1e-9
    fig, axes = subplots(2, 2, figsize=(11, 7), sharex=True, gridspec_kw={"height_ratios": [3, 1]})
    for col, (d, index) in enumerate((("FR", 0), ("RF", 1))):
        ax, axr = axes[0, col], axes[1, col]
        ax.plot(ns, measured[d], ".", ms=2, color="0.5", label=f"synthetic {d} (noise {noise * 1e3:.1f} mrad)")
        ax.plot(ns, fits[d].trace_models[0], "-", color="C0", label=f"{d} fit (2 ITRs)")
        ax.plot(ns, fits["joint"].trace_models[index], "--", color="C1", label="joint FR+RF fit")
        ax.plot(ns, fits["reciprocal"].trace_models[index], ":", color="C3", label="one ITR set for both")
        ax.set_xscale("log")
        ax.set_ylabel("lock-in phase (rad)")
        ax.set_title(f"{d}: heat {'front' if d == 'FR' else 'rear'}, probe {'rear' if d == 'FR' else 'front'}")
        ax.legend(fontsize=7)
        for key, style in ((d, ("C0", ".")), ("reciprocal", ("C3", "x"))):
            res = fits[key].trace_residuals[0 if key == d else index]
            axr.plot(ns, res, style[1], ms=2, color=style[0], label="own fit" if key == d else "one ITR set")
        axr.axhline(0, color="k", lw=0.5)
        axr.set_ylabel("residual / sigma")
        axr.set_xlabel("delay (ns)")
        axr.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(os.path.join(out_dir, "traces_fit.png"), dpi=110)

    fig, axes = subplots(1, 2, figsize=(12, 4.5), sharey=True)
    for ax, d in zip(axes, ("FR", "RF")):
        styles = {}
        for label in sensitivities[d]:
            ls = (
                "-" if "Ni" in label and "Al2O3/" not in label else ("--" if "W" in label and "/" not in label else ":")
            )
            color = (
                "0.4"
                if label.startswith("C ")
                else "green"
                if label.startswith("alpha")
                else "C1"
                if label.startswith("ITR")
                else "C0"
            )
            if label.startswith("ITR"):
                ls = "-"
                color = {0: "C3", 1: "C1", 2: "C4"}[
                    list(k for k in sensitivities[d] if k.startswith("ITR")).index(label)
                ]
            styles[label] = {"ls": ls, "color": color}
        plot_sensitivities(
            delays,
            sensitivities[d],
            ax=ax,
            title=f"{d} (cf. ITR paper Fig. 4{'a' if d == 'FR' else 'b'})",
            styles=styles,
        )
    fig.tight_layout()
    fig.savefig(os.path.join(out_dir, "sensitivity.png"), dpi=110)

    fig, ax = subplots(figsize=(7, 4))
    labels, ours, paper, errs = [], [], [], []
    for interface in ("W/Al2O3", "Ni/Al2O3"):
        row = circuit_rows.get(interface, {})
        for key, name in (("r_pp", "R_pp"), ("r_ep", "R_ep"), ("r_ei", "R_ei")):
            labels.append(f"{interface}\n{name}")
            ours.append(row.get(key, np.nan))
            errs.append(row.get(key + "_error", 0.0) if key != "r_ep" else 0.0)
            paper_key = {"r_pp": "r_pp_paper", "r_ei": "r_ei_paper"}.get(key)
            paper.append(table6[interface][paper_key] if paper_key else table6[interface]["r_ep_paper"][0])
    x = np.arange(len(labels))
    ax.bar(x - 0.2, paper, 0.4, label="ITR paper Table 6", color="0.7")
    ax.bar(x + 0.2, ours, 0.4, yerr=np.nan_to_num(errs), capsize=3, label="from the joint fit", color="C0")
    ax.set_xticks(x)
    ax.set_xticklabels(labels, fontsize=8)
    ax.set_ylabel("thermal resistance (m$^2$K/GW)")
    ax.set_title("Thermal circuit of the interfaces (ITR paper §4.3)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(os.path.join(out_dir, "circuit.png"), dpi=110)
