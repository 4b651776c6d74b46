"""Averaging repeat scans: numpy-exact means and standard errors, 1/sqrt(N) scaling, interpolation, outlier rule."""

import numpy as np
import pytest

import jaxtherm as jt

lab = jt.lab
DELAYS = np.geomspace(100e-12, 4e-9, 50)


def _signal(t):
    return 2.0 + np.log(t / 1e-12)  # smooth, nonlinear in t


def test_identical_grids_match_numpy():
    """On identical grids the average is numpy's mean over scans and sigma its standard error std(ddof=1)/sqrt(N)
    exactly; no interpolation is reported; the average becomes a fit Trace with that data and sigma."""
    rng = np.random.default_rng(0)
    values = _signal(DELAYS) + 0.1 * rng.standard_normal((5, DELAYS.size))
    result = lab.average_scans([(DELAYS, v) for v in values])
    np.testing.assert_array_equal(result.delays, DELAYS)
    np.testing.assert_allclose(result.values, values.mean(axis=0), rtol=1e-15)
    np.testing.assert_allclose(result.sigma, values.std(axis=0, ddof=1) / np.sqrt(5), rtol=1e-14)
    assert result.n_scans == 5 and not result.interpolated and result.rejected == ()
    trace = result.trace(_signal, name="avg")
    assert isinstance(trace, jt.fit.Trace) and trace.name == "avg"
    np.testing.assert_array_equal(trace.data, result.values)
    np.testing.assert_array_equal(trace.sigma, result.sigma)
    np.testing.assert_array_equal(trace.x, DELAYS)


def test_standard_error_scales_as_one_over_sqrt_n():
    """Pure noise of sigma0 averaged over N = 4, 16, 64 scans: the mean reported sigma is sigma0/sqrt(N) within 5 %,
    the log-log slope versus N is -0.5 within 0.03, and the averaged values scatter by the same amount."""
    rng = np.random.default_rng(1)
    sigma0 = 0.2
    ns = np.array([4, 16, 64])
    grid = np.linspace(1e-10, 4e-9, 400)
    mean_sigma, scatter = [], []
    for n in ns:
        scans = [(grid, 1.0 + sigma0 * rng.standard_normal(grid.size)) for _ in range(n)]
        result = lab.average_scans(scans)
        mean_sigma.append(np.sqrt(np.mean(result.sigma**2)))
        scatter.append(np.std(result.values - 1.0, ddof=0))
    mean_sigma, scatter = np.array(mean_sigma), np.array(scatter)
    np.testing.assert_allclose(mean_sigma, sigma0 / np.sqrt(ns), rtol=0.05)
    np.testing.assert_allclose(scatter, sigma0 / np.sqrt(ns), rtol=0.12)
    slope = np.polyfit(np.log(ns), np.log(mean_sigma), 1)[0]
    assert abs(slope + 0.5) < 0.03


def test_per_scan_sigmas_give_the_inverse_variance_mean():
    """Scans with sigmas 1 and 2 (per point): the mean is weighted 4:1 and sigma = 1/sqrt(1 + 1/4); the scatter-based
    error is reported alongside."""
    a, b = _signal(DELAYS), _signal(DELAYS) + 1.0
    result = lab.average_scans([(DELAYS, a, 1.0), (DELAYS, b, np.full(DELAYS.size, 2.0))])
    np.testing.assert_allclose(result.values, (4 * a + b) / 5, rtol=1e-14)
    np.testing.assert_allclose(result.sigma, 1 / np.sqrt(1.25), rtol=1e-14)
    assert np.all(np.isfinite(result.scatter_error))


def test_shifted_grids_are_interpolated_on_the_overlap():
    """Grids shifted by fractions of a step: a signal linear in the delay is averaged exactly on the first scan's
    delays inside the common range; a curved signal within the linear-interpolation error bound h^2 max|f''| / 8."""
    base = np.linspace(1e-10, 2e-9, 60)
    step = base[1] - base[0]
    grids = [base, base + 0.3 * step, base - 0.45 * step]

    def line(t):
        return 3.0 + 2e9 * t

    result = lab.average_scans([(g, line(g)) for g in grids])
    assert result.interpolated
    assert result.delays[0] >= max(g[0] for g in grids) and result.delays[-1] <= min(g[-1] for g in grids)
    assert set(result.delays) <= set(base)
    np.testing.assert_allclose(result.values, line(result.delays), rtol=1e-13)
    curved = lab.average_scans([(g, np.sin(g / 3e-10)) for g in grids])
    bound = step**2 / (3e-10) ** 2 / 8
    assert np.max(np.abs(curved.values - np.sin(curved.delays / 3e-10))) <= bound


def test_outlier_scan_is_rejected_by_the_stated_rule():
    """Eight scans, one offset by 10 noise sigmas: its rms robust z-score exceeds 3 and it alone is dropped; the
    average of the rest equals their plain mean. Without the rule nothing is dropped."""
    rng = np.random.default_rng(3)
    values = _signal(DELAYS) + 0.05 * rng.standard_normal((8, DELAYS.size))
    values[5] += 0.5
    scans = [(DELAYS, v) for v in values]
    result = lab.average_scans(scans, reject_outliers=True)
    assert result.rejected == (5,) and result.n_scans == 7
    assert result.outlier_scores[5] > 3 and np.all(np.delete(result.outlier_scores, 5) < 3)
    np.testing.assert_allclose(result.values, np.delete(values, 5, axis=0).mean(axis=0), rtol=1e-14)
    assert lab.average_scans(scans).rejected == ()


def test_mismatched_inputs_are_refused():
    """A scan in ps among scans in s, values and delays of different lengths, NaN values, decreasing delays, a single
    scan without sigma, mixed sigma/no-sigma, the outlier rule with 2 scans and a bare (delays, values) pair are
    refused with errors naming the scan and the unit."""
    v = _signal(DELAYS)
    with pytest.raises(ValueError, match="seconds"):
        lab.average_scans([(DELAYS, v), (DELAYS * 1e12, v)])
    with pytest.raises(ValueError, match="ps or ns"):
        lab.average_scans([(DELAYS, v), (DELAYS * 1e-3, v)])
    with pytest.raises(ValueError, match="scan 1: values have shape"):
        lab.average_scans([(DELAYS, v), (DELAYS, v[:-1])])
    with pytest.raises(ValueError, match="NaN"):
        lab.average_scans([(DELAYS, v), (DELAYS, np.where(DELAYS > 1e-9, np.nan, v))])
    with pytest.raises(ValueError, match="increasing"):
        lab.average_scans([(DELAYS[::-1], v), (DELAYS, v)])
    with pytest.raises(ValueError, match="single scan"):
        lab.average_scans([(DELAYS, v)])
    with pytest.raises(ValueError, match="every scan carries sigma"):
        lab.average_scans([(DELAYS, v, 0.1), (DELAYS, v)])
    with pytest.raises(ValueError, match="at least 3"):
        lab.average_scans([(DELAYS, v), (DELAYS, v)], reject_outliers=True)
    with pytest.raises(TypeError, match="sequence of"):
        lab.average_scans((DELAYS, v))
    with pytest.raises(ValueError, match="sigma"):
        lab.average_scans([(DELAYS, v, 0.0), (DELAYS, v, 0.1)])
