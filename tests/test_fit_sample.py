"""Posterior sampling (`jaxtherm.fit.sample`) and profile likelihood (`jaxtherm.fit.profile`).

Each test checks a statement that holds for the exact posterior: the analytic posterior of
a linear-Gaussian model, the posterior of two separated chi^2 basins of the ITR series pair,
the implicit-function propagation in the linear (small nuisance sigma) limit, and G / t_h of
the two-temperature model near the least-squares optimum.
"""

import dataclasses

import jax.numpy as jnp
import numpy as np
import pytest

from jaxtherm import materials, reflectance, sources, ttm
from jaxtherm.app.demo import FR_INTERFACES, itr_paper_sample
from jaxtherm.fit import Prior, Trace, fit_traces, plot_corner, profile, sample
from jaxtherm.tdtr import TdtrModel

GW = 1e-9


# ----------------------------------------------------------------------------- linear Gaussian
X = np.linspace(0.0, 1.0, 40)


def _line(p):
    return p["a"] + p["b"] * jnp.asarray(X)


def _analytic(y, sigma, prior_mean, prior_sd):
    design = np.stack([np.ones_like(X), X], axis=1)
    precision = design.T @ design / sigma**2 + np.diag(1 / prior_sd**2)
    cov = np.linalg.inv(precision)
    return cov @ (design.T @ y / sigma**2 + prior_mean / prior_sd**2), cov


@pytest.mark.parametrize("adaptation", ["dense", "laplace", pytest.param("window", marks=pytest.mark.slow)])
def test_linear_gaussian_posterior_equals_analytic(adaptation):
    """y = a + b x with Gaussian noise and Gaussian priors has a Gaussian posterior with known
    mean and covariance. Sampled means agree within 4 Monte-Carlo standard errors sd/sqrt(ESS),
    variances within 4 sqrt(2/ESS) relative, the correlation within 4 (1 - rho^2)/sqrt(ESS);
    with every adaptation (Laplace metric + step size + shrunk dense window, the default;
    Laplace metric + step size; blackjax's window adaptation, slow run)."""
    sigma = 0.5
    y = 1.0 + 2.0 * X + sigma * np.random.default_rng(0).standard_normal(X.size)
    prior_mean, prior_sd = np.array([0.0, 1.0]), np.array([3.0, 2.0])
    mean, cov = _analytic(y, sigma, prior_mean, prior_sd)
    result = sample(
        {"a": 0.5, "b": 1.0},
        Trace(model=_line, data=y, sigma=sigma),
        ["a", "b"],
        positive=False,
        priors={"a": Prior.normal(0.0, 3.0), "b": Prior.normal(1.0, 2.0)},
        n_chains=4,
        n_warmup=300,
        n_draws=500,
        seed=1,
        adaptation=adaptation,
    )
    for i, name in enumerate(("a", "b")):
        ess = result.ess_bulk[name]
        assert ess > 500
        sd = np.sqrt(cov[i, i])
        assert abs(result.mean[name] - mean[i]) < 4 * sd / np.sqrt(ess)
        assert abs(result.sd[name] ** 2 / cov[i, i] - 1) < 4 * np.sqrt(2 / ess)
        assert result.rhat[name] < 1.01
    rho = cov[0, 1] / np.sqrt(cov[0, 0] * cov[1, 1])
    assert abs(result.correlation[0, 1] - rho) < 4 * (1 - rho**2) / np.sqrt(min(result.ess_bulk.values()))
    assert len(result.modes) == 1 and result.n_divergent == 0
    assert "Diagnostics pass" in result.summary()


def test_fitted_noise_scale_recovers_a_misstated_sigma():
    """The traces claim sigma = 1 but the noise is 0.5: with noise="fitted" the sampled noise
    scale brackets 0.5 (95 % interval) and the slope's posterior width equals the analytic one
    for the true sigma within 15 %."""
    x = np.linspace(0.0, 1.0, 200)
    y = 1.0 + 2.0 * x + 0.5 * np.random.default_rng(3).standard_normal(x.size)
    result = sample(
        {"a": 0.5, "b": 1.0},
        Trace(model=lambda p: p["a"] + p["b"] * jnp.asarray(x), data=y, sigma=1.0, name="line"),
        ["a", "b"],
        positive=False,
        lower={"a": -10.0, "b": -10.0},
        upper={"a": 10.0, "b": 10.0},
        noise="fitted",
        n_chains=2,
        n_warmup=300,
        n_draws=500,
        seed=2,
    )
    lo, hi = result.interval95["noise_scale[line]"]
    assert lo < 0.5 < hi and hi - lo < 0.2
    design = np.stack([np.ones_like(x), x], axis=1)
    sd_b = np.sqrt(np.linalg.inv(design.T @ design / 0.25)[1, 1])
    assert result.sd["b"] == pytest.approx(sd_b, rel=0.15)


