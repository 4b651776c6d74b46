"""Thermoreflectance: from electron and phonon temperatures to Delta R / R.

Two models (DUGKS paper section IV.5 and Appendix C):

* linear: `Delta R = a Delta Te + b Delta Tp` (`linear_reflectance_change`);
* Drude thin film on a substrate at normal incidence (`DrudeThinFilm`):
  `r = (r12 + r23 e^{2 i beta}) / (1 + r12 r23 e^{2 i beta})`, `beta = 2 pi n2 h / lambda0`,
  `r_jk = (n_j - n_k)/(n_j + n_k)` (the seed's eq. 65 prints `n_j - n_k` in the
  denominator - a typo: it would make every r_jk = 1), `R = |r|^2`, `n2 = sqrt(eps)`,
  `eps = eps_inf - wp^2 / (w0 (w0 + i gamma))`, `gamma = A_ee Te^2 + B_ep Tp`.

All functions are pure JAX and broadcast over arrays of temperatures, so they
apply directly to TTM or DUGKS output (e.g. the front-surface Te(t), Tp(t)).
"""

from __future__ import annotations

from typing import Any

import jax.numpy as jnp

from ._pytree import pytree_dataclass
from ._validation import check_length, check_positive
from .constants import SPEED_OF_LIGHT

__all__ = ["linear_reflectance_change", "fresnel_coefficient", "DrudeThinFilm"]


def linear_reflectance_change(
    electron_temperature_change, phonon_temperature_change, electron_coefficient, phonon_coefficient
):
    """Linear thermoreflectance `Delta R = a Delta Te + b Delta Tp` (DUGKS Figs. 10-11).

    **Arguments:**

    - `electron_temperature_change`: Delta Te (K).
    - `phonon_temperature_change`: Delta Tp (K).
    - `electron_coefficient`: a (1/K, or arbitrary units when only a/b matters).
    - `phonon_coefficient`: b (same unit as a). The paper uses a/b = 0.25 (Pt), 0.02 (Au).

    **Returns:** Delta R (unit of a times K).
    """
    return electron_coefficient * electron_temperature_change + phonon_coefficient * phonon_temperature_change


def fresnel_coefficient(index_j, index_k):
    """Normal-incidence amplitude reflection coefficient `r_jk = (n_j - n_k)/(n_j + n_k)` (complex).

    **Arguments:** `index_j`, `index_k`: complex refractive indices of the incident and
    transmitting media (dimensionless).
    """
    return (index_j - index_k) / (index_j + index_k)


@pytree_dataclass
class DrudeThinFilm:
    """Reflectivity of a Drude metal film on a transparent substrate (DUGKS App. C).

    Defaults are the DUGKS paper's Au values (plasma frequency 1.37e16 rad/s,
    eps_inf 9.5, A_ee 1.77e7 K^-2 s^-1, B_ep 1.45e11 K^-1 s^-1, sapphire n3 = 1.7,
    air n1 = 1, 800 nm probe).

    **Fields:**

    - `film_thickness`: h (m).
    - `probe_wavelength`: lambda0 (m).
    - `plasma_frequency`: wp (rad/s).
    - `background_permittivity`: eps_inf (dimensionless).
    - `electron_electron_coefficient`: A_ee (K^-2 s^-1).
    - `electron_phonon_coefficient`: B_ep (K^-1 s^-1).
    - `substrate_index`: n3 (dimensionless).
    - `ambient_index`: n1 (dimensionless).
    """

    film_thickness: Any
    probe_wavelength: Any = 800e-9
    plasma_frequency: Any = 1.37e16
    background_permittivity: Any = 9.5
    electron_electron_coefficient: Any = 1.77e7
    electron_phonon_coefficient: Any = 1.45e11
    substrate_index: Any = 1.7
    ambient_index: Any = 1.0

    def validate(self) -> DrudeThinFilm:
        """Check fields on concrete values; raises ValueError naming field and unit."""
        check_length("film_thickness", self.film_thickness, 1e-3)
        check_length("probe_wavelength", self.probe_wavelength, 1e-4)
        check_positive("plasma_frequency", self.plasma_frequency, "rad/s")
        check_positive("substrate_index", self.substrate_index, "dimensionless")
        check_positive("ambient_index", self.ambient_index, "dimensionless")
        return self

    def probe_angular_frequency(self):
        """w0 = 2 pi c / lambda0 (rad/s)."""
        return 2.0 * jnp.pi * SPEED_OF_LIGHT / self.probe_wavelength

    def damping_rate(self, electron_temperature, phonon_temperature):
        """gamma = A_ee Te^2 + B_ep Tp (1/s), DUGKS eq. 67; temperatures in K."""
        return (
            self.electron_electron_coefficient * electron_temperature**2
            + self.electron_phonon_coefficient * phonon_temperature
        )

    def permittivity(self, electron_temperature, phonon_temperature):
        """Complex eps(Te, Tp) (dimensionless), DUGKS eq. 66; temperatures in K."""
        omega = self.probe_angular_frequency()
        gamma = self.damping_rate(electron_temperature, phonon_temperature)
        return self.background_permittivity - self.plasma_frequency**2 / (omega * (omega + 1j * gamma))

    def reflectivity(self, electron_temperature, phonon_temperature):
        """R = |r|^2 (dimensionless) of the film stack, DUGKS eq. 63-65 with corrected r_jk.

        **Arguments:** `electron_temperature` Te (K), `phonon_temperature` Tp (K), broadcastable.
        """
        # Principal square root: Im(eps) > 0 gives Im(n2) > 0, a wave decaying into the film.
        film_index = jnp.sqrt(self.permittivity(electron_temperature, phonon_temperature))
        r12 = fresnel_coefficient(self.ambient_index + 0j, film_index)
        r23 = fresnel_coefficient(film_index, self.substrate_index + 0j)
        beta = 2.0 * jnp.pi * film_index * self.film_thickness / self.probe_wavelength
        # exp(2 i beta) decays for absorbing films: no overflow for thick films.
        phase = jnp.exp(2j * beta)
        r = (r12 + r23 * phase) / (1.0 + r12 * r23 * phase)
        return jnp.real(r * jnp.conj(r))

    def relative_change(self, electron_temperature, phonon_temperature, reference_temperature):
        """Delta R / R = R(Te, Tp) / R(Tref, Tref) - 1 (dimensionless); temperatures in K."""
        reference = self.reflectivity(reference_temperature, reference_temperature)
        return self.reflectivity(electron_temperature, phonon_temperature) / reference - 1.0
