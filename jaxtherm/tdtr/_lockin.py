r"""Pulse train + modulation: the lock-in signal over the whole repetition period.

The lock-in signal at delay t is (ITR paper, probe on the delay stage)

    Z(t) = sum_m H(i w_m) exp(i m w_s t),   w_m = w_0 + m w_s,            (1)

with w_0 = 2 pi f_mod, w_s = 2 pi f_rep, T = 1/f_rep and H(s) the spot-averaged
response (`hankel.spot_response`). By Poisson summation (1) is the time-domain sum
over earlier pulses of the impulse response h(t) (the inverse Laplace transform of H):

    Z(t) = T sum_{n>=0} h(t + nT) exp(-i w_0 (t + nT)),   0 < t < T.      (2)

**Why the plain sum (1) is expensive.** When heat and probe share a plane,
h(t) ~ t^{-1/2} at short times (H ~ s^{-1/2}), so the terms of (1) decay like
|m|^{-1/2}; resolving delays t_min needs M >> 1/(w_s t_min) sidebands (10^5 - 10^6
for 1 ps in a 50 ns period). Summing (2) instead needs thousands of pulses at
200 kHz modulation (in 1-D h ~ t^{-1/2} forever).

**The split used here (`method="split"`).** Take a smooth time window
w(t) = 1 - (1 - exp(-lambda t))^p (p = `window_order`, lambda = `window_rate` * f_rep),
equal to 1 up to O(t^p) at t -> 0 and decaying like p exp(-lambda t). Then
h = h w + h (1 - w) and

* the *early, singular* part h w is summed in the time domain with (2): it needs
  only P = ceil(ln(p / 1e-13) / (lambda T)) <= 10 pulses, and h(t) itself comes from a
  numerical inverse Laplace transform of H on fixed Talbot contours
  z(theta) = r theta (cot theta + 1.5 i), r = 0.4 N / t_max (N = `contour_nodes` = 32 nodes on
  the half contour, real symmetry used), one contour per decade of time from `min_delay` to T
  for the current pulse and one over [T, P T] for the earlier pulses, whose sum over n is
  done in closed form (geometric sums per node, since w is a sum of exponentials). H is
  analytic off the negative real axis for any diffusive stack, so the contour rule converges
  geometrically (~3e-9 relative on TDTR stacks at 32 nodes; more nodes amplify round-off as
  exp(0.4 N)). h is real, so its error enters V_in, where the early-time signal is large;
* the *late, smooth* part h (1 - w) ~ t^{p - 1/2} vanishes at t = 0 to high order.
  Its Laplace transform is the p-th finite difference
  `D(s) = sum_{j=0}^{p} (-1)^j binom(p, j) H(s + j lambda)`, which decays like
  |s|^{-p-1/2}; so (1) applied to D converges like M^{-(p-1/2)} and a modest
  M (`n_sidebands`, 32 by default) reaches ~1e-7 of the signal, independently of the
  smallest delay. It carries all of the long-time (low-frequency, pile-up) physics.

Measured (ITR stack, 20 MHz / 200 kHz, default settings) against smoothly filtered brute-force
sums over 4 x 10^6 + 1 sidebands: ratio errors <= 1.4e-7 at 1 ps, 10 ps, 100 ps, 1 ns and 49 ns
(1-D; FF, FR, RF, RR); with Gaussian spots (26 / 12.5 um) <= 1.3e-7 from 10 ps to 49 ns (vs
8 x 10^5 + 1 sidebands; at 2 ps 3.5e-9, while at 1 ps that brute-force sum itself is still
off by 2e-4). The tests assert 1e-6 (claim: 1e-5).

The total cost is ~ (2M + 1)(p + 1) + (#decades + 1)(contour_nodes) evaluations of H
plus ~ 2 (#delays)(contour_nodes) exponentials: it grows only logarithmically with
1 / (f_rep t_min). For heated and probed planes that differ, h(t) is flat at t = 0
(H decays like exp(-sqrt(s) L / sqrt(D))) and the same split applies unchanged.
`tests/test_tdtr_lockin.py` checks the claim against brute-force (smoothly
filtered) sideband sums with ~10^6 sidebands at 1 ps, 10 ps, 100 ps, 1 ns and 49 ns.

`method="sidebands"` evaluates (1) directly with M = `n_sidebands` (2000 by default) and a smooth
spectral window sigma(m / M) = exp(-36 (m / M)^8) instead of a hard cut (a hard cut at M = 2000
leaves 2.5-3.7 % ratio errors on the ITR stack even at nanosecond delays). The window smooths the
signal over tau ~ 1 / (M w_s) (4 ps at 20 MHz, 1 ps at 80 MHz), so it is accurate only for delays
>> tau after a pulse. Measured ratio errors against `"split"` at the default M = 2000
(tests/test_tdtr_lockin.py asserts them): ITR stack, 20 MHz / 200 kHz, front/front (1-D, and
26 / 12.5 um spots alike): 0.59 at 1 ps, 0.13 at 10 ps, 3.5e-3 at 100 ps, <= 1.4e-7 at 1 ns and
49 ns; front/rear (1-D) <= 1.6e-7 from 1 ps on; Al (80 nm) / Si, 80 MHz / 10 MHz, 10 um spots:
0.28 at 1 ps, 0.13 at 10 ps, <= 1e-5 from 100 ps to 12 ns. `"split"` is the method to use; the
sideband sum is kept as the textbook cross-check.

If the pump rides the delay stage, Z is multiplied by exp(i w_0 t).

**Precision.** In float32 three things change, all chosen when the function is traced: the
complex roots and reciprocals scale by the larger component (|q|^2 ~ 1e42 at the Talbot nodes
of 0.1 ps would overflow); delays are wrapped with mod(t, T), which returns a delay inside the
period unchanged (T - mod(-t, T) rounds 1 ps at the scale of T); and each decade of the current
pulse gets three contours of 12 nodes instead of one of `contour_nodes`, because the contour sum
rounds each term at exp(c N t / t_max) times its final size (the earlier-pulse contour keeps
16 nodes). The accuracy reached is stated in `signal`.
"""

