"""Checks of user input at the public TDTR entries (outside `jit`, on concrete values only).

Each check raises a `ValueError`/`TypeError` naming the parameter and its unit, or warns with a
documented class (`PrecisionWarning`, `PlausibilityWarning`); traced values pass unchecked, since
validation belongs at the outer, concrete boundary.
"""

from __future__ import annotations

import warnings

import jax
import numpy as np

from .._validation import (
    PlausibilityWarning,
    PrecisionWarning,
    as_concrete_array,
    check_finite,
    is_concrete,
    single_precision,
)
from ._beam_rule import max_oscillation_length
from ._beams import beams_from_setup, check_beams
from ._params import Stack
from ._setup import Setup, resolve_plane

__all__ = [
    "as_points",
    "check_beam_input",
    "check_precision",
    "check_probe_reachable",
    "check_setup",
    "check_single_stack",
    "check_steady_state",
    "planes",
    "validate_delays",
]


def planes(stack: Stack, setup: Setup):
    """Static (heat_plane, probe_plane) indices; works for traced stacks (user vmap/jit)."""
    thickness = as_concrete_array("layers[-1].thickness", stack.layers[-1].thickness, "m")
    # None: traced (finite vs inf is then handled numerically; only plane n needs it).
    last_inf = None if thickness is None else bool(np.any(np.isinf(thickness)))
    n = len(stack.layers)
    return resolve_plane("heat_at", setup.heat_at, n, last_inf), resolve_plane("probe_at", setup.probe_at, n, last_inf)


def validate_delays(setup, delays, wrap_delays: bool):
    check_finite("delays", delays, "s")
    arr = as_concrete_array("delays", delays, "s")
    if arr is None:
        return
    if np.any(np.abs(arr) > 1.0):
        raise ValueError(
            f"delays must be in seconds (e.g. 100 ps = 1e-10); got values up to {np.max(np.abs(arr)):g} - "
            f"did you pass picoseconds or nanoseconds?"
        )
    outside = np.abs(arr) > setup.period
    if np.any(outside) and not wrap_delays:
        raise ValueError(
            f"delays {arr[outside][:3]} s lie outside one pulse period (-T <= t <= T, T = 1/repetition_rate = "
            f"{setup.period:g} s): delays are in seconds (did you pass microseconds or nanoseconds? 100 ps is "
            f"1e-10 s); pass wrap_delays=True to take them modulo the period on purpose"
        )
    if setup.method != "split":
        return
    remainder = np.mod(arr, setup.period)
    wrapped = np.where(remainder == 0, setup.period, remainder)
    bad = wrapped < setup.min_delay
    if np.any(bad):
        raise ValueError(
            f"delays {arr[bad][:3]} s fall within min_delay = {setup.min_delay:g} s after a pump pulse (modulo the "
            f"period {setup.period:g} s), where the response is singular; pass delays >= min_delay or lower "
            f"Setup.min_delay"
        )


def as_points(name: str, values, unit: str):
    """Sequences (lists, tuples) of numbers become (NumPy) arrays before `jit` sees them; arrays and
    tracers pass unchanged (a NumPy array goes to `jit` as is: converting it here would cost a
    device dispatch per call)."""
    if isinstance(values, (jax.Array, np.ndarray)) or not is_concrete(values):
        return values
    return as_concrete_array(name, values, unit)


def check_setup(setup):
    if not isinstance(setup, Setup):
        raise TypeError(f"setup must be a jaxtherm.tdtr.Setup, got {type(setup).__name__}")


def check_single_stack(stack):
    """A concrete batch of stacks handed to a single-stack entry gets a named error, not a shape error."""
    if not isinstance(stack, Stack) or not is_concrete(stack):
        return
    shapes = {np.shape(leaf) for leaf in jax.tree_util.tree_leaves(stack.layers)}
    batched = sorted(shape for shape in shapes if shape)
    if batched:
        raise ValueError(
            f"stack is a batch (its layer fields have shape {batched[0]}, one value each expected); map a "
            f"single-stack function over it: jax.vmap(lambda s: jt.tdtr.signal(s, setup, delays))(batch), or "
            f"jt.sweep.sweep"
        )


# Heat reaches a plane below the heated one attenuated by exp(-sum d_i / delta_i) at the modulation
# frequency (delta = sqrt(kappa / (pi f C)), the thermal penetration depth). Beyond exp(-40) ~ 4e-18
# no instrument sees a signal and the ratio is 0/0 in floating point; beyond exp(-8) ~ 3e-4 of the
# front signal it is below the noise of any real measurement.
_REFUSED_ATTENUATION = 40.0
_WARNED_ATTENUATION = 8.0


