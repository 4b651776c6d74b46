"""Effective samples per second: jaxtherm NUTS (blackjax, vmapped chains) versus emcee.

Both samplers draw from the same jitted log-posterior: the FR phase trace of the ITR
paper's W/Al2O3/Ni/quartz sample (1-D, 20 MHz / 200 kHz, 500 delays 10 ps - 49 ns,
1e-4 rad noise), default priors (log-uniform over two decades), in the same
unconstrained coordinates `jaxtherm.fit.sample` uses. emcee gets the vectorised,
jitted log density (one call per ensemble half-step) and 2 n_dim + 2 walkers, its
usual setting; NUTS gets 4 chains with window adaptation. Wall time includes warm-up
/ burn-in for both and excludes compilation (each sampler runs once before timing).

ESS: NUTS - the smallest bulk ESS over parameters (rank-normalised split chains);
emcee - n_walkers * n_kept / tau_max with tau from `emcee.autocorr.integrated_time`
(its recommended estimator for ensembles).

Run: `python benchmarks/bench_sample.py [--quick]`; writes
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

PROBLEMS = {
    2: {"W/Al2O3": "itr['W/Al2O3']", "Al2O3/Ni": "itr['Al2O3/Ni']"},
    5: {
        "W/Al2O3": "itr['W/Al2O3']",
        "Al2O3/Ni": "itr['Al2O3/Ni']",
        "quartz k": "stack.layers[3].conductivity",
        "Ni/quartz": "itr['Ni/quartz']",
        "W heat capacity": "stack.layers[0].heat_capacity",
    },
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
    """The jitted, vectorised log density of `sample` in its coordinates v (as NUTS sees it, unwhitened)."""
    from jaxtherm.fit import _nuts, _priors
    from jaxtherm.fit import _sample as s

    names = tuple(free)
    priors = _priors.resolve_priors(names, {k: s.leaf_value(truth, p) for k, p in free.items()}, None, True, None, None)
    static = _nuts.Static(
        models=(trace.model,),
        free_spec=tuple((k, (p,)) for k, p in free.items()),
        prior_kinds=tuple(priors[n].kind for n in names),
        nuisance_paths=(),
        noise_fitted=False,
        sizes=(trace.data.size,),
    )
    dyn = _nuts.Dynamic(
        params=s._as_float_tree(truth),
        datas=[jnp.asarray(trace.data)],
        sigmas=[jnp.broadcast_to(jnp.asarray(trace.sigma, dtype=float), trace.data.shape)],
        sqrt_weights=[jnp.asarray(1.0)],
        prior_a=jnp.asarray([priors[n].a for n in names]),
        prior_b=jnp.asarray([priors[n].b for n in names]),
        nuisance_center=jnp.zeros(0),
        nuisance_sd=jnp.zeros(0),
        v0=jnp.zeros(len(names)),
        whitening=jnp.eye(len(names)),
    )
    batch = jax.jit(jax.vmap(lambda v: _nuts._log_density_v(static, v, dyn)))
    v_best = np.array([priors[n].to_unconstrained(result.fit.values[n]) for n in names])
    # Laplace spread in v from the NUTS draws, to start the walkers in a small ball as users do.
    v_draws = np.stack([priors[n].to_unconstrained(result.draws[n].ravel()) for n in names], axis=1)
    return (lambda v: np.asarray(batch(jnp.asarray(v)))), v_best, np.std(v_draws, axis=0)


def run(quick=False):
    import emcee

    from jaxtherm.fit import fit_traces, sample

    n_delays = 500
    n_warmup, n_draws = (200, 300) if quick else (500, 1000)
    emcee_steps = 1500 if quick else 6000
    truth, trace = _problem(n_delays)
    rows = []
    for n_dim, free in PROBLEMS.items():
        fit = fit_traces(truth, trace, free, absolute_sigma=True, warn_degenerate=False)
        t0 = time.perf_counter()
        sample(truth, trace, free, fit=fit, n_chains=4, n_warmup=n_warmup, n_draws=n_draws, seed=0)
        nuts_first = time.perf_counter() - t0
        t0 = time.perf_counter()
        result = sample(truth, trace, free, fit=fit, n_chains=4, n_warmup=n_warmup, n_draws=n_draws, seed=1)
        nuts_wall = time.perf_counter() - t0
        nuts_ess = min(result.ess_bulk.values())

        log_density, v_best, v_sd = _emcee_log_density(result, truth, trace, free)
        n_walkers = 2 * n_dim + 2
        rng = np.random.default_rng(0)
        p0 = v_best + 0.1 * v_sd * rng.standard_normal((n_walkers, n_dim))
        log_density(p0)  # compile
        sampler = emcee.EnsembleSampler(n_walkers, n_dim, log_density, vectorize=True)
        t0 = time.perf_counter()
        sampler.run_mcmc(p0, emcee_steps, progress=False)
        emcee_wall = time.perf_counter() - t0
        burn = emcee_steps // 2
        chain = sampler.get_chain(discard=burn)
        tau = emcee.autocorr.integrated_time(chain, quiet=True)
        emcee_ess = float(n_walkers * chain.shape[0] / np.max(tau))
        row = {
            "n_parameters": n_dim,
            "n_delays": n_delays,
            "nuts": {
                "chains": 4,
                "warmup": n_warmup,
                "draws": n_draws,
                "wall_s": nuts_wall,
                "first_call_s": nuts_first,
                "min_ess_bulk": nuts_ess,
                "ess_per_s": nuts_ess / nuts_wall,
                "max_rhat": max(result.rhat.values()),
                "divergent": result.n_divergent,
            },
            "emcee": {
                "walkers": n_walkers,
                "steps": emcee_steps,
                "burn_in": burn,
                "wall_s": emcee_wall,
                "tau_max": float(np.max(tau)),
                "ess": emcee_ess,
                "ess_per_s": emcee_ess / emcee_wall,
                "acceptance": float(np.mean(sampler.acceptance_fraction)),
            },
        }
        row["ratio_nuts_over_emcee_ess_per_s"] = row["nuts"]["ess_per_s"] / row["emcee"]["ess_per_s"]
        rows.append(row)
        print(f"{n_dim} parameters, {n_delays} delays:")
        print(
            f"  NUTS  4 chains x ({n_warmup} + {n_draws}): {nuts_wall:7.1f} s, min bulk ESS {nuts_ess:7.0f}, "
            f"{row['nuts']['ess_per_s']:8.2f} ESS/s (first call incl. compile {nuts_first:.1f} s)"
        )
        print(
            f"  emcee {n_walkers} walkers x {emcee_steps} steps: {emcee_wall:7.1f} s, tau_max {np.max(tau):6.1f}, "
            f"ESS {emcee_ess:7.0f}, {row['emcee']['ess_per_s']:8.2f} ESS/s"
        )
        print(f"  ratio NUTS / emcee ESS per second: {row['ratio_nuts_over_emcee_ess_per_s']:.1f}x", flush=True)
    path = write_json(f"sample_{machine_name()}", {"machine": machine_info(), "quick": quick, "rows": rows})
    print(f"wrote {path}")
    return rows


if __name__ == "__main__":
    run(quick="--quick" in sys.argv)
