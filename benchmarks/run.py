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

import jax

from ._common import RESULTS_DIR, machine_info, machine_name

SUITES = (
    "tdtr",
    "peers",
    "roofline",
    "tdtr_float32",
    "fit",
    "files",
    "lm",
    "sample",
    "sample_demo",
    "io",
    "ttm",
    "ttm_memory",
    "dugks",
    "dugks_substrate",
    "scaling",
)


def _module_for(name: str):
    module_name = "scaling" if name == "scaling" else f"bench_{name}"
    return importlib.import_module(f"benchmarks.{module_name}")


def _run_suite(name: str, quick: bool):
    """Call a suite's entry point (most are `main(quick)`; a few take their own arguments)."""
    module = _module_for(name)
    if name == "io":
        return module.main(["--rows", "100000" if quick else "1000000"])
    if name == "sample":
        return {"rows": module.run(quick=quick)}
    if name == "tdtr_float32":
        return module.main()
    return module.main(quick=quick)


def _ms(seconds: float) -> str:
    return f"{seconds * 1e3:.2f} ms"


def _tdtr_rows(result: dict) -> list[dict]:
    single, itr, jac = result["cases"]
    rows = [
        {
            "case": "TDTR 80/10 MHz, 30 delays, 1 curve vs NumPy sidebands",
            "jaxtherm": _ms(single["jax_s_per_curve"]),
            "baseline": _ms(single["numpy_s_per_curve"]),
            "speedup": single["numpy_s_per_curve"] / single["jax_s_per_curve"],
            "note": f"ratio error {single['jax_ratio_error']:.1e} vs {single['numpy_ratio_error']:.1e}",
        },
        {
            "case": f"TDTR 80/10 MHz, vmap batch {single['jax_vmap_batch']}",
            "jaxtherm": f"{single['jax_vmap_curves_per_s']:,.0f} curves/s",
            "baseline": "",
            "speedup": None,
        },
        {
            "case": f"TDTR 80/10 MHz, vmap (chunks of {single['jax_chunked_vmap_chunk']})",
            "jaxtherm": f"{single['jax_chunked_vmap_curves_per_s']:,.0f} curves/s",
            "baseline": "",
            "speedup": None,
        },
    ]
    for direction in ("FR", "RF"):
        case = itr[direction]
        rows.append(
            {
                "case": f"TDTR ITR 20 MHz/200 kHz {direction}, 500 delays vs NumPy",
                "jaxtherm": _ms(case["jax_s_per_curve"]),
                "baseline": _ms(case["numpy_s_per_curve"]),
                "speedup": case["numpy_s_per_curve"] / case["jax_s_per_curve"],
                "note": f"ratio error {case['jax_ratio_error']:.1e} vs {case['numpy_ratio_error']:.1e}",
            }
        )
    rows.append(
        {
            "case": "TDTR jacfwd 10 params / forward",
            "jaxtherm": f"{jac['jacobian_over_forward']:.2f}x forward",
            "baseline": "",
            "speedup": None,
        }
    )
    return rows


def _fit_rows(result: dict) -> list[dict]:
    two, scipy_fit, joint, batch = (
        result[k]
        for k in ("fit_2itr_500pt", "scipy_least_squares_2itr_500pt", "fit_joint_4itr_2x500pt", "vmap_64_fits")
    )
    return [
        {
            "case": "fit 2 ITRs, 500-pt trace vs scipy least_squares",
            "jaxtherm": _ms(two["floor_s"]),
            "baseline": _ms(scipy_fit["floor_s"]),
            "speedup": scipy_fit["floor_s"] / two["floor_s"],
        },
        {
            "case": "joint FR+RF fit, 4 ITRs (4 starts)",
            "jaxtherm": _ms(joint["floor_s"]),
            "baseline": "",
            "speedup": None,
        },
        {
            "case": "64 fits vmapped vs Python loop",
            "jaxtherm": f"{batch['vmapped_fits_per_s']:.0f} fits/s",
            "baseline": f"{batch['loop_fits_per_s']:.0f} fits/s",
            "speedup": batch["throughput_ratio"],
        },
    ]


