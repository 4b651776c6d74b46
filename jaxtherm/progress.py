"""Progress reporting for long `lax.scan` runs, without slowing the compiled kernels.

Inside a jitted scan, `report(label, done, total)` sends the iteration counter to a
host-side `ProgressBar` with `jax.debug.callback`, but only every ~1 % of the run
(a `lax.cond` skips the callback otherwise), so the kernel does no extra work
between reports. Solvers call it only when their static configuration asks for it
(`Config(progress=True)`), so the default compiled program has no callback at all.
On a terminal the bar is drawn on stderr; elsewhere it stays quiet unless forced.
Under `vmap` each batch member reports the same counter (the bar simply redraws).
"""

from __future__ import annotations

import sys
import time

import jax
import jax.numpy as jnp
import numpy as np

__all__ = ["ProgressBar", "report", "reset"]

_BARS: dict = {}


class ProgressBar:
    """A minimal text progress bar on a stream (stderr by default).

    **Arguments:**

    - `total`: number of work units (e.g. parameter sets).
    - `label`: text in front of the bar.
    - `enabled`: True/False, or None to show only when the stream is a terminal.
    - `stream`: file-like object to write to.
    """

    def __init__(self, total: int, label: str = "sweep", enabled: bool | None = None, stream=None):
        self.total = max(int(total), 1)
        self.label = label
        self.stream = stream if stream is not None else sys.stderr
        if enabled is None:
            enabled = bool(getattr(self.stream, "isatty", lambda: False)())
        self.enabled = enabled
        self.done = 0
        self.start = time.perf_counter()

    def update(self, n: int) -> None:
        """Advance by `n` units and redraw."""
        self.done = min(self.done + n, self.total)
        if not self.enabled:
            return
        fraction = self.done / self.total
        width = 30
        filled = int(round(width * fraction))
        elapsed = time.perf_counter() - self.start
        rate = self.done / elapsed if elapsed > 0 else float("nan")
        self.stream.write(
            f"\r{self.label} [{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total} ({rate:,.0f}/s)"
        )
        self.stream.flush()

    def close(self) -> None:
        """Finish the line."""
        if self.enabled:
            self.stream.write("\n")
            self.stream.flush()


def reset() -> None:
    """Forget every open progress bar (e.g. after an interrupted run)."""
    _BARS.clear()


def _host_update(label: str, total: int, done) -> None:
    done = int(np.max(np.asarray(done)))
    bar = _BARS.get(label)
    if bar is None or done < bar.done:
        bar = _BARS[label] = ProgressBar(total, label=label)
    bar.update(done - bar.done)
    if done >= total:
        bar.close()
        _BARS.pop(label, None)


def report(label: str, done, total: int) -> None:
    """Inside traced code: advance the host progress bar `label` to `done` of `total` iterations.

    **Arguments:** `label` (text, static); `done` (traced integer, iterations finished);
    `total` (static int, iterations in the run).
    """
    total = int(total)
    every = max(1, total // 100)
    done = jnp.asarray(done)

    def send(count):
        jax.debug.callback(lambda c: _host_update(label, total, c), count)

    jax.lax.cond((done % every == 0) | (done >= total), send, lambda count: None, done)
