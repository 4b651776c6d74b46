"""Beam-offset TDTR: the out-of-phase profile versus offset and its FWHM against an independent
computation on an anisotropic half space, the exact anisotropic-isotropic equivalence, the FWHM's
derivative, and a fit that recovers the in-plane conductivity."""

import jax
import numpy as np
import pytest
import scipy.optimize as so
import scipy.special as sp

import jaxtherm as jt

L = jt.tdtr.Layer
F_MOD, F_REP = 1e6, 80e6
W0, W1 = 5e-6, 5e-6
C, KZ = 1.65e6, 140.0
SETUP = jt.tdtr.Setup(
    F_MOD, F_REP, W0, W1, n_hankel=16, n_sidebands=12, min_delay=5e-11, contour_nodes=24, window_order=6
)
DELAY = 5e-9


def _half_space(kappa_r, kappa_z=KZ, heat_capacity=C):
    return jt.tdtr.Stack(layers=[L(float("inf"), heat_capacity, kappa_z, conductivity_inplane=kappa_r)], resistances=[])


def _independent_v_out(kappa_r, offsets, n_sidebands=1000):
    """V_out(x0) at DELAY from a NumPy sideband sum (window exp(-36 (m/M)^8)) of the closed-form
    half-space response g = 1 / (sqrt(kr kz) sqrt(k^2 + s C / kr)), integrated over k with 400
    Gauss-Legendre panels against exp(-k^2 W^2 / 8) J0(k x0) (SciPy's J0)."""
    width2 = W0**2 + W1**2
    nodes, weights = np.polynomial.legendre.leggauss(8)
    k_max = np.sqrt(8 * 40 / width2)
    edges = np.linspace(0.0, k_max, 401)
    k = (edges[:-1, None] + (edges[1:] - edges[:-1])[:, None] * (nodes[None, :] + 1) / 2).reshape(-1)
    dk = (np.diff(edges)[:, None] * weights[None, :] / 2).reshape(-1)
    m = np.arange(-n_sidebands, n_sidebands + 1)
    s = 2j * np.pi * (F_MOD + m * F_REP)
    g = 1.0 / (np.sqrt(kappa_r * KZ) * np.sqrt(k[None, :] ** 2 + s[:, None] * C / kappa_r))
    window = np.exp(-36.0 * (np.abs(m) / n_sidebands) ** 8) * np.exp(2j * np.pi * F_REP * m * DELAY)
    spectral = window @ g  # (k,)
    kernel = dk * k * np.exp(-(k**2) * width2 / 8) / (2 * np.pi)

    def v_out(x0):
        return np.imag(spectral @ (kernel[:, None] * sp.j0(np.outer(k, np.atleast_1d(x0)))))

    return v_out(np.asarray(offsets)), v_out


def test_offset_profile_and_fwhm_against_independent_computation():
    """On a half space with kappa_r = 2 kappa_z the library's V_out(x0) / V_out(0) matches the NumPy
    reference to 1e-6 (measured 7.7e-10) and the FWHM (Newton on the profile) matches a brentq root of
    the reference to 1e-6 relative (measured 1.3e-9)."""
    stack = _half_space(280.0)
    offsets = np.array([0.0, 4e-6, 8e-6, 12e-6])
    z = np.asarray(jt.tdtr.offset_signal(stack, SETUP, offsets, DELAY))
    reference, v_out = _independent_v_out(280.0, offsets)
    np.testing.assert_allclose(z.imag / z.imag[0], reference / reference[0], atol=1e-6)
    half = so.brentq(lambda x: v_out(x)[0] / reference[0] - 0.5, 1e-6, 30e-6, xtol=1e-14)
    fwhm = float(jt.tdtr.out_of_phase_fwhm(stack, SETUP, DELAY))
    assert abs(fwhm / (2 * half) - 1) < 1e-6, (fwhm, 2 * half)
    # the fit model is this normalised profile
    model = jt.tdtr.OffsetModel(SETUP, offsets[1:], DELAY, stack_path="")
    np.testing.assert_allclose(np.asarray(model(stack)), z.imag[1:] / z.imag[0], rtol=1e-13)


