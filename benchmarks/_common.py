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

RESULTS_DIR = Path(__file__).resolve().parent / "results"


def machine_info() -> dict:
    """Host, CPU count, platform and the JAX backend/devices in use."""
    import jax

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
    import jax

    backend = jax.default_backend()
    if backend == "cpu":
        return f"cpu-{os.cpu_count()}core"
    kind = jax.devices()[0].device_kind.replace(" ", "_")
    return f"{backend}-{kind}"


def block(tree):
    """Block until every array in `tree` is computed."""
    import jax

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


def write_json(name: str, payload: dict) -> Path:
    """Write `payload` (+ machine info) to benchmarks/results/<name>.json."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"{name}.json"
    payload = {"machine": machine_info(), **payload}
    path.write_text(json.dumps(payload, indent=2, default=float))
    return path
