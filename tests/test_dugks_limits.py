"""DUGKS against independent solutions in its two limits (DUGKS paper IV.3-IV.4).

* ballistic: gray slab between black (isothermal) walls, solved independently
  here from the Heaslet-Warming integral equation (Nystrom, exact panel
  integrals of the exponential integrals);
* diffusive: heat equation / exact two-temperature grating solution with cells
  much larger than the mean free path (asymptotic preservation);
* steady coupled Au slab: linear profile (Fig. 6, L = 10 um, 40 cells);
* small gratings: electron temperature waves and Te - Tp < 0 (Fig. 7).
"""

import dataclasses

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from scipy.linalg import expm
from scipy.special import expn

from jaxtherm import dugks, materials

GOLD_300K = materials.GOLD_300K


def heaslet_warming_flux(optical_thickness, n_panels=800):
    """Dimensionless heat flux Psi = q / (C v dT / 4) through a gray slab with black walls.

    The emissive-power profile phi(t) = (e_b(t) - e_2)/(e_1 - e_2) solves
    phi(t) = 1/2 [E2(t) + int_0^tL phi(s) E1(|t - s|) ds]; Psi = 1 - 2 int_0^tL phi E2 dt.
    Piecewise-constant phi with panel integrals of E1 and E2 done exactly (E2, E3).
    """
    edges = np.linspace(0.0, optical_thickness, n_panels + 1)
    mid = 0.5 * (edges[1:] + edges[:-1])
    near = np.abs(mid[:, None] - edges[None, :-1])
    far = np.abs(mid[:, None] - edges[None, 1:])
    kernel = np.abs(expn(2, np.minimum(near, far)) - expn(2, np.maximum(near, far)))
    i = np.arange(n_panels)
    kernel[i, i] = 2.0 - expn(2, near[i, i]) - expn(2, far[i, i])
    phi = np.linalg.solve(np.eye(n_panels) - 0.5 * kernel, 0.5 * expn(2, mid))
    return 1.0 - 2.0 * np.sum(phi * (expn(3, edges[:-1]) - expn(3, edges[1:])))


def test_heaslet_warming_reference_matches_published_values():
    """The integral-equation reference reproduces Heaslet & Warming's tabulated fluxes
    (0.9157, 0.5534, 0.1167 for optical thickness 0.1, 1, 10) and the two limits."""
    assert heaslet_warming_flux(0.1) == pytest.approx(0.9157, abs=2e-4)
    assert heaslet_warming_flux(1.0) == pytest.approx(0.5534, abs=2e-4)
    assert heaslet_warming_flux(10.0) == pytest.approx(0.1167, abs=2e-4)
    # diffusion with jump conditions: Psi -> 1 / (1 + 3 tL / 4)
    assert heaslet_warming_flux(100.0, 1500) == pytest.approx(1.0 / (1.0 + 0.75 * 100.0), rel=0.01)


def test_ballistic_slab_flux_matches_heaslet_warming():
    """With G = 0 and isothermal walls, the steady electron heat flux through a gray slab
    q / (C v dT / 4) equals the integral-equation value within 1 % for L/lambda = 0.1, 1, 10
    (one compiled run, vmapped over the relaxation time)."""
    length, capacity, speed = 100e-9, 2.0e4, 1.36e6
    ratios = np.array([0.1, 1.0, 10.0])
    conductivities = capacity * speed * (length / ratios) / 3.0  # lambda = 3 kappa / (C v)
    walls = np.array([[301.0, 301.0], [299.0, 299.0]])
    base = dataclasses.replace(GOLD_300K, coupling_constant=0.0)
    config = dugks.Config(cells_per_layer=40, cfl=0.8, boundaries="isothermal", max_speed=speed, with_source=False)
    times = np.linspace(0.0, 100 * length / speed, 5)

    def run(kappa):
        material = dataclasses.replace(base, electron_conductivity_coefficient=kappa)
        return dugks.simulate(
            dugks.Params(layers=(dugks.Layer(material, length),), wall_temperatures=walls), config, times
        )

    solutions = jax.vmap(run)(jnp.asarray(conductivities))
    psi = np.asarray(solutions.electron_heat_flux[:, -1, :]) / (capacity * speed * 2.0 / 4.0)
    expected = np.array([heaslet_warming_flux(r) for r in ratios])
    np.testing.assert_allclose(psi.mean(axis=1), expected, rtol=0.01)
    # steady: the flux is uniform across the slab
    assert np.all(psi.std(axis=1) < 5e-3 * psi.mean(axis=1))


