"""Misuse of the command line and of TOML configurations: results are never overwritten, the
output folder is checked before any work, exit codes separate bad input (2) from an untrustworthy
fit (3), and every configuration error is one line naming the file and the key."""

import time

import numpy as np
import pytest

from jaxtherm.app.cli import EXIT_BAD_INPUT, EXIT_OK, EXIT_POOR_FIT, main
from jaxtherm.app.config_file import ConfigError, ConfigTypeError, load_config

from helpers import w_quartz_layers, w_quartz_phase, write_config

BASE = (
    """
[setup]
modulation_frequency = 200e3
repetition_rate = 20e6
one_dimensional = true
delay_stage = "probe"
"""
    + w_quartz_layers()
    + """[[traces]]
file = "w.csv"
delay_unit = "ns"
signal_column = "phase"
sigma = 1e-4
interfaces = ["W/quartz"]
[fit]
free = ["W/quartz"]
check_delay_stage = false
"""
)


def _synthetic(tmp_path, quartz_conductivity=1.3736):
    """A W/quartz FR phase trace (R = 3 m^2K/GW, 1e-4 rad noise) written as w.csv."""
    delays = np.geomspace(20e-12, 40e-9, 120)
    phase = w_quartz_phase(delays, seed=1, quartz_conductivity=quartz_conductivity)
    lines = ["delay_ns,phase"] + [f"{d / 1e-9:.12g},{p:.12g}" for d, p in zip(delays, phase)]
    (tmp_path / "w.csv").write_text("\n".join(lines) + "\n")


def _config(tmp_path, text=BASE):
    return write_config(tmp_path, text)


@pytest.mark.parametrize(
    "change, error, names",
    [
        (("sigma = 1e-4", 'sigma = "abc"'), ConfigTypeError, "'sigma'"),
        (("one_dimensional = true", 'one_dimensional = "false"'), ConfigTypeError, "'one_dimensional'"),
        (("conductivity = 158.1", 'conductivity = "158.1"'), ConfigTypeError, "'conductivity'"),
        (('delay_unit = "ns"', "delay_unit = 1"), ConfigTypeError, "'delay_unit'"),
        (("[fit]\n", "[fit]\nmax_iterations = 1.5\n"), ConfigTypeError, "'max_iterations'"),
        (("[fit]\n", "[fit]\npositive = 1\n"), ConfigTypeError, "'positive'"),
        (('"W/quartz" = 5e-9', '"W/quartz" = "5e-9"'), ConfigTypeError, "'W/quartz'"),
        (('free = ["W/quartz"]', 'free = "W/quartz"'), ConfigError, "'free'"),
    ],
)
def test_wrong_typed_values_name_file_and_key(tmp_path, change, error, names):
    """A value of the wrong type is a TypeError (ConfigTypeError) naming the key and the file -
    never silently converted ("false" is not read as True)."""
    _synthetic(tmp_path)
    path = _config(tmp_path, BASE.replace(*change))
    with pytest.raises(error, match=names) as info:
        load_config(path)
    assert str(path) in str(info.value) and "\n" not in str(info.value)
    if error is ConfigTypeError:
        assert isinstance(info.value, TypeError)


@pytest.mark.parametrize(
    "table, message",
    [
        ('"W.thicknes" = 2e-9', "'W.thicknes' is neither"),
        ('"W.thickness" = "2 nm"', "'W.thickness' must be a number"),
        ('"W.thickness" = -2e-9', "'W.thickness' = -2e-09 must be finite and >= 0"),
        ('"W/quartz" = 1e-9', "'W/quartz' is fitted"),
    ],
)
def test_fixed_uncertainties_errors_before_the_fit_with_toml_names(tmp_path, table, message):
    """[fit.fixed_uncertainties] is checked when the file is read, and errors use the TOML names."""
    _synthetic(tmp_path)
    path = _config(tmp_path, BASE + "[fit.fixed_uncertainties]\n" + table + "\n")
    with pytest.raises(ConfigError, match=message) as info:
        load_config(path)
    assert "[fit.fixed_uncertainties]" in str(info.value) and "stack.layers" not in str(info.value)


def test_out_is_checked_before_any_work(tmp_path, capsys):
    """`--out` naming an existing file, or a folder with an earlier run's results, exits 2 at once with
    one line; nothing is written and the earlier results are untouched."""
    _synthetic(tmp_path)
    path = _config(tmp_path)
    existing_file = tmp_path / "results.txt"
    existing_file.write_text("keep me")
    started = time.perf_counter()
    assert main(["fit", str(path), "--out", str(existing_file)]) == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert "is an existing file" in err and err.count("\n") == 1 and existing_file.read_text() == "keep me"
    earlier = tmp_path / "earlier"
    earlier.mkdir()
    (earlier / "fit_results.json").write_text("{}")
    assert main(["fit", str(path), "--out", str(earlier)]) == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert "already holds results" in err and "--force" in err and err.count("\n") == 1
    assert (earlier / "fit_results.json").read_text() == "{}" and not (earlier / "fit.png").exists()
    assert time.perf_counter() - started < 10  # refused before compiling or fitting anything
    assert main(["demo", "--out", str(existing_file)]) == EXIT_BAD_INPUT
    assert main(["reproduce", "dugks-fig5", "--out", str(earlier)]) == EXIT_BAD_INPUT


def test_exit_codes_separate_good_poor_and_refit(tmp_path, capsys):
    """A good fit exits 0; a second run into the same folder is refused (2) unless --force; data the
    model cannot describe (wrong substrate) exit 3 with the reason; an iteration cap hit exits 3."""
    _synthetic(tmp_path)
    path = _config(tmp_path)
    out = tmp_path / "out"
    assert main(["fit", str(path), "--out", str(out)]) == EXIT_OK
    first = (out / "fit_results.json").read_bytes()
    assert main(["fit", str(path), "--out", str(out)]) == EXIT_BAD_INPUT
    assert (out / "fit_results.json").read_bytes() == first
    assert main(["fit", str(path), "--out", str(out), "--force"]) == EXIT_OK
    capsys.readouterr()

    wrong = _config(tmp_path, BASE.replace("conductivity = 1.3736", "conductivity = 3.0"))
    assert main(["fit", str(wrong), "--out", str(tmp_path / "poor")]) == EXIT_POOR_FIT
    err = capsys.readouterr().err
    assert "poor fit" in err and str(wrong) in err and err.count("\n") == 1
    assert (tmp_path / "poor" / "fit_results.json").exists()  # results written even so

    capped = _config(tmp_path, BASE.replace("[fit]\n", "[fit]\nmax_iterations = 1\n"))
    assert main(["fit", str(capped), "--out", str(tmp_path / "capped")]) == EXIT_POOR_FIT
    assert "did not converge" in capsys.readouterr().err


def test_demo_refuses_a_negative_chain_count(tmp_path, capsys):
    """`jaxtherm demo --chains -1` is bad input (exit 2, one line naming --chains), before any work."""
    from jaxtherm.app.cli import main

    assert main(["demo", "--out", str(tmp_path / "d"), "--chains", "-1"]) == 2
    assert "--chains" in capsys.readouterr().err
    assert not (tmp_path / "d").exists()