def check_probe_reachable(stack, heat_plane: int, probe_plane: int, frequency: float):
    """Refuse (or warn about) a probed plane so deep below the heated one that no signal reaches it."""
    if heat_plane == probe_plane or not is_concrete(stack) or not frequency > 0:
        return
    host = jax.device_get(stack)
    upper, lower = sorted((heat_plane, probe_plane))
    ratios = []
    for i in range(upper, min(lower, len(host.layers))):
        layer = host.layers[i]
        thickness = np.asarray(layer.thickness, dtype=float)
        depth = np.sqrt(
            np.asarray(layer.conductivity, dtype=float)
            / (np.pi * frequency * np.asarray(layer.heat_capacity, dtype=float))
        )
        if thickness.ndim or depth.ndim or not np.isfinite(thickness):
            return  # batches are checked by the caller's vmap-free path; inf never lies between planes
        ratios.append((float(thickness / depth), i, float(thickness), float(depth)))
    total = sum(r[0] for r in ratios)
    if total <= _WARNED_ATTENUATION:
        return
    worst, index, thickness, depth = max(ratios)
    message = (
        f"the probed plane {probe_plane} lies {total:.3g} thermal penetration depths from the heated plane "
        f"{heat_plane} at {frequency:g} Hz: layers[{index}].thickness = {thickness:g} m is {worst:.3g} x its "
        f"penetration depth sqrt(kappa / (pi f C)) = {depth:.3g} m, so the signal is attenuated by "
        f"exp(-{total:.3g}); thicknesses are in metres (80 nm is 80e-9, not 0.08)"
    )
    if total > _REFUSED_ATTENUATION:
        raise ValueError(message + "; no measurable signal reaches the probe (the ratio would be 0/0)")
    warnings.warn(
        message + "; the probed signal is below any real measurement's noise", PlausibilityWarning, stacklevel=3
    )


# In float32 a sideband sum rounds every phase m w_rep t at the scale 2 pi M eps; measured on the
# 80 MHz Al/Si case, M = 2000 gives 4.5e-4 in the ratio. Above this M the float32 error exceeds the
# bound documented in `signal`.
_SINGLE_MAX_SIDEBANDS = 200
# The smooth part's p-th difference sum_j (-1)^j binom(p, j) H(s + j lambda) cancels terms of total
# weight 2^p; in float32 that rounding grows with p: on a 10 nm, 1 W/mK film over a 365 W/mK
# substrate at 80 MHz, p = 6 gives 2e-4 of |Z| where p = 4 gives 2.7e-5.
_SINGLE_MAX_WINDOW_ORDER = 4


def check_precision(setup):
    if not single_precision():
        return
    if setup.method == "split" and setup.window_order > _SINGLE_MAX_WINDOW_ORDER:
        warnings.warn(
            f"window_order = {setup.window_order} in float32: the smooth part's {setup.window_order}-th difference "
            f"cancels terms of total weight 2^{setup.window_order} = {2**setup.window_order}, which loses up to "
            f"~1e-4 of the signal, beyond the documented float32 accuracy; use window_order <= "
            f"{_SINGLE_MAX_WINDOW_ORDER} or enable float64 with jax.config.update('jax_enable_x64', True)",
            PrecisionWarning,
            stacklevel=3,
        )
    if setup.method == "sidebands" and setup.n_sidebands > _SINGLE_MAX_SIDEBANDS:
        warnings.warn(
            f"method='sidebands' with n_sidebands = {setup.n_sidebands} in float32: each of the {2 * setup.n_sidebands + 1} "
            f"terms carries a phase error ~ 2 pi M eps = {2 * np.pi * setup.n_sidebands * 6e-8:.1e} rad, beyond the "
            f"documented float32 accuracy; use method='split' (the default) or enable float64 with "
            f"jax.config.update('jax_enable_x64', True)",
            PrecisionWarning,
            stacklevel=3,
        )


def check_steady_state(stack, setup, frequencies):
    """f = 0 has a finite response only with a heat sink reached by 3-D spreading."""
    arr = as_concrete_array("frequencies", frequencies, "Hz")
    if arr is None or not np.any(arr == 0):
        return
    last = as_concrete_array("layers[-1].thickness", stack.layers[-1].thickness, "m")
    if setup.one_dimensional or last is None or not np.all(np.isinf(last)):
        reason = (
            "in 1-D (one_dimensional=True) the steady temperature rise under a uniform flux grows without bound"
            if setup.one_dimensional
            else "a finite last layer has an adiabatic back face, so the stack has no heat sink"
        )
        raise ValueError(
            f"frequencies contains 0 Hz, where the response is infinite: {reason}; pass frequencies > 0 Hz "
            f"(the response at f -> 0 diverges like 1/sqrt(f) or log f)"
        )


def check_beam_input(beams, setup):
    """Validate a user `Beams` (`None`: the Setup's) and, where concrete, that the radial rule resolves its oscillations."""
    if beams is not None:
        check_beams(beams, setup)
    else:
        beams = beams_from_setup(setup)
    oscillating = beams.offset is not None or "tophat" in (setup.pump_shape, setup.probe_shape)
    if setup.one_dimensional or not oscillating or not is_concrete(beams):
        return
    radii = {"pump": float(beams.pump_radius), "probe": float(beams.probe_radius)}
    shapes = {"pump": setup.pump_shape, "probe": setup.probe_shape}
    width2 = sum(r * r for r in radii.values())
    gaussian2 = sum(radii[b] ** 2 for b in radii if shapes[b] == "gaussian")
    length = abs(float(beams.offset or 0.0)) + sum(radii[b] for b in radii if shapes[b] == "tophat")
    limit = max_oscillation_length(setup, width2, gaussian2)
    if length > limit:
        raise ValueError(
            f"beams: |offset| + top-hat radius = {length:.3g} m oscillates faster than the radial rule resolves "
            f"with n_hankel_panels = {setup.n_hankel_panels} (up to {limit:.3g} m for these radii); raise "
            f"Setup.n_hankel_panels to at least {int(np.ceil(setup.n_hankel_panels * length / limit))}"
        )
