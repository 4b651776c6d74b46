"""Sampling coordinates of bounded free parameters: logit map or linear, whichever is more Gaussian.

A parameter with a uniform or log-uniform prior on (a, b) is sampled either through the
logit map (x = a + (b - a) sigmoid(v), in log x for log-uniform: no walls, and for far
bounds effectively the log of x) or linearly (x = x_best + sd v, the prior density itself,
zero outside the bounds). The prior in x is the same either way; what changes is how
Gaussian the posterior is in the coordinate NUTS integrates. A posterior that is a curved
valley in log x - two interface resistances in series, whose sum the data fix, are a
straight valley in x and a curved one in log x - makes the curvature vary along the
valley, which forces small steps and gives divergent transitions. So `sample` measures
it: in the Laplace-whitened frame of a choice of coordinates a Gaussian has
log p(w) - log p(0) = -|w|^2 / 2 exactly; the mean squared departure from that at fixed
standard-normal points is the score (capped per point), and parameters are switched one
at a time (greedy, from all-logit and from all-linear) while the score drops. Only parameters whose posterior cannot reach their bounds
(`_far_from_walls`) may be linear, so the walls are never met.
"""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from ._nuts import gauss_newton, log_density_batch

__all__ = ["WALL_SIGMAS", "WALL_DROP", "choose_coordinates", "laplace_whitening"]

#: A linear coordinate needs both bounds this many Laplace standard deviations from the optimum,
WALL_SIGMAS = 8.0
#: or a drop of the log density by this much toward each bound (a Gaussian's at 5 sigma).
WALL_DROP = 12.5

# Standard-normal points of the score (same count as the line of `select_modes`: one compile).
_N_POINTS = 25
# Points at 1.5 standard deviations probe the tails, where a curved valley bends away.
_RADIUS = 1.5
# Largest squared departure (nats^2) one point contributes to the score.
_CAP = 100.0
# A switch must lower the score by this factor to be taken.
_GAIN = 0.8


def laplace_whitening(static, v, noise_start, dyn) -> tuple:
    """(L, L^-1) with L L^T the Gauss-Newton covariance of v at v."""
    precision = np.asarray(gauss_newton(static, jnp.asarray(v), jnp.asarray(noise_start), dyn))
    eigval, eigvec = np.linalg.eigh(0.5 * (precision + precision.T))
    eigval = np.maximum(eigval, 1e-12 * max(eigval.max(), 1e-300))
    return eigvec / np.sqrt(eigval)[None, :], (eigvec * np.sqrt(eigval)[None, :]).T


def _bounded_sd(prior_of, names, x_best, v_best, whitening) -> np.ndarray:
    """Laplace standard deviation in x of each free parameter (the logit map's chain rule; nan: normal)."""
    sd_v = np.sqrt(np.sum(whitening[: len(names)] ** 2, axis=1))
    out = np.full(len(names), np.nan)
    for i, name in enumerate(names):
        prior = prior_of[name]
        if prior.kind == "normal":
            continue
        t = 1.0 / (1.0 + np.exp(-v_best[i]))
        span = np.log(prior.b / prior.a) * x_best[i] if prior.kind == "log_uniform" else prior.b - prior.a
        out[i] = sd_v[i] * span * t * (1 - t)
    return out


def _score(static, dyn, v_of, mask, points, noise_start) -> float:
    """Mean squared departure of the whitened log density from the standard Gaussian's at `points`,
    summed over the Laplace frames of every optimum (`v_of(mask)`: their coordinates)."""
    trial = dyn._replace(linear=jnp.asarray(mask, dtype=float))
    total = 0.0
    for v in v_of(mask):
        whitening, _ = laplace_whitening(static, v, noise_start, trial)
        frame = trial._replace(v0=jnp.asarray(v), whitening=jnp.asarray(whitening))
        logp = np.asarray(log_density_batch(static, jnp.asarray(points), frame))
        departure = logp[1:] - logp[0] + 0.5 * np.sum(points[1:] ** 2, axis=1)
        # Capped: a point beyond a wall, or far off in one frame, counts as bad but cannot dominate.
        total += float(np.mean(np.minimum(np.where(np.isfinite(departure), departure**2, np.inf), _CAP)))
    return total


def _greedy(static, dyn, eligible, v_of, noise_start, start, points) -> tuple:
    """`(mask, score)`: single switches from `start` (1 = linear) while the score drops by `_GAIN`."""
    mask = np.asarray(start, dtype=float)
    best = _score(static, dyn, v_of, mask, points, noise_start)
    for _ in range(int(np.sum(eligible))):
        trials = []
        for i in np.flatnonzero(eligible):
            trial = mask.copy()
            trial[i] = 1.0 - trial[i]
            trials.append((_score(static, dyn, v_of, trial, points, noise_start), i, trial))
        score, _, trial = min(trials, key=lambda row: row[0])
        if not score < _GAIN * best:
            break
        mask, best = trial, score
    return mask, best


