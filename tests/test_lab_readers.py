"""Lab files with header metadata and lock-in columns: formats, SI conversion, clear errors, files untouched."""

import hashlib
import os

import numpy as np
import pytest

from jaxtherm.fit import TraceFileError
from jaxtherm.lab import read_lab_file

DELAYS_PS = np.array([-5.0, 0.0, 100.0, 1000.0, 3000.0])
V_IN_UV = np.array([1.0, 30.0, 20.0, 12.0, 9.0])
V_OUT_UV = np.array([-8.0, -9.0, -8.5, -8.0, -7.5])


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return path


def _rows(sep, scale=1.0):
    return "".join(
        sep.join(f"{v:.10g}" for v in (d, a * scale, b * scale)) + "\n" for d, a, b in zip(DELAYS_PS, V_IN_UV, V_OUT_UV)
    )


def test_hash_comment_header_csv(tmp_path):
    """`# key = value unit` metadata, CSV columns with units in the names: MHz -> Hz, µm -> m, ps -> s, uV -> V;
    ratio = -V_in/V_out and phase = atan2(V_out, V_in); sha256 of the bytes read."""
    text = (
        "# sample: Al/Si\n# f_mod = 9.8 MHz\n# f_rep = 80 MHz\n# pump radius = 10 µm\n# w_probe = 5.5 um\n"
        "# t0 = 2.5 ps\n# delay stage = pump\n"
        "Delay (ps), X (uV), Y (uV)\n" + _rows(", ")
    )
    path = _write(tmp_path, "a.csv", text)
    trace = read_lab_file(path)
    meta = trace.metadata
    assert meta["modulation_frequency"] == pytest.approx(9.8e6)
    assert meta["repetition_rate"] == pytest.approx(80e6)
    assert meta["pump_radius"] == pytest.approx(10e-6) and meta["probe_radius"] == pytest.approx(5.5e-6)
    assert meta["time_zero"] == pytest.approx(2.5e-12) and meta["delay_stage"] == "pump"
    assert trace.header["sample"] == "Al/Si"
    np.testing.assert_allclose(trace.delays, DELAYS_PS * 1e-12)
    np.testing.assert_allclose(trace.v_in, V_IN_UV * 1e-6)
    np.testing.assert_allclose(trace.ratio, -V_IN_UV / V_OUT_UV)
    np.testing.assert_allclose(trace.phase, np.arctan2(V_OUT_UV, V_IN_UV))
    assert trace.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    np.testing.assert_array_equal(trace.line_numbers, np.arange(9, 14))
    shifted = read_lab_file(path, apply_time_zero=True)
    np.testing.assert_allclose(shifted.delays, (DELAYS_PS - 2.5) * 1e-12)


def test_colon_header_tab_file_and_detector(tmp_path):
    """`Key (unit): value` metadata without comment characters, a tab-separated table with lock-in names
    (In-phase, Out-of-phase, DC), delays in ns from `delay_unit`, voltages in V (no unit in the name)."""
    text = (
        "Modulation frequency (Hz): 9.8e6\nRepetition rate (MHz): 80\nPump radius (um): 10\nProbe radius (mm): 0.0055\n"
        "Time\tIn-phase\tOut-of-phase\tDC\n"
        + "".join(
            f"{d / 1e3:.10g}\t{a * 1e-6:.10g}\t{b * 1e-6:.10g}\t0.5\n" for d, a, b in zip(DELAYS_PS, V_IN_UV, V_OUT_UV)
        )
    )
    trace = read_lab_file(_write(tmp_path, "b.tsv", text), delay_unit="ns")
    assert trace.metadata["modulation_frequency"] == pytest.approx(9.8e6)
    assert trace.metadata["repetition_rate"] == pytest.approx(80e6)
    assert trace.metadata["probe_radius"] == pytest.approx(5.5e-6)
    np.testing.assert_allclose(trace.delays, DELAYS_PS * 1e-12)
    np.testing.assert_allclose(trace.v_out, V_OUT_UV * 1e-6)
    np.testing.assert_allclose(trace.detector, 0.5)
    assert trace.columns == {"delay": "Time", "v_in": "In-phase", "v_out": "Out-of-phase", "detector": "DC"}


