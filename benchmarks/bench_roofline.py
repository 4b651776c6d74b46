"""Roofline account: how close each solver runs to this machine's own limits.

    python benchmarks/bench_roofline.py [--quick]

Two halves, measured in one process:

1. **The machine's limits**, from bare jitted kernels on float64 arrays (both
   cores in use, XLA's own fused loops on a cache-resident state carried through a
   `lax.scan`): the FMA rate (16 FMAs per element per iteration over 32k elements), the
   transcendental rate (exp, cos, sqrt, log per element per iteration), the
   streaming bandwidth from main memory (y = a x + z over arrays far larger than
   the caches) and from cache (the same on 32 KiB arrays, 2,000
   repetitions inside one `lax.scan`), and the fixed cost of one `lax.scan`
   iteration (a scan whose body does almost nothing): the floor under any
   explicit time stepper on this machine.
2. **The work of each solve**, counted by XLA's cost model of the compiled
   program (`compiled.cost_analysis()`: flops, transcendentals, bytes accessed)
   next to the physics count (per-wavenumber evaluations for the TDTR curve;
   cells x ordinates x carriers per DUGKS step; cells per TTM step). XLA counts
   the body of a loop once, so for the time steppers the counts are per step and
   the time is the solve time divided by the number of steps.

The bound of a kernel is max(compute, memory) with compute = flops / FMA-rate +
transcendentals / transcendental-rate and memory = bytes / bandwidth (cache
bandwidth for working sets that fit in cache); "fraction of limit" is bound /
measured time. A time stepper cannot run faster than one scan iteration per step
either, so its row also shows that floor. Writes
`benchmarks/results/roofline_<machine>.json`.
"""

from __future__ import annotations

import argparse
import time

import jax

jax.config.update("jax_enable_x64", True)

import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402

try:  # run as `python -m benchmarks` or as a script
    from . import bench_dugks, bench_tdtr, bench_ttm
    from ._common import machine_name, time_call, write_json
except ImportError:  # pragma: no cover
    import bench_dugks
    import bench_tdtr
    import bench_ttm
    from _common import machine_name, time_call, write_json

from jaxtherm import dugks, ttm  # noqa: E402

#: Working sets below this many bytes are treated as cache-resident.
CACHE_BYTES = 1 << 20


def _rate(fn, x, work: float, repeats: int) -> float:
    _, best = time_call(jax.jit(fn), x, repeats=repeats)
    return work / best


