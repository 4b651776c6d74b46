"""Effective samples per second: jaxtherm NUTS (blackjax, vmapped chains) versus emcee.

Both samplers draw from the same jitted log-posterior: the FR phase trace of the ITR
paper's W/Al2O3/Ni/quartz sample (1-D, 20 MHz / 200 kHz, 500 delays 10 ps - 49 ns,
1e-4 rad noise), default priors (log-uniform over two decades), in the same
unconstrained coordinates `jaxtherm.fit.sample` chooses (logit map or linear per
parameter). emcee gets the vectorised, jitted log density (one call per ensemble
half-step) and 2 n_dim + 2 walkers, its usual setting; NUTS gets 4 chains with `sample`'s
DEFAULT settings (adaptation "dense": Laplace-whitened frame, dual-averaged step size, a
shrunk dense metric from the warm-up; target acceptance 0.9); `--laplace` (or `--dense`,
kept for old command lines) adds the opt-in `adaptation="laplace"` row with the same
warm-up. Wall time includes warm-up / burn-in and the setup of `sample` (coordinate
choice, mode selection) and excludes compilation (each sampler runs once before timing;
compile time is reported apart).

ESS, measured the same way for both: the smallest bulk ESS over parameters (rank-
normalised split chains, `jaxtherm.fit._diagnostics.ess_bulk`), emcee's walkers taken as
chains after burn-in. emcee's own estimate, n_walkers * n_kept / tau_max with tau from
`emcee.autocorr.integrated_time`, is reported beside it.

Run: `python -m benchmarks.bench_sample [--quick] [--laplace] [--problems=2,5-constrained]`; writes
`benchmarks/results/sample_<machine>.json`.
"""

from __future__ import annotations

import sys
import time

import jax

jax.config.update("jax_enable_x64", True)

import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402

try:
    from benchmarks._common import machine_info, machine_name, write_json
except ImportError:  # run as a plain script from the benchmarks folder
    from _common import machine_info, machine_name, write_json

GW = 1e-9

_PAIR = {"W/Al2O3": "itr['W/Al2O3']", "Al2O3/Ni": "itr['Al2O3/Ni']"}
_FOUR = {**_PAIR, "quartz k": "stack.layers[3].conductivity", "W heat capacity": "stack.layers[0].heat_capacity"}
# "5-plateau": Ni/quartz is barely constrained by the FR trace (best fit 5e-11 vs 1e-9 true): its
# posterior fills the lower part of its log-uniform prior, a one-sided plateau correlated
# at 0.97 with W/Al2O3. "5-constrained": Ni heat capacity instead; every parameter is
# constrained (1-5 %), correlations up to 0.98.
PROBLEMS = {
    "2": _PAIR,
    "5-plateau": {**_FOUR, "Ni/quartz": "itr['Ni/quartz']"},
    "5-constrained": {**_FOUR, "Ni heat capacity": "stack.layers[2].heat_capacity"},
}


def _problem(n_delays):
    from jaxtherm.app.demo import FR_INTERFACES, itr_paper_sample
    from jaxtherm.fit import Trace
    from jaxtherm.tdtr import TdtrModel

    truth, setups = itr_paper_sample()
    delays = np.geomspace(10e-12, 49e-9, n_delays)
    model = TdtrModel(setups["FR"], delays, "phase", resistance_names=FR_INTERFACES)
    data = np.asarray(model(truth)) + 1e-4 * np.random.default_rng(0).standard_normal(n_delays)
    return truth, Trace(model=model, data=data, sigma=1e-4, name="FR")


def _emcee_log_density(result, truth, trace, free):
    """The jitted, vectorised log density of `sample` in its own coordinates v (as NUTS sees it,
    unwhitened): the same map per parameter (logit or linear) that `sample` chose."""
    from jaxtherm.fit import _nuts
    from jaxtherm.fit import _sample as s

    optima, _ = s._optima(result.fit, tuple(free))
    problem = s._setup(truth, (trace,), result.fit, None, None, True, None, None, None, "known", optima)
    assert tuple(n for n, lin in zip(problem.names, problem.linear) if lin) == result.linear_names
    batch = jax.jit(jax.vmap(lambda v: _nuts._log_density_v(problem.static, v, problem.dyn)))
    # Laplace spread in v, to start the walkers in a small ball as users do.
    v_sd = np.sqrt(np.sum(problem.whitening**2, axis=1))
    return (lambda v: np.asarray(batch(jnp.asarray(v)))), problem.v_best, v_sd


def _nuts_row(truth, trace, free, fit, n_warmup, n_draws, adaptation=None):
    """`sample` with its default settings (`adaptation=None`) or the named adaptation."""
    from jaxtherm.fit import sample

    settings = dict(fit=fit, n_chains=4, n_warmup=n_warmup, n_draws=n_draws)
    if adaptation is not None:
        settings["adaptation"] = adaptation
    t0 = time.perf_counter()
    sample(truth, trace, free, seed=0, **settings)
    first = time.perf_counter() - t0
    t0 = time.perf_counter()
    result = sample(truth, trace, free, seed=1, **settings)
    wall = time.perf_counter() - t0
    ess = min(result.ess_bulk.values())
    row = {
        "adaptation": adaptation or "default (dense)",
        "linear_coordinates": list(result.linear_names),
        "chains": 4,
        "warmup": n_warmup,
        "draws": n_draws,
        "wall_s": wall,
        "compile_s": first - wall,
        "min_ess_bulk": ess,
        "ess_per_s": ess / wall,
        "max_rhat": max(result.rhat.values()),
        "divergent": result.n_divergent,
        "gradients_draws": result.n_gradients,
        "step_size": [float(x) for x in result.step_size],
    }
    return row, result


