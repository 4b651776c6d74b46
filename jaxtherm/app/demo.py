"""`jaxtherm demo`: the ITR paper's W/Al2O3/Ni/quartz sample analysed end to end.

The embedded default is the ITR paper's sandwich at 300 K (Table 1 properties,
TEM thicknesses W 104 nm, Al2O3 9.66 nm, Ni 82 nm; quartz effusivity 1510
J s^-1/2 m^-2 K^-1 from Table 4; 1-D conduction; 20 MHz / 200 kHz; delays over
the whole 50 ns period). The demo

1. synthesises FR (heat the W front, probe the Ni/quartz rear) and RF (heat the
   rear, probe the front) lock-in phase traces from the Table 3 ITRs with seeded
   Gaussian phase noise;
2. fits the two ITRs each direction crosses (FR: W/Al2O3 and Al2O3/Ni; RF:
   Ni/Al2O3 and Al2O3/W; three vmapped starts along the weakly determined split),
   then all four jointly with the quartz conductivity (substrate effusivity) shared
   by both traces, propagating the uncertainties of thicknesses, heat capacities and
   the Ni/quartz resistance into the ITRs (implicit-function Jacobian);
3. fits one direction-independent ITR set to both traces (what the linear
   diffusive model allows) and reports how badly it fails;
4. prints a table shaped like Table 3 with uncertainties and correlations, the
   thermal circuit of Table 6 from the fitted ITRs, and writes PNG figures
   (traces + fits + residuals, Fig. 4-style sensitivities, the circuit), CSV traces
   and a JSON of every number into the output folder.
"""

from __future__ import annotations

import json
import os
import time
import warnings
from typing import NamedTuple

import jax
import numpy as np

from .. import circuit, tdtr
from ..fit import DegeneracyWarning, Trace, fit_traces, log_sensitivity, plot_sensitivities
from ..fit.io import write_trace_file
from ..tdtr import TdtrModel
from ._output import prepare_output_dir, subplots

__all__ = ["run_demo", "itr_paper_sample", "TABLE3_300K", "NOISE_PHASE", "DEMO_OUTPUTS"]

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
        tdtr.Layer(thickness=float("inf"), heat_capacity=quartz_heat_capacity, conductivity=1510.0**2 / quartz_heat_capacity),
    ]
    stack = tdtr.Stack(layers=layers, resistances=[TABLE3_300K["W/Al2O3"], TABLE3_300K["Al2O3/Ni"], NI_QUARTZ_RESISTANCE])
    itr = dict(TABLE3_300K)
    itr["Ni/quartz"] = NI_QUARTZ_RESISTANCE
    fr = tdtr.Setup(modulation_frequency=200e3, repetition_rate=20e6, heat_at="front", probe_at="rear", one_dimensional=True)
    return {"stack": stack, "itr": itr}, {"FR": fr, "RF": fr.replace(heat_at="rear", probe_at="front")}


def _sensitivity_parameters(interfaces):
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


def _fmt(value, error=None, scale=GW, digits=2):
    if value is None:
        return "-"
    if error is None:
        return f"{value / scale:.{digits}f}"
    return f"{value / scale:.{digits}f} ± {error / scale:.{digits}f}"


#: Files `run_demo` writes into its output folder.
DEMO_OUTPUTS = ("traces_fit.png", "sensitivity.png", "circuit.png", "traces.csv", "demo_results.json", "demo_report.txt")


class _Report:
    """The demo's text report: printed as it goes (if verbose) and kept for demo_report.txt."""

    def __init__(self, verbose: bool):
        self.lines, self.verbose = [], verbose

    def __call__(self, text=""):
        self.lines.append(text)
        if self.verbose:
            print(text, flush=True)


class _Synthetic(NamedTuple):
    """The synthetic experiment: true parameters, setups, delays (s), models and traces per direction."""

    truth: dict
    setups: dict
    delays: np.ndarray
    interfaces: dict
    models: dict
    clean: dict
    measured: dict
    traces: dict


