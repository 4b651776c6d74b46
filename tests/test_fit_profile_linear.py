"""`jaxtherm.fit.profile` against the closed form of a linear-Gaussian model.

For y = a + b x + c x^2 with known Gaussian noise sigma_y, chi^2 is an exact quadratic form in (a, b, c). Profiling b
(a and c re-fitted at each grid value) gives

    chi2_p(b) = chi2_min + (b - b_hat)^2 / sigma_b^2,   sigma_b^2 = [(J^T J)^-1]_bb,

the re-fitted (a, c) are the conditional optimum (a, c)_hat + C_(ac),b / C_bb (b - b_hat), and the likelihood intervals
are b_hat +- sigma_b (Delta chi2 = 1) and b_hat +- 1.95996 sigma_b (Delta chi2 = 3.84). `profile` finds the crossings
by linear interpolation of Delta chi2 between grid points; for a parabola of curvature 2 / sigma_b^2 the linear
interpolant lies above it by at most h^2 / (4 sigma_b^2) (h the grid step), so a crossing of level L is displaced inward
by at most h^2 / (8 sigma_b sqrt(L)): the intervals are asserted to that bound, and to 1e-9 sigma_b against the
crossings of the exact parabola sampled on the same grid.
"""

import jax.numpy as jnp
import numpy as np
import pytest

import jaxtherm as jt

X = np.linspace(-0.5, 2.5, 25)  # off-centre abscissa: b correlates with a and c
SIGMA_Y = 0.02
TRUTH = {"a": 0.4, "b": -1.1, "c": 0.35}
FREE = ["a", "b", "c"]
DELTA_95 = 3.841458820694124  # chi^2(1 dof) quantile of 95 %


def _model(p):
    x = jnp.asarray(X)
    return p["a"] + p["b"] * x + p["c"] * x**2


@pytest.fixture(scope="module")
def problem():
    """Data (seed 11), the trace, the least-squares optimum, chi2_min and the covariance of the exact design."""
    data = np.asarray(_model(TRUTH)) + SIGMA_Y * np.random.default_rng(11).standard_normal(X.size)
    trace = jt.fit.Trace(model=_model, data=data, sigma=SIGMA_Y)
    design = np.stack([np.ones_like(X), X, X**2], axis=1) / SIGMA_Y
    target = data / SIGMA_Y
    theta_hat = np.linalg.solve(design.T @ design, design.T @ target)
    chi2_min = float(np.sum((target - design @ theta_hat) ** 2))
    covariance = np.linalg.inv(design.T @ design)
    return trace, theta_hat, chi2_min, covariance


@pytest.fixture(scope="module")
def profiled(problem):
    """Profile of b on a grid of step 0.1 sigma_b from -2.53 to +2.47 sigma_b (the optimum between grid points)."""
    trace, theta_hat, _, covariance = problem
    sigma_b = float(np.sqrt(covariance[1, 1]))
    grid = theta_hat[1] + sigma_b * (np.arange(51) * 0.1 - 2.53)
    return jt.fit.profile(dict(TRUTH), trace, FREE, "b", grid, positive=False), sigma_b


def test_profile_chi2_is_the_exact_quadratic(problem, profiled):
    """chi2_p(b) = chi2_min + (b - b_hat)^2 / sigma_b^2 at every grid point to 1e-8 relative; all re-fits converge;
    the one local minimum is the grid point nearest b_hat."""
    _, theta_hat, chi2_min, _ = problem
    result, sigma_b = profiled
    expected = chi2_min + (result.grid - theta_hat[1]) ** 2 / sigma_b**2
    relative = np.max(np.abs(result.chi2 / expected - 1.0))
    print(f"profile chi2 vs the quadratic: max relative error {relative:.1e}")
    assert relative < 1e-8
    assert np.all(result.converged)
    np.testing.assert_allclose(result.delta_chi2, expected - expected.min(), rtol=1e-7, atol=1e-7)
    nearest = float(result.grid[np.argmin(np.abs(result.grid - theta_hat[1]))])
    assert len(result.minima) == 1 and result.minima[0][0] == nearest


