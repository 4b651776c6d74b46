"""Misuse of the DUGKS public entries: a named error (class, parameter and unit) or a correct value."""

import dataclasses

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from jaxtherm import dugks, materials, sources

TIMES = np.linspace(0.0, 0.2e-12, 5)
CONFIG = dugks.Config(cells_per_layer=10, n_ordinates=4, with_source=False)


def _film(thickness=100e-9, **kwargs):
    return dugks.Params(layers=(dugks.Layer(materials.GOLD, thickness),), **kwargs)


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
        dugks.simulate(_film(thickness), CONFIG, TIMES)
    for word in words:
        assert word in str(info.value)


@pytest.mark.parametrize("cfl", [1.0, 1.5, -0.2])
def test_cfl_outside_the_open_unit_interval(cfl):
    """CFL >= 1 (or <= 0) is refused by Config, naming cfl."""
    with pytest.raises(ValueError, match=r"cfl must satisfy 0 < cfl < 1"):
        dugks.Config(cells_per_layer=10, cfl=cfl)


def test_max_time_step_beyond_the_courant_limit():
    """A max_time_step that gives a Courant number >= 1 is refused naming it, its unit and the
    largest stable step."""
    config = dataclasses.replace(CONFIG, max_time_step=1e-13)
    with pytest.raises(ValueError, match=r"max_time_step = 1e-13 s gives a Courant number .* >= 1"):
        dugks.simulate(_film(), config, TIMES)


def test_unknown_boundary_condition_and_half_periodic():
    """Unknown wall kinds name the wall and carrier; periodic on one wall only is refused."""
    with pytest.raises(ValueError, match="boundary kind of the left wall for electrons"):
        dugks.Config(cells_per_layer=10, boundaries="adiabatic")
    with pytest.raises(ValueError, match="periodic"):
        dugks.Config(cells_per_layer=10, boundaries=("periodic", "specular"))


def test_mismatched_shapes():
    """A (3,) wall array (K), layers that do not match cells_per_layer and a cell_growth of the
    wrong length are refused naming the field."""
    with pytest.raises(ValueError, match=r"wall_temperatures must be a scalar.*K"):
        dugks.simulate(_film(wall_temperatures=np.full(3, 300.0)), CONFIG, TIMES)
    with pytest.raises(ValueError, match="cells_per_layer"):
        dugks.simulate(_film(), dugks.Config(cells_per_layer=(5, 5)), TIMES)
    with pytest.raises(ValueError, match="cell_growth"):
        dugks.Config(cells_per_layer=(5, 5), cell_growth=(1.1, 1.1, 1.1))
    with pytest.raises(ValueError, match="n_ordinates must be even"):
        dugks.Config(cells_per_layer=10, n_ordinates=5)


def test_bad_output_times():
    """Times that decrease, are unevenly spaced, hold a single value or are traced name `times`
    and seconds."""
    with pytest.raises(ValueError, match=r"times must be strictly increasing \(s\)"):
        dugks.simulate(_film(), CONFIG, TIMES[::-1])
    with pytest.raises(ValueError, match=r"times must be equally spaced \(s\)"):
        dugks.simulate(_film(), CONFIG, np.array([0.0, 1e-13, 3e-13]))
    with pytest.raises(ValueError, match=r"at least 2 output times \(s\)"):
        dugks.simulate(_film(), CONFIG, np.array([0.0]))
    with pytest.raises(ValueError, match=r"times \(s\) must be concrete"):
        jax.jit(lambda t: dugks.simulate(_film(), CONFIG, t).electron_temperature)(jnp.asarray(TIMES))


def test_traced_thickness_needs_max_time_step():
    """Differentiating in a thickness without config.max_time_step asks for it (with its unit);
    with it, the derivative is finite."""

    def front(thickness):
        return dugks.simulate(_film(thickness), CONFIG, TIMES).front_electron_temperature

    with pytest.raises(ValueError, match=r"config.max_time_step \(s\) must be set"):
        jax.jacfwd(front)(100e-9)
    resolved = dugks.resolve_time_step(_film(), CONFIG)
    derivative = jax.jacfwd(lambda t: dugks.simulate(_film(t), resolved, TIMES).front_electron_temperature)(100e-9)
    assert np.all(np.isfinite(np.asarray(derivative)))


def test_pulse_duration_in_femtoseconds_and_non_metal_layer():
    """A pulse duration in fs names the field and seconds; a layer that is no material (a name
    string) names Metal (phonon-only NonMetal layers are accepted since dielectric substrates)."""
    source = sources.PulseSource(incident_fluence=1.0, pulse_duration=96.0, penetration_depth=15e-9)
    with pytest.raises(ValueError, match="pulse_duration.*seconds"):
        dugks.simulate(_film(source=source), dataclasses.replace(CONFIG, with_source=True), TIMES)
    with pytest.raises(TypeError, match="materials.Metal"):
        dugks.simulate(dugks.Params(layers=(dugks.Layer("sapphire", 1e-7),)), CONFIG, TIMES)


def test_validate_batch_names_the_member():
    """A batch (leading axis) with one nm-as-m thickness or a NaN initial temperature names
    the member index and the field; a good batch passes."""
    batch = jax.tree_util.tree_map(lambda leaf: np.stack([leaf] * 3), _film())
    layer = batch.layers[0]
    bad = dataclasses.replace(batch, layers=(dataclasses.replace(layer, thickness=np.array([1e-7, 1e-7, 80.0])),))
    with pytest.raises(ValueError, match=r"batch member 2: layers\[0\].thickness .* nanometres"):
        bad.validate_batch()
    batch.validate_batch()
    cold = dataclasses.replace(batch, initial_temperature=np.array([300.0, np.nan, 300.0]))
    with pytest.raises(ValueError, match=r"batch member 1: initial_temperature contains NaN.*K"):
        cold.validate_batch()
