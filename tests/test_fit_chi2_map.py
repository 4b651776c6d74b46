"""chi^2 maps over two named parameters: exact on a linear-Gaussian model, the fit's covariance ellipse on TDTR.

On a model linear in its parameters chi^2 is an exact quadratic form, and the profile chi^2 (the other parameter
re-fitted at each grid point) is the quadratic form of the inverse *marginal* covariance block. On a TDTR FR trace of
the ITR paper's W/Al2O3/Ni/quartz stack with small noise the map's minimum sits at the fitted values and the
Delta chi^2 = 2.30 contour is the fit's 2-parameter 68.3 % covariance ellipse.
"""

import math

import contourpy
import jax.numpy as jnp
import numpy as np
import pytest
import scipy.stats

import jaxtherm as jt

X = np.linspace(-1.0, 2.0, 30)
SIGMA_LINEAR = 0.05


def _linear_model(p):
    return p["a"] * jnp.asarray(X) + p["b"] * jnp.asarray(X) ** 2 + p["c"]


@pytest.fixture(scope="module")
def linear():
    truth = {"a": 1.3, "b": -0.4, "c": 0.25}
    data = np.asarray(_linear_model(truth)) + SIGMA_LINEAR * np.random.default_rng(7).standard_normal(X.size)
    trace = jt.fit.Trace(model=_linear_model, data=data, sigma=SIGMA_LINEAR)
    design = np.stack([X, X**2, np.ones_like(X)], axis=1) / SIGMA_LINEAR
    return truth, data, trace, design


def test_linear_map_is_the_analytic_quadratic_form(linear):
    """With c fixed, chi^2(a, b) = chi^2_min + d^T F d, F = J_ab^T J_ab, d = (a, b) - (a, b)_hat(c): every grid point
    of the vmapped map agrees with the closed form to 1e-10 relative; Delta chi^2 is measured from the smaller of the grid minimum and
    chi^2 at the given params."""
    truth, data, trace, design = linear
    params = dict(truth)
    ga, gb = np.linspace(1.1, 1.5, 17), np.linspace(-0.55, -0.25, 13)
    result = jt.fit.chi2_map(params, [trace], ["a", "b"], ga, gb)
    assert result.chi2.shape == (17, 13) and result.names == ("a", "b")
    j_ab = design[:, :2]
    target = data / SIGMA_LINEAR - params["c"] * design[:, 2]
    theta_hat, *_ = np.linalg.lstsq(j_ab, target, rcond=None)
    chi2_min = float(np.sum((target - j_ab @ theta_hat) ** 2))
    fisher = j_ab.T @ j_ab
    aa, bb = np.meshgrid(ga, gb, indexing="ij")
    d = np.stack([aa - theta_hat[0], bb - theta_hat[1]], axis=-1)
    expected = chi2_min + np.einsum("...i,ij,...j->...", d, fisher, d)
    np.testing.assert_allclose(result.chi2, expected, rtol=1e-10)
    at_params = float(np.sum(((data - np.asarray(_linear_model(params))) / SIGMA_LINEAR) ** 2))
    assert result.reference_chi2 == pytest.approx(min(at_params, expected.min()), rel=1e-12)


def test_linear_profile_map_uses_the_marginal_covariance(linear):
    """Re-fitting c at each grid point (vmapped Levenberg-Marquardt) gives chi^2_min + d^T (C_ab)^-1 d with C the
    full 3x3 covariance and d measured from the 3-parameter optimum; the re-fitted c equals the conditional optimum."""
    truth, data, trace, design = linear
    ga, gb = np.linspace(1.1, 1.5, 9), np.linspace(-0.55, -0.25, 7)
    result = jt.fit.chi2_map(truth, [trace], {"a": "a", "b": "b"}, ga, gb, refit=["c"], positive=False)
    assert result.refit_names == ("c",) and np.all(result.converged)
    target = data / SIGMA_LINEAR
    theta_hat, *_ = np.linalg.lstsq(design, target, rcond=None)
    chi2_min = float(np.sum((target - design @ theta_hat) ** 2))
    cov = np.linalg.inv(design.T @ design)
    marginal_inverse = np.linalg.inv(cov[:2, :2])
    aa, bb = np.meshgrid(ga, gb, indexing="ij")
    d = np.stack([aa - theta_hat[0], bb - theta_hat[1]], axis=-1)
    expected = chi2_min + np.einsum("...i,ij,...j->...", d, marginal_inverse, d)
    np.testing.assert_allclose(result.chi2, expected, rtol=1e-8)
    c_conditional = (
        (target - design[:, 0] * aa[..., None] - design[:, 1] * bb[..., None])
        @ design[:, 2]
        / (design[:, 2] @ design[:, 2])
    )
    np.testing.assert_allclose(result.refit_values["c"], c_conditional, rtol=1e-6, atol=1e-9)