def _synthesise(seed, quick, noise) -> _Synthetic:
    truth, setups = itr_paper_sample()
    n_delays = 250 if quick else 500
    delays = np.geomspace(10e-12, 49e-9, n_delays)
    interfaces = {"FR": FR_INTERFACES, "RF": RF_INTERFACES}
    models = {d: TdtrModel(setups[d], delays, "phase", resistance_names=interfaces[d]) for d in ("FR", "RF")}
    clean = {d: np.asarray(models[d](truth)) for d in models}
    rng = np.random.default_rng(seed)
    measured = {d: clean[d] + noise * rng.standard_normal(n_delays) for d in ("FR", "RF")}
    # The model objects of the synthesis are reused (one compilation per direction).
    traces = {d: Trace(model=models[d], data=measured[d], sigma=noise, name=d, x=delays) for d in ("FR", "RF")}
    return _Synthetic(truth, setups, delays, interfaces, models, clean, measured, traces)


def _run_fits(data: _Synthetic, t_start):
    """Per-direction, joint and direction-independent fits; returns `(fits, timing, degeneracy messages)`."""
    start = {"stack": data.truth["stack"], "itr": {k: (5.0 * GW if k in TABLE3_300K else v) for k, v in data.truth["itr"].items()}}
    # Three starts along each direction's series valley, run at once under vmap: the split
    # between the two interfaces is weakly determined and the valley is not quadratic.
    split_starts = [2.5 * GW, 5.0 * GW, 7.5 * GW]
    fits, timing = {}, {}
    traces = data.traces
    with warnings.catch_warnings(record=True) as records:
        warnings.simplefilter("always", DegeneracyWarning)
        for d in ("FR", "RF"):
            a, b = data.interfaces[d][:2]
            fits[d] = fit_traces(
                start, [traces[d]], {a: f"itr['{a}']", b: f"itr['{b}']"}, starts={a: split_starts, b: split_starts[::-1]}
            )
            timing[f"fit_{d}"] = time.perf_counter() - t_start
        # Joint fit: four direction-dependent ITRs plus the shared substrate property, started
        # from the per-direction results; fixed-property uncertainties propagated.
        joint_free = {k: f"itr['{k}']" for k in TABLE3_300K}
        joint_free["quartz conductivity"] = QUARTZ_CONDUCTIVITY
        joint_start = {k: fits["FR"].values.get(k, fits["RF"].values.get(k)) for k in TABLE3_300K}
        fits["joint"] = fit_traces(
            start, [traces["FR"], traces["RF"]], joint_free, initial=joint_start, fixed_uncertainties=FIXED_UNCERTAINTIES
        )
        timing["fit_joint"] = time.perf_counter() - t_start
        reciprocal_free = {
            "W|Al2O3 (both directions)": ["itr['W/Al2O3']", "itr['Al2O3/W']"],
            "Al2O3|Ni (both directions)": ["itr['Al2O3/Ni']", "itr['Ni/Al2O3']"],
            "quartz conductivity": QUARTZ_CONDUCTIVITY,
        }
        reciprocal_start = {
            "W|Al2O3 (both directions)": 0.5 * (joint_start["W/Al2O3"] + joint_start["Al2O3/W"]),
            "Al2O3|Ni (both directions)": 0.5 * (joint_start["Al2O3/Ni"] + joint_start["Ni/Al2O3"]),
        }
        # Meant to fail (that is the point of the comparison): no poor-fit warning.
        fits["reciprocal"] = fit_traces(
            start, [traces["FR"], traces["RF"]], reciprocal_free, initial=reciprocal_start, warn_degenerate=False,
            warn=False,
        )
        timing["fit_reciprocal"] = time.perf_counter() - t_start
    caught = [str(r.message) for r in records if issubclass(r.category, DegeneracyWarning)]
    return fits, timing, caught


