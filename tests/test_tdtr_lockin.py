"""Pulse-train lock-in signal over the whole repetition period: the split numerics against
brute-force sideband sums, their convergence, the delay-stage switch and FDTR."""

import numpy as np
import pytest

import jaxtherm as jt

import helpers

L = jt.tdtr.Layer
F_MOD, F_REP = 200e3, 20e6
PERIOD = 1.0 / F_REP
CLAIM_DELAYS = np.array([1e-12, 10e-12, 100e-12, 1e-9, 49e-9])


@pytest.fixture(scope="module")
def itr_stack():
    """W/Al2O3/Ni/quartz of the ITR paper (Table 1 properties, Table 3 ITRs at 300 K)."""
    return helpers.itr_stack()


def _filtered_sideband_sum(stack, setup, delays, n_sidebands):
    """Brute-force reference: sum_m sigma(m/M) H(w_mod + m w_rep) exp(i m w_rep t) with a smooth
    spectral filter sigma(eta) = exp(-36 eta^8). The filter confines the truncation error to
    |t| ~ 1/(M w_rep) around the pulse, so with M ~ 10^6 it is negligible from 1 ps on."""
    m = np.arange(-n_sidebands, n_sidebands + 1)
    omega_rep = 2 * np.pi * setup.repetition_rate
    freqs = setup.modulation_frequency + m * setup.repetition_rate
    h = np.asarray(jt.tdtr.response(stack, setup, freqs)) * np.exp(-36.0 * (np.abs(m) / n_sidebands) ** 8)
    return np.array([np.sum(h * np.exp(1j * omega_rep * m * t)) for t in delays])


@pytest.mark.parametrize("planes", [("front", "front"), ("front", "rear"), ("rear", "rear")], ids=["FF", "FR", "RR"])
def test_full_period_accuracy_1d(itr_stack, planes):
    """The default split numerics give the ratio -V_in/V_out to better than 1e-6 (claim: 1e-5)
    at 1 ps, 10 ps, 100 ps, 1 ns and 49 ns of the 50 ns period (20 MHz / 200 kHz, 1-D),
    against a brute-force sum over 2 x 10^6 + 1 sidebands."""
    setup = jt.tdtr.Setup(F_MOD, F_REP, heat_at=planes[0], probe_at=planes[1], one_dimensional=True)
    z = np.asarray(jt.tdtr.signal(itr_stack, setup, CLAIM_DELAYS))
    reference = _filtered_sideband_sum(itr_stack, setup, CLAIM_DELAYS, 1_000_000)
    error = np.abs(jt.tdtr.ratio(z) / jt.tdtr.ratio(reference) - 1)
    assert np.all(error < 1e-6), error
    assert np.all(np.abs(z / reference - 1) < 1e-6)


def test_full_period_accuracy_gaussian(itr_stack):
    """With Gaussian spots (26 um pump, 12.5 um probe) the ratio matches a brute-force sum over
    2 x 10^5 + 1 sidebands to 1e-6 from 10 ps to 49 ns, front/front (the t^-1/2 singular case)."""
    setup = jt.tdtr.Setup(F_MOD, F_REP, 26e-6, 12.5e-6, heat_at="front", probe_at="front")
    delays = CLAIM_DELAYS[1:]
    z = np.asarray(jt.tdtr.signal(itr_stack, setup, delays))
    reference = _filtered_sideband_sum(itr_stack, setup, delays, 100_000)
    error = np.abs(jt.tdtr.ratio(z) / jt.tdtr.ratio(reference) - 1)
    assert np.all(error < 1e-6), error


def test_plain_sideband_sum_needs_many_sidebands_at_short_delay(itr_stack):
    """The textbook sideband sum (now under a smooth window) blurs the signal over ~1 / (M w_rep)
    (the reason for the split): with M = 2000 its ratio is off by more than 1e-3 at 1 ps, and the
    error shrinks with the distance from the pulse (ten times smaller at 1 ns). The documented bound
    at the default M = 2000 (`jaxtherm.tdtr._lockin`): <= 1.4e-7 from 1 ns on (asserted 3e-7)."""
    base = jt.tdtr.Setup(F_MOD, F_REP, heat_at="front", probe_at="front", one_dimensional=True)
    split = np.asarray(jt.tdtr.signal(itr_stack, base, CLAIM_DELAYS))
    plain = np.asarray(jt.tdtr.signal(itr_stack, base.replace(method="sidebands", n_sidebands=2000), CLAIM_DELAYS))
    error = np.abs(np.asarray(jt.tdtr.ratio(plain)) / np.asarray(jt.tdtr.ratio(split)) - 1)
    assert error[0] > 1e-3
    assert error[3] < 0.1 * error[0]
    assert np.all(error[3:] < 3e-7), error
    # the default number of sidebands follows the method
    assert base.replace(method="sidebands").n_sidebands == 2000


