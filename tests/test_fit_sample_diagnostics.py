"""Convergence diagnostics against processes whose effective sample size is known exactly."""

import numpy as np
import pytest

from jaxtherm.fit import SampleResult
from jaxtherm.fit._diagnostics import ess_basic, ess_bulk, ess_tail, split_rhat
from jaxtherm.fit._modes import mode_records


def _ar1(rho, n_chains, n, seed):
    rng = np.random.default_rng(seed)
    x = np.empty((n_chains, n))
    x[:, 0] = rng.standard_normal(n_chains) / np.sqrt(1 - rho**2)
    for t in range(1, n):
        x[:, t] = rho * x[:, t - 1] + rng.standard_normal(n_chains)
    return x


@pytest.mark.parametrize("rho", [0.0, 0.5, 0.9])
def test_ess_of_ar1_matches_its_integrated_autocorrelation_time(rho):
    """For an AR(1) chain x_t = rho x_(t-1) + e_t the integrated autocorrelation time is
    (1 + rho)/(1 - rho): ESS = N (1 - rho)/(1 + rho). Bulk and basic ESS agree within 15 %."""
    x = _ar1(rho, 4, 5000, seed=1)
    expected = x.size * (1 - rho) / (1 + rho)
    assert ess_basic(x) == pytest.approx(expected, rel=0.15)
    assert ess_bulk(x) == pytest.approx(expected, rel=0.15)
    # A 5 %/95 % quantile indicator decorrelates faster than the chain itself (its lag-1
    # correlation is below rho), so its ESS lies between the chain's ESS and N.
    assert 0.85 * expected < ess_tail(x) < 1.15 * x.size


def test_rhat_is_one_for_mixed_chains_and_flags_disagreeing_chains():
    """Independent chains of one distribution give split-R-hat < 1.01; one chain shifted
    by one standard deviation, or a chain whose scale differs (folded R-hat), gives > 1.01."""
    rng = np.random.default_rng(2)
    mixed = rng.standard_normal((4, 2000))
    assert split_rhat(mixed) < 1.01
    shifted = mixed.copy()
    shifted[0] += 1.0
    assert split_rhat(shifted) > 1.05
    scaled = mixed.copy()
    scaled[0] *= 3.0
    assert split_rhat(scaled) > 1.01
    drifting = mixed + np.linspace(0, 2, 2000)[None, :]  # each chain drifts: split halves disagree
    assert split_rhat(drifting) > 1.05


def test_against_arviz_when_installed():
    """Our split-R-hat and bulk/tail ESS equal ArviZ's (rank-normalised, Vehtari et al. 2021) within 2 %."""
    arviz = pytest.importorskip("arviz")
    x = _ar1(0.7, 4, 1000, seed=3)
    assert split_rhat(x) == pytest.approx(float(arviz.rhat(x)), rel=2e-3)
    assert ess_bulk(x) == pytest.approx(float(arviz.ess(x, method="bulk")), rel=0.02)
    assert ess_tail(x) == pytest.approx(float(arviz.ess(x, method="tail")), rel=0.02)


def _two_mode_result(shift_inside):
    """Four chains of iid draws: chains 0, 2 in a mode at -5, chains 1, 3 at +5 (chain 2 offset by `shift_inside`)."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((4, 400)) + np.array([-5.0, 5.0, -5.0 + shift_inside, 5.0])[:, None]
    mode_index = (x > 0).astype(int)
    draws = {"a": x}
    rows = [(np.array([-5.0]), 0.0), (np.array([5.0]), 0.5)]
    modes = mode_records(
        rows, 0.0, mode_index, np.array([0.5, 0.5]), [0.5, 0.5], np.array([0, 1, 0, 1]), draws, ("a",), ("a",)
    )
    one = {"a": 0.0}
    return SampleResult(
        names=("a",),
        nuisance_names=(),
        noise_names=(),
        draws=draws,
        weights=np.full(x.shape, 1 / x.size),
        mode_index=mode_index,
        log_density=np.zeros(x.shape),
        rhat={"a": split_rhat(x)},
        ess_bulk={"a": 1e4},
        ess_tail={"a": 1e4},
        median=one,
        interval68={"a": (0, 0)},
        interval95={"a": (0, 0)},
        mean=one,
        sd=one,
        correlation=np.eye(1),
        modes=modes,
        mass_method="test",
        n_divergent=0,
        step_size=np.ones(4),
        fit=None,
    )


def test_separated_modes_are_judged_by_their_mixing_inside_each_mode():
    """Chains that sit in two separated modes have a pooled R-hat far above 1 by design. When the
    chains inside each mode agree, the within-mode R-hat is ~1 and no R-hat warning is raised; when
    two chains of one mode disagree (offset by 1 sd), the warning names that mode."""
    mixed = _two_mode_result(0.0)
    assert mixed.rhat["a"] > 1.5
    assert all(m.rhat["a"] < 1.01 for m in mixed.modes)
    assert not any("R-hat" in w for w in mixed.warnings())
    assert "R-hat inside <=" in mixed.summary()
    unmixed = _two_mode_result(1.0)
    assert unmixed.modes[0].rhat["a"] > 1.05 and unmixed.modes[1].rhat["a"] < 1.01
    assert any("inside mode 1" in w for w in unmixed.warnings())
