"""Loading measured traces from text files: formats, units, clear errors, files never modified."""

import os

import numpy as np
import pytest

from jaxtherm.fit.io import TraceFileError, load_trace_file, write_trace_file


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_csv_with_header_and_units(tmp_path):
    """A CSV with header, comments and blank lines: delays in ps become seconds, columns by name."""
    path = _write(tmp_path, "a.csv", "# measured\n\ndelay_ps, phase, ratio\n1, -0.5, 2.0\n10, -0.6, 1.5\n")
    trace = load_trace_file(path, delay_unit="ps")
    np.testing.assert_allclose(trace.delays, [1e-12, 1e-11])
    np.testing.assert_allclose(trace.column("phase"), [-0.5, -0.6])
    np.testing.assert_allclose(trace.column(2), [2.0, 1.5])
    np.testing.assert_array_equal(trace.line_numbers, [4, 5])


def test_tsv_and_whitespace_without_header(tmp_path):
    """Tab- and space-separated files without a header give the same numbers; ns and s units convert."""
    tsv = _write(tmp_path, "b.tsv", "0.1\t1.0\n2\t3e-1\n")
    spaces = _write(tmp_path, "b.txt", "  1e-10   1.0\n2e-9 0.3  \n")
    a = load_trace_file(tsv, delay_unit="ns")
    b = load_trace_file(spaces, delay_unit="s")
    np.testing.assert_allclose(a.delays, b.delays)
    np.testing.assert_allclose(a.column("column_1"), b.column(1))


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "empty"),
        ("# only a comment\n\n", "empty"),
        ("delay,phase\n", "no data rows"),
        ("1,2,3\n4,5\n", r"line 2: found 2 columns, expected 3"),
        ("delay,phase\n1,0.5\n2,abc\n", r"line 3, column 2 \(phase\): 'abc' is not a number"),
        ("1,0.5\n2,nan\n", r"line 2, column 2 .*non-finite"),
        ("1\n2\n", "at least one signal column"),
        ("1,0.5\n2,\n", r"line 2, column 2 .*empty field"),
    ],
)
def test_malformed_files_name_file_and_line(tmp_path, text, message):
    """Empty files, missing columns, text in numbers, NaN and single columns raise TraceFileError naming file and line."""
    path = _write(tmp_path, "bad.csv", text)
    with pytest.raises(TraceFileError, match=message) as info:
        load_trace_file(path, delay_unit="ps")
    assert str(path) in str(info.value)


def test_bad_arguments(tmp_path):
    """Unknown units, missing files and unknown columns are rejected clearly."""
    path = _write(tmp_path, "c.csv", "delay,phase\n1,2\n")
    with pytest.raises(ValueError, match="delay_unit"):
        load_trace_file(path, delay_unit="minutes")
    with pytest.raises(FileNotFoundError):
        load_trace_file(tmp_path / "missing.csv", delay_unit="ps")
    with pytest.raises(TraceFileError, match="no column named 'ratio'"):
        load_trace_file(path, delay_unit="ps", columns=["ratio"])


def test_file_is_never_modified(tmp_path):
    """Loading leaves the file's bytes and modification time untouched; write/load round-trips."""
    path = tmp_path / "d.csv"
    write_trace_file(path, np.array([1e-12, 5e-9]), {"phase": np.array([-0.1, -0.2])}, delay_unit="ns", comment="demo")
    before = (path.read_bytes(), os.stat(path).st_mtime_ns)
    trace = load_trace_file(path, delay_unit="ns")
    assert (path.read_bytes(), os.stat(path).st_mtime_ns) == before
    np.testing.assert_allclose(trace.delays, [1e-12, 5e-9], rtol=1e-9)
    np.testing.assert_allclose(trace.column("phase"), [-0.1, -0.2])
