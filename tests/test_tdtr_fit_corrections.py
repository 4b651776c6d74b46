"""Lock-in corrections as fittable parameters, traced delays/frequencies, and the phase estimate from t = 0.

A detection-phase offset phi rotates the signal, Z -> Z exp(i phi); a time-zero shift t0
evaluates the model at delays + t0. Both are pytree leaves: their derivatives agree with
central finite differences, and a fit recovers them. The delays of `TdtrModel` and the
frequencies of `FdtrModel` are traced, so files of one length bucket share one compiled
fit. The phase estimate from the jump of V_out across t = 0 recovers a known rotation.
"""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import jaxtherm as jt
from jaxtherm.fit import Trace, fit_traces
from jaxtherm.fit._solve import solve
from jaxtherm.tdtr import FdtrModel, TdtrModel, correct_phase, estimate_phase_offset

L = jt.tdtr.Layer
# 80 nm Al on Si, 1-D (cheap), 10 MHz / 80 MHz, heated and probed at the surface.
STACK = jt.tdtr.Stack(layers=[L(80e-9, 2.42e6, 200.0), L(float("inf"), 1.66e6, 140.0)], resistances=[5e-9])
SETUP = jt.tdtr.Setup(10e6, 80e6, one_dimensional=True)
PARAMS = {"stack": STACK, "phase_offset": 0.3, "t0": 2e-12}
DELAYS = np.geomspace(50e-12, 3e-9, 12)


def test_corrections_rotate_and_shift_the_signal():
    """V_in + i V_out of the corrected model equals signal(delays + t0) exp(i phi); the phase moves by phi."""
    options = dict(phase_offset_path="phase_offset", time_shift_path="t0")
    z = np.asarray(jt.tdtr.signal(STACK, SETUP, DELAYS + 2e-12)) * np.exp(0.3j)
    v_in = np.asarray(TdtrModel(SETUP, DELAYS, "v_in", **options)(PARAMS))
    v_out = np.asarray(TdtrModel(SETUP, DELAYS, "v_out", **options)(PARAMS))
    np.testing.assert_allclose(v_in + 1j * v_out, z, rtol=1e-12)
    plain = np.asarray(TdtrModel(SETUP, DELAYS + 2e-12, "phase")(PARAMS))
    shifted = np.asarray(TdtrModel(SETUP, DELAYS, "phase", **options)(PARAMS))
    np.testing.assert_allclose(np.angle(np.exp(1j * (shifted - plain))), 0.3, rtol=1e-12)


def test_correction_derivatives_match_finite_differences():
    """d(V_in, V_out) / d phi and / d t0 by forward-mode AD through the traced delays equal central differences."""
    options = dict(phase_offset_path="phase_offset", time_shift_path="t0")
    models = [TdtrModel(SETUP, DELAYS, observable, **options) for observable in ("v_in", "v_out")]

    @jax.jit
    def ratio(phi, t0):
        params = dict(PARAMS, phase_offset=phi, t0=t0)
        return jnp.concatenate([model(params, jnp.asarray(DELAYS)) for model in models])

    d_phi, d_t0 = jax.jacfwd(ratio, argnums=(0, 1))(0.3, 2e-12)
    h_phi, h_t0 = 1e-5, 1e-14
    fd_phi = (np.asarray(ratio(0.3 + h_phi, 2e-12)) - np.asarray(ratio(0.3 - h_phi, 2e-12))) / (2 * h_phi)
    fd_t0 = (np.asarray(ratio(0.3, 2e-12 + h_t0)) - np.asarray(ratio(0.3, 2e-12 - h_t0))) / (2 * h_t0)
    np.testing.assert_allclose(np.asarray(d_phi), fd_phi, rtol=1e-6)
    np.testing.assert_allclose(np.asarray(d_t0), fd_t0, rtol=1e-5, atol=1e-6 * np.max(np.abs(fd_t0)))


def test_phase_offset_estimate_recovers_a_known_rotation():
    """Synthetic scan across t = 0 rotated by 0.25 rad: the V_out-jump estimate finds 0.25 rad within 0.5 mrad
    without noise (the bias is of order 2 pi f_mod t = 3e-4 rad at 5 ps) and within 3 mrad with noise of
    2e-4 of the peak signal; undoing it leaves V_out continuous across zero."""
    delays = np.concatenate([np.linspace(-40e-12, -5e-12, 8), np.linspace(5e-12, 40e-12, 8), DELAYS])
    z = np.asarray(jt.tdtr.signal(STACK, SETUP, delays)) * np.exp(0.25j)
    assert estimate_phase_offset(delays, z.real, z.imag) == pytest.approx(0.25, abs=5e-4)
    rng = np.random.default_rng(3)
    noise = 2e-4 * np.abs(z).max() * rng.standard_normal((2, delays.size))
    v_in, v_out = z.real + noise[0], z.imag + noise[1]
    phi = estimate_phase_offset(delays, v_in, v_out)
    assert phi == pytest.approx(0.25, abs=3e-3)
    fixed_in, fixed_out = correct_phase(v_in, v_out, phi)
    jump_in, jump_out = fixed_in[8] - fixed_in[7], fixed_out[8] - fixed_out[7]
    assert abs(jump_out) < 0.01 * abs(jump_in)
    with pytest.raises(ValueError, match="negative"):
        estimate_phase_offset(DELAYS, z.real[-12:], z.imag[-12:])


