"""Beams as differentiable parameters, top-hat and offset beams: the radial rule against closed
forms and independent integrals, derivatives against finite differences, vmap, no retracing, and
refused inputs."""

import warnings

import jax
import numpy as np
import pytest
import scipy.integrate as si
import scipy.special as sp

import jaxtherm as jt
from jaxtherm.tdtr._bessel import bessel_j0, bessel_j1, disc_transform

L = jt.tdtr.Layer
KAPPA, C = 140.0, 1.65e6
W0, W1 = 10e-6, 6e-6


@pytest.fixture(scope="module")
def half_space():
    return jt.tdtr.Stack(layers=[L(float("inf"), C, KAPPA)], resistances=[])


@pytest.fixture(scope="module")
def al_si():
    return jt.tdtr.Stack(layers=[L(80e-9, 2.42e6, 120.0), L(float("inf"), C, KAPPA)], resistances=[1 / 2e8])


FAST = dict(n_hankel=16, n_sidebands=12, min_delay=5e-11, contour_nodes=24, window_order=6)


def test_bessel_functions_match_scipy():
    """J0, J1 and 2 J1(x)/x agree with SciPy to 1e-11 over 0..200 (series / asymptotic switch at 14),
    and their derivatives obey J0' = -J1."""
    x = np.linspace(0.0, 200.0, 20001)

    def values(x):
        slopes = jax.vmap(jax.grad(lambda y: bessel_j0(y) + disc_transform(y)))(x[:5])
        return bessel_j0(x), bessel_j1(x), disc_transform(x), slopes

    j0, j1, disc, slopes = jax.jit(values)(x)
    assert np.max(np.abs(np.asarray(j0) - sp.j0(x))) < 1e-11
    assert np.max(np.abs(np.asarray(j1) - sp.j1(x))) < 1e-11
    assert np.max(np.abs(np.asarray(disc)[1:] - 2 * sp.j1(x[1:]) / x[1:])) < 1e-11
    assert float(disc[0]) == 1.0
    # d/dx [J0 + 2 J1(x)/x] = -J1 + 2 (J0 - 2 J1 / x) / x ... at x = 0 both slopes vanish
    y = x[1:5]
    expected = -sp.j1(y) + 2 * (sp.j0(y) - 2 * sp.j1(y) / y) / y
    assert float(slopes[0]) == 0.0
    np.testing.assert_allclose(np.asarray(slopes)[1:], expected, atol=1e-11)


def test_offset_steady_state_half_space_closed_form(half_space):
    """Steady state of a half space, Gaussian beams at offset x0: H = exp(-a) I0(a) / (kappa sqrt(2 pi W^2)),
    a = x0^2 / W^2, W^2 = w0^2 + w1^2 (the Hankel integral of exp(-k^2 W^2 / 8) J0(k x0) / kappa)."""
    setup = jt.tdtr.Setup(1e6, 80e6, W0, W1)
    width2 = W0**2 + W1**2
    for offset in (0.0, 3e-6, 10e-6, 20e-6):
        beams = jt.tdtr.Beams(W0, W1, offset=offset)
        h = complex(np.asarray(jt.tdtr.response(half_space, setup, 0.0, beams=beams)))
        a = offset**2 / width2
        exact = np.exp(-a) * sp.i0(a) / (KAPPA * np.sqrt(2 * np.pi * width2))
        assert abs(h / exact - 1) < 1e-11, (offset, h / exact - 1)  # measured <= 1.7e-13


def _hankel_quad(frequency, offset, shapes, radii):
    """Independent reference: SciPy adaptive quadrature of (1/2pi) int g P^ S^ J0(k x0) k dk, half space."""
    s = 2j * np.pi * frequency

    def integrand(k):
        kernel = sp.j0(k * offset)
        for radius, shape in zip(radii, shapes):
            kernel *= np.exp(-k * k * radius**2 / 8) if shape == "gaussian" else (2 * sp.j1(k * radius) / (k * radius))
        return kernel * k / (KAPPA * np.sqrt(k * k + s * C / KAPPA)) / (2 * np.pi)

    k_max = np.sqrt(8 * 60) / min(r for r, shape in zip(radii, shapes) if shape == "gaussian")
    with warnings.catch_warnings():  # SciPy flags round-off near 1e-12; the comparison asserts 1e-10
        warnings.simplefilter("ignore", si.IntegrationWarning)
        real = si.quad(lambda k: integrand(k).real, 1e-300, k_max, limit=2000, epsrel=1e-12, epsabs=0)[0]
        imag = si.quad(lambda k: integrand(k).imag, 1e-300, k_max, limit=2000, epsrel=1e-12, epsabs=0)[0]
    return real + 1j * imag


