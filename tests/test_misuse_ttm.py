"""Misuse of the TTM public entries: a named error (class, parameter and unit) or a correct value.

Every case is one a user can type; none may end in a silent NaN, a plausible wrong number
or a raw JAX traceback.
"""

import dataclasses

import jax
import numpy as np
import pytest

from jaxtherm import materials, sources, ttm

EDGES = ttm.uniform_time_grid(0.0, 1e-12, 10)
CONFIG = ttm.Config(cells_per_layer=(10,))


def _film(thickness=100e-9, **kwargs):
    return ttm.single_layer(materials.GOLD, thickness, **kwargs)


@pytest.mark.parametrize(
    "thickness,words",
    [
        (-50e-9, ["layers[0].thickness", "> 0", "m"]),
        (float("nan"), ["layers[0].thickness", "NaN", "m"]),
        (80.0, ["layers[0].thickness", "nanometres", "m"]),
    ],
)
def test_bad_thickness(thickness, words):
    """Negative, NaN and nm-as-m thicknesses are refused naming the field and metres."""
    with pytest.raises(ValueError) as info:
        ttm.simulate(_film(thickness), CONFIG, EDGES)
    for word in words:
        assert word in str(info.value)


def test_unknown_boundary_condition():
    """An unknown wall kind names the wall, the carrier and the known kinds."""
    with pytest.raises(ValueError, match="boundary kind of the right wall for phonons") as info:
        ttm.Config(cells_per_layer=(10,), boundaries=("insulated", ("insulated", "adiabatic")))
    assert "insulated" in str(info.value) and "fixed" in str(info.value)


def test_mismatched_shapes():
    """Per-cell initial fields of the wrong length, a (3,) wall array and layers that do not
    match cells_per_layer are refused naming the field (K for temperatures)."""
    with pytest.raises(ValueError, match=r"initial_condition\[0\] \(Te0\) must have shape \(10,\)"):
        ttm.simulate(_film(initial_condition=(np.full(7, 300.0), np.full(7, 300.0))), CONFIG, EDGES)
    with pytest.raises(ValueError, match="wall_temperatures.*K"):
        ttm.simulate(_film(wall_temperatures=np.full(3, 300.0)), CONFIG, EDGES)
    with pytest.raises(ValueError, match="cells_per_layer"):
        ttm.simulate(_film(), ttm.Config(cells_per_layer=(5, 5)), EDGES)
    with pytest.raises(ValueError, match=r"wall_temperatures must be > 0 \(in K\)"):
        ttm.simulate(_film(wall_temperatures=-10.0), ttm.Config(cells_per_layer=(10,), boundaries="fixed"), EDGES)


def test_bad_times_and_positions():
    """Decreasing or NaN times (s) and depths given in nm (m expected) are refused."""
    with pytest.raises(ValueError, match=r"times must be strictly increasing \(s\)"):
        ttm.simulate(_film(), CONFIG, EDGES[::-1])
    with pytest.raises(ValueError, match="times contains NaN.*s"):
        ttm.simulate(_film(), CONFIG, np.array([0.0, np.nan, 1e-12]))
    with pytest.raises(ValueError, match="positions.*metres"):
        ttm.simulate(_film(), CONFIG, EDGES, positions=[50.0])


def test_pulse_duration_in_femtoseconds():
    """A pulse duration written in fs (96) instead of s names the field and the unit."""
    source = sources.PulseSource(incident_fluence=1.0, pulse_duration=96.0, penetration_depth=15e-9)
    with pytest.raises(ValueError, match="pulse_duration.*seconds"):
        ttm.simulate(_film(source=source), CONFIG, EDGES)


def test_params_of_the_wrong_type():
    """A dict instead of ttm.Params is a TypeError naming the expected class."""
    with pytest.raises(TypeError, match="jaxtherm.ttm.Params"):
        ttm.simulate({"layers": ()}, CONFIG, EDGES)


