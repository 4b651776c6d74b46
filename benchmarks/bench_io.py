"""Trace-file loading: `jaxtherm.fit.load_trace_file` beside `np.loadtxt` on a 1e6-row CSV.

The file has a comment line, a header and three columns (delay in ps, phase, ratio),
as `write_trace_file` writes it. Time: minimum of repeats after one warm read. Memory:
peak of Python/numpy allocations during one read (`tracemalloc`), next to the file
size. Acceptance (issue "trust"): both ratios <= 2.

Run: `python -m benchmarks.bench_io [--rows N]`; writes `benchmarks/results/io_<machine>.json`.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
import tracemalloc

import numpy as np

from jaxtherm.fit.io import load_trace_file, write_trace_file

from ._common import machine_name, write_json


def _best_time(fn, repeats: int) -> float:
    fn()  # warm: page cache, imports
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def _peak_bytes(fn) -> int:
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    rng = np.random.default_rng(0)
    delays = np.sort(rng.uniform(1e-12, 5e-9, args.rows))
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "trace.csv")
        write_trace_file(
            path,
            delays,
            {"phase": rng.normal(size=args.rows), "ratio": rng.normal(size=args.rows)},
            delay_unit="ps",
            comment="benchmark trace",
        )
        size = os.path.getsize(path)

        def numpy_read():
            return np.loadtxt(path, delimiter=",", skiprows=2)

        def jaxtherm_read():
            return load_trace_file(path, delay_unit="ps")

        reference, ours = numpy_read(), jaxtherm_read()
        assert np.allclose(ours.delays, reference[:, 0] * 1e-12) and np.array_equal(
            ours.column("ratio"), reference[:, 2]
        )
        rows = {}
        for name, fn in (("np.loadtxt", numpy_read), ("load_trace_file", jaxtherm_read)):
            rows[name] = {"time_s": _best_time(fn, args.repeats), "peak_memory_bytes": _peak_bytes(fn)}
    ratios = {
        "time": rows["load_trace_file"]["time_s"] / rows["np.loadtxt"]["time_s"],
        "memory": rows["load_trace_file"]["peak_memory_bytes"] / rows["np.loadtxt"]["peak_memory_bytes"],
    }
    print(f"trace loading, {args.rows} rows x 3 columns, file {size / 1e6:.1f} MB")
    print(f"{'reader':18s} {'time (s)':>10s} {'peak memory (MB)':>18s} {'memory / file':>14s}")
    for name, row in rows.items():
        print(
            f"{name:18s} {row['time_s']:10.3f} {row['peak_memory_bytes'] / 1e6:18.1f} "
            f"{row['peak_memory_bytes'] / size:14.2f}"
        )
    print(f"load_trace_file / np.loadtxt: time {ratios['time']:.2f}x, memory {ratios['memory']:.2f}x (target <= 2)")
    payload = {"rows": args.rows, "file_bytes": size, "readers": rows, "ratio_to_loadtxt": ratios}
    print(f"wrote {write_json(f'io_{machine_name()}', payload)}")
    return payload


if __name__ == "__main__":
    main()