from __future__ import annotations

import functools
import math

import jax
import jax.numpy as jnp
import numpy as np

from .._validation import as_concrete_array, check_finite, check_positive, is_concrete
from ._beams import Beams
from ._checks import (
    as_points,
    check_beam_input,
    check_precision,
    check_probe_reachable,
    check_setup,
    check_single_stack,
    check_steady_state,
    planes,
    validate_delays,
)
from ._contour import _contour_plan, _n_pulses, _single_precision, _talbot
from ._hankel import spot_response
from ._params import Stack, validate_stack
from ._setup import Setup

__all__ = ["fdtr_signal", "phase", "ratio", "response", "signal"]

# Window exp(-36 eta^8) of method="sidebands" (eta = m / M).
_SIDEBAND_WINDOW_RATE = 36.0
_SIDEBAND_WINDOW_POWER = 8


def _z_split(arrays, setup, heat_plane, probe_plane, modulation_frequency, delays, beams):
    """Z(t) by the split of the module docstring; `delays` wrapped into [0, T)."""
    period = setup.period
    omega_s = 2.0 * np.pi * setup.repetition_rate
    omega_0 = 2.0 * np.pi * modulation_frequency
    p = setup.window_order
    lam = setup.window_rate * setup.repetition_rate
    n_pulses = _n_pulses(setup)

    def H(s):
        return spot_response(arrays, setup, s, heat_plane, probe_plane, beams)

    # One call of H on every point needed (sideband grid shifted by j lambda, and the
    # Talbot nodes) keeps the compiled graph small.
    m = np.arange(-setup.n_sidebands, setup.n_sidebands + 1)
    shifts = lam * np.arange(p + 1)
    coefficients = np.array([(-1) ** j * math.comb(p, j) for j in range(p + 1)], dtype=float)
    s_grid = 1j * (omega_0 + m * omega_s)[:, None] + shifts[None, :]
    # Talbot contours: one per time range (a decade [min_delay 10^d, min_delay 10^(d+1)] in float64,
    # a third of one in float32, see _contour_plan) for the current
    # pulse (t in (0, T]), and one for the earlier pulses (t + nT in (T, P T], P <= 10).
    n_ranges, per_decade, n_nodes, n_late = _contour_plan(setup, _single_precision(delays))
    t_maxes = tuple(setup.min_delay * 10.0 ** ((d + 1) / per_decade) for d in range(n_ranges))
    nodes, weights = _talbot(t_maxes, n_nodes)
    late_nodes, late_weights = _talbot((n_pulses * period,), n_late)
    values = H(jnp.concatenate([s_grid.reshape(-1), jnp.asarray(nodes.reshape(-1)), jnp.asarray(late_nodes[0])]))
    n_grid = s_grid.size
    n_now = nodes.size

    # Smooth part: p-th difference of H along the real axis, summed over sidebands.
    smooth = values[:n_grid].reshape(s_grid.shape) @ coefficients  # (2M+1,)
    phases = jnp.exp(1j * omega_s * jnp.outer(delays, m))
    z_smooth = phases @ smooth

    # Singular part. The node amplitudes H(z_k) W_k carry every parameter tangent; the factors that
    # depend only on the delays (exp(z_k t), window, phase, geometric sums over earlier pulses) are
    # contracted with them by matrix products, whose operands XLA computes once. As elementwise products summed over the nodes, XLA fuses the cosine and
    # sine of exp(z_k t) into the product and evaluates them again for every tangent under jacfwd
    # (there they were ~2/3 of the Jacobian's cost on a 500-delay curve).
    amplitudes = values[n_grid : n_grid + n_now].reshape(nodes.shape) * jnp.asarray(weights)  # (ranges, nodes)
    late_amplitudes = values[n_grid + n_now :] * jnp.asarray(late_weights[0])  # (nodes,)
    phase_0 = jnp.exp(-1j * omega_0 * delays)
    # Current pulse: T h(t) w(t) exp(-i w0 t), h from the contour of t's time range.
    decade = jnp.clip(jnp.floor(per_decade * jnp.log10(delays / setup.min_delay)).astype(int), 0, n_ranges - 1)
    one_hot = (decade[:, None] == jnp.arange(n_ranges)[None, :]).astype(delays.dtype)
    growth = jnp.exp(jnp.asarray(nodes)[decade] * delays[:, None])  # (delays, nodes)
    # (delays, ranges) products of every range's amplitudes with exp(z t) of t's own range; the
    # one-hot factor keeps the column of t's range (the other columns mix nodes and amplitudes of
    # different ranges and are discarded).
    h_now = jnp.sum(one_hot * jnp.imag(growth @ amplitudes.T), axis=1)
    window_now = 1.0 - (-jnp.expm1(-lam * delays)) ** p
    z_now = period * h_now * window_now * phase_0
    # Earlier pulses n = 1 .. P-1 on the last contour, summed over n in closed form.
    late_matrix = _earlier_pulse_matrix(delays, late_nodes[0], phase_0, period, n_pulses, lam, p, omega_0)
    z_earlier = late_matrix @ jnp.concatenate([late_amplitudes, jnp.conj(late_amplitudes)])
    z_singular = z_now + z_earlier
    return z_smooth + z_singular


