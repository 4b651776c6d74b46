"""Validation of multi-trace fits on parameter pytrees and of fixed-parameter propagation.

Toy models with known answers: shared parameters across traces, named paths into
nested pytrees, and the implicit-function Jacobian of a linear model (exact in
closed form) and of a nonlinear one (checked against refits).
"""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from jaxtherm._pytree import pytree_dataclass
from jaxtherm.fit import Trace, fit_traces, fit_traces_batched, least_squares
from jaxtherm.fit.paths import get_path, parse_path, set_path
from jaxtherm.fit.uncertainty import implicit_jacobian, propagate_fixed_uncertainty

TIMES = jnp.linspace(0.0, 4.0, 120)


@pytree_dataclass
class Decay:
    amplitude: float
    rate: float


@pytree_dataclass
class Sample:
    decays: tuple
    offsets: jax.Array


def _first_model(params):
    d = params.decays[0]
    return d.amplitude * jnp.exp(-d.rate * TIMES) + params.offsets[0]


def _second_model(params):
    d = params.decays[1]
    return d.amplitude * jnp.exp(-d.rate * TIMES) + params.offsets[1]


def _sample(rate=0.8):
    return Sample(decays=(Decay(1.0, rate), Decay(3.0, rate)), offsets=jnp.array([0.1, -0.2]))


def test_paths_get_and_set_in_nested_pytrees():
    """Paths reach dataclass fields, tuple elements, array elements and dict keys, and set_path works under grad."""
    sample = _sample()
    assert parse_path("decays[1].rate") == (("attr", "decays"), ("index", 1), ("attr", "rate"))
    assert get_path(sample, "decays[1].amplitude") == 3.0
    changed = set_path(sample, "offsets[1]", 5.0)
    assert float(changed.offsets[1]) == 5.0 and float(sample.offsets[1]) == -0.2
    tree = {"itr": {"W/Al2O3": 4.2e-9}, "layers": [1.0, 2.0]}
    assert get_path(tree, "itr['W/Al2O3']") == 4.2e-9
    assert set_path(tree, "layers[0]", 7.0)["layers"] == [7.0, 2.0]
    grad = jax.grad(lambda r: jnp.sum(_first_model(set_path(sample, "decays[0].rate", r))))(0.8)
    expected = float(jnp.sum(-TIMES * jnp.exp(-0.8 * TIMES)))
    np.testing.assert_allclose(grad, expected, rtol=1e-12)
    with pytest.raises(KeyError, match="no field 'thickness'"):
        get_path(sample, "decays[0].thickness")


def test_shared_parameter_joint_fit_equals_stacked_fit():
    """Two traces sharing one rate: fit_traces equals a hand-stacked least_squares, and the shared rate is better
    determined jointly than from either trace alone."""
    rng = np.random.default_rng(0)
    truth = _sample(0.8)
    sigma = 0.02
    data = [np.asarray(m(truth)) + sigma * rng.standard_normal(TIMES.shape) for m in (_first_model, _second_model)]
    traces = [
        Trace(model=_first_model, data=data[0], sigma=sigma, name="first"),
        Trace(model=_second_model, data=data[1], sigma=sigma, name="second"),
    ]
    free = {"rate": ["decays[0].rate", "decays[1].rate"], "a1": "decays[0].amplitude", "a2": "decays[1].amplitude"}
    start = _sample(1.5)
    joint = fit_traces(start, traces, free)

    def stacked(p):
        t = TIMES
        m1 = p["a1"] * jnp.exp(-p["rate"] * t) + 0.1
        m2 = p["a2"] * jnp.exp(-p["rate"] * t) - 0.2
        return jnp.concatenate([(data[0] - m1) / sigma, (data[1] - m2) / sigma])

    ref = least_squares(stacked, {"rate": 1.5, "a1": 1.0, "a2": 3.0})
    for name in ref.names:
        np.testing.assert_allclose(joint.values[name], ref.values[name], rtol=1e-8)
        np.testing.assert_allclose(joint.standard_errors[name], ref.standard_errors[name], rtol=1e-6)
    assert float(joint.params.decays[1].rate) == pytest.approx(joint.values["rate"])
    single = fit_traces(start, traces[:1], {"rate": "decays[0].rate", "a1": "decays[0].amplitude"})
    assert joint.standard_errors["rate"] < single.standard_errors["rate"]
    assert len(joint.trace_residuals) == 2 and joint.trace_residuals[1].shape == TIMES.shape

    # vmapped batch over noise realisations equals single fits.
    batch = [np.stack([d, d + 0.01]) for d in data]
    b = fit_traces_batched(start, traces, free, batch)
    np.testing.assert_allclose(b.values["rate"][0], joint.values["rate"], rtol=1e-8)