def test_diffusive_grating_decay_with_coarse_cells_is_asymptotic_preserving():
    """Electrons alone (G = 0) in a 10 um periodic slab with 250 nm and 125 nm cells (7x and
    3.5x the 35 nm mean free path): a sine temperature decays at the heat-equation rate
    alpha k^2 within 1.5 % and 0.5 % (the error falls faster than second order). A plain
    discrete-ordinate upwind scheme would add a numerical diffusivity ~ v dx / 6, several
    times the physical one, and decay e^3 times too fast."""
    length = 10e-6
    material = dataclasses.replace(GOLD_300K, coupling_constant=0.0)
    alpha = 320.0 / 2.0e4
    k = 2 * np.pi / length
    t_end = 1.0 / (alpha * k * k)
    for cells, tolerance in ((40, 0.015), (80, 0.005)):
        config = dugks.Config(
            cells_per_layer=cells,
            cfl=0.8,
            boundaries="periodic",
            initial_condition="grating",
            with_source=False,
            n_ordinates=16,
        )
        solution = dugks.simulate(
            dugks.Params(layers=(dugks.Layer(material, length),), grating_amplitude=1.0),
            config,
            np.linspace(0.0, t_end, 6),
        )
        x = np.asarray(solution.positions)
        te = np.asarray(solution.electron_temperature) - 300.0
        # amplitude of the sine mode at every output (projection on the cell centres)
        amplitude = te @ np.sin(k * x) / np.sum(np.sin(k * x) ** 2)
        expected = np.exp(-alpha * k * k * np.asarray(solution.times))
        np.testing.assert_allclose(amplitude, expected, rtol=tolerance)


def test_steady_coupled_slab_is_linear_in_the_diffusive_limit():
    """Au (eq. 49 conductivity, G = 2.6e16) between isothermal walls at 305 K and 295 K,
    L = 10 um with 40 cells (250 nm >> 33 nm electron mean free path): the steady Te and
    Tp are linear within 1 % of the wall difference (Fig. 6b). The phonon heat capacity
    is divided by 500 and the phonon speed multiplied by 500: that keeps the mean free
    path and C v (hence the steady state) unchanged while shortening the transient."""
    scale = 500.0
    gold = dataclasses.replace(
        materials.GOLD, phonon_heat_capacity_constant=2.5e6 / scale, phonon_speed=2142.86 * scale
    )
    walls = np.array([[305.0, 305.0], [295.0, 295.0]])
    length = 10e-6
    alpha = 318.0 / (2.5e6 / scale + 71.0 * 300.0)
    config = dugks.Config(cells_per_layer=40, cfl=0.8, boundaries="isothermal", with_source=False, n_ordinates=16)
    solution = dugks.simulate(
        dugks.Params(layers=(dugks.Layer(gold, length),), wall_temperatures=walls),
        config,
        np.linspace(0.0, 0.8 * length**2 / alpha, 3),
    )
    x = np.asarray(solution.positions)
    linear = 305.0 - 10.0 * x / length
    for field in (solution.electron_temperature, solution.phonon_temperature):
        deviation = np.abs(np.asarray(field[-1]) - linear).max() / 10.0
        assert deviation < 0.01


def _grating_exact(length, times, material):
    """Exact TTM grating: the sine mode amplitudes (Te, Tp) obey a 2x2 linear ODE."""
    k = 2 * np.pi / length
    ce, cp = material.electron_heat_capacity_constant, material.phonon_heat_capacity_constant
    ke, kp, g = (
        material.electron_conductivity_coefficient,
        material.phonon_conductivity_constant,
        material.coupling_constant,
    )
    matrix = np.array([[-ke * k * k / ce - g / ce, g / ce], [g / cp, -kp * k * k / cp - g / cp]])
    return np.array([expm(matrix * t) @ np.array([1.0, 0.0]) for t in times])


