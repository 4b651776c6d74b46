"""`jaxtherm fit CONFIG`: fit a user's TDTR stack to trace files described in a TOML file.

The format (see `examples/fit_config.toml` for a complete, commented example):

```toml
[setup]                      # shared by all traces unless a trace overrides a key
modulation_frequency = 200e3 # Hz
repetition_rate = 20e6       # Hz
one_dimensional = true       # or false with pump_radius / probe_radius (m)

[[layers]]                   # top (front) first; SI units
name = "W"
thickness = 104e-9           # m; `inf` for a semi-infinite substrate (last layer)
heat_capacity = 2.55e6       # J/m^3K
conductivity = 158.1         # W/mK (cross-plane); optional conductivity_inplane

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

[fit]
free = ["W/Al2O3", "quartz.conductivity"]  # resistance names or "<layer>.<field>"
[fit.starts]                 # optional: vmapped multi-start, equal-length lists
[fit.lower] / [fit.upper]    # optional bounds (SI)
[fit.fixed_uncertainties]    # optional: 1-sigma (SI) of fixed quantities, propagated
"Al2O3.thickness" = 0.3e-9
```

Unknown keys are errors (a typo must not silently fall back to a default).
"""

from __future__ import annotations

import json
import math
import os
import tomllib
import warnings

import numpy as np

from .io import DELAY_UNITS, load_trace_file
from .least_squares import DegeneracyWarning

__all__ = ["run_config", "load_config", "ConfigError"]

_LAYER_FIELDS = ("thickness", "heat_capacity", "conductivity", "conductivity_inplane")
_SETUP_KEYS = (
    "modulation_frequency", "repetition_rate", "pump_radius", "probe_radius", "heat_at", "probe_at",
    "delay_stage", "one_dimensional",
)
_TRACE_KEYS = {
    "name", "file", "delay_unit", "delay_column", "signal_column", "observable", "sigma", "sigma_column",
    "interfaces", "weight", "min_delay", "max_delay", "amplitude", *_SETUP_KEYS,
}
_FIT_KEYS = {"free", "starts", "lower", "upper", "fixed_uncertainties", "max_iterations", "positive"}
_TOP_KEYS = {"setup", "layers", "resistances", "traces", "fit", "title"}


class ConfigError(ValueError):
    """The TOML configuration is invalid; the message names the file and the key."""


def _unknown(path, where, given, allowed):
    extra = set(given) - set(allowed)
    if extra:
        raise ConfigError(f"{path}: unknown key(s) {sorted(extra)} in {where}; allowed: {sorted(allowed)}")


def _require(path, where, table, key):
    if key not in table:
        raise ConfigError(f"{path}: missing required key {key!r} in {where}")
    return table[key]