def _choose_mask(static, dyn, eligible, v_of, noise_start, seed=0) -> np.ndarray:
    """Greedy from all-logit and from all-linear (a valley may straighten only when several
    parameters switch together); the lower final score wins, all-linear unless all-logit is
    clearly better (a valley whose ends the local score does not see is straight in x)."""
    mask = np.zeros(len(eligible))
    if not np.any(eligible):
        return mask
    points = _RADIUS * np.random.default_rng(seed).standard_normal((_N_POINTS, len(v_of(mask)[0])))
    points[0] = 0.0
    from_logit = _greedy(static, dyn, eligible, v_of, noise_start, mask, points)
    from_linear = _greedy(static, dyn, eligible, v_of, noise_start, eligible.astype(float), points)
    return from_logit[0] if from_logit[1] < _GAIN * from_linear[1] else from_linear[0]


def _far_from_walls(static, dyn, prior_of, names, x_best, v_logit, whitening, sd) -> np.ndarray:
    """Per free parameter: True when the posterior cannot reach its bounds.

    Either both bounds lie `WALL_SIGMAS` Laplace standard deviations away, or the log density
    along the regression line of the parameter (the others following their Laplace conditional
    means, which tracks a straight valley) has dropped by more than `WALL_DROP` at 20 %, 10 %
    and 2 % of the way from each bound to the optimum.
    """
    with np.errstate(invalid="ignore"):
        lower = np.array([prior_of[n].a if prior_of[n].kind != "normal" else -np.inf for n in names])
        upper = np.array([prior_of[n].b if prior_of[n].kind != "normal" else np.inf for n in names])
        out = (sd > 0) & (x_best - WALL_SIGMAS * sd > lower) & (x_best + WALL_SIGMAS * sd < upper)
    covariance = whitening @ whitening.T
    frame = dyn._replace(v0=jnp.zeros(len(v_logit)), whitening=jnp.eye(len(v_logit)))
    for i, name in enumerate(names):
        if out[i] or not sd[i] > 0:
            continue
        prior, direction = prior_of[name], covariance[:, i] / covariance[i, i]
        targets = [x_best[i] + f * (bound - x_best[i]) for bound in (prior.a, prior.b) for f in (0.8, 0.9, 0.98)]
        steps = np.array([float(prior.to_unconstrained(t)) - v_logit[i] for t in targets])
        points = np.zeros((_N_POINTS, len(v_logit)))
        points[:] = v_logit
        points[1 : 1 + len(steps)] = v_logit + steps[:, None] * direction[None, :]
        logp = np.asarray(log_density_batch(static, jnp.asarray(points), frame))
        out[i] = bool(np.all(logp[1 : 1 + len(steps)] < logp[0] - WALL_DROP))
    return out & np.array([prior_of[n].kind != "normal" for n in names])


def choose_coordinates(static, dyn, prior_of, names, optima, v_logit, noise_start) -> tuple:
    """`(linear, scale)` per free parameter: the coordinate choice and the linear map's scale (SI).

    `dyn`: the problem with every parameter in the logit map, `v_logit` the best optimum there;
    `optima`: (k, n_free) candidate modes, best first (SI); every one's frame enters the score.
    """
    x_best = optima[0]
    whitening, _ = laplace_whitening(static, v_logit, noise_start, dyn)
    sd = _bounded_sd(prior_of, names, x_best, v_logit, whitening)
    eligible = _far_from_walls(static, dyn, prior_of, names, x_best, v_logit, whitening, sd)
    scale = np.where(eligible, sd, 1.0)
    n_free = len(names)
    scaled = dyn._replace(scale=jnp.asarray(scale, dtype=float))
    # The best optimum always (it may sit on a bound); the others when strictly inside the prior.
    inside = [x_best] + [row for row in optima[1:] if all(prior_of[n].contains(row[i]) for i, n in enumerate(names))]
    logit_rows = [
        np.array([float(prior_of[n].to_unconstrained(row[i])) for i, n in enumerate(names)]) for row in inside
    ]

    def v_of(mask):
        return [
            np.concatenate([np.where(mask > 0, (row - x_best) / scale, logit), v_logit[n_free:]])
            for row, logit in zip(inside, logit_rows)
        ]

    return _choose_mask(static, scaled, eligible, v_of, noise_start), scale
