"""`jaxtherm fit CONFIG` with a `[sample]` table: posterior after the fit, in the report, the JSON and a PNG."""

import json
import os

import jax.numpy as jnp
import numpy as np
import pytest

import jaxtherm.tdtr as tdtr
from jaxtherm.app._sample_config import SAMPLE_OUTPUT, read_sample_table, run_sample_table
from jaxtherm.app.cli import main
from jaxtherm.app.config_file import ConfigError
from jaxtherm.fit import Prior, Trace, fit_traces

from helpers import w_quartz_layers

CONFIG = (
    """
[setup]
modulation_frequency = 200e3
repetition_rate = 20e6
one_dimensional = true
"""
    + w_quartz_layers()
    + """[[traces]]
file = "w.txt"
delay_unit = "ns"
signal_column = 1
sigma = 1e-4
interfaces = ["W/quartz"]
[fit]
free = ["W/quartz"]
[sample]
chains = 2
warmup = 60
draws = 100
seed = 1
[sample.priors]
"W/quartz" = {kind = "log_uniform", lower = 1e-10, upper = 1e-7}
"""
)


def _write(tmp_path, text):
    stack = tdtr.Stack(
        layers=[tdtr.Layer(104e-9, 2.55e6, 158.1), tdtr.Layer(float("inf"), 1.66e6, 1.3736)], resistances=[3e-9]
    )
    setup = tdtr.Setup(
        modulation_frequency=200e3, repetition_rate=20e6, heat_at="front", probe_at="front", one_dimensional=True
    )
    delays = np.geomspace(20e-12, 40e-9, 60)
    phase = np.asarray(tdtr.phase(tdtr.signal(stack, setup, jnp.asarray(delays))))
    noisy = phase + 1e-4 * np.random.default_rng(3).standard_normal(delays.size)
    (tmp_path / "w.txt").write_text("\n".join(f"{d / 1e-9:.12g} {p:.12g}" for d, p in zip(delays, noisy)) + "\n")
    path = tmp_path / "s.toml"
    path.write_text(text)
    return path


@pytest.mark.slow
def test_sample_table_through_the_cli(tmp_path, capsys):
    """(slow: compiles NUTS on a TDTR model; `test_sample_table_adds_posterior_to_json_and_png` covers
    the same code path on a cheap model) A one-parameter config with 2 chains x 100 draws: the CLI prints the posterior table, the JSON
    holds the credible intervals, R-hat, ESS and modes, and the corner PNG is written. The posterior
    is the one of a near-linear 1-parameter problem: its 95 % interval contains the true 3 m^2K/GW
    and its sd equals the fit's statistical error within 30 % (sigma is the true noise)."""
    path = _write(tmp_path, CONFIG)
    out = tmp_path / "out"
    assert main(["fit", str(path), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "Posterior from 2 chains x 100 draws" in printed and "posterior_corner.png" in printed
    with open(out / "fit_results.json", encoding="utf-8") as handle:
        record = json.load(handle)
    post = record["sample"]
    lo, hi = post["interval95"]["W/quartz"]
    assert lo < 3e-9 < hi
    assert post["sd"]["W/quartz"] == pytest.approx(record["statistical_errors"]["W/quartz"], rel=0.3)
    assert post["rhat"]["W/quartz"] < 1.05 and post["ess_bulk"]["W/quartz"] > 50
    assert len(post["modes"]) == 1 and post["modes"][0]["mass"] == pytest.approx(1.0)
    assert record["values"]["W/quartz"] == pytest.approx(3e-9, rel=0.1)  # the fit's record is kept
    assert os.path.getsize(out / "posterior_corner.png") > 0


@pytest.mark.parametrize(
    "change, message",
    [
        (("seed = 1", "seeds = 1"), r"unknown key\(s\) \['seeds'\] in \[sample\]"),
        (("draws = 100", "draws = 2"), "'draws' must be >= 4"),
        (("chains = 2", 'chains = "two"'), "'chains' must be an integer"),
        (('"W/quartz" = {kind', '"quartz.conductivity" = {kind'), "not in \\[fit\\] free"),
        (('kind = "log_uniform"', 'kind = "flat"'), "'kind' must be one of"),
        (("lower = 1e-10, upper = 1e-7", "lower = 1e-7, upper = 1e-10"), "lower < upper"),
    ],
)
def test_bad_sample_table_is_named(tmp_path, change, message):
    """Mistakes in [sample] raise a ConfigError naming the file and the key, before any fit."""
    path = _write(tmp_path, CONFIG.replace(*change))
    with pytest.raises(ConfigError, match=message):
        read_sample_table(path, {"W/quartz": "itr['W/quartz']"})


def test_no_sample_table_means_no_sampling(tmp_path):
    path = _write(tmp_path, CONFIG.split("[sample]")[0])
    assert read_sample_table(path, {"W/quartz": "itr['W/quartz']"}) is None


def test_sample_table_adds_posterior_to_json_and_png(tmp_path, capsys):
    """The step `run_config` takes after the fit, on y = a + b x with sigma = the true noise and a flat
    prior: the JSON record keeps the fit's entries and gains the posterior, whose sd of b equals the
    fit's statistical error within 20 % (linear model, Gaussian likelihood); the corner PNG is written;
    a zero fixed uncertainty is not sampled as a nuisance."""
    x = np.linspace(0.0, 1.0, 50)
    y = 1.0 + 2.0 * x + 0.1 * np.random.default_rng(0).standard_normal(x.size)
    params = {"a": 1.0, "b": 2.0, "c": 0.0}
    traces = [Trace(model=lambda p: p["a"] + p["b"] * jnp.asarray(x) + p["c"], data=y, sigma=0.1, name="line")]
    options = {"positive": False, "fixed_uncertainties": {"c": 0.0}}
    fit = fit_traces(params, traces, ["a", "b"], absolute_sigma=True, positive=False, warn=False)
    record = {"values": fit.values}
    sampling = {"n_chains": 2, "n_warmup": 100, "n_draws": 300, "seed": 0}
    sampling["priors"] = {"a": Prior.uniform(-10.0, 10.0), "b": Prior.uniform(-10.0, 10.0)}
    out = run_sample_table(sampling, params, traces, {"a": "a", "b": "b"}, options, fit, record, str(tmp_path), True)
    assert "Posterior from 2 chains x 300 draws" in capsys.readouterr().out
    with open(tmp_path / "fit_results.json", encoding="utf-8") as handle:
        written = json.load(handle)
    assert written["values"] == pytest.approx(fit.values) and written["sample"]["names"] == ["a", "b"]
    assert out["sample"]["sd"]["b"] == pytest.approx(fit.statistical_errors["b"], rel=0.2)
    assert "c" not in out["sample"]["median"]
    assert os.path.getsize(tmp_path / SAMPLE_OUTPUT) > 0
    assert run_sample_table(None, params, traces, {}, options, fit, record, str(tmp_path), False) is record
