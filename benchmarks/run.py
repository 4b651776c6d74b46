"""Run every jaxtherm benchmark side by side and write one report.

    python -m benchmarks            # full run
    python -m benchmarks --quick    # smaller problems (smoke test)
    python -m benchmarks --only tdtr,ttm

Each `bench_*.py` module exposes `main(quick=False) -> dict` (it prints its own
table and writes its own JSON); this runner calls them in one process, then
runs the scaling study (`scaling.py`: time vs batch size and problem size for
each solver, PNG plot) and writes `benchmarks/results/<machine>.json` with the
machine/device description and every result. The same command runs unchanged
on a GPU and records the device.
"""

from __future__ import annotations

import argparse
import importlib
import json
import time
import traceback

from ._common import RESULTS_DIR, machine_info, machine_name

SUITES = ("tdtr", "fit", "ttm", "dugks", "scaling")


def _module_for(name: str):
    module_name = "scaling" if name == "scaling" else f"bench_{name}"
    return importlib.import_module(f"benchmarks.{module_name}")


def headline_rows(results: dict) -> list[dict]:
    """Collect the `headline` rows each suite reports (case, jaxtherm, baseline, ratio)."""
    rows = []
    for suite, result in results.items():
        if not isinstance(result, dict):
            continue
        for row in result.get("headline", []):
            rows.append({"suite": suite, **row})
    return rows


def print_headline(rows: list[dict]) -> None:
    if not rows:
        return
    print("\n== jaxtherm benchmark headline ==")
    print(f"{'suite':8s} {'case':52s} {'jaxtherm':>14s} {'baseline':>14s} {'speed-up':>9s}")
    for row in rows:
        speedup = row.get("speedup")
        print(
            f"{row['suite']:8s} {row['case'][:52]:52s} {row.get('jaxtherm', ''):>14s} "
            f"{row.get('baseline', ''):>14s} {('%.1fx' % speedup) if speedup else '':>9s}"
        )


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller problems (smoke test)")
    parser.add_argument("--only", default=",".join(SUITES), help="comma-separated suites: " + ",".join(SUITES))
    args = parser.parse_args(argv)

    import jax

    jax.config.update("jax_enable_x64", True)
    selected = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = sorted(set(selected) - set(SUITES))
    if unknown:
        parser.error(f"unknown suites {unknown}; expected some of {SUITES}")

    results, timings = {}, {}
    for name in selected:
        print(f"\n######## {name} ########", flush=True)
        t0 = time.perf_counter()
        try:
            results[name] = _module_for(name).main(quick=args.quick)
        except Exception as exc:  # keep the other suites running; record the failure
            traceback.print_exc()
            results[name] = {"error": f"{type(exc).__name__}: {exc}"}
        timings[name] = time.perf_counter() - t0

    rows = headline_rows(results)
    print_headline(rows)
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"{machine_name()}{'-quick' if args.quick else ''}.json"
    report = {
        "machine": machine_info(),
        "quick": args.quick,
        "suite_wall_s": timings,
        "headline": rows,
        "results": results,
    }
    path.write_text(json.dumps(report, indent=2, default=float))
    print(f"\nwrote {path}")
    return report


if __name__ == "__main__":
    main()
