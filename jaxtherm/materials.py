"""Named material parameter sets for the two-temperature model and the DUGKS.

Two kinds of material:

* `Metal` - electrons and phonons, each with a heat capacity, a conductivity
  and a carrier speed, coupled by the electron-phonon coupling constant G;
* `NonMetal` - phonons only (a substrate or a dielectric spacer).

Which *formula* a property follows (e.g. ``Ce = gamma*Te`` or constant,
Anisimov-Rethfeld ``kappa_e`` of DUGKS eq. 49 or ``kappa_0 Te/Tp``) is a static
field: changing it recompiles. The *coefficients* are float pytree leaves in SI
units, so G, gamma, kappa_0 ... can be fitted, differentiated and vmapped.

Every property is available as a method of the material taking the electron
and phonon temperatures ``(Te, Tp)`` in K (arrays broadcast), e.g.::

    import dataclasses
    from jaxtherm import materials
    au = dataclasses.replace(materials.GOLD, coupling_constant=1.5e16)
    au.electron_heat_capacity(Te)            # J m^-3 K^-1
    au.electron_conductivity(Te, Tp)         # W m^-1 K^-1
    au.electron_relaxation_time(Te, Tp)      # s, tau = 3 kappa / (C v^2)

Sources of the parameter sets are given in each constant's docstring: the
DUGKS paper (Section IV and Tables 1-2, `shared/seeds/003_...`) and the ITR
paper (Tables 1 and 5, `shared/seeds/000_...`).
"""

from __future__ import annotations

import jax.numpy as jnp

from ._pytree import pytree_dataclass, static_field
from ._validation import check_choice, check_nonnegative, check_positive
from .constants import BOLTZMANN, ELECTRON_VOLT

__all__ = [
    "Metal",
    "NonMetal",
    "ELECTRON_HEAT_CAPACITY_MODELS",
    "ELECTRON_CONDUCTIVITY_MODELS",
    "anisimov_rethfeld_conductivity",
    "temperature_from_energy",
    "GOLD",
    "GOLD_300K",
    "GOLD_25K",
    "GOLD_TDTR_BENCHMARK",
    "PLATINUM",
    "NICKEL",
    "TUNGSTEN",
    "ALUMINA",
    "SAPPHIRE",
    "FUSED_QUARTZ",
    "validate_material",
]

#: ``"linear"``: Ce = gamma * Te (free-electron Sommerfeld form);
#: ``"constant"``: Ce = electron_heat_capacity_constant.
ELECTRON_HEAT_CAPACITY_MODELS = ("linear", "constant")
#: ``"anisimov_rethfeld"``: DUGKS eq. 49 (exponent 1/2, SPEC section 7);
#: ``"te_over_tp"``: kappa_e = kappa_0 Te / Tp (DUGKS Table 2);
#: ``"constant"``: kappa_e = kappa_0.
ELECTRON_CONDUCTIVITY_MODELS = ("anisimov_rethfeld", "te_over_tp", "constant")


def anisimov_rethfeld_conductivity(electron_temperature, phonon_temperature, chi, eta, fermi_energy):
    """Electron thermal conductivity of Anisimov and Rethfeld (DUGKS paper eq. 49).

    `kappa_e = chi (th_e^2 + 0.16)^(5/4) (th_e^2 + 0.44) th_e / [(th_e^2 + 0.092)^(1/2) (th_e^2 + eta th_p)]`
    with `th = kB T / Ef`. The seed text prints the exponent of `(th_e^2 + 0.092)`
    as "51/2"; the correct value is 1/2 (SPEC section 7). Gives about 315 W/m/K for
    gold at Te = Tp = 300 K.

    **Arguments:**

    - `electron_temperature`: Te (K).
    - `phonon_temperature`: Tp (K).
    - `chi`: prefactor chi (W m^-1 K^-1), 353 for Au.
    - `eta`: dimensionless eta, 0.16 for Au.
    - `fermi_energy`: Ef (J), 5.51 eV for Au.

    **Returns:** kappa_e (W m^-1 K^-1), shape of the broadcast temperatures.
    """
    theta_e = BOLTZMANN * electron_temperature / fermi_energy
    theta_p = BOLTZMANN * phonon_temperature / fermi_energy
    theta_e2 = theta_e * theta_e
    numerator = (theta_e2 + 0.16) ** 1.25 * (theta_e2 + 0.44) * theta_e
    denominator = jnp.sqrt(theta_e2 + 0.092) * (theta_e2 + eta * theta_p)
    return chi * numerator / denominator


