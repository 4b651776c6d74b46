"""The transducer/substrate property table: 300 K values against independent literature numbers, trends with
temperature, continuity of the interpolation, the Debye heat capacity, clear errors."""

import numpy as np
import pytest

from jaxtherm import materials
from jaxtherm.lab import LONGITUDINAL_SOUND_SPEEDS

# Independent 300 K literature values (ranges cover the spread between the sources named):
# kappa: Ho, Powell & Liley, J. Phys. Chem. Ref. Data 1, 279 (1972) for the metals; Glassbrenner & Slack,
# Phys. Rev. 134, A1058 (1964) (156) and Shanks et al. (1963) (153) for Si; Cahill & Pohl, PRB 35, 4067
# (1987) for fused silica (1.3-1.4); sapphire 35 (a-axis) to 46 W/mK (Touloukian TPRC vol. 2).
# C = rho c_p from the CRC Handbook (c_p at 298 K) with the CRC densities.
LITERATURE_300K = {
    "Al": ((230.0, 240.0), (2.40e6, 2.46e6)),
    "Au": ((310.0, 320.0), (2.46e6, 2.52e6)),
    "Pt": ((70.0, 73.0), (2.80e6, 2.88e6)),
    "Cu": ((395.0, 405.0), (3.41e6, 3.48e6)),
    "W": ((170.0, 178.0), (2.50e6, 2.60e6)),
    "Ni": ((88.0, 93.0), (3.90e6, 3.98e6)),
    "Si": ((140.0, 160.0), (1.62e6, 1.68e6)),
    "SiO2": ((1.30, 1.45), (1.60e6, 1.70e6)),
    "sapphire": ((33.0, 48.0), (3.0e6, 3.1e6)),
    "quartz": ((10.0, 12.5), (1.95e6, 2.02e6)),
}


@pytest.mark.parametrize("name", sorted(LITERATURE_300K))
def test_values_at_300k_within_literature_ranges(name):
    (k_lo, k_hi), (c_lo, c_hi) = LITERATURE_300K[name]
    props = materials.lookup(name, temperature=300.0)
    assert k_lo <= props.conductivity <= k_hi
    assert c_lo <= props.heat_capacity <= c_hi
    assert props.source and props.density > 0 and props.sound_speed > 1000.0


def test_quartz_is_anisotropic_and_isotropic_entries_are_not():
    """z-cut quartz: kappa along c (10.4) larger than in-plane (6.2; Touloukian 6.2-6.8); Si equal in both."""
    quartz, si = materials.lookup("quartz"), materials.lookup("Si")
    assert 6.0 <= quartz.conductivity_inplane <= 6.9 < quartz.conductivity
    assert si.conductivity_inplane == si.conductivity


def test_silicon_conductivity_decreases_above_100k_and_interpolation_is_continuous():
    """Umklapp scattering: kappa_Si falls monotonically above 100 K; across every table node the interpolated
    value is continuous (left and right limits agree to 1e-6)."""
    temperatures = np.linspace(100.0, 800.0, 141)
    kappa = np.array([materials.lookup("Si", t).conductivity for t in temperatures])
    assert np.all(np.diff(kappa) < 0)
    for name in materials.MATERIAL_TABLE:
        for node in materials.MATERIAL_TABLE[name].temperatures[1:-1]:
            left, right = (materials.lookup(name, node + s).conductivity for s in (-1e-6, 1e-6))
            assert right == pytest.approx(left, rel=1e-6)
    # fused silica rises with T (glass plateau to propagating-mode growth); sapphire falls
    assert materials.lookup("SiO2", 400.0).conductivity > materials.lookup("SiO2", 200.0).conductivity
    assert materials.lookup("sapphire", 400.0).conductivity < materials.lookup("sapphire", 200.0).conductivity


@pytest.mark.parametrize(
    "name, t, cp_ratio",
    # handbook c_p(T)/c_p(300 K) (Incropera Table A.1): Si 556/712, 790/712; Al 798/903, 949/903;
    # Cu 356/385, 397/385; Pt 125/133, 136/133
    [("Si", 200.0, 556 / 712), ("Si", 400.0, 790 / 712), ("Al", 200.0, 798 / 903), ("Al", 400.0, 949 / 903)]
    + [("Cu", 200.0, 356 / 385), ("Cu", 400.0, 397 / 385), ("Pt", 200.0, 125 / 133), ("Pt", 400.0, 136 / 133)],
)
def test_debye_heat_capacity_follows_handbook_within_3_percent(name, t, cp_ratio):
    ratio = materials.lookup(name, t).heat_capacity / materials.lookup(name, 300.0).heat_capacity
    assert ratio == pytest.approx(cp_ratio, rel=0.03)


def test_debye_function_limits():
    """D -> 1 (Dulong-Petit) for theta/T -> 0 and D -> (4 pi^4 / 5) (T/theta)^3 for theta/T -> infinity."""
    from jaxtherm._material_table import debye_heat_capacity_ratio

    assert debye_heat_capacity_ratio(1e-3) == pytest.approx(1.0, rel=1e-6)
    x = 60.0
    assert debye_heat_capacity_ratio(x) == pytest.approx(4 * np.pi**4 / 5 / x**3, rel=1e-6)


def test_platinum_sound_speed_from_elastic_constants():
    """The Pt [111] longitudinal speed sqrt((C11 + 2 C12 + 4 C44) / (3 rho)) from the stated constants
    (346.7, 250.7, 76.5 GPa; 21450 kg/m^3) is 4235 m/s: the lab's table value and the material table agree."""
    v111 = np.sqrt((346.7 + 2 * 250.7 + 4 * 76.5) * 1e9 / (3 * 21450.0))
    assert v111 == pytest.approx(LONGITUDINAL_SOUND_SPEEDS["Pt"].value, rel=0.005)
    assert materials.lookup("platinum").sound_speed == LONGITUDINAL_SOUND_SPEEDS["Pt"].value


def test_unknown_name_and_bad_temperature():
    with pytest.raises(KeyError, match=r"unknown material 'unobtainium'; known materials: \['Al', 'Au'"):
        materials.lookup("unobtainium")
    with pytest.raises(ValueError, match=r"temperature = 50.0 K is outside the tabulated range 100-800 K of 'Si'"):
        materials.lookup("Si", 50.0)
    with pytest.raises(TypeError, match=r"temperature must be a number \(K\)"):
        materials.lookup("Si", "300")
    assert materials.lookup("Fused Silica").name == materials.lookup("SiO2").name
