"""Loading measured traces from text files (CSV, TSV, whitespace-separated).

One delay column plus one or more signal columns, with or without a header line;
blank lines and lines starting with `#` are skipped. The delay unit is stated by
the user (`"ps"`, `"ns"`, `"s"`, ...) and converted to seconds. Malformed files
(missing columns, text in a numeric column, NaN/inf, no data) raise
`TraceFileError` naming the file and the line. Files are opened read-only and
never modified.
"""

from __future__ import annotations

import dataclasses
import os
import warnings
from typing import NamedTuple

import numpy as np

__all__ = ["TraceFile", "TraceFileError", "load_trace_file", "DELAY_UNITS", "write_trace_file"]

#: Accepted delay units and their value in seconds.
DELAY_UNITS = {"s": 1.0, "ms": 1e-3, "us": 1e-6, "µs": 1e-6, "ns": 1e-9, "ps": 1e-12, "fs": 1e-15}


class TraceFileError(ValueError):
    """A trace file could not be read; the message names the file and the line."""


@dataclasses.dataclass(frozen=True)
class TraceFile:
    """Contents of a trace file.

    **Attributes:**

    - `path`: the file read.
    - `delays`: delay column converted to seconds, shape (n,).
    - `columns`: dict name -> signal column (as in the file, unit of the file), shape (n,).
      Names come from the header, or are `"column_1"`, `"column_2"`, ... (0 = delay).
    - `column_names`: all column names in file order (delay column included).
    - `line_numbers`: 1-based line number of each data row (for messages).
    """

    path: str
    delays: np.ndarray
    columns: dict
    column_names: tuple
    line_numbers: np.ndarray

    def column(self, key) -> np.ndarray:
        """A signal column by header name or by 0-based index in the file."""
        if isinstance(key, (int, np.integer)) and not isinstance(key, bool):
            if not 0 <= key < len(self.column_names):
                raise TraceFileError(
                    f"{self.path}: column index {key} out of range (file has {len(self.column_names)} columns)"
                )
            key = self.column_names[key]
        if key not in self.columns:
            raise TraceFileError(f"{self.path}: no signal column {key!r}; available: {list(self.columns)}")
        return self.columns[key]


def _split(line: str, delimiter):
    if delimiter is None:
        return line.split()
    return [field.strip() for field in line.split(delimiter)]


def _detect_delimiter(line: str):
    for candidate in (",", "\t", ";"):
        if candidate in line:
            return candidate
    return None


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


class _Layout(NamedTuple):
    """What the lines before the data say: delimiter, column names, where the data start."""

    delimiter: str | None
    names: tuple
    has_header: bool
    header_line: int  # 1-based line number of the header (or of the first data line)
    data_offset: int  # text-stream position of the first data line


def _check_arguments(path, delay_unit) -> str:
    path = os.fspath(path)
    if delay_unit not in DELAY_UNITS:
        raise ValueError(f"unknown delay_unit {delay_unit!r}; expected one of {list(DELAY_UNITS)}")
    if not os.path.exists(path):
        raise FileNotFoundError(f"trace file not found: {path}")
    if os.path.isdir(path):
        raise TraceFileError(f"{path}: is a directory, not a trace file")
    return path


def _layout(path, handle, delimiter, comment) -> _Layout:
    """Read up to the first data line (skipping blank and comment lines) and decide the layout."""
    line_no = 0
    while True:
        offset = handle.tell()
        raw = handle.readline()
        if not raw:
            raise TraceFileError(f"{path}: the file is empty (no data lines)")
        line_no += 1
        line = raw.strip()
        if line and not line.startswith(comment):
            break
    sep = _detect_delimiter(line) if delimiter == "auto" else delimiter
    fields = _split(line, sep)
    has_header = not any(_is_number(f) for f in fields)
    n_columns = len(fields)
    names = tuple(fields) if has_header else tuple(["delay"] + [f"column_{i}" for i in range(1, n_columns)])
    if has_header and len(set(names)) != len(names):
        raise TraceFileError(f"{path}, line {line_no}: duplicate column names in header {list(names)}")
    if n_columns < 2:
        raise TraceFileError(
            f"{path}, line {line_no}: found {n_columns} column; a trace file needs a delay column and at "
            f"least one signal column (delimiter {'whitespace' if sep is None else repr(sep)})"
        )
    return _Layout(sep, names, has_header, line_no, handle.tell() if has_header else offset)