def temperature_from_energy(energy, capacity, capacity_slope, reference_temperature):
    """T (K) with int_Tref^T C dT' = `energy` for a heat capacity linear in T.

    C(T) = `capacity` + `capacity_slope` (T - Tref), so the energy is
    E = d (C_ref + slope d / 2) with d = T - Tref and
    d = 2 E / (C_ref + sqrt(C_ref^2 + 2 slope E)): the cancellation-free root,
    exact for constant C (slope 0) and for Ce = gamma Te (C_ref = gamma Tref, slope gamma).

    **Arguments:** `energy` (J/m^3) above Tref; `capacity` C(Tref) (J m^-3 K^-1);
    `capacity_slope` dC/dT (J m^-3 K^-2); `reference_temperature` Tref (K).
    """
    discriminant = jnp.maximum(capacity * capacity + 2.0 * capacity_slope * energy, 0.0)
    return reference_temperature + 2.0 * energy / (capacity + jnp.sqrt(discriminant))


@pytree_dataclass
class Metal:
    """A metal for the two-temperature model / coupled electron-phonon BTE.

    Float fields are pytree leaves in SI units (fit / sweep / differentiate them);
    the `*_model` and `name` fields are static.

    **Fields:**

    - `name`: label (static).
    - `electron_heat_capacity_model`: one of `ELECTRON_HEAT_CAPACITY_MODELS` (static).
    - `electron_conductivity_model`: one of `ELECTRON_CONDUCTIVITY_MODELS` (static).
    - `sommerfeld_coefficient`: gamma in Ce = gamma Te (J m^-3 K^-2); used by the
      ``"linear"`` model.
    - `electron_heat_capacity_constant`: Ce (J m^-3 K^-1); used by ``"constant"``.
    - `electron_conductivity_coefficient`: (W m^-1 K^-1) chi of eq. 49
      (``"anisimov_rethfeld"``), kappa_0 of kappa_0 Te/Tp (``"te_over_tp"``) or the
      constant kappa_e (``"constant"``).
    - `anisimov_eta`: eta of eq. 49 (dimensionless).
    - `fermi_energy`: Ef (J).
    - `phonon_heat_capacity_constant`: Cp (J m^-3 K^-1).
    - `phonon_conductivity_constant`: kappa_p (W m^-1 K^-1).
    - `coupling_constant`: electron-phonon coupling G (W m^-3 K^-1).
    - `electron_speed`: |v_e| (m/s), electron group (Fermi) speed.
    - `phonon_speed`: |v_p| (m/s), phonon group speed.
    """

    name: str = static_field(default="metal")
    electron_heat_capacity_model: str = static_field(default="linear")
    electron_conductivity_model: str = static_field(default="constant")
    sommerfeld_coefficient: float = 0.0
    electron_heat_capacity_constant: float = 0.0
    electron_conductivity_coefficient: float = 0.0
    anisimov_eta: float = 0.16
    fermi_energy: float = 5.51 * ELECTRON_VOLT
    phonon_heat_capacity_constant: float = 0.0
    phonon_conductivity_constant: float = 0.0
    coupling_constant: float = 0.0
    electron_speed: float = 1.0e6
    phonon_speed: float = 3.0e3

    has_electrons = True

    # ---- electrons -------------------------------------------------------
    def electron_heat_capacity(self, electron_temperature):
        """Ce(Te) (J m^-3 K^-1) at electron temperature `electron_temperature` (K)."""
        if self.electron_heat_capacity_model == "linear":
            return self.sommerfeld_coefficient * electron_temperature
        return self.electron_heat_capacity_constant * jnp.ones_like(electron_temperature)

    def electron_energy(self, electron_temperature, reference_temperature):
        """Electron energy density relative to `reference_temperature`: int_Tref^Te Ce dT (J/m^3).

        **Arguments:** `electron_temperature` Te (K); `reference_temperature` Tref (K).
        """
        if self.electron_heat_capacity_model == "linear":
            # gamma (Te^2 - Tref^2)/2 written as a product: no cancellation for Te ~ Tref.
            return (
                0.5
                * self.sommerfeld_coefficient
                * (electron_temperature - reference_temperature)
                * (electron_temperature + reference_temperature)
            )
        return self.electron_heat_capacity_constant * (electron_temperature - reference_temperature)

    def electron_temperature_from_energy(self, energy, reference_temperature):
        """Inverse of `electron_energy`: Te (K) from the energy density (J/m^3) above Tref (K).

        Closed form (differentiable): for Ce = gamma Te,
        Te = Tref + 2E/gamma / (Tref + sqrt(Tref^2 + 2E/gamma)), the cancellation-free
        form of sqrt(Tref^2 + 2E/gamma).
        """
        capacity = self.electron_heat_capacity(reference_temperature)
        slope = self.sommerfeld_coefficient if self.electron_heat_capacity_model == "linear" else 0.0
        return temperature_from_energy(energy, capacity, slope, reference_temperature)

    def electron_conductivity(self, electron_temperature, phonon_temperature):
        """kappa_e(Te, Tp) (W m^-1 K^-1); temperatures in K (DUGKS eq. 49 / Table 2)."""
        model = self.electron_conductivity_model
        if model == "anisimov_rethfeld":
            return anisimov_rethfeld_conductivity(
                electron_temperature,
                phonon_temperature,
                self.electron_conductivity_coefficient,
                self.anisimov_eta,
                self.fermi_energy,
            )
        if model == "te_over_tp":
            return self.electron_conductivity_coefficient * electron_temperature / phonon_temperature
        return self.electron_conductivity_coefficient * jnp.ones_like(
            jnp.asarray(electron_temperature) + jnp.asarray(phonon_temperature)
        )

    def electron_relaxation_time(self, electron_temperature, phonon_temperature):
        """tau_e = 3 kappa_e / (Ce |v_e|^2) (s); temperatures in K (DUGKS section IV.1)."""
        return (
            3.0
            * self.electron_conductivity(electron_temperature, phonon_temperature)
            / (self.electron_heat_capacity(electron_temperature) * self.electron_speed**2)
        )

    # ---- phonons ---------------------------------------------------------
    def phonon_heat_capacity(self, phonon_temperature):
        """Cp (J m^-3 K^-1) at phonon temperature `phonon_temperature` (K); constant."""
        return self.phonon_heat_capacity_constant * jnp.ones_like(phonon_temperature)

    def phonon_energy(self, phonon_temperature, reference_temperature):
        """Phonon energy density above `reference_temperature` (J/m^3); temperatures in K."""
        return self.phonon_heat_capacity_constant * (phonon_temperature - reference_temperature)

    def phonon_temperature_from_energy(self, energy, reference_temperature):
        """Inverse of `phonon_energy`: Tp (K) from energy density (J/m^3) above Tref (K)."""
        return reference_temperature + energy / self.phonon_heat_capacity_constant

    def phonon_conductivity(self, electron_temperature, phonon_temperature):
        """kappa_p (W m^-1 K^-1); constant (temperatures in K accepted for a uniform API)."""
        return self.phonon_conductivity_constant * jnp.ones_like(
            jnp.asarray(electron_temperature) + jnp.asarray(phonon_temperature)
        )

    def phonon_relaxation_time(self, electron_temperature, phonon_temperature):
        """tau_p = 3 kappa_p / (Cp |v_p|^2) (s); temperatures in K."""
        return (
            3.0
            * self.phonon_conductivity(electron_temperature, phonon_temperature)
            / (self.phonon_heat_capacity(phonon_temperature) * self.phonon_speed**2)
        )

    # ---- coupling --------------------------------------------------------
    def coupling(self, electron_temperature, phonon_temperature):
        """Electron-phonon coupling G (W m^-3 K^-1); constant, (Te, Tp) in K for a uniform API."""
        return self.coupling_constant * jnp.ones_like(
            jnp.asarray(electron_temperature) + jnp.asarray(phonon_temperature)
        )


