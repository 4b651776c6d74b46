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

For TDTR stacks, `lookup("Si", temperature=300.0)` gives the heat capacity, conductivity
(cross-plane and in-plane), density and sound speed of the common transducers and
substrates (Al, Au, Pt, Cu, W, Ni, Si, SiO2, sapphire, quartz) from `MATERIAL_TABLE`,
each with its `source`.

Sources of the parameter sets are given in each constant's docstring: the
DUGKS paper (Section IV and Tables 1-2, `shared/seeds/003_...`) and the ITR
paper (Tables 1 and 5, `shared/seeds/000_...`).
"""

from __future__ import annotations

from ._material_models import ELECTRON_CONDUCTIVITY_MODELS as ELECTRON_CONDUCTIVITY_MODELS
from ._material_models import ELECTRON_HEAT_CAPACITY_MODELS as ELECTRON_HEAT_CAPACITY_MODELS
from ._material_models import Metal as Metal
from ._material_models import NonMetal as NonMetal
from ._material_models import anisimov_rethfeld_conductivity as anisimov_rethfeld_conductivity
from ._material_models import temperature_from_energy as temperature_from_energy
from ._material_table import MATERIAL_TABLE as MATERIAL_TABLE
from ._material_table import MaterialEntry as MaterialEntry
from ._material_table import MaterialProperties as MaterialProperties
from ._material_table import lookup as lookup
from ._validation import check_choice, check_nonnegative, check_positive
from .constants import ELECTRON_VOLT

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
    "MATERIAL_TABLE",
    "MaterialEntry",
    "MaterialProperties",
    "lookup",
]


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