def _earlier_pulse_matrix(delays, late_nodes, phase_0, period, n_pulses, lam, p, omega_0):
    """Complex (delays, 2 nodes) matrix M with z = M @ [b; conj b] for the earlier-pulse part
    z(t) = T exp(-i w0 t) sum_{n=1}^{P-1} exp(-i w0 n T) w(t + nT) h(t + nT), b the node amplitudes
    H(z_k) W_k of the last contour (0 < t <= T).

    w(tau) = sum_j a_j exp(-j lambda tau) and Im X = (X - conj X) / 2i turn the sum over n into
    geometric sums G_j(z) = sum_n exp((z - j lambda - i w0) n T) per node:
    z(t) = T exp(-i w0 t) / 2i sum_k (b_k P_k(t) - conj(b_k) Q_k(t)) with
    P_k = exp(z_k t) sum_j a_j exp(-j lambda t) G_j(z_k), Q_k the same with conj(z_k)."""
    z_late = jnp.asarray(late_nodes)
    window_coefficients = np.array([(-1) ** (j + 1) * math.comb(p, j) for j in range(1, p + 1)], dtype=float)
    decay = lam * np.arange(1, p + 1)[:, None] + 1j * omega_0  # (p, 1)
    n = np.arange(1, n_pulses)[:, None, None]
    g_plus = jnp.sum(jnp.exp((z_late[None, :] - decay)[None] * (n * period)), axis=0)  # (p, nodes)
    g_minus = jnp.sum(jnp.exp((jnp.conj(z_late)[None, :] - decay)[None] * (n * period)), axis=0)
    late_window = jnp.exp(-lam * np.arange(1, p + 1)[None, :] * delays[:, None]) * window_coefficients  # (delays, p)
    growth = jnp.exp(z_late[None, :] * delays[:, None])  # (delays, nodes)
    scale = (period * phase_0 / 2j)[:, None]
    return jnp.concatenate(
        [scale * growth * (late_window @ g_plus), -scale * jnp.conj(growth) * (late_window @ g_minus)], axis=1
    )


