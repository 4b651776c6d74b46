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

Coordinates. Each free parameter is sampled in an unconstrained coordinate `v`:
a log-uniform or uniform prior over (lower, upper) maps through a sigmoid, so its
density in `v` is `t (1 - t)`, `t = sigmoid(v)`; a normal prior is `x = mean + sd v`.
NUTS then runs in `w` with `v = v0 + L w`, `L L^T` the Gauss-Newton (Laplace)
covariance at the best fit: the whitening makes the initial step size and identity
mass matrix right before the window adaptation refines a dense mass matrix; the
-0.998 correlation of two series interface resistances is then harmless.

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
import functools
import math
from collections.abc import Sequence
from typing import Any, NamedTuple

# Public names only (the package's __init__ defines them before importing this file), so
# reorganising the private modules of the fitting layer does not reach here.
import blackjax
import jax
import jax.numpy as jnp
import numpy as np
from blackjax.adaptation.base import get_filter_adapt_info_fn
from matplotlib.figure import Figure
from scipy import special

from ._diagnostics import ess_bulk, ess_tail, split_rhat
from .paths import get_path, set_path
from .problem import Trace, TraceFitResult, fit_traces

__all__ = ["Prior", "Mode", "SampleResult", "sample", "plot_corner"]

#: Fraction of a free parameter's starting value the default log-uniform prior extends
#: below and above it: (x0 / 100, 100 x0).
DEFAULT_PRIOR_DECADES = 2.0

#: Range of a fitted noise scale s (multiplies every sigma of the trace), log-uniform.
NOISE_SCALE_RANGE = (1e-2, 1e2)

_PRIOR_KINDS = ("log_uniform", "uniform", "normal")


@dataclasses.dataclass(frozen=True)
class Prior:
    """Prior of one free parameter (SI units).

    Build with `Prior.log_uniform(lower, upper)` (uniform in log x: the default, over
    two decades either side of the starting value), `Prior.uniform(lower, upper)` or
    `Prior.normal(mean, sd)`.
    """

    kind: str
    a: float
    b: float

    def __post_init__(self):
        if self.kind not in _PRIOR_KINDS:
            raise ValueError(f"prior kind must be one of {_PRIOR_KINDS}, got {self.kind!r}")
        if not (np.isfinite(self.a) and np.isfinite(self.b)):
            raise ValueError(f"{self.kind} prior needs finite numbers (SI units), got {self.a!r}, {self.b!r}")
        if self.kind == "normal" and not self.b > 0:
            raise ValueError(f"normal prior: sd must be > 0 (SI units), got {self.b!r}")
        if self.kind != "normal" and not self.a < self.b:
            raise ValueError(f"{self.kind} prior: need lower < upper (SI units), got {self.a!r}, {self.b!r}")
        if self.kind == "log_uniform" and not self.a > 0:
            raise ValueError(f"log_uniform prior: lower bound must be > 0 (SI units), got {self.a!r}")

    @classmethod
    def log_uniform(cls, lower: float, upper: float) -> Prior:
        """Uniform in log x over (lower, upper) (SI, both > 0)."""
        return cls("log_uniform", float(lower), float(upper))

    @classmethod
    def uniform(cls, lower: float, upper: float) -> Prior:
        """Uniform in x over (lower, upper) (SI)."""
        return cls("uniform", float(lower), float(upper))

    @classmethod
    def normal(cls, mean: float, sd: float) -> Prior:
        """Gaussian with `mean` and standard deviation `sd` (SI)."""
        return cls("normal", float(mean), float(sd))

    def contains(self, x: float) -> bool:
        return self.kind == "normal" or self.a < x < self.b

    def to_unconstrained(self, x):
        """Unconstrained coordinate v of the physical value x (numpy)."""
        x = np.asarray(x, dtype=float)
        if self.kind == "normal":
            return (x - self.a) / self.b
        if self.kind == "log_uniform":
            t = (np.log(x) - math.log(self.a)) / (math.log(self.b) - math.log(self.a))
        else:
            t = (x - self.a) / (self.b - self.a)
        t = np.clip(t, 1e-9, 1 - 1e-9)
        return np.log(t) - np.log1p(-t)


class _Static(NamedTuple):
    """Hashable structure of a sampling problem (compilation key)."""

    models: tuple
    free_spec: tuple  # ((name, (paths...)), ...)
    prior_kinds: tuple
    nuisance_paths: tuple
    noise_fitted: bool
    sizes: tuple  # data points per trace


