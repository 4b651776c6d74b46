"""Time grids with growing steps and non-uniform spatial grids."""

import numpy as np
import pytest

from jaxtherm import materials, ttm


def test_time_grid_phases_and_outputs():
    """Coarse steps before the pulse, fine steps during it, steps growing by the given ratio up
    to the cap after it; requested output times are exact step edges."""
    outputs = [0.123e-12, 1e-12, 4.9e-12]
    edges = ttm.time_grid(
        -0.5e-12,
        5e-12,
        4e-15,
        fine_from=-0.25e-12,
        fine_until=0.3e-12,
        growth=1.05,
        max_step=25e-15,
        output_times=outputs,
    )
    steps = np.diff(edges)
    assert edges[0] == -0.5e-12 and edges[-1] == 5e-12
    assert np.all(steps > 0) and steps.max() <= 25e-15 * (1 + 1e-9)
    before = steps[edges[1:] <= -0.25e-12 + 1e-20]
    np.testing.assert_allclose(before, 25e-15)
    during = steps[(edges[:-1] >= -0.25e-12) & (edges[1:] <= 0.12e-12)]
    assert np.all(during <= 4e-15 * (1 + 1e-9))
    for t in outputs:
        assert np.min(np.abs(edges - t)) < 1e-24
    growing = steps[(edges[:-1] >= 0.3e-12) & (edges[1:] <= 0.9e-12)]
    ratios = growing[1:] / growing[:-1]
    assert np.all(ratios <= 1.05 + 1e-9) and growing[0] < 5e-15 and growing[-1] == pytest.approx(25e-15)


def test_graded_grid_widths():
    """cell_growth makes consecutive cells wider by the given ratio and the layer thicknesses exact."""
    params = ttm.Params(layers=(ttm.Layer(materials.GOLD, 50e-9), ttm.Layer(materials.PLATINUM, 30e-9)))
    config = ttm.Config(cells_per_layer=(10, 5), cell_growth=(1.2, 1.0))
    grid = ttm.make_geometry(params, config)
    widths = np.asarray(grid.widths)
    np.testing.assert_allclose(widths[1:10] / widths[:9], 1.2)
    assert widths[:10].sum() == pytest.approx(50e-9) and widths[10:].sum() == pytest.approx(30e-9)
    np.testing.assert_allclose(widths[10:], 6e-9)
    assert float(grid.faces[-1]) == pytest.approx(80e-9)


def test_thomas_and_lapack_tridiagonal_solvers_agree():
    """Variant A gives the same temperatures with the LAPACK and the scan (Thomas) solver."""
    import jax.numpy as jnp

    from jaxtherm.ttm._linear_solvers import solve_tridiagonal_thomas

    rng = np.random.default_rng(3)
    lower, upper = -rng.random((2, 30)), -rng.random((2, 30))
    diag = 2.5 + rng.random((2, 30))
    rhs = rng.random((2, 30))
    dense = [np.diag(diag[c]) + np.diag(lower[c, 1:], -1) + np.diag(upper[c, :-1], 1) for c in range(2)]
    exact = np.stack([np.linalg.solve(dense[c], rhs[c]) for c in range(2)])
    np.testing.assert_allclose(
        solve_tridiagonal_thomas(*(jnp.asarray(a) for a in (lower, diag, upper, rhs))), exact, rtol=1e-12
    )
