"""Wall time of `jt.fit.sample` on the demo's problem at the issue's size: 4 chains x 1000 draws.

The posterior of `jaxtherm demo` (W/Al2O3/Ni/quartz, FR + RF phase traces at 1 mrad noise, 60 delays
each): the four direction-dependent ITRs and the quartz conductivity free, the thicknesses, the W and
Ni heat capacities and the Ni/quartz ITR sampled as Gaussian nuisance parameters. Runs
`jaxtherm.app.posterior_demo.run_posterior_demo` with 4 chains, 150 warm-up steps and 1000 draws
per chain (the demo itself uses 2 chains x 400 draws), once; the wall time includes the multi-start
fit, compilation and sampling, and the JSON records the diagnostics the run reported (R-hat and ESS
per ITR, divergences, mode masses), so a fast but unmixed run cannot pass as a result.

Run: `python -m benchmarks.bench_sample_demo [--draws N] [--chains N]` (or the `sample_demo` suite of
`python -m benchmarks`, whose `--quick` runs the demo's own 2 x 400); writes
`benchmarks/results/sample_demo_<machine>.json`.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time

import jax

jax.config.update("jax_enable_x64", True)

try:
    from benchmarks._common import machine_name, write_json
except ImportError:  # run as a plain script from the benchmarks folder
    from _common import machine_name, write_json


def run(n_chains: int = 4, n_draws: int = 1000, n_warmup: int = 150) -> dict:
    from jaxtherm.app.posterior_demo import run_posterior_demo

    with tempfile.TemporaryDirectory() as out_dir:
        t0 = time.perf_counter()
        out = run_posterior_demo(out_dir, n_chains=n_chains, n_warmup=n_warmup, n_draws=n_draws, verbose=False)
        wall = time.perf_counter() - t0
    itr = out["itr_GW"]
    payload = {
        "description": __doc__.splitlines()[0],
        "n_chains": n_chains,
        "n_warmup": n_warmup,
        "n_draws": n_draws,
        "wall_s": wall,
        "fit_and_sample_s": out["timing_s"]["fit_and_sample"],
        "max_rhat_itr": max(v["rhat"] for v in itr.values()),
        "min_ess_bulk_itr": min(v["ess_bulk"] for v in itr.values()),
        "rhat_quartz": out["quartz_effusivity"]["rhat"],
        "n_divergent": out["n_divergent"],
        "mode_masses": [m["mass"] for m in out["modes"]],
        "mass_method": out["mass_method"],
        "warnings": out["warnings"],
        "load_average": os.getloadavg(),
    }
    print(
        f"sample, demo problem, {n_chains} chains x {n_draws} draws (+{n_warmup} warm-up): {wall:.1f} s wall "
        f"(fit + compile + sample); max R-hat over the ITRs {payload['max_rhat_itr']:.4f}, min bulk ESS "
        f"{payload['min_ess_bulk_itr']:.0f}, {payload['n_divergent']} divergent, mode masses "
        f"{[round(m, 3) for m in payload['mode_masses']]}"
    )
    path = write_json(f"sample_demo_{machine_name()}", payload)
    print(f"wrote {path}")
    return payload


def main(quick: bool = False) -> dict:
    """The issue's size (4 chains x 1000 draws), or the demo's own (2 x 400) with `quick`."""
    return run(2, 400) if quick else run()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chains", type=int, default=4)
    parser.add_argument("--draws", type=int, default=1000)
    parser.add_argument("--warmup", type=int, default=150)
    args = parser.parse_args()
    run(args.chains, args.draws, args.warmup)
