"""optimistix's `LevenbergMarquardt` beside jaxtherm's own Levenberg-Marquardt on the demo's fits.

Both solvers minimise the same weighted residuals of the ITR paper's W/Al2O3/Ni/quartz
traces (1-D, 20 MHz / 200 kHz, 500 delays, 1e-4 rad noise) in the same internal
variables (log of each resistance relative to its start), with relative tolerances
1e-8, inside one `jit`:

1. FR trace, the two ITRs it crosses, one start (5, 5 m^2K/GW);
2. FR + RF jointly, four direction-dependent ITRs and the quartz conductivity;
3. the FR fit from three starts along the series valley at once under `vmap`
   (the demo's multi-start).

Reported per case: compile time, the best of repeated warm runs, iterations (LM steps;
optimistix: `stats["num_steps"]`), the chi^2 reached and the largest difference of the
fitted values between the two solvers in units of the standard error. jaxtherm is timed
both through its public entry (`least_squares`: validation, covariance, diagnostics) and
as the bare jitted loop, which is what compares with `optimistix.least_squares`.

Run: `python -m benchmarks.bench_lm [--quick]` (needs the `bench` extra: optimistix);
writes `benchmarks/results/lm_<machine>.json`.
"""

from __future__ import annotations

import argparse
import time
import warnings

import jax

jax.config.update("jax_enable_x64", True)

import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402
import optimistix as optx  # noqa: E402

from jaxtherm.app.demo import FR_INTERFACES, GW, QUARTZ_CONDUCTIVITY, RF_INTERFACES, TABLE3_300K, itr_paper_sample  # noqa: E402
from jaxtherm.fit import Trace, least_squares  # noqa: E402
from jaxtherm.fit._levenberg_marquardt import levenberg_marquardt  # noqa: E402
from jaxtherm.fit.problem import _dynamic, _residual_builder  # noqa: E402
from jaxtherm.tdtr import TdtrModel  # noqa: E402

from ._common import best_and_output, machine_name, write_json  # noqa: E402

TOLERANCE = 1e-8


def _problems(n_delays):
    truth, setups = itr_paper_sample()
    delays = np.geomspace(10e-12, 49e-9, n_delays)
    models = {
        "FR": TdtrModel(setups["FR"], delays, "phase", resistance_names=FR_INTERFACES),
        "RF": TdtrModel(setups["RF"], delays, "phase", resistance_names=RF_INTERFACES),
    }
    rng = np.random.default_rng(0)
    traces = {
        d: Trace(model=m, data=np.asarray(m(truth)) + 1e-4 * rng.standard_normal(n_delays), sigma=1e-4, name=d)
        for d, m in models.items()
    }
    start = {"stack": truth["stack"], "itr": {k: (5 * GW if k in TABLE3_300K else v) for k, v in truth["itr"].items()}}
    joint = {k: f"itr['{k}']" for k in TABLE3_300K} | {"quartz conductivity": QUARTZ_CONDUCTIVITY}
    return {
        "FR, 2 ITRs": (start, [traces["FR"]], {k: f"itr['{k}']" for k in FR_INTERFACES[:2]}),
        "FR+RF, 4 ITRs + quartz": (start, [traces["FR"], traces["RF"]], joint),
    }


def _residual_in_log(params, traces, free):
    """`(r(u, data), u-independent data, names, x0)` with x = x0 exp(u), the parametrisation of both solvers."""
    free_spec = tuple((name, (path,)) for name, path in free.items())
    residual_fn = _residual_builder(tuple(t.model for t in traces), free_spec)
    data = _dynamic(params, traces)
    names = tuple(free)
    x0 = {"quartz conductivity": 1.5}
    x0 = jnp.asarray([x0.get(n, 5 * GW) for n in names])

    def residual_u(u, data):
        return residual_fn(dict(zip(names, x0 * jnp.exp(u))), data)

    return residual_u, data, names, x0


def _ours_core(residual_u):
    def run(u0, data):
        out = levenberg_marquardt(lambda u: residual_u(u, data), u0, 100, TOLERANCE)
        return out.u, out.n_iterations, jnp.sum(out.residuals**2)

    return jax.jit(run)


def _optimistix(residual_u):
    solver = optx.LevenbergMarquardt(rtol=TOLERANCE, atol=TOLERANCE)

    def run(u0, data):
        sol = optx.least_squares(residual_u, solver, u0, args=data, max_steps=100, throw=False)
        return sol.value, sol.stats["num_steps"], jnp.sum(residual_u(sol.value, data) ** 2)

    return jax.jit(run)


def _timed(fn, args, repeats):
    t0 = time.perf_counter()
    jax.block_until_ready(fn(*args))
    first = time.perf_counter() - t0
    best, out = best_and_output(lambda: fn(*args), repeats)
    return {"compile_s": max(first - best, 0.0), "best_s": best}, jax.tree_util.tree_map(np.asarray, out)