def _tdtr_file(n, seed, first):
    delays = np.geomspace(first, 3e-9, n)
    model = TdtrModel(SETUP, delays, "phase", phase_offset_path="phase_offset", time_shift_path="t0")
    rng = np.random.default_rng(seed)
    data = np.asarray(model(PARAMS)) + 1e-4 * rng.standard_normal(n)
    return Trace(model=model, data=data, sigma=1e-4)


def test_tdtr_files_share_one_compiled_fit():
    """Three TDTR files (20, 20 and 27 delays on different grids) fitted for the ITR and the phase offset:
    one compilation serves all three, and each recovers the truth within 5 sigma; an uncertain time zero
    (0.5 ps in fixed_uncertainties) widens the ITR's total uncertainty beyond the statistical one."""
    free = {"R": "stack.resistances[0]", "phi": "phase_offset"}
    start = dict(PARAMS, phase_offset=0.0, stack=STACK.replace_resistance(0, 1e-8))
    first = fit_traces(start, _tdtr_file(20, 1, 50e-12), free, positive={"R": True, "phi": False})
    compiled = solve._cache_size()
    for n, seed, delay in ((20, 2, 60e-12), (27, 3, 40e-12)):
        fixed = {"t0": 0.5e-12} if n == 27 else None
        trace = _tdtr_file(n, seed, delay)
        result = fit_traces(start, trace, free, positive={"R": True, "phi": False}, fixed_uncertainties=fixed)
        assert result.converged and result.fit.n_data == n
        assert abs(result.values["phi"] - 0.3) < 5 * result.standard_errors["phi"]
        assert abs(result.values["R"] - 5e-9) < 5 * result.standard_errors["R"]
    assert solve._cache_size() == compiled
    assert first.converged and result.fixed_names == ("t0",)
    assert result.standard_errors["R"] > result.statistical_errors["R"]


def test_fdtr_model_traced_frequencies_and_phase_offset():
    """CW FDTR: the model's phase is phase(fdtr_signal) + phi; evaluated at traced frequencies inside jit it
    equals the eager value; two files of 10 frequencies share one compiled fit that recovers kappa_Si and phi."""
    frequencies = np.geomspace(1e5, 2e7, 10)
    setup = jt.tdtr.Setup(1e6, 80e6, 10e-6, 10e-6)
    model = FdtrModel(setup, frequencies, phase_offset_path="phase_offset")
    expected = np.angle(np.asarray(jt.tdtr.fdtr_signal(STACK, setup, frequencies)) * np.exp(0.3j))
    eager = np.asarray(model(PARAMS))
    np.testing.assert_allclose(eager, expected, rtol=1e-12)
    traced = jax.jit(lambda p, f: model(p, f))(PARAMS, jnp.asarray(frequencies))
    np.testing.assert_allclose(np.asarray(traced), eager, rtol=1e-12)
    free = {"kappa": "stack.layers[1].conductivity", "phi": "phase_offset"}
    start = dict(PARAMS, phase_offset=0.0, stack=STACK.replace_layer(1, conductivity=100.0))
    compiled = None
    for seed, top in ((1, 2e7), (2, 1.5e7)):
        grid = np.geomspace(1e5, top, 10)
        data = np.asarray(FdtrModel(setup, grid, phase_offset_path="phase_offset")(PARAMS))
        data = data + 1e-4 * np.random.default_rng(seed).standard_normal(10)
        trace = Trace(model=FdtrModel(setup, grid, phase_offset_path="phase_offset"), data=data, sigma=1e-4)
        result = fit_traces(start, trace, free, positive={"kappa": True, "phi": False}, warn_degenerate=False)
        assert abs(result.values["kappa"] - 140.0) < 5 * result.standard_errors["kappa"]
        assert abs(result.values["phi"] - 0.3) < 5 * result.standard_errors["phi"]
        compiled = solve._cache_size() if compiled is None else compiled
    assert solve._cache_size() == compiled