@pytree_dataclass
class NonMetal:
    """A phonon-only medium (substrate, dielectric spacer).

    **Fields:**

    - `name`: label (static).
    - `phonon_heat_capacity_constant`: C (J m^-3 K^-1).
    - `phonon_conductivity_constant`: kappa (W m^-1 K^-1).
    - `phonon_speed`: |v_p| (m/s).
    """

    name: str = static_field(default="nonmetal")
    phonon_heat_capacity_constant: float = 0.0
    phonon_conductivity_constant: float = 0.0
    phonon_speed: float = 5.0e3

    has_electrons = False

    def phonon_heat_capacity(self, phonon_temperature):
        """C (J m^-3 K^-1) at `phonon_temperature` (K); constant."""
        return self.phonon_heat_capacity_constant * jnp.ones_like(phonon_temperature)

    def phonon_energy(self, phonon_temperature, reference_temperature):
        """Energy density above `reference_temperature` (J/m^3); temperatures in K."""
        return self.phonon_heat_capacity_constant * (phonon_temperature - reference_temperature)

    def phonon_temperature_from_energy(self, energy, reference_temperature):
        """Inverse of `phonon_energy` (K)."""
        return reference_temperature + energy / self.phonon_heat_capacity_constant

    def phonon_conductivity(self, electron_temperature, phonon_temperature):
        """kappa (W m^-1 K^-1); constant."""
        return self.phonon_conductivity_constant * jnp.ones_like(
            jnp.asarray(electron_temperature) + jnp.asarray(phonon_temperature)
        )

    def phonon_relaxation_time(self, electron_temperature, phonon_temperature):
        """tau = 3 kappa / (C |v|^2) (s)."""
        return (
            3.0
            * self.phonon_conductivity(electron_temperature, phonon_temperature)
            / (self.phonon_heat_capacity(phonon_temperature) * self.phonon_speed**2)
        )


