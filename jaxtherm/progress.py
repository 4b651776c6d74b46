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

import jax
import jax.numpy as jnp
import numpy as np

__all__ = ["report", "reset"]

_BARS: dict = {}


def reset() -> None:
    """Forget every open progress bar (e.g. after an interrupted run)."""
    _BARS.clear()


def _host_update(label: str, total: int, done) -> None:
    from .sweep import ProgressBar

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
