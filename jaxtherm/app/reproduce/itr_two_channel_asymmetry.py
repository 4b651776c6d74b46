"""Can hot electrons explain the ITR paper's FR/RF asymmetry? (W/Al2O3/Ni/quartz, 300 K)

Problem: the sample of the ITR paper's Table 3 with W and Ni as two-channel (electron-phonon)
layers (Table 5: Ce, Cp, kappa_e, kappa_p, G), the Al2O3 spacer and quartz one-temperature,
the metal/Al2O3 interfaces channel-resolved as in the paper's thermal circuit (Table 6:
phonons cross with R_pp, metal electrons reach the Al2O3 phonons with R_ei), Ni/quartz
1 m^2K/GW (phonons). The pump heats the electrons of the heated metal; the probe reads
a Te + b Tp. Synthetic FR (front W heated, rear Ni probed through the quartz) and RF phase
traces (1-D, 200 kHz / 20 MHz, 100 ps - 5 ns, the paper's measurement) are fitted, each on
its own, with the one-temperature model of the same stack (kappa = kappa_e + kappa_p,
C = Ce + Cp) with both ITRs free - what the paper did. The difference of the fitted ITRs
between FR and RF is what electron-phonon non-equilibrium alone would make a measurement
report, to be set against the paper's FR - RF: W/Al2O3 4.2 - 6.6 = -2.4 and Al2O3/Ni
6.9 - 3.7 = +3.2 m^2K/GW (their sums: 11.1 vs 10.3).

Parameter ranges: G of W and Ni scaled by 0.5, 1 and 2 (the literature spread is about this),
probe weight a / (a + b) = 0, 0.5 and 1; standard errors for a phase noise of 1 mrad per
delay point (200 points). In the linear diffusive two-channel model the steady ITR is the
same both ways (`jaxtherm.tdtr.two_channel_interface_resistance`), and FR = RF exactly when
the probe reads the electrons it heats (a = 1, b = 0).

Outputs: itr_two_channel_asymmetry.json (headline numbers and every case) and .csv.
"""

from __future__ import annotations

import csv
import json
import pathlib
import warnings

import jax
import jax.numpy as jnp
import numpy as np

from ... import fit, tdtr

CASE = "itr-asymmetry"
DESCRIPTION = "W/Al2O3/Ni/quartz with two-channel metals: FR - RF ITRs a one-temperature fit would report"

GW = 1e-9
PAPER_FR_MINUS_RF = {"W/Al2O3": 4.2 - 6.6, "Al2O3/Ni": 6.9 - 3.7}  # m^2K/GW, Table 3 (300 K)
PHASE_NOISE = 1e-3  # rad per delay point, assumed for the standard errors
W = {
    "electron_heat_capacity": 1.12e5,
    "phonon_heat_capacity": 2.55e6,
    "electron_conductivity": 132.0,
    "phonon_conductivity": 46.0,
}
NI = {
    "electron_heat_capacity": 4.0e5,
    "phonon_heat_capacity": 3.98e6,
    "electron_conductivity": 67.8,
    "phonon_conductivity": 23.2,
}
G_W, G_NI = 2e17, 8.46e17
ALUMINA = tdtr.Layer(9.66e-9, 2.21e6, 2.21e6 * 4.4e-6)
QUARTZ = tdtr.Layer(float("inf"), 1.66e6, 1510.0**2 / 1.66e6)
R_QUARTZ = 1e-9


def two_channel_stack(coupling_scale=1.0, electron_weight=0.0):
    """The sample with two-channel W and Ni; probe a Te + b Tp with a + b = 1."""
    weights = {"electron_probe_weight": electron_weight, "phonon_probe_weight": 1.0 - electron_weight}
    layers = [
        tdtr.TwoChannelLayer(104e-9, coupling_constant=coupling_scale * G_W, **W, **weights),
        ALUMINA,
        tdtr.TwoChannelLayer(82e-9, coupling_constant=coupling_scale * G_NI, **NI, **weights),
        QUARTZ,
    ]
    interfaces = [
        tdtr.ChannelInterface.from_resistances(6.27 * GW, 11.55 * GW, metal_above=True),
        tdtr.ChannelInterface.from_resistances(6.70 * GW, 8.46 * GW, metal_above=False),
        R_QUARTZ,
    ]
    return tdtr.Stack(layers, interfaces)


def one_temperature_stack(r_w, r_ni):
    """The same sample with one-temperature metals and the two ITRs (m^2K/W)."""
    w = tdtr.Layer(
        104e-9,
        W["electron_heat_capacity"] + W["phonon_heat_capacity"],
        W["electron_conductivity"] + W["phonon_conductivity"],
    )
    ni = tdtr.Layer(
        82e-9,
        NI["electron_heat_capacity"] + NI["phonon_heat_capacity"],
        NI["electron_conductivity"] + NI["phonon_conductivity"],
    )
    return tdtr.Stack([w, ALUMINA, ni, QUARTZ], [r_w, r_ni, R_QUARTZ])


def setups():
    front_rear = tdtr.Setup(200e3, 20e6, one_dimensional=True, heat_at="front", probe_at="rear")
    return {"FR": front_rear, "RF": front_rear.replace(heat_at="rear", probe_at="front")}


def _residual_function(setup, delays):
    def residual(free, data):
        model = tdtr.phase(tdtr.signal(one_temperature_stack(free["r_w"], free["r_ni"]), setup, delays))
        return (model - data) / PHASE_NOISE

    return residual