def test_confidence_levels_match_the_chi2_distribution():
    """Delta chi^2 levels for two joint parameters are the chi^2(2 dof) quantiles of the 1/2/3-sigma probabilities
    (2.30, 6.18, 11.8); for one parameter n_sigma^2."""
    for k in (1, 2, 3):
        p = math.erf(k / math.sqrt(2))
        assert jt.fit.delta_chi2_level(k) == pytest.approx(scipy.stats.chi2.ppf(p, 2), rel=1e-10)
        assert jt.fit.delta_chi2_level(k, 1) == pytest.approx(scipy.stats.chi2.ppf(p, 1), rel=1e-8)
    assert jt.fit.delta_chi2_level(1) == pytest.approx(2.30, abs=0.005)
    with pytest.raises(ValueError, match="n_sigma"):
        jt.fit.delta_chi2_level(0)


def test_new_grids_and_data_do_not_retrace(linear):
    """A second map with other grid values (same sizes) and new data of the same shape traces the model no more."""
    truth, data, trace, _ = linear
    calls = []

    def counting_model(p):
        calls.append(1)
        return _linear_model(p)

    first = jt.fit.Trace(model=counting_model, data=data, sigma=SIGMA_LINEAR)
    jt.fit.chi2_map(truth, [first], ["a", "b"], np.linspace(1.0, 1.6, 6), np.linspace(-0.6, -0.2, 5))
    n_traced = len(calls)
    assert n_traced >= 1
    second = jt.fit.Trace(model=counting_model, data=data + 0.01, sigma=SIGMA_LINEAR)
    jt.fit.chi2_map(truth, [second], ["a", "b"], np.linspace(1.2, 1.4, 6), np.linspace(-0.5, -0.3, 5))
    assert len(calls) == n_traced


def test_bad_inputs_are_named(linear):
    """Three names, a grid 1e9 times off the parameter (a unit slip), NaN in a grid, a refit parameter that is also
    mapped, a non-Trace, an unhashable model and an unknown path are refused with errors naming the parameter and the
    unit."""
    truth, _, trace, _ = linear
    g = np.linspace(1.0, 1.5, 4)
    with pytest.raises(ValueError, match="exactly two"):
        jt.fit.chi2_map(truth, [trace], ["a", "b", "c"], g, g)
    with pytest.raises(ValueError, match="SI unit"):
        jt.fit.chi2_map(truth, [trace], ["a", "b"], g * 1e9, -g)
    with pytest.raises(ValueError, match="NaN"):
        jt.fit.chi2_map(truth, [trace], ["a", "b"], np.array([1.0, np.nan]), -g)
    with pytest.raises(ValueError, match="free_pair"):
        jt.fit.chi2_map(truth, [trace], ["a", "b"], g, -g, refit=["a"])
    with pytest.raises(TypeError, match="Trace"):
        jt.fit.chi2_map(truth, [object()], ["a", "b"], g, -g)

    class Unhashable:
        __hash__ = None

        def __call__(self, p):
            return _linear_model(p)

    with pytest.raises(TypeError, match="hashable"):
        jt.fit.chi2_map(
            truth, [jt.fit.Trace(model=Unhashable(), data=trace.data, sigma=SIGMA_LINEAR)], ["a", "b"], g, -g
        )
    with pytest.raises(KeyError, match="nope"):
        jt.fit.chi2_map(truth, [trace], ["a", "nope"], g, -g)


# --- TDTR: the README's W/Al2O3/Ni/quartz stack, FR phase, 1-D, 200 kHz -----------------------------------------

SIGMA_PHASE = 3e-4  # rad: small enough for the near-linear regime
DELAYS = np.geomspace(100e-12, 5e-9, 40)


@pytest.fixture(scope="module")
def tdtr_fit():
    L = jt.tdtr.Layer
    stack = jt.tdtr.Stack(
        layers=[
            L(104e-9, 2.55e6, 158.1),
            L(9.66e-9, 2.21e6, 9.72),
            L(82e-9, 3.98e6, 83.6),
            L(float("inf"), 1.66e6, 1.37),
        ],
        resistances=[4.2e-9, 6.9e-9, 1e-9],
    )
    setup = jt.tdtr.Setup(
        modulation_frequency=200e3, repetition_rate=20e6, one_dimensional=True, heat_at="front", probe_at="rear"
    )

    def model(s):
        return jt.tdtr.phase(jt.tdtr.signal(s, setup, jnp.asarray(DELAYS)))

    clean = np.asarray(model(stack))
    data = clean + SIGMA_PHASE * np.random.default_rng(3).standard_normal(clean.size)
    trace = jt.fit.Trace(model=model, data=data, sigma=SIGMA_PHASE, name="FR")
    free = {"R_W/Al2O3": "resistances[0]", "k_quartz": "layers[3].conductivity"}
    fit = jt.fit.fit_traces(stack, [trace], free, absolute_sigma=True)
    return fit, trace, free