def validate_material(material, name: str = "material"):
    """Check a material's models and coefficients (concrete values only); raises ValueError.

    **Arguments:** `material`: a `Metal` or `NonMetal`; `name`: label used in messages.

    **Returns:** the material unchanged.
    """
    if isinstance(material, Metal):
        check_choice(
            f"{name}.electron_heat_capacity_model", material.electron_heat_capacity_model, ELECTRON_HEAT_CAPACITY_MODELS
        )
        check_choice(
            f"{name}.electron_conductivity_model", material.electron_conductivity_model, ELECTRON_CONDUCTIVITY_MODELS
        )
        if material.electron_heat_capacity_model == "linear":
            check_positive(f"{name}.sommerfeld_coefficient (gamma)", material.sommerfeld_coefficient, "J m^-3 K^-2")
        else:
            check_positive(
                f"{name}.electron_heat_capacity_constant", material.electron_heat_capacity_constant, "J m^-3 K^-1"
            )
        check_positive(
            f"{name}.electron_conductivity_coefficient", material.electron_conductivity_coefficient, "W m^-1 K^-1"
        )
        check_positive(f"{name}.fermi_energy", material.fermi_energy, "J")
        check_nonnegative(f"{name}.anisimov_eta", material.anisimov_eta, "dimensionless")
        check_nonnegative(f"{name}.coupling_constant", material.coupling_constant, "W m^-3 K^-1")
        check_positive(f"{name}.electron_speed", material.electron_speed, "m/s")
    elif not isinstance(material, NonMetal):
        raise TypeError(f"{name} must be a jaxtherm.materials.Metal or NonMetal, got {type(material).__name__}")
    check_positive(f"{name}.phonon_heat_capacity_constant", material.phonon_heat_capacity_constant, "J m^-3 K^-1")
    check_nonnegative(f"{name}.phonon_conductivity_constant", material.phonon_conductivity_constant, "W m^-1 K^-1")
    check_positive(f"{name}.phonon_speed", material.phonon_speed, "m/s")
    return material


