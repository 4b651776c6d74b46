"""A new measurement file does not recompile the fit: traced abscissas, length buckets, masked residuals.

A model that declares its abscissa (`abscissa`, `structure`, `model(params, x)`) receives
it as a traced argument. Two files of one length share the compiled fit; files of other
lengths share it through zero-masked padding to a bucket, and the padding changes no
reported number (best values, chi^2, degrees of freedom, covariance, residuals).
"""

import jax.numpy as jnp
import numpy as np
import pytest
from jax.core import Tracer

from jaxtherm.fit import Trace, fit_traces, fit_traces_batched
from jaxtherm.fit._abscissa import bucket_size
from jaxtherm.fit.problem import predict

SIGMA = 0.01
TRUTH = {"amplitude": 2.0, "rate": 0.7, "offset": 0.1}


class CountingDecay:
    """amplitude exp(-rate t) + offset on a traced time axis; counts how often it is traced."""

    traces = 0

    def __init__(self, times):
        self.abscissa = np.asarray(times, dtype=float)

    structure = "counting decay"

    def __call__(self, params, times=None):
        times = self.abscissa if times is None else times
        if isinstance(times, Tracer):
            CountingDecay.traces += 1
        return params["amplitude"] * jnp.exp(-params["rate"] * times) + params["offset"]


def _trace(n, seed, start=0.0):
    times = np.linspace(start, 5.0, n)
    rng = np.random.default_rng(seed)
    model = CountingDecay(times)
    data = np.asarray(model(TRUTH)) + SIGMA * rng.standard_normal(n)
    return Trace(model=model, data=data, sigma=SIGMA)


FREE = ["amplitude", "rate"]


def test_bucket_ladder():
    """Buckets are 32, 48, 64, 96, ...: never smaller than the trace, at most a third padding."""
    assert [bucket_size(n) for n in (1, 32, 33, 48, 49, 64, 65, 96, 97, 250, 500)] == [
        32,
        32,
        48,
        48,
        64,
        64,
        96,
        96,
        128,
        256,
        512,
    ]
    for n in range(32, 3000, 7):
        assert n <= bucket_size(n) < 1.5 * n + 1


def test_same_length_files_do_not_retrace():
    """Two files of 40 points on different time grids: the second fit traces the model zero times."""
    first = fit_traces(dict(TRUTH), _trace(40, 1), FREE)
    count = CountingDecay.traces
    assert count > 0
    second = fit_traces(dict(TRUTH), _trace(40, 2, start=0.05), FREE)
    assert CountingDecay.traces == count
    assert first.converged and second.converged
    assert abs(second.values["rate"] - TRUTH["rate"]) < 5 * second.standard_errors["rate"]


def test_other_lengths_reuse_their_bucket():
    """Files of 33, 41 and 47 points all fall in the 48-point bucket: one trace of the model for all three."""
    fit_traces(dict(TRUTH), _trace(33, 3), FREE)
    count = CountingDecay.traces
    for n, seed in ((41, 4), (47, 5)):
        result = fit_traces(dict(TRUTH), _trace(n, seed), FREE)
        assert result.fit.n_data == n and result.fit.degrees_of_freedom == n - 2
        assert result.trace_residuals[0].shape == (n,) and result.trace_models[0].shape == (n,)
    assert CountingDecay.traces == count


def test_masked_residuals_equal_the_unpadded_fit():
    """A 40-point file fitted padded to 48 (traced abscissa) and unpadded (a plain closure) gives the same
    best values, chi^2, reduced chi^2, dof, covariance (fixed-parameter propagation included),
    residuals and predictions to 1e-10; a padded batched fit reports the real rows only and equals the
    single fits."""
    trace = _trace(40, 6)
    times = trace.model.abscissa
    plain = Trace(model=lambda p: trace.model(p, times), data=trace.data, sigma=SIGMA)
    options = dict(fixed_uncertainties={"offset": 0.01})
    padded_fit, plain_fit = (
        fit_traces(dict(TRUTH), trace, FREE, **options),
        fit_traces(dict(TRUTH), plain, FREE, **options),
    )
    for name in FREE:
        assert padded_fit.values[name] == pytest.approx(plain_fit.values[name], rel=1e-10)
        assert padded_fit.standard_errors[name] == pytest.approx(plain_fit.standard_errors[name], rel=1e-10)
    assert padded_fit.chi2 == pytest.approx(plain_fit.chi2, rel=1e-10)
    assert padded_fit.reduced_chi2 == pytest.approx(plain_fit.reduced_chi2, rel=1e-10)
    assert padded_fit.fit.degrees_of_freedom == plain_fit.fit.degrees_of_freedom == 38
    assert padded_fit.p_value == pytest.approx(plain_fit.p_value, rel=1e-8)
    np.testing.assert_allclose(padded_fit.covariance, plain_fit.covariance, rtol=1e-10)
    np.testing.assert_allclose(padded_fit.fixed_jacobian, plain_fit.fixed_jacobian, rtol=1e-10)
    np.testing.assert_allclose(padded_fit.trace_residuals[0], plain_fit.trace_residuals[0], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(padded_fit.trace_models[0], plain_fit.trace_models[0], rtol=1e-10)
    np.testing.assert_allclose(predict(padded_fit.params, [trace])[0], padded_fit.trace_models[0], rtol=1e-12)
    rng = np.random.default_rng(7)
    batch = np.asarray(trace.model(TRUTH)) + SIGMA * rng.standard_normal((2, 40))
    batched = fit_traces_batched(dict(TRUTH), trace, FREE, [batch])
    assert batched.n_data == 40 and batched.residuals.shape == (2, 40) and batched.degrees_of_freedom == 38
    for i in range(2):
        single = fit_traces(dict(TRUTH), Trace(model=trace.model, data=batch[i], sigma=SIGMA), FREE)
        assert batched.values["rate"][i] == pytest.approx(single.values["rate"], rel=1e-10)
        assert batched.chi2[i] == pytest.approx(single.chi2, rel=1e-10)
        np.testing.assert_allclose(batched.residuals[i], single.fit.residuals, rtol=1e-9, atol=1e-12)


def test_abscissa_length_must_match_the_data():
    """A model predicting at 40 points with 39 data points is refused before any fitting, naming the trace."""
    model = CountingDecay(np.linspace(0, 5, 40))
    with pytest.raises(ValueError, match="'short'.*40 points"):
        Trace(model=model, data=np.zeros(39), sigma=SIGMA, name="short")
