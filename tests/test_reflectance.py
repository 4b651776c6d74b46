"""Thermoreflectance models (DUGKS App. C with the corrected r_jk)."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from jaxtherm import reflectance


def test_fresnel_coefficient_corrected_form():
    """r_jk = (n_j - n_k)/(n_j + n_k): air/glass 1.5 gives R = 0.04 (the seed's n_j - n_k
    denominator would give 1)."""
    r = reflectance.fresnel_coefficient(1.0, 1.5)
    assert float(jnp.abs(r) ** 2) == pytest.approx(0.04)


def test_vanishing_film_gives_bare_substrate():
    """h -> 0: the stack reflects like the bare substrate, ((1 - 1.7)/(1 + 1.7))^2."""
    film = reflectance.DrudeThinFilm(film_thickness=1e-15)
    assert float(film.reflectivity(300.0, 300.0)) == pytest.approx((0.7 / 2.7) ** 2, rel=1e-6)


def test_thick_film_gives_bulk_metal_without_overflow():
    """h >> skin depth: R -> |(1 - n2)/(1 + n2)|^2 of bulk gold; no overflow at h = 1 mm."""
    film = reflectance.DrudeThinFilm(film_thickness=1e-3)
    n2 = jnp.sqrt(film.permittivity(300.0, 300.0))
    bulk = float(jnp.abs((1 - n2) / (1 + n2)) ** 2)
    assert float(film.reflectivity(300.0, 300.0)) == pytest.approx(bulk, rel=1e-12)
    assert 0.9 < bulk < 1.0


def test_gold_permittivity_near_800_nm():
    """Drude eps of Au at 800 nm with the paper's constants: Re eps ~ -24, small positive Im."""
    eps = reflectance.DrudeThinFilm(18.2e-9).permittivity(300.0, 300.0)
    assert -26 < float(jnp.real(eps)) < -22 and 0 < float(jnp.imag(eps)) < 2


def test_relative_change_linearises_to_a_dTe_plus_b_dTp():
    """For small heating, Drude Delta R/R = a dTe + b dTp with a, b the AD derivatives."""
    film = reflectance.DrudeThinFilm(18.2e-9)
    a, b = jax.grad(film.relative_change, argnums=(0, 1))(300.0, 300.0, 300.0)
    small = film.relative_change(300.3, 300.1, 300.0)
    linear = reflectance.linear_reflectance_change(0.3, 0.1, a, b)
    assert float(small) == pytest.approx(float(linear), rel=1e-2)
    assert float(film.relative_change(300.0, 300.0, 300.0)) == 0.0


def test_vectorised_over_time_series():
    """Works elementwise on arrays of (Te, Tp), e.g. a TTM trace."""
    film = reflectance.DrudeThinFilm(18.2e-9)
    te = jnp.linspace(300.0, 600.0, 7)
    out = film.relative_change(te, jnp.full(7, 300.0), 300.0)
    loop = np.array([float(film.relative_change(t, 300.0, 300.0)) for t in te])
    np.testing.assert_allclose(out, loop, rtol=1e-12)
