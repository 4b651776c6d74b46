"""Log posterior in the whitened coordinates and the jitted NUTS chains of `sample`.

A sampling problem is split into `Static` (hashable structure: the compilation key) and
`Dynamic` (arrays: new values never recompile). Chains run vmapped in one jit.
"""

from __future__ import annotations

import functools
import math
from typing import Any, NamedTuple

import blackjax
import jax
import jax.numpy as jnp
from blackjax.adaptation.base import get_filter_adapt_info_fn
from blackjax.adaptation.step_size import dual_averaging_adaptation

from ._priors import NOISE_SCALE_RANGE
from .paths import set_path

#: Adaptation schemes of `run_chains`: `"laplace"` keeps the identity mass matrix in the
#: Laplace-whitened coordinate and tunes only the step size (dual averaging); `"dense"` runs
#: blackjax's window adaptation of a dense mass matrix on top of the whitening.
ADAPTATIONS = ("laplace", "dense")

_NUTS_KERNEL = blackjax.nuts.build_kernel()


class Static(NamedTuple):
    """Hashable structure of a sampling problem (compilation key)."""

    models: tuple
    free_spec: tuple  # ((name, (paths...)), ...)
    prior_kinds: tuple
    nuisance_paths: tuple
    noise_fitted: bool
    sizes: tuple  # data points per trace


class Dynamic(NamedTuple):
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


def _unpack(static: Static, v, dyn: Dynamic):
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


def _weighted_residuals(static: Static, free_values, nuisance, dyn: Dynamic) -> list:
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


def _log_density_v(static: Static, v, dyn: Dynamic):
    free_values, nuisance, noise, log_prior = _unpack(static, v, dyn)
    residuals = _weighted_residuals(static, free_values, nuisance, dyn)
    log_like = 0.0
    for k, r in enumerate(residuals):
        log_like = log_like - 0.5 * jnp.sum(r**2) / noise[k] ** 2 - static.sizes[k] * jnp.log(noise[k])
    total = log_like + log_prior
    # A model that fails (NaN) outside its valid range is a point of zero density.
    return jnp.where(jnp.isfinite(total), total, -jnp.inf)


def _log_density_w(static: Static, w, dyn: Dynamic):
    return _log_density_v(static, dyn.v0 + dyn.whitening @ w, dyn)


@functools.partial(jax.jit, static_argnums=0)
def gauss_newton(static: Static, v, noise_start, dyn: Dynamic):
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
def log_density_batch(static: Static, w, dyn: Dynamic):
    return jax.vmap(lambda x: _log_density_w(static, x, dyn))(w)


@functools.partial(jax.jit, static_argnums=0)
def physical_batch(static: Static, w, dyn: Dynamic):
    def one(x):
        free_values, nuisance, noise, _ = _unpack(static, dyn.v0 + dyn.whitening @ x, dyn)
        return free_values, nuisance, noise

    return jax.vmap(one)(w)


def _dense_chain(logdensity, key, w0, n_warmup, n_draws, target_acceptance, max_doublings):
    """Window adaptation (dense mass matrix, step size), then the draws."""
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

    _, draws = jax.lax.scan(body, state, jax.random.split(key_draws, n_draws))
    return *draws, parameters["step_size"]


def _laplace_chain(logdensity, key, w0, n_warmup, n_draws, target_acceptance, max_doublings):
    """Identity mass matrix (the coordinate is already whitened); dual-averaged step size.

    Warm-up and draws share one scan (one NUTS kernel to compile): during warm-up the
    step size follows the dual-averaging iterate, afterwards its running average.
    """
    da_init, da_update, _ = dual_averaging_adaptation(target_acceptance)
    inverse_mass = jnp.ones(w0.shape[0], dtype=w0.dtype)

    def body(carry, inputs):
        state, da = carry
        key, adapting = inputs
        step_size = jnp.exp(jnp.where(adapting, da.log_step_size, da.log_step_size_avg))
        state, info = _NUTS_KERNEL(key, state, logdensity, step_size, inverse_mass, max_doublings)
        updated = da_update(da, info.acceptance_rate)
        da = jax.tree_util.tree_map(lambda new, old: jnp.where(adapting, new, old), updated, da)
        return (state, da), (state.position, state.logdensity, info.is_divergent, info.num_integration_steps)

    # Unit step: the right scale of a whitened Gaussian; dual averaging corrects it within tens of steps.
    carry = (blackjax.nuts.init(w0, logdensity), da_init(jnp.asarray(1.0, dtype=w0.dtype)))
    adapting = jnp.arange(n_warmup + n_draws) < n_warmup
    (_, da), outputs = jax.lax.scan(body, carry, (jax.random.split(key, n_warmup + n_draws), adapting))
    return *(x[n_warmup:] for x in outputs), jnp.exp(da.log_step_size_avg)


@functools.partial(jax.jit, static_argnums=(0, 6, 7, 8, 9, 10))
def run_chains(
    static: Static,
    keys,
    w_init,
    centres,
    whitenings,
    dyn: Dynamic,
    n_warmup,
    n_draws,
    target_acceptance,
    max_doublings,
    adaptation="dense",
):
    """NUTS chains under vmap; chain c samples w with v = centres[c] + whitenings[c] w.

    Returns `(positions, log densities, divergent, integration steps, step size per chain)`.
    """
    run_one = _laplace_chain if adaptation == "laplace" else _dense_chain

    def one_chain(key, w0, centre, whitening):
        chain_dyn = dyn._replace(v0=centre, whitening=whitening)

        def logdensity(w):
            return _log_density_w(static, w, chain_dyn)

        return run_one(logdensity, key, w0, n_warmup, n_draws, target_acceptance, max_doublings)

    return jax.vmap(one_chain)(keys, w_init, centres, whitenings)