def _report_table3(say, fits, truth):
    """Table 3-shaped report; returns `(rows, effusivity, effusivity_err, fixed_contributions)`."""
    columns = list(TABLE3_300K)
    header = f"{'ITR (m^2K/GW)':22s}" + "".join(f"{c:>16s}" for c in columns) + f"{'chi2_red':>10s}"
    say("Interfacial thermal resistances (heat-flow direction), 300 K")
    say(header)
    say(f"{'Table 3 (paper)':22s}" + "".join(f"{TABLE3_300K[c] / GW:>16.2f}" for c in columns))
    rows = {}
    for label, key in (("FR fit (2 ITRs)", "FR"), ("RF fit (2 ITRs)", "RF"), ("joint FR+RF (4+1)", "joint")):
        fit = fits[key]
        cells = [_fmt(fit.values.get(c), fit.standard_errors.get(c)) if c in fit.values else "-" for c in columns]
        rows[key] = {c: [fit.values[c], fit.standard_errors[c]] for c in columns if c in fit.values}
        say(f"{label:22s}" + "".join(f"{cell:>16s}" for cell in cells) + f"{fit.reduced_chi2:>10.3f}")
    joint = fits["joint"]
    say(f"{'  joint, stat. only':22s}" + "".join(f"{_fmt(joint.values[c], joint.statistical_errors[c]):>16s}" for c in columns))
    quartz_c = truth["stack"].layers[3].heat_capacity
    kappa, kappa_err = joint.values["quartz conductivity"], joint.standard_errors["quartz conductivity"]
    effusivity = float(np.sqrt(kappa * quartz_c))
    effusivity_err = 0.5 * effusivity * kappa_err / kappa
    say(f"  joint fit, shared by FR and RF: quartz effusivity = {effusivity:.0f} ± {effusivity_err:.0f} "
        f"J s^-1/2 m^-2 K^-1 (true 1510, Table 4)")
    say("  total = statistical + propagated uncertainties of W/Al2O3/Ni thicknesses (2/0.3/2 nm), W and Ni heat")
    say("  capacities (0.02e6, 0.04e6 J/m^3K) and the Ni/quartz resistance (0.5 m^2K/GW). Contribution of each")
    say("  fixed property to the ITR uncertainty, |dR/dq| sigma_q (m^2K/GW), from the implicit-function Jacobian:")
    fixed_contributions = {}
    for j, path in enumerate(joint.fixed_names):
        contrib = {c: abs(float(joint.fixed_jacobian[joint.names.index(c), j])) * FIXED_UNCERTAINTIES[path] for c in columns}
        fixed_contributions[path] = contrib
        say(f"    {path:32s}" + "".join(f"{contrib[c] / GW:>9.3f}" for c in columns))
    say("")
    return rows, effusivity, effusivity_err, fixed_contributions


def _report_correlations(say, fits, rows, caught):
    """Correlations, series sums and second minima of the per-direction fits; returns the correlations."""
    joint = fits["joint"]
    say("Correlations of the fitted ITRs (each direction crosses two interfaces in series through 9.66 nm Al2O3):")
    correlations = {}
    for key in ("FR", "RF"):
        fit = fits[key]
        a, b = fit.names
        rho = float(fit.correlation[0, 1])
        correlations[key] = {f"{a} , {b}": rho}
        total = fit.values[a] + fit.values[b]
        total_err = float(np.sqrt(fit.covariance[0, 0] + fit.covariance[1, 1] + 2 * fit.covariance[0, 1]))
        true_total = TABLE3_300K[a] + TABLE3_300K[b]
        say(f"  {key}: corr({a}, {b}) = {rho:+.4f};  series sum {a} + {b} = {_fmt(total, total_err, digits=3)} "
            f"(true {true_total / GW:.2f}) m^2K/GW")
        rows[key]["series_sum"] = [total, total_err, true_total]
        # The vmapped starts along the valley reveal a second minimum of the split, if any.
        start_chi2 = np.asarray(fit.fit.start_chi2)
        others = [i for i in range(len(start_chi2)) if abs(fit.fit.start_values[a][i] - fit.values[a]) > 0.5 * GW]
        if others:
            i = min(others, key=lambda j: start_chi2[j])
            alt = (fit.fit.start_values[a][i], fit.fit.start_values[b][i], float(start_chi2[i] - fit.chi2))
            rows[key]["second_minimum"] = list(alt)
            say(f"      second minimum of the split: {a} = {alt[0] / GW:.2f}, {b} = {alt[1] / GW:.2f} m^2K/GW, "
                f"Delta chi2 = {alt[2]:.1f} (the quadratic sigma above holds only inside the best basin)")
    names = joint.names
    pairs = [(names[i], names[j], float(joint.correlation[i, j])) for i in range(len(names)) for j in range(i + 1, len(names))]
    correlations["joint"] = {f"{a} , {b}": rho for a, b, rho in pairs}
    say("  joint: " + "; ".join(f"corr({a}, {b}) = {rho:+.3f}" for a, b, rho in pairs if abs(rho) > 0.5))
    if caught:
        say("  degeneracy warnings raised by the fits:")
        for text in caught:
            say("   - " + text.split(";")[0])
    say("")

    return correlations


