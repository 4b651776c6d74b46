"""TDTR in float32 (x64 off) against float64: the accuracy bound documented in `jt.tdtr.signal`.

Before the overflow-safe complex forms every float32 signal was NaN (|q|^2 ~ 1e42 at the
inverse-Laplace nodes of picosecond delays). The float32 side runs in a worker process
(`_tdtr_float32_worker.py`), so the suite's global float64 setting is never flipped.
Documented (and measured) bound: ratio within 1.5e-5 relative, phase within 8e-6 rad; asserted
here with margin: 5e-5 and 2e-5 rad.
"""

import numpy as np
import pytest
from _tdtr_float32_worker import Float32Worker, resistance_sensitivity

import jaxtherm as jt

RATIO_BOUND = 5e-5
PHASE_BOUND = 2e-5  # rad
RESPONSE_BOUND = 1e-5  # relative, |H32 - H64| / |H64|

ITR_LAYERS = [[104e-9, 2.55e6, 158.1], [9.66e-9, 2.21e6, 9.724], [82e-9, 3.98e6, 83.58], [np.inf, 1.6e6, 1.4]]
ITR_RESISTANCES = [4.2e-9, 6.9e-9, 1e-9]
ALSI_LAYERS = [[80e-9, 2.42e6, 180.0], [np.inf, 1.66e6, 140.0]]
ITR_SETUP = dict(modulation_frequency=200e3, repetition_rate=20e6, pump_radius=26e-6, probe_radius=12.5e-6)
ALSI_SETUP = dict(modulation_frequency=10e6, repetition_rate=80e6, pump_radius=10e-6, probe_radius=10e-6)


@pytest.fixture(scope="module")
def float32():
    worker = Float32Worker()
    yield worker
    worker.close()


def _stack(layers, resistances):
    return jt.tdtr.Stack(layers=[jt.tdtr.Layer(*layer) for layer in layers], resistances=list(resistances))


def _float64(entry, layers, resistances, setup, points, delay=None):
    stack, setup = _stack(layers, resistances), jt.tdtr.Setup(**setup)
    if entry == "signal":
        return np.asarray(jt.tdtr.signal(stack, setup, points))
    if entry == "response":
        return np.asarray(jt.tdtr.response(stack, setup, points))
    return np.asarray(jt.tdtr.fdtr_signal(stack, setup, points, delay=delay))


CASES = {
    "ITR FR 26/12.5 um": (ITR_LAYERS, ITR_RESISTANCES, dict(ITR_SETUP, heat_at="front", probe_at="rear")),
    "ITR FF 26/12.5 um": (ITR_LAYERS, ITR_RESISTANCES, dict(ITR_SETUP, heat_at="front", probe_at="front")),
    "ITR RF 1-D": (
        ITR_LAYERS,
        ITR_RESISTANCES,
        dict(modulation_frequency=200e3, repetition_rate=20e6, heat_at="rear", probe_at="front", one_dimensional=True),
    ),
    "Al/Si 80 MHz": (ALSI_LAYERS, [5e-9], ALSI_SETUP),
}


@pytest.mark.parametrize("case", list(CASES))
def test_float32_signal_within_documented_bound(float32, case):
    """The float32 lock-in signal is finite and its ratio and phase agree with float64 within the
    documented bound from 1 ps to the end of the period (decade boundaries included, where the
    contour sums round the most)."""
    layers, resistances, setup = CASES[case]
    period = 1.0 / setup["repetition_rate"]
    delays = np.concatenate([np.geomspace(1e-12, 0.98 * period, 14), [1e-11, 1e-10, 1e-9]])
    answer = float32(entry="signal", layers=layers, resistances=resistances, setup=setup, points=delays.tolist())
    assert "error" not in answer, answer
    assert answer["dtype"] == "complex64" and not answer["warnings"]
    z32, z64 = answer["value"], _float64("signal", layers, resistances, setup, delays)
    assert np.all(np.isfinite(z32))
    ratio_error = np.abs(jt.tdtr.ratio(z32) / jt.tdtr.ratio(z64) - 1)
    phase_error = np.abs(np.angle(z32 / z64))
    assert np.max(ratio_error) < RATIO_BOUND, (case, np.max(ratio_error))
    assert np.max(phase_error) < PHASE_BOUND, (case, np.max(phase_error))