class _Dynamic(NamedTuple):
    """Arrays of a sampling problem (new values never recompile)."""

    params: Any
    datas: list
    sigmas: list
    sqrt_weights: list
    prior_a: jax.Array
    prior_b: jax.Array
    nuisance_center: jax.Array
    nuisance_sd: jax.Array
    v0: jax.Array
    whitening: jax.Array  # L, v = v0 + L w


def _uniform_kind_log_prior(v):
    return -jax.nn.softplus(-v) - jax.nn.softplus(v)


def _unpack(static: _Static, v, dyn: _Dynamic):
    """Physical free values, nuisance values and noise scales of the coordinates v, and log prior."""
    n_free, n_nuis = len(static.free_spec), len(static.nuisance_paths)
    values, log_prior = [], 0.0
    for i, kind in enumerate(static.prior_kinds):
        a, b = dyn.prior_a[i], dyn.prior_b[i]
        if kind == "normal":
            x = a + b * v[i]
            log_prior = log_prior - 0.5 * v[i] ** 2
        else:
            t = jax.nn.sigmoid(v[i])
            x = jnp.exp(jnp.log(a) + (jnp.log(b) - jnp.log(a)) * t) if kind == "log_uniform" else a + (b - a) * t
            log_prior = log_prior + _uniform_kind_log_prior(v[i])
        values.append(x)
    v_nuis = v[n_free : n_free + n_nuis]
    nuisance = dyn.nuisance_center + dyn.nuisance_sd * v_nuis
    log_prior = log_prior - 0.5 * jnp.sum(v_nuis**2)
    if static.noise_fitted:
        v_noise = v[n_free + n_nuis :]
        lo, hi = math.log(NOISE_SCALE_RANGE[0]), math.log(NOISE_SCALE_RANGE[1])
        noise = jnp.exp(lo + (hi - lo) * jax.nn.sigmoid(v_noise))
        log_prior = log_prior + jnp.sum(_uniform_kind_log_prior(v_noise))
    else:
        noise = jnp.ones(len(static.models), dtype=v.dtype)
    return jnp.stack(values), nuisance, noise, log_prior


def _weighted_residuals(static: _Static, free_values, nuisance, dyn: _Dynamic) -> list:
    params = dyn.params
    for j, path in enumerate(static.nuisance_paths):
        params = set_path(params, path, nuisance[j])
    for i, (_, paths) in enumerate(static.free_spec):
        for path in paths:
            params = set_path(params, path, free_values[i])
    return [
        sw * (d - jnp.ravel(model(params))) / s
        for model, d, s, sw in zip(static.models, dyn.datas, dyn.sigmas, dyn.sqrt_weights)
    ]


def _log_density_v(static: _Static, v, dyn: _Dynamic):
    free_values, nuisance, noise, log_prior = _unpack(static, v, dyn)
    residuals = _weighted_residuals(static, free_values, nuisance, dyn)
    log_like = 0.0
    for k, r in enumerate(residuals):
        log_like = log_like - 0.5 * jnp.sum(r**2) / noise[k] ** 2 - static.sizes[k] * jnp.log(noise[k])
    total = log_like + log_prior
    # A model that fails (NaN) outside its valid range is a point of zero density.
    return jnp.where(jnp.isfinite(total), total, -jnp.inf)


def _log_density_w(static: _Static, w, dyn: _Dynamic):
    return _log_density_v(static, dyn.v0 + dyn.whitening @ w, dyn)


@functools.partial(jax.jit, static_argnums=0)
def _gauss_newton(static: _Static, v, noise_start, dyn: _Dynamic):
    """Gauss-Newton precision of -log p in v (noise block from its exact expected curvature)."""
    n_free, n_nuis = len(static.free_spec), len(static.nuisance_paths)
    n_fn = n_free + n_nuis

    def residual(u):
        full = jnp.concatenate([u, v[n_fn:]])
        free_values, nuisance, _, _ = _unpack(static, full, dyn)
        parts = _weighted_residuals(static, free_values, nuisance, dyn)
        return jnp.concatenate([r / s for r, s in zip(parts, noise_start)])

    jac = jax.jacfwd(residual)(v[:n_fn])
    prior_curvature = []
    for i, kind in enumerate(static.prior_kinds):
        t = jax.nn.sigmoid(v[i])
        prior_curvature.append(1.0 if kind == "normal" else 2 * t * (1 - t))
    diag = jnp.concatenate([jnp.stack(prior_curvature), jnp.ones(n_nuis)]) if n_free else jnp.ones(n_nuis)
    h = jac.T @ jac + jnp.diag(diag)
    if static.noise_fitted:
        lo, hi = math.log(NOISE_SCALE_RANGE[0]), math.log(NOISE_SCALE_RANGE[1])
        t = jax.nn.sigmoid(v[n_fn:])
        dlogs_dv = (hi - lo) * t * (1 - t)
        h_noise = 2.0 * jnp.asarray(static.sizes, dtype=v.dtype) * dlogs_dv**2 + 2 * t * (1 - t)
        size = h.shape[0] + h_noise.shape[0]
        full = jnp.zeros((size, size), dtype=v.dtype)
        full = full.at[:n_fn, :n_fn].set(h).at[n_fn:, n_fn:].set(jnp.diag(h_noise))
        h = full
    return h