def _report_reciprocity(say, fits, clean):
    """Why one direction-independent ITR set cannot fit both traces; returns the numbers."""
    joint = fits["joint"]
    rec = fits["reciprocal"]
    delta_chi2 = rec.chi2 - joint.chi2
    fr_rf_difference = float(np.max(np.abs(clean["FR"] - clean["RF"])))
    say("Reciprocity of the linear diffusive model:")
    say("  Heating plane A and probing plane B gives exactly the response of heating B and probing A, so a")
    say("  single, direction-independent set of ITRs produces IDENTICAL FR and RF traces. Different FR and RF")
    say("  traces therefore cannot be fitted by one ITR set: the asymmetry is what the fit reveals, not an output")
    say("  of the diffusion model.")
    say(f"  Here the Table 3 ITRs make FR and RF differ by up to {fr_rf_difference * 1e3:.2f} mrad; one shared ITR set")
    say(f"  fitted to both gives reduced chi2 = {rec.reduced_chi2:.2f} versus {joint.reduced_chi2:.3f} with direction-")
    say(f"  dependent ITRs (Delta chi2 = {delta_chi2:.1f} for 2 extra parameters): the reciprocal model is rejected.")
    say("  Each direction alone fixes the series sum of its two ITRs precisely but their split only weakly (through")
    say("  the small heat capacity of 9.66 nm Al2O3): the fits warn that the pair is nearly degenerate.")
    say("")

    return {
        "max_abs_phase_difference_FR_minus_RF_rad": fr_rf_difference,
        "reduced_chi2_direction_dependent": joint.reduced_chi2,
        "reduced_chi2_reciprocal": rec.reduced_chi2,
        "delta_chi2": delta_chi2,
        "statement": "In the linear diffusive model heating A/probing B equals heating B/probing A; one ITR set "
        "cannot produce different FR and RF traces. The direction-independent fit is rejected.",
    }


