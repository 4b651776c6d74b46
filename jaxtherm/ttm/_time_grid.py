"""Time grids for `simulate`: fine steps during a pulse, growing steps after."""

from __future__ import annotations

import math

import numpy as np

from .._validation import check_finite, check_positive

__all__ = ["time_grid", "uniform_time_grid"]


def time_grid(start, end, fine_step, *, fine_until=None, max_step=None, growth=1.0, output_times=None, fine_from=None):
    """Step-edge times with fine steps (e.g. during the pulse) and growing steps after.

    Before `fine_from` (if given) steps are uniform and at most `max_step`; from there
    steps are `fine_step` until `fine_until`, then each step is `growth` times the
    previous one, capped at `max_step`. Requested `output_times` are inserted as step
    edges, so the solver lands on them exactly.

    **Arguments:**

    - `start`, `end`: first and last time (s).
    - `fine_step`: step during the fine phase (s).
    - `fine_until`: end of the fine phase (s); default: the whole run is fine.
    - `fine_from`: start of the fine phase (s); default `start`.
    - `max_step`: largest step after the fine phase (s); default `fine_step`.
    - `growth`: ratio of consecutive steps after the fine phase (>= 1).
    - `output_times`: optional times (s) that must be step edges.

    **Returns:** numpy array of increasing step-edge times (s), first `start`, last `end`.
    """
    check_finite("start", start, "s")
    check_finite("end", end, "s")
    check_positive("fine_step", fine_step, "s")
    if not end > start:
        raise ValueError(f"end ({end} s) must be after start ({start} s)")
    if growth < 1.0:
        raise ValueError(f"growth must be >= 1, got {growth}")
    fine_until = end if fine_until is None else float(fine_until)
    max_step = fine_step if max_step is None else float(max_step)
    check_positive("max_step", max_step, "s")
    n_max = 10_000_000
    edges = [float(start)]
    t, dt = float(start), float(fine_step)
    if fine_from is not None and fine_from > start:
        n_coarse = int(math.ceil((min(float(fine_from), float(end)) - start) / max_step - 1e-9))
        edges = list(np.linspace(float(start), min(float(fine_from), float(end)), n_coarse + 1))
        t = edges[-1]
    while t < end - 1e-9 * fine_step:
        if t >= fine_until:
            dt = min(dt * growth, max_step)
        step = min(dt, end - t)
        t = t + step
        edges.append(t)
        if len(edges) > n_max:
            raise ValueError(f"time grid needs more than {n_max} steps; increase fine_step/max_step (s)")
    edges[-1] = float(end)
    edges = np.asarray(edges)
    if output_times is not None:
        out = np.atleast_1d(np.asarray(output_times, dtype=float))
        if np.any(out < start - 1e-6 * fine_step) or np.any(out > end + 1e-6 * fine_step):
            raise ValueError(f"output_times must lie in [start, end] = [{start}, {end}] s")
        merged = np.union1d(edges, np.clip(out, start, end))
        # Drop edges closer than 1e-6 of the fine step to a requested output (keep the output).
        keep = np.ones(merged.size, bool)
        tol = 1e-6 * fine_step
        for i in range(1, merged.size):
            if merged[i] - merged[i - 1] < tol:
                drop = i if not np.any(np.isclose(merged[i], out, rtol=0, atol=tol)) else i - 1
                if drop == 0:
                    drop = i
                keep[drop] = False
        edges = merged[keep]
    return edges


def uniform_time_grid(start, end, n_steps: int) -> np.ndarray:
    """`n_steps` equal steps from `start` to `end` (s): numpy array of n_steps + 1 edges."""
    return np.linspace(float(start), float(end), int(n_steps) + 1)
