"""`jaxtherm fit CONFIG`: fit a user's TDTR stack to trace files described in a TOML file.

The format (see `examples/fit_config.toml` for a complete, commented example):

```toml
[setup]                      # shared by all traces unless a trace overrides a key
modulation_frequency = 200e3 # Hz
repetition_rate = 20e6       # Hz
one_dimensional = true       # or false with pump_radius / probe_radius (m, 1/e^2 radii)
delay_stage = "probe"        # required, no default: "pump" if the pump passes the delay stage


[[layers]]                   # top (front) first; SI units
name = "W"
thickness = 104e-9           # m; `inf` for a semi-infinite substrate (last layer)
heat_capacity = 2.55e6       # J/m^3K
conductivity = 158.1         # W/mK (cross-plane); optional conductivity_inplane
[[layers]]
material = "quartz"          # a jaxtherm.materials table name fills heat_capacity and the
thickness = inf              # conductivities at `temperature` (K, default 300) unless given

[resistances]                # named interface resistances, m^2K/W (start values when free)
"W/Al2O3" = 5e-9

[[traces]]
file = "trace_fr.csv"        # relative to the TOML file; read only
delay_unit = "ps"            # unit of the delay column: s, ms, us, ns, ps, fs
delay_column = 0             # index or header name (default 0)
signal_column = "phase_rad"  # index or header name
observable = "phase"         # phase | ratio | v_in | v_out | amplitude | v_in_normalised
sigma = 1e-4                 # 1-sigma noise in the observable's unit (or sigma_column)
heat_at = "front"            # any [setup] key may be overridden per trace
probe_at = "rear"
interfaces = ["W/Al2O3", "Al2O3/Ni", "Ni/quartz"]  # resistance name per interface, top first
min_delay = 10e-12           # s, optional: ignore earlier delays
# format = "lab": a lab file whose header gives f_mod, f_rep, radii, delay stage, t0
# (jaxtherm.lab.read_lab_file); then `columns`, `apply_time_zero`, `apply_phase_correction`

[fit]
free = ["W/Al2O3", "quartz.conductivity"]  # resistance names or "<layer>.<field>"
check_delay_stage = true     # default: refit with the other convention, warn if chi^2 drops > 2x
[fit.starts]                 # optional: vmapped multi-start, equal-length lists
[fit.lower] / [fit.upper]    # optional bounds (SI)
[fit.fixed_uncertainties]    # optional: 1-sigma (SI) of fixed quantities, propagated
"Al2O3.thickness" = 0.3e-9
```

Unknown keys are errors (a typo must not silently fall back to a default), and so
are values of the wrong type (`sigma = "abc"`, `one_dimensional = "false"`): every
error is a `ConfigError` (a `ValueError`; `ConfigTypeError` is also a `TypeError`)
whose one-line message names the file and the key.
"""

from __future__ import annotations

import json
import math
import os
import tomllib
import warnings

import jax
import numpy as np
from matplotlib.figure import Figure

from .. import tdtr
from ..fit import DegeneracyWarning, fit_traces
from ..tdtr._params import validate_stack
from ._config_layers import LAYER_FIELDS, read_layers, read_resistances
from ._config_traces import read_traces
from ._delay_stage_check import check_delay_stage
from ._output import prepare_output_dir
from ._sample_config import read_sample_table, run_sample_table
from ._toml import ConfigError as ConfigError
from ._toml import ConfigTypeError as ConfigTypeError
from ._toml import Reader

__all__ = ["run_config", "load_config", "ConfigError", "ConfigTypeError", "FIT_OUTPUTS"]

#: Files `run_config` writes into its output folder.
FIT_OUTPUTS = ("fit_results.json", "fit.png")

_LAYER_FIELDS = LAYER_FIELDS
_FIT_KEYS = {
    "free",
    "starts",
    "lower",
    "upper",
    "fixed_uncertainties",
    "max_iterations",
    "positive",
    "check_delay_stage",
}
_TOP_KEYS = {"setup", "layers", "resistances", "traces", "fit", "title", "sample"}


def _read_toml(path) -> dict:
    if not os.path.exists(path):
        raise FileNotFoundError(f"configuration file not found: {path}")
    if os.path.isdir(path):
        raise ConfigError(f"{path}: is a directory, not a TOML configuration file")
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not a UTF-8 text file") from exc