def machine_limits(quick: bool = False) -> dict:
    """Measured FMA rate, transcendental rate, bandwidths and scan-iteration cost."""
    repeats = 5 if quick else 20
    # Both rates on a cache-resident (8, 4096) state carried through a `lax.scan`, so that
    # neither memory traffic nor call dispatch is in the measurement, only arithmetic.
    state = jnp.stack([jnp.linspace(0.5, 1.5, 4096) + 0.1 * j for j in range(8)])
    reps, fmas = 200, 16

    def fma_chain(c):
        def body(carry, _):
            for _ in range(fmas):  # unrolled: 16 dependent FMAs per element, 32k elements in flight
                carry = carry * 0.999 + 0.001
            return carry, None

        return jax.lax.scan(body, c, None, length=reps)[0]

    flops_per_s = _rate(fma_chain, state, 2.0 * fmas * reps * state.size, repeats)

    def transcendental_chain(c):
        def body(carry, _):
            return jnp.log(jnp.sqrt(jnp.exp(-carry) + jnp.cos(carry)) + 1.5), None

        return jax.lax.scan(body, c, None, length=reps // 4)[0]

    transcendentals_per_s = _rate(transcendental_chain, state, 4.0 * (reps // 4) * state.size, repeats)

    def triad_bandwidth(size: int, reps: int) -> float:
        # Repeated inside one scan so the carried buffer is reused: no allocation or
        # first-touch page faults in the timed loop, only the stream itself.
        u0, w0 = jnp.linspace(0.0, 1.0, size), jnp.linspace(1.0, 2.0, size)

        def triad(u):
            return jax.lax.scan(lambda carry, _: (0.999 * carry + w0, None), u, None, length=reps)[0]

        return _rate(triad, u0, 3.0 * 8 * size * reps, 3 if quick else 5)

    memory_bytes_per_s = triad_bandwidth(1 << (22 if quick else 24), 10)
    cache_bytes_per_s = triad_bandwidth(4096, 2000)  # 32 KiB per array

    steps = 20000

    def idle_scan(c):
        return jax.lax.scan(lambda carry, _: (carry * 0.5 + 1.0, None), c, None, length=steps)[0]

    _, scan_s = time_call(jax.jit(idle_scan), jnp.ones(8), repeats=repeats)
    return {
        "fma_flops_per_s": flops_per_s,
        "transcendentals_per_s": transcendentals_per_s,
        "memory_bytes_per_s": memory_bytes_per_s,
        "cache_bytes_per_s": cache_bytes_per_s,
        "scan_iteration_s": scan_s / steps,
    }


def _cost(jitted, *args) -> dict:
    analysis = jitted.lower(*args).compile().cost_analysis()
    if isinstance(analysis, list):  # older JAX returns one dict per computation
        analysis = analysis[0]
    return {
        "flops": float(analysis.get("flops", 0.0)),
        "transcendentals": float(analysis.get("transcendentals", 0.0)),
        "bytes": float(analysis.get("bytes accessed", 0.0)),
    }


def _bound(cost: dict, limits: dict, working_set_bytes: float) -> dict:
    compute = cost["flops"] / limits["fma_flops_per_s"] + cost["transcendentals"] / limits["transcendentals_per_s"]
    bandwidth = limits["cache_bytes_per_s"] if working_set_bytes < CACHE_BYTES else limits["memory_bytes_per_s"]
    memory = cost["bytes"] / bandwidth
    return {
        "compute_bound_s": compute,
        "memory_bound_s": memory,
        "bound_s": max(compute, memory),
        "bound_by": "compute" if compute >= memory else "memory",
    }


def tdtr_curve(limits: dict, quick: bool) -> dict:
    """The 80 MHz / 30-delay bidirectional-benchmark curve (bench_tdtr's tuned settings)."""
    layers = [(80e-9, 2.42e6, 180.0), (np.inf, 1.66e6, 140.0)]
    stack = bench_tdtr._stack(layers, [5e-9])
    delays = np.geomspace(100e-12, 4e-9, 30)
    setup = bench_tdtr.jt.tdtr.Setup(10e6, 80e6, 10e-6, 10e-6).replace(
        min_delay=5e-11, n_hankel=16, n_sidebands=12, window_order=6, contour_nodes=24
    )
    jitted = jax.jit(lambda s: bench_tdtr.jt.tdtr.signal(s, setup, delays))
    _, best = time_call(jitted, stack, repeats=5 if quick else 20)
    cost = _cost(jitted, stack)
    # Working set: a few complex arrays over the (frequency x Hankel node) grid, in cache.
    return {
        "kernel": "TDTR curve, 80 MHz, 2 layers, 30 delays",
        "time_s": best,
        **cost,
        **_bound(cost, limits, working_set_bytes=0.0),
    }


def ttm_step(limits: dict, quick: bool) -> dict:
    """One step of the TTM benchmark problem (Au 100 nm, 100 cells, variant A)."""
    params, config, edges = bench_ttm.jaxtherm_problem()
    run = jax.jit(lambda p: ttm.simulate(p, config, edges, positions=[0.0]).electron_temperature)
    _, best = time_call(run, params, repeats=3 if quick else 10)
    n_steps = len(edges) - 1
    cost = _cost(run, params)
    cells = int(sum(config.cells_per_layer))
    # Two tridiagonal solves per step run in LAPACK (a custom call XLA does not count):
    # ~8 flops per cell each, added by hand.
    cost["flops"] += 2 * 8 * cells
    per_step = best / n_steps
    return {
        "kernel": f"TTM step, {cells} cells",
        "time_s": per_step,
        "n_steps": n_steps,
        "cells": cells,
        **cost,
        **_bound(cost, limits, working_set_bytes=8 * 10 * cells),
        "scan_floor_s": limits["scan_iteration_s"],
    }


def dugks_step(limits: dict, quick: bool) -> dict:
    """One step of the DUGKS Fig. 3 case (80 cells, 40 ordinates, 2 carriers)."""
    params, config, times = bench_dugks.fig3_problem()
    n_steps = dugks.time_stepping(params, config, times).steps_per_output * (len(times) - 1)
    run = jax.jit(lambda p: dugks.simulate(p, config, times).front_electron_temperature)
    _, best = time_call(run, params, repeats=3 if quick else 7)
    cost = _cost(run, params)
    updates = bench_dugks.CELLS * bench_dugks.ORDINATES * 2
    per_step = best / n_steps
    return {
        "kernel": f"DUGKS step, {bench_dugks.CELLS} cells x {bench_dugks.ORDINATES} ordinates x 2 carriers",
        "time_s": per_step,
        "n_steps": n_steps,
        "updates_per_step": updates,
        # working set: the distribution functions and a few temporaries of the same size
        "ns_per_update": per_step / updates * 1e9,
        **cost,
        **_bound(cost, limits, working_set_bytes=6 * 8 * updates),
        "scan_floor_s": limits["scan_iteration_s"],
    }


def _print(limits: dict, rows: list[dict]) -> None:
    print(
        f"machine: {limits['fma_flops_per_s'] / 1e9:.2f} GFMA-flop/s, "
        f"{limits['transcendentals_per_s'] / 1e9:.3f} G transcendentals/s, "
        f"memory {limits['memory_bytes_per_s'] / 1e9:.1f} GB/s, cache {limits['cache_bytes_per_s'] / 1e9:.1f} GB/s, "
        f"scan iteration {limits['scan_iteration_s'] * 1e9:.0f} ns"
    )
    print(
        f"{'kernel':55s} {'time':>10s} {'flops':>10s} {'transc.':>9s} {'bytes':>10s} {'bound':>10s} "
        f"{'by':>8s} {'fraction':>9s}"
    )
    for row in rows:
        print(
            f"{row['kernel']:55s} {row['time_s'] * 1e6:8.2f}us {row['flops']:10.3g} {row['transcendentals']:9.3g} "
            f"{row['bytes']:10.3g} {row['bound_s'] * 1e6:8.2f}us {row['bound_by']:>8s} "
            f"{row['fraction_of_limit']:8.1%}"
        )


def main(quick: bool = False) -> dict:
    """Measure the limits and the three kernels; print and write the JSON."""
    start = time.perf_counter()
    limits = machine_limits(quick)
    rows = [tdtr_curve(limits, quick), ttm_step(limits, quick), dugks_step(limits, quick)]
    for row in rows:
        floor = max(row["bound_s"], row.get("scan_floor_s", 0.0))
        row["fraction_of_limit"] = row["bound_s"] / row["time_s"]
        row["fraction_of_limit_with_scan_floor"] = floor / row["time_s"]
    _print(limits, rows)
    result = {"limits": limits, "kernels": rows, "wall_s": time.perf_counter() - start}
    path = write_json(f"roofline_{machine_name()}", result)
    print(f"wrote {path}")
    return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    main(parser.parse_args().quick)
