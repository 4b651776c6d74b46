"""Fitting benchmarks on the ITR paper's W/Al2O3/Ni/quartz traces (1-D, 20 MHz / 200 kHz, 500 delays 10 ps-49 ns).

1. 2-ITR fit of one 500-point full-period FR phase trace (jaxtherm Levenberg-Marquardt
   in one jit) side by side with what a user would otherwise write: scipy's
   `least_squares` (trust-region reflective, finite-difference Jacobian) calling the
   same jitted jaxtherm forward model.
2. Joint FR+RF fit of the 4 direction-dependent ITRs (4 vmapped starts along the valleys).
3. 64 FR fits to different noise realisations: one vmapped call versus a Python loop
   of the same 64 (already compiled) fits; and the same for a cheap model (exponential
   decay) where the loop's per-fit overhead, not the model, dominates. On a CPU the
   TDTR fits are compute-bound, so batching cannot beat the loop by much, and lanes of
   a vmapped while-loop run in lock-step until the slowest converges.

Compile time is reported separately (first call minus the warm floor); floors are the
minimum of repeats after warm-up. Run: `python benchmarks/bench_fit.py [--quick]`;
writes `benchmarks/results/fit_<hostname>.json`.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import time
import warnings

import jax

jax.config.update("jax_enable_x64", True)

import numpy as np  # noqa: E402

from jaxtherm.app.demo import FR_INTERFACES, RF_INTERFACES, TABLE3_300K, itr_paper_sample  # noqa: E402
from jaxtherm.fit import DegeneracyWarning, Trace, fit_traces, fit_traces_batched, least_squares, least_squares_batched  # noqa: E402
from jaxtherm.fit.paths import set_path  # noqa: E402
from jaxtherm.tdtr import TdtrModel  # noqa: E402

try:  # run as part of the benchmarks package (python -m benchmarks)
    from ._common import best_and_output, machine_info  # noqa: E402
except ImportError:  # run as a script (python benchmarks/bench_fit.py)
    from _common import best_and_output, machine_info  # noqa: E402

GW = 1e-9


def main(quick: bool = False) -> dict:
    """Run the fitting benchmarks; print a table and write JSON. Returns the numbers."""
    from scipy.optimize import least_squares as scipy_least_squares

    warnings.simplefilter("ignore", DegeneracyWarning)
    repeats = 2 if quick else 5
    n_batch = 64
    n_loop = 8 if quick else 64
    sigma = 1e-4
    truth, setups = itr_paper_sample()
    delays = np.geomspace(10e-12, 49e-9, 500)
    models = {
        "FR": TdtrModel(setups["FR"], delays, "phase", resistance_names=FR_INTERFACES),
        "RF": TdtrModel(setups["RF"], delays, "phase", resistance_names=RF_INTERFACES),
    }
    clean = {d: np.asarray(m(truth)) for d, m in models.items()}
    rng = np.random.default_rng(0)
    data = {d: clean[d] + sigma * rng.standard_normal(delays.size) for d in clean}
    start = {"stack": truth["stack"], "itr": {k: (5 * GW if k in TABLE3_300K else v) for k, v in truth["itr"].items()}}
    traces = {d: Trace(model=models[d], data=data[d], sigma=sigma, name=d) for d in data}
    free2 = {k: f"itr['{k}']" for k in FR_INTERFACES[:2]}
    free4 = {k: f"itr['{k}']" for k in TABLE3_300K}
    results = {}

    # 1. two ITRs, one trace ------------------------------------------------------------
    t0 = time.perf_counter()
    fit2 = fit_traces(start, [traces["FR"]], free2)
    first = time.perf_counter() - t0
    floor, fit2 = best_and_output(lambda: fit_traces(start, [traces["FR"]], free2), repeats)
    results["fit_2itr_500pt"] = {
        "floor_s": floor,
        "compile_s": first - floor,
        "n_iterations": fit2.n_iterations,
        "values_GW": {k: v / GW for k, v in fit2.values.items()},
        "target_floor_s": 1.0,
    }

    # what a user would otherwise write: scipy + finite differences on the jitted forward model
    forward = jax.jit(
        lambda r1, r2: models["FR"](set_path(set_path(start, "itr['W/Al2O3']", r1), "itr['Al2O3/Ni']", r2))
    )

    def scipy_fit():
        def residual(x):
            return (data["FR"] - np.asarray(forward(x[0] * GW, x[1] * GW))) / sigma

        return scipy_least_squares(residual, x0=[5.0, 5.0], bounds=([0, 0], [np.inf, np.inf]), x_scale="jac")

    t0 = time.perf_counter()
    scipy_fit()
    scipy_first = time.perf_counter() - t0
    scipy_floor, sp = best_and_output(scipy_fit, repeats)
    results["scipy_least_squares_2itr_500pt"] = {
        "floor_s": scipy_floor,
        "compile_s": scipy_first - scipy_floor,
        "n_function_evaluations": int(sp.nfev),
        "values_GW": {"W/Al2O3": float(sp.x[0]), "Al2O3/Ni": float(sp.x[1])},
        "speedup_jaxtherm_vs_scipy": scipy_floor / floor,
    }

    # 2. joint FR + RF, four ITRs ----------------------------------------------------------
    # A single start can land in the second chi^2 basin of a direction's split, so four starts
    # along the two valleys run at once under vmap (as in examples/fit_config.toml).
    lo, hi = 2.5 * GW, 7.5 * GW
    starts4 = {
        "W/Al2O3": [lo, hi, lo, hi],
        "Al2O3/Ni": [hi, lo, hi, lo],
        "Al2O3/W": [hi, hi, lo, lo],
        "Ni/Al2O3": [lo, lo, hi, hi],
    }
    t0 = time.perf_counter()
    fit4 = fit_traces(start, [traces["FR"], traces["RF"]], free4, starts=starts4)
    first = time.perf_counter() - t0
    floor4, fit4 = best_and_output(
        lambda: fit_traces(start, [traces["FR"], traces["RF"]], free4, starts=starts4), repeats
    )
    results["fit_joint_4itr_2x500pt"] = {
        "n_starts": 4,
        "floor_s": floor4,
        "compile_s": first - floor4,
        "n_iterations": fit4.n_iterations,
        "values_GW": {k: v / GW for k, v in fit4.values.items()},
        "target_floor_s": 2.0,
    }

    # 3. 64 fits vmapped vs a Python loop ---------------------------------------------------
    batch = clean["FR"] + sigma * rng.standard_normal((n_batch, delays.size))
    t0 = time.perf_counter()
    fit_traces_batched(start, [traces["FR"]], free2, [batch])
    first = time.perf_counter() - t0
    vmap_floor, fits = best_and_output(
        lambda: fit_traces_batched(start, [traces["FR"]], free2, [batch]), max(2, repeats - 2)
    )
    loop_traces = [Trace(model=models["FR"], data=batch[i], sigma=sigma) for i in range(n_loop)]

    def loop():
        return [fit_traces(start, [loop_traces[i]], free2) for i in range(n_loop)]

    loop_time, loop_fits = best_and_output(loop, 1)
    agree = max(
        abs(loop_fits[i].values[k] - fits.values[k][i]) / fits.standard_errors[k][i]
        for i in range(n_loop)
        for k in free2
    )
    results["vmap_64_fits"] = {
        "batch": n_batch,
        "vmapped_floor_s": vmap_floor,
        "vmapped_compile_s": first - vmap_floor,
        "vmapped_fits_per_s": n_batch / vmap_floor,
        "loop_fits_timed": n_loop,
        "loop_s_per_fit": loop_time / n_loop,
        "loop_fits_per_s": n_loop / loop_time,
        "throughput_ratio": (n_batch / vmap_floor) / (n_loop / loop_time),
        "max_vmap_loop_difference_in_sigma": float(agree),
        "max_iterations_in_batch": int(np.max(fits.n_iterations)),
        "target_ratio": 10.0,
    }

    # 3b. the same comparison for a cheap model (exponential decay, 500 points), where the
    # per-fit work is small next to the Python/dispatch overhead of a loop of fits.

    times = jax.numpy.linspace(0.0, 5.0, 500)

    def decay_residuals(free, y):
        return (y - free["amplitude"] * jax.numpy.exp(-free["rate"] * times)) / 0.01

    ys = 2.0 * np.exp(-0.7 * np.asarray(times)) + 0.01 * rng.standard_normal((n_batch, 500))
    initial = {"amplitude": 1.0, "rate": 2.0}
    least_squares_batched(decay_residuals, initial, ys)
    toy_vmap, _ = best_and_output(lambda: least_squares_batched(decay_residuals, initial, ys), repeats)
    least_squares(decay_residuals, initial, data=ys[0])
    toy_loop, _ = best_and_output(
        lambda: [least_squares(decay_residuals, initial, data=ys[i]) for i in range(n_batch)], 1
    )
    results["vmap_64_fits_cheap_model"] = {
        "model": "A exp(-k t), 500 points, 2 parameters",
        "vmapped_s": toy_vmap,
        "loop_s": toy_loop,
        "throughput_ratio": toy_loop / toy_vmap,
    }

    results["machine"] = {**machine_info(), "quick": quick}
    _print(results)
    out_dir = os.path.join(os.path.dirname(os.path.abspath(__file__)), "results")
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, f"fit_{socket.gethostname()}.json"), "w", encoding="utf-8") as handle:
        json.dump(results, handle, indent=2, default=float)
    return results


def _print(r):
    a, s, j, v = (
        r["fit_2itr_500pt"],
        r["scipy_least_squares_2itr_500pt"],
        r["fit_joint_4itr_2x500pt"],
        r["vmap_64_fits"],
    )
    print(f"{'case':44s} {'floor (s)':>10s} {'compile (s)':>12s} {'note':>30s}")
    print(
        f"{'2 ITRs, 1 x 500-pt trace (jaxtherm LM)':44s} {a['floor_s']:10.3f} {a['compile_s']:12.2f} {a['n_iterations']:>22d} iterations"
    )
    print(
        f"{'2 ITRs, scipy TRF + finite differences':44s} {s['floor_s']:10.3f} {s['compile_s']:12.2f} {s['n_function_evaluations']:>17d} evaluations"
    )
    print(f"{'  jaxtherm speed-up vs scipy':44s} {s['speedup_jaxtherm_vs_scipy']:10.1f}x")
    print(
        f"{'joint FR+RF, 4 ITRs, 2 x 500 pts, 4 starts':44s} {j['floor_s']:10.3f} {j['compile_s']:12.2f} {j['n_iterations']:>22d} iterations"
    )
    print(
        f"{'64 fits vmapped (total)':44s} {v['vmapped_floor_s']:10.3f} {v['vmapped_compile_s']:12.2f} {v['vmapped_fits_per_s']:>21.1f} fits/s"
    )
    print(f"{'Python loop, per fit':44s} {v['loop_s_per_fit']:10.3f} {'':12s} {v['loop_fits_per_s']:>21.1f} fits/s")
    print(f"{'  vmap / loop throughput':44s} {v['throughput_ratio']:10.1f}x")
    c = r["vmap_64_fits_cheap_model"]
    print(
        f"{'64 exponential fits: vmapped / loop (s)':44s} {c['vmapped_s']:10.3f} {c['loop_s']:12.3f} {c['throughput_ratio']:>21.1f}x"
    )


if __name__ == "__main__":
    main(quick="--quick" in sys.argv)