class _Names:
    """Maps the TOML names of parameters (resistance names, `<layer>.<field>`) to pytree paths."""

    def __init__(self, path, resistances, amplitudes, layer_names):
        self.path, self.resistances, self.amplitudes, self.layer_names = path, resistances, amplitudes, layer_names

    def __call__(self, key, where) -> str:
        if key in self.resistances:
            return f"itr['{key}']"
        if key in self.amplitudes:
            return f"amplitude['{key}']"
        layer, _, field = str(key).rpartition(".")
        if layer in self.layer_names and field in _LAYER_FIELDS:
            return f"stack.layers[{self.layer_names.index(layer)}].{field}"
        raise ConfigError(
            f"{self.path}: {where}: {key!r} is neither a resistance name {sorted(self.resistances)}, a trace amplitude "
            f"{sorted(self.amplitudes)}, nor '<layer>.<field>' with layer in {self.layer_names} and field in "
            f"{list(_LAYER_FIELDS)}"
        )


def _fixed_uncertainties(r: Reader, table, free, to_path) -> dict:
    where = "[fit.fixed_uncertainties]"
    out = {}
    for key, value in r.table(where, table).items():
        sd = r.number(where, key, value, "SI unit of the parameter")
        if not (math.isfinite(sd) and sd >= 0):
            raise ConfigError(
                f"{r.path}: {where}: {key!r} = {value!r} must be finite and >= 0 (SI unit of the parameter)"
            )
        if key in free:
            raise ConfigError(
                f"{r.path}: {where}: {key!r} is fitted (in [fit] free); a fitted parameter has no fixed uncertainty"
            )
        out[to_path(key, where)] = sd
    return out


def _fit_options(r: Reader, config, to_path) -> dict:
    fit_table = r.table("[fit]", r.require("the top level", config, "fit"))
    r.unknown("[fit]", fit_table, _FIT_KEYS)
    free_list = r.require("[fit]", fit_table, "free")
    if not isinstance(free_list, list) or not free_list:
        raise ConfigError(f"{r.path}: [fit]: 'free' must be a non-empty list of parameter names, got {free_list!r}")
    free = {r.string("[fit]", "free", key): to_path(key, "[fit] free") for key in free_list}
    options = {"free": free}
    for key in ("starts", "lower", "upper"):
        if key not in fit_table:
            continue
        where = f"[fit.{key}]"
        table = r.table(where, fit_table[key])
        for name, value in table.items():
            if name not in free:
                raise ConfigError(f"{r.path}: [fit.{key}] names {name!r}, which is not in [fit] free")
            if key == "starts":
                if not isinstance(value, list) or not value:
                    raise ConfigError(f"{r.path}: {where}: {name!r} must be a non-empty list of numbers, got {value!r}")
                table[name] = [r.number(where, name, v, "SI") for v in value]
            else:
                table[name] = r.number(where, name, value, "SI")
        options[key] = table
    if "fixed_uncertainties" in fit_table:
        options["fixed_uncertainties"] = _fixed_uncertainties(r, fit_table["fixed_uncertainties"], free, to_path)
    if "max_iterations" in fit_table:
        options["max_iterations"] = r.integer("[fit]", "max_iterations", fit_table["max_iterations"])
        if options["max_iterations"] < 1:
            raise ConfigError(f"{r.path}: [fit]: 'max_iterations' must be >= 1, got {options['max_iterations']}")
    if "positive" in fit_table:
        options["positive"] = r.boolean("[fit]", "positive", fit_table["positive"])
    options["check_delay_stage"] = r.boolean("[fit]", "check_delay_stage", fit_table.get("check_delay_stage", True))
    return options


def load_config(path):
    """Parse and validate a `jaxtherm fit` TOML file (nothing is fitted).

    **Arguments:**

    - `path`: the TOML file.

    **Returns:** `(params, traces, fit_options, layer_names)`: the parameter pytree
    `{"stack": Stack, "itr": {name: resistance}, "amplitude": {...}}`, a list of `Trace`,
    a dict of keyword arguments for `fit_traces` (with `free`), and the layer names.

    **Raises:** `ConfigError` (or `ConfigTypeError`) naming the file and the key;
    `FileNotFoundError`; `jaxtherm.fit.TraceFileError` for an unreadable trace file.
    """
    path = os.fspath(path)
    config = _read_toml(path)
    r = Reader(path)
    r.unknown("the top level", config, _TOP_KEYS)
    if "title" in config:
        r.string("the top level", "title", config["title"])
    layers, layer_names = read_layers(r, config)
    resistances = read_resistances(r, config)
    traces, amplitudes, interfaces = read_traces(r, config, resistances, len(layers) - 1)
    stack = tdtr.Stack(layers=layers, resistances=[resistances[k] for k in interfaces])
    try:
        validate_stack(stack)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{path}: [[layers]]: {exc}") from exc
    params = {"stack": stack, "itr": resistances, "amplitude": amplitudes}
    options = _fit_options(r, config, _Names(path, resistances, amplitudes, layer_names))
    return params, traces, options, layer_names


