"""[[traces]] entries with `format = "lab"`: lab files whose header carries the setup.

Keys besides those of every trace: `delay_unit` (only if the delay column's name has no
unit), `columns` (role -> column name or index, see `jaxtherm.lab.read_lab_file`),
`apply_time_zero` and `apply_phase_correction` (required when the header gives a time
zero t0 / a phase correction phi: the delays become t - t0, and the signal
(V_in + i V_out) exp(-i phi)). The header's f_mod, f_rep, radii and delay stage fill the
trace's setup.
"""

from __future__ import annotations

import os

import numpy as np

from ..lab import read_lab_file
from ._toml import ConfigError, Reader

__all__ = ["LAB_TRACE_KEYS", "DELAY_STAGE_HELP", "lab_trace_data"]

LAB_TRACE_KEYS = ("columns", "apply_time_zero", "apply_phase_correction")

#: One line on the choice, used in every message about a missing delay_stage.
DELAY_STAGE_HELP = (
    'say "pump" if the pump beam passes the moving retro-reflector of the delay stage, "probe" if the probe does '
    "(follow each beam from the laser to the sample); the wrong choice fits measured data smoothly with "
    "conductivities off by up to 3x"
)
_SETUP_FROM_HEADER = ("modulation_frequency", "repetition_rate", "pump_radius", "probe_radius", "delay_stage")
_TABLE_ONLY = ("signal_column", "delay_column", "sigma_column")


def _stated(r: Reader, where, entry, key, header_key, metadata) -> bool:
    if key not in entry:
        if header_key in metadata:
            raise ConfigError(
                f"{r.path}: {where}: the file's header gives {header_key} = {metadata[header_key]:.6g} (SI); state "
                f"{key} = true or false"
            )
        return False
    return r.boolean(where, key, entry[key])


def _observable_values(r: Reader, where, lab, observable, rotation):
    v_in, v_out = lab.v_in, lab.v_out
    if rotation is not None:
        if v_in is None or v_out is None:
            raise ConfigError(f"{r.path}: {where}: a phase correction needs V_in and V_out columns in {lab.path}")
        z = (v_in + 1j * v_out) * np.exp(-1j * rotation)
        v_in, v_out = z.real, z.imag
    values = {
        "v_in": v_in,
        "v_out": v_out,
        "ratio": -v_in / v_out if rotation is not None else lab.ratio,
        "phase": np.arctan2(v_out, v_in) if v_in is not None and v_out is not None else None,
        "amplitude": np.hypot(v_in, v_out) if v_in is not None and v_out is not None else None,
    }
    if observable not in values:
        raise ConfigError(f"{r.path}: {where}: observable {observable!r} is not available from a lab file")
    if values[observable] is None:
        raise ConfigError(f"{r.path}: {where}: {lab.path} has no columns for the observable {observable!r}")
    return values[observable]


def lab_trace_data(r: Reader, where, entry, base, observable) -> tuple:
    """`(delays s, values, sigma, setup values from the header)` of a `format = "lab"` trace."""
    misplaced = sorted(set(_TABLE_ONLY) & set(entry))
    if misplaced:
        raise ConfigError(f"{r.path}: {where}: {misplaced} do not apply to format = \"lab\" (use 'columns')")
    file = os.path.join(base, r.string(where, "file", r.require(where, entry, "file")))
    delay_unit = r.string(where, "delay_unit", entry["delay_unit"]) if "delay_unit" in entry else None
    columns = r.table(where, entry["columns"]) if "columns" in entry else None
    for role, column in (columns or {}).items():
        r.column(f"{where} columns", role, column)
    sigma = r.number(where, "sigma", r.require(where, entry, "sigma"), "unit of the observable")
    try:
        lab = read_lab_file(file, delay_unit=delay_unit, columns=columns)
    except ValueError as exc:
        if type(exc) is ValueError:  # a bad `columns` role; TraceFileError passes unchanged
            raise ConfigError(f"{r.path}: {where}: {exc}") from None
        raise
    delays = lab.delays
    if _stated(r, where, entry, "apply_time_zero", "time_zero", lab.metadata):
        delays = delays - lab.metadata.get("time_zero", 0.0)
    rotate = _stated(r, where, entry, "apply_phase_correction", "phase_correction", lab.metadata)
    values = _observable_values(r, where, lab, observable, lab.metadata.get("phase_correction") if rotate else None)
    setup = {key: lab.metadata[key] for key in _SETUP_FROM_HEADER if key in lab.metadata}
    return delays, values, sigma, setup
