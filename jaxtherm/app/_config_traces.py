"""The [setup] and [[traces]] tables of a `jaxtherm fit` TOML file: trace files read into TDTR traces.

`delay_stage` has no default: a trace without it (in [setup] or in the trace, or in the
header of a lab file) is an error, because the wrong convention fits measured data
smoothly with conductivities off by up to 3x. A trace with `format = "lab"` is read by
`jaxtherm.lab.read_lab_file`: its header may supply the [setup] values (a value given in
both the file and the TOML must agree) and the observable comes from its V_in/V_out/ratio
columns.
"""

from __future__ import annotations

import os

import numpy as np

from .. import tdtr
from ..fit.io import DELAY_UNITS, load_trace_file
from ._config_lab import DELAY_STAGE_HELP, LAB_TRACE_KEYS, lab_trace_data
from ._toml import ConfigError, Reader

__all__ = ["read_traces"]

#: [setup] keys and the type each must have in the TOML file.
_SETUP_TYPES = {
    "modulation_frequency": ("number", "Hz"),
    "repetition_rate": ("number", "Hz"),
    "pump_radius": ("number", "m"),
    "probe_radius": ("number", "m"),
    "heat_at": ("string", ""),
    "probe_at": ("string", ""),
    "delay_stage": ("string", ""),
    "one_dimensional": ("boolean", ""),
}
_SETUP_KEYS = tuple(_SETUP_TYPES)
_TRACE_KEYS = {
    "name",
    "file",
    "delay_unit",
    "delay_column",
    "signal_column",
    "observable",
    "sigma",
    "sigma_column",
    "interfaces",
    "weight",
    "min_delay",
    "max_delay",
    "amplitude",
    "format",
    *LAB_TRACE_KEYS,
    *_SETUP_KEYS,
}


def _setup_values(r: Reader, where, table) -> dict:
    return {key: r.typed(where, key, table[key], *_SETUP_TYPES[key]) for key in _SETUP_KEYS if key in table}


def _interfaces(r: Reader, where, entry, resistances, n_interfaces) -> list:
    interfaces = entry.get("interfaces", [])
    if not isinstance(interfaces, list) or len(interfaces) != n_interfaces:
        raise ConfigError(
            f"{r.path}: {where}: 'interfaces' must name {n_interfaces} resistances (one per interface, top first), "
            f"got {interfaces!r}"
        )
    for key in interfaces:
        if r.string(where, "interfaces", key) not in resistances:
            raise ConfigError(f"{r.path}: {where}: interface resistance {key!r} is not defined in [resistances]")
    return interfaces


def _trace_data(r: Reader, where, entry, base) -> tuple:
    """Delays (s), values and sigma of one [[traces]] entry, cut to [min_delay, max_delay]."""
    delay_unit = r.string(where, "delay_unit", r.require(where, entry, "delay_unit"))
    if delay_unit not in DELAY_UNITS:
        raise ConfigError(f"{r.path}: {where}: delay_unit {delay_unit!r} must be one of {list(DELAY_UNITS)}")
    file = os.path.join(base, r.string(where, "file", r.require(where, entry, "file")))
    signal_column = r.column(where, "signal_column", r.require(where, entry, "signal_column"))
    delay_column = r.column(where, "delay_column", entry.get("delay_column", 0))
    sigma_column = r.column(where, "sigma_column", entry["sigma_column"]) if "sigma_column" in entry else None
    if sigma_column is None and "sigma" not in entry:
        raise ConfigError(f"{r.path}: {where}: give 'sigma' (1-sigma noise, unit of the observable) or 'sigma_column'")
    sigma = r.number(where, "sigma", entry["sigma"], "unit of the observable") if sigma_column is None else None
    wanted = [signal_column] + ([sigma_column] if sigma_column is not None else [])
    data = load_trace_file(file, delay_unit=delay_unit, delay_column=delay_column, columns=wanted)
    sigma = data.column(sigma_column) if sigma_column is not None else sigma
    return data.delays, data.column(signal_column), sigma