def _z_sidebands(arrays, setup, heat_plane, probe_plane, modulation_frequency, delays, beams):
    omega_s = 2.0 * np.pi * setup.repetition_rate
    m = np.arange(-setup.n_sidebands, setup.n_sidebands + 1)
    values = spot_response(
        arrays, setup, 1j * (2.0 * np.pi * modulation_frequency + m * omega_s), heat_plane, probe_plane, beams
    )
    # Smooth spectral window: flat to O(eta^8) at eta = 0, 2e-16 at the last sideband (no hard cut).
    window = np.exp(-_SIDEBAND_WINDOW_RATE * (np.abs(m) / setup.n_sidebands) ** _SIDEBAND_WINDOW_POWER)
    return jnp.exp(1j * omega_s * jnp.outer(delays, m)) @ (values * window)


def _z_core(arrays, setup, heat_plane, probe_plane, modulation_frequency, delays, beams=None):
    delays = jnp.asarray(delays, dtype=float)
    shape = delays.shape
    flat = delays.reshape(-1)
    # Wrap into (0, T]: an exact multiple of the period is the left limit (just before a pulse).
    # mod(t, T) returns a delay already inside the period unchanged; T - mod(-t, T) would round a
    # 1 ps delay at the scale of T (3e-3 relative in float32).
    remainder = jnp.mod(flat, setup.period)
    wrapped = jnp.where(remainder == 0, setup.period, remainder)
    if setup.method == "split":
        z = _z_split(arrays, setup, heat_plane, probe_plane, modulation_frequency, wrapped, beams)
    else:
        z = _z_sidebands(arrays, setup, heat_plane, probe_plane, modulation_frequency, wrapped, beams)
    if setup.delay_stage == "pump":
        z = z * jnp.exp(1j * 2.0 * np.pi * modulation_frequency * flat)
    return z.reshape(shape)


@functools.partial(jax.jit, static_argnums=(1, 2, 3))
def _signal_jit(stack, setup, heat_plane, probe_plane, delays, beams):
    return _z_core(stack.arrays(), setup, heat_plane, probe_plane, setup.modulation_frequency, delays, beams)


