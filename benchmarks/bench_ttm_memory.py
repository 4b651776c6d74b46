"""Peak memory and time of reverse mode (`jax.grad`) through the TTM time scan, 1e3 - 1e5 steps.

The benchmark film of `bench_ttm` (Au 100 nm, 100 cells, variant A), uniform 20 fs steps, the
front electron temperature read at every step; the loss is its sum, differentiated with respect to
every float of the parameters. Two scans, in one process:

* `plain`: one `lax.scan` over all N steps (reverse mode keeps every step's residuals: memory ~ N);
* `checkpointed`: what `ttm.simulate` does from 64 steps on, segments of ~sqrt(N) steps under
  `jax.checkpoint` (memory ~ sqrt(N) states + the per-step outputs).

Memory is XLA's own account of the compiled gradient (`memory_analysis()`: temporary buffers,
the peak working set of the program besides its inputs and outputs). Times: median and spread
of repeated calls, interleaved plain / checkpointed; the plain gradient is only run where its
temporaries stay below `RUN_LIMIT_BYTES`.

Run: `python -m benchmarks.bench_ttm_memory [--quick]`; writes
`benchmarks/results/ttm_memory_<machine>.json`.
"""

from __future__ import annotations

import argparse
import os
import time

import jax

jax.config.update("jax_enable_x64", True)

import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402

from jaxtherm.ttm._simulate import _simulate, checkpoint_segment  # noqa: E402

try:  # run as part of the benchmarks package (python -m benchmarks)
    from . import bench_ttm  # noqa: E402
    from ._common import machine_name, write_json  # noqa: E402
except ImportError:  # run as a script
    import bench_ttm  # noqa: E402
    from _common import machine_name, write_json  # noqa: E402

STEP = 20e-15
RUN_LIMIT_BYTES = 2 << 30


def problem():
    """Params and config of the benchmark film (`bench_ttm.jaxtherm_problem`)."""
    params, config, _ = bench_ttm.jaxtherm_problem()
    return params, config


def gradient(config, n_steps: int, segment):
    """Jitted d(sum of front Te over all steps)/d(params) for `n_steps` steps of STEP."""
    edges = jnp.asarray(-0.5e-12 + STEP * np.arange(n_steps + 1))
    indices = jnp.arange(n_steps + 1)
    positions = jnp.zeros(1)

    def loss(params):
        solution = _simulate(params, config, edges, indices, positions, False, segment)
        return jnp.sum(solution.electron_temperature)

    return jax.jit(jax.grad(loss))


def _times(calls: dict, repeats: int) -> dict:
    samples = {name: [] for name in calls}
    for _ in range(repeats):
        for name, call in calls.items():
            t0 = time.perf_counter()
            jax.block_until_ready(call())
            samples[name].append(time.perf_counter() - t0)
    return {name: np.asarray(values) for name, values in samples.items()}


def case(params, config, n_steps: int, repeats: int) -> dict:
    row = {"n_steps": n_steps, "segment": checkpoint_segment(n_steps)}
    compiled, calls, grads = {}, {}, {}
    for name, segment in (("plain", None), ("checkpointed", checkpoint_segment(n_steps))):
        t0 = time.perf_counter()
        compiled[name] = gradient(config, n_steps, segment).lower(params).compile()
        row[f"{name}_compile_s"] = time.perf_counter() - t0
        memory = compiled[name].memory_analysis()
        row[f"{name}_temp_bytes"] = int(memory.temp_size_in_bytes)
        if memory.temp_size_in_bytes < RUN_LIMIT_BYTES:
            grads[name] = jax.block_until_ready(compiled[name](params))
            calls[name] = lambda name=name: compiled[name](params)
    samples = _times(calls, repeats)
    for name, values in samples.items():
        row[f"{name}_median_s"] = float(np.median(values))
        row[f"{name}_spread_s"] = [float(values.min()), float(values.max())]
    if len(grads) == 2:
        plain, checked = (jax.tree_util.tree_leaves(grads[k]) for k in ("plain", "checkpointed"))
        row["max_relative_gradient_difference"] = max(
            float(np.max(np.abs(a - b)) / max(np.max(np.abs(a)), 1e-300)) for a, b in zip(plain, checked)
        )
        row["time_ratio_checkpointed_over_plain"] = float(np.median(samples["checkpointed"] / samples["plain"]))
    row["memory_ratio_plain_over_checkpointed"] = row["plain_temp_bytes"] / max(row["checkpointed_temp_bytes"], 1)
    return row


def main(quick: bool = False) -> dict:
    """Measure 1e3, 1e4, 1e5 steps (quick: the run of 1e5 is skipped, memory still compiled)."""
    params, config = problem()
    load = os.getloadavg()
    rows = [case(params, config, n, 3 if quick else 5) for n in (1000, 10000, 100000)]
    print(f"TTM reverse mode through the time scan (Au 100 nm, 100 cells), load average {load}")
    print(
        f"{'steps':>8s} {'segment':>8s} {'plain temp':>12s} {'checkpointed':>13s} {'ratio':>7s} "
        f"{'plain time':>11s} {'ckpt time':>11s} {'grad diff':>10s}"
    )
    for r in rows:
        plain_t = f"{r['plain_median_s']:9.3f} s" if "plain_median_s" in r else f"{'(not run)':>11s}"
        ckpt_t = f"{r['checkpointed_median_s']:9.3f} s" if "checkpointed_median_s" in r else f"{'':>11s}"
        diff = f"{r['max_relative_gradient_difference']:.1e}" if "max_relative_gradient_difference" in r else ""
        print(
            f"{r['n_steps']:8d} {str(r['segment']):>8s} {r['plain_temp_bytes'] / 2**20:9.1f} MiB "
            f"{r['checkpointed_temp_bytes'] / 2**20:10.1f} MiB {r['memory_ratio_plain_over_checkpointed']:6.1f}x "
            f"{plain_t} {ckpt_t} {diff:>10s}"
        )
    result = {"benchmark": "ttm_memory", "load_average_at_start": load, "quick": quick, "rows": rows}
    path = write_json(f"ttm_memory_{machine_name()}", result)
    print(f"wrote {path}")
    return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    main(quick=parser.parse_args().quick)
