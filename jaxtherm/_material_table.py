"""Property table of common TDTR transducers and substrates, usable by name.

Each entry holds the handbook values at 300 K (volumetric heat capacity, density,
longitudinal sound speed), the thermal conductivity tabulated versus temperature
(interpolated linearly in log kappa versus log T, so the curve is continuous and
follows the power laws between the nodes) and a Debye temperature that gives the
temperature dependence of the heat capacity: C(T) = C(300 K) D(theta/T) / D(theta/300 K),
with D the Debye heat-capacity function (Dulong-Petit = 1). For the metals and Si theta
is the calorimetric Debye temperature; for the oxides it is the effective theta at which
the Debye curve matches the handbook C(300 K) / Dulong-Petit ratio. The scaled Debye
curve follows the handbook heat capacities within ~3 % between 150 and 400 K and
falls below them by up to ~7 % at 600 K (electronic and anharmonic terms are absent).
"""

from __future__ import annotations

import dataclasses

import numpy as np

from .lab._sound_speeds import LONGITUDINAL_SOUND_SPEEDS

__all__ = ["MaterialEntry", "MaterialProperties", "MATERIAL_TABLE", "lookup", "debye_heat_capacity_ratio"]

_INCROPERA = "Incropera, DeWitt et al., Fundamentals of Heat and Mass Transfer, 6th ed., Table A.1"
_INCROPERA_NM = "Incropera, DeWitt et al., Fundamentals of Heat and Mass Transfer, 6th ed., Table A.2"
_KITTEL = "Debye temperature: Kittel, Introduction to Solid State Physics, 8th ed., Table 5.1"
_EFFECTIVE = "effective Debye temperature matching the handbook C(300 K) / Dulong-Petit"


@dataclasses.dataclass(frozen=True)
class MaterialEntry:
    """One row of the table (SI units); `temperatures` (K) and `conductivities` (W/mK) are the
    tabulated kappa(T) nodes; `conductivities_inplane` likewise for anisotropic crystals (or None)."""

    name: str
    heat_capacity_300k: float
    density: float
    sound_speed: float
    debye_temperature: float
    temperatures: tuple
    conductivities: tuple
    conductivities_inplane: tuple | None
    source: str


@dataclasses.dataclass(frozen=True)
class MaterialProperties:
    """Properties of a table material at one temperature (SI units).

    - `name`, `temperature` (K), `heat_capacity` (J/m^3K), `conductivity` (W/mK, cross-plane:
      along the c axis for the uniaxial crystals), `conductivity_inplane` (W/mK; equal to
      `conductivity` for isotropic materials), `density` (kg/m^3, 300 K), `sound_speed`
      (m/s, longitudinal, 300 K), `source`.
    """

    name: str
    temperature: float
    heat_capacity: float
    conductivity: float
    conductivity_inplane: float
    density: float
    sound_speed: float
    source: str


def _metal(name, rho, cp, kappa, theta):
    speed = LONGITUDINAL_SOUND_SPEEDS[name]
    return MaterialEntry(
        name=name,
        heat_capacity_300k=rho * cp,
        density=rho,
        sound_speed=speed.value,
        debye_temperature=theta,
        temperatures=(100.0, 200.0, 300.0, 400.0, 600.0),
        conductivities=kappa,
        conductivities_inplane=None,
        source=f"C, rho, kappa(T): {_INCROPERA} (pure {name}); {_KITTEL}; sound speed: {speed.source}",
    )


MATERIAL_TABLE = {
    "Al": _metal("Al", 2702.0, 903.0, (302.0, 237.0, 237.0, 240.0, 231.0), 428.0),
    "Au": _metal("Au", 19300.0, 129.0, (327.0, 323.0, 317.0, 311.0, 298.0), 165.0),
    "Pt": _metal("Pt", 21450.0, 133.0, (77.5, 72.6, 71.6, 71.8, 73.2), 240.0),
    "Cu": _metal("Cu", 8933.0, 385.0, (482.0, 413.0, 401.0, 393.0, 379.0), 343.0),
    "W": _metal("W", 19300.0, 132.0, (208.0, 186.0, 174.0, 159.0, 137.0), 400.0),
    "Ni": _metal("Ni", 8900.0, 444.0, (164.0, 107.0, 90.7, 80.2, 65.6), 450.0),
    "Si": MaterialEntry(
        name="Si",
        heat_capacity_300k=2330.0 * 712.0,
        density=2330.0,
        sound_speed=8433.0,
        debye_temperature=645.0,
        temperatures=(100.0, 200.0, 300.0, 400.0, 600.0, 800.0),
        conductivities=(884.0, 264.0, 148.0, 98.9, 61.9, 42.2),
        conductivities_inplane=None,
        source=f"C, rho, kappa(T): {_INCROPERA} (pure Si); {_KITTEL}; sound speed along [100] from "
        "C11 = 165.7 GPa (McSkimin 1953)",
    ),
    "SiO2": MaterialEntry(
        name="SiO2",
        heat_capacity_300k=2220.0 * 745.0,
        density=2220.0,
        sound_speed=5968.0,
        debye_temperature=1018.0,
        temperatures=(100.0, 200.0, 300.0, 400.0, 600.0, 800.0),
        conductivities=(0.69, 1.14, 1.38, 1.51, 1.75, 2.17),
        conductivities_inplane=None,
        source=f"fused silica (amorphous SiO2): C, rho, kappa(T): {_INCROPERA_NM} (silicon dioxide, "
        f"polycrystalline / fused silica); {_EFFECTIVE}; sound speed: CRC Handbook, 'Speed of sound in solids'",
    ),
    "sapphire": MaterialEntry(
        name="sapphire",
        heat_capacity_300k=3970.0 * 765.0,
        density=3970.0,
        sound_speed=11175.0,
        debye_temperature=968.0,
        temperatures=(100.0, 200.0, 300.0, 400.0, 600.0, 800.0),
        conductivities=(450.0, 82.0, 46.0, 32.4, 18.9, 13.0),
        conductivities_inplane=None,
        source=f"crystalline Al2O3: C, rho, kappa(T): {_INCROPERA_NM} (aluminium oxide, sapphire; the c-axis "
        f"and a-axis conductivities differ by ~10 %, not resolved there); {_EFFECTIVE}; sound speed along c "
        "from C33 = 497 GPa",
    ),
    "quartz": MaterialEntry(
        name="quartz",
        heat_capacity_300k=2650.0 * 745.0,
        density=2650.0,
        sound_speed=6319.0,
        debye_temperature=1018.0,
        temperatures=(100.0, 200.0, 300.0, 400.0, 600.0),
        conductivities=(39.0, 16.4, 10.4, 7.6, 5.0),
        conductivities_inplane=(20.8, 9.5, 6.21, 4.70, 3.4),
        source=f"crystalline SiO2, z-cut (heat flow along c): C, rho, kappa_par(T), kappa_perp(T): {_INCROPERA_NM} "
        f"(silicon dioxide, crystalline); {_EFFECTIVE}; sound speed along c from C33 = 105.8 GPa",
    ),
}