def signal(stack: Stack, setup: Setup, delays, *, beams: Beams | None = None, wrap_delays: bool = False):
    """Complex lock-in signal Z(t) = V_in + i V_out of a TDTR measurement.

    **Arguments:**

    - `stack`: the sample (`Stack`; pytree, differentiable, vmappable).
    - `setup`: the measurement (`Setup`, static).
    - `delays`: pump-probe delays t (s), any shape (array, list or number), within one pulse
      period: -T <= t <= T, T = 1/f_rep. They are taken modulo the period into (0, T] (negative
      delays are the end of the previous period; an exact multiple of T is the value just before
      the next pulse). With `method="split"` they must not fall within `setup.min_delay` after a
      pulse.
    - `beams`: optional `Beams` (radii, offset, optical depths in m, as differentiable and
      vmappable leaves) replacing the `Setup`'s beam radii and optical depths; `None` uses the
      `Setup`'s.
    - `wrap_delays`: `True` accepts delays beyond one period and wraps them (by default they are
      refused: such values are usually delays written in ns or us instead of s).

    **Returns:** complex array of the shape of `delays`, per watt of absorbed average
    pump power (K W^-1) or, with `one_dimensional=True`, per W m^-2 (K m^2 W^-1).

    **Precision.** float64 (x64 on) is the tested default. In float32 the same call works
    (complex roots and reciprocals are scaled, the inverse-Laplace contours use three ranges
    per decade with 12 nodes, see this module's docstring) and agrees with float64 to: ratio
    -V_in/V_out within 1.5e-5 relative and phase within 8e-6 rad (measured, default `Setup`,
    delays 1 ps to the full period, on W/Al2O3/Ni/quartz FF, FR, RF and RR at 20 MHz / 200 kHz,
    1-D and 26/12.5 um spots, and on Al/Si at 80 MHz / 10 MHz with 10 um spots). The rounding
    is absolute at the scale of the curve's largest signal: over random 2-3 layer stacks
    |Z32 - Z64| <= 5e-5 |Z64(t)| + 1e-6 max_t |Z64| (seen: 2.7e-5 relative, and 2.7e-7 of the
    peak at a late delay whose signal is 250x below it, on thin low-conductivity films over
    high-conductivity substrates at 80 MHz); forward-mode sensitivities d ratio /
    d ln R agree to 1.3e-6 of each column's largest entry. The tests assert 5e-5 (ratio, |Z|)
    and 2e-5 rad (phase). Settings that cannot reach this in float32 emit a `PrecisionWarning`:
    `window_order` > 4 (the smooth part's finite difference cancels 2^p; 2e-4 seen at p = 6) and
    `method="sidebands"` with more than 200 sidebands (4.5e-4 seen at 2000).

    **Refused or warned inputs.** A probed plane separated from the heated one by more than 40
    thermal penetration depths sqrt(kappa / (pi f_mod C)) is refused (`ValueError` naming the
    layer; typically a thickness written in um or mm), by more than 8 warned about
    (`PlausibilityWarning`).

    Implements the ITR paper's multilayer model with the full-period numerics described in
    this module's docstring. Jit-compiled internally (`setup` static); validation of
    concrete inputs happens before.
    """
    check_setup(setup)
    validate_stack(stack)
    check_single_stack(stack)
    heat_plane, probe_plane = planes(stack, setup)
    validate_delays(setup, delays, wrap_delays)
    delays = as_points("delays", delays, "s")
    check_probe_reachable(stack, heat_plane, probe_plane, setup.modulation_frequency)
    check_precision(setup)
    check_beam_input(beams, setup)
    return _signal_jit(stack, setup, heat_plane, probe_plane, delays, beams)


@functools.partial(jax.jit, static_argnums=(1, 2, 3))
def _response_jit(stack, setup, heat_plane, probe_plane, frequencies, beams):
    s = 1j * 2.0 * jnp.pi * jnp.asarray(frequencies, dtype=float)
    return spot_response(stack.arrays(), setup, s, heat_plane, probe_plane, beams)


def response(stack: Stack, setup: Setup, frequencies, *, beams: Beams | None = None):
    """Single-frequency (continuous-wave) response H(i 2 pi f) at the probed plane.

    **Arguments:**

    - `stack`, `setup`, `beams`: as in `signal` (only beams, planes and `one_dimensional` matter).
    - `frequencies`: frequencies f (Hz), any shape (array, list or number). f = 0 gives the
      steady-state response, which is finite only for Gaussian spots on a stack ending in a
      semi-infinite substrate (then it is the limit f -> 0; e.g. 1 / (kappa sqrt(2 pi (w0^2 +
      w1^2))) for a half space, reproduced to 3e-6 with the default `n_hankel`: the integrand
      has an x^-1/2 end point there); otherwise 0 Hz is refused with a `ValueError`.

    **Returns:** complex H (K W^-1; K m^2 W^-1 in 1-D), the shape of `frequencies`.
    For a semi-infinite 1-D substrate this is 1 / (e sqrt(i omega)), e = sqrt(kappa C).
    """
    check_setup(setup)
    validate_stack(stack)
    check_single_stack(stack)
    check_finite("frequencies", frequencies, "Hz")
    heat_plane, probe_plane = planes(stack, setup)
    check_steady_state(stack, setup, frequencies)
    frequencies = as_points("frequencies", frequencies, "Hz")
    arr = as_concrete_array("frequencies", frequencies, "Hz")
    if arr is not None and np.any(arr != 0):
        check_probe_reachable(stack, heat_plane, probe_plane, float(np.min(np.abs(arr[arr != 0]))))
    check_beam_input(beams, setup)
    return _response_jit(stack, setup, heat_plane, probe_plane, frequencies, beams)


