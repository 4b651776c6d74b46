"""Lock-in phase correction from the jump of the signal at zero delay.

A lock-in amplifier reports the signal rotated by an unknown detection phase phi:
V_in' + i V_out' = (V_in + i V_out) exp(i phi). When the pump pulse arrives (t = 0)
the temperature at the probed spot jumps, so V_in jumps; V_out, the slowly varying
out-of-phase part, is continuous (the arriving pulse adds T h(t) exp(-i w0 t), whose
out-of-phase share is of order w0 t). The measured jump is therefore
Delta Z' = Delta V_in exp(i phi), and

    phi = atan2(Delta V_out', Delta V_in'),

the standard lab procedure ("V_out must not jump at t = 0"). Each side's value at
t = 0 is a straight-line fit through the points nearest zero, extrapolated to 0.
The residual bias is of order 2 pi f_mod t_near (t_near: the delays used on the
positive side), e.g. 6e-4 rad at 10 MHz and 10 ps.
"""

from __future__ import annotations

import numpy as np

__all__ = ["estimate_phase_offset", "correct_phase"]


def _value_at_zero(t, v, n_points):
    if t.size == 1 or n_points == 1:
        return float(v[0])
    slope, intercept = np.polyfit(t, v, 1)
    return float(intercept)


def _side(delays, v_in, v_out, select, n_points, which):
    index = np.flatnonzero(select)
    if index.size == 0:
        raise ValueError(
            f"estimate_phase_offset needs measured points at {which} delays (s) around t = 0; got none - "
            f"take the scan across zero delay"
        )
    nearest = index[np.argsort(np.abs(delays[index]))[:n_points]]
    t = delays[nearest]
    return _value_at_zero(t, v_in[nearest], n_points), _value_at_zero(t, v_out[nearest], n_points)


def estimate_phase_offset(delays, v_in, v_out, *, n_points: int = 3) -> float:
    """Lock-in phase offset phi (rad) from the jump of the measured signal across t = 0.

    **Arguments:**

    - `delays`: pump-probe delays (s), 1-D, with points on both sides of zero.
    - `v_in`, `v_out`: measured in-phase and out-of-phase signals (any common unit, e.g. V).
    - `n_points`: points nearest zero on each side used for the straight-line
      extrapolation to t = 0 (1: the nearest point itself).

    **Returns:** phi such that the measurement equals the true signal times exp(i phi):
    use it as the value at `TdtrModel(..., phase_offset_path=...)`, or undo it with
    `correct_phase(v_in, v_out, phi)`. Meaningful when heating and probing share a plane
    (the jump at t = 0 is then large); a `ValueError` says when the data have no jump.
    """
    delays = np.asarray(delays, dtype=float)
    v_in, v_out = np.asarray(v_in, dtype=float), np.asarray(v_out, dtype=float)
    if delays.ndim != 1 or v_in.shape != delays.shape or v_out.shape != delays.shape:
        raise ValueError(
            f"delays, v_in and v_out must be 1-D arrays of one length, got shapes {delays.shape}, {v_in.shape}, "
            f"{v_out.shape}"
        )
    if not (np.all(np.isfinite(delays)) and np.all(np.isfinite(v_in)) and np.all(np.isfinite(v_out))):
        raise ValueError("delays (s), v_in and v_out must be finite")
    if isinstance(n_points, bool) or not isinstance(n_points, (int, np.integer)) or n_points < 1:
        raise ValueError(f"n_points must be a positive integer, got {n_points!r}")
    before = _side(delays, v_in, v_out, delays < 0, n_points, "negative")
    after = _side(delays, v_in, v_out, delays > 0, n_points, "positive")
    jump_in, jump_out = after[0] - before[0], after[1] - before[1]
    if jump_in == 0 and jump_out == 0:
        raise ValueError("the signal does not jump across t = 0; the phase offset cannot be estimated from these data")
    return float(np.arctan2(jump_out, jump_in))


def correct_phase(v_in, v_out, phase_offset: float) -> tuple:
    """`(v_in, v_out)` with the lock-in phase offset `phase_offset` (rad) removed (rotated by -phi)."""
    z = (np.asarray(v_in, dtype=float) + 1j * np.asarray(v_out, dtype=float)) * np.exp(-1j * float(phase_offset))
    return z.real, z.imag