def fit_itrs(residual, target):
    """Both ITRs of the one-temperature model fitted to a phase trace; values and 1-sigma in m^2K/GW."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the two ITRs are strongly correlated in one trace (reported)
        result = fit.least_squares(
            residual, {"r_w": 4.2 * GW, "r_ni": 4.2 * GW}, data=target, max_iterations=80, absolute_sigma=True
        )
    covariance = np.asarray(result.covariance)
    errors = np.sqrt(np.diag(covariance))
    return {
        "r_w": float(result.values["r_w"]) / GW,
        "r_ni": float(result.values["r_ni"]) / GW,
        "r_w_error": float(errors[0]) / GW,
        "r_ni_error": float(errors[1]) / GW,
        "correlation": float(covariance[0, 1] / (errors[0] * errors[1])),
        "rms_phase_residual_rad": float(np.sqrt(result.chi2 / target.size)) * PHASE_NOISE,
    }


def study(fast: bool = False):
    """Every case of the module docstring; returns (rows, headline)."""
    delays = np.geomspace(100e-12, 5e-9, 60 if fast else 200)
    scales = (1.0,) if fast else (0.5, 1.0, 2.0)
    weights = (0.0, 1.0) if fast else (0.0, 0.5, 1.0)
    setup = setups()
    residuals = {name: _residual_function(s, delays) for name, s in setup.items()}
    rows = []
    for scale in scales:
        for electron_weight in weights:
            stack = two_channel_stack(scale, electron_weight)
            fits = {}
            for name, s in setup.items():
                target = np.asarray(tdtr.phase(tdtr.signal(stack, s, delays)))
                fits[name] = fit_itrs(residuals[name], target)
            fr, rf = fits["FR"], fits["RF"]
            rows.append(
                {
                    "coupling_scale": scale,
                    "electron_probe_weight": electron_weight,
                    **{f"FR_{k}": v for k, v in fr.items()},
                    **{f"RF_{k}": v for k, v in rf.items()},
                    "W_FR_minus_RF": fr["r_w"] - rf["r_w"],
                    "Ni_FR_minus_RF": fr["r_ni"] - rf["r_ni"],
                    "sum_FR_minus_RF": fr["r_w"] + fr["r_ni"] - rf["r_w"] - rf["r_ni"],
                    "max_phase_difference_FR_RF_rad": float(
                        np.max(
                            np.abs(
                                tdtr.phase(tdtr.signal(stack, setup["FR"], delays))
                                - tdtr.phase(tdtr.signal(stack, setup["RF"], delays))
                            )
                        )
                    ),
                }
            )
    steady_w = (
        float(
            tdtr.two_channel_interface_resistance(
                W["electron_conductivity"], W["phonon_conductivity"], G_W, 1 / (6.27 * GW), 1 / (11.55 * GW)
            )
        )
        / GW
    )
    steady_ni = (
        float(
            tdtr.two_channel_interface_resistance(
                NI["electron_conductivity"], NI["phonon_conductivity"], G_NI, 1 / (6.70 * GW), 1 / (8.46 * GW)
            )
        )
        / GW
    )
    largest = max(rows, key=lambda r: abs(r["W_FR_minus_RF"]))
    headline = {
        "paper_W_FR_minus_RF_m2K_per_GW": PAPER_FR_MINUS_RF["W/Al2O3"],
        "paper_Ni_FR_minus_RF_m2K_per_GW": PAPER_FR_MINUS_RF["Al2O3/Ni"],
        "paper_sum_FR_minus_RF_m2K_per_GW": 4.2 + 6.9 - 6.6 - 3.7,
        "steady_two_channel_itr_W_m2K_per_GW": steady_w,
        "steady_two_channel_itr_Ni_m2K_per_GW": steady_ni,
        "largest_W_FR_minus_RF_m2K_per_GW": largest["W_FR_minus_RF"],
        "largest_Ni_FR_minus_RF_m2K_per_GW": largest["Ni_FR_minus_RF"],
        "largest_case_coupling_scale": largest["coupling_scale"],
        "largest_case_electron_probe_weight": largest["electron_probe_weight"],
        "largest_case_W_error_m2K_per_GW": max(largest["FR_r_w_error"], largest["RF_r_w_error"]),
        "largest_abs_sum_FR_minus_RF_m2K_per_GW": max(abs(r["sum_FR_minus_RF"]) for r in rows),
        "largest_phase_difference_FR_RF_rad": max(r["max_phase_difference_FR_RF_rad"] for r in rows),
        "electron_probe_only_max_abs_FR_minus_RF_m2K_per_GW": max(
            max(abs(r["W_FR_minus_RF"]), abs(r["Ni_FR_minus_RF"])) for r in rows if r["electron_probe_weight"] == 1.0
        ),
        "assumed_phase_noise_rad": PHASE_NOISE,
        "n_delays": int(delays.size),
    }
    return rows, headline


def run(out_dir, fast: bool = False) -> dict:
    """Write itr_two_channel_asymmetry.json/.csv into `out_dir`; returns the headline."""
    if not jax.config.jax_enable_x64:
        raise RuntimeError("this study needs float64: jax.config.update('jax_enable_x64', True)")
    out = pathlib.Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rows, headline = study(fast)
    names = list(rows[0])
    with open(out / "itr_two_channel_asymmetry.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(names)
        for row in rows:
            writer.writerow([repr(float(row[n])) for n in names])
    (out / "itr_two_channel_asymmetry.json").write_text(json.dumps({"headline": headline, "cases": rows}, indent=2))
    return headline


if __name__ == "__main__":
    jax.config.update("jax_enable_x64", True)
    jnp.zeros(1)
    for key, value in run(pathlib.Path("itr-asymmetry-out")).items():
        print(f"{key}: {value}")
