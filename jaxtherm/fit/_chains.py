"""The jitted NUTS chains of `sample`: vmapped over chains, each in its own Laplace-whitened frame.

Every chain samples `w` with `v = centre + L w`, `L L^T` the Gauss-Newton (Laplace)
covariance at its mode's optimum, so a near-Gaussian mode is isotropic in `w`. Three
adaptation schemes:

* `"dense"` (the default): the Laplace frame is the starting metric. The step size is
  dual-averaged over the whole warm-up; the draws of its middle 40 % (within-chain
  scatter, pooled over all chains) give a covariance, shrunk toward the identity (the Laplace
  covariance) by the number of draws, which becomes the dense inverse mass matrix for the
  last 40 % of the warm-up and the draws. One scan, one NUTS kernel: warm-up and draws compile once.
* `"laplace"`: the identity mass matrix throughout; only the step size is adapted.
* `"window"`: blackjax's window adaptation of a dense mass matrix on top of the
  whitening (Stan's schedule; needs a few hundred warm-up steps).
"""

from __future__ import annotations

import functools

import blackjax
import jax
import jax.numpy as jnp
from blackjax.adaptation.base import get_filter_adapt_info_fn
from blackjax.adaptation.step_size import dual_averaging_adaptation

from ._nuts import Static, _log_density_w

__all__ = ["ADAPTATIONS", "run_chains"]

#: Adaptation schemes of `run_chains` (see the module docstring).
ADAPTATIONS = ("dense", "laplace", "window")

_NUTS_KERNEL = blackjax.nuts.build_kernel()

# Shrinkage of the warm-up covariance toward the Laplace covariance: the estimate gets weight
# n / (n + _PRIOR_DRAWS + dim), so a short window cannot replace a good Laplace metric by noise.
_PRIOR_DRAWS = 10.0


def _window_chain(logdensity, key, w0, n_warmup, n_draws, target_acceptance, max_doublings):
    """blackjax's window adaptation (dense mass matrix, step size), then the draws."""
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


def _laplace_chain(logdensity, key, w0, whitening, settings, dense_window):
    """Dual-averaged step size in the Laplace frame; with `dense_window`, a shrunk dense metric too.

    Steps [0, n_warmup) adapt the step size; [n0, n1) also accumulate the draws' mean and
    scatter (Welford); at n1 the metric becomes the shrunk covariance pooled over all
    chains (`whitening`: this chain's L); the draws use the averaged step size. Without
    `dense_window` the metric stays the identity.
    """
    n_warmup, n_draws, target_acceptance, max_doublings = settings
    dim = w0.shape[0]
    n0, n1 = (n_warmup // 5, (3 * n_warmup) // 5) if dense_window else (n_warmup, n_warmup)
    da_init, da_update, _ = dual_averaging_adaptation(target_acceptance)

    def body(carry, inputs):
        state, da, metric, count, mean, scatter = carry
        key, i = inputs
        adapting = i < n_warmup
        step_size = jnp.exp(jnp.where(adapting, da.log_step_size, da.log_step_size_avg))
        state, info = _NUTS_KERNEL(key, state, logdensity, step_size, metric, max_doublings)
        updated = da_update(da, info.acceptance_rate)
        da = jax.tree_util.tree_map(lambda new, old: jnp.where(adapting, new, old), updated, da)
        # Welford accumulation of the window's draws.
        in_window = (i >= n0) & (i < n1)
        new_count = count + in_window
        delta = state.position - mean
        new_mean = mean + jnp.where(in_window, delta / jnp.maximum(new_count, 1), 0.0)
        scatter = scatter + jnp.where(in_window, jnp.outer(delta, state.position - new_mean), 0.0)
        # End of the window: the metric becomes the shrunk within-chain covariance pooled over all
        # chains (in v, then back to this chain's frame); dual averaging carries on.
        switch = dense_window & (i == n1 - 1)
        pooled_count, within = _pooled_covariance(whitening, new_count, scatter)
        shrink = pooled_count / (pooled_count + _PRIOR_DRAWS + dim)
        estimate = shrink * within + (1 - shrink) * jnp.eye(dim, dtype=w0.dtype)
        metric = jnp.where(switch, 0.5 * (estimate + estimate.T), metric)
        outputs = (state.position, state.logdensity, info.is_divergent, info.num_integration_steps)
        return (state, da, metric, new_count, new_mean, scatter), outputs

    # Unit step: the right scale of a whitened Gaussian; dual averaging corrects it within tens of steps.
    eye = jnp.eye(dim, dtype=w0.dtype)
    carry = (
        blackjax.nuts.init(w0, logdensity),
        da_init(jnp.asarray(1.0, dtype=w0.dtype)),
        eye,
        jnp.asarray(0.0, dtype=w0.dtype),
        jnp.zeros(dim, dtype=w0.dtype),
        jnp.zeros((dim, dim), dtype=w0.dtype),
    )
    steps = jnp.arange(n_warmup + n_draws)
    carry, outputs = jax.lax.scan(body, carry, (jax.random.split(key, n_warmup + n_draws), steps))
    return *(x[n_warmup:] for x in outputs), jnp.exp(carry[1].log_step_size_avg)


def _pooled_covariance(whitening, count, scatter):
    """`(draws, covariance in w)`: within-chain scatter summed over the vmapped chains in v = L w.

    Each chain's own mean is removed, so chains in separated modes add their shapes, not the
    distance between the modes.
    """
    total_count = jax.lax.psum(count, "chains")
    total = jax.lax.psum(whitening @ scatter @ whitening.T, "chains")
    n_chains = jax.lax.psum(1, "chains")
    covariance_v = total / jnp.maximum(total_count - n_chains, 1)
    back = jnp.linalg.solve(whitening, jnp.linalg.solve(whitening, covariance_v).T)
    return total_count, back


@functools.partial(jax.jit, static_argnums=(0, 6, 7, 8, 9, 10))
def run_chains(
    static: Static,
    keys,
    w_init,
    centres,
    whitenings,
    dyn,
    n_warmup,
    n_draws,
    target_acceptance,
    max_doublings,
    adaptation="dense",
):
    """NUTS chains under vmap; chain c samples w with v = centres[c] + whitenings[c] w.

    Returns `(positions, log densities, divergent, integration steps, step size per chain)`.
    """

    def one_chain(key, w0, centre, whitening):
        chain_dyn = dyn._replace(v0=centre, whitening=whitening)

        def logdensity(w):
            return _log_density_w(static, w, chain_dyn)

        settings = (n_warmup, n_draws, target_acceptance, max_doublings)
        if adaptation == "window":
            return _window_chain(logdensity, key, w0, *settings)
        return _laplace_chain(logdensity, key, w0, whitening, settings, adaptation == "dense")

    return jax.vmap(one_chain, axis_name="chains")(keys, w_init, centres, whitenings)
