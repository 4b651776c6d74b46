"""Metal and phonon-only (dielectric) layers in the stacked carrier arrays of the DUGKS.

Every cell carries both carrier rows, so one fused step serves any stack. In a
layer of a `jaxtherm.materials.NonMetal` (phonons only) the electron row is inert:
zero electron speed (no transport), zero coupling and zero source, so its
distribution stays at the reference equilibrium (zero energy above T_ref) and its
temperature reads T_ref, as in `jaxtherm.ttm`. The placeholder electron heat
capacity and relaxation time below only keep the algebra finite; they never move
energy.

Also the DUGKS parameter sets for the real samples of this module's docstring
examples: aluminium transducers and silicon substrates (gold and sapphire are in
`jaxtherm.materials`).
"""

from __future__ import annotations

import jax.numpy as jnp

from ..materials import Metal, NonMetal

__all__ = [
    "ALUMINIUM",
    "SILICON",
    "carries_electrons",
    "electron_capacity",
    "electron_coupling",
    "electron_relaxation_time",
    "electron_speed",
]

#: Relaxation time (s) of the inert electron row of a phonon-only layer: any positive
#: value; the row holds zero energy, so the collision term is zero whatever it is.
_INERT_RELAXATION_TIME = 1.0


def carries_electrons(material) -> bool:
    """True for a `Metal` (static: decided by the material's class)."""
    return bool(getattr(material, "has_electrons", False))


def electron_capacity(material, electron_temperature):
    """Ce(Te) (J m^-3 K^-1); for a phonon-only medium a placeholder equal to its C (inert row)."""
    if carries_electrons(material):
        return material.electron_heat_capacity(electron_temperature)
    return material.phonon_heat_capacity(electron_temperature)


def electron_coupling(material, electron_temperature, phonon_temperature):
    """G (W m^-3 K^-1); 0 for a phonon-only medium."""
    if carries_electrons(material):
        return material.coupling(electron_temperature, phonon_temperature)
    return jnp.zeros_like(jnp.asarray(electron_temperature) + jnp.asarray(phonon_temperature))


def electron_speed(material):
    """|v_e| (m/s); 0 for a phonon-only medium (no electron transport)."""
    return material.electron_speed if carries_electrons(material) else 0.0


def electron_relaxation_time(material, electron_temperature, phonon_temperature):
    """tau_e (s); a placeholder for a phonon-only medium (its electron row holds no energy)."""
    if carries_electrons(material):
        return material.electron_relaxation_time(electron_temperature, phonon_temperature)
    return _INERT_RELAXATION_TIME * jnp.ones_like(jnp.asarray(electron_temperature) + jnp.asarray(phonon_temperature))


#: Aluminium at 300 K (handbook values): Ce = gamma Te with gamma = 135 J m^-3 K^-2
#: (1.35 mJ mol^-1 K^-2 over 10.0 cm^3/mol), kappa_e = kappa_0 Te/Tp with kappa_0 = 230
#: W/m/K (total 237 minus the lattice part), Cp = 2.42e6 J m^-3 K^-1, kappa_p = 6 W/m/K,
#: G = 2.45e17 W m^-3 K^-1, |v_e| = 2.03e6 m/s (Fermi speed), |v_p| = 4.2e3 m/s (mean of
#: one longitudinal 6.42e3 and two transverse 3.04e3 sound speeds).
ALUMINIUM = Metal(
    name="Al",
    electron_heat_capacity_model="linear",
    electron_conductivity_model="te_over_tp",
    sommerfeld_coefficient=135.0,
    electron_conductivity_coefficient=230.0,
    phonon_heat_capacity_constant=2.42e6,
    phonon_conductivity_constant=6.0,
    coupling_constant=2.45e17,
    electron_speed=2.03e6,
    phonon_speed=4.2e3,
)

#: Silicon at 300 K (handbook values), gray phonons: C = 1.63e6 J m^-3 K^-1,
#: kappa = 148 W/m/K, |v| = 6.7e3 m/s (mean of one longitudinal 8.43e3 and two
#: transverse 5.84e3 sound speeds); gray mean free path 3 kappa / (C v) = 41 nm.
SILICON = NonMetal(
    name="Si",
    phonon_heat_capacity_constant=1.63e6,
    phonon_conductivity_constant=148.0,
    phonon_speed=6.7e3,
)
