"""`SampleResult.to_inference_data`: optional ArviZ conversion, a clear error without arviz."""

import sys
import types

import numpy as np
import pytest

from jaxtherm.fit import SampleResult


def _result(n_chains=3, n_draws=7):
    rng = np.random.default_rng(0)
    draws = {"a": rng.standard_normal((n_chains, n_draws)), "q": rng.standard_normal((n_chains, n_draws))}
    one = {k: 0.0 for k in draws}
    return SampleResult(
        names=("a",),
        nuisance_names=("q",),
        noise_names=(),
        draws=draws,
        weights=np.full((n_chains, n_draws), 1.0 / (n_chains * n_draws)),
        mode_index=np.zeros((n_chains, n_draws), dtype=int),
        log_density=rng.standard_normal((n_chains, n_draws)),
        rhat=one,
        ess_bulk=one,
        ess_tail=one,
        median=one,
        interval68={k: (0.0, 0.0) for k in draws},
        interval95={k: (0.0, 0.0) for k in draws},
        mean=one,
        sd=one,
        correlation=np.eye(1),
        modes=(),
        mass_method="single mode",
        n_divergent=0,
        step_size=np.ones(n_chains),
        fit=None,
    )


def test_missing_arviz_raises_a_clear_import_error(monkeypatch):
    """Without arviz the conversion names the package and says it is optional (no bare ModuleNotFoundError)."""
    monkeypatch.setitem(sys.modules, "arviz", None)  # makes `import arviz` fail
    with pytest.raises(ImportError, match=r"to_inference_data needs arviz \(pip install arviz\); it is optional"):
        _result().to_inference_data()


def test_conversion_hands_arviz_chain_by_draw_arrays(monkeypatch):
    """ArviZ's `from_dict` expects (chain, draw) arrays: every sampled name (free and nuisance)
    arrives with the draws unchanged, and the log density and mode labels as sample statistics."""
    seen = {}
    fake = types.ModuleType("arviz")
    fake.from_dict = lambda **kwargs: seen.update(kwargs) or "inference-data"
    monkeypatch.setitem(sys.modules, "arviz", fake)
    result = _result()
    assert result.to_inference_data() == "inference-data"
    assert set(seen["posterior"]) == {"a", "q"}
    for name in ("a", "q"):
        np.testing.assert_array_equal(seen["posterior"][name], result.draws[name])
        assert seen["posterior"][name].shape == (3, 7)
    np.testing.assert_array_equal(seen["sample_stats"]["lp"], result.log_density)
    assert seen["sample_stats"]["mode"].shape == (3, 7)
