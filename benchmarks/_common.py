"""Shared benchmark utilities: timing discipline and machine description.

Timing discipline (STYLE.md): warm up (the first call compiles and is reported
separately as compile time), `block_until_ready`, take the minimum of repeats.
"""

from __future__ import annotations

import json
import os
import platform
import socket
import time
from pathlib import Path

import jax

RESULTS_DIR = Path(__file__).resolve().parent / "results"


def machine_info() -> dict:
    """Host, CPU count, platform and the JAX backend/devices in use."""
    devices = jax.devices()
    return {
        "hostname": socket.gethostname(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "cpu_count": os.cpu_count(),
        "jax_version": jax.__version__,
        "backend": jax.default_backend(),
        "devices": [str(d) for d in devices],
        "device_kind": devices[0].device_kind,
    }


def machine_name() -> str:
    """Short name for result files: backend + device kind, e.g. 'cpu' or 'gpu-NVIDIA_H100'."""
    backend = jax.default_backend()
    if backend == "cpu":
        return f"cpu-{os.cpu_count()}core"
    kind = jax.devices()[0].device_kind.replace(" ", "_")
    return f"{backend}-{kind}"


def block(tree):
    """Block until every array in `tree` is computed."""
    return jax.block_until_ready(tree)


def time_call(fn, *args, repeats: int = 5, min_time: float = 0.2) -> tuple[float, float]:
    """(compile_plus_first_call_s, best_s) for `fn(*args)`.

    The first call (which compiles) is timed separately; then the call is
    repeated `repeats` times (more if each is shorter than `min_time` total) and
    the minimum is returned.
    """
    t0 = time.perf_counter()
    block(fn(*args))
    first = time.perf_counter() - t0
    best = float("inf")
    total = 0.0
    count = 0
    while count < repeats or total < min_time:
        t0 = time.perf_counter()
        block(fn(*args))
        dt = time.perf_counter() - t0
        best = min(best, dt)
        total += dt
        count += 1
        if count > 1000:
            break
    return first, best


def best_of(fn, repeats: int) -> float:
    """Minimum wall time (s) of `repeats` blocked calls `fn()` (warm `fn` first yourself)."""
    return best_and_output(fn, repeats)[0]


def best_and_output(fn, repeats: int) -> tuple[float, object]:
    """`(minimum wall time (s), output of the last call)` over `repeats` blocked calls `fn()`."""
    best, out = float("inf"), None
    for _ in range(max(int(repeats), 1)):
        t0 = time.perf_counter()
        out = block(fn())
        best = min(best, time.perf_counter() - t0)
    return best, out


def best_and_compile(fn, repeats: int) -> tuple[float, float]:
    """`(best_s, compile_s)`: the first blocked call of `fn()` is timed apart; compile time is
    that first call minus the best of `repeats` further calls."""
    t0 = time.perf_counter()
    block(fn())
    first = time.perf_counter() - t0
    best = best_of(fn, repeats)
    return best, max(first - best, 0.0)


def write_json(name: str, payload: dict) -> Path:
    """Write `payload` (+ machine info) to benchmarks/results/<name>.json."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"{name}.json"
    payload = {"machine": machine_info(), **payload}
    path.write_text(json.dumps(payload, indent=2, default=float))
    return path
