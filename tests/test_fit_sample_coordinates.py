"""Sampling coordinates of bounded parameters: the prior in x stays the user's whichever map NUTS uses.

`sample` integrates a (log-)uniform parameter either through the logit map of its bounds or
linearly in x (bounds as walls the posterior cannot reach), whichever makes the posterior
more Gaussian. Both tests compare sampled marginals with ones computed independently by
quadrature, one for each coordinate: a straight valley (two parameters whose sum the data
fix, as two interface resistances in series) sampled linearly, and a posterior pressed
against the lower bound of a uniform prior, sampled through the logit map.
"""

import jax.numpy as jnp
import numpy as np
import pytest
from scipy import stats

from jaxtherm.fit import Trace, sample

X = np.linspace(0.0, 1.0, 30)


def _check_marginal(draws, ess, grid, density):
    """Sampled mean and sd equal the quadrature's within 4 Monte-Carlo standard errors."""
    density = density / np.trapezoid(density, grid)
    mean = np.trapezoid(grid * density, grid)
    sd = np.sqrt(np.trapezoid((grid - mean) ** 2 * density, grid))
    assert abs(np.mean(draws) - mean) < 4 * sd / np.sqrt(ess), (np.mean(draws), mean, sd, ess)
    assert abs(np.std(draws) / sd - 1) < 4 * np.sqrt(2 / ess), (np.std(draws), sd, ess)


def test_series_valley_is_sampled_linearly_with_the_log_uniform_prior_kept():
    """y = (a + b) + 0.2 (a - b) x: the data fix a + b = 3 to 0.3 % and a - b only to ~40 %, a
    straight valley in (a, b) that is curved in (log a, log b). `sample` samples both linearly;
    the default log-uniform priors (density 1/(a b)) stay in force: the marginals of a and b
    equal those of a 2-D quadrature of likelihood x prior, the chains mix (R-hat < 1.01) and
    no transition diverges."""
    sigma = 0.02
    rng = np.random.default_rng(7)
    truth = {"a": 1.2, "b": 1.8}
    y = (truth["a"] + truth["b"]) + 0.2 * (truth["a"] - truth["b"]) * X + sigma * rng.standard_normal(X.size)

    def model(p):
        return (p["a"] + p["b"]) + 0.2 * (p["a"] - p["b"]) * jnp.asarray(X)

    result = sample(
        {"a": 1.5, "b": 1.5}, Trace(model=model, data=y, sigma=sigma), ["a", "b"], n_chains=4, n_warmup=200, n_draws=400
    )
    assert set(result.linear_names) == {"a", "b"}
    assert result.n_divergent == 0
    assert max(result.rhat.values()) < 1.01
    # Quadrature in (s, d) = (a + b, a - b) (unit-free constant Jacobian); prior 1/(a b) on the
    # default bounds (x0 / 100, 100 x0), which the valley stays far inside.
    s = np.linspace(2.9, 3.1, 401)[:, None]
    d = np.linspace(-3.0, 3.0, 1201)[None, :]
    a, b = (s + d) / 2, (s - d) / 2
    chi2 = np.sum(((s[..., None] + 0.2 * d[..., None] * X) - y) ** 2, axis=-1) / sigma**2
    inside = (a > 0.015) & (b > 0.015)
    post = np.where(inside, np.exp(-0.5 * (chi2 - chi2.min())) / np.where(inside, a * b, 1.0), 0.0)
    grid = np.linspace(0.02, 3.0, 1500)
    for name, values in (("a", a), ("b", b)):
        hist = np.histogram(values.ravel(), bins=grid, weights=post.ravel())[0]
        centres = 0.5 * (grid[1:] + grid[:-1])
        _check_marginal(result.draws[name].ravel(), result.ess_bulk[name], centres, hist)


def test_posterior_at_a_uniform_bound_keeps_the_logit_map_and_its_truncated_marginal():
    """Data y = c + noise put c at 0.05 +- 0.1 while the prior is uniform on (0, 1): the posterior
    is a normal truncated at 0. The wall is within reach, so c stays in the logit map (no
    divergences at the bound), and the sampled mean and sd equal the truncated normal's."""
    sigma = 0.1 * np.sqrt(X.size)
    y = np.full(X.size, 0.05) + sigma * np.random.default_rng(2).standard_normal(X.size)
    y = y - y.mean() + 0.05  # the likelihood's centre is exactly 0.05

    def model(p):
        return p["c"] * jnp.ones(X.size)

    result = sample(
        {"c": 0.2},
        Trace(model=model, data=y, sigma=sigma),
        ["c"],
        positive=False,
        lower={"c": 0.0},
        upper={"c": 1.0},
        n_chains=4,
        n_warmup=200,
        n_draws=400,
    )
    assert result.linear_names == ()
    assert result.n_divergent == 0
    truncated = stats.truncnorm((0.0 - 0.05) / 0.1, (1.0 - 0.05) / 0.1, loc=0.05, scale=0.1)
    grid = np.linspace(1e-6, 1.0, 4001)
    _check_marginal(result.draws["c"].ravel(), result.ess_bulk["c"], grid, truncated.pdf(grid))
    assert result.median["c"] == pytest.approx(
        truncated.median(), abs=4 * truncated.std() / np.sqrt(result.ess_bulk["c"])
    )
