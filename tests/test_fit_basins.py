"""The quadratic standard error of a multi-start fit points to the other chi^2 basins."""

import jax.numpy as jnp
import numpy as np
import pytest

from jaxtherm.fit import Trace, fit_traces
from jaxtherm.fit._basins import other_minima

X = np.linspace(0.0, 1.0, 30)
SIGMA = 0.05


def _two_basin(p):
    # (a - 3)^2 takes the value 1 at a = 2 and a = 4; the small 0.004 a x term breaks the tie.
    x = jnp.asarray(X)
    return (p["a"] - 3.0) ** 2 * x + p["c"] * x**2 + 0.004 * p["a"] * x


@pytest.fixture(scope="module")
def two_basin_fit():
    y = np.asarray(_two_basin({"a": 2.0, "c": 1.0})) + SIGMA * np.random.default_rng(1).standard_normal(X.size)
    trace = Trace(model=_two_basin, data=y, sigma=SIGMA)
    starts = {"a": [1.5, 2.5, 4.5], "c": [1.0, 1.0, 1.0]}
    return fit_traces(
        {"a": 2.0, "c": 1.0}, trace, ["a", "c"], starts=starts, absolute_sigma=True, warn=False, warn_degenerate=False
    )


def test_other_basin_is_listed_with_its_delta_chi2(two_basin_fit):
    """Starts 1.5 and 2.5 reach the basin at a = 2, start 4.5 the one at a = 4. The result lists
    exactly one other minimum, at a = 4 (not the duplicate of the best), with the chi^2 difference
    of the two optima; the summary says the +- covers only the best basin and names profile/sample."""
    fit = two_basin_fit
    best_a = fit.values["a"]
    (other,) = fit.other_minima
    assert {round(best_a), round(other.values["a"])} == {2, 4}
    chi2 = np.asarray(fit.fit.start_chi2)
    assert other.delta_chi2 == pytest.approx(np.max(chi2) - fit.chi2, abs=1e-6)
    assert 0 < other.delta_chi2 < 4
    assert other.distance > 10  # far outside the best basin's 1-sigma ellipse
    text = fit.summary()
    assert "only the best basin" in text and "profile" in text and "sample" in text
    # A threshold below the actual chi^2 difference drops it.
    assert other_minima(fit.fit, delta_chi2=0.9 * other.delta_chi2) == ()


def test_single_start_and_same_basin_starts_list_nothing():
    """Without starts, or when all starts converge to one minimum, no other minimum is reported."""
    y = np.asarray(_two_basin({"a": 2.0, "c": 1.0}))
    trace = Trace(model=_two_basin, data=y, sigma=SIGMA)
    one = fit_traces({"a": 2.1, "c": 1.0}, trace, ["a", "c"], absolute_sigma=True, warn=False, warn_degenerate=False)
    assert one.other_minima == () and "only the best basin" not in one.summary()
    same = fit_traces(
        {"a": 2.1, "c": 1.0},
        trace,
        ["a", "c"],
        starts={"a": [1.8, 2.2, 2.4]},
        absolute_sigma=True,
        warn=False,
        warn_degenerate=False,
    )
    assert len(np.asarray(same.fit.start_chi2)) == 3 and same.other_minima == ()