@functools.partial(jax.jit, static_argnums=(1, 2, 3))
def _fdtr_jit(stack, setup, heat_plane, probe_plane, modulation_frequencies, delay, beams):
    arrays = stack.arrays()
    flat = jnp.asarray(modulation_frequencies, dtype=float).reshape(-1)
    values = jax.vmap(lambda f: _z_core(arrays, setup, heat_plane, probe_plane, f, delay[None], beams)[0])(flat)
    return values.reshape(jnp.shape(modulation_frequencies))


def fdtr_signal(
    stack: Stack,
    setup: Setup,
    modulation_frequencies,
    delay=None,
    *,
    beams: Beams | None = None,
    wrap_delays: bool = False,
):
    """FDTR: lock-in signal versus modulation frequency at a fixed delay.

    **Arguments:**

    - `stack`, `setup`: as in `signal`; `setup.modulation_frequency` is ignored.
    - `modulation_frequencies`: pump modulation frequencies f_mod (Hz), any shape (array, list
      or number), each below f_rep / 2.
    - `delay`: pump-probe delay (s) of the pulsed measurement, within one period as in `signal`;
      `None` for a continuous-wave (unpulsed) FDTR measurement, whose signal is H(i 2 pi f_mod).
    - `beams`, `wrap_delays`: as in `signal`.

    **Returns:** complex signal, the shape of `modulation_frequencies`; use `phase`
    for the FDTR phase.
    """
    check_setup(setup)
    check_positive("modulation_frequencies", modulation_frequencies, "Hz")
    if delay is None:
        return response(stack, setup, modulation_frequencies, beams=beams)
    validate_stack(stack)
    check_single_stack(stack)
    heat_plane, probe_plane = planes(stack, setup)
    modulation_frequencies = as_points("modulation_frequencies", modulation_frequencies, "Hz")
    arr = as_concrete_array("modulation_frequencies", modulation_frequencies, "Hz")
    if arr is not None and np.any(arr >= 0.5 * setup.repetition_rate):
        raise ValueError(
            f"modulation_frequencies must be < repetition_rate / 2 = {0.5 * setup.repetition_rate:g} Hz, got up to "
            f"{np.max(arr):g} Hz"
        )
    if np.ndim(delay) != 0:
        raise ValueError(f"delay must be one pump-probe delay in s (a number), got shape {np.shape(delay)}")
    validate_delays(setup, delay, wrap_delays)
    if arr is not None:
        check_probe_reachable(stack, heat_plane, probe_plane, float(np.min(arr)))
    check_precision(setup)
    check_beam_input(beams, setup)
    return _fdtr_jit(
        stack, setup, heat_plane, probe_plane, modulation_frequencies, jnp.asarray(delay, dtype=float), beams
    )


def ratio(z):
    """TDTR ratio -V_in / V_out of a lock-in signal `z` (complex array, list or number; dimensionless)."""
    z = _as_signal(z)
    return -jnp.real(z) / jnp.imag(z)


def phase(z):
    """Lock-in phase atan2(V_out, V_in) (rad) of a signal `z` (complex array, list or number)."""
    z = _as_signal(z)
    return jnp.arctan2(jnp.imag(z), jnp.real(z))


def _as_signal(z):
    if isinstance(z, jax.Array) or not is_concrete(z):
        return z
    try:
        return jnp.asarray(np.asarray(z, dtype=complex))
    except (TypeError, ValueError) as error:
        raise TypeError(f"z must be a complex lock-in signal V_in + i V_out (array or number), got {z!r}") from error
