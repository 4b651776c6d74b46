"""Misuse of every public TDTR entry: each answers with a correct value, a named ValueError /
TypeError (parameter and unit in the message) or a documented warning - never a silent NaN, a
plausible wrong number or a raw JAX error. One test per class of mistake found by trying the
library as a new user would (precision, batched constructors, unit slips that pass the range
checks, odd call shapes), then one per remaining public entry."""

import numpy as np
import pytest
from _tdtr_float32_worker import Float32Worker

import jaxtherm as jt

L = jt.tdtr.Layer
ITR_LAYERS = [L(104e-9, 2.55e6, 158.1), L(9.66e-9, 2.21e6, 9.724), L(82e-9, 3.98e6, 83.58), L(np.inf, 1.6e6, 1.4)]
ITR = jt.tdtr.Stack(layers=ITR_LAYERS, resistances=[4.2e-9, 6.9e-9, 1e-9])
FR = jt.tdtr.Setup(200e3, 20e6, 26e-6, 12.5e-6, heat_at="front", probe_at="rear")
FR_1D = jt.tdtr.Setup(200e3, 20e6, heat_at="front", probe_at="rear", one_dimensional=True)
DELAYS = np.array([1e-10, 1e-9])


# ----------------------------------------------------------------------- class 1: precision
def test_float32_signal_is_finite_not_nan():
    """With x64 off the ITR FR signal was NaN everywhere (|q|^2 overflowed float32); now it is
    finite and its ratio equals the float64 one to 5e-5 (worker process, x64 off there)."""
    worker = Float32Worker()
    try:
        answer = worker(
            entry="signal",
            layers=[[l.thickness, l.heat_capacity, l.conductivity] for l in ITR_LAYERS],
            resistances=[4.2e-9, 6.9e-9, 1e-9],
            setup=dict(
                modulation_frequency=200e3, repetition_rate=20e6, heat_at="front", probe_at="rear", one_dimensional=True
            ),
            points=DELAYS.tolist(),
        )
    finally:
        worker.close()
    assert answer["dtype"] == "complex64" and np.all(np.isfinite(answer["value"]))
    reference = np.asarray(jt.tdtr.ratio(jt.tdtr.signal(ITR, FR_1D, DELAYS)))
    assert np.max(np.abs(jt.tdtr.ratio(answer["value"]) / reference - 1)) < 5e-5


# ------------------------------------------------------- class 2: batched constructors
BATCH_SHAPE = dict(heat_capacity=[[2.5e6, 1.6e6]] * 3, conductivity=[[158.0, 1.4]] * 3)


@pytest.mark.parametrize(
    "thickness, conductivity, resistances, match",
    [
        (
            [[1e-7, np.inf]] * 3,
            [[158.0, 1.4], [-5.0, 1.4], [158.0, 1.4]],
            [[4e-9]] * 3,
            r"batch member 1: layers\[0\]\.conductivity must be > 0 \(in W m\^-1 K\^-1\)",
        ),
        (
            [[1e-7, np.inf], [1e-7, np.inf], [80.0, np.inf]],
            [[158.0, 1.4]] * 3,
            [[4e-9]] * 3,
            r"batch member 2: layers\[0\]\.thickness = 80.0 m .*metres",
        ),
        (
            [[1e-7, np.inf]] * 3,
            [[158.0, 1.4]] * 3,
            [[4e-9], [4.2], [4e-9]],
            r"batch member 1: resistances\[0\] = 4.2 m\^2 K W\^-1 .*GW",
        ),
    ],
)
def test_from_arrays_validates_every_member(thickness, conductivity, resistances, match):
    """`Stack.from_arrays` checks each batch member and names its index, the field and the unit
    (k < 0, an 80 m film, R = 4.2 m^2K/W used to give finite nonsense or NaN in a sweep)."""
    with pytest.raises(ValueError, match=match):
        jt.tdtr.Stack.from_arrays(thickness, BATCH_SHAPE["heat_capacity"], conductivity, resistances)


def test_from_arrays_refuses_missing_resistances():
    """Too few resistances used to repeat the last one silently (clamped indexing); now the
    shape is checked and the message names `resistances`, the count needed and the unit."""
    with pytest.raises(
        ValueError, match=r"resistances has shape \(2, 1\); 3 layers need n_layers - 1 = 2 .*m\^2 K W\^-1"
    ):
        jt.tdtr.Stack.from_arrays(
            [[1e-7, 1e-8, np.inf]] * 2, [[2e6, 2e6, 2e6]] * 2, [[100.0, 10.0, 1.0]] * 2, [[1e-9]] * 2
        )
    with pytest.raises(ValueError, match=r"heat_capacity has shape \(1,\) but thickness has \(2,\)"):
        jt.tdtr.Stack.from_arrays([1e-7, np.inf], [2e6], [100.0, 1.0], [1e-9])
    # a valid batch still maps exactly like the members one by one
    batch = jt.tdtr.Stack.from_arrays(
        [[104e-9, np.inf], [90e-9, np.inf]], [[2.55e6, 1.6e6]] * 2, [[158.1, 1.4]] * 2, [[4.2e-9], [6e-9]]
    )
    assert batch.layers[0].thickness.shape == (2,)