def _data_line_numbers(path, layout: _Layout, n_rows: int, comment: str) -> np.ndarray:
    """1-based line numbers of the data rows: contiguous unless blank or comment lines interrupt them."""
    first = layout.header_line + 1 if layout.has_header else layout.header_line
    with open(path, "rb") as handle:
        n_lines = sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))
        handle.seek(-1, os.SEEK_END)
        n_lines += handle.read(1) != b"\n"
    if n_lines - first + 1 == n_rows:
        return np.arange(first, first + n_rows)
    with open(path, encoding="utf-8-sig") as handle:
        numbers = [
            i for i, line in enumerate(handle, 1) if i >= first and (s := line.strip()) and not s.startswith(comment)
        ]
    return np.asarray(numbers)


def _read_table(path, delimiter, comment):
    """Fast path: numpy's parser on the data lines. `None` if anything is off (the careful
    reader then finds the line and says what is wrong)."""
    with open(path, encoding="utf-8-sig") as handle:  # read-only; never modified
        layout = _layout(path, handle, delimiter, comment)
        handle.seek(layout.data_offset)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # "input contained no data" is reported below
                table = np.loadtxt(handle, delimiter=layout.delimiter, comments=comment, ndmin=2, dtype=float)
        except (ValueError, UnicodeDecodeError):
            return layout, None
    if table.shape[0] == 0 or table.shape[1] != len(layout.names) or not np.all(np.isfinite(table)):
        return layout, None
    return layout, table


def _careful_rows(path, layout: _Layout, comment):
    """Line-by-line reader: raises `TraceFileError` naming the line and column of the first problem."""
    try:
        with open(path, encoding="utf-8-sig") as handle:
            lines = handle.read().splitlines()
    except UnicodeDecodeError as exc:
        raise TraceFileError(f"{path}: not a UTF-8 text file ({exc.reason} at byte {exc.start})") from exc
    first = layout.header_line
    rows, line_numbers = numeric_rows(
        path,
        lines,
        first if layout.has_header else first - 1,
        layout.names,
        layout.delimiter,
        comment,
        f"({'header' if layout.has_header else 'first data line'} at line {first})",
    )
    if not rows.size:
        raise TraceFileError(f"{path}: header at line {first} but no data rows")
    return rows, line_numbers


def numeric_rows(path, lines, start: int, names, sep, comment, context: str) -> tuple:
    """Rows of numbers from `lines[start:]` (blank and comment lines skipped), and their 1-based line
    numbers; a row with the wrong column count or a non-number raises `TraceFileError` naming the
    file and line (`context` ends the column-count message)."""
    rows, line_numbers = [], []
    for i in range(start, len(lines)):
        line = lines[i].strip()
        if not line or line.startswith(comment):
            continue
        fields = _split(line, sep)
        if len(fields) != len(names):
            raise TraceFileError(f"{path}, line {i + 1}: found {len(fields)} columns, expected {len(names)} {context}")
        rows.append([_field_value(path, i + 1, j, names[j], field) for j, field in enumerate(fields)])
        line_numbers.append(i + 1)
    return np.asarray(rows, dtype=float), np.asarray(line_numbers)


def _field_value(path, line_no, j, name, field) -> float:
    if field == "":
        raise TraceFileError(f"{path}, line {line_no}, column {j + 1} ({name}): empty field")
    try:
        value = float(field)
    except ValueError:
        raise TraceFileError(f"{path}, line {line_no}, column {j + 1} ({name}): {field!r} is not a number") from None
    if not np.isfinite(value):
        raise TraceFileError(f"{path}, line {line_no}, column {j + 1} ({name}): non-finite value {field!r}")
    return value


