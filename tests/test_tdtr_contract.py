"""The TDTR package follows the shared model contract: `Params` (a pytree whose every physical
number, geometry included, is a differentiable leaf), `Config` (static, hashable, validated at
construction), `Solution` with named fields, `simulate(params, config, times)`, plus the fast path
`signal(params, config, delays)`; private one-concept modules re-exported explicitly."""

import dataclasses
import importlib
import pathlib

import jax
import numpy as np
import pytest

import jaxtherm as jt

L = jt.tdtr.Layer
PARAMS = jt.tdtr.Params(layers=[L(104e-9, 2.55e6, 158.1), L(np.inf, 1.6e6, 1.4)], resistances=[4.2e-9])
CONFIG = jt.tdtr.Config(200e3, 20e6, 26e-6, 12.5e-6, heat_at="front", probe_at="front")
TIMES = np.array([1e-10, 1e-9])


def test_contract_names_are_exported():
    """`jt.tdtr` exposes Params (= Stack), Config (= Setup), Solution, simulate and signal, and its
    private modules are the shared file names."""
    assert jt.tdtr.Params is jt.tdtr.Stack and jt.tdtr.Config is jt.tdtr.Setup
    for name in ("Params", "Config", "Solution", "simulate", "signal"):
        assert hasattr(jt.tdtr, name)
    package = pathlib.Path(jt.tdtr.__file__).parent
    for module in ("_params", "_setup", "_simulate", "_lockin", "_hankel", "_transfer"):
        assert (package / f"{module}.py").exists()
        importlib.import_module(f"jaxtherm.tdtr.{module}")
    public = [name for name in vars(jt.tdtr) if not name.startswith("_")]
    assert not any(getattr(jt.tdtr, name).__class__.__name__ == "module" for name in public), public


def test_params_is_a_pytree_of_differentiable_leaves_and_config_is_static():
    """Every number of Params (thicknesses included) is a leaf with a gradient; Config is frozen,
    hashable and validated when built."""
    leaves = jax.tree_util.tree_leaves(PARAMS)
    assert len(leaves) == 2 * 3 + 1
    grads = jax.grad(lambda p: jt.tdtr.simulate(p, CONFIG, TIMES).ratio.sum())(PARAMS)
    assert np.isfinite(grads.layers[0].thickness) and grads.layers[0].thickness != 0
    hash(CONFIG)
    with pytest.raises(dataclasses.FrozenInstanceError):
        CONFIG.modulation_frequency = 1e6
    with pytest.raises(ValueError, match=r"modulation_frequency.*Hz"):
        jt.tdtr.Config(-1.0, 20e6, one_dimensional=True)


def test_solution_field_names():
    """`simulate` returns a Solution (a pytree dataclass) with `times` (s) first, as the other models."""
    solution = jt.tdtr.simulate(PARAMS, CONFIG, TIMES)
    assert isinstance(solution, jt.tdtr.Solution)
    names = [field.name for field in dataclasses.fields(jt.tdtr.Solution)]
    assert names == ["times", "signal", "in_phase", "out_of_phase", "ratio", "phase"]
    assert all(np.shape(leaf) == TIMES.shape for leaf in jax.tree_util.tree_leaves(solution))
    batch = jax.vmap(lambda p: jt.tdtr.simulate(p, CONFIG, TIMES))(jt.tdtr.stack_batch([PARAMS, PARAMS]))
    np.testing.assert_array_equal(np.asarray(batch.signal[0]), np.asarray(solution.signal))