#: Names accepted by `lookup` in addition to the table keys (case-insensitive).
_ALIASES = {
    "aluminium": "Al",
    "aluminum": "Al",
    "gold": "Au",
    "platinum": "Pt",
    "copper": "Cu",
    "tungsten": "W",
    "nickel": "Ni",
    "silicon": "Si",
    "fused silica": "SiO2",
    "fused_silica": "SiO2",
    "fused quartz": "SiO2",
    "silica": "SiO2",
    "al2o3": "sapphire",
    "z-cut quartz": "quartz",
}
_BY_LOWER = {**{k.lower(): k for k in MATERIAL_TABLE}, **_ALIASES}

_GAUSS_X, _GAUSS_W = np.polynomial.legendre.leggauss(64)


def debye_heat_capacity_ratio(x) -> float:
    """Debye heat capacity over its Dulong-Petit limit, `3/x^3 int_0^x t^4 e^t/(e^t-1)^2 dt`, x = theta/T."""
    t = 0.5 * x * (_GAUSS_X + 1.0)
    integrand = t**4 * np.exp(-t) / (-np.expm1(-t)) ** 2
    return float(3.0 / x**3 * 0.5 * x * np.sum(_GAUSS_W * integrand))


def _interpolate(name, temperatures, values, temperature) -> float:
    lo, hi = temperatures[0], temperatures[-1]
    if not lo <= temperature <= hi:
        raise ValueError(
            f"temperature = {temperature!r} K is outside the tabulated range {lo:g}-{hi:g} K of {name!r}'s conductivity"
        )
    return float(np.exp(np.interp(np.log(temperature), np.log(temperatures), np.log(values))))


def lookup(name: str, temperature: float = 300.0) -> MaterialProperties:
    """Properties of a common transducer or substrate at `temperature`.

    **Arguments:**

    - `name`: a key of `MATERIAL_TABLE` ("Al", "Au", "Pt", "Cu", "W", "Ni", "Si", "SiO2"
      (fused silica), "sapphire", "quartz") or a common alias ("gold", "fused silica",
      "Al2O3"...), case-insensitive.
    - `temperature`: K, within the tabulated range of the material (100 K to 600-800 K).

    **Returns:** a `MaterialProperties` (SI units). **Raises:** `KeyError` naming the known
    materials for an unknown name; `ValueError` for a temperature outside the table.
    """
    if not isinstance(name, str) or name.strip().lower() not in _BY_LOWER:
        raise KeyError(f"unknown material {name!r}; known materials: {sorted(MATERIAL_TABLE)}")
    if isinstance(temperature, bool) or not isinstance(temperature, (int, float, np.floating, np.integer)):
        raise TypeError(f"temperature must be a number (K), got {temperature!r}")
    temperature = float(temperature)
    entry = MATERIAL_TABLE[_BY_LOWER[name.strip().lower()]]
    kappa = _interpolate(entry.name, entry.temperatures, entry.conductivities, temperature)
    inplane = kappa
    if entry.conductivities_inplane is not None:
        inplane = _interpolate(entry.name, entry.temperatures, entry.conductivities_inplane, temperature)
    theta = entry.debye_temperature
    heat_capacity = (
        entry.heat_capacity_300k
        * debye_heat_capacity_ratio(theta / temperature)
        / debye_heat_capacity_ratio(theta / 300.0)
    )
    return MaterialProperties(
        name=entry.name,
        temperature=temperature,
        heat_capacity=heat_capacity,
        conductivity=kappa,
        conductivity_inplane=inplane,
        density=entry.density,
        sound_speed=entry.sound_speed,
        source=entry.source,
    )
