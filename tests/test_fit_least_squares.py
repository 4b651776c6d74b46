"""Validation of the model-agnostic least-squares core (`jaxtherm.fit.least_squares`).

Toy models whose best fit and covariance are known exactly (linear regression,
an exponential decay with an analytic Jacobian), plus the contract's promises:
bounds/positivity by reparametrisation, degeneracy warning, vmap = loop, no
retrace for new data, multi-start, clear errors.
"""

import warnings

import jax.numpy as jnp
import numpy as np
import pytest

from jaxtherm.fit import DegeneracyWarning, least_squares, least_squares_batched

TIMES = jnp.linspace(0.0, 5.0, 200)
SIGMA = 0.01


def _exponential_residuals(free, data):
    return (data - free["amplitude"] * jnp.exp(-free["rate"] * TIMES)) / SIGMA


def _line_residuals(free, data):
    return (data - (free["offset"] + free["slope"] * TIMES)) / SIGMA


@pytest.fixture(scope="module")
def noisy_exponential():
    rng = np.random.default_rng(1)
    return jnp.asarray(2.0 * np.exp(-0.7 * np.asarray(TIMES)) + SIGMA * rng.standard_normal(TIMES.shape))


def test_linear_model_matches_normal_equations():
    """A straight line: the fit equals the normal-equation solution and the covariance is sigma^2 (X^T X)^-1."""
    rng = np.random.default_rng(0)
    y = 0.3 - 1.2 * np.asarray(TIMES) + SIGMA * rng.standard_normal(TIMES.shape)
    result = least_squares(
        _line_residuals,
        {"offset": 1.0, "slope": 1.0},
        positive=False,
        data=jnp.asarray(y),
        absolute_sigma=True,
        tolerance=1e-13,
    )
    design = np.stack([np.ones(TIMES.shape), np.asarray(TIMES)], axis=1)
    exact = np.linalg.solve(design.T @ design, design.T @ y)
    exact_cov = SIGMA**2 * np.linalg.inv(design.T @ design)
    assert result.converged
    np.testing.assert_allclose([result.values["offset"], result.values["slope"]], exact, rtol=1e-9)
    np.testing.assert_allclose(result.covariance, exact_cov, rtol=1e-8)
    expected_corr = exact_cov[0, 1] / np.sqrt(exact_cov[0, 0] * exact_cov[1, 1])
    np.testing.assert_allclose(result.correlation[0, 1], expected_corr, rtol=1e-8)
    residual_variance = np.sum((y - design @ exact) ** 2) / SIGMA**2 / (len(y) - 2)
    np.testing.assert_allclose(result.reduced_chi2, residual_variance, rtol=1e-8)
    # Scaled covariance (default) = absolute covariance times the residual variance.
    scaled = least_squares(_line_residuals, {"offset": 1.0, "slope": 1.0}, positive=False, data=jnp.asarray(y))
    np.testing.assert_allclose(scaled.covariance, exact_cov * residual_variance, rtol=1e-8)


def test_exponential_covariance_from_analytic_jacobian(noisy_exponential):
    """Exponential decay: the optimum has zero gradient and the covariance equals s^2 (J^T J)^-1 with J written by hand."""
    result = least_squares(_exponential_residuals, {"amplitude": 1.0, "rate": 2.0}, data=noisy_exponential)
    amplitude, rate = result.values["amplitude"], result.values["rate"]
    t = np.asarray(TIMES)
    model = amplitude * np.exp(-rate * t)
    jac = np.stack([np.exp(-rate * t), -amplitude * t * np.exp(-rate * t)], axis=1) / SIGMA  # d model / d p
    residual = (np.asarray(noisy_exponential) - model) / SIGMA
    gradient_cosines = np.abs(jac.T @ residual) / (np.linalg.norm(jac, axis=0) * np.linalg.norm(residual))
    assert np.all(gradient_cosines < 1e-7)
    s2 = residual @ residual / (len(t) - 2)
    np.testing.assert_allclose(result.covariance, s2 * np.linalg.inv(jac.T @ jac), rtol=1e-6)
    np.testing.assert_allclose(result.chi2, residual @ residual, rtol=1e-10)
    np.testing.assert_allclose(np.abs(result.jacobian), np.abs(jac), rtol=1e-8, atol=1e-8 * np.abs(jac).max())


def test_bounds_keep_parameter_inside(noisy_exponential):
    """A true rate (0.7) outside the allowed interval: the fit stays inside (1, 3) and pushes to the edge."""
    result = least_squares(
        _exponential_residuals,
        {"amplitude": 1.0, "rate": 2.0},
        lower={"rate": 1.0},
        upper={"rate": 3.0},
        data=noisy_exponential,
        warn_degenerate=False,
    )
    assert 1.0 <= result.values["rate"] < 1.01


def test_lbfgs_and_multistart_agree_with_levenberg_marquardt(noisy_exponential):
    """optax L-BFGS and a vmapped multi-start reach the same optimum as plain Levenberg-Marquardt."""
    lm = least_squares(_exponential_residuals, {"amplitude": 1.0, "rate": 2.0}, data=noisy_exponential)
    lb = least_squares(
        _exponential_residuals,
        {"amplitude": 1.0, "rate": 2.0},
        data=noisy_exponential,
        method="lbfgs",
        max_iterations=500,
    )
    ms = least_squares(
        _exponential_residuals,
        {"amplitude": 1.0, "rate": 2.0},
        data=noisy_exponential,
        starts={"rate": [0.05, 0.5, 5.0, 50.0]},
    )
    for other in (lb, ms):
        for name in lm.names:
            np.testing.assert_allclose(other.values[name], lm.values[name], rtol=1e-6)


