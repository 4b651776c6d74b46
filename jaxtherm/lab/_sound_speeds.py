"""Longitudinal sound speeds of common transducer metals, with their basis and uncertainty."""

from __future__ import annotations

import dataclasses

__all__ = ["SoundSpeed", "LONGITUDINAL_SOUND_SPEEDS"]


@dataclasses.dataclass(frozen=True)
class SoundSpeed:
    """A longitudinal sound speed with its basis.

    - `value`: through-thickness longitudinal sound speed v_L (m/s).
    - `relative_uncertainty`: 1-sigma relative uncertainty (dimensionless); for the metals
      below it is the spread between the polycrystalline value and the [111]-texture value
      that thin fcc films usually have, computed from the single-crystal elastic constants
      as v_111 = sqrt((C11 + 2 C12 + 4 C44) / (3 rho)).
    - `source`: where the value comes from.
    """

    value: float
    relative_uncertainty: float
    source: str


#: Longitudinal sound speeds of common transducer metals (m/s).
LONGITUDINAL_SOUND_SPEEDS = {
    "Al": SoundSpeed(
        6420.0,
        0.015,
        "CRC Handbook of Chemistry and Physics, 'Speed of sound in solids' (polycrystalline Al); "
        "[111] from C11=107.3, C12=60.9, C44=28.3 GPa, rho=2700 kg/m^3 is 6500 m/s",
    ),
    "Au": SoundSpeed(
        3240.0,
        0.06,
        "CRC Handbook of Chemistry and Physics, 'Speed of sound in solids' (polycrystalline Au); "
        "[111] from C11=192.9, C12=163.8, C44=41.5 GPa, rho=19300 kg/m^3 is 3440 m/s",
    ),
    "Pt": SoundSpeed(
        4240.0,
        0.10,
        "[111]-textured film: C11=346.7, C12=250.7, C44=76.5 GPa (MacFarlane, Rayne, Jones 1965), "
        "rho=21450 kg/m^3; the isotropic polycrystalline average (K=230, G=61 GPa) gives ~3800 m/s",
    ),
    "Cu": SoundSpeed(
        4760.0,
        0.08,
        "CRC Handbook of Chemistry and Physics, 'Speed of sound in solids' (annealed Cu); "
        "[111] from C11=168.4, C12=121.4, C44=75.4 GPa, rho=8960 kg/m^3 is 5150 m/s",
    ),
    "W": SoundSpeed(
        5220.0,
        0.01,
        "CRC Handbook of Chemistry and Physics, 'Speed of sound in solids' (annealed W); W is "
        "elastically isotropic: sqrt(C11/rho) with C11=522 GPa, rho=19300 kg/m^3 is 5200 m/s",
    ),
    "Ni": SoundSpeed(
        6040.0,
        0.03,
        "CRC Handbook of Chemistry and Physics, 'Speed of sound in solids' (polycrystalline Ni); "
        "[111] from C11=246.5, C12=147.3, C44=124.7 GPa, rho=8908 kg/m^3 is 6240 m/s",
    ),
}
