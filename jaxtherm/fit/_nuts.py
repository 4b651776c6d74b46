"""Log posterior of `sample` in its sampling coordinates (physical values, priors, Gauss-Newton).

A sampling problem is split into `Static` (hashable structure: the compilation key) and
`Dynamic` (arrays: new values never recompile).
"""

from __future__ import annotations

import functools
import math
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
from jax.scipy.linalg import block_diag

from ._priors import NOISE_SCALE_RANGE
from ._residuals import insert, residual_parts
from .paths import set_path


class Static(NamedTuple):
    """Hashable structure of a sampling problem (compilation key)."""

    models: tuple  # ModelKey per trace: by structure for traced-abscissa models (a new file does not recompile)
    free_spec: tuple  # ((name, (paths...)), ...)
    prior_kinds: tuple
    nuisance_paths: tuple
    noise_fitted: bool


class Dynamic(NamedTuple):
    """Arrays of a sampling problem (new values never recompile)."""

    params: Any
    datas: list  # padded to the length bucket for traced-abscissa models
    sigmas: list
    sqrt_weights: list
    abscissas: list  # padded abscissa per trace (None: plain model)
    masks: list  # 0/1 of the real rows per trace (None: plain model)
    n_points: jax.Array  # real data points per trace
    prior_a: jax.Array
    prior_b: jax.Array
    nuisance_center: jax.Array
    nuisance_sd: jax.Array
    v0: jax.Array
    whitening: jax.Array  # L, v = v0 + L w
    linear: jax.Array  # per free parameter: 1 samples x = centre + scale v (bounds as walls), 0 the logit map
    centre: jax.Array
    scale: jax.Array


def _uniform_kind_log_prior(v):
    return -jax.nn.softplus(-v) - jax.nn.softplus(v)


def _bounded(kind, a, b, v, linear, centre, scale):
    """Value and log prior density (in v) of a parameter with a uniform or log-uniform prior on (a, b).

    Logit map (`linear` 0): x = a + (b - a) sigmoid(v) (in log x for log-uniform), density
    t (1 - t) in v, no wall. Linear map (`linear` 1): x = centre + scale v, density the
    prior's own (1/x for log-uniform) and zero outside (a, b); `sample` chooses it only when
    the bounds lie far outside the posterior and the likelihood is more Gaussian in x.
    """
    t = jax.nn.sigmoid(v)
    x_logit = jnp.exp(jnp.log(a) + (jnp.log(b) - jnp.log(a)) * t) if kind == "log_uniform" else a + (b - a) * t
    x_linear = centre + scale * v
    inside = (x_linear > a) & (x_linear < b)
    safe = jnp.where(inside, x_linear, centre)
    log_linear = jnp.where(inside, -jnp.log(safe) if kind == "log_uniform" else 0.0, -jnp.inf)
    use_linear = linear > 0
    return jnp.where(use_linear, safe, x_logit), jnp.where(use_linear, log_linear, _uniform_kind_log_prior(v))


def _free_values(static: Static, v_free, dyn: Dynamic):
    """Physical values of the free parameters at their sampling coordinates, and their log prior."""
    values, log_prior = [], 0.0
    for i, kind in enumerate(static.prior_kinds):
        a, b = dyn.prior_a[i], dyn.prior_b[i]
        if kind == "normal":
            x, lp = a + b * v_free[i], -0.5 * v_free[i] ** 2
        else:
            x, lp = _bounded(kind, a, b, v_free[i], dyn.linear[i], dyn.centre[i], dyn.scale[i])
        values.append(x)
        log_prior = log_prior + lp
    return (jnp.stack(values) if values else jnp.zeros(0, dtype=v_free.dtype)), log_prior


def _unpack(static: Static, v, dyn: Dynamic):
    """Physical free values, nuisance values and noise scales of the coordinates v, and log prior."""
    n_free, n_nuis = len(static.free_spec), len(static.nuisance_paths)
    values, log_prior = _free_values(static, v[:n_free], dyn)
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
    return values, nuisance, noise, log_prior


def _weighted_residuals(static: Static, free_values, nuisance, dyn: Dynamic) -> list:
    params = dyn.params
    for j, path in enumerate(static.nuisance_paths):
        params = set_path(params, path, nuisance[j])
    params = insert(params, static.free_spec, {name: free_values[i] for i, (name, _) in enumerate(static.free_spec)})
    return residual_parts(static.models, params, dyn)


def _log_density_v(static: Static, v, dyn: Dynamic):
    free_values, nuisance, noise, log_prior = _unpack(static, v, dyn)
    residuals = _weighted_residuals(static, free_values, nuisance, dyn)
    log_like = 0.0
    for k, r in enumerate(residuals):
        log_like = log_like - 0.5 * jnp.sum(r**2) / noise[k] ** 2 - dyn.n_points[k] * jnp.log(noise[k])
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
    # Prior curvature of the free block (diagonal; the linear map of a log-uniform prior gives a
    # small negative term, which the eigenvalue floor of the whitening absorbs).
    free_curvature = -jax.hessian(lambda u: _free_values(static, u, dyn)[1])(v[:n_free])
    h = jac.T @ jac + block_diag(free_curvature, jnp.eye(n_nuis, dtype=v.dtype))
    if static.noise_fitted:
        lo, hi = math.log(NOISE_SCALE_RANGE[0]), math.log(NOISE_SCALE_RANGE[1])
        t = jax.nn.sigmoid(v[n_fn:])
        dlogs_dv = (hi - lo) * t * (1 - t)
        h_noise = 2.0 * dyn.n_points * dlogs_dv**2 + 2 * t * (1 - t)
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