def test_oscillating_rule_against_adaptive_quadrature(half_space):
    """The rule for oscillating kernels (offset, top-hat) against SciPy's adaptive quadrature of the
    same Hankel integral with SciPy's Bessel functions: measured <= 1e-12 relative (1 MHz, offsets up
    to 3 W, top-hat pump of 5 and 20 um with a 6 um Gaussian probe); asserted 1e-10."""
    gaussian = jt.tdtr.Setup(1e6, 80e6, W0, W1)
    tophat = gaussian.replace(pump_shape="tophat")
    cases = [
        (gaussian, jt.tdtr.Beams(W0, W1, offset=10e-6), ("gaussian", "gaussian"), (W0, W1)),
        (gaussian, jt.tdtr.Beams(W0, W1, offset=30e-6), ("gaussian", "gaussian"), (W0, W1)),
        (tophat, jt.tdtr.Beams(5e-6, W1, offset=10e-6), ("tophat", "gaussian"), (5e-6, W1)),
        (tophat, jt.tdtr.Beams(20e-6, W1), ("tophat", "gaussian"), (20e-6, W1)),
    ]
    for setup, beams, shapes, radii in cases:
        h = complex(np.asarray(jt.tdtr.response(half_space, setup, 1e6, beams=beams)))
        reference = _hankel_quad(1e6, beams.offset or 0.0, shapes, radii)
        assert abs(h / reference - 1) < 1e-10, (beams, abs(h / reference - 1))


def test_small_tophat_equals_gaussian_of_same_second_moment(half_space):
    """A top-hat of radius R has the second moment <r^2> = R^2 / 2 of a Gaussian of 1/e^2 radius R:
    both transforms are 1 - k^2 R^2 / 8 + O(k^4 R^4). With R = 2 um under a 20 um Gaussian probe the
    responses differ by O((R / w1)^4): measured 3.0e-5 at 1 MHz (a 4 um top-hat: 4.6e-4, 15.6x, near
    (4/2)^4 = 16); asserted 1e-4 and a ratio in (12, 20)."""
    setup = jt.tdtr.Setup(1e6, 80e6, 2e-6, 20e-6)
    differences = []
    for radius in (2e-6, 4e-6):
        beams = jt.tdtr.Beams(radius, 20e-6)
        disc = complex(np.asarray(jt.tdtr.response(half_space, setup.replace(pump_shape="tophat"), 1e6, beams=beams)))
        gauss = complex(np.asarray(jt.tdtr.response(half_space, setup, 1e6, beams=beams)))
        differences.append(abs(disc / gauss - 1))
    assert differences[0] < 1e-4, differences
    assert 12 < differences[1] / differences[0] < 20, differences


DERIVATIVE_CASES = {
    # case: (Setup options, free Beams fields, fixed Beams fields)
    "coaxial": (dict(pump_radius=W0, probe_radius=W1, n_hankel=32), {"pump_radius": W0, "probe_radius": W1}, {}),
    "offset": (
        dict(pump_radius=W0, probe_radius=W1, n_hankel=16, n_hankel_panels=8),
        {"pump_radius": W0, "probe_radius": W1, "offset": 3e-6},
        {},
    ),
    "depths_1d": (dict(one_dimensional=True, n_depth=4), {"absorption_depth": 8e-9, "sensing_depth": 12e-9}, {}),
}