def test_multistart_escapes_local_minimum():
    """Frequency of a sinusoid: a single far start is trapped in a local minimum, vmapped starts are not."""
    rng = np.random.default_rng(3)
    y = jnp.asarray(np.sin(3.0 * np.asarray(TIMES)) + 0.05 * rng.standard_normal(TIMES.shape))

    def residuals(free, data):
        return (data - jnp.sin(free["frequency"] * TIMES)) / 0.05

    single = least_squares(residuals, {"frequency": 9.0}, data=y)
    multi = least_squares(residuals, {"frequency": 9.0}, data=y, starts={"frequency": np.linspace(0.5, 10.0, 20)})
    assert abs(single.values["frequency"] - 3.0) > 0.5
    assert abs(multi.values["frequency"] - 3.0) < 0.01
    assert multi.chi2 < single.chi2


def test_degenerate_pair_warns():
    """Two parameters entering only as their sum (y = (a + b) t + c t^2 nearly): |correlation| -> 1 triggers the warning."""
    rng = np.random.default_rng(4)
    y = jnp.asarray(2.0 * np.asarray(TIMES) + SIGMA * rng.standard_normal(TIMES.shape))

    def residuals(free, data):
        return (data - (free["a"] + free["b"]) * TIMES - 1e-6 * free["b"] * TIMES**2) / SIGMA

    with pytest.warns(DegeneracyWarning, match="'a' and 'b'"):
        result = least_squares(residuals, {"a": 0.5, "b": 1.0}, data=y)
    assert result.degenerate_pairs and abs(result.correlation[0, 1]) > 0.95
    np.testing.assert_allclose(result.values["a"] + result.values["b"], 2.0, rtol=1e-3)

    # A well-separated pair does not warn.
    with warnings.catch_warnings():
        warnings.simplefilter("error", DegeneracyWarning)
        least_squares(_line_residuals, {"offset": 1.0, "slope": 1.0}, positive=False, data=y)


def test_vmap_equals_loop_and_no_retrace(noisy_exponential):
    """Batched fits equal one-by-one fits; new data and starting values never retrace the solver."""
    traces = {"count": 0}

    def counting_residuals(free, data):
        traces["count"] += 1
        return _exponential_residuals(free, data)

    rng = np.random.default_rng(5)
    batch = jnp.asarray(2.0 * np.exp(-0.7 * np.asarray(TIMES)) + SIGMA * rng.standard_normal((4,) + TIMES.shape))
    batched = least_squares_batched(counting_residuals, {"amplitude": 1.0, "rate": 2.0}, batch)
    for i in range(4):
        single = least_squares(counting_residuals, {"amplitude": 1.0, "rate": 2.0}, data=batch[i])
        for name in single.names:
            np.testing.assert_allclose(batched.values[name][i], single.values[name], rtol=1e-9)
            np.testing.assert_allclose(batched.standard_errors[name][i], single.standard_errors[name], rtol=1e-7)
        np.testing.assert_allclose(batched.correlation[i], single.correlation, atol=1e-9)
    count = traces["count"]
    least_squares(counting_residuals, {"amplitude": 3.0, "rate": 0.1}, data=noisy_exponential)
    least_squares(counting_residuals, {"amplitude": 1.5, "rate": 1.0}, data=batch[0] * 1.1)
    assert traces["count"] == count


def test_toy_coverage_over_seeds():
    """Exponential decay over 200 noise seeds: truth within 2 sigma ~95 % and sigma ~ seed-to-seed scatter."""
    rng = np.random.default_rng(6)
    truth = {"amplitude": 2.0, "rate": 0.7}
    clean = truth["amplitude"] * np.exp(-truth["rate"] * np.asarray(TIMES))
    batch = jnp.asarray(clean + SIGMA * rng.standard_normal((200,) + TIMES.shape))
    fits = least_squares_batched(_exponential_residuals, {"amplitude": 1.0, "rate": 2.0}, batch)
    assert np.all(fits.converged)
    for name, true in truth.items():
        z = (fits.values[name] - true) / fits.standard_errors[name]
        assert 0.90 <= np.mean(np.abs(z) < 2.0) <= 0.99
        scatter = np.std(fits.values[name], ddof=1)
        assert abs(np.mean(fits.standard_errors[name]) / scatter - 1.0) < 0.3


def test_bad_input_errors():
    """Non-positive starts of positive parameters, inverted bounds, unknown names and NaN starts are rejected clearly."""
    with pytest.raises(ValueError, match="'rate'.*positive"):
        least_squares(_exponential_residuals, {"amplitude": 1.0, "rate": -2.0}, data=TIMES)
    with pytest.raises(ValueError, match="lower < upper"):
        least_squares(
            _exponential_residuals,
            {"amplitude": 1.0, "rate": 2.0},
            lower={"rate": 3.0},
            upper={"rate": 1.0},
            data=TIMES,
        )
    with pytest.raises(ValueError, match="not fitted"):
        least_squares(_exponential_residuals, {"amplitude": 1.0, "rate": 2.0}, lower={"thickness": 0.0}, data=TIMES)
    with pytest.raises(ValueError, match="finite"):
        least_squares(_exponential_residuals, {"amplitude": float("nan"), "rate": 2.0}, data=TIMES)
    with pytest.raises(ValueError, match="strictly inside"):
        least_squares(
            _exponential_residuals,
            {"amplitude": 1.0, "rate": 5.0},
            lower={"rate": 1.0},
            upper={"rate": 3.0},
            data=TIMES,
        )
    with pytest.raises(ValueError, match="method"):
        least_squares(_exponential_residuals, {"amplitude": 1.0, "rate": 2.0}, data=TIMES, method="newton")
