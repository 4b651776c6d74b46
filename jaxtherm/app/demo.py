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

from ..fit import DegeneracyWarning, Trace, fit_traces
from ..fit.io import write_trace_file
from ..tdtr import TdtrModel
from ._demo_figures import write_figures
from ._demo_report import report_circuit, report_correlations, report_reciprocity, report_sensitivities, report_table3
from ._itr_sample import FIXED_UNCERTAINTIES as FIXED_UNCERTAINTIES
from ._itr_sample import FR_INTERFACES as FR_INTERFACES
from ._itr_sample import GW as GW
from ._itr_sample import NI_QUARTZ_RESISTANCE as NI_QUARTZ_RESISTANCE
from ._itr_sample import NOISE_PHASE as NOISE_PHASE
from ._itr_sample import QUARTZ_CONDUCTIVITY as QUARTZ_CONDUCTIVITY
from ._itr_sample import RF_INTERFACES as RF_INTERFACES
from ._itr_sample import TABLE3_300K as TABLE3_300K
from ._itr_sample import itr_paper_sample as itr_paper_sample
from ._itr_sample import sensitivity_parameters as sensitivity_parameters
from ._output import prepare_output_dir

__all__ = ["run_demo", "itr_paper_sample", "TABLE3_300K", "NOISE_PHASE", "DEMO_OUTPUTS"]


#: Files `run_demo` writes into its output folder.
DEMO_OUTPUTS = (
    "traces_fit.png",
    "sensitivity.png",
    "circuit.png",
    "traces.csv",
    "demo_results.json",
    "demo_report.txt",
)


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
    start = {
        "stack": data.truth["stack"],
        "itr": {k: (5.0 * GW if k in TABLE3_300K else v) for k, v in data.truth["itr"].items()},
    }
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
                start,
                [traces[d]],
                {a: f"itr['{a}']", b: f"itr['{b}']"},
                starts={a: split_starts, b: split_starts[::-1]},
            )
            timing[f"fit_{d}"] = time.perf_counter() - t_start
        # Joint fit: four direction-dependent ITRs plus the shared substrate property, started
        # from the per-direction results; fixed-property uncertainties propagated.
        joint_free = {k: f"itr['{k}']" for k in TABLE3_300K}
        joint_free["quartz conductivity"] = QUARTZ_CONDUCTIVITY
        joint_start = {k: fits["FR"].values.get(k, fits["RF"].values.get(k)) for k in TABLE3_300K}
        fits["joint"] = fit_traces(
            start,
            [traces["FR"], traces["RF"]],
            joint_free,
            initial=joint_start,
            fixed_uncertainties=FIXED_UNCERTAINTIES,
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
            start,
            [traces["FR"], traces["RF"]],
            reciprocal_free,
            initial=reciprocal_start,
            warn_degenerate=False,
            warn=False,
        )
        timing["fit_reciprocal"] = time.perf_counter() - t_start
    caught = [str(r.message) for r in records if issubclass(r.category, DegeneracyWarning)]
    return fits, timing, caught


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


def _say_header(say, n_delays, noise, seed):
    say("jaxtherm demo - bidirectional TDTR of W/Al2O3/Ni/quartz at 300 K (ITR paper, Tables 1, 3, 6)")
    say(
        f"  1-D conduction, f_rep 20 MHz, f_mod 200 kHz, {n_delays} delays 10 ps - 49 ns, "
        f"synthetic phase noise {noise * 1e3:.2f} mrad (seed {seed})"
    )
    say(
        f"  FR = heat W front, probe Ni/quartz rear; RF = heat rear, probe W front. Ni/quartz R = "
        f"{NI_QUARTZ_RESISTANCE / GW:.1f} m^2K/GW (not in the paper)"
    )
    say("")


def _write_traces(out_dir, data, fits, seed, noise):
    """The synthetic traces and the joint fit's model traces as `traces.csv`."""
    write_trace_file(
        os.path.join(out_dir, "traces.csv"),
        data.delays,
        {
            "phase_FR_rad": data.measured["FR"],
            "phase_RF_rad": data.measured["RF"],
            "fit_FR_rad": fits["joint"].trace_models[0],
            "fit_RF_rad": fits["joint"].trace_models[1],
        },
        delay_unit="ps",
        comment=f"jaxtherm demo synthetic traces, seed {seed}, noise {noise} rad",
    )


def run_demo(
    out_dir: str = "jaxtherm-demo",
    seed: int = 0,
    quick: bool = False,
    noise: float = NOISE_PHASE,
    verbose: bool = True,
    force: bool = False,
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
        raise RuntimeError(
            "run_demo needs float64: call jax.config.update('jax_enable_x64', True) first (the CLI does)"
        )
    out_dir = prepare_output_dir(out_dir, DEMO_OUTPUTS, force=force)
    t_start = time.perf_counter()
    say = _Report(verbose)
    data = _synthesise(seed, quick, noise)
    n_delays = data.delays.size
    _say_header(say, n_delays, noise, seed)
    fits, timing, caught = _run_fits(data, t_start)
    t_fit = time.perf_counter()
    rows, effusivity, effusivity_err, fixed_contributions = report_table3(say, fits, data.truth)
    correlations = report_correlations(say, fits, rows, caught)
    reciprocity = report_reciprocity(say, fits, data.clean)
    circuit_rows, table6 = report_circuit(say, fits["joint"])
    sensitivities = report_sensitivities(say, data)
    t_analysis = time.perf_counter()
    write_figures(out_dir, data, fits, sensitivities, circuit_rows, table6, noise)
    _write_traces(out_dir, data, fits, seed, noise)
    window = (data.delays >= 0.1e-9) & (data.delays <= 10e-9)
    elapsed = time.perf_counter() - t_start
    results = {
        "sample": "W(104 nm)/Al2O3(9.66 nm)/Ni(82 nm)/quartz, 300 K, 1-D, f_rep 20 MHz, f_mod 200 kHz",
        "units": "ITRs in m^2 K/W (SI); *_GW keys in m^2 K/GW",
        "seed": seed,
        "quick": quick,
        "n_delays": n_delays,
        "phase_noise_rad": noise,
        "true_itr": dict(data.truth["itr"]),
        "fits": {key: _fit_record(fit) for key, fit in fits.items()},
        "series_sums": {key: dict(zip(("value", "error", "true"), rows[key]["series_sum"])) for key in ("FR", "RF")},
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
