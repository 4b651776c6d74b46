"""`jaxtherm fit CONFIG`: the documented example runs and recovers its synthetic truth; bad files fail clearly."""

import json
import os
import shutil

import numpy as np
import pytest

from jaxtherm.app.cli import main
from jaxtherm.app.config_file import ConfigError, load_config, run_config

from helpers import w_quartz_layers, w_quartz_phase, write_config

EXAMPLES = os.path.join(os.path.dirname(__file__), "..", "examples")
TRUTH = {
    "W/Al2O3": 4.2e-9,
    "Al2O3/Ni": 6.9e-9,
    "Al2O3/W": 6.6e-9,
    "Ni/Al2O3": 3.7e-9,
    "quartz.conductivity": 1510.0**2 / 1.66e6,
}


@pytest.mark.slow
def test_example_config_recovers_synthetic_truth(tmp_path):
    """(slow; `test_small_config_recovers_truth` covers the same code path) examples/fit_config.toml (FR + RF, 4 ITRs + shared quartz conductivity) recovers the values its trace files
    were synthesised from within 3 statistical sigma, and writes JSON + PNG; the trace files are left untouched."""
    config = os.path.join(EXAMPLES, "fit_config.toml")
    before = {n: open(os.path.join(EXAMPLES, n), "rb").read() for n in ("trace_fr.csv", "trace_rf.csv")}
    result = run_config(config, out_dir=str(tmp_path), verbose=False)
    assert result["converged"] and 0.7 < result["reduced_chi2"] < 1.3
    for name, true in TRUTH.items():
        assert abs(result["values"][name] - true) < 3 * result["statistical_errors"][name], name
        assert result["standard_errors"][name] > result["statistical_errors"][name]  # fixed-parameter propagation
    with open(tmp_path / "fit_results.json", encoding="utf-8") as handle:
        assert json.load(handle)["values"].keys() == result["values"].keys()
    assert os.path.getsize(tmp_path / "fit.png") > 0
    after = {n: open(os.path.join(EXAMPLES, n), "rb").read() for n in before}
    assert before == after


def test_small_config_recovers_truth(tmp_path):
    """A two-layer W/quartz config with a synthetic trace file (ns delays, whitespace, no header, sigma column) goes
    through run_config and recovers the resistance it was synthesised with; fixed-thickness uncertainty widens sigma."""
    delays = np.geomspace(20e-12, 40e-9, 150)
    noisy = w_quartz_phase(delays, seed=3)
    lines = [f"{d / 1e-9:.12g} {p:.12g} 1e-4" for d, p in zip(delays, noisy)]
    (tmp_path / "w.txt").write_text("\n".join(lines) + "\n")
    text = BASE.replace('file = "trace_fr.csv"', 'file = "w.txt"').replace('delay_unit = "ps"', 'delay_unit = "ns"')
    text = text.replace('signal_column = "phase_rad"', "signal_column = 1").replace("sigma = 1e-4", "sigma_column = 2")
    text = text.replace("heat_capacity = 1.66e6\nconductivity = 1.4", "heat_capacity = 1.66e6\nconductivity = 1.3736")
    text += '[fit.fixed_uncertainties]\n"W.thickness" = 2e-9\n'
    path = write_config(tmp_path, text, "small.toml")
    result = run_config(path, out_dir=str(tmp_path / "out"), verbose=False)
    assert result["converged"]
    assert abs(result["values"]["W/quartz"] - 3e-9) < 3 * result["statistical_errors"]["W/quartz"]
    assert result["standard_errors"]["W/quartz"] > result["statistical_errors"]["W/quartz"]
    assert os.path.getsize(tmp_path / "out" / "fit.png") > 0


def _config(tmp_path, text):
    shutil.copy(os.path.join(EXAMPLES, "trace_fr.csv"), tmp_path / "trace_fr.csv")
    return write_config(tmp_path, text)


BASE = (
    """
[setup]
modulation_frequency = 200e3
repetition_rate = 20e6
one_dimensional = true
delay_stage = "probe"
"""
    + w_quartz_layers("1.4")
    + """[[traces]]
file = "trace_fr.csv"
delay_unit = "ps"
signal_column = "phase_rad"
sigma = 1e-4
interfaces = ["W/quartz"]
[fit]
free = ["W/quartz"]
"""
)


@pytest.mark.parametrize(
    "change, message",
    [
        (("sigma = 1e-4", "sigme = 1e-4"), r"unknown key\(s\) \['sigme'\]"),
        (('interfaces = ["W/quartz"]', 'interfaces = ["W/Al2O3"]'), "'W/Al2O3' is not defined"),
        (('free = ["W/quartz"]', 'free = ["W.thicknes"]'), "neither a resistance name"),
        (("thickness = 104e-9", "thickness = 104"), "nanometres"),
        (('delay_unit = "ps"', 'delay_unit = "minutes"'), "delay_unit"),
        (('signal_column = "phase_rad"', 'signal_column = "ratio"'), "no column named 'ratio'"),
        (("[fit]", "[fitting]"), "unknown key"),
    ],
)
def test_bad_config_errors(tmp_path, change, message):
    """Typos in keys, undefined resistance names, unknown free parameters, nm instead of m, bad units and missing
    columns are reported with the file and the offending key."""
    path = _config(tmp_path, BASE.replace(*change))
    with pytest.raises((ConfigError, ValueError), match=message):
        load_config(path)


def test_cli_reports_errors_without_traceback(tmp_path, capsys):
    """`jaxtherm fit` on a broken file exits with status 2 and a one-line message naming the file."""
    path = _config(tmp_path, BASE.replace("sigma = 1e-4", "sigme = 1e-4"))
    assert main(["fit", str(path), "--out", str(tmp_path / "out")]) == 2
    assert str(path) in capsys.readouterr().err