@functools.partial(jax.jit, static_argnums=0)
def _log_density_batch(static: _Static, w, dyn: _Dynamic):
    return jax.vmap(lambda x: _log_density_w(static, x, dyn))(w)


@functools.partial(jax.jit, static_argnums=0)
def _physical_batch(static: _Static, w, dyn: _Dynamic):
    def one(x):
        free_values, nuisance, noise, _ = _unpack(static, dyn.v0 + dyn.whitening @ x, dyn)
        return free_values, nuisance, noise

    return jax.vmap(one)(w)


@functools.partial(jax.jit, static_argnums=(0, 6, 7, 8, 9))
def _run_chains(
    static: _Static,
    keys,
    w_init,
    centres,
    whitenings,
    dyn: _Dynamic,
    n_warmup,
    n_draws,
    target_acceptance,
    max_doublings,
):
    """NUTS chains under vmap; chain c samples w with v = centres[c] + whitenings[c] w."""

    def one_chain(key, w0, centre, whitening):
        chain_dyn = dyn._replace(v0=centre, whitening=whitening)

        def logdensity(w):
            return _log_density_w(static, w, chain_dyn)

        key_warmup, key_draws = jax.random.split(key)
        warmup = blackjax.window_adaptation(
            blackjax.nuts,
            logdensity,
            is_mass_matrix_diagonal=False,
            target_acceptance_rate=target_acceptance,
            adaptation_info_fn=get_filter_adapt_info_fn(),
            max_num_doublings=max_doublings,
        )
        (state, parameters), _ = warmup.run(key_warmup, w0, num_steps=n_warmup)
        # The adapted parameters carry step size, inverse mass matrix and max_num_doublings.
        kernel = blackjax.nuts(logdensity, **parameters).step

        def body(state, key):
            state, info = kernel(key, state)
            return state, (state.position, state.logdensity, info.is_divergent, info.num_integration_steps)

        _, (positions, logdensities, divergent, n_steps) = jax.lax.scan(
            body, state, jax.random.split(key_draws, n_draws)
        )
        return positions, logdensities, divergent, n_steps, parameters["step_size"]

    return jax.vmap(one_chain)(keys, w_init, centres, whitenings)


# --------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Mode:
    """One separated mode of the posterior.

    **Attributes:**

    - `values`: dict name -> the least-squares optimum of this mode (SI).
    - `chi2`: chi^2 at that optimum; `delta_chi2`: above the best mode.
    - `mass`: estimated posterior probability of the mode (sums to 1 over modes).
    - `draw_fraction`: fraction of all draws that fell into it.
    - `chains`: indices of the chains started in it.
    - `median`: dict name -> median of the mode's own draws (SI).
    """

    values: dict
    chi2: float
    delta_chi2: float
    mass: float
    draw_fraction: float
    chains: tuple
    median: dict


