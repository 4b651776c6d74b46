"""The posterior demo: four direction-dependent ITRs and the quartz effusivity with nuisances."""

import json

import numpy as np
import pytest

from jaxtherm.app.posterior_demo import run_posterior_demo


# `jaxtherm demo` (CI's first command) runs this same code path with 2 chains; the assertions
# on its numbers run with `-m slow`.
@pytest.mark.slow
def test_posterior_demo_covers_the_paper_values(tmp_path):
    """At 1 mrad phase noise with thicknesses, heat capacities and the Ni/quartz resistance
    marginalised, the 95 % credible intervals of the four ITRs contain the Table 3 values and
    that of the quartz effusivity contains 1510 J s^-1/2 m^-2 K^-1; mode masses sum to 1; every
    nuisance posterior stays centred within 2 prior sigma of the value the data were made with
    and is not much wider than its prior; the corner plot and the JSON are written and agree."""
    out = run_posterior_demo(str(tmp_path), n_chains=2, n_warmup=100, n_draws=150, n_delays=60, seed=0, verbose=False)
    for name, true in out["true_itr_GW"].items():
        lo, hi = out["itr_GW"][name]["interval95"]
        assert lo < true < hi, (name, lo, true, hi)
    lo, hi = out["quartz_effusivity"]["interval95"]
    assert lo < 1510.0 < hi
    assert sum(m["mass"] for m in out["modes"]) == pytest.approx(1.0)
    for path, entry in out["nuisance"].items():
        assert abs(entry["median"] - entry["prior_center"]) < 2 * entry["prior_sd"], path
        assert entry["posterior_sd"] < 1.5 * entry["prior_sd"], path
    assert (tmp_path / "posterior_corner.png").stat().st_size > 10_000
    written = json.loads((tmp_path / "posterior_results.json").read_text())
    assert written["itr_GW"]["W/Al2O3"]["median"] == pytest.approx(out["itr_GW"]["W/Al2O3"]["median"])
    assert np.isfinite(out["timing_s"]["total"])