def test_grating_1um_matches_exact_ttm():
    """Grating L = 1 um at 300 K (Table 1, 40 cells, 40 ordinates): Te and Tp at x = L/4 agree
    with the exact two-temperature solution within 2 % of dT over 10 ps (Fig. 7c,f)."""
    length = 1e-6
    config = dugks.Config(
        cells_per_layer=40, cfl=0.8, boundaries="periodic", initial_condition="grating", with_source=False
    )
    solution = dugks.simulate(
        dugks.Params(layers=(dugks.Layer(GOLD_300K, length),), grating_amplitude=1.0),
        config,
        np.linspace(0.0, 10e-12, 101),
    )
    x = np.asarray(solution.positions)
    k = 2 * np.pi / length
    te = np.asarray(solution.electron_temperature) - 300.0
    tp = np.asarray(solution.phonon_temperature) - 300.0
    norm = np.sum(np.sin(k * x) ** 2)
    modes = np.stack([te @ np.sin(k * x) / norm, tp @ np.sin(k * x) / norm], axis=1)
    exact = _grating_exact(length, np.asarray(solution.times), GOLD_300K)
    assert np.abs(modes - exact).max() < 0.02
    # and the phonon heats above the electron at late times (heat flows back, paper IV.4)
    assert (modes[-1, 0] - modes[-1, 1]) < 0


@pytest.mark.parametrize("length,t_end", [(10e-9, 0.3e-12), (100e-9, 0.4e-12)])
def test_small_grating_shows_temperature_wave_and_reverse_flow(length, t_end):
    """L = 10 nm and 100 nm at 300 K: Te at x = L/4 swings below T_ref (a temperature wave;
    the diffusive TTM keeps Te >= T_ref there because its mode equations are cooperative),
    and at some time Te < Tp (heat flows from phonons to electrons), as in Fig. 7a,b."""
    config = dugks.Config(
        cells_per_layer=20,
        cfl=0.8,
        boundaries="periodic",
        initial_condition="grating",
        with_source=False,
        limiter="vanleer",
    )
    solution = dugks.simulate(
        dugks.Params(layers=(dugks.Layer(GOLD_300K, length),), grating_amplitude=1.0),
        config,
        np.linspace(0.0, t_end, 151),
    )
    te, tp = dugks.probe(solution, length / 4)
    te = np.asarray(te) - 300.0
    tp = np.asarray(tp) - 300.0
    assert te.min() < -1e-3
    assert (te - tp).min() < 0.0
    # TTM counterpart stays positive
    exact = _grating_exact(length, np.asarray(solution.times), GOLD_300K)
    assert exact[:, 0].min() > 0.0


def test_steady_slab_grid_independence_fig6():
    """Fig. 6a: the steady Te*, Tp* of a 100 nm Au slab (temperature slip at the walls, the
    electron slip larger) agree within 1 % between M = 40 and M = 100 cells."""
    from jaxtherm.app.reproduce._dugks_curves import steady_slab

    x40, te40, tp40, _ = steady_slab(100e-9, 40, ordinates=16)
    x100, te100, tp100, _ = steady_slab(100e-9, 100, ordinates=16)
    assert np.abs(np.interp(x40, x100, te100) - te40).max() < 0.01
    assert np.abs(np.interp(x40, x100, tp100) - tp40).max() < 0.01
    linear = 1.0 - x40 / 100e-9
    slip_e, slip_p = linear[0] - te40[0], linear[0] - tp40[0]
    assert slip_e > slip_p > 0.0  # electrons (33 nm mean free path) slip more than phonons (1.5 nm)


def test_non_uniform_cells_match_uniform():
    """A grating on a non-uniform (geometrically graded) grid decays like on the uniform grid:
    the DUGKS handles non-uniform cells (Fig. 7c case, 1 um, 300 K)."""
    length = 1e-6
    ratio = 1.05
    widths = ratio ** np.arange(40)
    edges = np.concatenate([[0.0], np.cumsum(widths)]) / np.sum(widths) * length
    config = dugks.Config(
        cells_per_layer=40,
        cell_growth=ratio,
        cfl=0.8,
        boundaries="periodic",
        initial_condition="grating",
        with_source=False,
        n_ordinates=16,
    )
    params = dugks.Params(layers=(dugks.Layer(GOLD_300K, length),), grating_amplitude=1.0)
    graded = dugks.simulate(params, config, np.linspace(0.0, 5e-12, 11))
    np.testing.assert_allclose(graded.geometry.faces, edges, rtol=1e-12, atol=1e-20)
    exact = _grating_exact(length, np.asarray(graded.times), GOLD_300K)
    x = np.asarray(graded.positions)
    k = 2 * np.pi / length
    widths_m = np.diff(edges)
    te = np.asarray(graded.electron_temperature) - 300.0
    # mode amplitude by quadrature on the non-uniform cells
    amplitude = (te * widths_m) @ np.sin(k * x) / (length / 2)
    assert np.abs(amplitude - exact[:, 0]).max() < 0.03