def load_config(path):
    """Parse and validate a `jaxtherm fit` TOML file (nothing is fitted).

    **Arguments:**

    - `path`: the TOML file.

    **Returns:** `(params, traces, fit_options, layer_names)`: the parameter pytree
    `{"stack": Stack, "itr": {name: resistance}, "amplitude": {...}}`, a list of `Trace`,
    a dict of keyword arguments for `fit_traces`, and the layer names.
    """
    from .. import tdtr
    from .traces import tdtr_trace

    path = os.fspath(path)
    if not os.path.exists(path):
        raise FileNotFoundError(f"configuration file not found: {path}")
    try:
        with open(path, "rb") as handle:
            config = tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    base = os.path.dirname(os.path.abspath(path))
    _unknown(path, "the top level", config, _TOP_KEYS)

    setup_table = dict(config.get("setup", {}))
    _unknown(path, "[setup]", setup_table, _SETUP_KEYS)

    layers_table = _require(path, "the top level", config, "layers")
    if not isinstance(layers_table, list) or not layers_table:
        raise ConfigError(f"{path}: [[layers]] must list at least one layer")
    layers, layer_names = [], []
    for i, layer in enumerate(layers_table):
        where = f"[[layers]] #{i + 1}"
        _unknown(path, where, layer, {"name", *_LAYER_FIELDS})
        name = str(layer.get("name", f"layer{i}"))
        if name in layer_names:
            raise ConfigError(f"{path}: duplicate layer name {name!r} in {where}")
        layer_names.append(name)
        try:
            layers.append(
                tdtr.Layer(
                    thickness=float(_require(path, where, layer, "thickness")),
                    heat_capacity=float(_require(path, where, layer, "heat_capacity")),
                    conductivity=float(_require(path, where, layer, "conductivity")),
                    conductivity_inplane=layer.get("conductivity_inplane"),
                )
            )
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"{path}: {where} ({name}): {exc}") from exc

    resistances = {str(k): float(v) for k, v in dict(config.get("resistances", {})).items()}
    for name, value in resistances.items():
        if not (math.isfinite(value) and value >= 0):
            raise ConfigError(f"{path}: [resistances] {name!r} = {value!r} must be finite and >= 0 (m^2 K/W)")
    n_interfaces = len(layers) - 1

    traces_table = _require(path, "the top level", config, "traces")
    if not isinstance(traces_table, list) or not traces_table:
        raise ConfigError(f"{path}: [[traces]] must list at least one trace")
    traces, amplitudes, default_interfaces = [], {}, None
    for i, entry in enumerate(traces_table):
        name = str(entry.get("name", f"trace{i + 1}"))
        where = f"[[traces]] #{i + 1} ({name})"
        _unknown(path, where, entry, _TRACE_KEYS)
        interfaces = list(entry.get("interfaces", []))
        if len(interfaces) != n_interfaces:
            raise ConfigError(
                f"{path}: {where}: 'interfaces' must name {n_interfaces} resistances (one per interface, top first), "
                f"got {interfaces}"
            )
        for key in interfaces:
            if key not in resistances:
                raise ConfigError(f"{path}: {where}: interface resistance {key!r} is not defined in [resistances]")
        default_interfaces = default_interfaces or interfaces
        delay_unit = _require(path, where, entry, "delay_unit")
        if delay_unit not in DELAY_UNITS:
            raise ConfigError(f"{path}: {where}: delay_unit {delay_unit!r} must be one of {list(DELAY_UNITS)}")
        file = os.path.join(base, _require(path, where, entry, "file"))
        signal_column = _require(path, where, entry, "signal_column")
        wanted = [signal_column] + ([entry["sigma_column"]] if "sigma_column" in entry else [])
        data = load_trace_file(file, delay_unit=delay_unit, delay_column=entry.get("delay_column", 0), columns=wanted)
        delays = data.delays
        values = data.column(signal_column)
        if "sigma_column" in entry:
            sigma = data.column(entry["sigma_column"])
        elif "sigma" in entry:
            sigma = float(entry["sigma"])
        else:
            raise ConfigError(f"{path}: {where}: give 'sigma' (1-sigma noise, unit of the observable) or 'sigma_column'")
        keep = np.ones(delays.shape, dtype=bool)
        if "min_delay" in entry:
            keep &= delays >= float(entry["min_delay"])
        if "max_delay" in entry:
            keep &= delays <= float(entry["max_delay"])
        if not np.any(keep):
            raise ConfigError(f"{path}: {where}: no delays left between min_delay and max_delay")
        sigma = sigma[keep] if np.ndim(sigma) else sigma
        setup_args = {k: entry[k] if k in entry else setup_table[k] for k in _SETUP_KEYS if k in entry or k in setup_table}
        try:
            setup = tdtr.Setup(**setup_args)
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"{path}: {where}: setup: {exc}") from exc
        observable = entry.get("observable", "phase")
        amplitude_path = None
        if observable in ("v_in", "v_out", "amplitude"):
            amplitudes[f"{name} amplitude"] = float(entry.get("amplitude", 1.0))
            amplitude_path = f"amplitude['{name} amplitude']"
        try:
            traces.append(
                tdtr_trace(
                    setup, delays[keep], values[keep], sigma, observable=observable, name=name,
                    weight=float(entry.get("weight", 1.0)), resistance_names=interfaces, amplitude_path=amplitude_path,
                )
            )
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"{path}: {where}: {exc}") from exc

    stack = tdtr.Stack(layers=layers, resistances=[resistances[k] for k in default_interfaces])
    try:
        from ..tdtr._params import validate_stack

        validate_stack(stack)
    except ImportError:  # pragma: no cover - validation then happens at the first signal() call
        pass
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{path}: [[layers]]: {exc}") from exc
    params = {"stack": stack, "itr": resistances, "amplitude": amplitudes}

    def to_path(key, where):
        if key in resistances:
            return f"itr['{key}']"
        if key in amplitudes:
            return f"amplitude['{key}']"
        layer, _, field = key.rpartition(".")
        if layer in layer_names and field in _LAYER_FIELDS:
            return f"stack.layers[{layer_names.index(layer)}].{field}"
        raise ConfigError(
            f"{path}: {where}: {key!r} is neither a resistance name {sorted(resistances)}, a trace amplitude "
            f"{sorted(amplitudes)}, nor '<layer>.<field>' with layer in {layer_names} and field in {list(_LAYER_FIELDS)}"
        )

    fit_table = dict(_require(path, "the top level", config, "fit"))
    _unknown(path, "[fit]", fit_table, _FIT_KEYS)
    free_list = list(_require(path, "[fit]", fit_table, "free"))
    if not free_list:
        raise ConfigError(f"{path}: [fit] free must name at least one parameter")
    free = {key: to_path(key, "[fit] free") for key in free_list}
    options = {"free": free}
    for key in ("starts", "lower", "upper"):
        if key in fit_table:
            table = dict(fit_table[key])
            for name in table:
                if name not in free:
                    raise ConfigError(f"{path}: [fit.{key}] names {name!r}, which is not in [fit] free")
            options[key] = {k: (list(map(float, v)) if key == "starts" else float(v)) for k, v in table.items()}
    if "fixed_uncertainties" in fit_table:
        options["fixed_uncertainties"] = {
            to_path(k, "[fit.fixed_uncertainties]"): float(v) for k, v in dict(fit_table["fixed_uncertainties"]).items()
        }
    if "max_iterations" in fit_table:
        options["max_iterations"] = int(fit_table["max_iterations"])
    if "positive" in fit_table:
        options["positive"] = bool(fit_table["positive"])
    return params, traces, options, layer_names


