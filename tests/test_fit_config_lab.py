"""`jaxtherm fit` with lab files: the delay stage must be stated, the other convention is checked, header
metadata fills the setup, table materials fill layers."""

import json

import jax.numpy as jnp
import numpy as np
import pytest

import jaxtherm.tdtr as tdtr
from jaxtherm import materials
from jaxtherm.app.cli import EXIT_BAD_INPUT, EXIT_OK, EXIT_POOR_FIT, main
from jaxtherm.app.config_file import ConfigError, load_config

from helpers import write_config

F_MOD, F_REP, R_TRUE = 1e6, 80e6, 3e-9
CONFIG = """
[setup]
one_dimensional = true
delay_stage = "pump"
[[layers]]
name = "W"
thickness = 104e-9
heat_capacity = 2.55e6
conductivity = 158.1
[[layers]]
material = "SiO2"
thickness = inf
[resistances]
"W/SiO2" = 5e-9
[[traces]]
format = "lab"
file = "scan.tsv"
observable = "ratio"
sigma = 2e-3
apply_time_zero = true
interfaces = ["W/SiO2"]
[fit]
free = ["W/SiO2"]
"""


@pytest.fixture(scope="module")
def lab_file(tmp_path_factory):
    """A tab-separated lab file: header with f_mod, f_rep, t0 = 2 ps; V_in/V_out (uV) of a W/fused-silica
    sample measured with the pump on the delay stage, delays of the stage (t + t0) in ps; 2e-3 ratio noise."""
    silica = materials.lookup("SiO2")
    stack = tdtr.Stack(
        layers=[tdtr.Layer(104e-9, 2.55e6, 158.1), tdtr.Layer(np.inf, silica.heat_capacity, silica.conductivity)],
        resistances=[R_TRUE],
    )
    setup = tdtr.Setup(F_MOD, F_REP, one_dimensional=True, delay_stage="pump")
    delays = np.geomspace(100e-12, 10e-9, 40)
    z = np.asarray(tdtr.signal(stack, setup, jnp.asarray(delays))) * 1e-3  # arbitrary detector scale
    ratio = -z.real / z.imag + 2e-3 * np.random.default_rng(5).standard_normal(delays.size)
    v_out = z.imag
    v_in = -ratio * v_out
    folder = tmp_path_factory.mktemp("lab")
    rows = "".join(
        f"{(t + 2e-12) / 1e-12:.9g}\t{a / 1e-6:.12g}\t{b / 1e-6:.12g}\n" for t, a, b in zip(delays, v_in, v_out)
    )
    text = "# sample: W on fused silica\n# f_mod = 1 MHz\n# f_rep = 80 MHz\n# t0 = 2 ps\nDelay (ps)\tX (uV)\tY (uV)\n"
    (folder / "scan.tsv").write_text(text + rows)
    return folder


def test_header_fills_setup_and_material_fills_layer(lab_file):
    """f_mod and f_rep come from the file's header; SiO2 heat capacity and conductivity from the table."""
    params, traces, _, names = load_config(write_config(lab_file, CONFIG, "a.toml"))
    setup = traces[0].model.setup
    assert (setup.modulation_frequency, setup.repetition_rate, setup.delay_stage) == (F_MOD, F_REP, "pump")
    assert traces[0].model.delays[0] == pytest.approx(100e-12)  # t0 subtracted
    layer = params["stack"].layers[1]
    assert names == ["W", "SiO2"]
    assert (layer.heat_capacity, layer.conductivity) == (materials.lookup("SiO2").heat_capacity, 1.38)


@pytest.mark.parametrize(
    "change, message",
    [
        (('delay_stage = "pump"\n', ""), r"missing required key 'delay_stage'.*\"pump\" if the pump.*\"probe\" if"),
        (("one_dimensional = true\n", "one_dimensional = true\nmodulation_frequency = 2e6\n"), "header says 1000000"),
        (("apply_time_zero = true\n", ""), r"header gives time_zero = 2e-12 \(SI\); state apply_time_zero"),
        (('material = "SiO2"', 'material = "SiO3"'), r"unknown material 'SiO3'; known materials"),
        (('observable = "ratio"', 'observable = "v_in_normalised"'), "not available from a lab file"),
        (('format = "lab"', 'format = "lab"\nsignal_column = 1'), "do not apply to format"),
    ],
)
def test_config_errors(lab_file, change, message):
    with pytest.raises(ConfigError, match=message):
        load_config(write_config(lab_file, CONFIG.replace(*change), "b.toml"))


def test_cli_missing_delay_stage_exit_code(lab_file, capsys):
    path = write_config(lab_file, CONFIG.replace('delay_stage = "pump"\n', ""), "c.toml")
    assert main(["fit", str(path), "--out", str(lab_file / "c-out")]) == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert "delay_stage" in err and '"pump"' in err and '"probe"' in err and err.count("\n") == 1


def test_delay_stage_check_flags_the_wrong_convention(lab_file, capsys):
    """Stated correctly (pump) the fit recovers R and the other convention is not preferred; stated wrongly
    (probe) the refit with pump explains the data > 2x better: warning in the report and the JSON, exit 3."""
    good = write_config(lab_file, CONFIG, "good.toml")
    assert main(["fit", str(good), "--out", str(lab_file / "good")]) == EXIT_OK
    result = json.loads((lab_file / "good" / "fit_results.json").read_text())
    sd = result["standard_errors"]["W/SiO2"]
    assert abs(result["values"]["W/SiO2"] - R_TRUE) < 3 * sd
    check = result["delay_stage_check"]
    assert check["stated"] == "pump" and not check["prefers_other"] and check["chi2_other"] > 2 * check["chi2"]
    capsys.readouterr()
    wrong = write_config(lab_file, CONFIG.replace('delay_stage = "pump"', 'delay_stage = "probe"'), "wrong.toml")
    assert main(["fit", str(wrong), "--out", str(lab_file / "wrong")]) == EXIT_POOR_FIT
    out = capsys.readouterr()
    assert "WARNING: delay_stage = 'probe' (stated)" in out.out and "delay-stage convention" in out.err
    result = json.loads((lab_file / "wrong" / "fit_results.json").read_text())
    assert result["delay_stage_check"]["prefers_other"] and result["delay_stage_check"]["chi2_ratio"] > 2
    assert any(w.startswith("DelayStageWarning") for w in result["warnings"]) and not result["ok"]
    assert abs(result["delay_stage_check"]["values_other"]["W/SiO2"] - R_TRUE) < 3 * sd