def _case(name, params, traces, free, repeats, starts=None):
    residual_u, data, names, x0 = _residual_in_log(params, traces, free)
    u0 = jnp.zeros(len(names)) if starts is None else jnp.log(jnp.asarray(starts) / x0)
    row = {"case": name, "n_parameters": len(names), "n_starts": 1 if starts is None else len(starts)}
    print(f"  {name} ...", flush=True)
    for label, make in (("jaxtherm_lm", _ours_core), ("optimistix_lm", _optimistix)):
        fn = make(residual_u)
        if starts is not None:
            fn = jax.jit(jax.vmap(fn, in_axes=(0, None)))
        timing, (u, steps, chi2) = _timed(fn, (u0, data), repeats)
        row[label] = {
            **timing,
            "iterations": np.asarray(steps).tolist(),
            "chi2": np.asarray(chi2).tolist(),
            "values": (np.asarray(x0) * np.exp(u)).tolist(),
        }
    if starts is None:
        # One residual function object: least_squares caches its compiled solver on its identity.
        def public_residual(free, d):
            return residual_u(jnp.log(jnp.stack([free[n] for n in names]) / x0), d)

        initial = dict(zip(names, np.asarray(x0).tolist()))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            timing, _ = _timed(
                lambda: least_squares(public_residual, initial, data=data, tolerance=TOLERANCE), (), repeats
            )
            public = least_squares(public_residual, initial, data=data, tolerance=TOLERANCE)
        row["jaxtherm_public_entry"] = timing
        sd = np.array([public.standard_errors[n] for n in names])
        diff = np.abs(np.array(row["jaxtherm_lm"]["values"]) - np.array(row["optimistix_lm"]["values"])) / sd
        row["max_value_difference_in_sd"] = float(np.max(diff))
    return row


def _verdict(rows) -> str:
    """Adopt optimistix only if it is at least as good on every case (time, iterations, chi^2)."""
    worse = []
    for row in rows:
        ours, theirs = row["jaxtherm_lm"], row["optimistix_lm"]
        if theirs["best_s"] > ours["best_s"]:
            worse.append(f"{row['case']}: {theirs['best_s'] / ours['best_s']:.1f}x slower")
        if np.max(theirs["iterations"]) > np.max(ours["iterations"]):
            worse.append(f"{row['case']}: {np.max(theirs['iterations'])} vs {np.max(ours['iterations'])} iterations")
        if np.min(theirs["chi2"]) > np.min(ours["chi2"]) * (1 + 1e-9):
            worse.append(f"{row['case']}: higher chi2")
    if not worse:
        return "verdict: optimistix's LevenbergMarquardt is at least as good on every case - adopt it"
    return (
        "verdict: keep jaxtherm's Levenberg-Marquardt (same optimum; optimistix is not at least as good: "
        + "; ".join(worse)
        + ")"
    )


def main(quick: bool = False) -> dict:
    repeats = 2 if quick else 5
    problems = _problems(250 if quick else 500)
    rows = [_case(name, *problem, repeats) for name, problem in problems.items()]
    fr = problems["FR, 2 ITRs"]
    valley = [[2.5 * GW, 7.5 * GW], [5 * GW, 5 * GW], [7.5 * GW, 2.5 * GW]]
    rows.append(_case("FR, 2 ITRs, 3 vmapped starts", *fr, repeats, starts=valley))
    print(f"{'case':34s} {'solver':14s} {'compile s':>10s} {'best ms':>9s} {'iterations':>14s} {'chi2':>22s}")
    for row in rows:
        for label in ("jaxtherm_lm", "optimistix_lm"):
            r = row[label]
            chi2 = np.round(np.atleast_1d(r["chi2"]), 2).tolist()
            print(
                f"{row['case']:34s} {label:14s} {r['compile_s']:10.2f} {r['best_s'] * 1e3:9.1f} "
                f"{str(r['iterations']):>14s} {str(chi2):>22s}"
            )
        if "jaxtherm_public_entry" in row:
            print(
                f"{'':34s} {'(public entry)':14s} {row['jaxtherm_public_entry']['compile_s']:10.2f} "
                f"{row['jaxtherm_public_entry']['best_s'] * 1e3:9.1f}   max |difference| "
                f"{row['max_value_difference_in_sd']:.2e} sd"
            )
    verdict = _verdict(rows)
    print(verdict)
    payload = {"quick": quick, "tolerance": TOLERANCE, "cases": rows, "verdict": verdict}
    suffix = "-quick" if quick else ""
    print(f"wrote {write_json(f'lm_{machine_name()}{suffix}', payload)}")
    return payload


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    main(parser.parse_args().quick)