def run_config(path, out_dir: str = "jaxtherm-fit", verbose: bool = True) -> dict:
    """Run the fit described by a TOML file; write `fit_results.json` and `fit.png` into `out_dir`.

    **Arguments:**

    - `path`: the TOML configuration (format in this module's docstring).
    - `out_dir`: output folder (created).
    - `verbose`: print the result table.

    **Returns:** the dict written to `fit_results.json` (values, uncertainties,
    correlation, chi^2, per-trace residual RMS).
    """
    import jax

    if not jax.config.jax_enable_x64:
        raise RuntimeError("run_config needs float64: call jax.config.update('jax_enable_x64', True) first (the CLI does)")
    from .problem import fit_traces

    params, traces, options, _ = load_config(path)
    free = options.pop("free")
    with warnings.catch_warnings(record=True) as records:
        warnings.simplefilter("always", DegeneracyWarning)
        result = fit_traces(params, traces, free, **options)
    degeneracy = [str(r.message) for r in records if issubclass(r.category, DegeneracyWarning)]
    os.makedirs(out_dir, exist_ok=True)
    out = {
        "config": os.path.abspath(os.fspath(path)),
        "units": "SI (resistances m^2K/W, conductivities W/mK, heat capacities J/m^3K, thicknesses m)",
        "values": result.values,
        "standard_errors": result.standard_errors,
        "statistical_errors": result.statistical_errors,
        "correlation": {"names": list(result.names), "matrix": np.asarray(result.correlation).tolist()},
        "chi2": result.chi2,
        "reduced_chi2": result.reduced_chi2,
        "converged": result.converged,
        "n_iterations": result.n_iterations,
        "fixed_uncertainties": {k: float(v) for k, v in options.get("fixed_uncertainties", {}).items()},
        "traces": {
            t.name: {"n_points": int(np.size(t.data)), "residual_rms_in_sigma": float(np.sqrt(np.mean(r**2)))}
            for t, r in zip(traces, result.trace_residuals)
        },
        "degeneracy_warnings": degeneracy,
    }
    with open(os.path.join(out_dir, "fit_results.json"), "w", encoding="utf-8") as handle:
        json.dump(out, handle, indent=2, default=float)
    _plot(os.path.join(out_dir, "fit.png"), traces, result)
    if verbose:
        print(f"jaxtherm fit {path}")
        print(result.summary())
        print(f"wrote fit_results.json and fit.png to {out_dir}")
    return out


def _plot(filename, traces, result):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    n = len(traces)
    fig, axes = plt.subplots(2, n, figsize=(5.5 * n, 6), squeeze=False, sharex="col", gridspec_kw={"height_ratios": [3, 1]})
    for j, (trace, model, residual) in enumerate(zip(traces, result.trace_models, result.trace_residuals)):
        x = np.asarray(trace.x) / 1e-9
        axes[0, j].plot(x, trace.data, ".", ms=2, color="0.5", label="data")
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
    plt.close(fig)
