"""Separated modes of a sampled posterior: which optima are modes, which draws belong to
which mode, each mode's mass, and the mode-weighted pooled statistics."""

from __future__ import annotations

import math

import jax.numpy as jnp
import numpy as np

from ._diagnostics import split_rhat
from ._nuts import log_density_batch
from ._sample_result import Mode

__all__ = ["select_modes", "mode_boundaries", "mode_masses", "pooled_statistics", "mode_records"]


def _weighted_quantiles(x, w, qs):
    order = np.argsort(x)
    x, w = x[order], w[order]
    cdf = np.cumsum(w) - 0.5 * w
    cdf = cdf / np.sum(w)
    return [float(np.interp(q, cdf, x)) for q in qs]


def _log_mean_exp(a):
    a = np.asarray(a, dtype=float)
    m = np.max(a)
    return float(m + np.log(np.mean(np.exp(a - m))))


_PATH = np.linspace(0, 1, 25)


def _line_logp(static, start, end, dyn) -> np.ndarray:
    line = start[None, :] + _PATH[:, None] * (end - start)[None, :]
    return np.asarray(log_density_batch(static, jnp.asarray(line), dyn))


def _separated(static, w, mode_w, dyn) -> bool:
    """True when the log density dips between `w` and every mode already found."""
    for other in mode_w:
        logp = _line_logp(static, other, w, dyn)
        if logp.min() > min(logp[0], logp[-1]) - 0.5:
            return False
    return True


def mode_boundaries(problem, mode_w) -> np.ndarray:
    """`(modes, modes)`: fraction of the way from mode k to mode j where the log density between them is lowest.

    Draws are assigned to modes by these dips, not by the midpoint: modes of different widths
    meet at the barrier between them, wherever it lies along the line.
    """
    n = len(mode_w)
    dips = np.full((n, n), 0.5)
    for k in range(n):
        for j in range(k + 1, n):
            logp = _line_logp(problem.static, mode_w[k], mode_w[j], problem.dyn)
            dips[k, j] = float(_PATH[1:-1][np.argmin(logp[1:-1])])
            dips[j, k] = 1.0 - dips[k, j]
    return dips


def _assign(flat_w, centres, dips) -> np.ndarray:
    """Mode of every draw: on mode k's side of the dip toward every other mode (the least-violated one)."""
    n_modes = len(centres)
    if n_modes == 1:
        return np.zeros(len(flat_w), dtype=int)
    excess = np.full((len(flat_w), n_modes), -np.inf)
    for k in range(n_modes):
        for j in range(n_modes):
            if j != k:
                axis = centres[j] - centres[k]
                t = (flat_w - centres[k]) @ axis / (axis @ axis)
                excess[:, k] = np.maximum(excess[:, k], t - dips[k, j])
    return np.argmin(excess, axis=1)


def select_modes(problem, optima, optima_chi2, mode_chi2_window) -> tuple:
    """`(mode_w, mode_rows)`: whitened positions and `(optimum, chi2)` of the distinct modes.

    Distinct: within the chi2 window, more than 2 whitened units apart, and with a dip of
    the log density between them (else one curved valley, not two modes).
    """
    names, prior_of = problem.names, problem.prior_of
    best_chi2 = float(optima_chi2[0])
    mode_w = []
    mode_rows = []
    for row, chi2 in zip(optima, optima_chi2):
        if not np.all(np.isfinite(row)) or chi2 - best_chi2 > mode_chi2_window:
            continue
        if not all(prior_of[n].contains(row[i]) for i, n in enumerate(names)):
            continue
        w = problem.unwhitening @ (
            np.concatenate([problem.to_v(row), np.zeros(problem.n_nuis), problem.v_noise]) - problem.v_best
        )
        if any(np.linalg.norm(w - other) < 2.0 for other in mode_w):
            continue
        if mode_w and not _separated(problem.static, w, mode_w, problem.dyn):
            continue
        mode_w.append(w)
        mode_rows.append((row, float(chi2)))
    if not mode_w:
        mode_w = [np.zeros(problem.n_dim)]
        mode_rows = [(optima[0], best_chi2)]
    return mode_w, mode_rows


def _reciprocal_importance_masses(flat_w, mode_index, flat_logp, n_modes):
    """Each mode's mass from its own draws: 1/Z_k = E_k[q_k / p], q_k a Gaussian of half the draw covariance."""
    n_dim = flat_w.shape[1]
    log_z = np.full(n_modes, -np.inf)
    for k in range(n_modes):
        members = flat_w[mode_index == k]
        if members.shape[0] < n_dim + 2:
            continue
        mean = members.mean(axis=0)
        cov = 0.5 * np.cov(members, rowvar=False).reshape(n_dim, n_dim) + 1e-12 * np.eye(n_dim)
        chol = np.linalg.cholesky(cov)
        z = np.linalg.solve(chol, (members - mean).T)
        log_q = -0.5 * np.sum(z**2, axis=0) - np.sum(np.log(np.diag(chol))) - 0.5 * n_dim * math.log(2 * math.pi)
        log_z[k] = -_log_mean_exp(log_q - flat_logp[mode_index == k])
    masses = np.exp(log_z - np.max(log_z))
    return masses / masses.sum()