def test_fwhm_grows_with_inplane_conductivity_and_anisotropic_equivalence():
    """A half space (kappa_r, kappa_z, C) has the response of an isotropic one with kappa = sqrt(kappa_r
    kappa_z) and C' = C sqrt(kappa_z / kappa_r) (q^2 = (kappa_r k^2 + s C) / kappa_z): their FWHMs agree
    to 1e-9 (measured 6e-15). The FWHM grows with kappa_r (11.26, 13.21, 15.96 um at 70, 140, 280 W/mK)."""
    kappa_r = 280.0
    anisotropic = float(jt.tdtr.out_of_phase_fwhm(_half_space(kappa_r), SETUP, DELAY))
    kappa = np.sqrt(kappa_r * KZ)
    isotropic = float(jt.tdtr.out_of_phase_fwhm(_half_space(kappa, kappa, C * np.sqrt(KZ / kappa_r)), SETUP, DELAY))
    assert abs(anisotropic / isotropic - 1) < 1e-9
    widths = [float(jt.tdtr.out_of_phase_fwhm(_half_space(k), SETUP, DELAY)) for k in (70.0, 140.0)]
    assert widths[0] < widths[1] < anisotropic


@pytest.mark.slow
def test_fwhm_derivative_matches_finite_differences():
    """The FWHM's derivative in kappa_r (implicit function of the Newton root) matches central
    differences to 1e-5 (measured 9e-7)."""
    kappa_r = 280.0
    grad = float(jax.grad(lambda k: jt.tdtr.out_of_phase_fwhm(_half_space(k), SETUP, DELAY))(kappa_r))
    h = 0.01
    fd = (
        float(jt.tdtr.out_of_phase_fwhm(_half_space(kappa_r + h), SETUP, DELAY))
        - float(jt.tdtr.out_of_phase_fwhm(_half_space(kappa_r - h), SETUP, DELAY))
    ) / (2 * h)
    assert abs(grad / fd - 1) < 1e-5, (grad, fd)


@pytest.mark.slow
def test_offset_profile_fit_recovers_inplane_conductivity():
    """Synthetic V_out(x0) / V_out(0) (kappa_r = 280 W/mK, 1e-3 noise) fitted with
    `jt.fit.fit_traces` from kappa_r = 140 recovers kappa_r within 3 standard errors and 3 %
    (the model's value: `test_offset_profile_and_fwhm_against_independent_computation`)."""
    offsets = np.linspace(2e-6, 16e-6, 8)
    model = jt.tdtr.OffsetModel(SETUP, offsets, DELAY, stack_path="stack")
    truth = {"stack": _half_space(280.0)}
    rng = np.random.default_rng(3)
    data = np.asarray(model(truth)) + 1e-3 * rng.standard_normal(offsets.size)
    trace = jt.fit.Trace(model=model, data=data, sigma=1e-3, name="offset", x=offsets)
    start = {"stack": _half_space(140.0)}
    result = jt.fit.fit_traces(start, trace, {"kappa_r": "stack.layers[0].conductivity_inplane"})
    value, error = result.values["kappa_r"], result.standard_errors["kappa_r"]
    assert abs(value - 280.0) < 3 * error and abs(value / 280.0 - 1) < 0.03, (value, error)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda s: jt.tdtr.offset_signal(s, SETUP, [0.0, 5.0], DELAY), "offsets"),
        (lambda s: jt.tdtr.offset_signal(s, SETUP, [0.0, 1e-4], DELAY), "n_hankel_panels"),
        (lambda s: jt.tdtr.out_of_phase_fwhm(s, SETUP, [1e-9, 2e-9]), "delay"),
        (lambda s: jt.tdtr.out_of_phase_fwhm(s, SETUP.replace(one_dimensional=True), DELAY), "one_dimensional"),
        (lambda s: jt.tdtr.OffsetModel(SETUP, [[1e-6]], DELAY), "offsets"),
    ],
)
def test_bad_offset_inputs_are_refused(call, message):
    with pytest.raises(ValueError, match=message):
        call(_half_space(140.0))
