"""Material classes of `jaxtherm.materials`: `Metal` (electrons + phonons) and `NonMetal` (phonons
only), the static choices of their property formulas, and the temperature-dependent property
functions they use. Import them from `jaxtherm.materials`, which also holds the named parameter
sets and `validate_material`.
"""

from __future__ import annotations

import jax.numpy as jnp

from ._pytree import pytree_dataclass, static_field
from .constants import BOLTZMANN, ELECTRON_VOLT

__all__ = [
    "Metal",
    "NonMetal",
    "ELECTRON_HEAT_CAPACITY_MODELS",
    "ELECTRON_CONDUCTIVITY_MODELS",
    "anisimov_rethfeld_conductivity",
    "temperature_from_energy",
]

#: ``"linear"``: Ce = gamma * Te (free-electron Sommerfeld form);
#: ``"constant"``: Ce = electron_heat_capacity_constant.
ELECTRON_HEAT_CAPACITY_MODELS = ("linear", "constant")
#: ``"anisimov_rethfeld"``: DUGKS eq. 49 (exponent 1/2; the paper prints 51/2);
#: ``"te_over_tp"``: kappa_e = kappa_0 Te / Tp (DUGKS Table 2);
#: ``"constant"``: kappa_e = kappa_0.
ELECTRON_CONDUCTIVITY_MODELS = ("anisimov_rethfeld", "te_over_tp", "constant")


def anisimov_rethfeld_conductivity(electron_temperature, phonon_temperature, chi, eta, fermi_energy):
    """Electron thermal conductivity of Anisimov and Rethfeld (DUGKS paper eq. 49).

    `kappa_e = chi (th_e^2 + 0.16)^(5/4) (th_e^2 + 0.44) th_e / [(th_e^2 + 0.092)^(1/2) (th_e^2 + eta th_p)]`
    with `th = kB T / Ef`. The seed text prints the exponent of `(th_e^2 + 0.092)`
    as "51/2"; the correct value is 1/2 (the Anisimov-Rethfeld form). Gives about 315 W/m/K for
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
    base = theta_e2 + 0.16
    # b^1.25 as b sqrt(sqrt(b)): vectorised square roots instead of a scalar pow call
    numerator = base * jnp.sqrt(jnp.sqrt(base)) * (theta_e2 + 0.44) * theta_e
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