@pytest.mark.parametrize("case", list(DERIVATIVE_CASES))
def test_beam_derivatives_match_finite_differences(al_si, case):
    """jax.jacfwd of the response (Al/Si, 0.1, 1 and 10 MHz) in the radii, the offset and the optical
    depths (absorption and sensing in the Al film) matches central finite differences (float64, step
    1e-4 relative): measured <= 6e-9 of each column's largest entry in the 3-D cases; asserted 1e-7. The nodes are fixed
    under differentiation, so the derivative is the quadrature of the exact derivative; with
    n_hankel = 16 the coaxial rule's own error (1.3e-6 at 0.1 MHz) shows up here, with 32 it is 4e-9.
    (Reverse mode through the custom derivative rule: `test_signal_gradient_in_radius_and_offset`.)"""
    options, free, fixed = DERIVATIVE_CASES[case]
    setup = jt.tdtr.Setup(1e6, 80e6, **options)
    frequencies = np.array([1e5, 1e6, 1e7])
    names = list(free)
    v0 = np.array([free[name] for name in names])

    def f(v):
        beams = jt.tdtr.Beams(**fixed, **dict(zip(names, v)))
        z = jt.tdtr.response(al_si, setup, frequencies, beams=beams)
        return jax.numpy.concatenate([z.real, z.imag])

    jacobian = np.asarray(jax.jacfwd(f)(v0))
    for i, name in enumerate(names):
        step = np.zeros(len(names))
        step[i] = 1e-4 * v0[i]
        fd = (np.asarray(f(v0 + step)) - np.asarray(f(v0 - step))) / (2 * step[i])
        assert np.max(np.abs(fd - jacobian[:, i])) < 1e-7 * np.max(np.abs(jacobian[:, i])), name


@pytest.mark.slow
def test_signal_gradient_in_radius_and_offset(al_si):
    """Through the full lock-in numerics: d ratio / d pump_radius and d ratio / d offset of `signal`
    (jax.grad) match central finite differences to 1e-6 relative (jacfwd of a similar case: <= 6e-9)."""
    setup = jt.tdtr.Setup(10e6, 80e6, W0, W1, n_hankel_panels=8, **FAST)
    delays = np.array([100e-12, 1e-9])

    def ratio(radius, offset):
        beams = jt.tdtr.Beams(radius, W1, offset=offset)
        return jt.tdtr.ratio(jt.tdtr.signal(al_si, setup, delays, beams=beams))[1]

    grads = jax.grad(ratio, argnums=(0, 1))(W0, 3e-6)
    for i, (_value, h) in enumerate(((W0, 1e-9), (3e-6, 1e-9))):
        args_plus, args_minus = [W0, 3e-6], [W0, 3e-6]
        args_plus[i] += h
        args_minus[i] -= h
        fd = (float(ratio(*args_plus)) - float(ratio(*args_minus))) / (2 * h)
        assert abs(float(grads[i]) / fd - 1) < 1e-6, (i, float(grads[i]), fd)


def test_offset_zero_equals_coaxial_and_no_retrace(al_si):
    """`Beams(offset=0.0)` uses the oscillating-kernel rule, `offset=None` the coaxial one: the two
    agree to 1e-10 (measured 2e-14 on Al/Si at 10 MHz / 80 MHz; with n_hankel = 16 the coaxial rule's
    own error shows: 8.8e-10); `beams=None` equals the Setup's
    floats given as a `Beams` exactly in value. New Beams values reuse the compiled signal (the jit
    cache grows only with the structure: which fields are None)."""
    from jaxtherm.tdtr._lockin import _signal_jit

    setup = jt.tdtr.Setup(10e6, 80e6, W0, W1, n_hankel_panels=8, **{**FAST, "n_hankel": 32})
    delays = np.array([100e-12, 1e-9, 5e-9])
    plain = np.asarray(jt.tdtr.signal(al_si, setup, delays))
    coaxial = np.asarray(jt.tdtr.signal(al_si, setup, delays, beams=jt.tdtr.Beams(W0, W1)))
    np.testing.assert_allclose(coaxial, plain, rtol=1e-14)
    before = _signal_jit._cache_size()
    offset = np.asarray(jt.tdtr.signal(al_si, setup, delays, beams=jt.tdtr.Beams(W0, W1, offset=0.0)))
    assert np.max(np.abs(offset / plain - 1)) < 1e-10
    for radius, x0 in ((9e-6, 1e-6), (11e-6, 2e-6), (12e-6, 4e-6)):
        jt.tdtr.signal(al_si, setup, delays, beams=jt.tdtr.Beams(radius, W1, offset=x0))
    assert _signal_jit._cache_size() == before + 1