def test_step_too_long_for_variant_a_names_the_largest_stable_step():
    """Variant A with Pt and 1 ps steps: refused, naming times, the unit and the largest step."""
    params = ttm.single_layer(materials.PLATINUM, 50e-9)
    config = ttm.Config(cells_per_layer=(10,), variant="A")
    limit = ttm.max_stable_step(params, config)
    with pytest.raises(ValueError, match="largest stable step") as info:
        ttm.simulate(params, config, ttm.uniform_time_grid(0.0, 10e-12, 10))
    assert f"{limit:.3e} s" in str(info.value)
    ttm.simulate(params, config, ttm.uniform_time_grid(0.0, 40 * 0.9 * limit, 40))  # just below: accepted


def test_cold_wall_tightens_the_variant_a_limit():
    """A fixed wall at 30 K (Ce = gamma T small there) lowers the variant-A limit below the one
    of the 300 K film: the check covers the wall temperatures, not only the initial state."""
    warm = ttm.max_stable_step(_film(), ttm.Config(cells_per_layer=(10,), variant="A"))
    params = _film(wall_temperatures=30.0)
    config = ttm.Config(cells_per_layer=(10,), variant="A", boundaries="fixed", check_stability=True)
    cold = ttm.max_stable_step(params, config)
    assert cold < 0.5 * warm


@pytest.mark.parametrize("wall", [10.0, 1000.0])
def test_fixed_wall_far_from_film_temperature(wall):
    """Walls at 10 K or 1000 K next to a 300 K film: the first step beyond the largest safe
    step is refused naming it; a run within it stays finite, positive and between the wall
    and film temperatures (maximum principle), with the energy balance closed."""
    params = _film(wall_temperatures=wall)
    config = ttm.Config(cells_per_layer=(20,), boundaries="fixed")
    safe = ttm.max_stable_step(params, config)
    with pytest.raises(ValueError, match="largest safe step") as info:
        ttm.simulate(params, config, ttm.uniform_time_grid(0.0, 100e-12, 100))
    assert f"{safe:.3e} s" in str(info.value)
    solution = ttm.simulate(params, config, ttm.uniform_time_grid(0.0, 400 * safe, 400))
    for field in (solution.electron_temperature, solution.phonon_temperature):
        values = np.asarray(field)
        assert np.all(np.isfinite(values))
        assert values.min() >= min(wall, 300.0) - 1e-9 and values.max() <= max(wall, 300.0) + 1e-9
    assert abs(float(solution.energy_error[-1])) < 1e-9 * abs(float(np.sum(solution.wall_heat_out[-1])))


def test_run_that_goes_non_physical_is_refused_not_returned():
    """A cold wall whose first step is safe but whose steps then grow to 1 ps drives the
    electrons negative: simulate raises naming the largest safe step instead of returning it."""
    params = _film(wall_temperatures=10.0)
    config = ttm.Config(cells_per_layer=(20,), boundaries="fixed")
    safe = ttm.max_stable_step(params, config)
    edges = ttm.time_grid(0.0, 50e-12, safe / 1.06, fine_until=0.0, growth=1.05, max_step=1e-12)
    with pytest.raises(ValueError, match="non-physical temperatures.*largest safe step"):
        ttm.simulate(params, config, edges)


def test_validate_batch_names_the_member():
    """A batch (leading axis) with one negative thickness names the member index and the field."""
    params = _film()
    batch = jax.tree_util.tree_map(lambda leaf: np.stack([leaf, leaf, leaf]), params)
    batch = dataclasses.replace(
        batch, layers=(dataclasses.replace(batch.layers[0], thickness=np.array([80e-9, -1e-9, 90e-9])),)
    )
    with pytest.raises(ValueError, match=r"batch member 1: layers\[0\].thickness must be > 0 \(in m\)"):
        batch.validate_batch()
    good = dataclasses.replace(
        batch, layers=(dataclasses.replace(batch.layers[0], thickness=np.array([80e-9, 85e-9, 90e-9])),)
    )
    good.validate_batch()
    hot = dataclasses.replace(good, wall_temperatures=np.array([300.0, 300.0, np.nan]))
    with pytest.raises(ValueError, match="batch member 2: wall_temperatures contains NaN.*K"):
        hot.validate_batch()
