"""T(r, z): the half-space field against its closed forms, the interface jump and flux continuity,
the probe-weighted field against `jt.tdtr.response`, and the gradient."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from scipy import special

import jaxtherm as jt

L = jt.tdtr.Layer
KAPPA, C = 140.0, 1.6e6
W0 = 10e-6
HALF = jt.tdtr.Stack(layers=[L(float("inf"), C, KAPPA)], resistances=[])
SETUP = jt.tdtr.Setup(modulation_frequency=1e3, repetition_rate=80e6, pump_radius=W0, probe_radius=5e-6)


def test_half_space_field_matches_closed_forms():
    # Steady Gaussian source on a half space: (1/2 pi kappa) int exp(-k^2 w^2/8) J0(kr) exp(-kz) dk gives
    # T(r, 0) = exp(-r^2/w^2) I0(r^2/w^2) / (sqrt(2 pi) kappa w) and T(0, z) = erfcx(sqrt2 z/w) / (sqrt(2 pi) kappa w).
    radii = np.linspace(0.0, 3 * W0, 7)
    depths = np.array([0.0, 0.5 * W0, 2 * W0, 100 * W0])
    field = np.asarray(jt.tdtr.temperature_field(HALF, SETUP, radii, depths))
    centre = 1.0 / (np.sqrt(2.0 * np.pi) * KAPPA * W0)
    surface = centre * special.i0e(radii**2 / W0**2)
    axis = centre * special.erfcx(np.sqrt(2.0) * depths / W0)
    np.testing.assert_allclose(field[0].real, surface, rtol=1e-10)
    np.testing.assert_allclose(field[:, 0].real, axis, rtol=1e-10)
    assert np.max(np.abs(field.imag)) == 0.0
    # far below the spot the source looks like a point: P / (2 pi kappa z), and the field decays
    assert field[-1, 0].real * 2 * np.pi * KAPPA * depths[-1] == pytest.approx(1.0, abs=5e-5)
    assert np.all(np.diff(field[:, 0].real) < 0) and np.all(np.diff(field[0].real) < 0)


FILM_R = 1e-8
FILM = jt.tdtr.Stack(layers=[L(1e-6, 2.4e6, 20.0), L(float("inf"), C, KAPPA)], resistances=[FILM_R])


def test_interface_jump_is_resistance_times_flux_and_flux_is_continuous():
    radii = jnp.array([0.0, 5e-6])

    @jax.jit
    def both_sides(frequency_scale):
        def side(layer, depth):
            field = jt.tdtr.temperature_field(FILM, SETUP, radii, depth[None], layer=layer, frequency=1e3)
            return field[0] * frequency_scale

        above, d_above = jax.jvp(lambda z: side(0, z), (jnp.asarray(1e-6),), (jnp.asarray(1.0),))
        below, d_below = jax.jvp(lambda z: side(1, z), (jnp.asarray(0.0),), (jnp.asarray(1.0),))
        return above, below, -20.0 * d_above, -KAPPA * d_below

    above, below, flux_above, flux_below = (np.asarray(v) for v in both_sides(1.0))
    np.testing.assert_allclose(flux_above, flux_below, rtol=1e-9)
    np.testing.assert_allclose(above - below, FILM_R * flux_above, rtol=1e-9)
    assert np.all(np.abs(above - below) > 0.1 * np.abs(below))  # a real jump, not a tautology


def test_probe_weighted_surface_field_equals_steady_response_and_gradient():
    # int T(r, 0) I_probe(r) 2 pi r dr over the probe Gaussian is the steady H(0) of jt.tdtr.response
    nodes, weights = np.polynomial.legendre.leggauss(80)
    r_max = 4.0 * 5e-6
    radii = 0.5 * r_max * (nodes + 1.0)
    probe = 2.0 / (np.pi * 25e-12) * np.exp(-2.0 * radii**2 / 25e-12) * 2.0 * np.pi * radii * 0.5 * r_max * weights

    def weighted(kappa, frequency=0.0):
        stack = FILM.replace_layer(1, conductivity=kappa)
        return jt.tdtr.temperature_field(stack, SETUP, radii, np.zeros(1), frequency=frequency)[0] @ probe

    heating = float(jt.tdtr.steady_state_heating(FILM, SETUP, 1.0))
    # 1e-5: the steady H(0) of `response` itself carries ~2e-6 (its x^-1/2 end point)
    assert complex(weighted(KAPPA)) == pytest.approx(heating, rel=1e-5)
    modulated = complex(weighted(KAPPA, 1e6))
    assert modulated == pytest.approx(complex(jt.tdtr.response(FILM, SETUP, 1e6)), rel=1e-10)
    assert abs(modulated.imag) > 0.3 * abs(modulated)

    def steady(kappa):
        return jnp.real(weighted(kappa))

    h = 1e-4 * KAPPA
    finite = (steady(KAPPA + h) - steady(KAPPA - h)) / (2 * h)
    assert float(jax.jit(jax.grad(steady))(KAPPA)) == pytest.approx(float(finite), rel=1e-6)


def test_temperature_field_refuses_bad_points():
    with pytest.raises(ValueError, match="depths"):
        jt.tdtr.temperature_field(FILM.replace_layer(1, thickness=1e-5), SETUP, [0.0], [1e-3], frequency=1.0)
    with pytest.raises(ValueError, match="radii"):
        jt.tdtr.temperature_field(HALF, SETUP, [-1e-6], [0.0])
    with pytest.raises(ValueError, match="0 Hz"):
        jt.tdtr.temperature_field(FILM.replace_layer(1, thickness=1e-5), SETUP, [0.0], [0.0])