def test_columns_override_and_ratio_only(tmp_path):
    """Unrecognised column names work through `columns=`; a ratio-only whitespace file gives a ratio and no phase."""
    text = "# f_mod = 1 MHz\npos_ps  chA  chB\n" + _rows("  ")
    trace = read_lab_file(_write(tmp_path, "c.txt", text), columns={"delay": "pos_ps", "v_in": 1, "v_out": "chB"})
    np.testing.assert_allclose(trace.delays, DELAYS_PS * 1e-12)
    np.testing.assert_allclose(trace.ratio, -V_IN_UV / V_OUT_UV)
    ratio_only = read_lab_file(_write(tmp_path, "d.csv", "delay_ps,ratio\n1,2.5\n2,2.4\n"))
    np.testing.assert_allclose(ratio_only.ratio, [2.5, 2.4])
    assert ratio_only.phase is None and ratio_only.v_in is None


@pytest.mark.parametrize(
    "text, message",
    [
        ("# f_mod = 9.8 MHz\n# f_mod = 1 MHz\ndelay_ps,x,y\n1,2,3\n", r"line 2: 'f_mod' given twice"),
        ("# f_mod = 9.8 furlongs\ndelay_ps,x,y\n1,2,3\n", r"line 1: f_mod: unknown unit 'furlongs'"),
        ("# pump radius = 10 MHz\ndelay_ps,x,y\n1,2,3\n", r"line 1: pump radius: unit 'MHz' is a frequency unit"),
        ("# f_mod = 9.8e6\ndelay_ps,x,y\n1,2,3\n", r"line 1: f_mod = 9.8e6 has no unit"),
        ("# delay stage = both\ndelay_ps,x,y\n1,2,3\n", r"line 1: delay stage = 'both': expected one of"),
        ("delay_ps,x,y\n1,2,3\n4,five,6\n", r"line 3, column 2 \(x\): 'five' is not a number"),
        ("delay_ps,x,y\n1,2,3\n4,5\n", r"line 3: found 2 columns, expected 3"),
        ("delay,x,y\n1,2,3\n", r"delay column 'delay' names no unit"),
        ("delay_ps,x,y\n1,2,inf\n", r"line 2, column 3 \(y\): non-finite"),
        ("1,2,3\n", r"line 1: data before a column-name line"),
        ("delay_ps,foo,bar\n1,2,3\n", r"line 1: no signal column"),
        ("delay_ps,x,y,ratio\n1,2,-4,-0.5\n", r"opposite sign convention"),
        ("delay_ps,x (furlongs),y\n1,2,3\n", r"column 'x \(furlongs\)': unknown unit"),
    ],
)
def test_malformed_files_name_line_and_stay_unchanged(tmp_path, text, message):
    """Each malformed file raises TraceFileError naming the file (and the line); bytes and mtime are unchanged."""
    path = _write(tmp_path, "bad.csv", text)
    os.utime(path, ns=(1_000_000_000_000_000_000, 1_000_000_000_000_000_000))
    before = (path.read_bytes(), os.stat(path).st_mtime_ns)
    with pytest.raises(TraceFileError, match=message) as info:
        read_lab_file(path)
    assert str(path) in str(info.value)
    assert (path.read_bytes(), os.stat(path).st_mtime_ns) == before


def test_missing_file_and_non_utf8(tmp_path):
    """A missing file is FileNotFoundError; bytes that are not UTF-8 are a TraceFileError naming the file."""
    with pytest.raises(FileNotFoundError, match="lab file not found"):
        read_lab_file(tmp_path / "nope.csv")
    path = tmp_path / "latin.csv"
    path.write_bytes(b"delay_ps,x,y\n1,\xe9,3\n")
    with pytest.raises(TraceFileError, match="not a UTF-8"):
        read_lab_file(path)
