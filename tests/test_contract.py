"""One solver contract for the time-domain models: the same objects, entry points and names.

Each model package in `MODELS` exposes `Params`, `Config`, `State`, `Solution`,
`simulate(params, config, times, ...)` and `step(params, config, state, dt, ...)`;
their `Solution`s share the field names of `SHARED_SOLUTION_FIELDS` with the same
meaning and sign convention (checked on a run of each). Add a package to `MODELS`
(with a `tiny_problem` factory) to put it under the same contract.
"""

import dataclasses
import inspect

import jax
import numpy as np
import pytest

from jaxtherm import dugks, materials, sources, ttm

SHARED_SOLUTION_FIELDS = {
    "times",
    "positions",
    "electron_temperature",
    "phonon_temperature",
    "wall_temperatures",
    "absorbed_energy",
    "stored_energy",
    "wall_heat_out",
    "final_state",
    "geometry",
    "n_steps",
}
SHARED_SOLUTION_PROPERTIES = {
    "energy_error",
    "front_electron_temperature",
    "front_phonon_temperature",
    "rear_electron_temperature",
    "rear_phonon_temperature",
    "length",
}
SHARED_PARAMS_FIELDS = {"layers", "source", "initial_temperature", "wall_temperatures"}
SHARED_CONFIG_FIELDS = {"cells_per_layer", "cell_growth", "boundaries", "progress"}


def _source():
    return sources.PulseSource(incident_fluence=0.5, pulse_duration=100e-15, penetration_depth=15e-9)


def _ttm_problem():
    """Au 60 nm heated at x = 0, phonons held at 300 K at the rear wall: heat leaves there."""
    params = ttm.single_layer(materials.GOLD, 60e-9, source=_source())
    config = ttm.Config(cells_per_layer=(12,), boundaries=("insulated", ("insulated", "fixed")))
    return params, config, ttm.uniform_time_grid(-0.3e-12, 3e-12, 330)


def _dugks_problem():
    """The same film and walls for the kinetic solver."""
    params = dugks.Params(layers=(dugks.Layer(materials.GOLD, 60e-9),), source=_source())
    config = dugks.Config(cells_per_layer=12, n_ordinates=8, boundaries=("specular", ("specular", "isothermal")))
    return params, config, np.linspace(-0.3e-12, 3e-12, 34)


MODELS = [("ttm", ttm, _ttm_problem), ("dugks", dugks, _dugks_problem)]
IDS = [name for name, _, _ in MODELS]


@pytest.mark.parametrize("name,package,problem", MODELS, ids=IDS)
def test_package_exposes_the_contract(name, package, problem):
    """Params (pytree), Config (frozen, hashable), State, Solution, simulate and step exist,
    with the argument order (params, config, times) and (params, config, state, dt)."""
    for attribute in (
        "Params",
        "Config",
        "State",
        "Solution",
        "simulate",
        "step",
        "initial_state",
        "Geometry",
        "Layer",
        "fit_coupling_and_delay",
        "model_trace",
        "make_geometry",
    ):
        assert hasattr(package, attribute), f"{name} lacks {attribute}"
    assert list(inspect.signature(package.simulate).parameters)[:3] == ["params", "config", "times"]
    assert list(inspect.signature(package.step).parameters)[:4] == ["params", "config", "state", "dt"]
    fit_arguments = list(inspect.signature(package.fit_coupling_and_delay).parameters)
    assert fit_arguments[:6] == ["params", "config", "times", "measured_times", "measured", "reflectance_model"]
    params, config, _ = problem()
    hash(config)
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.cells_per_layer = (3,)
    assert SHARED_PARAMS_FIELDS <= {f.name for f in dataclasses.fields(package.Params)}
    assert SHARED_CONFIG_FIELDS <= {f.name for f in dataclasses.fields(package.Config)}
    # Every layer thickness is a differentiable leaf of Params, none is in Config.
    leaves = jax.tree_util.tree_leaves(params)
    assert any(leaf is params.layers[0].thickness for leaf in leaves)


def test_solution_field_names_agree():
    """All packages' Solutions have the shared fields and properties, with the same names."""
    for name, package, _ in MODELS:
        fields = {f.name for f in dataclasses.fields(package.Solution)}
        assert SHARED_SOLUTION_FIELDS <= fields, f"{name}: missing {SHARED_SOLUTION_FIELDS - fields}"
        for prop in SHARED_SOLUTION_PROPERTIES:
            assert hasattr(package.Solution, prop), f"{name}: Solution lacks {prop}"


@pytest.mark.parametrize("name,package,problem", MODELS, ids=IDS)
def test_shared_fields_mean_the_same(name, package, problem):
    """On the same heated film with a rear wall at 300 K: wall_heat_out > 0 (heat leaves),
    energy_error = stored - (absorbed - wall_heat_out) is ~0 (same sign convention),
    the front temperature is the hottest and `positions` are the cell centres (m)."""
    params, config, times = problem()
    solution = package.simulate(params, config, times)
    absorbed = float(solution.absorbed_energy[-1])
    out = np.asarray(solution.wall_heat_out[-1])
    assert absorbed > 0 and out.shape == (2, 2)
    assert out.sum() > 1e-4 * absorbed  # heat left through the rear wall
    assert abs(float(solution.energy_error[-1])) < 1e-8 * absorbed
    assert float(solution.stored_energy[-1]) == pytest.approx(absorbed - out.sum(), rel=1e-8)
    np.testing.assert_allclose(solution.times, times, rtol=0, atol=1e-24)
    np.testing.assert_allclose(solution.positions, solution.geometry.centres, rtol=1e-14)
    assert float(solution.length) == pytest.approx(60e-9, rel=1e-14)
    assert float(np.max(solution.front_electron_temperature)) >= float(np.max(solution.rear_electron_temperature))
    assert solution.wall_temperatures.shape == (len(solution.times), 2, 2)
