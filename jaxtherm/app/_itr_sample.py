"""The ITR paper's W/Al2O3/Ni/quartz sample at 300 K: stack, setups, Table 3 ITRs, fixed uncertainties."""

from __future__ import annotations

from .. import tdtr

GW = 1e-9  # 1 m^2 K/GW in m^2 K/W

#: ITR paper Table 3, 300 K, W/Al2O3/Ni/quartz (m^2 K/W); key = heat-flow direction.
TABLE3_300K = {"W/Al2O3": 4.2 * GW, "Al2O3/W": 6.6 * GW, "Ni/Al2O3": 3.7 * GW, "Al2O3/Ni": 6.9 * GW}

#: Ni/quartz interface resistance (m^2 K/W): not reported by the paper; a typical metal/glass value.
NI_QUARTZ_RESISTANCE = 1.0 * GW

#: 1-sigma Gaussian noise on the synthetic lock-in phase (rad), 0.006 degree: it gives the
#: statistical ITR errors of about 1 % that the paper reports. At ~1 mrad the split of each
#: direction's series pair becomes ambiguous (a second chi^2 basin within a few units).
NOISE_PHASE = 1e-4

#: Interface names crossed by the heat in each direction (top interface first).
FR_INTERFACES = ("W/Al2O3", "Al2O3/Ni", "Ni/quartz")
RF_INTERFACES = ("Al2O3/W", "Ni/Al2O3", "Ni/quartz")

#: 1-sigma uncertainties of the properties held fixed (SI), propagated into the ITRs.
FIXED_UNCERTAINTIES = {
    "stack.layers[0].thickness": 2e-9,  # W 104 nm (TEM)
    "stack.layers[1].thickness": 0.3e-9,  # Al2O3 9.66 nm (TEM)
    "stack.layers[2].thickness": 2e-9,  # Ni 82 nm (TEM)
    "stack.layers[0].heat_capacity": 0.02e6,  # W, paper's fit error
    "stack.layers[2].heat_capacity": 0.04e6,  # Ni, 1 %
    "itr['Ni/quartz']": 0.5e-9,  # not reported by the paper: 50 %
}

#: The shared thermal property fitted jointly to FR and RF: the quartz conductivity at
#: fixed heat capacity (in 1-D only the effusivity sqrt(kappa C) of a semi-infinite
#: substrate matters).
QUARTZ_CONDUCTIVITY = "stack.layers[3].conductivity"


def itr_paper_sample():
    """The ITR paper's W/Al2O3/Ni/quartz stack at 300 K and its Table 3 ITRs.

    **Returns:** `(params, setups)`: `params = {"stack": Stack, "itr": dict}` with the
    named, direction-dependent interface resistances (m^2 K/W) of Table 3 plus
    `"Ni/quartz"`; `setups = {"FR": Setup, "RF": Setup}` (1-D, 20 MHz / 200 kHz).
    Layer properties from Table 1 (kappa = C alpha), quartz from Table 4's effusivity
    e = sqrt(kappa C) = 1510 J s^-1/2 m^-2 K^-1 with C = 1.66e6 J/m^3K.
    """
    quartz_heat_capacity = 1.66e6
    layers = [
        tdtr.Layer(thickness=104e-9, heat_capacity=2.55e6, conductivity=2.55e6 * 6.2e-5),  # W
        tdtr.Layer(thickness=9.66e-9, heat_capacity=2.21e6, conductivity=2.21e6 * 4.4e-6),  # Al2O3
        tdtr.Layer(thickness=82e-9, heat_capacity=3.98e6, conductivity=3.98e6 * 2.1e-5),  # Ni
        tdtr.Layer(
            thickness=float("inf"), heat_capacity=quartz_heat_capacity, conductivity=1510.0**2 / quartz_heat_capacity
        ),
    ]
    stack = tdtr.Stack(
        layers=layers, resistances=[TABLE3_300K["W/Al2O3"], TABLE3_300K["Al2O3/Ni"], NI_QUARTZ_RESISTANCE]
    )
    itr = dict(TABLE3_300K)
    itr["Ni/quartz"] = NI_QUARTZ_RESISTANCE
    fr = tdtr.Setup(
        modulation_frequency=200e3, repetition_rate=20e6, heat_at="front", probe_at="rear", one_dimensional=True
    )
    return {"stack": stack, "itr": itr}, {"FR": fr, "RF": fr.replace(heat_at="rear", probe_at="front")}


def sensitivity_parameters(interfaces):
    """Fig. 4 parameter set: C at fixed alpha (C and kappa scale together), alpha at fixed C
    (kappa alone), the ITRs crossed, and the substrate effusivity (kappa_s and C_s together)."""
    names = {0: "W", 1: "Al2O3", 2: "Ni"}
    params = {}
    for i, mat in names.items():
        params[f"C {mat}"] = [f"stack.layers[{i}].heat_capacity", f"stack.layers[{i}].conductivity"]
    for i, mat in names.items():
        params[f"alpha {mat}"] = [f"stack.layers[{i}].conductivity"]
    for name in interfaces:
        params[f"ITR {name}"] = [f"itr['{name}']"]
    params["e quartz"] = ["stack.layers[3].heat_capacity", "stack.layers[3].conductivity"]
    return params