def test_stack_batch_and_validate_batch_name_the_member():
    """`stack_batch` validates each input stack (index, field, unit) and its structure;
    `Stack.validate_batch` does the same on any concrete batched Stack (what `jt.sweep.sweep`
    calls), and refuses an unbatched one."""
    with pytest.raises(ValueError, match=r"stacks\[1\]: resistances\[0\] = 4.2 m\^2 K W\^-1"):
        jt.tdtr.stack_batch([ITR, ITR.replace_resistance(0, 4.2)])
    with pytest.raises(ValueError, match=r"stacks\[1\] has 2 layers"):
        jt.tdtr.stack_batch([ITR, jt.tdtr.Stack(layers=ITR_LAYERS[2:], resistances=[1e-9])])
    with pytest.raises(TypeError, match=r"stacks\[1\] must be a jaxtherm.tdtr.Stack"):
        jt.tdtr.stack_batch([ITR, 3.0])
    batch = jt.tdtr.stack_batch([ITR, ITR, ITR])
    batch.validate_batch()  # valid: no error
    bad = batch.replace_layer(1, conductivity=np.array([9.7, 9.7, -1.0]))
    with pytest.raises(ValueError, match=r"batch member 2: layers\[1\]\.conductivity must be > 0 \(in W m\^-1 K\^-1\)"):
        bad.validate_batch()
    with pytest.raises(ValueError, match=r"validate_batch needs a batched Stack"):
        ITR.validate_batch()


# --------------------------------------------------- class 3: unit slips that pass ranges
def test_probe_plane_out_of_reach_is_refused_naming_the_layer():
    """An 80 nm Ni film written as 0.08 (um) passes the 0.1 m range check but puts the rear plane
    ~14,000 thermal penetration depths below the front: the rear signal was exactly zero and the
    ratio NaN. Now a ValueError names the layer, its thickness and penetration depth (m)."""
    deep = ITR.replace_layer(2, thickness=0.08)
    with pytest.raises(ValueError, match=r"layers\[2\]\.thickness = 0.08 m is .* penetration depth .* m"):
        jt.tdtr.signal(deep, FR, DELAYS)
    with pytest.raises(ValueError, match=r"layers\[2\]\.thickness"):
        jt.tdtr.response(deep, FR, [1e6])
    with pytest.raises(ValueError, match=r"layers\[2\]\.thickness"):
        jt.tdtr.fdtr_signal(deep, FR, [1e6], delay=1e-10)
    # the same film probed where it is heated is a valid (half-space-like) measurement
    z = jt.tdtr.signal(deep, FR.replace(probe_at="front"), DELAYS)
    assert np.all(np.isfinite(np.asarray(z)))


def test_probe_plane_barely_reached_is_warned():
    """Between 8 and 40 penetration depths the signal is real but below any instrument's noise:
    a PlausibilityWarning names the layer; the value returned is finite."""
    thick = ITR.replace_layer(2, thickness=60e-6)  # 60 um of Ni at 200 kHz: ~10 penetration depths
    with pytest.warns(jt.tdtr.PlausibilityWarning, match=r"layers\[2\]\.thickness = 6e-05 m"):
        z = jt.tdtr.signal(thick, FR, DELAYS)
    assert np.all(np.isfinite(np.asarray(z)))


def test_delays_outside_one_period_are_refused_unless_wrapping_is_asked():
    """Delays in us or ns written as seconds' numbers (< 1 s, so the old check passed) used to be
    wrapped into meaningless values; now they are refused naming `delays`, the period (s) and the
    opt-in, and `wrap_delays=True` wraps them exactly."""
    with pytest.raises(ValueError, match=r"delays .* outside one pulse period .*5e-08 s.*wrap_delays=True"):
        jt.tdtr.signal(ITR, FR_1D, np.array([0.1e-6, 1e-6]))
    with pytest.raises(ValueError, match=r"delays .*outside one pulse period"):
        jt.tdtr.simulate(ITR, FR_1D, [2e-6])
    period = FR_1D.period
    wrapped = np.asarray(jt.tdtr.signal(ITR, FR_1D, DELAYS + 3 * period, wrap_delays=True))
    np.testing.assert_allclose(wrapped, np.asarray(jt.tdtr.signal(ITR, FR_1D, DELAYS)), rtol=1e-9)
    # negative delays down to -T are the end of the previous period: accepted without opt-in
    np.testing.assert_allclose(
        np.asarray(jt.tdtr.signal(ITR, FR_1D, DELAYS - period)),
        np.asarray(jt.tdtr.signal(ITR, FR_1D, DELAYS)),
        rtol=1e-9,
    )


