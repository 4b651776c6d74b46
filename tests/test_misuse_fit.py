"""Misuse of the fitting layer: every entry either returns an honest result or refuses with a
named error. Fits that end badly say so (converged, poor_fit, at_bound, unconstrained and the
documented warning classes); a failure after the optimiser never loses its result."""

import dataclasses
import warnings

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import jaxtherm as jt
from jaxtherm.fit import (
    AtBoundWarning,
    ConvergenceWarning,
    ParameterPathError,
    PoorFitWarning,
    PostFitWarning,
    Trace,
    UnconstrainedParameterWarning,
    fit_traces,
    fit_traces_batched,
    least_squares,
    least_squares_batched,
)

TIMES = jnp.linspace(0.0, 5.0, 100)
SIGMA = 0.01
DATA = 2.0 * jnp.exp(-0.7 * TIMES) + SIGMA * jnp.asarray(np.random.default_rng(0).standard_normal(TIMES.shape))


def _decay(free, data):
    return (data - free["amplitude"] * jnp.exp(-free["rate"] * TIMES)) / SIGMA


def test_hopeless_start_is_not_reported_as_a_good_fit():
    """From rate = 1e4 (the model is 0 after the first point) the rate cannot move: the result is
    flagged poor (reduced chi2 >> 1, p-value ~ 0) and the rate unconstrained, with warnings naming it."""
    with pytest.warns(PoorFitWarning, match="reduced chi2") as record:
        result = least_squares(_decay, {"amplitude": 1.0, "rate": 1e4}, data=DATA)
    assert result.poor_fit and result.reduced_chi2 > 100 and result.p_value < 1e-6
    assert "rate" in result.unconstrained and not result.ok
    assert any(issubclass(r.category, UnconstrainedParameterWarning) and "'rate'" in str(r.message) for r in record)
    good = least_squares(_decay, {"amplitude": 1.0, "rate": 2.0}, data=DATA)
    assert good.converged and not good.poor_fit and good.ok and 0.5 < good.reduced_chi2 < 1.5
    assert 1e-3 < good.p_value <= 1.0


def test_iteration_cap_is_not_convergence():
    """One iteration from a poor start: converged is False and a ConvergenceWarning says so."""
    with pytest.warns(ConvergenceWarning, match="did not converge"):
        result = least_squares(_decay, {"amplitude": 1.0, "rate": 2.0}, data=DATA, max_iterations=1)
    assert not result.converged and not result.ok


def test_parameter_at_bound_is_flagged():
    """Truth rate 0.7 outside the interval (1, 3): the fit pins the rate at 1 and says so by name."""
    with pytest.warns(AtBoundWarning, match="'rate'"):
        result = least_squares(
            _decay, {"amplitude": 1.0, "rate": 2.0}, data=DATA, lower={"rate": 1.0}, upper={"rate": 3.0}
        )
    assert result.at_bound == ("rate",) and abs(result.values["rate"] - 1.0) < 1e-4
    # A positive parameter driven to zero is at its bound too.
    with pytest.warns(AtBoundWarning, match="'offset'"):
        pinned = least_squares(
            lambda f, d: (d - f["amplitude"] * jnp.exp(-f["rate"] * TIMES) + f["offset"]) / SIGMA,
            {"amplitude": 1.0, "rate": 2.0, "offset": 0.1},
            data=DATA + 0.5,
        )
    assert "offset" in pinned.at_bound


def test_parameter_the_data_cannot_see_is_flagged():
    """A parameter with zero sensitivity gets UnconstrainedParameterWarning naming it (not just a huge sd)."""
    with pytest.warns(UnconstrainedParameterWarning, match="'ghost'"):
        result = least_squares(
            lambda f, d: _decay(f, d) + 0.0 * f["ghost"], {"amplitude": 1.0, "rate": 2.0, "ghost": 3.0}, data=DATA
        )
    assert result.unconstrained == ("ghost",) and result.converged


def test_batched_fits_carry_the_same_flags():
    """least_squares_batched: per-member converged, poor_fit and at_bound masks equal the single fits'."""
    data = jnp.stack([DATA, DATA])
    batch = least_squares_batched(_decay, {"amplitude": 1.0, "rate": jnp.array([2.0, 1e4])}, data)
    assert list(batch.poor_fit) == [False, True]
    assert batch.unconstrained.shape == (2, 2) and batch.unconstrained[1, 1] and not batch.unconstrained[0].any()
    assert batch[1].poor_fit and "rate" in batch[1].unconstrained
    bounded = least_squares_batched(
        _decay, {"amplitude": 1.0, "rate": 2.0}, data, lower={"rate": 1.0}, upper={"rate": 3.0}
    )
    assert bounded.at_bound[:, 1].all()


def _checked_model(params):
    """Exp decay whose concrete evaluation refuses a negative rate (as jt.tdtr.Stack refuses R < 0)."""
    rate = params["rate"]
    if not isinstance(rate, jax.core.Tracer) and float(rate) < 0:
        raise ValueError(f"rate must be >= 0 (1/s), got {float(rate)}")
    return params["amplitude"] * jnp.exp(-rate * TIMES)


