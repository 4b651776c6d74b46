"""A new measurement file does not recompile the fit: traced abscissas, length buckets, masked residuals.

A model that declares its abscissa (`abscissa`, `structure`, `model(params, x)`) receives
it as a traced argument, in fits, chi^2 maps and profiles alike. Two files of one length share the compiled fit; files of other
lengths share it through zero-masked padding to a bucket, and the padding changes no
reported number (best values, chi^2, degrees of freedom, covariance, residuals).
"""

import jax.numpy as jnp
import numpy as np
import pytest
from jax.core import Tracer

from jaxtherm.fit import Trace, chi2_map, fit_traces, fit_traces_batched, profile
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


# --- chi^2 maps and profiles take the same traced abscissa -------------------------------------------------------

GRID_RATE = np.linspace(0.6, 0.8, 5)
GRID_AMPLITUDE = np.linspace(1.9, 2.1, 4)


def _unpadded(trace):
    """The same trace with its abscissa closed over: a plain model, evaluated at exactly its own points."""
    times = trace.model.abscissa
    return Trace(model=lambda p: trace.model(p, times), data=trace.data, sigma=SIGMA)


def _maps(trace, grid_amplitude=GRID_AMPLITUDE):
    """The plain chi^2 map of (amplitude, rate) and the profile map with the offset re-fitted."""
    pair = ["amplitude", "rate"]
    plain = chi2_map(dict(TRUTH), trace, pair, grid_amplitude, GRID_RATE)
    # Unconstrained re-fits: the offset (and in the profile the amplitude) enter linearly, so each re-fit ends at its
    # exact conditional optimum and padded and unpadded runs can be compared to round-off.
    refit = dict(refit=["offset"], positive=False, max_iterations=50)
    refitted = chi2_map(dict(TRUTH), trace, pair, grid_amplitude, GRID_RATE, **refit)
    return plain, refitted


def _profile(trace, grid=GRID_RATE):
    return profile(dict(TRUTH), trace, ["amplitude", "rate", "offset"], "rate", grid, positive=False, max_iterations=50)


def test_chi2_maps_and_profiles_of_a_new_file_do_not_retrace():
    """chi^2 maps (plain and re-fitted) and a profile of a 40-point file, then of a 40-point file on another time
    grid and of a 45-point file (same 48-point bucket), with new grid values: the model is traced zero times more."""
    before = CountingDecay.traces
    _maps(_trace(40, 11))
    _profile(_trace(40, 11))
    count = CountingDecay.traces
    assert count > before  # the abscissa reached the model as a tracer
    for n, seed, start in ((40, 12, 0.05), (45, 13, 0.0)):
        plain, refitted = _maps(_trace(n, seed, start), GRID_AMPLITUDE + 0.01)
        prof = _profile(_trace(n, seed, start), GRID_RATE + 0.005)
        assert plain.n_data == refitted.n_data == n and np.all(refitted.converged) and np.all(prof.converged)
    assert CountingDecay.traces == count


def test_padded_maps_and_profiles_equal_the_unpadded_ones():
    """A 40-point file padded to 48 (traced abscissa) and unpadded (a plain closure): the chi^2 map, the re-fitted
    map (chi^2, re-fitted offsets) and the profile (chi^2, re-fitted values, intervals) agree to 1e-10."""
    trace = _trace(40, 14)
    padded, unpadded = _maps(trace), _maps(_unpadded(trace))
    for a, b in zip(padded, unpadded):
        np.testing.assert_allclose(a.chi2, b.chi2, rtol=1e-10)
        assert a.reference_chi2 == pytest.approx(b.reference_chi2, rel=1e-10) and a.n_data == b.n_data == 40
    np.testing.assert_allclose(padded[1].refit_values["offset"], unpadded[1].refit_values["offset"], rtol=1e-10)
    prof, plain_prof = _profile(trace), _profile(_unpadded(trace))
    np.testing.assert_allclose(prof.chi2, plain_prof.chi2, rtol=1e-10)
    for name in ("amplitude", "offset"):
        np.testing.assert_allclose(prof.others[name], plain_prof.others[name], rtol=1e-10)
    np.testing.assert_allclose(prof.interval68, plain_prof.interval68, rtol=1e-10)


def test_result_params_keep_the_users_leaf_types_and_reuse_the_users_compilation():
    """Fitted values come back as the type of the leaf they replace (Python float, numpy float32,
    numpy float64), so a jitted model evaluated first at the user's parameters and then at the
    result compiles once."""
    import jax

    params = {"amplitude": 1.5, "rate": np.float32(0.5), "offset": np.float64(0.0), "scale": jnp.asarray(1.0)}
    free = {"amplitude": "amplitude", "rate": "rate", "offset": "offset"}
    fit = fit_traces(params, [_trace(40, 3)], free, positive=False, warn=False)
    assert type(fit.params["amplitude"]) is float
    assert fit.params["rate"].dtype == np.float32 and fit.params["offset"].dtype == np.float64
    assert not isinstance(fit.params["offset"], jax.Array) and fit.params["scale"] is params["scale"]
    assert fit.params["amplitude"] == pytest.approx(TRUTH["amplitude"], rel=0.05)
    curve = jax.jit(lambda p: p["scale"] * p["amplitude"] * jnp.exp(-p["rate"]) + p["offset"])
    curve(params)
    compiled = curve._cache_size()
    curve(fit.params)
    assert curve._cache_size() == compiled
