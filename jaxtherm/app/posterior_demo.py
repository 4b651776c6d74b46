"""Posterior of the ITR paper's four direction-dependent ITRs and the quartz effusivity.

The bidirectional W/Al2O3/Ni/quartz experiment of `jaxtherm demo`, at 1 mrad phase
noise where each direction's series pair of interface resistances has a second chi^2
basin: FR and RF phase traces are synthesised, fitted jointly from several starts, and
the posterior of the four ITRs and the quartz conductivity is sampled with NUTS while
the layer thicknesses, the W and Ni heat capacities and the Ni/quartz resistance are
marginalised as Gaussian nuisance parameters. Writes a corner plot and a JSON of
credible intervals, mode masses and convergence diagnostics.
"""

from __future__ import annotations

import json
import os
import time

import jax
import numpy as np

from ..fit import Trace, get_path, plot_corner, sample
from ..tdtr import TdtrModel
from ._itr_sample import (
    FIXED_UNCERTAINTIES,
    FR_INTERFACES,
    QUARTZ_CONDUCTIVITY,
    RF_INTERFACES,
    TABLE3_300K,
    itr_paper_sample,
)

__all__ = ["run_posterior_demo", "POSTERIOR_NOISE_PHASE", "POSTERIOR_OUTPUTS"]

#: Files `run_posterior_demo` writes into its output folder.
POSTERIOR_OUTPUTS = ("posterior_corner.png", "posterior_results.json")

GW = 1e-9  # 1 m^2 K/GW in m^2 K/W

#: 1-sigma synthetic phase noise (rad): the level at which the series pairs become bimodal.
POSTERIOR_NOISE_PHASE = 1e-3


def _leaf(params, path):
    return float(np.asarray(get_path(params, path)))


def _synthetic_traces(truth, setups, n_delays, noise, seed) -> list:
    """FR and RF phase traces of `truth` with Gaussian phase noise (rad), delays 10 ps - 49 ns."""
    delays = np.geomspace(10e-12, 49e-9, n_delays)
    rng = np.random.default_rng(seed)
    traces = []
    for direction, interfaces in (("FR", FR_INTERFACES), ("RF", RF_INTERFACES)):
        model = TdtrModel(setups[direction], delays, "phase", resistance_names=interfaces)
        data = np.asarray(model(truth)) + noise * rng.standard_normal(n_delays)
        traces.append(Trace(model=model, data=data, sigma=noise, name=direction, x=delays))
    return traces


def _sample_itrs(truth, traces, n_chains, n_warmup, n_draws, seed, max_tree_depth):
    """NUTS posterior of the four ITRs and the quartz conductivity, starting in every basin."""
    table3 = TABLE3_300K
    free = {k: f"itr['{k}']" for k in table3}
    free["quartz conductivity"] = QUARTZ_CONDUCTIVITY
    # Starts in both basins of each direction's split, in all four combinations, plus the centre.
    low, mid, high = 2.5 * GW, 5.0 * GW, 7.5 * GW
    fr_split = [low, low, high, high, mid]
    rf_split = [low, high, low, high, mid]
    starts = {
        "W/Al2O3": fr_split,
        "Al2O3/Ni": [low + high - v for v in fr_split],
        "Al2O3/W": rf_split,
        "Ni/Al2O3": [low + high - v for v in rf_split],
    }
    start = {"stack": truth["stack"], "itr": {k: (mid if k in table3 else v) for k, v in truth["itr"].items()}}
    return sample(
        start,
        traces,
        free,
        starts=starts,
        fixed_uncertainties=FIXED_UNCERTAINTIES,
        n_chains=n_chains,
        n_warmup=n_warmup,
        n_draws=n_draws,
        seed=seed,
        max_tree_depth=max_tree_depth,
    )


def _effusivity_quantile(result, truth):
    """`q -> quantile` of the mode-weighted posterior of the quartz effusivity (J s^-1/2 m^-2 K^-1)."""
    quartz_heat_capacity = float(truth["stack"].layers[3].heat_capacity)
    effusivity = np.sqrt(result.draws["quartz conductivity"].ravel() * quartz_heat_capacity)
    weights = result.weights.ravel()
    order = np.argsort(effusivity)
    cdf = (np.cumsum(weights[order]) - 0.5 * weights[order]) / weights.sum()

    def eff_q(q):
        return float(np.interp(q, cdf, effusivity[order]))

    return eff_q


def _write_corner(result, noise, out_dir):
    table3 = TABLE3_300K
    fig = plot_corner(
        result,
        names=list(table3),
        scale={k: GW for k in table3},
        labels={k: f"{k} (m$^2$K/GW)" for k in table3},
        truths=table3,
    )
    fig.suptitle(f"Posterior of the direction-dependent ITRs, {noise * 1e3:.1f} mrad phase noise", fontsize=10)
    fig.savefig(os.path.join(out_dir, "posterior_corner.png"), dpi=100)


