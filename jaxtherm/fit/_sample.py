"""Posterior sampling of named pytree parameters with NUTS (blackjax), chains vmapped in one jit.

```python
result = sample(params, traces, free={"R1": "itr['W/Al2O3']", "R2": "itr['Al2O3/Ni']"},
                starts={"R1": [2.5e-9, 7.5e-9], "R2": [7.5e-9, 2.5e-9]},
                fixed_uncertainties={"stack.layers[1].thickness": 0.3e-9})
print(result.summary())
```

The posterior is

    log p = sum_k [ -chi2_k / (2 s_k^2) - n_k log s_k ] + sum_i log prior_i(x_i) + sum_j log N(q_j; q_j0, sigma_j)

with `chi2_k` the weighted chi-square of trace k, `s_k` its noise scale (1 for known
noise, sampled with a log-uniform prior for fitted noise), `x_i` the free
parameters and `q_j` the nuisance parameters (fixed properties with a Gaussian
uncertainty, marginalised instead of propagated linearly).

Coordinates. Each free parameter is sampled in an unconstrained coordinate `v`: a
(log-)uniform prior over (lower, upper) through a sigmoid (density `t (1 - t)` in `v`)
or, where the posterior is more Gaussian in x itself and far from the bounds, linearly
(see `_coordinates`); a normal prior is `x = mean + sd v`. The prior in x is the same
either way. NUTS runs in `w` with `v = v0 + L w`, `L L^T` the Gauss-Newton (Laplace)
covariance at the mode's optimum, which is the starting metric of the adaptation.

Separated modes. Chains start from the distinct optima of the multi-start least-
squares fit (round-robin). NUTS chains rarely cross a chi2 barrier, so the fraction
of chains in a mode says nothing about its mass: each mode's mass is estimated from
its own draws by reciprocal importance sampling, `1/Z_k = E_k[q_k / p]` with `q_k`
a Gaussian of half the mode's draw covariance (lighter tails than `p`, so the
estimator has finite variance). When the chains do cross freely, the draw fractions
are used instead. Pooled medians and intervals weight the draws by these masses.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence

# Public names only (the package's __init__ defines them before importing this file), so
# reorganising the private modules of the fitting layer does not reach here.
import jax
import jax.numpy as jnp
import numpy as np
from scipy import special

from ._chains import run_chains
from ._coordinates import choose_coordinates, laplace_whitening
from ._diagnostics import ess_bulk, ess_tail, split_rhat
from ._modes import mode_boundaries, mode_masses, mode_records, pooled_statistics, select_modes
from ._nuts import Dynamic, Static, physical_batch
from ._priors import NOISE_SCALE_RANGE, Prior, resolve_priors
from ._residuals import model_keys, trace_arrays
from ._sample_inputs import check_settings
from ._sample_result import Mode, SampleResult, plot_corner
from .paths import leaf_value
from .problem import Trace, TraceFitResult, check_traces, fit_traces

__all__ = ["Prior", "Mode", "SampleResult", "sample", "plot_corner"]


@dataclasses.dataclass(frozen=True)
class _Problem:
    """A sampling problem set up at the best optimum (numpy and jax arrays, outside jit)."""

    names: tuple
    prior_of: dict
    nuisance_paths: tuple
    static: Static
    dyn: Dynamic  # whitened at the best optimum: v = v_best + whitening @ w
    noise_start: np.ndarray
    v_noise: np.ndarray
    v_best: np.ndarray
    whitening: np.ndarray
    unwhitening: np.ndarray
    linear: np.ndarray  # per free parameter: 1 sampled linearly in x, 0 through the logit map

    @property
    def n_nuis(self) -> int:
        return len(self.nuisance_paths)

    @property
    def n_dim(self) -> int:
        return len(self.v_best)

    def to_v(self, x_row):
        return free_coordinates(self.prior_of, self.names, x_row, self.linear, self.dyn)


def _start_fit(params, traces, free, fit, noise, **options) -> TraceFitResult:
    """The least-squares fit the chains start from (`options`: initial, positive, lower, upper, starts)."""
    if fit is None:
        return fit_traces(params, traces, free, warn_degenerate=False, absolute_sigma=noise == "known", **options)
    if not isinstance(fit, TraceFitResult):
        raise TypeError(f"fit must be a TraceFitResult of the same problem, got {type(fit).__name__}")
    return fit


def _nuisances(params, free_map, fixed_uncertainties) -> tuple:
    """`(paths, centres, sds)` of the fixed parameters marginalised with a Gaussian prior."""
    fixed_uncertainties = dict(fixed_uncertainties or {})
    free_paths = {p for paths in free_map.values() for p in paths}
    nuisance_paths = tuple(fixed_uncertainties)
    for path in nuisance_paths:
        leaf_value(params, path)
        if path in free_paths:
            raise ValueError(f"fixed_uncertainties names {path!r}, which is a free parameter")
        sd = float(fixed_uncertainties[path])
        if not (np.isfinite(sd) and sd > 0):
            raise ValueError(f"fixed_uncertainties[{path!r}] must be a finite 1-sigma > 0 (SI units), got {sd!r}")
    nuisance_center = np.array([leaf_value(params, p) for p in nuisance_paths], dtype=float)
    nuisance_sd = np.array([float(fixed_uncertainties[p]) for p in nuisance_paths], dtype=float)
    return nuisance_paths, nuisance_center, nuisance_sd


def _optima(fit, names) -> tuple:
    """Optima of the multi-start fit and their chi^2, best first: the candidate modes."""
    if fit.fit.start_values is not None:
        optima = np.stack([np.asarray(fit.fit.start_values[n], dtype=float) for n in names], axis=1)
        optima_chi2 = np.asarray(fit.fit.start_chi2, dtype=float)
    else:
        optima = np.array([[fit.values[n] for n in names]])
        optima_chi2 = np.array([fit.chi2])
    order = np.argsort(optima_chi2)
    return optima[order], optima_chi2[order]


def _distinct(optima) -> np.ndarray:
    """Finite optima that differ by more than 0.1 % in some parameter, best first."""
    kept = []
    for row in optima:
        if np.all(np.isfinite(row)) and all(np.any(np.abs(row - k) > 1e-3 * np.abs(k)) for k in kept):
            kept.append(row)
    return np.array(kept) if kept else optima[:1]


def _noise_start(fit, traces, noise) -> tuple:
    """Starting noise scales of the traces and their unconstrained coordinates."""
    noise_start = np.ones(len(traces))
    if noise != "fitted":
        return noise_start, np.zeros(0)
    for k, r in enumerate(fit.trace_residuals):
        noise_start[k] = max(float(np.sqrt(np.mean(np.square(r)))), 1.01 * NOISE_SCALE_RANGE[0])
    lo_n, hi_n = math.log(NOISE_SCALE_RANGE[0]), math.log(NOISE_SCALE_RANGE[1])
    return noise_start, special.logit((np.log(noise_start) - lo_n) / (hi_n - lo_n))


def free_coordinates(prior_of, names, x_row, linear, dyn) -> np.ndarray:
    """Sampling coordinates v of the free values `x_row` (SI): linear (x - centre) / scale, or the logit map."""
    centre, scale = np.asarray(dyn.centre), np.asarray(dyn.scale)
    return np.array(
        [
            (x_row[i] - centre[i]) / scale[i] if linear[i] else float(prior_of[n].to_unconstrained(x_row[i]))
            for i, n in enumerate(names)
        ]
    )


def _dynamic(params, traces, names, prior_of, nuisance_center, nuisance_sd, v0, x_best) -> Dynamic:
    """Arrays of the problem, unwhitened (identity) around `v0`, every parameter in the logit map."""
    arrays = trace_arrays(params, traces)
    return Dynamic(
        params=arrays.params,
        datas=arrays.datas,
        sigmas=arrays.sigmas,
        sqrt_weights=arrays.sqrt_weights,
        abscissas=arrays.abscissas,
        masks=arrays.masks,
        n_points=jnp.asarray([np.size(t.data) for t in traces], dtype=float),
        prior_a=jnp.asarray([prior_of[n].a for n in names], dtype=float),
        prior_b=jnp.asarray([prior_of[n].b for n in names], dtype=float),
        nuisance_center=jnp.asarray(nuisance_center),
        nuisance_sd=jnp.asarray(nuisance_sd),
        v0=jnp.asarray(v0, dtype=float),
        whitening=jnp.asarray(np.eye(len(v0)), dtype=float),
        linear=jnp.zeros(len(names)),
        centre=jnp.asarray(x_best, dtype=float),
        scale=jnp.ones(len(names)),
    )


def _setup(params, traces, fit, initial, priors, positive, lower, upper, fixed_uncertainties, noise, optima):
    """The `_Problem`: priors, nuisances, structure and arrays, whitened at the best optimum."""
    free_map = fit.free
    names = tuple(free_map)
    start_values = {k: leaf_value(params, paths[0]) for k, paths in free_map.items()}
    if initial:
        start_values.update({k: float(v) for k, v in initial.items()})
    prior_of = resolve_priors(names, start_values, priors, positive, lower, upper)
    nuisance_paths, nuisance_center, nuisance_sd = _nuisances(params, free_map, fixed_uncertainties)
    static = Static(
        models=model_keys(traces),
        free_spec=tuple(free_map.items()),
        prior_kinds=tuple(prior_of[n].kind for n in names),
        nuisance_paths=nuisance_paths,
        noise_fitted=noise == "fitted",
    )
    noise_start, v_noise = _noise_start(fit, traces, noise)
    x_best = np.asarray(optima[0], dtype=float)
    logit_v = np.array([float(prior_of[n].to_unconstrained(x_best[i])) for i, n in enumerate(names)])
    v_logit = np.concatenate([logit_v, np.zeros(len(nuisance_paths)), v_noise])
    dyn = _dynamic(params, traces, names, prior_of, nuisance_center, nuisance_sd, v_logit, x_best)
    linear, scale = choose_coordinates(static, dyn, prior_of, names, optima, v_logit, noise_start)
    dyn = dyn._replace(linear=jnp.asarray(linear, dtype=float), scale=jnp.asarray(scale, dtype=float))
    v_best = np.concatenate([np.where(linear > 0, 0.0, logit_v), np.zeros(len(nuisance_paths)), v_noise])
    whitening, unwhitening = laplace_whitening(static, v_best, noise_start, dyn)
    dyn = dyn._replace(v0=jnp.asarray(v_best), whitening=jnp.asarray(whitening, dtype=float))
    return _Problem(
        names, prior_of, nuisance_paths, static, dyn, noise_start, v_noise, v_best, whitening, unwhitening, linear
    )


def _sample_chains(problem, mode_w, n_chains, n_warmup, n_draws, seed, nuts_settings):
    """Run the chains round-robin over the modes; draws back in the best mode's whitened frame.

    Each chain is whitened at its own mode's optimum: separated modes of a curved valley
    have differently oriented covariances, and vmapped chains wait for the slowest tree.
    Returns `(positions (chains, draws, dim), log densities, divergent, step sizes, chain_mode, gradients)`.
    """
    v_best, whitening = problem.v_best, problem.whitening
    mode_frames = [(v_best, whitening)] + [
        (
            v_best + whitening @ w,
            laplace_whitening(problem.static, v_best + whitening @ w, problem.noise_start, problem.dyn)[0],
        )
        for w in mode_w[1:]
    ]
    rng = np.random.default_rng(seed)
    chain_mode = np.arange(n_chains) % len(mode_w)
    centres = np.stack([mode_frames[m][0] for m in chain_mode])
    whitenings = np.stack([mode_frames[m][1] for m in chain_mode])
    w_init = 0.3 * rng.standard_normal((n_chains, problem.n_dim))
    keys = jax.random.split(jax.random.PRNGKey(seed), n_chains)
    positions, logdens, divergent, n_steps, step_size = run_chains(
        problem.static,
        keys,
        jnp.asarray(w_init),
        jnp.asarray(centres),
        jnp.asarray(whitenings),
        problem.dyn,
        n_warmup,
        n_draws,
        *nuts_settings,
    )
    # Back to the common frame of the best mode (v = v_best + L_best w).
    v_draws = centres[:, None, :] + np.einsum("cij,cdj->cdi", whitenings, np.asarray(positions))
    positions = np.einsum("ij,cdj->cdi", problem.unwhitening, v_draws - v_best)  # (chains, draws, dim)
    return positions, np.asarray(logdens), divergent, step_size, chain_mode, int(np.sum(n_steps))


def _physical_draws(problem, positions, traces) -> tuple:
    """`(draws, noise_names)`: dict name -> (chains, draws) physical values (SI)."""
    n_chains, n_draws, n_dim = positions.shape
    free_d, nuis_d, noise_d = physical_batch(problem.static, jnp.asarray(positions.reshape(-1, n_dim)), problem.dyn)
    shape = (n_chains, n_draws)
    draws = {n: np.asarray(free_d)[:, i].reshape(shape) for i, n in enumerate(problem.names)}
    draws.update({p: np.asarray(nuis_d)[:, j].reshape(shape) for j, p in enumerate(problem.nuisance_paths)})
    noise_names = tuple(f"noise_scale[{t.name}]" for t in traces) if problem.static.noise_fitted else ()
    draws.update({nm: np.asarray(noise_d)[:, k].reshape(shape) for k, nm in enumerate(noise_names)})
    return draws, noise_names


def _result(problem, fit, chains, draws, noise_names, mode_w, mode_rows, best_chi2, thresholds) -> SampleResult:
    """Assign draws to modes, weight them by the mode masses, and collect the statistics."""
    positions, logdens, divergent, step_size, chain_mode, n_gradients = chains
    names = problem.names
    dips = mode_boundaries(problem, mode_w)
    mode_index, fractions, masses, mass_method, weights = mode_masses(positions, mode_w, logdens, dips)
    all_names = names + problem.nuisance_paths + noise_names
    median, i68, i95, mean, sd, correlation = pooled_statistics(draws, weights, all_names, names)
    modes = mode_records(mode_rows, best_chi2, mode_index, masses, fractions, chain_mode, draws, names, all_names)
    return SampleResult(
        names=names,
        nuisance_names=problem.nuisance_paths,
        noise_names=noise_names,
        draws=draws,
        weights=weights,
        mode_index=mode_index,
        log_density=logdens,
        rhat={n: split_rhat(draws[n]) for n in all_names},
        ess_bulk={n: ess_bulk(draws[n]) for n in all_names},
        ess_tail={n: ess_tail(draws[n]) for n in all_names},
        median=median,
        interval68=i68,
        interval95=i95,
        mean=mean,
        sd=sd,
        correlation=correlation,
        modes=modes,
        mass_method=mass_method,
        n_divergent=int(np.sum(divergent)),
        step_size=np.asarray(step_size),
        fit=fit,
        rhat_threshold=float(thresholds[0]),
        min_ess=float(thresholds[1]),
        n_gradients=n_gradients,
        linear_names=tuple(n for n, lin in zip(names, problem.linear) if lin),
    )


def sample(
    params,
    traces: Sequence[Trace] | Trace,
    free,
    *,
    initial: dict | None = None,
    priors: dict | None = None,
    positive: bool | dict = True,
    lower: dict | None = None,
    upper: dict | None = None,
    fixed_uncertainties: dict | None = None,
    noise: str = "known",
    starts: dict | None = None,
    fit: TraceFitResult | None = None,
    n_chains: int = 4,
    n_warmup: int = 500,
    n_draws: int = 500,
    seed: int = 0,
    target_acceptance: float = 0.9,
    max_tree_depth: int = 8,
    adaptation: str = "dense",
    mode_chi2_window: float = 25.0,
    rhat_threshold: float = 1.01,
    min_ess: float = 400.0,
) -> SampleResult:
    """Sample the posterior of named pytree parameters given traces (NUTS, vmapped chains).

    **Arguments:**

    - `params`, `traces`, `free`, `initial`, `positive`, `starts`: as in `fit_traces`; the
      chains start from the distinct optima the (multi-start) fit finds.
    - `priors`: optional dict name -> `Prior` (SI). Default: uniform in the fitted coordinate
      - log-uniform over two decades either side of the starting value for positive
      parameters, or over (`lower`, `upper`) (SI) when both are given.
    - `lower`, `upper`: optional dicts name -> bound of the default prior (SI).
    - `fixed_uncertainties`: dict path -> 1-sigma (SI) of a parameter held fixed in the fit:
      here sampled with a Gaussian prior centred on its value in `params` (nuisance).
    - `noise`: `"known"` (the traces' sigmas are absolute) or `"fitted"` (one noise scale
      per trace multiplying its sigma, log-uniform prior over (0.01, 100)).
    - `fit`: optional `TraceFitResult` of the same problem to start from (skips the fit).
    - `n_chains`, `n_warmup`, `n_draws`, `seed`: chains, window-adaptation steps, draws per
      chain and the random seed.
    - `target_acceptance`, `max_tree_depth`: NUTS settings.
    - `adaptation`: `"dense"` (default): step size by dual averaging in the Laplace-whitened
      frame, then a dense mass matrix from the middle of the warm-up shrunk toward the
      Laplace covariance, then the step size again; `"laplace"`: the Laplace metric only
      (a little faster on near-Gaussian modes); `"window"`: blackjax's window adaptation
      (needs a few hundred warm-up steps).
    - `mode_chi2_window`: optima whose chi^2 exceeds the best by more than this are not
      treated as modes (their mass is below exp(-window/2)).
    - `rhat_threshold`, `min_ess`: limits for the plain-language warnings.

    **Returns:** a `SampleResult`.
    """
    traces = check_traces(traces)
    n_chains, n_warmup, n_draws, max_tree_depth = check_settings(
        noise, n_chains, n_warmup, n_draws, max_tree_depth, target_acceptance, adaptation
    )
    options = dict(initial=initial, positive=positive, lower=lower, upper=upper, starts=starts)
    fit = _start_fit(params, traces, free, fit, noise, **options)
    optima, optima_chi2 = _optima(fit, tuple(fit.free))
    candidates = _distinct(optima[optima_chi2 - optima_chi2[0] <= mode_chi2_window])
    problem = _setup(
        params, traces, fit, initial, priors, positive, lower, upper, fixed_uncertainties, noise, candidates
    )
    mode_w, mode_rows = select_modes(problem, optima, optima_chi2, mode_chi2_window)
    nuts_settings = (float(target_acceptance), max_tree_depth, adaptation)
    chains = _sample_chains(problem, mode_w, n_chains, n_warmup, n_draws, seed, nuts_settings)
    draws, noise_names = _physical_draws(problem, chains[0], traces)
    best_chi2 = float(optima_chi2[0])
    return _result(problem, fit, chains, draws, noise_names, mode_w, mode_rows, best_chi2, (rhat_threshold, min_ess))
