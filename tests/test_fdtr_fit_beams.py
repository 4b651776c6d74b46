"""FDTR trace models with fittable beams and a time-zero shift: parity with `TdtrModel`.

`FdtrModel(beams_path=...)` reads a `Beams` (radii, offset, optical depths) from the parameter
pytree and `time_shift_path` shifts the fixed delay of a pulsed measurement (a continuous-wave
one has no delay and refuses it). The model equals `fdtr_signal` with those inputs; its
derivatives agree with central finite differences in float64; a fit of synthetic CW FDTR phase
data recovers a known probe radius, and the propagated pump-radius uncertainty follows the exact
degeneracy of coaxial Gaussian beams (the signal depends on w0^2 + w1^2 only: dw1/dw0 = -w0/w1).
"""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import jaxtherm as jt
from jaxtherm.tdtr import Beams, FdtrModel

L = jt.tdtr.Layer
STACK = jt.tdtr.Stack(layers=[L(80e-9, 2.42e6, 120.0), L(float("inf"), 1.65e6, 140.0)], resistances=[1 / 2e8])
FAST = dict(n_hankel=16, n_sidebands=12, min_delay=5e-11, contour_nodes=24, window_order=6)
W0, W1 = 10e-6, 6e-6
SETUP = jt.tdtr.Setup(1e6, 80e6, 8e-6, 8e-6, **FAST)  # the setup's radii are not the true ones
FREQUENCIES = np.geomspace(1e5, 2e7, 12)
DELAY = 100e-12
PARAMS = {"stack": STACK, "beams": Beams(W0, W1), "t0": 2e-12}


def test_model_equals_fdtr_signal_with_those_beams_and_delay():
    """CW and pulsed: the model's phase equals that of `fdtr_signal(..., delay + t0, beams=)` to 1e-12 and differs
    from the setup's own radii; a time shift of a CW model is refused, naming the missing delay."""
    for delay, shift in ((None, {}), (DELAY, {"time_shift_path": "t0"})):
        model = FdtrModel(SETUP, FREQUENCIES, "phase", delay=delay, beams_path="beams", **shift)
        at = None if delay is None else delay + PARAMS["t0"]
        direct = np.asarray(jt.tdtr.fdtr_signal(STACK, SETUP, FREQUENCIES, at, beams=PARAMS["beams"]))
        np.testing.assert_allclose(np.asarray(model(PARAMS)), np.angle(direct), rtol=1e-12)
        setup_beams = np.asarray(jt.tdtr.fdtr_signal(STACK, SETUP, FREQUENCIES, at))
        assert np.max(np.abs(direct / setup_beams - 1)) > 1e-3
    unshifted = np.asarray(jt.tdtr.fdtr_signal(STACK, SETUP, FREQUENCIES, DELAY, beams=PARAMS["beams"]))
    assert np.max(np.abs(direct / unshifted - 1)) > 1e-4  # the shift is not a no-op
    with pytest.raises(ValueError, match="time_shift_path needs a pulsed measurement"):
        FdtrModel(SETUP, FREQUENCIES, time_shift_path="t0")


def test_derivatives_match_central_differences():
    """d(V_in, V_out)/d(pump radius, probe radius, t0) by forward-mode AD through traced frequencies (pulsed
    FDTR, float64) equal central finite differences."""
    model = FdtrModel(SETUP, FREQUENCIES, delay=DELAY, beams_path="beams", time_shift_path="t0")

    @jax.jit
    def signal(w0, w1, t0):
        z = model.signal(dict(PARAMS, beams=Beams(w0, w1), t0=t0), jnp.asarray(FREQUENCIES))
        return jnp.concatenate([jnp.real(z), jnp.imag(z)])

    x = (W0, W1, 2e-12)
    derivatives = jax.jacfwd(signal, argnums=(0, 1, 2))(*x)
    for i, (step, derivative) in enumerate(zip((1e-10, 1e-10, 1e-14), derivatives)):
        up, down = list(x), list(x)
        up[i] += step
        down[i] -= step
        central = (np.asarray(signal(*up)) - np.asarray(signal(*down))) / (2 * step)
        assert np.max(np.abs(central)) > 0
        np.testing.assert_allclose(np.asarray(derivative), central, rtol=1e-5, atol=1e-6 * np.max(np.abs(central)))


def test_fit_recovers_the_probe_radius():
    """CW FDTR phase at 20 frequencies (0.1-20 MHz, 2e-4 rad noise) from a 6 um probe radius: fitting the probe radius
    with kappa_Si, started at 4 um and 100 W/mK, recovers both within 3 standard errors. The pump radius' 0.3 um
    uncertainty propagates by the implicit-function Jacobian dw1/dw0 = -w0/w1 (1e-8) and dkappa/dw0 = 0, because
    coaxial Gaussian beams enter through w0^2 + w1^2 only; so the probe radius' error grows to
    sqrt(stat^2 + (0.3 um w0/w1)^2)."""
    frequencies = np.geomspace(1e5, 2e7, 20)
    model = FdtrModel(SETUP, frequencies, beams_path="beams")
    clean = np.asarray(model(PARAMS))
    data = clean + 2e-4 * np.random.default_rng(4).standard_normal(frequencies.size)
    trace = jt.fit.Trace(model=model, data=data, sigma=2e-4, name="FDTR phase", x=frequencies)
    start = dict(PARAMS, beams=Beams(W0, 4e-6), stack=STACK.replace_layer(1, conductivity=100.0))
    free = {"w1": "beams.probe_radius", "kappa": "stack.layers[1].conductivity"}
    result = jt.fit.fit_traces(
        start, trace, free, fixed_uncertainties={"beams.pump_radius": 0.3e-6}, absolute_sigma=True, warn=False
    )
    assert result.converged
    assert abs(result.values["w1"] - W1) < 3 * result.statistical_errors["w1"], result.values
    assert abs(result.values["kappa"] - 140.0) < 3 * result.statistical_errors["kappa"], result.values
    assert result.fixed_names == ("beams.pump_radius",)
    jacobian = np.asarray(result.fixed_jacobian)[:, 0]
    assert jacobian[0] == pytest.approx(-W0 / result.values["w1"], rel=1e-8)
    assert abs(jacobian[1]) * W0 / result.values["kappa"] < 1e-8
    expected = np.hypot(result.statistical_errors["w1"], 0.3e-6 * W0 / result.values["w1"])
    assert result.standard_errors["w1"] == pytest.approx(expected, rel=1e-8)
