"""DUGKS paper Fig. 8: transient thermal grating in Au at 25 K, Te* and Tp* at x = L/4.

Problem, discretisation and time windows: see `jaxtherm.app.reproduce._ttm_grating`
(Table 1 constants at 25 K, dT = 1 K, periodic). Curves: TTM and the exact TTM
solution (matrix exponential); the kinetic (DUGKS) curves are merged in by
`kinetic_curves`. Te* = (Te - Tref)/dT, Tp* = (Tp - Tref)/dT.
"""

from __future__ import annotations

from ._dugks_curves import fig8_curves
from ._ttm_grating import grating_ttm_curves, write_grating_figure

CASE = "dugks-fig8"
DESCRIPTION = "Transient grating in Au at 25 K: Te*, Tp* at x = L/4, TTM vs exact (DUGKS paper Fig. 8)"

REFERENCE = 25
TAGS = ("L100nm", "L1000nm", "L10000nm")


def ttm_curves(fast: bool = False):
    """TTM (+ analytic) curves and headline numbers of Fig. 8."""
    return grating_ttm_curves(REFERENCE, fast)


def kinetic_curves(fast: bool = False):
    """DUGKS curves and headline numbers for the same case (`_dugks_curves.fig8_curves`)."""
    return fig8_curves(fast)


def run(out_dir, fast: bool = False) -> dict:
    """Write dugks_fig8.png/.csv/.json into `out_dir`; returns the headline numbers."""
    return write_grating_figure(out_dir, "dugks_fig8", REFERENCE, TAGS, kinetic_curves, fast)