def _dugks_rows(result: dict) -> list[dict]:
    return [
        {
            "case": f"DUGKS Fig. 3 case ({result['n_steps']} steps) vs NumPy",
            "jaxtherm": _ms(result["jaxtherm_run_s"]),
            "baseline": _ms(result["numpy_run_s"]),
            "speedup": result["speedup_vs_numpy"],
        },
        {
            "case": f"DUGKS vmap {result['vmap_members']} over G (chunked) vs loop",
            "jaxtherm": f"{result['chunked_vmap_sweep_s']:.2f} s",
            "baseline": f"{result['loop_estimate_s']:.2f} s",
            "speedup": result["chunked_vmap_speedup_vs_loop"],
        },
    ]


def _peers_rows(result: dict) -> list[dict]:
    peer, ours = result["peer_recipe"], result["jaxtherm_equal_or_better"]
    return [
        {
            "case": "TDTR 80 MHz curve vs the public tools' recipe, equal or better error",
            "jaxtherm": f"{_ms(ours['s_per_curve'])} ({ours['ratio_error']:.1e})",
            "baseline": f"{_ms(peer['s_per_curve'])} ({peer['ratio_error']:.1e})",
            "speedup": result["speedup"],
        }
    ]


def _io_rows(result: dict) -> list[dict]:
    readers = result["readers"]
    return [
        {
            "case": f"load_trace_file, {result['rows']:,} rows vs np.loadtxt",
            "jaxtherm": f"{readers['load_trace_file']['time_s']:.2f} s",
            "baseline": f"{readers['np.loadtxt']['time_s']:.2f} s",
            "speedup": readers["np.loadtxt"]["time_s"] / readers["load_trace_file"]["time_s"],
        }
    ]


def _sample_rows(result: dict) -> list[dict]:
    return [
        {
            "case": f"NUTS vs emcee, {row['n_parameters']} parameters (ESS/s)",
            "jaxtherm": f"{row['nuts']['ess_per_s']:.2f} ESS/s",
            "baseline": f"{row['emcee']['ess_per_s']:.2f} ESS/s",
            "speedup": row["ratio_nuts_over_emcee_ess_per_s"],
        }
        for row in result["rows"]
    ]


_ADAPTERS = {
    "tdtr": _tdtr_rows,
    "fit": _fit_rows,
    "dugks": _dugks_rows,
    "peers": _peers_rows,
    "io": _io_rows,
    "sample": _sample_rows,
}


def headline_rows(results: dict) -> list[dict]:
    """Collect headline rows (case, jaxtherm, baseline, speedup) from every suite's result."""
    rows = []
    for suite, result in results.items():
        if not isinstance(result, dict) or "error" in result:
            continue
        try:
            suite_rows = result["headline"] if "headline" in result else _ADAPTERS[suite](result)
        except (KeyError, TypeError, ValueError, ZeroDivisionError):
            continue  # a suite whose result shape changed still lands in the JSON
        rows.extend({"suite": suite, **row} for row in suite_rows)
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
            f"{row.get('baseline', ''):>14s} {f'{speedup:.1f}x' if speedup else '':>9s}"
        )


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller problems (smoke test)")
    parser.add_argument("--only", default=",".join(SUITES), help="comma-separated suites: " + ",".join(SUITES))
    args = parser.parse_args(argv)

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
            results[name] = _run_suite(name, args.quick)
        except Exception as exc:  # keep the other suites running; record the failure
            traceback.print_exc()
            results[name] = {"error": f"{type(exc).__name__}: {exc}"}
        timings[name] = time.perf_counter() - t0

    rows = headline_rows(results)
    print_headline(rows)
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    # A partial run (--only) gets its own file so it never overwrites the full report.
    subset = "" if set(selected) == set(SUITES) else "-" + "-".join(selected)
    path = RESULTS_DIR / f"{machine_name()}{subset}{'-quick' if args.quick else ''}.json"
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