def _emcee_row(result, truth, trace, free, emcee_steps):
    import emcee

    from jaxtherm.fit._diagnostics import ess_bulk

    n_dim = len(free)
    log_density, v_best, v_sd = _emcee_log_density(result, truth, trace, free)
    n_walkers = 2 * n_dim + 2
    p0 = v_best + 0.1 * v_sd * np.random.default_rng(0).standard_normal((n_walkers, n_dim))
    t0 = time.perf_counter()
    log_density(p0)
    compile_s = time.perf_counter() - t0
    sampler = emcee.EnsembleSampler(n_walkers, n_dim, log_density, vectorize=True)
    t0 = time.perf_counter()
    sampler.run_mcmc(p0, emcee_steps, progress=False)
    wall = time.perf_counter() - t0
    burn = emcee_steps // 2
    chain = sampler.get_chain(discard=burn)  # (steps, walkers, dim)
    tau = emcee.autocorr.integrated_time(chain, quiet=True)
    ess = min(ess_bulk(chain[:, :, i].T) for i in range(n_dim))
    ess_tau = float(n_walkers * chain.shape[0] / np.max(tau))
    return {
        "walkers": n_walkers,
        "steps": emcee_steps,
        "burn_in": burn,
        "wall_s": wall,
        "compile_s": compile_s,
        "min_ess_bulk": ess,
        "ess_per_s": ess / wall,
        "tau_max": float(np.max(tau)),
        "ess_tau": ess_tau,
        "ess_tau_per_s": ess_tau / wall,
        "acceptance": float(np.mean(sampler.acceptance_fraction)),
    }


def run(quick=False, laplace=False, problems=None):
    from jaxtherm.fit import fit_traces

    n_delays = 500
    n_warmup, n_draws = (100, 400) if quick else (200, 1000)
    emcee_steps = 1500 if quick else 6000
    truth, trace = _problem(n_delays)
    rows = []
    for label in problems or PROBLEMS:
        free = PROBLEMS[label]
        n_dim = len(free)
        fit = fit_traces(truth, trace, free, absolute_sigma=True, warn_degenerate=False, warn=False)
        nuts, result = _nuts_row(truth, trace, free, fit, n_warmup, n_draws)
        row = {"problem": label, "n_parameters": n_dim, "free": list(free), "n_delays": n_delays, "nuts": nuts}
        if laplace:
            row["nuts_laplace"] = _nuts_row(truth, trace, free, fit, n_warmup, n_draws, "laplace")[0]
        row["emcee"] = _emcee_row(result, truth, trace, free, emcee_steps)
        row["ratio_nuts_over_emcee_ess_per_s"] = nuts["ess_per_s"] / row["emcee"]["ess_per_s"]
        if laplace:
            row["ratio_laplace_over_emcee_ess_per_s"] = row["nuts_laplace"]["ess_per_s"] / row["emcee"]["ess_per_s"]
        rows.append(row)
        print(f"{label} parameters ({', '.join(free)}), {n_delays} delays:")
        for key in ("nuts", "nuts_laplace")[: 1 + laplace]:
            r = row[key]
            print(
                f"  NUTS ({r['adaptation']}) 4 chains x ({r['warmup']} + {r['draws']}): {r['wall_s']:7.1f} s, "
                f"min bulk ESS {r['min_ess_bulk']:7.0f}, {r['ess_per_s']:8.2f} ESS/s, max R-hat "
                f"{r['max_rhat']:.3f}, {r['divergent']} divergent (compile {r['compile_s']:.1f} s; "
                f"linear: {r['linear_coordinates']})"
            )
        e = row["emcee"]
        print(
            f"  emcee {e['walkers']} walkers x {emcee_steps} steps: {e['wall_s']:7.1f} s, min bulk ESS "
            f"{e['min_ess_bulk']:7.0f}, {e['ess_per_s']:8.2f} ESS/s (tau_max {e['tau_max']:.1f}: ESS {e['ess_tau']:.0f})"
        )
        print(
            f"  ratio NUTS (default) / emcee ESS per second: {row['ratio_nuts_over_emcee_ess_per_s']:.1f}x", flush=True
        )
    info = {"machine": machine_info(), "quick": quick, "command": " ".join(sys.argv), "rows": rows}
    path = write_json(f"sample_{machine_name()}", info)
    print(f"wrote {path}")
    return rows


if __name__ == "__main__":
    chosen = [a.split("=", 1)[1].split(",") for a in sys.argv if a.startswith("--problems=")]
    # `--dense` (the default adaptation) is always run; `--laplace` or `--dense` adds the opt-in laplace row.
    both = "--laplace" in sys.argv or "--dense" in sys.argv
    run(quick="--quick" in sys.argv, laplace=both, problems=chosen[0] if chosen else None)