def test_implicit_jacobian_linear_model_exact():
    """y = a t + b + q t^2 with q fixed: d(a, b)/dq = -(X^T X)^-1 X^T t^2 exactly (linear least squares)."""
    t = np.asarray(TIMES)
    rng = np.random.default_rng(1)
    y = 0.5 * t + 0.2 + 0.1 * t**2 + 0.01 * rng.standard_normal(t.shape)

    def residual(free, fixed):
        return (y - free["a"] * TIMES - free["b"] - fixed["q"] * TIMES**2) / 0.01

    fit = least_squares(lambda f: residual(f, {"q": 0.1}), {"a": 1.0, "b": 1.0}, positive=False)
    design = np.stack([t, np.ones_like(t)], axis=1)
    exact = -np.linalg.solve(design.T @ design, design.T @ t**2)
    dxdq = implicit_jacobian(residual, fit.values, {"q": 0.1})
    np.testing.assert_allclose(dxdq[:, 0], exact, rtol=1e-8)
    _, cov = propagate_fixed_uncertainty(residual, fit.values, {"q": 0.1}, {"q": 0.003})
    np.testing.assert_allclose(cov, np.outer(exact, exact) * 0.003**2, rtol=1e-8)


def test_implicit_jacobian_nonlinear_matches_refits():
    """Exponential with a fixed offset q: dx/dq from the implicit-function theorem equals central differences of refits."""
    rng = np.random.default_rng(2)
    y = 2.0 * np.exp(-0.7 * np.asarray(TIMES)) + 0.05 + 0.02 * rng.standard_normal(TIMES.shape)

    def residual(free, fixed):
        return (y - free["a"] * jnp.exp(-free["k"] * TIMES) - fixed["q"]) / 0.02

    def refit(q):
        return least_squares(lambda f: residual(f, {"q": q}), {"a": 1.0, "k": 1.0}, tolerance=1e-14).values

    best = refit(0.05)
    dxdq = implicit_jacobian(residual, best, {"q": 0.05})
    plus, minus = refit(0.05 + 1e-4), refit(0.05 - 1e-4)
    fd = np.array([(plus[k] - minus[k]) / 2e-4 for k in ("a", "k")])
    np.testing.assert_allclose(dxdq[:, 0], fd, rtol=1e-5)
    gauss_newton = implicit_jacobian(residual, best, {"q": 0.05}, exact_hessian=False)
    np.testing.assert_allclose(gauss_newton, dxdq, rtol=0.05)  # small-residual problem: GN is close


def test_fit_traces_fixed_uncertainty_adds_to_covariance():
    """An uncertain fixed offset inflates the total uncertainty of the fitted amplitude and rate."""
    rng = np.random.default_rng(3)
    truth = _sample(0.8)
    data = np.asarray(_first_model(truth)) + 0.02 * rng.standard_normal(TIMES.shape)
    trace = Trace(model=_first_model, data=data, sigma=0.02)
    free = {"a": "decays[0].amplitude", "k": "decays[0].rate"}
    plain = fit_traces(truth, trace, free)
    with_fixed = fit_traces(truth, trace, free, fixed_uncertainties={"offsets[0]": 0.01})
    assert with_fixed.fixed_jacobian.shape == (2, 1)
    for name in ("a", "k"):
        assert with_fixed.standard_errors[name] > plain.standard_errors[name]
        assert with_fixed.statistical_errors[name] == pytest.approx(plain.standard_errors[name])
    expected = plain.covariance + np.outer(with_fixed.fixed_jacobian[:, 0], with_fixed.fixed_jacobian[:, 0]) * 1e-4
    np.testing.assert_allclose(with_fixed.covariance, expected, rtol=1e-10)


def test_trace_validation_errors():
    """Bad traces are rejected with messages naming the trace: NaN data, wrong sigma shape, non-positive sigma."""
    with pytest.raises(ValueError, match="'bad'.*NaN"):
        Trace(model=_first_model, data=[1.0, float("nan")], name="bad")
    with pytest.raises(ValueError, match="sigma"):
        Trace(model=_first_model, data=[1.0, 2.0], sigma=[1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="sigma"):
        Trace(model=_first_model, data=[1.0, 2.0], sigma=0.0)
    with pytest.raises(KeyError, match="no field"):
        fit_traces(_sample(), Trace(model=_first_model, data=np.ones(120)), {"x": "decays[0].nothing"})