def mode_masses(positions, mode_w, logdens, dips=None) -> tuple:
    """Assign draws to modes (split at the dips between them) and estimate the masses.

    `positions`: (chains, draws, dim) whitened draws; `mode_w`: whitened mode centres;
    `logdens`: (chains, draws) log density; `dips`: from `mode_boundaries` (None: midpoints). Returns `(mode_index (chains, draws),
    fractions, masses, mass_method, weights (chains, draws))`.
    """
    n_chains, n_draws, n_dim = positions.shape
    n_modes = len(mode_w)
    shape = (n_chains, n_draws)
    flat_w = positions.reshape(-1, n_dim)
    centres = np.stack(mode_w)
    mode_index = _assign(flat_w, centres, np.full((n_modes, n_modes), 0.5) if dips is None else dips)
    counts = np.bincount(mode_index, minlength=n_modes)
    fractions = counts / counts.sum()
    per_chain = mode_index.reshape(shape)
    # Draw fractions estimate the masses only when every chain spends about the same share of
    # its draws in every mode (it crossed back and forth); a chain that crossed once or twice
    # gives fractions that still depend on where it started.
    chain_fractions = np.stack([np.bincount(per_chain[c], minlength=n_modes) / n_draws for c in range(n_chains)])
    spread = np.sqrt(np.maximum(fractions * (1 - fractions), 1e-12) * 10 / n_draws)
    chains_visit_all = bool(
        np.all(chain_fractions >= 0.05) and np.all(np.abs(chain_fractions - fractions) < 3 * spread)
    )
    if n_modes == 1:
        masses, mass_method = np.ones(1), "single mode"
    elif chains_visit_all:
        masses, mass_method = fractions, "draw fractions (every chain crosses between the modes)"
    else:
        masses = _reciprocal_importance_masses(flat_w, mode_index, logdens.ravel(), n_modes)
        mass_method = "reciprocal importance sampling of each mode's draws"
    weights = np.where(counts[mode_index] > 0, masses[mode_index] / np.maximum(counts[mode_index], 1), 0.0)
    weights = (weights / weights.sum()).reshape(shape)
    return per_chain, fractions, masses, mass_method, weights


def pooled_statistics(draws, weights, all_names, names) -> tuple:
    """`(median, interval68, interval95, mean, sd, correlation)` weighted by `weights`."""
    median, i68, i95, mean, sd = {}, {}, {}, {}, {}
    flat_weights = weights.ravel()
    for name in all_names:
        x = draws[name].ravel()
        q = _weighted_quantiles(x, flat_weights, (0.5, 0.16, 0.84, 0.025, 0.975))
        median[name], i68[name], i95[name] = q[0], (q[1], q[2]), (q[3], q[4])
        mean[name] = float(np.sum(flat_weights * x))
        sd[name] = float(np.sqrt(np.sum(flat_weights * (x - mean[name]) ** 2)))
    stacked = np.stack([draws[n].ravel() for n in names])
    cov = np.cov(stacked, aweights=flat_weights).reshape(len(names), len(names))
    sdv = np.sqrt(np.diag(cov))
    correlation = np.clip(cov / np.outer(sdv, sdv), -1, 1)
    return median, i68, i95, mean, sd, correlation


def _within_mode_rhat(mode_index, k, draws, all_names) -> dict:
    """Split-R-hat of the chains that stay in mode k (>= 95 % of their draws): mixing inside the mode."""
    staying = np.mean(mode_index == k, axis=1) >= 0.95
    if not staying.any():
        return {}
    return {n: split_rhat(draws[n][staying]) for n in all_names}


def mode_records(mode_rows, best_chi2, mode_index, masses, fractions, chain_mode, draws, names, all_names) -> tuple:
    """The `Mode` of every selected optimum (`best_chi2`: chi^2 of the best optimum)."""
    flat_index = mode_index.ravel()
    modes = []
    for k, (row, chi2) in enumerate(mode_rows):
        in_mode = flat_index == k
        modes.append(
            Mode(
                values={n: float(row[i]) for i, n in enumerate(names)},
                chi2=chi2,
                delta_chi2=chi2 - best_chi2,
                mass=float(masses[k]),
                draw_fraction=float(fractions[k]),
                chains=tuple(int(c) for c in np.flatnonzero(chain_mode == k)),
                median={
                    n: float(np.median(draws[n].ravel()[in_mode])) if in_mode.any() else float("nan") for n in all_names
                },
                rhat=_within_mode_rhat(mode_index, k, draws, all_names) if len(mode_rows) > 1 else {},
            )
        )
    return tuple(modes)
