"""`SampleResult.warnings()` and `summary()` say in words when the diagnostics fail: a run far too
short to trust must never print a clean report."""

import dataclasses

import jax.numpy as jnp
import numpy as np

from jaxtherm.fit import Prior, Trace, sample

X = np.linspace(0.0, 1.0, 30)


def _line(p):
    return p["a"] + p["b"] * jnp.asarray(X)


def test_a_too_short_run_is_reported_in_words():
    """2 chains x 8 draws cannot reach the bulk/tail ESS threshold (400): every parameter below it
    gets its own warning naming it and both ESS values, every R-hat above 1.01 gets one, the summary
    does not claim that the diagnostics pass, and divergences are counted in words."""
    y = 1.0 + 2.0 * X + 0.5 * np.random.default_rng(3).standard_normal(X.size)
    result = sample(
        {"a": 0.5, "b": 1.0},
        Trace(model=_line, data=y, sigma=0.5),
        ["a", "b"],
        positive=False,
        priors={"a": Prior.normal(0.0, 3.0), "b": Prior.normal(1.0, 2.0)},
        n_chains=2,
        n_warmup=10,
        n_draws=8,
        seed=0,
    )
    warnings = result.warnings()
    for name in ("a", "b"):
        low = min(result.ess_bulk[name], result.ess_tail[name])
        assert low < result.min_ess  # 16 draws in all
        assert any(w.startswith(f"Effective sample size of {name} is small") for w in warnings)
        has_rhat_warning = any(w.startswith(f"R-hat of {name} ") for w in warnings)
        assert has_rhat_warning == (not result.rhat[name] <= result.rhat_threshold)
    assert "Diagnostics pass" not in result.summary()
    assert not any("divergent" in w for w in warnings) or result.n_divergent > 0
    diverged = dataclasses.replace(result, n_divergent=7)
    assert any(w.startswith("7 divergent transitions") for w in diverged.warnings())