def test_vmap_over_beams_equals_loop(al_si):
    """A batch of Beams (leading axis on every leaf) under jax.vmap equals a Python loop."""
    setup = jt.tdtr.Setup(1e6, 80e6, W0, W1, n_hankel=16, n_hankel_panels=8)
    frequencies = np.array([1e5, 1e6])
    radii, offsets = np.array([8e-6, 10e-6, 14e-6]), np.array([0.0, 2e-6, 5e-6])
    batch = jt.tdtr.Beams(radii, np.full(3, W1), offset=offsets)
    mapped = np.asarray(jax.vmap(lambda b: jt.tdtr.response(al_si, setup, frequencies, beams=b))(batch))
    for i in range(3):
        single = jt.tdtr.Beams(radii[i], W1, offset=offsets[i])
        np.testing.assert_allclose(
            mapped[i], np.asarray(jt.tdtr.response(al_si, setup, frequencies, beams=single)), rtol=1e-13
        )


@pytest.mark.parametrize(
    "beams, message",
    [
        (jt.tdtr.Beams(10.0, 6e-6), "beams.pump_radius"),
        (jt.tdtr.Beams(10e-6, -6e-6), "beams.probe_radius"),
        (jt.tdtr.Beams(10e-6, None), "beams.probe_radius"),
        (jt.tdtr.Beams(10e-6, 6e-6, offset=5.0), "beams.offset"),
        (jt.tdtr.Beams(10e-6, 6e-6, offset=float("nan")), "beams.offset"),
        (jt.tdtr.Beams(10e-6, 6e-6, absorption_depth=15.0), "beams.absorption_depth"),
        (jt.tdtr.Beams(10e-6, 6e-6, offset=200e-6), "n_hankel_panels"),
        (jt.tdtr.Beams(np.array([1e-5, 2e-5]), np.array([6e-6, 6e-6])), "batch"),
    ],
)
def test_bad_beams_are_refused(half_space, beams, message):
    """Beams in micrometres, negative, missing, NaN, a batch, or an offset beyond what the radial rule
    resolves: a ValueError naming the parameter and its unit (m) or the setting to raise."""
    setup = jt.tdtr.Setup(1e6, 80e6, W0, W1)
    with pytest.raises(ValueError, match=message):
        jt.tdtr.response(half_space, setup, 1e6, beams=beams)


def test_bad_beam_types_and_shapes_are_refused(half_space):
    setup = jt.tdtr.Setup(1e6, 80e6, W0, W1)
    with pytest.raises(TypeError, match="jaxtherm.tdtr.Beams"):
        jt.tdtr.response(half_space, setup, 1e6, beams={"pump_radius": 1e-5})
    with pytest.raises(ValueError, match="tophat"):
        setup.replace(pump_shape="tophat", probe_shape="tophat")
    with pytest.raises(ValueError, match="pump_shape"):
        setup.replace(pump_shape="flat")


def test_tdtr_model_fits_pump_radius_from_beams_path(al_si):
    """`TdtrModel(beams_path="beams")` reads a Beams from the parameter pytree: the model equals
    `signal(..., beams=)` (the fit itself: `test_tdtr_model_fit_recovers_pump_radius`, slow)."""
    setup = jt.tdtr.Setup(1e6, 80e6, W0, W1, **FAST)
    delays = np.array([100e-12, 300e-12, 1e-9, 3e-9, 6e-9])
    model = jt.tdtr.TdtrModel(setup, delays, "ratio", beams_path="beams")
    truth = {"stack": al_si, "beams": jt.tdtr.Beams(12e-6, W1)}
    data = np.asarray(model(truth))
    direct = jt.tdtr.ratio(jt.tdtr.signal(al_si, setup, delays, beams=truth["beams"]))
    np.testing.assert_allclose(data, np.asarray(direct), rtol=1e-14)


