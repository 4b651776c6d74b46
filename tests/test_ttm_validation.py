"""Bad inputs to the TTM raise clear errors naming the parameter and unit."""

import dataclasses

import numpy as np
import pytest

from jaxtherm import materials, sources, ttm

EDGES = ttm.uniform_time_grid(0.0, 1e-12, 10)


def test_cell_count_below_three():
    """A single layer with fewer than 3 cells is refused."""
    with pytest.raises(ValueError, match="cells_per_layer"):
        ttm.Config(cells_per_layer=(2,))


def test_unknown_boundary_and_mixed_periodic():
    """Unknown boundary kinds and half-periodic domains are refused."""
    with pytest.raises(ValueError, match="boundary kind"):
        ttm.Config(cells_per_layer=(10,), boundaries=("adiabatic", "insulated"))
    with pytest.raises(ValueError, match="periodic"):
        ttm.Config(cells_per_layer=(10,), boundaries=("periodic", "insulated"))


@pytest.mark.parametrize(
    "change,match",
    [
        (dict(sommerfeld_coefficient=-71.0), "sommerfeld"),
        (dict(coupling_constant=float("nan")), "NaN"),
        (dict(phonon_heat_capacity_constant=0.0), "phonon_heat_capacity"),
    ],
)
def test_bad_material_values(change, match):
    """Negative gamma, NaN G, zero Cp are refused before any computation."""
    params = ttm.single_layer(dataclasses.replace(materials.GOLD, **change), 100e-9)
    with pytest.raises(ValueError, match=match):
        ttm.simulate(params, ttm.Config(cells_per_layer=(10,)), EDGES)


def test_thickness_in_nanometres_is_caught():
    """A thickness of 100 (m) is a unit slip for 100 nm."""
    with pytest.raises(ValueError, match="nanometres"):
        ttm.simulate(ttm.single_layer(materials.GOLD, 100.0), ttm.Config(cells_per_layer=(10,)), EDGES)


def test_bad_time_grid_and_outputs():
    """Non-increasing step times and output times off the grid are refused."""
    params = ttm.single_layer(materials.GOLD, 100e-9)
    config = ttm.Config(cells_per_layer=(10,))
    with pytest.raises(ValueError, match="increasing"):
        ttm.simulate(params, config, np.array([0.0, 1e-12, 0.5e-12]))
    with pytest.raises(ValueError, match="not step edges"):
        ttm.simulate(params, config, EDGES, output_times=[0.123e-12])
    with pytest.raises(ValueError, match="end"):
        ttm.time_grid(1e-12, 0.0, 1e-15)
    with pytest.raises(ValueError, match="positions"):
        ttm.simulate(params, config, EDGES, positions=[50.0])


def test_layer_count_mismatch_and_bad_source():
    """Layers must match cells_per_layer; sources are validated (reflectivity < 1)."""
    params = ttm.single_layer(materials.GOLD, 100e-9)
    with pytest.raises(ValueError, match="layers"):
        ttm.simulate(params, ttm.Config(cells_per_layer=(10, 10)), EDGES)
    source = sources.PulseSource(incident_fluence=1.0, reflectivity=1.5, pulse_duration=1e-13, penetration_depth=1e-8)
    with pytest.raises(ValueError, match="reflectivity"):
        ttm.simulate(dataclasses.replace(params, source=source), ttm.Config(cells_per_layer=(10,)), EDGES)
