"""The chi^2 p-value of fit results: closed forms of the chi^2 survival function, shapes, and no
compilation per batch size."""

import math

import jax
import numpy as np

from jaxtherm.fit._result import _upper_gamma_ratio, chi2_p_value

jax.config.update("jax_enable_x64", True)


def test_p_value_equals_the_closed_forms():
    chi2 = np.array([0.0, 0.3, 1.0, 4.5, 17.0, 60.0])
    # dof 2: exp(-x/2); dof 1: erfc(sqrt(x/2)); dof 4: (1 + x/2) exp(-x/2)
    np.testing.assert_allclose(chi2_p_value(chi2, 2), np.exp(-chi2 / 2), rtol=1e-12)
    np.testing.assert_allclose(chi2_p_value(chi2, 1), [math.erfc(math.sqrt(x / 2)) for x in chi2], rtol=1e-12)
    np.testing.assert_allclose(chi2_p_value(chi2, 4), (1 + chi2 / 2) * np.exp(-chi2 / 2), rtol=1e-12)


def test_shapes_nan_and_no_degrees_of_freedom():
    value = chi2_p_value(3.0, 2)
    assert np.ndim(value) == 0 and math.isclose(float(value), math.exp(-1.5), rel_tol=1e-12)
    grid = np.array([[1.0, np.nan], [np.inf, 2.0]])
    p = chi2_p_value(grid, 3)
    assert p.shape == (2, 2) and np.isnan(p[0, 1]) and np.isnan(p[1, 0]) and 0 < p[0, 0] < 1
    assert np.all(np.isnan(chi2_p_value(grid, 0)))


def test_new_batch_sizes_and_dof_do_not_recompile():
    chi2_p_value(np.ones(5), 7)
    before = _upper_gamma_ratio._cache_size()
    for size, dof in ((1, 3), (6, 4), (300, 6), (1000, 5)):
        p = chi2_p_value(np.linspace(1.0, 9.0, size), dof)
        assert p.shape == (size,) and np.all((p > 0) & (p < 1))
    chi2_p_value(2.0, 9)
    assert _upper_gamma_ratio._cache_size() == before
    # chunk boundaries: the same values give the same p-values whatever the batch they come in
    many = np.linspace(0.5, 30.0, 600)
    np.testing.assert_array_equal(chi2_p_value(many, 11)[255:258], chi2_p_value(many[255:258], 11))