#: Gold, DUGKS paper section IV.1 (Fig. 2): Ce = 71 Te J m^-3 K^-1, kappa_e of eq. 49
#: (chi = 353 W/m/K, eta = 0.16, Ef = 5.51 eV; exponent 1/2), Cp = 2.5e6 J m^-3 K^-1,
#: kappa_p = 2.6 W/m/K, G = 2.6e16 W m^-3 K^-1, |v_e| = 1.36e6 m/s, |v_p| = 2142.86 m/s.
#: Fig. 3 uses kappa_p = 0.311 and G = 1.5e16 (`dataclasses.replace`); the TDTR fit of
#: section IV.2 finds G ~ 2.0e16.
GOLD = Metal(
    name="Au",
    electron_heat_capacity_model="linear",
    electron_conductivity_model="anisimov_rethfeld",
    sommerfeld_coefficient=71.0,
    electron_conductivity_coefficient=353.0,
    anisimov_eta=0.16,
    fermi_energy=5.51 * ELECTRON_VOLT,
    phonon_heat_capacity_constant=2.5e6,
    phonon_conductivity_constant=2.6,
    coupling_constant=2.6e16,
    electron_speed=1.36e6,
    phonon_speed=2142.86,
)

#: Gold with constant coefficients at 300 K, DUGKS paper Table 1 (transient grating):
#: Cp 2.50e6, kappa_p 2.75, Ce 2.0e4, kappa_e 320, G 3.0e16, |v_e| 1.36e6, |v_p| 2142.857.
GOLD_300K = Metal(
    name="Au (300 K, Table 1)",
    electron_heat_capacity_model="constant",
    electron_conductivity_model="constant",
    electron_heat_capacity_constant=2.0e4,
    electron_conductivity_coefficient=320.0,
    phonon_heat_capacity_constant=2.5e6,
    phonon_conductivity_constant=2.75,
    coupling_constant=3.0e16,
    electron_speed=1.36e6,
    phonon_speed=2142.857,
)

#: Gold with constant coefficients at 25 K, DUGKS paper Table 1:
#: Cp 5.10e5, kappa_p 23.0, Ce 1.70e3, kappa_e 977, G 5.0e15, |v_e| 1.36e6, |v_p| 2142.857.
GOLD_25K = Metal(
    name="Au (25 K, Table 1)",
    electron_heat_capacity_model="constant",
    electron_conductivity_model="constant",
    electron_heat_capacity_constant=1.7e3,
    electron_conductivity_coefficient=977.0,
    phonon_heat_capacity_constant=5.1e5,
    phonon_conductivity_constant=23.0,
    coupling_constant=5.0e15,
    electron_speed=1.36e6,
    phonon_speed=2142.857,
)

#: Gold of the peer benchmark (issue 4): Ce = 71 Te, kappa_e = 318 Te/Tp, Cp 2.5e6,
#: kappa_p 2.6, G 2.6e16 - the common textbook TTM parametrisation of Au.
GOLD_TDTR_BENCHMARK = Metal(
    name="Au (kappa_0 Te/Tp)",
    electron_heat_capacity_model="linear",
    electron_conductivity_model="te_over_tp",
    sommerfeld_coefficient=71.0,
    electron_conductivity_coefficient=318.0,
    phonon_heat_capacity_constant=2.5e6,
    phonon_conductivity_constant=2.6,
    coupling_constant=2.6e16,
    electron_speed=1.36e6,
    phonon_speed=2142.86,
)

