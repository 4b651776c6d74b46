"""Differentiation, batching and compilation of the DUGKS (SPEC section 6)."""

import dataclasses

import jax
import jax.numpy as jnp
import numpy as np

from jaxtherm import dugks, materials, sources

GOLD = materials.GOLD
CONFIG = dugks.Config(cells_per_layer=8, cfl=0.8, limiter="vanleer", n_ordinates=8, max_speed=1.36e6)
TIMES = np.linspace(-0.4e-12, 1.5e-12, 39)


def _params(coupling, delay):
    source = sources.PulseSource(
        incident_fluence=0.0112, pulse_duration=140e-15, thermalisation_delay=delay, penetration_depth=15.3e-9
    )
    layer = dataclasses.replace(GOLD, coupling_constant=coupling)
    return dugks.Params(
        layers=(dugks.Layer(layer, 18.2e-9),),
        source=source,
        initial_temperature=288.15,
        wall_temperatures=jnp.full((2, 2), 288.15),
    )


def _signal(theta):
    """Front-surface Te - T0 and Tp - T0 trace (K); theta = (G / 1e16, t_h / 100 fs)."""
    solution = dugks.simulate(_params(theta[0] * 1e16, theta[1] * 1e-13), CONFIG, TIMES)
    return jnp.concatenate(
        [solution.front_electron_temperature - 288.15, 100.0 * (solution.front_phonon_temperature - 288.15)]
    )


def test_jacfwd_matches_central_differences():
    """Forward-mode derivatives of the Te/Tp trace w.r.t. G and t_h equal central finite
    differences (float64, relative step 1e-5) to 1e-5 of the largest derivative."""
    theta = jnp.array([2.0, 2.6])
    jac = np.asarray(jax.jacfwd(_signal)(theta))
    for j in range(2):
        step = 1e-5 * float(theta[j])
        plus = np.asarray(_signal(theta.at[j].add(step)))
        minus = np.asarray(_signal(theta.at[j].add(-step)))
        fd = (plus - minus) / (2 * step)
        scale = np.abs(fd).max()
        assert scale > 0
        np.testing.assert_allclose(jac[:, j], fd, atol=1e-5 * scale)


def test_reverse_mode_agrees_with_forward_mode():
    """jax.grad through the checkpointed scan gives the same gradient as jacfwd."""
    theta = jnp.array([2.0, 2.6])

    def objective(t):
        return jnp.sum(_signal(t) ** 2)

    np.testing.assert_allclose(jax.grad(objective)(theta), jax.jacfwd(objective)(theta), rtol=1e-8)


def test_vmap_over_coupling_equals_loop():
    """A vmapped sweep over G gives the same traces as separate runs."""
    couplings = jnp.array([1.0e16, 2.0e16, 4.0e16])
    batched = jax.vmap(lambda g: dugks.simulate(_params(g, 0.0), CONFIG, TIMES).electron_temperature)(couplings)
    for i, g in enumerate(couplings):
        single = dugks.simulate(_params(float(g), 0.0), CONFIG, TIMES).electron_temperature
        np.testing.assert_allclose(batched[i], single, rtol=1e-12)


def test_new_parameter_values_do_not_retrace(monkeypatch):
    """Changing G or t_h reuses the compiled solver: the step is traced once (counted with a
    Python side effect in the traced step function)."""
    import importlib

    simulate_module = importlib.import_module("jaxtherm.dugks._simulate")

    traces = []
    original = simulate_module.advance

    def counting_advance(*args, **kwargs):
        traces.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(simulate_module, "advance", counting_advance)
    times = np.linspace(-0.4e-12, 1.5e-12, 20)  # an output count no other test compiled
    dugks.simulate(_params(1.5e16, 0.0), CONFIG, times)
    first = len(traces)
    dugks.simulate(_params(2.5e16, 1e-13), CONFIG, times)
    dugks.simulate(_params(3.5e16, 2e-13), CONFIG, times)
    assert first == 1
    assert len(traces) == first


def test_jacfwd_in_layer_thickness_matches_central_differences():
    """The layer thickness is a differentiable leaf: d(front Te, Tp trace)/d(thickness) by
    jacfwd equals central finite differences (float64, relative step 1e-5) to 1e-5 of the
    largest derivative, in a Au/Pt bilayer for both thicknesses (the step count is fixed by
    config.max_time_step, so the discrete map is smooth in the thicknesses)."""
    source = sources.PulseSource(incident_fluence=0.05, pulse_duration=140e-15, penetration_depth=15.3e-9)
    config = dugks.Config(cells_per_layer=(6, 4), n_ordinates=8, cfl=0.8, limiter="vanleer", max_time_step=2e-15)
    times = np.linspace(-0.3e-12, 0.5e-12, 17)

    def trace(thicknesses):
        layers = (dugks.Layer(GOLD, thicknesses[0]), dugks.Layer(materials.PLATINUM, thicknesses[1]))
        solution = dugks.simulate(dugks.Params(layers=layers, source=source), config, times)
        return jnp.concatenate(
            [solution.front_electron_temperature - 300.0, 100.0 * (solution.front_phonon_temperature - 300.0)]
        )

    thickness = jnp.array([30e-9, 20e-9])
    jac = np.asarray(jax.jacfwd(trace)(thickness))
    for j in range(2):
        step = 1e-5 * float(thickness[j])
        fd = (np.asarray(trace(thickness.at[j].add(step))) - np.asarray(trace(thickness.at[j].add(-step)))) / (2 * step)
        scale = np.abs(fd).max()
        assert scale > 0
        np.testing.assert_allclose(jac[:, j], fd, atol=1e-5 * scale)