@pytest.fixture(scope="module")
def tdtr_map(tdtr_fit):
    fit, trace, free = tdtr_fit
    names = tuple(free)
    centre = np.array([fit.values[n] for n in names])
    sd = np.array([fit.standard_errors[n] for n in names])
    # Off-centre grids: the minimum must be found, not placed.
    ga = centre[0] + sd[0] * np.linspace(-3.3, 3.1, 25)
    gb = centre[1] + sd[1] * np.linspace(-3.2, 3.4, 25)
    return jt.fit.chi2_map(fit.params, [trace], free, ga, gb)


def test_tdtr_map_minimum_and_contour_match_the_fit(tdtr_fit, tdtr_map):
    """25x25 map over (R_W/Al2O3, k_quartz) around the fit (grids deliberately off-centre): the grid minimum is the
    grid point nearest the fitted values in the fit's metric (C^-1); a quadratic surface through the map is stationary
    at the fitted values within 0.05 sigma; the reference chi^2 equals the fit's chi^2; every vertex of the
    Delta chi^2 = 2.30 contour lies on the fit's covariance ellipse within 10 % in radius (measured: < 3 %)."""
    fit, trace, free = tdtr_fit
    result = tdtr_map
    assert fit.converged
    names = tuple(free)
    centre = np.array([fit.values[n] for n in names])
    ga, gb = result.a_values, result.b_values
    inverse = np.linalg.inv(fit.covariance)
    aa, bb = np.meshgrid(ga, gb, indexing="ij")
    offsets = np.stack([aa - centre[0], bb - centre[1]], axis=-1)
    mahalanobis = np.einsum("...i,ij,...j->...", offsets, inverse, offsets)
    i, j = np.unravel_index(np.argmin(mahalanobis), mahalanobis.shape)
    assert result.minimum == {names[0]: ga[i], names[1]: gb[j]}
    assert result.reference_chi2 == pytest.approx(fit.chi2, rel=1e-9)
    # A quadratic surface through the map (Delta chi^2 < 6.18) has its stationary point at the fitted values.
    sd = np.sqrt(np.diag(fit.covariance))
    u, v = (offsets[..., 0] / sd[0]).ravel(), (offsets[..., 1] / sd[1]).ravel()
    near = result.delta_chi2.ravel() < 6.18
    basis = np.stack([np.ones_like(u), u, v, u * u, u * v, v * v], axis=1)[near]
    c0, cu, cv, cuu, cuv, cvv = np.linalg.lstsq(basis, result.chi2.ravel()[near], rcond=None)[0]
    stationary = np.linalg.solve([[2 * cuu, cuv], [cuv, 2 * cvv]], [-cu, -cv])
    assert np.all(np.abs(stationary) < 0.05), stationary  # in units of the fit's sigma
    lines = contourpy.contour_generator(ga, gb, result.delta_chi2.T).lines(2.30)
    assert len(lines) == 1  # one closed contour, inside the grid
    d = lines[0] - centre
    radius_ratio = np.sqrt(np.einsum("ni,ij,nj->n", d, inverse, d) / 2.30)
    assert np.all(np.abs(radius_ratio - 1.0) < 0.10), (radius_ratio.min(), radius_ratio.max())


def test_plot_helper_draws_contours_and_the_fit_ellipse(tdtr_fit, tdtr_map):
    """The plot helper returns axes with the confidence contours and the fit's ellipse; it names a missing fit
    parameter and rejects a non-map."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fit, _, free = tdtr_fit
    names = tuple(free)
    result = tdtr_map
    ax = jt.fit.plot_chi2_map(result, fit=fit, a_scale=1e-9, a_label="R (1e-9 m^2K/W)")
    assert ax.get_xlabel() == "R (1e-9 m^2K/W)" and len(ax.lines) == 2
    plt.close("all")
    with pytest.raises(TypeError, match="Chi2Map"):
        jt.fit.plot_chi2_map(fit)
    renamed = jt.fit.Chi2Map(**{**result.__dict__, "names": ("x", names[1])})
    with pytest.raises(ValueError, match="'x'"):
        jt.fit.plot_chi2_map(renamed, fit=fit)
    plt.close("all")
