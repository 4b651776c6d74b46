"""Talbot contours of the split Z(t) evaluation: the static nodes and weights, the number of
pulses kept by the window, and the contour plan (time ranges, nodes) per working precision."""

from __future__ import annotations

import functools
import math

import jax.numpy as jnp
import numpy as np

from ._setup import Setup

# Talbot contour z(theta) = r theta (cot theta + i nu), r = c * nodes / t_max, tuned
# on TDTR stacks for relative error ~3e-9 over one decade [t_max / 10, t_max] with 32 nodes.
_TALBOT_C = 0.4
_TALBOT_NU = 1.5
# exp(-lambda t_end) p below this fraction of the signal marks the last pulse kept.
_WINDOW_TAIL = 1e-13


@functools.lru_cache(maxsize=64)
def _talbot(t_maxes: tuple, n_nodes: int):
    """Static Talbot nodes z and weights W, one row per t_max, such that for t in
    [t_max / 10, t_max]:  h(t) ~= sum_k Im(W_k H(z_k) exp(z_k t))  (real-symmetric half contour)."""
    theta = np.arange(n_nodes) * np.pi / n_nodes
    theta[0] = 1.0  # placeholder, replaced below
    cot = np.cos(theta) / np.sin(theta)
    shape = theta * cot
    dshape = cot - theta / np.sin(theta) ** 2
    shape[0], dshape[0] = 1.0, 0.0  # limits theta -> 0 of theta cot theta and its derivative
    theta[0] = 0.0
    trapezoid = np.full(n_nodes, 1.0 / n_nodes)
    trapezoid[0] *= 0.5
    nodes, weights = [], []
    for t_max in t_maxes:
        r = _TALBOT_C * n_nodes / t_max
        nodes.append(r * (shape + 1j * _TALBOT_NU * theta))
        weights.append(trapezoid * r * (dshape + 1j * _TALBOT_NU))
    return np.array(nodes), np.array(weights)


def _n_pulses(setup: Setup) -> int:
    """Pulses P whose windowed response is kept: p exp(-lambda P T) < _WINDOW_TAIL."""
    return max(2, math.ceil(math.log(setup.window_order / _WINDOW_TAIL) / setup.window_rate))


def _current_pulse_decades(setup: Setup) -> int:
    return max(1, math.ceil(math.log10(setup.period / setup.min_delay) - 1e-9))


# In single precision every node's term is rounded at the scale exp(Re(z) t) <= exp(c N t / t_max)
# before the terms cancel to h(t), and the phase Im(z t) ~ 5 N t / t_max carries an absolute
# rounding error of that size times eps: with float32 (eps 6e-8) and 32 nodes over a decade the
# contour sum loses ~1e-2 at the top of each decade. Shorter ranges (three per decade) reach the
# float32 truncation level with 12 nodes (amplification exp(4.8) ~ 120), for 36 instead of 32
# evaluations of H per decade. The earlier-pulse contour keeps 16 nodes (its range is one decade).
_SINGLE_RANGES_PER_DECADE = 3
_SINGLE_NODES = 12
_SINGLE_LATE_NODES = 16


def _single_precision(x) -> bool:
    return jnp.finfo(jnp.asarray(x).dtype).bits <= 32


def _contour_plan(setup: Setup, single: bool):
    """(current-pulse time ranges, ranges per decade, nodes per current-pulse contour, nodes of the
    earlier-pulse contour) for the working precision."""
    if single:
        per_decade = _SINGLE_RANGES_PER_DECADE
        n_nodes = min(setup.contour_nodes, _SINGLE_NODES)
        n_late = min(setup.contour_nodes, _SINGLE_LATE_NODES)
    else:
        per_decade, n_nodes, n_late = 1, setup.contour_nodes, setup.contour_nodes
    return per_decade * _current_pulse_decades(setup), per_decade, n_nodes, n_late