def _cut(r: Reader, where, entry, delays, values, sigma) -> tuple:
    """Keep the delays within [min_delay, max_delay] (s)."""
    limits = [r.number(where, key, entry[key], "s") if key in entry else None for key in ("min_delay", "max_delay")]
    keep = np.ones(delays.shape, dtype=bool)
    if limits[0] is not None:
        keep &= delays >= limits[0]
    if limits[1] is not None:
        keep &= delays <= limits[1]
    if not np.any(keep):
        raise ConfigError(f"{r.path}: {where}: no delays left between min_delay and max_delay")
    return delays[keep], values[keep], (sigma[keep] if np.ndim(sigma) else sigma)


def _trace(r: Reader, i, entry, setup_table, resistances, n_interfaces, base, amplitudes):
    """One `Trace` from a [[traces]] entry (adds its amplitude factor to `amplitudes` if it needs one)."""
    entry = r.table(f"[[traces]] #{i + 1}", entry)
    name = r.string(f"[[traces]] #{i + 1}", "name", entry.get("name", f"trace{i + 1}"))
    where = f"[[traces]] #{i + 1} ({name})"
    r.unknown(where, entry, _TRACE_KEYS)
    interfaces = _interfaces(r, where, entry, resistances, n_interfaces)
    observable = r.string(where, "observable", entry.get("observable", "phase"))
    weight = r.number(where, "weight", entry.get("weight", 1.0))
    trace_format = r.string(where, "format", entry.get("format", "table"))
    if trace_format == "lab":
        delays, values, sigma, from_file = lab_trace_data(r, where, entry, base, observable)
    elif trace_format == "table":
        lab_keys = sorted(set(LAB_TRACE_KEYS) & set(entry))
        if lab_keys:
            raise ConfigError(f'{r.path}: {where}: {lab_keys} only apply to format = "lab"')
        (delays, values, sigma), from_file = _trace_data(r, where, entry, base), {}
    else:
        raise ConfigError(f'{r.path}: {where}: format = {trace_format!r} must be "table" or "lab"')
    delays, values, sigma = _cut(r, where, entry, delays, values, sigma)
    setup_args = _merged_setup(r, where, {**setup_table, **_setup_values(r, where, entry)}, from_file)
    try:
        setup = tdtr.Setup(**setup_args)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{r.path}: {where}: setup: {exc}") from exc
    amplitude_path = None
    if observable in ("v_in", "v_out", "amplitude"):
        amplitudes[f"{name} amplitude"] = r.number(where, "amplitude", entry.get("amplitude", 1.0), "V per unit signal")
        amplitude_path = f"amplitude['{name} amplitude']"
    try:
        return tdtr.tdtr_trace(
            setup,
            delays,
            values,
            sigma,
            observable=observable,
            name=name,
            weight=weight,
            resistance_names=interfaces,
            amplitude_path=amplitude_path,
        ), interfaces
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{r.path}: {where}: {exc}") from exc


def _merged_setup(r: Reader, where, given: dict, from_file: dict) -> dict:
    """TOML setup values completed by the lab file's header; a value in both must agree."""
    merged = dict(given)
    for key, value in from_file.items():
        if key not in merged:
            merged[key] = value
        elif isinstance(value, str) and merged[key] != value:
            raise ConfigError(f"{r.path}: {where}: {key} = {merged[key]!r} but the file's header says {value!r}")
        elif not isinstance(value, str) and not abs(merged[key] - value) <= 1e-9 * abs(value):
            raise ConfigError(f"{r.path}: {where}: {key} = {merged[key]!r} but the file's header says {value!r} (SI)")
    if "delay_stage" not in merged:
        raise ConfigError(
            f"{r.path}: {where}: missing required key 'delay_stage' ([setup] or the trace): {DELAY_STAGE_HELP}"
        )
    return merged


def read_traces(r: Reader, config, resistances, n_interfaces) -> tuple:
    setup_table = _setup_values(r, "[setup]", r.table("[setup]", config.get("setup", {})))
    r.unknown("[setup]", config.get("setup", {}), _SETUP_KEYS)
    traces_table = r.require("the top level", config, "traces")
    if not isinstance(traces_table, list) or not traces_table:
        raise ConfigError(f"{r.path}: [[traces]] must list at least one trace")
    base = os.path.dirname(os.path.abspath(r.path))
    traces, amplitudes, first_interfaces = [], {}, None
    for i, entry in enumerate(traces_table):
        trace, interfaces = _trace(r, i, entry, setup_table, resistances, n_interfaces, base, amplitudes)
        traces.append(trace)
        first_interfaces = first_interfaces or interfaces
    return traces, amplitudes, first_interfaces
