"""Shared plumbing of the TTM reproduction modules (`dugks_fig2/3/7/8`).

Curves are dicts name -> 1-D array. Time axes are stored under ``time_ps_<tag>``
(or ``time_ps`` for all tags); model curves are named ``<model>_<tag>_<quantity>``
with model ``ttm``, ``dugks`` or ``analytic``. `panels_for` gathers, for each panel,
every curve of its tag (other models' curves are interpolated onto the TTM time
axis), so adding the kinetic curves to a figure is a matter of merging their dict.
"""

from __future__ import annotations

import numpy as np

from ._writing import write_outputs

__all__ = ["panels_for", "time_axis", "write_model_comparison"]


def time_axis(curves: dict, tag: str):
    """The time axis (ps) of `tag`: ``time_ps_<tag>`` if present, else ``time_ps``."""
    return curves.get(f"time_ps_{tag}", curves.get("time_ps"))


def panels_for(spec, ttm_curves: dict, other_curves: dict | None = None):
    """Build `write_outputs` panels.

    **Arguments:** `spec`: list of `(title, tag, substring)`; a panel shows every curve whose
    name contains ``_<tag>_`` and `substring`. `ttm_curves`: the TTM curves (with their
    time axes); `other_curves`: curves of other models with their own time axes
    (interpolated onto the TTM axis of the same tag).

    **Returns:** list of `(title, "time_ps_<tag>", x, {name: y})`.
    """
    other_curves = other_curves or {}
    panels = []
    for title, tag, substring in spec:
        x = np.asarray(time_axis(ttm_curves, tag), dtype=float)
        chosen = {}
        for name, values in ttm_curves.items():
            if name.startswith("time_ps"):
                continue
            if f"_{tag}_" in name and substring in name:
                chosen[name] = np.asarray(values, dtype=float)
        other_x = time_axis(other_curves, tag)
        for name, values in other_curves.items():
            if name.startswith("time_ps") or other_x is None:
                continue
            if f"_{tag}_" in name and substring in name:
                chosen[name] = np.interp(
                    x, np.asarray(other_x, float), np.asarray(values, float), left=np.nan, right=np.nan
                )
        panels.append((title, f"time_ps_{tag}", x, chosen))
    return panels


def write_model_comparison(out_dir, stem: str, ttm_curves, kinetic_curves, spec, fast: bool, ylabel):
    """Shared `run` body of the figures that show the TTM beside the DUGKS (Figs. 2, 3, 7, 8).

    **Arguments:** `out_dir`; `stem` (file stem, e.g. ``"dugks_fig2"``); `ttm_curves(fast)`
    and `kinetic_curves(fast)`, each returning `(curves, headline)`; `spec` as in
    `panels_for`; `fast`; `ylabel` (str or one per panel).

    **Returns:** the merged headline numbers written to `<stem>.json`.
    """
    curves, headline = ttm_curves(fast)
    other, other_headline = kinetic_curves(fast)
    headline.update(other_headline)
    return write_outputs(out_dir, stem, panels_for(spec, curves, other), headline, "t (ps)", ylabel)