@dataclasses.dataclass(frozen=True)
class SampleResult:
    """Outcome of `sample` (numpy, outside jit).

    **Attributes:**

    - `names`: sampled free-parameter names; `nuisance_names`: paths of the marginalised
      fixed parameters; `noise_names`: `"noise_scale[<trace>]"` when noise is fitted.
    - `draws`: dict name -> (n_chains, n_draws) draws in SI units (free, nuisance and
      noise-scale names alike).
    - `weights`: (n_chains, n_draws) weight of every draw in pooled statistics (mode
      masses divided by the mode's draw count; uniform with one mode), sums to 1.
    - `mode_index`: (n_chains, n_draws) mode each draw belongs to.
    - `log_density`: (n_chains, n_draws) unnormalised log posterior of every draw.
    - `rhat`, `ess_bulk`, `ess_tail`: dicts name -> split-R-hat, bulk and tail ESS.
    - `median`, `interval68`, `interval95`: dicts name -> pooled (mode-weighted) median and
      central credible intervals (SI).
    - `mean`, `sd`: pooled weighted mean and standard deviation (SI).
    - `correlation`: (n, n) posterior correlation of `names` (weighted, pooled).
    - `modes`: tuple of `Mode`; `mass_method`: how the masses were estimated.
    - `n_divergent`: divergent transitions after warm-up; `step_size`: per chain.
    - `fit`: the `TraceFitResult` the chains started from.
    - `rhat_threshold`, `min_ess`: thresholds used by `summary` and `warnings`.
    """

    names: tuple
    nuisance_names: tuple
    noise_names: tuple
    draws: dict
    weights: np.ndarray
    mode_index: np.ndarray
    log_density: np.ndarray
    rhat: dict
    ess_bulk: dict
    ess_tail: dict
    median: dict
    interval68: dict
    interval95: dict
    mean: dict
    sd: dict
    correlation: np.ndarray
    modes: tuple
    mass_method: str
    n_divergent: int
    step_size: np.ndarray
    fit: Any
    rhat_threshold: float = 1.01
    min_ess: float = 400.0

    @property
    def n_chains(self) -> int:
        return int(self.weights.shape[0])

    @property
    def n_draws(self) -> int:
        return int(self.weights.shape[1])

    @property
    def all_names(self) -> tuple:
        return self.names + self.nuisance_names + self.noise_names

    def warnings(self) -> list:
        """Plain-language statements of every diagnostic that fails (empty when all pass)."""
        out = []
        for name in self.all_names:
            if not self.rhat[name] <= self.rhat_threshold:
                if len(self.modes) > 1:
                    why = (
                        f"the chains sit in {len(self.modes)} separated modes; the pooled numbers weight the "
                        f"modes by their estimated masses ({self.mass_method}), not by chain count"
                    )
                else:
                    why = "the chains have not mixed: run longer (more warm-up and draws) before quoting numbers"
                out.append(f"R-hat of {name} is {self.rhat[name]:.3f} > {self.rhat_threshold}: {why}.")
        for name in self.all_names:
            low = min(self.ess_bulk[name], self.ess_tail[name])
            if not low >= self.min_ess:
                out.append(
                    f"Effective sample size of {name} is small (bulk {self.ess_bulk[name]:.0f}, tail "
                    f"{self.ess_tail[name]:.0f} < {self.min_ess:.0f}): the intervals are uncertain; draw more."
                )
        if self.n_divergent:
            out.append(
                f"{self.n_divergent} divergent transitions: the sampler missed regions of high curvature; "
                "the posterior there may be biased."
            )
        return out

    def summary(self) -> str:
        """Table of medians, 68/95 % credible intervals, R-hat and ESS, modes and diagnostics."""
        lines = [
            f"Posterior from {self.n_chains} chains x {self.n_draws} draws (NUTS)",
            f"{'parameter':28s} {'median':>12s} {'68% interval':>27s} {'95% interval':>27s} {'R-hat':>7s} "
            f"{'ESS bulk':>9s} {'ESS tail':>9s}",
        ]
        for name in self.all_names:
            lo68, hi68 = self.interval68[name]
            lo95, hi95 = self.interval95[name]
            lines.append(
                f"{name:28s} {self.median[name]:12.5g} [{lo68:12.5g}, {hi68:12.5g}] [{lo95:12.5g}, {hi95:12.5g}] "
                f"{self.rhat[name]:7.3f} {self.ess_bulk[name]:9.0f} {self.ess_tail[name]:9.0f}"
            )
        if len(self.modes) > 1:
            lines.append(f"The posterior has {len(self.modes)} separated modes (masses by {self.mass_method}):")
            for k, mode in enumerate(self.modes):
                where = ", ".join(f"{n} = {mode.median[n]:.4g}" for n in self.names)
                lines.append(
                    f"  mode {k + 1}: {100 * mode.mass:5.1f} % of the mass; median {where}; "
                    f"Delta chi2 of its optimum {mode.delta_chi2:.2f}; chains {list(mode.chains)}"
                )
            lines.append("  A single value +- sigma does not describe this posterior: quote the modes.")
        problems = self.warnings()
        if problems:
            lines.extend("WARNING: " + text for text in problems)
        else:
            lines.append(
                f"Diagnostics pass: every R-hat <= {self.rhat_threshold}, every ESS >= {self.min_ess:.0f}, "
                "no divergences."
            )
        return "\n".join(lines)

    def as_dict(self) -> dict:
        """JSON-ready numbers (SI): intervals, modes, diagnostics."""
        return {
            "names": list(self.names),
            "median": self.median,
            "interval68": {k: list(v) for k, v in self.interval68.items()},
            "interval95": {k: list(v) for k, v in self.interval95.items()},
            "mean": self.mean,
            "sd": self.sd,
            "rhat": self.rhat,
            "ess_bulk": self.ess_bulk,
            "ess_tail": self.ess_tail,
            "correlation": np.asarray(self.correlation).tolist(),
            "modes": [
                {
                    "values": m.values,
                    "median": m.median,
                    "mass": m.mass,
                    "draw_fraction": m.draw_fraction,
                    "delta_chi2": m.delta_chi2,
                    "chains": list(m.chains),
                }
                for m in self.modes
            ],
            "mass_method": self.mass_method,
            "n_chains": self.n_chains,
            "n_draws": self.n_draws,
            "n_divergent": self.n_divergent,
            "warnings": self.warnings(),
        }

    def pooled(self, name: str) -> tuple:
        """`(draws, weights)` flattened over chains, for weighted statistics of `name`."""
        return np.ravel(self.draws[name]), np.ravel(self.weights)

    def to_inference_data(self):
        """ArviZ `InferenceData` (needs the optional `arviz` package)."""
        try:
            import arviz
        except ImportError as exc:
            raise ImportError("to_inference_data needs arviz (pip install arviz); it is optional") from exc
        return arviz.from_dict(
            posterior={name: np.asarray(self.draws[name]) for name in self.all_names},
            sample_stats={"lp": self.log_density, "mode": self.mode_index},
        )


