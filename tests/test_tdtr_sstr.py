"""SSTR: the steady response against closed forms and independent quadratures, its low-frequency
limit, a two-spot-size fit of the substrate conductivity, and its gradient."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from scipy import integrate

import jaxtherm as jt

L = jt.tdtr.Layer
KAPPA, C = 140.0, 1.6e6
HALF = jt.tdtr.Stack(layers=[L(float("inf"), C, KAPPA)], resistances=[])
SETUP = jt.tdtr.Setup(modulation_frequency=100.0, repetition_rate=80e6, pump_radius=10e-6, probe_radius=5e-6)
WIDTH = np.sqrt(10e-6**2 + 5e-6**2)


def test_half_space_steady_response_matches_closed_form_and_real_space_quadrature():
    value = float(jt.tdtr.steady_state_response(HALF, SETUP))
    closed = 1.0 / (np.sqrt(2.0 * np.pi) * KAPPA * WIDTH)
    # Independent: in real space a point source on a half space gives 1 / (2 pi kappa rho); the pump
    # and probe Gaussians overlap as a Gaussian of width W = sqrt(w0^2 + w1^2) in the separation rho.
    density = lambda rho: 2.0 / (np.pi * WIDTH**2) * np.exp(-2.0 * rho**2 / WIDTH**2) * 2.0 * np.pi * rho  # noqa: E731
    quadrature, _ = integrate.quad(lambda rho: density(rho) / (2.0 * np.pi * KAPPA * rho), 0.0, 10 * WIDTH)
    assert quadrature == pytest.approx(closed, rel=1e-9)
    assert value == pytest.approx(closed, rel=1e-5)


def _film_steady_numpy(film_thickness, film_kappa, resistance, substrate_kappa, width):
    """Steady probe-weighted response of film + resistance + half space by cosh/sinh transfer matrices."""

    def g(k):
        # half space: theta / flux = 1 / (kappa k); up through the resistance and the film (q = k at s = 0)
        theta, flux = 1.0 / (substrate_kappa * k), 1.0
        theta = theta + resistance * flux
        c, s = np.cosh(k * film_thickness), np.sinh(k * film_thickness)
        theta, flux = c * theta + s / (film_kappa * k) * flux, film_kappa * k * s * theta + c * flux
        return theta / flux

    integrand = lambda k: g(k) * np.exp(-(k**2) * width**2 / 8.0) * k / (2.0 * np.pi)  # noqa: E731
    value, _ = integrate.quad(integrand, 0.0, 20.0 / width, limit=200)
    return value


def test_film_on_substrate_matches_transfer_matrix_quadrature_and_series_resistance_limit():
    resistance, substrate = 2e-9, 30.0
    film = jt.tdtr.Stack(layers=[L(80e-9, 2.4e6, 200.0), L(float("inf"), 3.0e6, substrate)], resistances=[resistance])
    value = float(jt.tdtr.steady_state_response(film, SETUP))
    reference = _film_steady_numpy(80e-9, 200.0, resistance, substrate, WIDTH)
    assert value == pytest.approx(reference, rel=1e-5)
    # A film without lateral spreading (80 nm of a 0.8 W/mK layer: kappa_f d << kappa_s W) adds its
    # series resistance weighted by (1/2 pi) int exp(-k^2 W^2/8) k dk = 2 / (pi W^2).
    poor = film.replace_layer(0, conductivity=0.8)
    added = float(jt.tdtr.steady_state_response(poor, SETUP)) - 1.0 / (np.sqrt(2.0 * np.pi) * substrate * WIDTH)
    assert added == pytest.approx(2.0 * (80e-9 / 0.8 + resistance) / (np.pi * WIDTH**2), rel=2e-3)


def test_sstr_signal_tends_to_steady_response_like_sqrt_f():
    steady = float(jt.tdtr.steady_state_response(HALF, SETUP))
    at_100 = complex(jt.tdtr.sstr_signal(HALF, SETUP))
    low = np.asarray(jt.tdtr.response(HALF, SETUP, np.array([1.0, 100.0])))
    assert at_100 == low[1]
    deviation = np.abs(low - steady)
    # half space: H(omega) = H(0) - const sqrt(i omega) + ..., so 100x lower f gives 10x closer
    assert deviation[1] / deviation[0] == pytest.approx(10.0, rel=0.02)
    assert deviation[0] / steady < 2e-3
    # SSTR measures kappa, not C: on a half space H(0) ~ 1 / kappa (S = -1) and C enters only
    # through the sqrt(f) correction (S_C = -(S_kappa + 1) by dimensional analysis at fixed w)
    model = jt.tdtr.SstrModel(SETUP, [1e-3], stack_path="")
    sensitivity = jt.fit.log_sensitivity(
        model, HALF, {"kappa": "layers[0].conductivity", "C": "layers[0].heat_capacity"}
    )
    assert sensitivity["kappa"][0] == pytest.approx(-1.0, abs=2e-2)
    assert 0 < abs(sensitivity["C"][0]) < 2e-2
    assert sensitivity["C"][0] == pytest.approx(-(sensitivity["kappa"][0] + 1.0), abs=1e-9)
    # the steady heating is the average power times the same number
    assert float(jt.tdtr.steady_state_heating(HALF, SETUP, 0.02)) == pytest.approx(0.02 * steady, rel=1e-12)


def test_sstr_fit_recovers_substrate_conductivity_from_two_spot_sizes():
    stack = jt.tdtr.Stack(layers=[L(80e-9, 2.4e6, 200.0), L(float("inf"), 3.0e6, 30.0)], resistances=[5e-9])
    powers = np.linspace(1e-3, 5e-3, 5)
    gain = 2e-4  # V/K, calibrated on a reference sample
    params = {"stack": stack, "gain": gain}
    traces = []
    rng = np.random.default_rng(7)
    for radius in (3e-6, 15e-6):
        setup = SETUP.replace(pump_radius=radius, probe_radius=radius)
        model = jt.tdtr.SstrModel(setup, powers, gain_path="gain")
        clean = np.asarray(model(params))
        sigma = 1e-3 * np.max(clean)
        traces.append(jt.fit.Trace(model=model, data=clean + sigma * rng.standard_normal(clean.size), sigma=sigma))
    start = {"stack": stack.replace_layer(1, conductivity=60.0), "gain": gain}
    result = jt.fit.fit_traces(start, traces, {"kappa_s": "stack.layers[1].conductivity"})
    assert result.values["kappa_s"] == pytest.approx(30.0, abs=3 * result.standard_errors["kappa_s"])
    assert result.standard_errors["kappa_s"] < 0.05
    # gradient of the model in the substrate conductivity against central finite differences
    model = traces[0].model

    def total(kappa):
        return jnp.sum(model({"stack": stack.replace_layer(1, conductivity=kappa), "gain": gain}))

    h = 1e-4 * 30.0
    finite = (total(30.0 + h) - total(30.0 - h)) / (2 * h)
    assert float(jax.jit(jax.grad(total))(30.0)) == pytest.approx(float(finite), rel=1e-6)


def test_wide_area_sstr_is_the_one_dimensional_response_and_refusals():
    # A pump much wider than the diffusion length heats a half space in 1-D: H = 1 / (e sqrt(i omega)).
    wide = jt.tdtr.Setup(modulation_frequency=100.0, repetition_rate=80e6, one_dimensional=True)
    value = complex(jt.tdtr.sstr_signal(HALF, wide))
    assert value == pytest.approx(1.0 / (np.sqrt(KAPPA * C) * np.sqrt(2j * np.pi * 100.0)), rel=1e-12)
    with pytest.raises(ValueError, match="0 Hz"):
        jt.tdtr.steady_state_response(HALF, wide)  # no steady state in 1-D
    with pytest.raises(ValueError, match="powers"):
        jt.tdtr.SstrModel(SETUP, [[1e-3]])
    with pytest.raises(ValueError, match="observable"):
        jt.tdtr.SstrModel(SETUP, [1e-3], observable="slope")
    assert jt.tdtr.SstrModel(SETUP, [1e-3, 2e-3]) == jt.tdtr.SstrModel(SETUP, np.array([1e-3, 2e-3]))
    assert jt.tdtr.SstrModel(SETUP, [1e-3]) != jt.tdtr.SstrModel(SETUP, [1e-3], delay=1e-9)
