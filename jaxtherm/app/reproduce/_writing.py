"""Figure, CSV and JSON writer shared by every reproduction module."""

from __future__ import annotations

import csv
import json
import pathlib

import numpy as np

from .._output import subplots

__all__ = ["write_outputs"]


def write_outputs(out_dir, stem, panels, headline, xlabel, ylabel):
    """Write `stem`.png (one subplot per panel), `stem`.csv (all curves) and `stem`.json (headline).

    **Arguments:** `out_dir` (path); `stem` (file name stem); `panels`: list of
    `(title, x_name, x_values, {curve_name: y_values})`; `headline`: dict of numbers;
    `xlabel`, `ylabel`: axis labels (str or list per panel).

    **Returns:** `headline` with float values.
    """

    out = pathlib.Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    n = len(panels)
    cols = min(n, 3)
    rows = (n + cols - 1) // cols
    fig, axes = subplots(rows, cols, figsize=(4.6 * cols, 3.6 * rows), squeeze=False)
    columns = {}
    for k, (title, x_name, x_values, curves) in enumerate(panels):
        ax = axes[k // cols][k % cols]
        x_values = np.asarray(x_values, dtype=float)
        columns[f"{x_name}__panel{k}"] = x_values
        for name, values in curves.items():
            values = np.asarray(values, dtype=float)
            style = "--" if name.startswith("ttm") else ("o" if name.startswith("synthetic") else "-")
            ax.plot(x_values, values, style, label=name, markersize=2.5)
            columns[name] = values
        ax.set_title(title, fontsize=9)
        ax.set_xlabel(xlabel[k] if isinstance(xlabel, (list, tuple)) else xlabel)
        ax.set_ylabel(ylabel[k] if isinstance(ylabel, (list, tuple)) else ylabel)
        ax.legend(fontsize=6)
    for k in range(n, rows * cols):
        axes[k // cols][k % cols].axis("off")
    fig.tight_layout()
    fig.savefig(out / f"{stem}.png", dpi=130)
    length = max(len(v) for v in columns.values())
    with open(out / f"{stem}.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        names = list(columns)
        writer.writerow(names)
        for i in range(length):
            writer.writerow(["" if i >= len(columns[c]) else repr(float(columns[c][i])) for c in names])

    def plain(value):
        if isinstance(value, (bool, np.bool_)):
            return bool(value)
        if isinstance(value, (int, np.integer)):
            return int(value)
        if isinstance(value, (float, np.floating)):
            return float(value)
        return value

    clean = {k: plain(v) for k, v in headline.items()}
    (out / f"{stem}.json").write_text(json.dumps(clean, indent=2))
    return clean


# ---------------------------------------------------------------------------
# Fig. 2 and 3: single Au film heated at the front (specular walls)
# ---------------------------------------------------------------------------
