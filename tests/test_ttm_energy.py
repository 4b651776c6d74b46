"""Energy bookkeeping of the TTM: absorbed = stored (+ wall losses), to round-off."""

import dataclasses

import numpy as np
import pytest

from jaxtherm import materials, sources, ttm

SOURCE = sources.PulseSource(
    incident_fluence=10.0, reflectivity=0.93, pulse_duration=96e-15, penetration_depth=15.3e-9, peak_time=0.3e-12
)
EDGES = ttm.time_grid(0.0, 3e-12, 5e-15, fine_until=0.8e-12, growth=1.05, max_step=50e-15)


def gold_on_platinum_on_alumina():
    return ttm.Params(
        layers=(
            ttm.Layer(materials.GOLD, 58e-9),
            ttm.Layer(materials.PLATINUM, 23e-9),
            ttm.Layer(materials.ALUMINA, 20e-9),
        ),
        interfaces=(
            ttm.Interface(electron_conductance=5e10, phonon_conductance=3e8),
            ttm.Interface(phonon_conductance=2e8, electron_phonon_conductance=5e7),
        ),
        source=SOURCE,
    )


@pytest.mark.parametrize("variant", ["A", "B"])
def test_single_layer_insulated_conserves_energy(variant):
    """Au film, insulated walls: energy stored in electrons + phonons equals the absorbed
    energy to 1e-6 relative (exactly, to round-off, with the energy update), both variants."""
    params = ttm.single_layer(materials.GOLD, 100e-9, source=SOURCE)
    config = ttm.Config(cells_per_layer=(40,), variant=variant)
    solution = ttm.simulate(params, config, EDGES, positions=[0.0])
    absorbed = float(solution.absorbed_energy[-1])
    assert absorbed == pytest.approx(float(SOURCE.total_energy(100e-9)), rel=1e-4)
    assert abs(float(solution.energy_error[-1])) < 1e-10 * absorbed
    assert np.max(np.abs(np.asarray(solution.energy_error))) < 1e-10 * absorbed


def test_multilayer_with_interfaces_conserves_energy():
    """Au/Pt/Al2O3 stack with e-e, p-p and direct e-p (metal -> non-metal) interface
    conductances, variant B: absorbed = stored to 1e-10 relative."""
    config = ttm.Config(cells_per_layer=(20, 10, 6), cell_growth=(1.05, 1.0, 1.2), variant="B")
    solution = ttm.simulate(gold_on_platinum_on_alumina(), config, EDGES)
    absorbed = float(solution.absorbed_energy[-1])
    assert absorbed > 0.5
    assert abs(float(solution.energy_error[-1])) < 1e-10 * absorbed
    # Heat reached the non-metal through the phonon and the direct electron channel.
    alumina = np.asarray(solution.phonon_temperature[-1, 30:])
    assert np.all(alumina > 300.0)


def test_fixed_wall_losses_are_booked():
    """Phonons held at 300 K at the rear wall (DUGKS IV.5 set-up): stored = absorbed + wall
    energy (negative: heat leaves), to 1e-10 relative; with no source nothing changes."""
    params = ttm.single_layer(materials.GOLD, 100e-9, source=SOURCE)
    config = ttm.Config(cells_per_layer=(40,), variant="B", boundaries=("insulated", ("insulated", "fixed")))
    edges = np.concatenate([EDGES, np.linspace(3e-12, 200e-12, 101)[1:]])
    solution = ttm.simulate(params, config, edges, positions=[0.0])
    wall = -float(np.sum(solution.wall_heat_out[-1]))  # net energy that entered through the walls
    assert wall < -1e-3 * float(solution.absorbed_energy[-1])
    assert abs(float(solution.energy_error[-1])) < 1e-10 * float(solution.absorbed_energy[-1])
    quiet = ttm.simulate(dataclasses.replace(params, source=None), config, edges, positions=[0.0])
    np.testing.assert_allclose(quiet.electron_temperature, 300.0, rtol=0, atol=1e-10)


def test_paper_temperature_update_is_first_order_in_energy():
    """The printed update T += dT with lagged Ce = gamma Te does not conserve the exact
    energy gamma T^2/2 (error O(dt)); the energy update does. Quantifies the difference."""
    params = ttm.single_layer(materials.GOLD, 100e-9, source=SOURCE)
    config = ttm.Config(cells_per_layer=(40,), variant="A", temperature_update="temperature")
    solution = ttm.simulate(params, config, EDGES, positions=[0.0])
    relative = abs(float(solution.energy_error[-1])) / float(solution.absorbed_energy[-1])
    assert 1e-6 < relative < 2e-2