def test_unphysical_optimum_keeps_the_result():
    """positive=False lets the rate go negative (data grow); the post-fit prediction refuses it, but
    the optimiser's result is returned with a PostFitWarning and post_fit_error set."""
    growing = 2.0 * jnp.exp(0.3 * TIMES)
    trace = Trace(model=_checked_model, data=growing, sigma=SIGMA)
    with pytest.warns(PostFitWarning, match="rate must be >= 0"):
        result = fit_traces({"amplitude": 1.0, "rate": 0.5}, trace, ["amplitude", "rate"], positive=False)
    np.testing.assert_allclose(result.values["rate"], -0.3, rtol=1e-6)
    assert result.trace_models == [None] and "rate must be >= 0" in result.post_fit_error and not result.ok
    assert result.converged and np.isfinite(result.standard_errors["rate"])


def test_fit_traces_errors_name_the_parameter():
    """Wrong free paths, fixed-uncertainty paths and values fail before any fitting, naming the path."""
    params = {"amplitude": 1.0, "rate": 0.5}
    trace = Trace(model=_checked_model, data=DATA, sigma=SIGMA)
    with pytest.raises(ParameterPathError, match="'rat'"):
        fit_traces(params, trace, ["amplitude", "rat"])
    with pytest.raises(ValueError, match=r"fixed_uncertainties\['rate'\].*>= 0"):
        fit_traces({**params, "q": 1.0}, trace, ["amplitude"], fixed_uncertainties={"rate": -1.0})
    with pytest.raises(TypeError, match=r"fixed_uncertainties\['rate'\] must be a number"):
        fit_traces(params, trace, ["amplitude"], fixed_uncertainties={"rate": "abc"})
    with pytest.raises(ValueError, match="'amplitude', which is being fitted"):
        fit_traces(params, trace, ["amplitude"], fixed_uncertainties={"amplitude": 0.1})
    with pytest.raises(ParameterPathError, match="'nope'"):
        fit_traces(params, trace, ["amplitude"], fixed_uncertainties={"nope": 0.1})
    with pytest.raises(ValueError, match="batch data for trace"):
        fit_traces_batched(params, [trace], ["rate"], [np.zeros((2, 3))])


def test_least_squares_errors_name_the_parameter():
    """Non-numeric starts and bounds are TypeErrors naming the parameter; bad options name the option."""
    with pytest.raises(TypeError, match="initial value of 'rate' must be a number"):
        least_squares(_decay, {"amplitude": 1.0, "rate": "fast"}, data=DATA)
    with pytest.raises(TypeError, match="lower bound of 'rate' must be a number"):
        least_squares(_decay, {"amplitude": 1.0, "rate": 2.0}, data=DATA, lower={"rate": "zero"})
    with pytest.raises(ValueError, match="upper bound of 'rate' must be finite"):
        least_squares(_decay, {"amplitude": 1.0, "rate": 2.0}, data=DATA, upper={"rate": float("inf")})
    with pytest.raises(ValueError, match="tolerance"):
        least_squares(_decay, {"amplitude": 1.0, "rate": 2.0}, data=DATA, tolerance=True)
    with pytest.raises(ValueError, match="chunk_size"):
        least_squares_batched(_decay, {"amplitude": 1.0, "rate": 2.0}, jnp.stack([DATA]), chunk_size=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a good fit raises no warning at all
        least_squares(_decay, {"amplitude": 1.0, "rate": 2.0}, data=DATA)


def test_tdtr_hopeless_start_is_flagged():
    """The issue's example on a real TDTR model: W/quartz with the quartz conductivity started at
    1e-6 W/mK and R at 1e-2 m^2K/W runs the conductivity off to > 1e20 W/mK at reduced chi2 ~ 4e5.
    The result says so: poor_fit, the conductivity unconstrained, not ok, warnings naming it."""
    layers = [jt.tdtr.Layer(104e-9, 2.55e6, 158.1), jt.tdtr.Layer(np.inf, 1.66e6, 1.3736)]
    stack = jt.tdtr.Stack(layers=layers, resistances=[3e-9])
    setup = jt.tdtr.Setup(modulation_frequency=200e3, repetition_rate=20e6, one_dimensional=True)
    delays = np.geomspace(20e-12, 40e-9, 120)
    model = jt.tdtr.TdtrModel(setup, delays, "phase", stack_path="")
    data = np.asarray(model(stack)) + 1e-4 * np.random.default_rng(1).standard_normal(delays.size)
    hopeless = dataclasses.replace(
        stack, layers=[layers[0], dataclasses.replace(layers[1], conductivity=1e-6)], resistances=[1e-2]
    )
    free = {"quartz conductivity": "layers[1].conductivity", "R": "resistances[0]"}
    with pytest.warns(UnconstrainedParameterWarning, match="'quartz conductivity'"):
        result = fit_traces(hopeless, Trace(model=model, data=data, sigma=1e-4), free)
    assert result.values["quartz conductivity"] > 1e20 and result.reduced_chi2 > 1e4
    assert result.poor_fit and result.unconstrained == ("quartz conductivity",) and not result.ok
    good = fit_traces(stack, Trace(model=model, data=data, sigma=1e-4), free)
    assert good.ok and abs(good.values["quartz conductivity"] / 1.3736 - 1) < 0.01