def test_refitted_parameters_follow_the_conditional_mean(problem, profiled):
    """The re-fitted a and c at each b equal the conditional optimum theta_o_hat + C_ob / C_bb (b - b_hat) to 1e-6 of
    their own sigma (the conditional slopes are not small here: |corr(a, b)|, |corr(b, c)| > 0.4)."""
    _, theta_hat, _, covariance = problem
    result, _ = profiled
    correlation = covariance / np.sqrt(np.outer(np.diag(covariance), np.diag(covariance)))
    assert abs(correlation[0, 1]) > 0.4 and abs(correlation[1, 2]) > 0.4
    for index, name in ((0, "a"), (2, "c")):
        conditional = theta_hat[index] + covariance[index, 1] / covariance[1, 1] * (result.grid - theta_hat[1])
        sigma = np.sqrt(covariance[index, index])
        error = np.max(np.abs(result.others[name] - conditional)) / sigma
        print(f"re-fitted {name}: max |error| / sigma = {error:.1e}")
        assert error < 1e-6, name


def _parabola_crossings(grid, delta, level):
    """Linear-interpolation crossings of `level` by the sampled parabola (one piece inside the grid)."""
    below = np.flatnonzero(delta <= level)
    i, j = below[0], below[-1]
    lo = grid[i - 1] + (level - delta[i - 1]) / (delta[i] - delta[i - 1]) * (grid[i] - grid[i - 1])
    hi = grid[j + 1] + (level - delta[j + 1]) / (delta[j] - delta[j + 1]) * (grid[j] - grid[j + 1])
    return lo, hi


def test_likelihood_intervals_are_one_and_1_96_sigma(problem, profiled):
    """The 68.3 % and 95 % intervals are single pieces b_hat -+ sigma_b and b_hat -+ 1.95996 sigma_b within
    h^2 / (8 sigma_b sqrt(L)) (1.25e-3 sigma_b at L = 1 for h = 0.1 sigma_b): the chord between grid points moves a
    crossing inward by at most that, and measuring Delta chi2 from the grid minimum (at most h / 2 from b_hat, i.e.
    a level at most h^2 / (4 sigma_b^2) too low) moves it outward by at most that. They equal the crossings of the
    exact parabola sampled on the same grid to 1e-9 sigma_b. sigma_b and b_hat are those of `fit_traces`."""
    trace, theta_hat, _, _ = problem
    result, sigma_b = profiled
    fit = jt.fit.fit_traces(dict(TRUTH), trace, FREE, positive=False, absolute_sigma=True)
    assert fit.standard_errors["b"] == pytest.approx(sigma_b, rel=1e-6)
    assert fit.values["b"] == pytest.approx(theta_hat[1], abs=1e-6 * sigma_b)
    step = float(result.grid[1] - result.grid[0])
    exact_delta = (result.grid - theta_hat[1]) ** 2 / sigma_b**2
    exact_delta = exact_delta - exact_delta.min()
    for pieces, level in ((result.interval68, 1.0), (result.interval95, DELTA_95)):
        assert len(pieces) == 1
        lo, hi = pieces[0]
        bound = step**2 / (8 * sigma_b * np.sqrt(level))
        errors = np.array([lo, hi]) - (theta_hat[1] + np.array([-1.0, 1.0]) * np.sqrt(level) * sigma_b)
        print(f"Delta chi2 = {level:.3f}: interval errors / sigma_b = {errors / sigma_b}, bound {bound / sigma_b:.2e}")
        assert np.all(np.abs(errors) <= bound)
        expected_lo, expected_hi = _parabola_crossings(result.grid, exact_delta, level)
        assert abs(lo - expected_lo) < 1e-9 * sigma_b and abs(hi - expected_hi) < 1e-9 * sigma_b