# ----------------------------------------------------------------------------- TDTR problems
@pytest.fixture(scope="module")
def itr_sample():
    truth, setups = itr_paper_sample()
    return truth, setups


def _fr_trace(itr_sample, n_delays, noise, seed):
    truth, setups = itr_sample
    delays = np.geomspace(10e-12, 49e-9, n_delays)
    model = TdtrModel(setups["FR"], delays, "phase", resistance_names=FR_INTERFACES)
    data = np.asarray(model(truth)) + noise * np.random.default_rng(seed).standard_normal(n_delays)
    return Trace(model=model, data=data, sigma=noise, name="FR", x=delays)


PAIR = {"W/Al2O3": "itr['W/Al2O3']", "Al2O3/Ni": "itr['Al2O3/Ni']"}
PAIR_STARTS = {"W/Al2O3": [2.5 * GW, 5.0 * GW, 7.5 * GW], "Al2O3/Ni": [7.5 * GW, 5.0 * GW, 2.5 * GW]}


def test_two_basins_of_the_itr_series_pair(itr_sample):
    """FR trace at 1 mrad phase noise (60 delays, seed 3): the split of W/Al2O3 + Al2O3/Ni has
    two chi^2 minima (W/Al2O3 = 3.0 and 8.6 m^2K/GW, Delta chi2 = 0.4). The sampler reports both
    modes, each with a mass between 10 % and 90 %, at those places; the summary says that a single
    value +- sigma does not describe the posterior; the profile of W/Al2O3 has both local minima
    and a 95 % likelihood region spanning both."""
    truth, _ = itr_sample
    trace = _fr_trace(itr_sample, 60, 1e-3, seed=3)
    result = sample(
        truth, trace, PAIR, starts=PAIR_STARTS, n_chains=4, n_warmup=150, n_draws=200, seed=0, max_tree_depth=6
    )
    assert len(result.modes) == 2
    places = sorted(m.median["W/Al2O3"] / GW for m in result.modes)
    assert places[0] == pytest.approx(3.0, abs=0.6) and places[1] == pytest.approx(8.6, abs=0.6)
    for mode in result.modes:
        assert 0.1 < mode.mass < 0.9
    assert sum(m.mass for m in result.modes) == pytest.approx(1.0)
    text = result.summary()
    assert "2 separated modes" in text and "does not describe" in text
    # Series sum is sharp in both modes: the modes differ in the split, not in the total.
    total = result.draws["W/Al2O3"] + result.draws["Al2O3/Ni"]
    assert np.std(total) < 0.1 * np.std(result.draws["W/Al2O3"])
    # The least-squares result the chains started from points to the other basin.
    others = result.fit.other_minima
    assert len(others) == 1 and others[0].delta_chi2 < 4
    assert sorted([result.fit.values["W/Al2O3"] / GW, others[0].values["W/Al2O3"] / GW]) == pytest.approx(
        places, abs=0.6
    )
    assert "only the best basin" in result.fit.summary()

    prof = profile(
        truth, trace, PAIR, "W/Al2O3", np.linspace(2.0e-9, 10.0e-9, 33), starts={"Al2O3/Ni": [3 * GW, 7 * GW]}
    )
    minima = sorted(v / GW for v, dchi2 in prof.minima if dchi2 < 4)
    assert len(minima) == 2
    assert minima[0] == pytest.approx(3.0, abs=0.5) and minima[1] == pytest.approx(8.6, abs=0.5)
    lo95 = min(lo for lo, _ in prof.interval95)
    hi95 = max(hi for _, hi in prof.interval95)
    assert lo95 < 3.0 * GW and hi95 > 8.6 * GW
    assert "several minima" in prof.summary()

    fig = plot_corner(result, scale={k: GW for k in PAIR})
    assert len([ax for ax in fig.axes if ax.get_visible()]) == 3


def test_nuisance_marginalisation_matches_linear_propagation_in_the_small_sigma_limit(itr_sample):
    """W/Al2O3 and the quartz conductivity from the FR trace (1e-4 rad, 60 delays) with the W
    thickness as a Gaussian nuisance. At sigma_d = 0.5 nm (0.5 %, linear regime) the posterior
    widths equal the implicit-function propagation of `fit_traces` (statistical + fixed) within
    10 %; they exceed the statistical-only widths by more than 3x. At sigma_d = 3 nm the widths
    grow (more than 2x) but stay below the linear propagation, which ignores that the traces
    themselves inform the thickness: the thickness posterior is narrower than its prior."""
    truth, _ = itr_sample
    trace = _fr_trace(itr_sample, 60, 1e-4, seed=0)
    free = {"W/Al2O3": "itr['W/Al2O3']", "quartz k": "stack.layers[3].conductivity"}
    path = "stack.layers[0].thickness"
    widths = {}
    for sd in (0.5e-9, 3e-9):
        result = sample(
            truth, trace, free, fixed_uncertainties={path: sd}, n_chains=2, n_warmup=200, n_draws=400, seed=3
        )
        widths[sd] = result.sd
        if sd == 0.5e-9:
            linear = fit_traces(
                truth, trace, free, fixed_uncertainties={path: sd}, absolute_sigma=True, warn_degenerate=False
            )
            for name in free:
                assert result.sd[name] == pytest.approx(linear.standard_errors[name], rel=0.10)
                assert result.sd[name] > 3 * linear.statistical_errors[name]
            assert result.sd[path] == pytest.approx(sd, rel=0.15)  # the data do not constrain the thickness
        else:
            linear = fit_traces(
                truth, trace, free, fixed_uncertainties={path: sd}, absolute_sigma=True, warn_degenerate=False
            )
            for name in free:
                assert 2 * widths[0.5e-9][name] < result.sd[name] < linear.standard_errors[name]
            assert result.sd[path] < 0.9 * sd