def _report_circuit(say, joint):
    """Table 6 thermal circuit from the joint fit; returns `(circuit_rows, table6)`."""
    names = joint.names
    circuit_rows = {}
    say("Thermal circuit (ITR paper §4.3, Table 6) from the joint fit, m^2K/GW:")
    say(f"  {'interface':10s} {'R_pp':>14s} {'R_ep':>6s} {'R_ei':>16s}   paper R_pp / R_ei")
    specs = {
        "W/Al2O3": ("W/Al2O3", "Al2O3/W", 2e17, 46.0),
        "Ni/Al2O3": ("Ni/Al2O3", "Al2O3/Ni", 8e17, 23.2),
    }
    index = {n: i for i, n in enumerate(names)}
    table6 = circuit.table6_check()
    for label, (m2n, n2m, g, kp) in specs.items():
        ij = [index[m2n], index[n2m]]
        cov = joint.covariance[np.ix_(ij, ij)]
        try:
            res = circuit.thermal_circuit(joint.values[m2n], joint.values[n2m], coupling_constant=g, phonon_conductivity=kp, covariance=cov)
            circuit_rows[label] = res.as_dict()
            say(f"  {label:10s} {_fmt(res.r_pp, res.r_pp_error):>14s} {res.r_ep / GW:6.2f} {_fmt(res.r_ei, res.r_ei_error):>16s}"
                f"   {table6[label]['r_pp_paper']:.2f} / {table6[label]['r_ei_paper']:.2f}")
        except ValueError as exc:
            circuit_rows[label] = {"error": str(exc)}
            say(f"  {label:10s} no positive R_ei: {exc}")
    ni = table6["Ni/Al2O3"]
    say(f"  Note: Table 6's Ni row is inconsistent - R_I = 3.7 / 6.9 give R_ei = {ni['r_ei_computed']:.2f}, "
        f"the printed {ni['r_ei_paper']:.2f} needs R_I,1->2 = {ni['metal_to_nonmetal_required_by_printed_r_ei']:.2f}. "
        f"The W row is consistent (R_ei {table6['W/Al2O3']['r_ei_computed']:.2f}).")
    say("")

    return circuit_rows, table6


def _report_sensitivities(say, data: _Synthetic):
    """Fig. 4 sensitivities per direction (forward-mode AD); returns them."""
    delays, models, interfaces, truth = data.delays, data.models, data.interfaces, data.truth
    sensitivities = {}
    for d in ("FR", "RF"):
        sensitivities[d] = log_sensitivity(models[d], truth, _sensitivity_parameters(interfaces[d]))
    window = (delays >= 0.1e-9) & (delays <= 10e-9)
    say("Phase sensitivities S_p = dln(phi)/dln(p) (forward-mode AD), max |S| for 0.1-10 ns:")
    for d in ("FR", "RF"):
        say(f"  {d}: " + ", ".join(f"{k} {np.max(np.abs(v[window])):.3f}" for k, v in sensitivities[d].items()))
    return sensitivities


def _fit_record(fit) -> dict:
    return {
        "values": fit.values,
        "standard_errors": fit.standard_errors,
        "statistical_errors": fit.statistical_errors,
        "correlation": {"names": list(fit.names), "matrix": np.asarray(fit.correlation).tolist()},
        "chi2": fit.chi2,
        "reduced_chi2": fit.reduced_chi2,
        "p_value": fit.p_value,
        "converged": fit.converged,
        "poor_fit": fit.poor_fit,
        "n_iterations": fit.n_iterations,
        "degenerate_pairs": [list(p) for p in fit.degenerate_pairs],
    }