def test_float32_response_and_fdtr_within_bound(float32):
    """The bare response H(i 2 pi f) from 100 Hz to 1 GHz and the pulsed FDTR signal agree with
    float64 to 1e-5 relative in float32 (a list of frequencies is accepted as well)."""
    setup = dict(ITR_SETUP, heat_at="front", probe_at="rear")
    frequencies = np.geomspace(1e2, 1e9, 15)
    answer = float32(
        entry="response", layers=ITR_LAYERS, resistances=ITR_RESISTANCES, setup=setup, points=frequencies.tolist()
    )
    h64 = _float64("response", ITR_LAYERS, ITR_RESISTANCES, setup, frequencies)
    assert np.max(np.abs(answer["value"] - h64) / np.abs(h64)) < RESPONSE_BOUND
    modulation = np.geomspace(1e5, 9e6, 5)
    answer = float32(
        entry="fdtr_signal",
        layers=ALSI_LAYERS,
        resistances=[5e-9],
        setup=ALSI_SETUP,
        points=modulation.tolist(),
        delay=1e-10,
    )
    z64 = _float64("fdtr_signal", ALSI_LAYERS, [5e-9], ALSI_SETUP, modulation, delay=1e-10)
    assert np.max(np.abs(answer["value"] - z64) / np.abs(z64)) < RESPONSE_BOUND


def test_float32_sideband_sum_warns(float32):
    """The textbook sideband sum with 2000 sidebands cannot reach the float32 bound (each phase
    m w_rep t is rounded at 2 pi M eps): it emits a PrecisionWarning that names the setting and the
    remedy, and the error it warns about is real (beyond the split method's bound)."""
    setup = dict(ALSI_SETUP, method="sidebands", n_sidebands=2000)
    delays = np.geomspace(100e-12, 12e-9, 12)
    answer = float32(entry="signal", layers=ALSI_LAYERS, resistances=[5e-9], setup=setup, points=delays.tolist())
    categories = [category for category, _ in answer["warnings"]]
    assert categories == ["PrecisionWarning"]
    assert "n_sidebands = 2000" in answer["warnings"][0][1] and "jax_enable_x64" in answer["warnings"][0][1]
    z64 = _float64("signal", ALSI_LAYERS, [5e-9], setup, delays)
    assert np.max(np.abs(jt.tdtr.ratio(answer["value"]) / jt.tdtr.ratio(z64) - 1)) > RATIO_BOUND


def test_float32_high_window_order_warns(float32):
    """A 6th-order window (fast 80 MHz settings) cancels 2^6 in the smooth part's finite difference:
    in float32 that is warned about (PrecisionWarning naming window_order), and on a thin
    low-conductivity film over a high-conductivity substrate the error it warns about is real."""
    layers = [[1e-8, 1e6, 1.0], [np.inf, 10.0**6.5, 10.0**2.5625]]
    setup = dict(ALSI_SETUP, n_hankel=16, n_sidebands=12, window_order=6, min_delay=5e-11)
    delays = np.array([7.5e-11, 3e-10, 1e-9, 6.275e-09])
    answer = float32(entry="signal", layers=layers, resistances=[0.0], setup=setup, points=delays.tolist())
    assert [category for category, _ in answer["warnings"]] == ["PrecisionWarning"]
    assert "window_order = 6" in answer["warnings"][0][1]
    z64 = _float64("signal", layers, [0.0], setup, delays)
    assert np.max(np.abs(answer["value"] - z64) / np.abs(z64)) > RATIO_BOUND


def test_float32_sensitivities_match_float64(float32):
    """Forward-mode derivatives of the ratio with respect to ln R (the Jacobian a fit uses) are
    finite in float32 and equal the float64 ones to 1e-5 of each column's largest entry
    (measured 1.3e-6 for FR and FF), here for FR on the ITR stack."""
    delays = np.geomspace(1e-11, 45e-9, 5)
    for planes in (dict(heat_at="front", probe_at="rear"),):
        setup = dict(ITR_SETUP, **planes)
        answer = float32(
            entry="resistance_sensitivity",
            layers=ITR_LAYERS,
            resistances=ITR_RESISTANCES,
            setup=setup,
            points=delays.tolist(),
        )
        assert "error" not in answer, answer
        j32 = np.asarray(answer["real"])
        j64 = np.asarray(resistance_sensitivity(_stack(ITR_LAYERS, ITR_RESISTANCES), jt.tdtr.Setup(**setup), delays))
        assert np.all(np.isfinite(j32))
        assert np.all(np.max(np.abs(j32 - j64), axis=0) < 1e-5 * np.max(np.abs(j64), axis=0))