#: Platinum at 300 K, DUGKS paper Table 2 (after Wang et al. 2016): Cp 2.67e6,
#: kappa_p 5.80, |v_p| 1.91e3, Ce = 748.1 Te, kappa_e = 65.80 Te/Tp, |v_e| 0.46e6,
#: G 108.8e16 W m^-3 K^-1 (strong coupling: use TTM variant B).
PLATINUM = Metal(
    name="Pt",
    electron_heat_capacity_model="linear",
    electron_conductivity_model="te_over_tp",
    sommerfeld_coefficient=748.1,
    electron_conductivity_coefficient=65.80,
    phonon_heat_capacity_constant=2.67e6,
    phonon_conductivity_constant=5.80,
    coupling_constant=108.8e16,
    electron_speed=0.46e6,
    phonon_speed=1.91e3,
)

#: Nickel, ITR paper Table 5 (TTM of its Fig. 5): Ce 4e5 (constant), Cp 3.98e6,
#: kappa_e 67.8, kappa_p 23.2, G 8.46e17. The carrier speeds are NOT from the paper
#: (only the kinetic solver needs them): |v_e| = 2.8e5 m/s and |v_p| = 4.0e3 m/s are
#: order-of-magnitude estimates (Ni d-band Fermi speed, averaged sound speed).
NICKEL = Metal(
    name="Ni",
    electron_heat_capacity_model="constant",
    electron_conductivity_model="constant",
    electron_heat_capacity_constant=4.0e5,
    electron_conductivity_coefficient=67.8,
    phonon_heat_capacity_constant=3.98e6,
    phonon_conductivity_constant=23.2,
    coupling_constant=8.46e17,
    electron_speed=2.8e5,
    phonon_speed=4.0e3,
)

#: Tungsten, ITR paper Table 5: Ce 1.12e5 (constant), Cp 2.55e6, kappa_e 132,
#: kappa_p 46, G 2e17. Carrier speeds are NOT from the paper: |v_e| = 9.0e5 m/s and
#: |v_p| = 3.5e3 m/s are order-of-magnitude estimates for kinetic solvers only.
TUNGSTEN = Metal(
    name="W",
    electron_heat_capacity_model="constant",
    electron_conductivity_model="constant",
    electron_heat_capacity_constant=1.12e5,
    electron_conductivity_coefficient=132.0,
    phonon_heat_capacity_constant=2.55e6,
    phonon_conductivity_constant=46.0,
    coupling_constant=2.0e17,
    electron_speed=9.0e5,
    phonon_speed=3.5e3,
)

#: Amorphous (ALD) Al2O3 at 300 K, ITR paper Table 1: C 2.21e6 J m^-3 K^-1,
#: diffusivity 4.4e-6 m^2/s -> kappa = C alpha = 9.724 W/m/K. Phonon speed
#: (6.0e3 m/s) is an estimate, not from the paper.
ALUMINA = NonMetal(
    name="Al2O3 (ALD)",
    phonon_heat_capacity_constant=2.21e6,
    phonon_conductivity_constant=2.21e6 * 4.4e-6,
    phonon_speed=6.0e3,
)

#: Sapphire substrate (crystalline Al2O3) at 300 K, handbook values: C 3.08e6,
#: kappa 35 W/m/K; refractive index 1.7 in the DUGKS paper's App. C.
SAPPHIRE = NonMetal(
    name="sapphire",
    phonon_heat_capacity_constant=3.08e6,
    phonon_conductivity_constant=35.0,
    phonon_speed=6.0e3,
)

#: Fused quartz at 300 K: C 1.66e6 J m^-3 K^-1 (handbook), kappa chosen so that the
#: effusivity sqrt(kappa C) = 1510 J s^-1/2 m^-2 K^-1 of ITR paper Table 4 (300 K):
#: kappa = 1510^2 / 1.66e6 = 1.3736 W/m/K.
FUSED_QUARTZ = NonMetal(
    name="quartz glass",
    phonon_heat_capacity_constant=1.66e6,
    phonon_conductivity_constant=1510.0**2 / 1.66e6,
    phonon_speed=4.1e3,
)