def run_demo(
    out_dir: str = "jaxtherm-demo", seed: int = 0, quick: bool = False, noise: float = NOISE_PHASE,
    verbose: bool = True, force: bool = False,
) -> dict:
    """Synthesise, fit and report the ITR paper's bidirectional TDTR experiment.

    **Arguments:**

    - `out_dir`: output folder (created; refused if it holds an earlier run's files unless
      `force`); receives `DEMO_OUTPUTS`.
    - `seed`: seed of the synthetic phase noise.
    - `quick`: fewer delays (250 instead of 500), for smoke tests; fewer than ~250 log-spaced
      delays let noise flip the weakly determined ITR split into its second basin.
    - `noise`: 1-sigma phase noise (rad).
    - `verbose`: print the report.
    - `force`: replace an earlier run's files in `out_dir`.

    **Returns:** the dict written to `demo_results.json`.
    """
    if not jax.config.jax_enable_x64:
        raise RuntimeError("run_demo needs float64: call jax.config.update('jax_enable_x64', True) first (the CLI does)")
    out_dir = prepare_output_dir(out_dir, DEMO_OUTPUTS, force=force)
    t_start = time.perf_counter()
    say = _Report(verbose)
    data = _synthesise(seed, quick, noise)
    n_delays = data.delays.size
    say("jaxtherm demo - bidirectional TDTR of W/Al2O3/Ni/quartz at 300 K (ITR paper, Tables 1, 3, 6)")
    say(f"  1-D conduction, f_rep 20 MHz, f_mod 200 kHz, {n_delays} delays 10 ps - 49 ns, "
        f"synthetic phase noise {noise * 1e3:.2f} mrad (seed {seed})")
    say(f"  FR = heat W front, probe Ni/quartz rear; RF = heat rear, probe W front. Ni/quartz R = "
        f"{NI_QUARTZ_RESISTANCE / GW:.1f} m^2K/GW (not in the paper)")
    say("")
    fits, timing, caught = _run_fits(data, t_start)
    t_fit = time.perf_counter()
    rows, effusivity, effusivity_err, fixed_contributions = _report_table3(say, fits, data.truth)
    correlations = _report_correlations(say, fits, rows, caught)
    reciprocity = _report_reciprocity(say, fits, data.clean)
    circuit_rows, table6 = _report_circuit(say, fits["joint"])
    sensitivities = _report_sensitivities(say, data)
    t_analysis = time.perf_counter()
    _write_figures(out_dir, data, fits, sensitivities, circuit_rows, table6, noise)
    write_trace_file(
        os.path.join(out_dir, "traces.csv"), data.delays,
        {"phase_FR_rad": data.measured["FR"], "phase_RF_rad": data.measured["RF"],
         "fit_FR_rad": fits["joint"].trace_models[0], "fit_RF_rad": fits["joint"].trace_models[1]},
        delay_unit="ps", comment=f"jaxtherm demo synthetic traces, seed {seed}, noise {noise} rad",
    )
    window = (data.delays >= 0.1e-9) & (data.delays <= 10e-9)
    elapsed = time.perf_counter() - t_start
    results = {
        "sample": "W(104 nm)/Al2O3(9.66 nm)/Ni(82 nm)/quartz, 300 K, 1-D, f_rep 20 MHz, f_mod 200 kHz",
        "units": "ITRs in m^2 K/W (SI); *_GW keys in m^2 K/GW",
        "seed": seed, "quick": quick, "n_delays": n_delays, "phase_noise_rad": noise,
        "true_itr": dict(data.truth["itr"]),
        "fits": {key: _fit_record(fit) for key, fit in fits.items()},
        "series_sums": {
            key: dict(zip(("value", "error", "true"), rows[key]["series_sum"])) for key in ("FR", "RF")
        },
        "second_minimum_of_split": {key: rows[key].get("second_minimum") for key in ("FR", "RF")},
        "correlations": correlations,
        "fixed_uncertainties": FIXED_UNCERTAINTIES,
        "fixed_uncertainty_contributions": fixed_contributions,
        "quartz_effusivity_joint_fit": {"value": effusivity, "error": effusivity_err, "true": 1510.0},
        "reciprocity": reciprocity,
        "circuit_from_joint_fit_GW": circuit_rows,
        "table6_check": table6,
        "sensitivity_max_abs_0p1_to_10ns": {
            d: {k: float(np.max(np.abs(v[window]))) for k, v in sens.items()} for d, sens in sensitivities.items()
        },
        "degeneracy_warnings": caught,
        "timing_s": {**timing, "fits": t_fit - t_start, "analysis": t_analysis - t_start, "total": elapsed},
    }
    with open(os.path.join(out_dir, "demo_results.json"), "w", encoding="utf-8") as handle:
        json.dump(results, handle, indent=2, default=float)
    say(f"Wrote {', '.join(DEMO_OUTPUTS)} to {out_dir} ({elapsed:.1f} s)")
    with open(os.path.join(out_dir, "demo_report.txt"), "w", encoding="utf-8") as handle:
        handle.write("\n".join(say.lines) + "\n")
    return results


