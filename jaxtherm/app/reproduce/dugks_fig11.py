"""DUGKS paper Fig. 11: Au 58 nm / Pt 23 nm bilayer heated on the Au side (DMM interface).

(a) temperature rises; (b) dR = a dTe + b dTp with a/b = 0.02 (Au). The paper: the
unheated Pt phonons get hotter than the Au phonons early on and the signal rises for
tens of ps after the pulse, then falls.
"""

from __future__ import annotations

from .dugks_fig10 import bilayer_figure

CASE = "dugks-fig11"
DESCRIPTION = "Au/Pt bilayer (DUGKS, DMM interface): temperatures and dR = a dTe + b dTp (a/b = 0.02)"


def run(out_dir, fast: bool = False) -> dict:
    """Write dugks_fig11.png/.csv/.json into `out_dir`; returns the headline numbers."""
    return bilayer_figure("Au/Pt", 0.02, out_dir, "dugks_fig11", fast)