@pytest.mark.slow
def test_tdtr_model_fit_recovers_pump_radius(al_si):
    """`fit_traces` through `TdtrModel(beams_path="beams")` recovers a 12 um pump radius from synthetic
    ratio data (1e-3 relative noise) started at 9 um, within 3 standard errors; a 0.3 um uncertainty
    of the (fixed) probe radius, given by its path in `fixed_uncertainties`, widens the pump radius'
    error beyond the statistical one."""
    setup = jt.tdtr.Setup(1e6, 80e6, W0, W1, **FAST)
    delays = np.array([100e-12, 300e-12, 1e-9, 3e-9, 6e-9])
    model = jt.tdtr.TdtrModel(setup, delays, "ratio", beams_path="beams")
    data = np.asarray(model({"stack": al_si, "beams": jt.tdtr.Beams(12e-6, W1)}))
    noisy = data * (1 + 1e-3 * np.random.default_rng(5).standard_normal(delays.size))
    trace = jt.fit.Trace(model=model, data=noisy, sigma=1e-3 * np.abs(data), name="ratio", x=delays)
    start = {"stack": al_si, "beams": jt.tdtr.Beams(9e-6, W1)}
    result = jt.fit.fit_traces(
        start, trace, {"w0": "beams.pump_radius"}, fixed_uncertainties={"beams.probe_radius": 0.3e-6}
    )
    assert abs(result.values["w0"] - 12e-6) < 3 * result.standard_errors["w0"], result.values
    # the probe radius' uncertainty propagates into the pump radius' error
    assert result.standard_errors["w0"] > 1.05 * result.statistical_errors["w0"]


def test_fdtr_and_simulate_take_beams(al_si):
    """`fdtr_signal(..., beams=)` (pulsed) equals `signal` at that modulation frequency with the same
    Beams, and `simulate(..., beams=)` carries them into its Solution."""
    setup = jt.tdtr.Setup(1e6, 80e6, W0, W1, **FAST)
    beams = jt.tdtr.Beams(12e-6, 7e-6)
    delays = np.array([100e-12, 300e-12, 1e-9, 3e-9, 6e-9])
    fdtr = np.asarray(jt.tdtr.fdtr_signal(al_si, setup, [1e6], delays[2], beams=beams))
    tdtr = np.asarray(jt.tdtr.signal(al_si, setup, delays, beams=beams))
    np.testing.assert_allclose(fdtr, tdtr[2], rtol=1e-12)
    solution = jt.tdtr.simulate(al_si, setup, delays, beams=beams)
    np.testing.assert_allclose(np.asarray(solution.signal), tdtr, rtol=1e-14)
    assert abs(tdtr[2] / np.asarray(jt.tdtr.fdtr_signal(al_si, setup, [1e6], delays[2]))[0] - 1) > 1e-3


@pytest.mark.slow
def test_posterior_samples_the_probe_radius_as_a_nuisance_parameter(al_si):
    """`jt.fit.sample` takes a beam radius by path: with the pump radius free and the probe radius a
    nuisance parameter (`fixed_uncertainties`, 0.3 um), the posterior of the probe radius follows its
    Gaussian prior (the 5-point ratio trace barely constrains it beside the pump radius), and the
    pump radius' posterior width exceeds the statistical-only width of the same fit."""
    setup = jt.tdtr.Setup(1e6, 80e6, W0, W1, **FAST)
    delays = np.array([100e-12, 300e-12, 1e-9, 3e-9, 6e-9])
    model = jt.tdtr.TdtrModel(setup, delays, "ratio", beams_path="beams")
    truth = {"stack": al_si, "beams": jt.tdtr.Beams(12e-6, W1)}
    data = np.asarray(model(truth))
    noisy = data * (1 + 1e-3 * np.random.default_rng(5).standard_normal(delays.size))
    trace = jt.fit.Trace(model=model, data=noisy, sigma=1e-3 * np.abs(data), name="ratio", x=delays)
    free = {"w0": "beams.pump_radius"}
    fixed = {"beams.probe_radius": 0.3e-6}
    fit = jt.fit.fit_traces(truth, trace, free, fixed_uncertainties=fixed)
    post = jt.fit.sample(truth, trace, free, fixed_uncertainties=fixed, n_chains=2, n_warmup=200, n_draws=300)
    lo, hi = post.interval68["beams.probe_radius"]
    assert 0.6 * 0.6e-6 < hi - lo < 1.4 * 0.6e-6, (lo, hi)
    lo_w, hi_w = post.interval68["w0"]
    assert hi_w - lo_w > 2 * 1.05 * fit.statistical_errors["w0"], (lo_w, hi_w, fit.statistical_errors)
    assert lo_w < 12e-6 + 3 * fit.standard_errors["w0"] and hi_w > 12e-6 - 3 * fit.standard_errors["w0"]
