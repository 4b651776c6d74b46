"""Property-based checks of the TDTR model over random valid and invalid inputs (hypothesis).

Valid: random 2-3 layer stacks (films 5 nm - 2 um, heat capacities 1-4 MJ m^-3 K^-1,
conductivities 0.5-400 W m^-1 K^-1, resistances 0 - 1e-7 m^2 K W^-1, semi-infinite or 0.5 mm
substrate), one of three setups and random delays within the period: the signal is finite,
heating the front and probing the rear equals heating the rear and probing the front
(reciprocity of the linear diffusion model), and float32 agrees with float64 within the
documented bound. Invalid: a random field of a random layer made negative, zero, NaN, infinite or
unit-slipped gives a ValueError/TypeError that names it - never NaN, never a raw JAX error.
Setups come from a short list (each new `Setup` compiles; window_order stays at its default 4,
see the float32 bound in `jt.tdtr.signal`); delay counts are fixed for the same reason.
"""

import math

import numpy as np
import pytest
from _tdtr_float32_worker import Float32Worker
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import jaxtherm as jt

L = jt.tdtr.Layer
N_DELAYS = 5
SETUPS = [
    jt.tdtr.Setup(200e3, 20e6, 26e-6, 12.5e-6, n_hankel=16, n_sidebands=16),
    jt.tdtr.Setup(10e6, 80e6, 10e-6, 10e-6, n_hankel=16, n_sidebands=16, min_delay=5e-11),
    jt.tdtr.Setup(1e6, 76e6, one_dimensional=True, n_sidebands=16),
]
PROPERTY_SETTINGS = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _log_uniform(low, high):
    return st.floats(math.log10(low), math.log10(high)).map(lambda e: 10.0**e)


@st.composite
def layer_values(draw, thickness):
    return [thickness, draw(_log_uniform(1e6, 4e6)), draw(_log_uniform(0.5, 400.0))]


@st.composite
def stacks(draw):
    n_films = draw(st.integers(1, 2))
    films = [draw(layer_values(draw(_log_uniform(5e-9, 2e-6)))) for _ in range(n_films)]
    substrate = draw(layer_values(draw(st.sampled_from([np.inf, 5e-4]))))
    resistances = [draw(st.one_of(st.just(0.0), _log_uniform(1e-10, 1e-7))) for _ in range(n_films)]
    return films + [substrate], resistances


@st.composite
def delays_for(draw, setup):
    # the first delay is always the earliest resolved one, where the front signal peaks
    fractions = [0.0] + draw(st.lists(st.floats(0.0, 0.98), min_size=N_DELAYS - 1, max_size=N_DELAYS - 1))
    period = setup.period
    return np.array([setup.min_delay * 1.5 + f * (period - setup.min_delay * 2) for f in fractions])


def _stack(layers, resistances):
    return jt.tdtr.Stack(layers=[L(*values) for values in layers], resistances=list(resistances))


@pytest.fixture(scope="module")
def float32():
    worker = Float32Worker()
    yield worker
    worker.close()


@PROPERTY_SETTINGS
@given(sample=stacks(), setup_index=st.integers(0, len(SETUPS) - 1), data=st.data())
def test_signal_finite_and_reciprocal(sample, setup_index, data):
    """Finite signals everywhere; FR (heat front, probe rear) = RF (heat rear, probe front) to 1e-9."""
    layers, resistances = sample
    setup = SETUPS[setup_index]
    delays = data.draw(delays_for(setup))
    stack = _stack(layers, resistances)
    front = np.asarray(jt.tdtr.signal(stack, setup.replace(heat_at="front", probe_at="front"), delays))
    fr = np.asarray(jt.tdtr.signal(stack, setup.replace(heat_at="front", probe_at="rear"), delays))
    rf = np.asarray(jt.tdtr.signal(stack, setup.replace(heat_at="rear", probe_at="front"), delays))
    assert np.all(np.isfinite(front)) and np.all(np.isfinite(fr))
    np.testing.assert_allclose(rf, fr, rtol=1e-9, atol=1e-9 * np.max(np.abs(fr)))


@PROPERTY_SETTINGS
@given(sample=stacks(), setup_index=st.integers(0, len(SETUPS) - 1), data=st.data())
def test_float32_agrees_with_float64(float32, sample, setup_index, data):
    """float32 (worker process, x64 off) equals float64 within the documented bound: the signal to
    5e-5 of its magnitude plus 1e-6 of the curve's peak (float32 rounding is absolute at the
    scale of the largest contributions, so late delays whose signal is 100x below the peak see
    a larger relative error); hence ratio and phase to that order where V_out is not ~0."""
    layers, resistances = sample
    setup = SETUPS[setup_index]
    delays = data.draw(delays_for(setup))
    z64 = np.asarray(jt.tdtr.signal(_stack(layers, resistances), setup, delays))
    fields = {name: getattr(setup, name) for name in setup.__dataclass_fields__}
    answer = float32(entry="signal", layers=layers, resistances=resistances, setup=fields, points=delays.tolist())
    assert "error" not in answer, answer
    z32 = answer["value"]
    assert np.all(np.isfinite(z32))
    assert np.all(np.abs(z32 - z64) < 5e-5 * np.abs(z64) + 1e-6 * np.max(np.abs(z64)))