def _write_figures(out_dir, data: _Synthetic, fits, sensitivities, circuit_rows, table6, noise):
    delays, measured = data.delays, data.measured

    ns = delays / 1e-9
    fig, axes = subplots(2, 2, figsize=(11, 7), sharex=True, gridspec_kw={"height_ratios": [3, 1]})
    for col, (d, index) in enumerate((("FR", 0), ("RF", 1))):
        ax, axr = axes[0, col], axes[1, col]
        ax.plot(ns, measured[d], ".", ms=2, color="0.5", label=f"synthetic {d} (noise {noise * 1e3:.1f} mrad)")
        ax.plot(ns, fits[d].trace_models[0], "-", color="C0", label=f"{d} fit (2 ITRs)")
        ax.plot(ns, fits["joint"].trace_models[index], "--", color="C1", label="joint FR+RF fit")
        ax.plot(ns, fits["reciprocal"].trace_models[index], ":", color="C3", label="one ITR set for both")
        ax.set_xscale("log")
        ax.set_ylabel("lock-in phase (rad)")
        ax.set_title(f"{d}: heat {'front' if d == 'FR' else 'rear'}, probe {'rear' if d == 'FR' else 'front'}")
        ax.legend(fontsize=7)
        for key, style in ((d, ("C0", ".")), ("reciprocal", ("C3", "x"))):
            res = fits[key].trace_residuals[0 if key == d else index]
            axr.plot(ns, res, style[1], ms=2, color=style[0], label="own fit" if key == d else "one ITR set")
        axr.axhline(0, color="k", lw=0.5)
        axr.set_ylabel("residual / sigma")
        axr.set_xlabel("delay (ns)")
        axr.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(os.path.join(out_dir, "traces_fit.png"), dpi=110)

    fig, axes = subplots(1, 2, figsize=(12, 4.5), sharey=True)
    for ax, d in zip(axes, ("FR", "RF")):
        styles = {}
        for label in sensitivities[d]:
            ls = "-" if "Ni" in label and "Al2O3/" not in label else ("--" if "W" in label and "/" not in label else ":")
            color = "0.4" if label.startswith("C ") else "green" if label.startswith("alpha") else "C1" if label.startswith("ITR") else "C0"
            if label.startswith("ITR"):
                ls = "-"
                color = {0: "C3", 1: "C1", 2: "C4"}[list(k for k in sensitivities[d] if k.startswith("ITR")).index(label)]
            styles[label] = {"ls": ls, "color": color}
        plot_sensitivities(delays, sensitivities[d], ax=ax, title=f"{d} (cf. ITR paper Fig. 4{'a' if d == 'FR' else 'b'})", styles=styles)
    fig.tight_layout()
    fig.savefig(os.path.join(out_dir, "sensitivity.png"), dpi=110)

    fig, ax = subplots(figsize=(7, 4))
    labels, ours, paper, errs = [], [], [], []
    for interface in ("W/Al2O3", "Ni/Al2O3"):
        row = circuit_rows.get(interface, {})
        for key, name in (("r_pp", "R_pp"), ("r_ep", "R_ep"), ("r_ei", "R_ei")):
            labels.append(f"{interface}\n{name}")
            ours.append(row.get(key, np.nan))
            errs.append(row.get(key + "_error", 0.0) if key != "r_ep" else 0.0)
            paper_key = {"r_pp": "r_pp_paper", "r_ei": "r_ei_paper"}.get(key)
            paper.append(table6[interface][paper_key] if paper_key else table6[interface]["r_ep_paper"][0])
    x = np.arange(len(labels))
    ax.bar(x - 0.2, paper, 0.4, label="ITR paper Table 6", color="0.7")
    ax.bar(x + 0.2, ours, 0.4, yerr=np.nan_to_num(errs), capsize=3, label="from the joint fit", color="C0")
    ax.set_xticks(x)
    ax.set_xticklabels(labels, fontsize=8)
    ax.set_ylabel("thermal resistance (m$^2$K/GW)")
    ax.set_title("Thermal circuit of the interfaces (ITR paper §4.3)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(os.path.join(out_dir, "circuit.png"), dpi=110)