def load_trace_file(
    path,
    *,
    delay_unit: str,
    delay_column=0,
    columns=None,
    delimiter: str | None = "auto",
    comment: str = "#",
) -> TraceFile:
    """Read a delay column and signal columns from a text file.

    **Arguments:**

    - `path`: file to read (opened read-only).
    - `delay_unit`: unit of the delay column, one of `DELAY_UNITS` (e.g. `"ps"`);
      required, because a wrong guess silently rescales every fitted time constant.
    - `delay_column`: index (0-based) or header name of the delay column.
    - `columns`: optional list of signal columns to keep (indices or header names);
      default: every other column.
    - `delimiter`: `"auto"` (comma, tab or semicolon if present on the first data line,
      else whitespace), `None` for whitespace, or an explicit character.
    - `comment`: lines starting with this are skipped.

    **Returns:** a `TraceFile` with delays in seconds.

    The data lines go through numpy's parser (`np.loadtxt`); only a file it refuses is
    read again line by line to name the offending line and column.
    """
    path = _check_arguments(path, delay_unit)
    try:
        layout, table = _read_table(path, delimiter, comment)
    except UnicodeDecodeError as exc:
        raise TraceFileError(f"{path}: not a UTF-8 text file ({exc.reason} at byte {exc.start})") from exc
    if table is None:
        table, line_numbers = _careful_rows(path, layout, comment)
    else:
        line_numbers = _data_line_numbers(path, layout, table.shape[0], comment)
    names = layout.names
    delay_index = _column_index(path, delay_column, names)
    if columns is None:
        keep = [j for j in range(len(names)) if j != delay_index]
    else:
        keep = [_column_index(path, c, names) for c in columns]
        if delay_index in keep:
            raise TraceFileError(f"{path}: column {names[delay_index]!r} is the delay column, not a signal column")
    return TraceFile(
        path=path,
        delays=table[:, delay_index] * DELAY_UNITS[delay_unit],
        columns={names[j]: table[:, j] for j in keep},
        column_names=names,
        line_numbers=line_numbers,
    )


def _column_index(path, key, names) -> int:
    if isinstance(key, (int, np.integer)) and not isinstance(key, bool):
        if not 0 <= key < len(names):
            raise TraceFileError(
                f"{path}: column index {key} out of range; the file has {len(names)} columns {list(names)}"
            )
        return int(key)
    if key not in names:
        raise TraceFileError(f"{path}: no column named {key!r}; columns are {list(names)}")
    return names.index(key)


def write_trace_file(path, delays, columns: dict, *, delay_unit: str = "ps", comment: str | None = None) -> None:
    """Write a CSV trace file (header line, delay in `delay_unit`), readable by `load_trace_file`.

    **Arguments:**

    - `path`: output file (created or overwritten).
    - `delays`: delays in seconds.
    - `columns`: dict name -> signal column.
    - `delay_unit`: unit written in the delay column.
    - `comment`: optional text written as leading `#` lines.
    """
    if delay_unit not in DELAY_UNITS:
        raise ValueError(f"unknown delay_unit {delay_unit!r}; expected one of {list(DELAY_UNITS)}")
    delays = np.asarray(delays, dtype=float) / DELAY_UNITS[delay_unit]
    names = [f"delay_{delay_unit}"] + list(columns)
    table = np.column_stack([delays] + [np.asarray(c, dtype=float) for c in columns.values()])
    with open(path, "w", encoding="utf-8") as handle:
        if comment:
            for line in comment.splitlines():
                handle.write(f"# {line}\n")
        handle.write(",".join(names) + "\n")
        for row in table:
            handle.write(",".join(f"{v:.10g}" for v in row) + "\n")