FIELDS = {"thickness": "m", "heat_capacity": "J m^-3 K^-1", "conductivity": "W m^-1 K^-1"}
# Unit slips that pass a sign check: nanometres for metres, J cm^-3 K^-1 for J m^-3 K^-1, a
# negative conductivity in place of a large one (conductivities have no implausible size).
SLIPS = {"thickness": lambda v: v * 1e9, "heat_capacity": lambda v: v / 1e6, "conductivity": lambda v: -v}


def _break(field, kind, value):
    return SLIPS[field](value) if kind == "unit slip" else BAD_VALUES[kind](value)


BAD_VALUES = {
    "negative": lambda v: -abs(v) if np.isfinite(v) else -1.0,
    "zero": lambda v: 0.0,
    "nan": lambda v: float("nan"),
    "unit slip": None,  # per field, see SLIPS
    "text": lambda v: repr(float(v)),  # a number that parses, but as text
}


@PROPERTY_SETTINGS
@given(sample=stacks(), data=st.data())
def test_invalid_layer_values_are_named(sample, data):
    """A random field of a random layer broken in a random way: ValueError/TypeError naming
    `layers[i].field` (or `resistances[i]`), for `signal`, `response` and `fdtr_signal`."""
    layers, resistances = sample
    index = data.draw(st.integers(0, len(layers) - 1))
    field = data.draw(st.sampled_from(list(FIELDS) + ["resistance"]))
    kind = data.draw(st.sampled_from(list(BAD_VALUES)))
    if field == "resistance":
        index = min(index, len(resistances) - 1)
        resistances = list(resistances)
        if kind == "unit slip":
            resistances[index] = 4.2  # m^2 K/GW written as m^2 K/W
        else:
            resistances[index] = BAD_VALUES[kind](resistances[index] or 1e-9)
        if kind == "zero":
            return  # a perfect contact is valid
        name = f"resistances[{index}]"
    else:
        layers = [list(values) for values in layers]
        position = list(FIELDS).index(field)
        original = layers[index][position]
        if field == "thickness" and kind == "unit slip" and not np.isfinite(original):
            return  # a semi-infinite substrate has no unit to slip
        layers[index][position] = _break(field, kind, original)
        name = f"layers[{index}].{field}"
    entries = [
        lambda stack: jt.tdtr.signal(stack, SETUPS[0], np.array([1e-10])),
        lambda stack: jt.tdtr.response(stack, SETUPS[0], [1e6]),
        lambda stack: jt.tdtr.fdtr_signal(stack, SETUPS[0], [1e6], delay=1e-10),
    ]
    entry = data.draw(st.sampled_from(entries))
    try:
        stack = jt.tdtr.Stack(layers=[L(*values) for values in layers], resistances=resistances)
        result = entry(stack)
    except (ValueError, TypeError) as error:
        assert type(error).__module__ == "builtins"
        assert name in str(error), (name, str(error))
    else:
        pytest.fail(f"{name} = {kind} was accepted: {np.asarray(result)}")


@PROPERTY_SETTINGS
@given(
    member=st.integers(0, 3),
    field=st.sampled_from(list(FIELDS)),
    kind=st.sampled_from(["negative", "nan", "unit slip"]),
)
def test_invalid_batch_member_is_named(member, field, kind):
    """`Stack.from_arrays` over 4 stacks with one broken member names that member and the field."""
    values = {
        "thickness": np.array([[80e-9, np.inf]] * 4),
        "heat_capacity": np.array([[2.4e6, 1.7e6]] * 4),
        "conductivity": np.array([[180.0, 140.0]] * 4),
    }
    values[field][member, 0] = _break(field, kind, values[field][member, 0])
    with pytest.raises(ValueError, match=rf"batch member {member}: layers\[0\]\.{field}"):
        jt.tdtr.Stack.from_arrays(values["thickness"], values["heat_capacity"], values["conductivity"], [[5e-9]] * 4)


@PROPERTY_SETTINGS
@given(delays=st.lists(st.one_of(st.floats(-1e-3, 1e-3), st.just(float("nan"))), min_size=1, max_size=4))
def test_delays_are_valid_or_named(delays):
    """Any list of delays is either inside one period (finite signal) or refused naming `delays`."""
    stack = _stack([[80e-9, 2.42e6, 180.0], [np.inf, 1.66e6, 140.0]], [5e-9])
    try:
        z = np.asarray(jt.tdtr.signal(stack, SETUPS[0], delays))
    except ValueError as error:
        assert "delays" in str(error)
    else:
        assert np.all(np.isfinite(z))