# --------------------------------------------------------------------------------------
# Weighted statistics
# --------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------
# Public entry
# --------------------------------------------------------------------------------------


def leaf_value(params, path: str) -> float:
    """The scalar at `path` as a Python float (clear error when it is not a scalar)."""
    value = np.asarray(get_path(params, path), dtype=float)
    if value.size != 1:
        raise ValueError(f"parameter path {path!r} holds an array of shape {value.shape}, not a scalar")
    return float(value.reshape(()))


def check_traces(traces) -> tuple:
    traces = (traces,) if isinstance(traces, Trace) else tuple(traces)
    if not traces or not all(isinstance(t, Trace) for t in traces):
        raise TypeError("traces must be a Trace or a non-empty sequence of Trace objects")
    return traces


def normalise_free(params, free) -> dict:
    """`free` as dict name -> tuple of paths (validated against `params`)."""
    if isinstance(free, str):
        free = [free]
    if isinstance(free, (list, tuple)):
        free = {path: path for path in free}
    if not isinstance(free, dict) or not free:
        raise TypeError("free must be a non-empty dict name -> path (or list of paths), or a list of paths")
    out = {}
    for name, paths in free.items():
        paths = (paths,) if isinstance(paths, str) else tuple(paths)
        if not paths:
            raise ValueError(f"free parameter {name!r} maps to no path")
        for path in paths:
            leaf_value(params, path)
        out[str(name)] = paths
    return out


def _check_positive_int(name, value, minimum):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def _as_float_tree(params):
    return jax.tree_util.tree_map(lambda leaf: jnp.asarray(leaf, dtype=float), params)


