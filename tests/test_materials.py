"""Material parameter sets: the papers' numbers, property formulae, validation."""

import dataclasses

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from jaxtherm import materials
from jaxtherm.constants import BOLTZMANN, ELECTRON_VOLT


def test_anisimov_rethfeld_gold_room_temperature():
    """Eq. 49 with exponent 1/2 gives ~315 W/m/K for Au at Te = Tp = 300 K (SPEC section 1);
    the seed's misprinted exponent 51/2 would give ~1e28 times more."""
    kappa = float(materials.GOLD.electron_conductivity(300.0, 300.0))
    assert kappa == pytest.approx(315.0, abs=1.0)
    theta = BOLTZMANN * 300.0 / (5.51 * ELECTRON_VOLT)
    misprinted = (
        353
        * (theta**2 + 0.16) ** 1.25
        * (theta**2 + 0.44)
        * theta
        / ((theta**2 + 0.092) ** 25.5 * (theta**2 + 0.16 * theta))
    )
    assert misprinted > 1e20 * kappa


def test_anisimov_rethfeld_low_temperature_limit():
    """For kB Te << Ef, eq. 49 reduces to the Drude-like chi 0.16^(5/4) 0.44/sqrt(0.092)
    th_e/(th_e^2 + eta th_p): doubling Te at fixed Tp multiplies kappa_e by
    2 (th300^2 + eta th_p)/(th600^2 + eta th_p), not by exactly 2."""
    au = materials.GOLD
    ratio = float(au.electron_conductivity(600.0, 300.0) / au.electron_conductivity(300.0, 300.0))
    theta = lambda t: BOLTZMANN * t / (5.51 * ELECTRON_VOLT)  # noqa: E731
    limit = 2 * (theta(300) ** 2 + 0.16 * theta(300)) / (theta(600) ** 2 + 0.16 * theta(300))
    assert ratio == pytest.approx(limit, rel=1e-3)
    assert ratio < 1.9


def test_table1_relaxation_times_and_mean_free_paths():
    """tau = 3 kappa/(C v^2) reproduces the DUGKS paper's Table 1 (300 K and 25 K)."""
    for metal, tau_e, tau_p, mfp_e in (
        (materials.GOLD_300K, 2.595e-14, 7.187e-13, 3.53e-8),
        (materials.GOLD_25K, 9.322e-13, 2.946e-11, 1.268e-6),
    ):
        assert float(metal.electron_relaxation_time(300.0, 300.0)) == pytest.approx(tau_e, rel=2e-3)
        assert float(metal.phonon_relaxation_time(300.0, 300.0)) == pytest.approx(tau_p, rel=2e-3)
        assert float(metal.electron_speed * metal.electron_relaxation_time(1.0, 1.0)) == pytest.approx(mfp_e, rel=3e-3)


def test_gold_mean_free_paths_section_iv1():
    """Section IV.1 quotes mean free paths of ~33 nm (electrons) and ~1.5 nm (phonons) for Au."""
    au = materials.GOLD
    assert float(au.electron_speed * au.electron_relaxation_time(300.0, 300.0)) == pytest.approx(33e-9, rel=0.05)
    assert float(au.phonon_speed * au.phonon_relaxation_time(300.0, 300.0)) == pytest.approx(1.5e-9, rel=0.05)


@pytest.mark.parametrize("metal", [materials.GOLD, materials.PLATINUM, materials.NICKEL])
def test_energy_inverse_roundtrip_and_heat_capacity(metal):
    """T(E(T)) = T, dE/dT = Ce, including Te within 1e-12 K of Tref (cancellation-free form)."""
    tref = 300.0
    temps = jnp.array([300.0 + 1e-12, 301.0, 1000.0, 20000.0])
    energy = metal.electron_energy(temps, tref)
    back = metal.electron_temperature_from_energy(energy, tref)
    np.testing.assert_allclose(np.asarray(back) - tref, np.asarray(temps) - tref, rtol=1e-9)
    slope = jax.vmap(jax.grad(lambda t: metal.electron_energy(t, tref)))(temps)
    np.testing.assert_allclose(slope, metal.electron_heat_capacity(temps), rtol=1e-12)


def test_platinum_table2_and_itr_table5_values():
    """Named sets carry the tables' numbers (Pt: Table 2 of the DUGKS paper; Ni, W: ITR Table 5)."""
    pt = materials.PLATINUM
    assert float(pt.electron_heat_capacity(300.0)) == pytest.approx(748.1 * 300)
    assert float(pt.electron_conductivity(600.0, 300.0)) == pytest.approx(2 * 65.8)
    assert materials.NICKEL.coupling_constant == 8.46e17 and materials.TUNGSTEN.coupling_constant == 2e17
    assert float(materials.ALUMINA.phonon_conductivity(300.0, 300.0)) == pytest.approx(2.21e6 * 4.4e-6)


def test_coefficients_are_leaves_and_vmappable():
    """G is a pytree leaf: vmap over G of a property equals a loop; models stay static."""
    gs = jnp.array([1e16, 2e16, 3e16])
    batched = jax.vmap(lambda g: dataclasses.replace(materials.GOLD, coupling_constant=g).coupling(400.0, 300.0))(gs)
    np.testing.assert_allclose(batched, gs)
    leaves, treedef = jax.tree_util.tree_flatten(materials.GOLD)
    assert "anisimov_rethfeld" in str(treedef) and 2.6e16 in leaves


@pytest.mark.parametrize(
    "field,value,match",
    [
        ("sommerfeld_coefficient", -71.0, "sommerfeld"),
        ("coupling_constant", float("nan"), "NaN"),
        ("electron_conductivity_model", "wiedemann", "unknown"),
    ],
)
def test_validation_rejects_bad_coefficients(field, value, match):
    """Negative gamma, NaN G or an unknown model raise errors naming the field."""
    bad = dataclasses.replace(materials.GOLD, **{field: value})
    with pytest.raises(ValueError, match=match):
        materials.validate_material(bad)
