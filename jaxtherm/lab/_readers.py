"""Lab files: lock-in detector columns plus header metadata (frequencies, spot sizes, t0), read-only.

A lab file is a text table (comma, tab, semicolon or whitespace separated) preceded by
header lines. Header lines of the form ``# f_mod = 9.8 MHz`` or ``Pump radius (um): 10``
are metadata (see `jaxtherm.lab._header` for the keys and units); the first line whose
fields are all non-numeric names the columns; the numeric rows follow. Columns are
recognised by name (case-insensitive aliases, units in parentheses such as ``X (uV)``
converted to SI) or assigned with `columns=`.

Conventions: delays in s; `v_in`, `v_out` in V; `ratio = -V_in/V_out`; `phase =
atan2(V_out, V_in)` (rad); the `time_zero` of the header is subtracted from the delays
only when `apply_time_zero=True`.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os

import numpy as np

from ..fit.io import TraceFileError, _detect_delimiter, _is_number, _split, numeric_rows
from ._header import UNITS, HeaderError, convert, normalise_key, parse_metadata_line, unit_in_name

__all__ = ["LabTrace", "read_lab_file", "COLUMN_ALIASES"]

#: Column roles and the header names (after lower-casing, units removed) recognised for each.
COLUMN_ALIASES = {
    "delay": ("delay", "delay_time", "time", "t", "tau", "pump_probe_delay", "time_delay"),
    "v_in": ("v_in", "vin", "x", "in_phase", "inphase", "v_x", "re", "real", "lockin_x"),
    "v_out": ("v_out", "vout", "y", "out_of_phase", "outofphase", "v_y", "im", "imag", "lockin_y"),
    "ratio": ("ratio", "-vin/vout", "-v_in/v_out", "minus_vin_over_vout"),
    "detector": ("detector", "dc", "v_dc", "dc_voltage", "detector_voltage", "v_det", "vdet", "reflectivity_dc"),
}
_DIMENSIONS = {"delay": "time", "v_in": "voltage", "v_out": "voltage", "detector": "voltage"}
_ROLE_OF = {alias: role for role, aliases in COLUMN_ALIASES.items() for alias in aliases}


@dataclasses.dataclass(frozen=True)
class LabTrace:
    """Contents of a lab file (SI units).

    **Attributes:**

    - `path`: the file read; `sha256`: hex digest of its bytes (as read).
    - `delays`: pump-probe delays (s), shape (n,), with the header's time zero subtracted
      only if `apply_time_zero` was requested.
    - `v_in`, `v_out`: in-phase and out-of-phase lock-in voltages (V), or None.
    - `ratio`: -V_in/V_out (dimensionless): from the file's ratio column, else computed; or None.
    - `phase`: atan2(V_out, V_in) (rad), or None without both voltages.
    - `detector`: detector / DC voltage (V), or None.
    - `metadata`: recognised header values in SI (`modulation_frequency` Hz, `repetition_rate`
      Hz, `pump_radius` / `probe_radius` m (1/e^2 intensity radius), `time_zero` s,
      `phase_correction` rad, `temperature` K, `delay_stage` "pump"/"probe").
    - `header`: every `key: value` header line as raw strings (recognised or not).
    - `columns`: role -> column name in the file; `line_numbers`: 1-based line of each row.
    """

    path: str
    sha256: str
    delays: np.ndarray
    v_in: np.ndarray | None
    v_out: np.ndarray | None
    ratio: np.ndarray | None
    phase: np.ndarray | None
    detector: np.ndarray | None
    metadata: dict
    header: dict
    columns: dict
    line_numbers: np.ndarray


def _read_text(path) -> tuple:
    path = os.fspath(path)
    if not os.path.exists(path):
        raise FileNotFoundError(f"lab file not found: {path}")
    if os.path.isdir(path):
        raise TraceFileError(f"{path}: is a directory, not a lab file")
    with open(path, "rb") as handle:  # read-only; never modified
        raw = handle.read()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise TraceFileError(f"{path}: not a UTF-8 text file ({exc.reason} at byte {exc.start})") from exc
    return path, hashlib.sha256(raw).hexdigest(), text.splitlines()


def _metadata(path, line_no, text, metadata, header) -> bool:
    """Record a `key = value` line; True if the line was metadata."""
    try:
        parsed = parse_metadata_line(text)
    except HeaderError as exc:
        raise TraceFileError(f"{path}, line {line_no}: {exc}") from None
    if parsed is None:
        return False
    raw_key, raw_value, name, value = parsed
    header[raw_key] = raw_value
    if name is not None:
        if name in metadata and metadata[name] != value:
            raise TraceFileError(f"{path}, line {line_no}: {raw_key!r} given twice with different values")
        metadata[name] = value
    return True


def _scan(path, lines, delimiter, comment) -> tuple:
    """Header metadata, column names and the index of the first data line."""
    metadata, header, names, names_line = {}, {}, None, None
    for i, raw in enumerate(lines):
        line = raw.strip()
        if not line:
            continue
        if line.startswith(comment):
            _metadata(path, i + 1, line.lstrip(comment).strip(), metadata, header)
            continue
        sep = _detect_delimiter(line) if delimiter == "auto" else delimiter
        fields = _split(line, sep)
        numeric = all(_is_number(f) for f in fields)
        if not numeric and names is None and _metadata(path, i + 1, line, metadata, header):
            continue
        if numeric:
            if names is None:
                raise TraceFileError(
                    f"{path}, line {i + 1}: data before a column-name line; a lab file needs a header naming "
                    f"its columns (or use jaxtherm.fit.load_trace_file with column indices)"
                )
            return metadata, header, names, names_line, sep, i
        if len(fields) >= 2 and not any(_is_number(f) for f in fields):
            names, names_line = tuple(fields), i + 1
            continue
        raise TraceFileError(f"{path}, line {i + 1}: neither metadata ('key = value'), column names nor numbers")
    raise TraceFileError(f"{path}: no data rows")


def _assign(path, names, columns) -> dict:
    """Role -> column index, from `columns=` first, then the header aliases.

    `path` arrives as "file, line N" (N: the column-name line), so every message names both.
    """
    roles = {}
    for role, key in (columns or {}).items():
        if role not in COLUMN_ALIASES:
            raise ValueError(f"columns: unknown role {role!r}; expected roles {list(COLUMN_ALIASES)}")
        if isinstance(key, (int, np.integer)) and not isinstance(key, bool):
            if not 0 <= key < len(names):
                raise TraceFileError(f"{path}: columns[{role!r}] = {key} out of range; columns are {list(names)}")
            roles[role] = int(key)
        elif key in names:
            roles[role] = names.index(key)
        else:
            raise TraceFileError(f"{path}: columns[{role!r}] = {key!r} is not a column; columns are {list(names)}")
    for j, name in enumerate(names):
        role = _ROLE_OF.get(normalise_key(unit_in_name(name)[0])) or _ROLE_OF.get(name.strip().lower())
        if role is not None and role not in roles and j not in roles.values():
            roles[role] = j
    if "delay" not in roles:
        raise TraceFileError(
            f"{path}: no delay column among {list(names)} (recognised names: {list(COLUMN_ALIASES['delay'])}); "
            f"pass columns={{'delay': ...}}"
        )
    if not {"v_in", "v_out", "ratio"} & set(roles):
        raise TraceFileError(
            f"{path}: no signal column among {list(names)}: need v_in and v_out (aliases {list(COLUMN_ALIASES['v_in'])}"
            f" / {list(COLUMN_ALIASES['v_out'])}) or a ratio column; or pass columns={{'v_in': ..., 'v_out': ...}}"
        )
    return roles


def _column_si(path, names, j, role, values, delay_unit):
    """A column converted to SI using the unit in its name (delay: or `delay_unit`)."""
    unit = unit_in_name(names[j])[1]
    if role == "delay" and delay_unit is not None:
        if unit is not None and unit.lower() != delay_unit.lower():
            raise TraceFileError(f"{path}: delay_unit={delay_unit!r} contradicts the column name {names[j]!r}")
        unit = delay_unit
    if role == "delay" and unit is None:
        raise TraceFileError(
            f"{path}: the delay column {names[j]!r} names no unit; pass delay_unit (one of {list(UNITS['time'])})"
        )
    if role == "ratio" or (unit is None and role != "delay"):
        return values  # dimensionless, or voltages in V
    try:
        return convert(1.0, unit, _DIMENSIONS[role], f"column {names[j]!r}") * values
    except HeaderError as exc:
        raise TraceFileError(f"{path}: {exc}") from None


def read_lab_file(
    path,
    *,
    delay_unit: str | None = None,
    columns: dict | None = None,
    delimiter: str | None = "auto",
    comment: str = "#",
    apply_time_zero: bool = False,
) -> LabTrace:
    """Read a lab file with header metadata and lock-in columns; the file is only read.

    **Arguments:**

    - `path`: the file.
    - `delay_unit`: unit of the delay column (`"ps"`, `"ns"`, ...); needed unless the column
      name carries it (`"Delay (ps)"`, `"delay_ps"`).
    - `columns`: optional dict role -> column name or 0-based index, roles `"delay"`,
      `"v_in"`, `"v_out"`, `"ratio"`, `"detector"`; overrides the recognised names.
    - `delimiter`: `"auto"`, `None` (whitespace) or a character.
    - `comment`: prefix of comment lines (which may carry metadata).
    - `apply_time_zero`: subtract the header's `time_zero` from the delays.

    **Returns:** a `LabTrace` (SI units). **Raises:** `TraceFileError` naming the file and
    the line (unknown or missing unit, malformed row, contradictory values).
    """
    path, digest, lines = _read_text(path)
    metadata, header, names, names_line, sep, start = _scan(path, lines, delimiter, comment)
    if len(set(names)) != len(names):
        raise TraceFileError(f"{path}, line {names_line}: duplicate column names {list(names)}")
    table, numbers = numeric_rows(path, lines, start, names, sep, comment, str(list(names)))
    roles = _assign(f"{path}, line {names_line}", names, columns)
    values = {role: _column_si(path, names, j, role, table[:, j], delay_unit) for role, j in roles.items()}
    delays = values["delay"]
    if apply_time_zero:
        delays = delays - metadata.get("time_zero", 0.0)
    v_in, v_out = values.get("v_in"), values.get("v_out")
    ratio = _ratio(path, values.get("ratio"), v_in, v_out)
    phase = np.arctan2(v_out, v_in) if v_in is not None and v_out is not None else None
    return LabTrace(
        path=path,
        sha256=digest,
        delays=delays,
        v_in=v_in,
        v_out=v_out,
        ratio=ratio,
        phase=phase,
        detector=values.get("detector"),
        metadata=metadata,
        header=header,
        columns={role: names[j] for role, j in roles.items()},
        line_numbers=numbers,
    )


def _ratio(path, ratio, v_in, v_out):
    if v_in is None or v_out is None:
        return ratio
    if np.any(v_out == 0):
        return ratio  # -V_in/V_out undefined at a zero V_out: only a ratio column given in the file
    computed = -v_in / v_out
    if ratio is not None and not np.allclose(ratio, computed, rtol=1e-3, atol=0):
        flipped = np.allclose(ratio, -computed, rtol=1e-3, atol=0)
        hint = " (it is +V_in/V_out: the opposite sign convention)" if flipped else ""
        raise TraceFileError(f"{path}: the ratio column does not equal -V_in/V_out of the voltage columns{hint}")
    return computed if ratio is None else ratio