# ------------------------------------------------------------- class 8: odd call shapes
def test_fdtr_signal_accepts_a_plain_list():
    """`fdtr_signal(stack, setup, [1e6, 2e6], delay=...)` used to raise a raw tracer error; a list
    now gives the same values as an array, pulsed and continuous-wave."""
    as_list = np.asarray(jt.tdtr.fdtr_signal(ITR, FR, [1e6, 2e6], delay=1e-10))
    as_array = np.asarray(jt.tdtr.fdtr_signal(ITR, FR, np.array([1e6, 2e6]), delay=1e-10))
    np.testing.assert_array_equal(as_list, as_array)
    np.testing.assert_array_equal(
        np.asarray(jt.tdtr.fdtr_signal(ITR, FR, [1e6, 2e6])),
        np.asarray(jt.tdtr.response(ITR, FR, np.array([1e6, 2e6]))),
    )
    np.testing.assert_array_equal(
        np.asarray(jt.tdtr.signal(ITR, FR, [1e-10, 1e-9])), np.asarray(jt.tdtr.signal(ITR, FR, DELAYS))
    )
    with pytest.raises(ValueError, match=r"delay must be one pump-probe delay in s"):
        jt.tdtr.fdtr_signal(ITR, FR, [1e6], delay=[1e-10, 2e-10])


def test_response_at_zero_frequency_is_the_steady_state_or_refused():
    """`response` at f = 0 returned NaN. With Gaussian spots on a half space it is now the
    analytic steady state 1 / (kappa sqrt(2 pi (w0^2 + w1^2))) and the limit f -> 0; in 1-D, or
    without a heat sink (finite last layer), the steady response is infinite and 0 Hz is refused
    naming `frequencies` and Hz."""
    half_space = jt.tdtr.Stack(layers=[L(np.inf, 1.6e6, 1.4)], resistances=[])
    setup = FR.replace(probe_at="front")
    h0 = complex(np.asarray(jt.tdtr.response(half_space, setup, [0.0]))[0])
    exact = 1.0 / (1.4 * np.sqrt(2 * np.pi * setup.beam_radius_squared))
    # (the x^-1/2 end point of the f = 0 Hankel integrand limits the default 32-node rule to ~3e-6)
    assert abs(h0 / exact - 1) < 5e-6 and h0.imag == 0
    h_small = complex(np.asarray(jt.tdtr.response(half_space, setup, [1e-4]))[0])
    assert abs(h_small / h0 - 1) < 1e-3
    with pytest.raises(ValueError, match=r"frequencies contains 0 Hz.*one_dimensional"):
        jt.tdtr.response(ITR, FR_1D, [0.0, 1e6])
    finite = jt.tdtr.Stack(layers=[L(104e-9, 2.55e6, 158.1), L(1e-3, 1.6e6, 1.4)], resistances=[1e-9])
    with pytest.raises(ValueError, match=r"frequencies contains 0 Hz.*finite last layer"):
        jt.tdtr.response(finite, setup, np.array([0.0]))


# ------------------------------------------------------------ remaining public entries
def test_single_stack_entries_refuse_a_batch():
    """A batched Stack handed to `signal`/`response`/`fdtr_signal` raised a raw broadcasting error;
    now a ValueError says it is a batch and how to map over it."""
    batch = jt.tdtr.stack_batch([ITR, ITR])
    for call in (
        lambda: jt.tdtr.signal(batch, FR, DELAYS),
        lambda: jt.tdtr.response(batch, FR, [1e6]),
        lambda: jt.tdtr.fdtr_signal(batch, FR, [1e6], delay=1e-10),
    ):
        with pytest.raises(ValueError, match=r"stack is a batch .*jax.vmap"):
            call()


