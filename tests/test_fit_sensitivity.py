"""Logarithmic sensitivities S_p = d ln f / d ln p: AD against closed forms and the paper's 1 % finite differences."""

import jax.numpy as jnp
import numpy as np
import pytest

from jaxtherm.fit.sensitivity import log_sensitivity, log_sensitivity_finite_difference

TIMES = jnp.linspace(0.1, 5.0, 50)


def _decay(params):
    return params["amplitude"] * jnp.exp(-params["rate"] * TIMES) + params["offset"]


def test_closed_form_sensitivities():
    """f = A exp(-k t) + c: S_A = A e^{-kt}/f, S_k = -k t A e^{-kt}/f, S_c = c/f; scaling (A, c) together sums them."""
    params = {"amplitude": 2.0, "rate": 0.7, "offset": 0.3}
    s = log_sensitivity(
        _decay,
        params,
        {"A": "['amplitude']", "k": "['rate']", "c": "['offset']", "A+c": ["['amplitude']", "['offset']"]},
    )
    t = np.asarray(TIMES)
    e = 2.0 * np.exp(-0.7 * t)
    f = e + 0.3
    np.testing.assert_allclose(s["A"], e / f, rtol=1e-12)
    np.testing.assert_allclose(s["k"], -0.7 * t * e / f, rtol=1e-12)
    np.testing.assert_allclose(s["c"], 0.3 / f, rtol=1e-12)
    np.testing.assert_allclose(s["A+c"], np.ones_like(t), rtol=1e-12)


def test_finite_difference_converges_to_ad_at_second_order():
    """Central differences approach the AD sensitivity with error ~ h^2 (ratio ~4 when h halves)."""
    params = {"amplitude": 2.0, "rate": 0.7, "offset": 0.3}
    ad = log_sensitivity(_decay, params, ["['rate']"])["['rate']"]
    errors = [
        np.max(
            np.abs(log_sensitivity_finite_difference(_decay, params, ["['rate']"], relative_step=h)["['rate']"] - ad)
        )
        for h in (0.02, 0.01)
    ]
    assert 3.5 < errors[0] / errors[1] < 4.5
    forward = log_sensitivity_finite_difference(_decay, params, ["['rate']"], relative_step=0.01, central=False)
    assert np.max(np.abs(forward["['rate']"] - ad)) < 0.02 * np.max(np.abs(ad))


def test_zero_parameter_rejected():
    """A logarithmic sensitivity of a parameter equal to zero is undefined and rejected."""
    with pytest.raises(ValueError, match="nonzero"):
        log_sensitivity(_decay, {"amplitude": 2.0, "rate": 0.7, "offset": 0.0}, ["['offset']"])
