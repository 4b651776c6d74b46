"""Simulation-based calibration of `jaxtherm.fit.sample` on a two-parameter TDTR fit.

Truths drawn from the prior, data simulated from them, posterior sampled with the same
prior: if the sampler draws from the exact posterior, the rank of each truth among its
posterior draws is uniform (Talts et al. 2018, arXiv:1804.06788), and the central 68 % and
95 % credible intervals cover the truth in 68 % and 95 % of the data sets.
"""

import numpy as np
import pytest
from scipy import stats

from jaxtherm.app.demo import FR_INTERFACES, itr_paper_sample
from jaxtherm.fit import Trace, sample, set_path
from jaxtherm.tdtr import TdtrModel

FREE = {"W/Al2O3": "itr['W/Al2O3']", "quartz k": "stack.layers[3].conductivity"}
LOWER = {"W/Al2O3": 3e-9, "quartz k": 1.1}
UPPER = {"W/Al2O3": 6e-9, "quartz k": 1.7}
NOISE = 1e-3  # rad


def run_sbc(n_sets, seed=0, n_bins=4):
    """Rank statistics and interval coverage over `n_sets` synthetic FR phase traces (40 delays)."""
    truth, setups = itr_paper_sample()
    delays = np.geomspace(10e-12, 49e-9, 40)
    model = TdtrModel(setups["FR"], delays, "phase", resistance_names=FR_INTERFACES)
    rng = np.random.default_rng(seed)
    ranks = {k: [] for k in FREE}
    covered = {k: {68: 0, 95: 0} for k in FREE}
    n_draws = None
    for i in range(n_sets):
        # Log-uniform prior over (LOWER, UPPER): the default prior shape, with explicit bounds.
        x = {k: float(np.exp(rng.uniform(np.log(LOWER[k]), np.log(UPPER[k])))) for k in FREE}
        params = truth
        for k, path in FREE.items():
            params = set_path(params, path, x[k])
        data = np.asarray(model(params)) + NOISE * rng.standard_normal(delays.size)
        result = sample(
            truth,
            Trace(model=model, data=data, sigma=NOISE),
            FREE,
            lower=LOWER,
            upper=UPPER,
            initial={"W/Al2O3": 4.2e-9, "quartz k": 1.37},
            n_chains=2,
            n_warmup=100,
            n_draws=100,
            seed=i,
            max_tree_depth=6,
        )
        for k in FREE:
            draws = result.draws[k].ravel()
            n_draws = draws.size
            ranks[k].append(int(np.sum(draws < x[k])))
            covered[k][68] += result.interval68[k][0] < x[k] < result.interval68[k][1]
            covered[k][95] += result.interval95[k][0] < x[k] < result.interval95[k][1]
    p_values = {}
    for k in FREE:
        counts = np.bincount(np.minimum(np.asarray(ranks[k]) * n_bins // (n_draws + 1), n_bins - 1), minlength=n_bins)
        p_values[k] = float(stats.chisquare(counts).pvalue)
    coverage = {k: {level: c / n_sets for level, c in v.items()} for k, v in covered.items()}
    return p_values, coverage


def _check(p_values, coverage, n_sets):
    for k in FREE:
        assert p_values[k] > 0.005, (k, p_values[k])
        # Binomial 3-sigma bands around the nominal coverage.
        for level in (68, 95):
            nominal = level / 100
            band = 3 * np.sqrt(nominal * (1 - nominal) / n_sets) + 0.5 / n_sets
            assert abs(coverage[k][level] - nominal) < band, (k, level, coverage[k][level])


def test_sbc_ranks_are_uniform_20_data_sets():
    """20 data sets: the rank histogram (4 bins) of each parameter passes a chi^2 uniformity
    test (p > 0.005) and the 68/95 % coverage lies within 3 binomial sigma of nominal."""
    p_values, coverage = run_sbc(20, seed=0)
    print("SBC 20:", p_values, coverage)
    _check(p_values, coverage, 20)


@pytest.mark.slow
def test_sbc_ranks_are_uniform_100_data_sets():
    """100 data sets, 10 rank bins: uniform ranks and nominal 68/95 % coverage."""
    p_values, coverage = run_sbc(100, seed=1, n_bins=10)
    print("SBC 100:", p_values, coverage)
    _check(p_values, coverage, 100)