# ----------------------------------------------------------------------------- TTM
TTM_TIMES = np.arange(-0.2e-12, 1.6e-12 + 1e-18, 100e-15)
FILM = reflectance.DrudeThinFilm(film_thickness=18.2e-9)


def _ttm_params(coupling, delay):
    gold = dataclasses.replace(materials.GOLD, coupling_constant=coupling)
    source = sources.PulseSource(
        incident_fluence=0.0112, pulse_duration=140e-15, thermalisation_delay=delay, penetration_depth=15.3e-9
    )
    return ttm.single_layer(gold, 18.2e-9, source=source, initial_temperature=288.15)


class _TtmDrude:
    """Delta R / R of Au 18.2 nm through the two-temperature model (a generic trace model)."""

    config = ttm.Config(cells_per_layer=(6,), variant="A", coefficients="midpoint")
    edges = ttm.time_grid(
        -0.6e-12, TTM_TIMES[-1], 25e-15, fine_until=0.5e-12, growth=1.15, max_step=100e-15, output_times=TTM_TIMES
    )

    def __call__(self, params):
        solution = ttm.simulate(params, self.config, self.edges, output_times=TTM_TIMES, positions=[0.0])
        return ttm.drude_signal(solution, FILM, 288.15)


def test_sample_is_model_agnostic_ttm_coupling_and_delay():
    """G and t_h of Au sampled through `jt.ttm.simulate` (a Trace whose model runs the TTM):
    the 95 % intervals contain the truth (G = 2e16 W/m^3K, t_h = 250 fs), the chains mix
    (R-hat < 1.05) and the posterior widths agree with the least-squares standard errors
    within 30 % (the likelihood is near-Gaussian at 1 % noise)."""
    model = _TtmDrude()
    clean = np.asarray(model(_ttm_params(2.0e16, 250e-15)))
    sigma = 0.01 * np.max(np.abs(clean))
    data = clean + sigma * np.random.default_rng(5).standard_normal(clean.size)
    free = {"G": "layers[0].material.coupling_constant", "t_h": "source.thermalisation_delay"}
    start = _ttm_params(1.5e16, 200e-15)
    result = sample(
        start,
        Trace(model=model, data=data, sigma=sigma, name="Au"),
        free,
        n_chains=2,
        n_warmup=100,
        n_draws=150,
        seed=4,
    )
    for name, true in (("G", 2.0e16), ("t_h", 250e-15)):
        lo, hi = result.interval95[name]
        assert lo < true < hi
        assert result.rhat[name] < 1.05
        assert result.sd[name] == pytest.approx(result.fit.statistical_errors[name], rel=0.3)


# ----------------------------------------------------------------------------- bad input
def test_bad_input_is_named():
    """Mistakes raise errors that name the argument and unit instead of sampling nonsense."""
    trace = Trace(model=_line, data=np.ones(X.size), sigma=1.0)
    with pytest.raises(ValueError, match="noise"):
        sample({"a": 1.0, "b": 1.0}, trace, ["a", "b"], noise="estimated")
    with pytest.raises(ValueError, match="may change sign"):
        sample({"a": 1.0, "b": 1.0}, trace, ["a", "b"], positive=False)
    with pytest.raises(ValueError, match="fixed_uncertainties"):
        sample({"a": 1.0, "b": 1.0, "c": 2.0}, trace, ["a", "b"], fixed_uncertainties={"c": -1.0})
    with pytest.raises(ValueError, match="adaptation"):
        sample({"a": 1.0, "b": 1.0}, trace, ["a", "b"], adaptation="full")
    with pytest.raises(ValueError, match="n_chains"):
        sample({"a": 1.0, "b": 1.0}, trace, ["a", "b"], n_chains=0)
    with pytest.raises(ValueError, match="lower < upper"):
        Prior.log_uniform(2.0, 1.0)
    with pytest.raises(ValueError, match="grid"):
        profile({"a": 1.0, "b": 1.0}, trace, ["a", "b"], "a", [1.0, 0.5, 2.0])