def test_functional_updates_name_the_index_and_field():
    """`replace_layer`/`replace_resistance` with an index outside the stack or an unknown field
    raise ValueError/TypeError naming them (an IndexError / bare dataclass error before)."""
    with pytest.raises(ValueError, match=r"index = 7 is outside layers \(the stack has 4 layers\)"):
        ITR.replace_layer(7, conductivity=1.0)
    with pytest.raises(ValueError, match=r"index = 3 is outside resistances \(the stack has 3 resistances\)"):
        ITR.replace_resistance(3, 1e-9)
    with pytest.raises(TypeError, match=r"kappa.*fields \['thickness', 'heat_capacity', 'conductivity'"):
        ITR.replace_layer(0, kappa=1.0)
    assert ITR.replace_resistance(-1, 2e-9).resistances[-1] == 2e-9


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: jt.tdtr.signal(ITR, FR, [1e-10 + 1j]), TypeError, r"delays must be a real number .* in s"),
        (lambda: jt.tdtr.signal(ITR, FR, [np.nan]), ValueError, r"delays contains NaN"),
        (lambda: jt.tdtr.signal({"layers": []}, FR, DELAYS), TypeError, r"stack must be a jaxtherm.tdtr.Stack"),
        (lambda: jt.tdtr.simulate(ITR, None, DELAYS), TypeError, r"setup must be a jaxtherm.tdtr.Setup"),
        (lambda: jt.tdtr.response(ITR, FR, [np.inf]), ValueError, r"frequencies must be finite.*Hz"),
        (lambda: jt.tdtr.response(ITR, "FR", [1e6]), TypeError, r"setup must be a jaxtherm.tdtr.Setup"),
        (
            lambda: jt.tdtr.fdtr_signal(ITR, FR, [0.0, 1e6], delay=1e-10),
            ValueError,
            r"modulation_frequencies must be > 0 \(in Hz\)",
        ),
        (
            lambda: jt.tdtr.fdtr_signal(ITR, FR, [15e6], delay=1e-10),
            ValueError,
            r"modulation_frequencies must be < .*Hz",
        ),
        (
            lambda: jt.tdtr.signal(jt.tdtr.Stack([L("80nm", 2e6, 100.0), L(np.inf, 2e6, 1.0)], [1e-9]), FR, DELAYS),
            TypeError,
            r"layers\[0\]\.thickness must be a real number .* in m",
        ),
        (
            lambda: jt.tdtr.signal(jt.tdtr.Stack([L(80e-9, 2e6, "100.0"), L(np.inf, 2e6, 1.0)], [1e-9]), FR, DELAYS),
            TypeError,
            r"layers\[0\]\.conductivity must be a real number .* W m\^-1 K\^-1, got text",
        ),
        (lambda: jt.tdtr.signal(ITR, FR, ["1e-10"]), TypeError, r"delays must be a real number .* in s, got text"),
        (
            lambda: jt.tdtr.Setup(2e5, 20e6, one_dimensional=True, n_hankel=3.5),
            TypeError,
            r"n_hankel must be an integer",
        ),
        (
            lambda: jt.tdtr.Setup("abc", 20e6, one_dimensional=True),
            TypeError,
            r"modulation_frequency must be a real number .* Hz",
        ),
    ],
)
def test_public_entries_name_the_parameter(call, error, match):
    """Wrong types and non-finite values at each public entry: a named TypeError/ValueError."""
    with pytest.raises(error, match=match):
        call()


def test_ratio_and_phase_accept_lists_and_name_bad_input():
    """`ratio`/`phase` of a plain list equal those of the array (a raw jnp TypeError before); text
    is refused naming `z`."""
    z = [3.0 - 4.0j, -1.0 + 2.0j]
    np.testing.assert_allclose(np.asarray(jt.tdtr.ratio(z)), [0.75, 0.5])
    np.testing.assert_allclose(np.asarray(jt.tdtr.phase(z)), np.angle(np.asarray(z)))
    with pytest.raises(TypeError, match=r"z must be a complex lock-in signal"):
        jt.tdtr.ratio(["abc"])


def test_simulate_returns_named_fields_consistent_with_signal():
    """`simulate(params, config, times)` (the shared model contract) returns the signal of the fast
    path with in-phase, out-of-phase, ratio and phase under named fields."""
    solution = jt.tdtr.simulate(ITR, FR_1D, DELAYS)
    z = np.asarray(jt.tdtr.signal(ITR, FR_1D, DELAYS))
    np.testing.assert_array_equal(np.asarray(solution.signal), z)
    np.testing.assert_array_equal(np.asarray(solution.times), DELAYS)
    np.testing.assert_allclose(np.asarray(solution.ratio), -z.real / z.imag, rtol=1e-15)
    np.testing.assert_allclose(np.asarray(solution.phase), np.angle(z), rtol=1e-15)
    np.testing.assert_array_equal(np.asarray(solution.in_phase), z.real)
    np.testing.assert_array_equal(np.asarray(solution.out_of_phase), z.imag)