def _resolve_priors(names, initial_values, priors, positive, lower, upper) -> dict:
    priors = dict(priors or {})
    lower, upper = dict(lower or {}), dict(upper or {})
    for label, d in (("priors", priors), ("lower", lower), ("upper", upper)):
        unknown = set(d) - set(names)
        if unknown:
            raise ValueError(f"{label} names parameters that are not free: {sorted(unknown)}; free: {list(names)}")
    out = {}
    for name in names:
        if name in priors:
            prior = priors[name]
            if not isinstance(prior, Prior):
                raise TypeError(f"priors[{name!r}] must be a jaxtherm.fit.Prior, got {prior!r}")
            out[name] = prior
            continue
        is_positive = positive.get(name, False) if isinstance(positive, dict) else bool(positive)
        x0 = initial_values[name]
        if name in lower and name in upper:
            lo, hi = float(lower[name]), float(upper[name])
            out[name] = Prior.log_uniform(lo, hi) if is_positive and lo > 0 else Prior.uniform(lo, hi)
        elif is_positive:
            if not x0 > 0:
                raise ValueError(f"initial value of {name!r} is {x0!r}; a positive parameter needs a value > 0 (SI)")
            span = 10.0**DEFAULT_PRIOR_DECADES
            out[name] = Prior.log_uniform(
                float(lower.get(name, x0 / span)) or x0 / span, float(upper.get(name, x0 * span))
            )
        else:
            raise ValueError(
                f"free parameter {name!r} may change sign: give both lower[{name!r}] and upper[{name!r}] (SI) "
                f"or priors[{name!r}] = Prior.normal(mean, sd)"
            )
    return out


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
    target_acceptance: float = 0.8,
    max_tree_depth: int = 8,
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
    - `mode_chi2_window`: optima whose chi^2 exceeds the best by more than this are not
      treated as modes (their mass is below exp(-window/2)).
    - `rhat_threshold`, `min_ess`: limits for the plain-language warnings.

    **Returns:** a `SampleResult`.
    """
    traces = check_traces(traces)
    if noise not in ("known", "fitted"):
        raise ValueError(f"noise must be 'known' (absolute sigmas) or 'fitted' (a scale per trace), got {noise!r}")
    n_chains = _check_positive_int("n_chains", n_chains, 1)
    n_warmup = _check_positive_int("n_warmup", n_warmup, 10)
    n_draws = _check_positive_int("n_draws", n_draws, 4)
    max_tree_depth = _check_positive_int("max_tree_depth", max_tree_depth, 1)
    if not 0 < target_acceptance < 1:
        raise ValueError(f"target_acceptance must lie in (0, 1), got {target_acceptance!r}")

    if fit is None:
        fit = fit_traces(
            params,
            traces,
            free,
            initial=initial,
            positive=positive,
            lower=lower,
            upper=upper,
            starts=starts,
            warn_degenerate=False,
            absolute_sigma=noise == "known",
        )
    elif not isinstance(fit, TraceFitResult):
        raise TypeError(f"fit must be a TraceFitResult of the same problem, got {type(fit).__name__}")
    free_map = fit.free
    names = tuple(free_map)
    start_values = {k: leaf_value(params, paths[0]) for k, paths in free_map.items()}
    if initial:
        start_values.update({k: float(v) for k, v in initial.items()})
    prior_of = _resolve_priors(names, start_values, priors, positive, lower, upper)

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

    static = _Static(
        models=tuple(t.model for t in traces),
        free_spec=tuple(free_map.items()),
        prior_kinds=tuple(prior_of[n].kind for n in names),
        nuisance_paths=nuisance_paths,
        noise_fitted=noise == "fitted",
        sizes=tuple(int(np.size(t.data)) for t in traces),
    )
    n_free, n_nuis, n_noise = len(names), len(nuisance_paths), (len(traces) if noise == "fitted" else 0)
    n_dim = n_free + n_nuis + n_noise

    # Optima of the multi-start fit -> candidate modes (in v coordinates).
    if fit.fit.start_values is not None:
        optima = np.stack([np.asarray(fit.fit.start_values[n], dtype=float) for n in names], axis=1)
        optima_chi2 = np.asarray(fit.fit.start_chi2, dtype=float)
    else:
        optima = np.array([[fit.values[n] for n in names]])
        optima_chi2 = np.array([fit.chi2])
    order = np.argsort(optima_chi2)
    optima, optima_chi2 = optima[order], optima_chi2[order]
    best_chi2 = float(optima_chi2[0])

    def to_v(x_row):
        return np.array([float(prior_of[n].to_unconstrained(x_row[i])) for i, n in enumerate(names)])

    noise_start = np.ones(len(traces))
    if noise == "fitted":
        for k, r in enumerate(fit.trace_residuals):
            noise_start[k] = max(float(np.sqrt(np.mean(np.square(r)))), 1.01 * NOISE_SCALE_RANGE[0])
    lo_n, hi_n = math.log(NOISE_SCALE_RANGE[0]), math.log(NOISE_SCALE_RANGE[1])
    v_noise = special.logit((np.log(noise_start) - lo_n) / (hi_n - lo_n)) if n_noise else np.zeros(0)
    v_best = np.concatenate([to_v(optima[0]), np.zeros(n_nuis), v_noise])

    datas = [jnp.asarray(t.data, dtype=float) for t in traces]
    sigmas = [jnp.broadcast_to(jnp.asarray(t.sigma, dtype=float), np.shape(t.data)) for t in traces]
    sqrt_weights = [jnp.asarray(np.sqrt(t.weight), dtype=float) for t in traces]

    def dynamic(v0, whitening):
        return _Dynamic(
            params=_as_float_tree(params),
            datas=datas,
            sigmas=sigmas,
            sqrt_weights=sqrt_weights,
            prior_a=jnp.asarray([prior_of[n].a for n in names], dtype=float),
            prior_b=jnp.asarray([prior_of[n].b for n in names], dtype=float),
            nuisance_center=jnp.asarray(nuisance_center),
            nuisance_sd=jnp.asarray(nuisance_sd),
            v0=jnp.asarray(v0, dtype=float),
            whitening=jnp.asarray(whitening, dtype=float),
        )

    dyn = dynamic(v_best, np.eye(n_dim))

    def laplace_whitening(v):
        """(L, L^-1) with L L^T the Gauss-Newton covariance of v at v."""
        precision = np.asarray(_gauss_newton(static, jnp.asarray(v), jnp.asarray(noise_start), dyn))
        eigval, eigvec = np.linalg.eigh(0.5 * (precision + precision.T))
        eigval = np.maximum(eigval, 1e-12 * max(eigval.max(), 1e-300))
        return eigvec / np.sqrt(eigval)[None, :], (eigvec * np.sqrt(eigval)[None, :]).T

    whitening, unwhitening = laplace_whitening(v_best)
    dyn = dynamic(v_best, whitening)

    # Distinct modes: within the chi2 window, more than 2 whitened units apart, and with a
    # dip of the log density between them (else one curved valley, not two modes).
    mode_w = []
    mode_rows = []
    for row, chi2 in zip(optima, optima_chi2):
        if not np.all(np.isfinite(row)) or chi2 - best_chi2 > mode_chi2_window:
            continue
        if not all(prior_of[n].contains(row[i]) for i, n in enumerate(names)):
            continue
        w = unwhitening @ (np.concatenate([to_v(row), np.zeros(n_nuis), v_noise]) - v_best)
        if any(np.linalg.norm(w - other) < 2.0 for other in mode_w):
            continue
        if mode_w:
            path = np.linspace(0, 1, 25)[:, None]
            separated = True
            for other in mode_w:
                line = other[None, :] + path * (w - other)[None, :]
                logp = np.asarray(_log_density_batch(static, jnp.asarray(line), dyn))
                if logp.min() > min(logp[0], logp[-1]) - 0.5:
                    separated = False
                    break
            if not separated:
                continue
        mode_w.append(w)
        mode_rows.append((row, float(chi2)))
    if not mode_w:
        mode_w = [np.zeros(n_dim)]
        mode_rows = [(optima[0], best_chi2)]
    n_modes = len(mode_w)

    # Each chain is whitened at its own mode's optimum: separated modes of a curved valley
    # have differently oriented covariances, and vmapped chains wait for the slowest tree.
    mode_frames = [(v_best, whitening)] + [
        (v_best + whitening @ w, laplace_whitening(v_best + whitening @ w)[0]) for w in mode_w[1:]
    ]
    rng = np.random.default_rng(seed)
    chain_mode = np.arange(n_chains) % n_modes
    centres = np.stack([mode_frames[m][0] for m in chain_mode])
    whitenings = np.stack([mode_frames[m][1] for m in chain_mode])
    w_init = 0.3 * rng.standard_normal((n_chains, n_dim))
    keys = jax.random.split(jax.random.PRNGKey(seed), n_chains)
    positions, logdens, divergent, _, step_size = _run_chains(
        static,
        keys,
        jnp.asarray(w_init),
        jnp.asarray(centres),
        jnp.asarray(whitenings),
        dyn,
        n_warmup,
        n_draws,
        float(target_acceptance),
        max_tree_depth,
    )
    # Back to the common frame of the best mode (v = v_best + L_best w).
    v_draws = centres[:, None, :] + np.einsum("cij,cdj->cdi", whitenings, np.asarray(positions))
    positions = np.einsum("ij,cdj->cdi", unwhitening, v_draws - v_best)  # (chains, draws, dim)
    logdens = np.asarray(logdens)
    free_d, nuis_d, noise_d = _physical_batch(static, jnp.asarray(positions.reshape(-1, n_dim)), dyn)
    shape = (n_chains, n_draws)
    draws = {n: np.asarray(free_d)[:, i].reshape(shape) for i, n in enumerate(names)}
    draws.update({p: np.asarray(nuis_d)[:, j].reshape(shape) for j, p in enumerate(nuisance_paths)})
    noise_names = tuple(f"noise_scale[{t.name}]" for t in traces) if n_noise else ()
    draws.update({nm: np.asarray(noise_d)[:, k].reshape(shape) for k, nm in enumerate(noise_names)})

    # Assign draws to modes and estimate the masses.
    flat_w = positions.reshape(-1, n_dim)
    centres = np.stack(mode_w)
    mode_index = np.argmin(np.linalg.norm(flat_w[:, None, :] - centres[None, :, :], axis=-1), axis=1)
    counts = np.bincount(mode_index, minlength=n_modes)
    fractions = counts / counts.sum()
    per_chain = mode_index.reshape(shape)
    chains_visit_all = all(
        np.all(np.bincount(per_chain[c], minlength=n_modes) >= 0.05 * n_draws) for c in range(n_chains)
    )
    flat_logp = logdens.ravel()
    if n_modes == 1:
        masses, mass_method = np.ones(1), "single mode"
    elif chains_visit_all:
        masses, mass_method = fractions, "draw fractions (every chain crosses between the modes)"
    else:
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
        masses = masses / masses.sum()
        mass_method = "reciprocal importance sampling of each mode's draws"
    weights = np.where(counts[mode_index] > 0, masses[mode_index] / np.maximum(counts[mode_index], 1), 0.0)
    weights = (weights / weights.sum()).reshape(shape)

    all_names = names + nuisance_paths + noise_names
    median, i68, i95, mean, sd = {}, {}, {}, {}, {}
    flat_weights = weights.ravel()
    for name in all_names:
        x = draws[name].ravel()
        q = _weighted_quantiles(x, flat_weights, (0.5, 0.16, 0.84, 0.025, 0.975))
        median[name], i68[name], i95[name] = q[0], (q[1], q[2]), (q[3], q[4])
        mean[name] = float(np.sum(flat_weights * x))
        sd[name] = float(np.sqrt(np.sum(flat_weights * (x - mean[name]) ** 2)))
    stacked = np.stack([draws[n].ravel() for n in names])
    cov = np.cov(stacked, aweights=flat_weights).reshape(n_free, n_free)
    sdv = np.sqrt(np.diag(cov))
    correlation = np.clip(cov / np.outer(sdv, sdv), -1, 1)

    modes = []
    for k, (row, chi2) in enumerate(mode_rows):
        in_mode = mode_index == k
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
            )
        )
    return SampleResult(
        names=names,
        nuisance_names=nuisance_paths,
        noise_names=noise_names,
        draws=draws,
        weights=weights,
        mode_index=per_chain,
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
        modes=tuple(modes),
        mass_method=mass_method,
        n_divergent=int(np.sum(divergent)),
        step_size=np.asarray(step_size),
        fit=fit,
        rhat_threshold=float(rhat_threshold),
        min_ess=float(min_ess),
    )


def plot_corner(
    result: SampleResult,
    names: Sequence[str] | None = None,
    *,
    scale: dict | None = None,
    labels: dict | None = None,
    bins: int = 40,
    truths: dict | None = None,
    fig=None,
):
    """Corner plot of the (mode-weighted) posterior: 1-D histograms and 2-D densities.

    **Arguments:**

    - `result`: a `SampleResult`.
    - `names`: parameters to show (default: the free ones).
    - `scale`: optional dict name -> divisor for display (e.g. 1e-9 for m^2K/GW).
    - `labels`: optional dict name -> axis label.
    - `bins`: histogram bins; `truths`: optional dict name -> value (SI) drawn as lines.
    - `fig`: optional matplotlib figure to draw into.

    **Returns:** the matplotlib `Figure`.
    """

    names = tuple(names or result.names)
    scale, labels, truths = dict(scale or {}), dict(labels or {}), dict(truths or {})
    n = len(names)
    if fig is None:
        fig = Figure(figsize=(2.2 * n + 1, 2.2 * n + 1))
    axes = fig.subplots(n, n, squeeze=False)
    weights = result.weights.ravel()
    data = {k: result.draws[k].ravel() / scale.get(k, 1.0) for k in names}
    for i, yi in enumerate(names):
        for j, xj in enumerate(names):
            ax = axes[i, j]
            if j > i:
                ax.set_visible(False)
                continue
            if i == j:
                ax.hist(data[xj], bins=bins, weights=weights, color="C0", histtype="stepfilled", alpha=0.6)
                for (lo, hi), alpha in ((result.interval68[xj], 0.25), (result.interval95[xj], 0.1)):
                    ax.axvspan(lo / scale.get(xj, 1.0), hi / scale.get(xj, 1.0), color="C1", alpha=alpha)
                ax.axvline(result.median[xj] / scale.get(xj, 1.0), color="C1")
                ax.set_yticks([])
            else:
                ax.hist2d(data[xj], data[yi], bins=bins, weights=weights, cmap="Blues")
                if yi in truths:
                    ax.axhline(truths[yi] / scale.get(yi, 1.0), color="C3", lw=0.8)
            if xj in truths:
                ax.axvline(truths[xj] / scale.get(xj, 1.0), color="C3", lw=0.8)
            if i == n - 1:
                ax.set_xlabel(labels.get(xj, xj), fontsize=8)
            else:
                ax.set_xticklabels([])
            if j == 0 and i > 0:
                ax.set_ylabel(labels.get(yi, yi), fontsize=8)
            ax.tick_params(labelsize=7)
    fig.tight_layout()
    return fig
