"""Fitting TDTR traces of the ITR paper's W/Al2O3/Ni/quartz sample (1-D, 20 MHz / 200 kHz).

Coverage of the reported uncertainties over noise seeds and forward-mode sensitivities
against the paper's 1 % finite differences. The per-direction and joint FR+RF fits (shared
substrate property, degeneracy warning for two resistances in series through 9.66 nm
Al2O3) are checked on the demo's results in `test_demo.py`. The delays and models equal
those of `run_demo(quick=True)` so compiled programs are shared.
"""

import numpy as np
import pytest

import jaxtherm.tdtr as tdtr
from jaxtherm.app.demo import FR_INTERFACES, RF_INTERFACES, TABLE3_300K, itr_paper_sample, sensitivity_parameters
from jaxtherm.fit import Trace, fit_traces_batched
from jaxtherm.fit.sensitivity import log_sensitivity, log_sensitivity_finite_difference
from jaxtherm.tdtr import TdtrModel

GW = 1e-9
SIGMA = 1e-4  # rad (as run_demo)
DELAYS = np.geomspace(10e-12, 49e-9, 250)


@pytest.fixture(scope="module")
def sample():
    truth, setups = itr_paper_sample()
    models = {
        "FR": TdtrModel(setups["FR"], DELAYS, "phase", resistance_names=FR_INTERFACES),
        "RF": TdtrModel(setups["RF"], DELAYS, "phase", resistance_names=RF_INTERFACES),
    }
    clean = {d: np.asarray(m(truth)) for d, m in models.items()}
    start = {"stack": truth["stack"], "itr": {k: (5 * GW if k in TABLE3_300K else v) for k, v in truth["itr"].items()}}
    return truth, setups, models, clean, start


def test_model_matches_tdtr_api_and_reciprocity(sample):
    """TdtrModel equals jt.tdtr.phase(signal(...)) with the named resistances inserted, and its ratio, V_in, V_out,
    |Z| and normalised V_in follow the lock-in signal; with one (symmetric) ITR set FR and RF phases coincide
    (reciprocity), with Table 3's asymmetric set they differ by mrad; delays in ps instead of s are rejected."""
    truth, setups, models, clean, _ = sample
    stack = truth["stack"]
    direct = np.asarray(tdtr.phase(tdtr.signal(stack, setups["FR"], DELAYS)))
    np.testing.assert_allclose(clean["FR"], direct, rtol=1e-12)
    symmetric = {"stack": stack, "itr": dict(truth["itr"], **{"Al2O3/W": 4.2 * GW, "Ni/Al2O3": 6.9 * GW})}
    np.testing.assert_allclose(np.asarray(models["RF"](symmetric)), clean["FR"], atol=1e-9)
    assert np.max(np.abs(clean["FR"] - clean["RF"])) > 1e-3
    ratio_model = TdtrModel(setups["FR"], DELAYS, "ratio", resistance_names=FR_INTERFACES)
    z = tdtr.signal(stack, setups["FR"], DELAYS)
    np.testing.assert_allclose(np.asarray(ratio_model(truth)), -np.real(z) / np.imag(z), rtol=1e-12)
    assert ratio_model == TdtrModel(setups["FR"], DELAYS, "ratio", resistance_names=FR_INTERFACES)
    scaled = dict(truth, amplitude=2.5)
    for observable, expected in (
        ("v_in", 2.5 * np.real(z)),
        ("v_out", 2.5 * np.imag(z)),
        ("amplitude", 2.5 * np.abs(z)),
        ("v_in_normalised", np.real(z) / np.real(z)[0]),
    ):
        model = TdtrModel(setups["FR"], DELAYS, observable, resistance_names=FR_INTERFACES, amplitude_path="amplitude")
        np.testing.assert_allclose(np.asarray(model(scaled)), expected, rtol=1e-12)
    with pytest.raises(ValueError, match="seconds"):
        TdtrModel(setups["FR"], DELAYS * 1e12, "phase")


def test_coverage_over_noise_seeds(sample):
    """64 noise seeds, 2-ITR FR fit (vmapped): truth within 2 sigma in ~95 % of fits, and the reported sigma equals
    the seed-to-seed scatter within 30 %, for each ITR and for their series sum."""
    truth, _, models, clean, start = sample
    rng = np.random.default_rng(2024)
    batch = clean["FR"] + SIGMA * rng.standard_normal((64, DELAYS.size))
    trace = Trace(model=models["FR"], data=clean["FR"], sigma=SIGMA, name="FR")
    free = {k: f"itr['{k}']" for k in FR_INTERFACES[:2]}
    fits = fit_traces_batched(start, [trace], free, [batch])
    assert np.all(fits.converged)
    for name in free:
        z = (fits.values[name] - truth["itr"][name]) / fits.standard_errors[name]
        assert 0.88 <= np.mean(np.abs(z) < 2.0) <= 1.0
        scatter = np.std(fits.values[name], ddof=1)
        assert 0.7 < np.mean(fits.standard_errors[name]) / scatter < 1.3
    a, b = free
    total = fits.values[a] + fits.values[b]
    total_sd = np.sqrt(fits.covariance[:, 0, 0] + fits.covariance[:, 1, 1] + 2 * fits.covariance[:, 0, 1])
    assert 0.7 < np.mean(total_sd) / np.std(total, ddof=1) < 1.3
    assert np.mean(np.abs(total - (truth["itr"][a] + truth["itr"][b])) < 2 * total_sd) >= 0.88


def test_sensitivities_ad_vs_one_percent_differences_and_shapes(sample):
    """S_p by forward-mode AD equals the paper's eq. (1) with 1 % central differences within the O(h^2) error;
    ITR sensitivities vanish at 10 ps and 49 ns and peak between 0.1 and 10 ns; the substrate effusivity keeps one
    sign and varies less, relative to its size, than the ITRs."""
    truth, _, models, _, _ = sample
    # The demo's Fig. 4 set (C at fixed alpha, alpha, ITRs, substrate effusivity): shares its compiled Jacobian.
    parameters = sensitivity_parameters(FR_INTERFACES)
    assert parameters["C W"] == ["stack.layers[0].heat_capacity", "stack.layers[0].conductivity"]
    assert parameters["e quartz"] == ["stack.layers[3].heat_capacity", "stack.layers[3].conductivity"]
    ad = log_sensitivity(models["FR"], truth, parameters)
    fd = log_sensitivity_finite_difference(models["FR"], truth, parameters, relative_step=0.01)
    for name in parameters:
        scale = np.max(np.abs(ad[name]))
        assert np.max(np.abs(fd[name] - ad[name])) < 1e-3 * scale + 1e-6, name
    window = (DELAYS > 0.1e-9) & (DELAYS < 10e-9)
    for name in ("ITR W/Al2O3", "ITR Al2O3/Ni"):
        s = ad[name]
        peak = np.argmax(np.abs(s))
        assert window[peak], name
        assert abs(s[0]) < 0.05 * abs(s[peak]) and abs(s[-1]) < 0.1 * abs(s[peak]), name
    e = ad["e quartz"]
    assert np.all(e < 0) or np.all(e > 0)
    assert (np.max(e) - np.min(e)) / np.max(np.abs(e)) < 0.5
    c = ad["C W"]
    assert window[np.argmax(np.abs(c))]
