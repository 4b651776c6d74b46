"""Multilayer TTM: interface conductances against the analytic series-resistance steady state."""

import dataclasses

import numpy as np
import pytest

from jaxtherm import materials, ttm


def test_steady_state_through_interface_conductances():
    """Ni 50 nm / W 50 nm with G = 0 between walls at 310 K and 300 K: each carrier carries
    q = dT / (L1/k1 + 1/h + L2/k2) (series resistances) and jumps by q/h at the interface
    (finite volumes are exact for the piecewise-linear steady profile)."""
    nickel = dataclasses.replace(materials.NICKEL, coupling_constant=0.0)
    tungsten = dataclasses.replace(materials.TUNGSTEN, coupling_constant=0.0)
    h_ee, h_pp = 2e9, 5e8
    params = ttm.Params(
        layers=(ttm.Layer(nickel, 50e-9), ttm.Layer(tungsten, 50e-9)),
        interfaces=(ttm.Interface(electron_conductance=h_ee, phonon_conductance=h_pp),),
        wall_temperatures=np.array([310.0, 300.0]),
    )
    config = ttm.Config(cells_per_layer=(10, 10), variant="B", boundaries="fixed")
    # Growing steps: the stiff (cell-scale) modes decay during the short early steps.
    edges = ttm.time_grid(0.0, 2e-9, 1e-15, fine_until=0.0, growth=1.03, max_step=10e-12)
    solution = ttm.simulate(params, config, edges, output_times=[2e-9])
    widths = np.asarray(solution.geometry.widths)
    for carrier, k1, k2, h in (
        ("electron", nickel.electron_conductivity_coefficient, tungsten.electron_conductivity_coefficient, h_ee),
        ("phonon", nickel.phonon_conductivity_constant, tungsten.phonon_conductivity_constant, h_pp),
    ):
        temperature = np.asarray(getattr(solution, f"{carrier}_temperature")[-1])
        flux = 10.0 / (50e-9 / k1 + 1.0 / h + 50e-9 / k2)
        jump = temperature[9] - temperature[10]
        expected_jump = flux * (widths[9] / (2 * k1) + 1.0 / h + widths[10] / (2 * k2))
        assert jump == pytest.approx(expected_jump, rel=1e-6)
        # Linear inside each layer with slopes -q/k.
        np.testing.assert_allclose(np.diff(temperature[:10]) / widths[0], -flux / k1, rtol=1e-6)
        np.testing.assert_allclose(np.diff(temperature[10:]) / widths[10], -flux / k2, rtol=1e-6)
    # Energy entering through the hot wall minus that leaving through the cold one is stored.
    assert abs(float(solution.energy_error[-1])) < 1e-9 * abs(float(solution.stored_energy[-1]))
