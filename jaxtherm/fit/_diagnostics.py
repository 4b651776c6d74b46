"""Convergence diagnostics of Markov chains: split-R-hat, bulk and tail effective sample size.

Rank-normalised split-R-hat and ESS of Vehtari, Gelman, Simpson, Carpenter and
Buerkner, "Rank-normalization, folding, and localization: an improved R-hat for
assessing convergence of MCMC", Bayesian Analysis 16 (2021) 667:

* split every chain in two halves (a drifting chain then disagrees with itself);
* R-hat = max(R-hat of rank-normalised draws, R-hat of rank-normalised folded draws);
* bulk ESS = ESS of the rank-normalised draws, tail ESS = min of the ESS of the
  indicators of the 5 % and 95 % quantiles;
* ESS from the multi-chain autocorrelation with Geyer's initial monotone positive
  sequence.

All functions take draws of shape (n_chains, n_draws) (numpy, outside `jit`).
"""

from __future__ import annotations

import numpy as np
from scipy import special, stats

__all__ = ["split_rhat", "ess_bulk", "ess_tail", "ess_basic", "autocovariance"]


def _as_chains(draws) -> np.ndarray:
    x = np.asarray(draws, dtype=float)
    if x.ndim == 1:
        x = x[None, :]
    if x.ndim != 2:
        raise ValueError(f"draws must have shape (n_chains, n_draws), got {x.shape}")
    return x


def _split(x: np.ndarray) -> np.ndarray:
    half = x.shape[1] // 2
    # An odd draw count drops the middle draw so both halves have the same length.
    return np.concatenate([x[:, :half], x[:, x.shape[1] - half :]], axis=0)


def _rank_normalise(x: np.ndarray) -> np.ndarray:
    """Normal scores of the pooled ranks (Blom's offset 3/8, average ranks for ties)."""
    ranks = stats.rankdata(x, method="average").reshape(x.shape)
    return special.ndtri((ranks - 0.375) / (x.size + 0.25))


def _rhat_basic(x: np.ndarray) -> float:
    n_chains, n = x.shape
    if n < 2 or n_chains < 2:
        return float("nan")
    chain_means = x.mean(axis=1)
    within = x.var(axis=1, ddof=1).mean()
    between = n * chain_means.var(ddof=1)
    if within == 0:
        return float("nan") if between == 0 else float("inf")
    var_plus = (n - 1) / n * within + between / n
    return float(np.sqrt(var_plus / within))


def split_rhat(draws) -> float:
    """Rank-normalised split-R-hat (max of the bulk and folded-tail versions)."""
    x = _split(_as_chains(draws))
    if not np.all(np.isfinite(x)):
        return float("nan")
    bulk = _rhat_basic(_rank_normalise(x))
    folded = _rhat_basic(_rank_normalise(np.abs(x - np.median(x))))
    return float(max(bulk, folded))


def autocovariance(x) -> np.ndarray:
    """Autocovariance of a 1-D series at all lags (FFT, biased estimator)."""
    x = np.asarray(x, dtype=float)
    n = x.size
    size = 1 << int(np.ceil(np.log2(2 * n)))
    f = np.fft.rfft(x - x.mean(), size)
    return np.fft.irfft(f * np.conj(f), size)[:n] / n


def ess_basic(draws) -> float:
    """Effective sample size of the draws as given (no rank normalisation), split chains."""
    x = _split(_as_chains(draws))
    n_chains, n = x.shape
    if n < 4 or not np.all(np.isfinite(x)):
        return float("nan")
    acov = np.stack([autocovariance(chain) for chain in x])
    chain_var = acov[:, 0] * n / (n - 1)
    within = chain_var.mean()
    if within == 0:
        return float(n_chains * n)
    var_plus = within * (n - 1) / n + (x.mean(axis=1).var(ddof=1) if n_chains > 1 else 0.0)
    rho = 1.0 - (within - acov.mean(axis=0)) / var_plus
    rho[0] = 1.0
    # Geyer: sums of adjacent pairs stay positive and are made monotone.
    pairs = rho[: 2 * (n // 2)].reshape(-1, 2).sum(axis=1)
    end = np.flatnonzero(pairs <= 0)
    pairs = pairs[: end[0] if end.size else pairs.size]
    pairs = np.minimum.accumulate(pairs)
    tau = -1.0 + 2.0 * pairs.sum()
    # An antithetic chain can give tau < 1; cap the ESS at n log10(n) as Stan does.
    tau = max(tau, 1.0 / np.log10(n_chains * n))
    return float(n_chains * n / tau)


def ess_bulk(draws) -> float:
    """Bulk effective sample size: ESS of the rank-normalised split chains."""
    x = _as_chains(draws)
    if not np.all(np.isfinite(x)):
        return float("nan")
    return ess_basic(_rank_normalise(x))


def ess_tail(draws) -> float:
    """Tail effective sample size: the smaller ESS of the 5 % and 95 % quantile indicators."""
    x = _as_chains(draws)
    if not np.all(np.isfinite(x)):
        return float("nan")
    values = []
    for q in (0.05, 0.95):
        indicator = (x <= np.quantile(x, q)).astype(float)
        values.append(ess_basic(indicator))
    return float(min(values))
