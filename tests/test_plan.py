"""`jaxtherm plan`: the predicted 1-sigma agrees with the scatter of fits to noisy synthetic data (noise and an
uncertain fixed thickness), and the ranking picks the setup that is better by construction."""

import json

import numpy as np
import pytest

from jaxtherm.app.cli import EXIT_BAD_INPUT, main
from jaxtherm.app.config_file import ConfigError
from jaxtherm.app.plan_file import load_plan, run_plan
from jaxtherm.fit import Trace, fit_traces, set_path

from helpers import w_quartz_layers, write_config

PLAN = (
    w_quartz_layers(resistance="3e-9")
    + """[setup]
repetition_rate = 80e6
delay_stage = "pump"
one_dimensional = true
[plan]
targets = ["W/quartz", "quartz.conductivity"]
interfaces = ["W/quartz"]
delays = [100e-12, 4e-9]
n_delays = 25
[plan.fixed_uncertainties]
"W.thickness" = 3e-9
[[setups]]
name = "quiet"
modulation_frequency = 1e6
observable = "phase"
sigma = 2e-3
[[setups]]
name = "noisy"
modulation_frequency = 1e6
observable = "phase"
sigma = 2e-2
"""
)


@pytest.fixture(scope="module")
def plan(tmp_path_factory):
    folder = tmp_path_factory.mktemp("plan")
    path = write_config(folder, PLAN, "plan.toml")
    return path, run_plan(path, out_dir=str(folder / "out"), verbose=False)


def test_ranking_picks_the_quieter_setup(plan):
    """Two setups that differ only in the noise per point (10x): the quieter ranks first for both targets, its
    statistical sigma is exactly 10x smaller (linear error propagation), and the JSON holds the same."""
    path, out = plan
    assert out["ranking"] == ["quiet", "noisy"]
    assert out["best_per_target"] == {"W/quartz": "quiet", "quartz.conductivity": "quiet"}
    quiet, noisy = out["setups"]
    for target in ("W/quartz", "quartz.conductivity"):
        assert noisy["statistical"][target] == pytest.approx(10 * quiet["statistical"][target], rel=1e-6)
        assert quiet["total"][target] > quiet["statistical"][target]  # the thickness uncertainty adds
    with open(path.parent / "out" / "plan_results.json", encoding="utf-8") as handle:
        assert json.load(handle)["ranking"] == out["ranking"]


def test_predicted_sigma_matches_monte_carlo_scatter(plan):
    """24 fits of the quiet setup to synthetic data with 2e-3 rad noise and a W thickness drawn with its stated
    3 nm sigma (the fits hold it at 104 nm): the scatter of the fitted values matches the predicted total sigma
    within 30 %."""
    path, out = plan
    params, setups, _ = load_plan(path)
    _, model, sigma = setups[0]
    free = {"W/quartz": "itr['W/quartz']", "quartz.conductivity": "stack.layers[1].conductivity"}
    rng = np.random.default_rng(11)
    fitted = []
    for _ in range(24):
        true = set_path(params, "stack.layers[0].thickness", 104e-9 + 3e-9 * rng.standard_normal())
        data = np.asarray(model(true)) + sigma * rng.standard_normal(model.delays.size)
        result = fit_traces(params, Trace(model=model, data=data, sigma=sigma), free, warn=False, warn_degenerate=False)
        assert result.converged
        fitted.append([result.values[k] for k in free])
    scatter = np.std(np.asarray(fitted), axis=0, ddof=1)
    predicted = np.array([out["setups"][0]["total"][k] for k in free])
    np.testing.assert_allclose(scatter, predicted, rtol=0.3)


def test_plan_errors(tmp_path, capsys):
    """A missing delay stage or an unknown target is a one-line error naming the file (exit 2)."""
    path = write_config(tmp_path, PLAN.replace('delay_stage = "pump"\n', ""), "bad.toml")
    with pytest.raises(ConfigError, match="missing required key 'delay_stage'"):
        load_plan(path)
    write_config(tmp_path, PLAN.replace('targets = ["W/quartz",', 'targets = ["W/quarts",'), "bad.toml")
    assert main(["plan", str(path), "--out", str(tmp_path / "out")]) == EXIT_BAD_INPUT
    assert "'W/quarts' is neither a resistance name" in capsys.readouterr().err