def _in_gw(pair):
    return [pair[0] / GW, pair[1] / GW]


def _results(result, truth, eff_q, noise, n_delays, seed, n_chains, n_warmup, n_draws, timing) -> dict:
    """The JSON-ready record of the run (ITRs in m^2K/GW, effusivity in J s^-1/2 m^-2 K^-1)."""
    return {
        "sample": "W(104 nm)/Al2O3(9.66 nm)/Ni(82 nm)/quartz, 300 K, 1-D, FR + RF phase traces",
        "units": "ITRs in m^2K/GW; effusivity in J s^-1/2 m^-2 K^-1",
        "phase_noise_rad": noise,
        "n_delays": n_delays,
        "seed": seed,
        "true_itr_GW": {k: v / GW for k, v in TABLE3_300K.items()},
        "itr_GW": {
            k: {
                "median": result.median[k] / GW,
                "interval68": _in_gw(result.interval68[k]),
                "interval95": _in_gw(result.interval95[k]),
                "rhat": result.rhat[k],
                "ess_bulk": result.ess_bulk[k],
                "ess_tail": result.ess_tail[k],
            }
            for k in TABLE3_300K
        },
        "quartz_effusivity": {
            "median": eff_q(0.5),
            "interval68": [eff_q(0.16), eff_q(0.84)],
            "interval95": [eff_q(0.025), eff_q(0.975)],
            "true": 1510.0,
            "rhat": result.rhat["quartz conductivity"],
            "ess_bulk": result.ess_bulk["quartz conductivity"],
        },
        "nuisance": {
            p: {
                "median": result.median[p],
                "prior_center": _leaf(truth, p),
                "prior_sd": FIXED_UNCERTAINTIES[p],
                "posterior_sd": result.sd[p],
            }
            for p in result.nuisance_names
        },
        "modes": [
            {
                "mass": m.mass,
                "draw_fraction": m.draw_fraction,
                "delta_chi2": m.delta_chi2,
                "median_GW": {k: m.median[k] / GW for k in TABLE3_300K},
                "chains": list(m.chains),
                "rhat_within_mode": m.rhat,
            }
            for m in result.modes
        ],
        "mass_method": result.mass_method,
        "n_chains": n_chains,
        "n_draws": n_draws,
        "n_warmup": n_warmup,
        "n_divergent": result.n_divergent,
        "warnings": result.warnings(),
        "summary": result.summary(),
        "timing_s": timing,
    }


def run_posterior_demo(
    out_dir: str = "jaxtherm-posterior",
    *,
    n_chains: int = 4,
    n_warmup: int = 150,
    n_draws: int = 400,
    n_delays: int = 60,
    max_tree_depth: int = 6,
    noise: float = POSTERIOR_NOISE_PHASE,
    seed: int = 0,
    verbose: bool = True,
) -> dict:
    """Sample the posterior of the four ITRs and the quartz effusivity; write PNG and JSON.

    **Arguments:**

    - `out_dir`: output folder (created); receives `posterior_corner.png` and
      `posterior_results.json`.
    - `n_chains`, `n_warmup`, `n_draws`: NUTS chains, warm-up steps and draws per chain.
    - `n_delays`: log-spaced delays 10 ps - 49 ns per trace.
    - `max_tree_depth`: NUTS tree depth cap (at most 2^depth gradient steps per draw).
    - `noise`: 1-sigma phase noise (rad).
    - `seed`: seed of the synthetic noise and of the sampler.
    - `verbose`: print the summary.

    **Returns:** the dict written to `posterior_results.json` (ITRs in m^2K/GW, the
    effusivity in J s^-1/2 m^-2 K^-1).
    """
    if not jax.config.jax_enable_x64:
        raise RuntimeError("run_posterior_demo needs float64: call jax.config.update('jax_enable_x64', True) first")
    t_start = time.perf_counter()
    os.makedirs(out_dir, exist_ok=True)
    truth, setups = itr_paper_sample()
    traces = _synthetic_traces(truth, setups, n_delays, noise, seed)
    result = _sample_itrs(truth, traces, n_chains, n_warmup, n_draws, seed, max_tree_depth)
    t_sample = time.perf_counter() - t_start
    eff_q = _effusivity_quantile(result, truth)
    if verbose:
        print(result.summary())
        print(
            f"quartz effusivity: median {eff_q(0.5):.0f}, 95 % [{eff_q(0.025):.0f}, {eff_q(0.975):.0f}] "
            "J s^-1/2 m^-2 K^-1 (true 1510)"
        )
    _write_corner(result, noise, out_dir)
    timing = {"total": None, "fit_and_sample": t_sample}
    out = _results(result, truth, eff_q, noise, n_delays, seed, n_chains, n_warmup, n_draws, timing)
    timing["total"] = time.perf_counter() - t_start
    with open(os.path.join(out_dir, "posterior_results.json"), "w", encoding="utf-8") as handle:
        json.dump(out, handle, indent=2, default=float)
    return out