def run_config(path, out_dir: str = "jaxtherm-fit", verbose: bool = True, force: bool = False) -> dict:
    """Run the fit described by a TOML file; write `fit_results.json` and `fit.png` into `out_dir`.

    **Arguments:**

    - `path`: the TOML configuration (format in this module's docstring).
    - `out_dir`: output folder (created); checked before any work.
    - `verbose`: print the result table.
    - `force`: replace the results of an earlier run in `out_dir` (otherwise refused).

    **Returns:** the dict written to `fit_results.json` (values, uncertainties,
    correlation, chi^2 and its p-value, per-trace residual RMS, every warning, and
    `ok`: converged, a good fit, all parameters constrained and off their bounds).
    """
    if not jax.config.jax_enable_x64:
        raise RuntimeError(
            "run_config needs float64: call jax.config.update('jax_enable_x64', True) first (the CLI does)"
        )
    out_dir = prepare_output_dir(out_dir, FIT_OUTPUTS, force=force, create=False)
    params, traces, options, _ = load_config(path)
    sampling = read_sample_table(path, options["free"])  # optional [sample] table, validated before the fit
    free = options.pop("free")
    check = options.pop("check_delay_stage")
    with warnings.catch_warnings(record=True) as records:
        warnings.simplefilter("always")
        result = fit_traces(params, traces, free, **options)
    stage = check_delay_stage(params, traces, free, options, result) if check else None
    out = _results_record(path, result, traces, options, records)
    out["delay_stage_check"] = stage
    if stage is not None and stage["prefers_other"]:
        out["warnings"].append(f"DelayStageWarning: {stage['message']}")
        out["ok"] = False
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "fit_results.json"), "w", encoding="utf-8") as handle:
        json.dump(out, handle, indent=2, default=float)
    _plot(os.path.join(out_dir, "fit.png"), traces, result)
    if verbose:
        print(f"jaxtherm fit {path}")
        print(result.summary())
        if stage is not None:
            print(stage["message"])
        print(f"wrote {' and '.join(FIT_OUTPUTS)} to {out_dir}")
    return run_sample_table(sampling, params, traces, free, options, result, out, out_dir, verbose)


def _results_record(path, result, traces, options, records) -> dict:
    messages = [f"{r.category.__name__}: {r.message}" for r in records]
    return {
        "config": os.path.abspath(os.fspath(path)),
        "units": "SI (resistances m^2K/W, conductivities W/mK, heat capacities J/m^3K, thicknesses m)",
        "values": result.values,
        "standard_errors": result.standard_errors,
        "statistical_errors": result.statistical_errors,
        "correlation": {"names": list(result.names), "matrix": np.asarray(result.correlation).tolist()},
        "chi2": result.chi2,
        "reduced_chi2": result.reduced_chi2,
        "p_value": result.p_value,
        "converged": result.converged,
        "poor_fit": result.poor_fit,
        "at_bound": list(result.at_bound),
        "unconstrained": list(result.unconstrained),
        "post_fit_error": result.post_fit_error,
        "ok": result.ok,
        "n_iterations": result.n_iterations,
        "fixed_uncertainties": {k: float(v) for k, v in options.get("fixed_uncertainties", {}).items()},
        "traces": {
            t.name: {"n_points": int(np.size(t.data)), "residual_rms_in_sigma": float(np.sqrt(np.mean(r**2)))}
            for t, r in zip(traces, result.trace_residuals)
        },
        "degeneracy_warnings": [str(r.message) for r in records if issubclass(r.category, DegeneracyWarning)],
        "warnings": messages,
    }


def _plot(filename, traces, result):
    n = len(traces)
    # A bare Figure (no pyplot): no global backend state is touched.
    fig = Figure(figsize=(5.5 * n, 6))
    axes = fig.subplots(2, n, squeeze=False, sharex="col", gridspec_kw={"height_ratios": [3, 1]})
    for j, (trace, model, residual) in enumerate(zip(traces, result.trace_models, result.trace_residuals)):
        x = np.asarray(trace.x) / 1e-9
        axes[0, j].plot(x, trace.data, ".", ms=2, color="0.5", label="data")
        if model is not None:
            axes[0, j].plot(x, model, "-", color="C0", label="fit")
        axes[0, j].set_xscale("log")
        axes[0, j].set_title(trace.name)
        axes[0, j].set_ylabel(f"{trace.model.observable} ({trace.model.unit})")
        axes[0, j].legend(fontsize=8)
        axes[1, j].plot(x, residual, ".", ms=2)
        axes[1, j].axhline(0, color="k", lw=0.5)
        axes[1, j].set_xlabel("delay (ns)")
        axes[1, j].set_ylabel("residual / sigma")
    fig.tight_layout()
    fig.savefig(filename, dpi=110)