def test_windowed_sideband_sum_error_on_al_si():
    """Al (80 nm) / Si, 80 MHz / 10 MHz, 10 um spots, default M = 2000: the windowed sideband sum
    agrees with the split method to the documented 1e-5 from 100 ps to 12 ns (measured <= 9.6e-6)."""
    stack = jt.tdtr.Stack(layers=[L(80e-9, 2.42e6, 120.0), L(float("inf"), 1.65e6, 140.0)], resistances=[1 / 2e8])
    setup = jt.tdtr.Setup(10e6, 80e6, 10e-6, 10e-6)
    delays = np.array([100e-12, 1e-9, 12e-9])
    split = np.asarray(jt.tdtr.ratio(jt.tdtr.signal(stack, setup, delays)))
    windowed = np.asarray(jt.tdtr.ratio(jt.tdtr.signal(stack, setup.replace(method="sidebands"), delays)))
    assert np.all(np.abs(windowed / split - 1) < 1e-5), windowed / split - 1


def test_split_sideband_convergence_order(itr_stack):
    """The smooth remainder's spectrum decays like |m|^-(p+1/2) (p = window_order = 4), so the
    signal error falls like M^-(p-1/2) = M^-3.5: the fitted log-log slope is below -2.5."""
    base = jt.tdtr.Setup(F_MOD, F_REP, heat_at="front", probe_at="front", one_dimensional=True)
    delays = CLAIM_DELAYS
    reference = np.asarray(jt.tdtr.signal(itr_stack, base.replace(n_sidebands=256), delays))
    ms = np.array([6, 10, 16])
    errors = []
    for m in ms:
        z = np.asarray(jt.tdtr.signal(itr_stack, base.replace(n_sidebands=int(m)), delays))
        errors.append(np.max(np.abs(z - reference) / np.abs(reference)))
    slope = np.polyfit(np.log(ms), np.log(errors), 1)[0]
    assert slope < -2.5, (errors, slope)


def test_pump_on_delay_stage_and_periodicity(itr_stack):
    """Delaying the pump instead of the probe multiplies Z by exp(i w_mod t) (SPEC §4); with the
    probe delayed, Z is periodic in the delay with the pulse period."""
    probe = jt.tdtr.Setup(F_MOD, F_REP, heat_at="front", probe_at="rear", one_dimensional=True)
    pump = probe.replace(delay_stage="pump")
    delays = np.array([5e-12, 3e-10, 7e-9, 40e-9, 49.9e-9])
    z_probe = np.asarray(jt.tdtr.signal(itr_stack, probe, delays))
    z_pump = np.asarray(jt.tdtr.signal(itr_stack, pump, delays))
    np.testing.assert_allclose(z_pump, z_probe * np.exp(2j * np.pi * F_MOD * delays), rtol=1e-13)
    shifted = np.asarray(jt.tdtr.signal(itr_stack, probe, delays - PERIOD))
    np.testing.assert_allclose(shifted, z_probe, rtol=1e-9)


def test_fdtr_matches_tdtr_and_cw_limit(itr_stack):
    """FDTR (signal vs modulation frequency at a fixed delay) equals the TDTR signal computed with
    each modulation frequency in turn; the continuous-wave FDTR signal of a 1-D half space has
    phase -45 degrees at every frequency (H = 1/(e sqrt(i omega)))."""
    setup = jt.tdtr.Setup(F_MOD, F_REP, heat_at="front", probe_at="rear", one_dimensional=True)
    freqs = np.array([200e3, 1.1e6])
    fdtr = np.asarray(jt.tdtr.fdtr_signal(itr_stack, setup, freqs, delay=CLAIM_DELAYS[2]))
    for f, value in zip(freqs, fdtr):
        tdtr = np.asarray(jt.tdtr.signal(itr_stack, setup.replace(modulation_frequency=float(f)), CLAIM_DELAYS))[2]
        assert abs(value / tdtr - 1) < 1e-12
    half_space = jt.tdtr.Stack(layers=[L(np.inf, 1.6e6, 1.4)], resistances=[])
    cw = jt.tdtr.fdtr_signal(half_space, setup.replace(probe_at="front"), np.geomspace(1e3, 1e8, 6))
    np.testing.assert_allclose(np.asarray(jt.tdtr.phase(cw)), -np.pi / 4, atol=1e-13)
