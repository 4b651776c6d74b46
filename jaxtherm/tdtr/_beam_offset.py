"""Beam-offset TDTR: the out-of-phase signal versus the lateral pump-probe offset, and its width.

Sweeping the probe across the pump at a fixed delay, the out-of-phase signal V_out(x0) is a
bell of width ~ sqrt(w0^2 + w1^2) widened by in-plane diffusion over the modulation period:
its full width at half maximum (FWHM) measures the in-plane conductivity (`Layer.
conductivity_inplane`). `offset_signal` gives Z(x0), `out_of_phase_fwhm` the FWHM, and
`OffsetModel` the normalised profile V_out(x0) / V_out(0) as a `model(params)` for
`jaxtherm.fit.fit_traces`.
"""

from __future__ import annotations

import functools

import jax
import jax.numpy as jnp
import numpy as np

from .._validation import as_concrete_array, check_finite, check_integer
from ..fit import get_path
from ._beams import Beams, beams_from_setup
from ._checks import check_beam_input, check_setup, check_single_stack, planes, validate_delays
from ._lockin import _z_core
from ._params import validate_stack

__all__ = ["OffsetModel", "offset_signal", "out_of_phase_fwhm"]

_MAX_OFFSET = 1e-2


def _offset_beams(stack, setup, beams):
    beams = beams_from_setup(setup) if beams is None else beams
    return beams.replace(offset=0.0) if beams.offset is None else beams


def _validate(stack, setup, delay, beams, offsets=None):
    check_setup(setup)
    if setup.one_dimensional:
        raise ValueError("beam-offset TDTR needs finite beams: Setup.one_dimensional must be False")
    validate_stack(stack)
    check_single_stack(stack)
    if np.ndim(delay) != 0:
        raise ValueError(f"delay must be one pump-probe delay in s (a number), got shape {np.shape(delay)}")
    validate_delays(setup, delay, False)
    if offsets is not None:
        check_finite("offsets", offsets, "m")
        arr = as_concrete_array("offsets", offsets, "m")
        if arr is not None and np.any(np.abs(arr) > _MAX_OFFSET):
            raise ValueError(
                f"offsets reach {np.max(np.abs(arr)):g} m; offsets are in metres (SI) - did you pass micrometres? "
                f"e.g. 5 um is 5e-6"
            )
    return planes(stack, setup)


@functools.partial(jax.jit, static_argnums=(1, 2, 3))
def _offset_jit(stack, setup, heat_plane, probe_plane, delay, beams, offsets):
    arrays = stack.arrays()
    flat = jnp.asarray(offsets, dtype=float).reshape(-1)

    def one(x0):
        return _z_core(
            arrays, setup, heat_plane, probe_plane, setup.modulation_frequency, delay[None], beams.replace(offset=x0)
        )[0]

    return jax.vmap(one)(flat).reshape(jnp.shape(offsets))


def offset_signal(stack, setup, offsets, delay, *, beams: Beams | None = None):
    """Complex lock-in signal Z(x0) at one delay versus the lateral pump-probe offset x0.

    **Arguments:**

    - `stack`, `setup`: as in `signal` (`setup` with finite beams).
    - `offsets`: offsets x0 (m), any shape.
    - `delay`: the pump-probe delay (s), one number within a period.
    - `beams`: optional `Beams` (radii in m, differentiable); its `offset` is replaced by each x0.

    **Returns:** complex Z, the shape of `offsets` (K W^-1); V_out = Im Z.
    """
    heat_plane, probe_plane = _validate(stack, setup, delay, beams, offsets)
    beams = _offset_beams(stack, setup, beams)
    offsets = jnp.asarray(offsets, dtype=float)
    check_beam_input(beams.replace(offset=jnp.max(jnp.abs(offsets))), setup)
    return _offset_jit(stack, setup, heat_plane, probe_plane, jnp.asarray(delay, dtype=float), beams, offsets)


def _grid_extent(stack, setup, beams):
    """Offset range (m, without gradient) sure to contain the half maximum: beam width + 3 lateral
    thermal diffusion lengths sqrt(kappa_r / (pi f C)) of the most diffusive layer."""
    arrays = jax.lax.stop_gradient(stack.arrays())
    length = jnp.max(
        jnp.sqrt(arrays.conductivity_inplane / (np.pi * setup.modulation_frequency * arrays.heat_capacity))
    )
    width = jnp.sqrt(beams.pump_radius**2 + beams.probe_radius**2)
    return jax.lax.stop_gradient(2.0 * width + 3.0 * length)


@functools.partial(jax.jit, static_argnums=(1, 2, 3, 6))
def _fwhm_jit(stack, setup, heat_plane, probe_plane, delay, beams, n_grid):
    arrays = stack.arrays()

    def v_out(x0):
        return jnp.imag(
            _z_core(
                arrays,
                setup,
                heat_plane,
                probe_plane,
                setup.modulation_frequency,
                delay[None],
                beams.replace(offset=x0),
            )[0]
        )

    grid = _grid_extent(stack, setup, beams) * jnp.linspace(0.0, 1.0, n_grid)
    values = jax.vmap(v_out)(grid)
    # V_out may be negative (probe on the delay stage): work with the profile normalised to 1 at x0 = 0
    half = 0.5 * values[0]
    normalised = jax.lax.stop_gradient(values / values[0])
    below = normalised <= 0.5
    index = jnp.clip(jnp.argmax(below), 1, n_grid - 1)  # first grid point at or below half maximum
    x_a, x_b, v_a, v_b = grid[index - 1], grid[index], normalised[index - 1], normalised[index]
    slope = (v_b - v_a) / (x_b - x_a)
    x = x_a + (0.5 - v_a) / slope
    # Two Newton steps with the exact slope; only the last carries derivatives, so they are the
    # implicit-function derivative dx = -(dV(x) - dV(0) / 2) / V'(x) at the converged x.
    for last in (False, True):
        value, exact_slope = jax.jvp(v_out, (jax.lax.stop_gradient(x),), (jnp.ones_like(x),))
        x = jax.lax.stop_gradient(x) - (value - half) / jax.lax.stop_gradient(exact_slope)
        if not last:
            x = jax.lax.stop_gradient(x)
    found = jnp.any(below)
    return jnp.where(found, 2.0 * x, jnp.nan), found


def out_of_phase_fwhm(stack, setup, delay, *, beams: Beams | None = None, n_grid: int = 24):
    """Full width at half maximum (m) of the out-of-phase signal V_out(x0) versus pump-probe offset.

    **Arguments:**

    - `stack`, `setup`, `delay`, `beams`: as in `offset_signal` (the offset of `beams` is ignored).
    - `n_grid`: offsets sampled (up to twice the beam width plus three in-plane diffusion lengths
      at f_mod) to bracket the half maximum, which two Newton steps then refine.

    **Returns:** the FWHM (m), differentiable in the stack and the beams (implicit function of
    V_out(x_half) = V_out(0) / 2). Raises `ValueError` when V_out does not fall to half its peak
    within the sampled range.
    """
    check_integer("n_grid", n_grid, minimum=4)
    heat_plane, probe_plane = _validate(stack, setup, delay, beams)
    beams = _offset_beams(stack, setup, beams)
    width, found = _fwhm_jit(stack, setup, heat_plane, probe_plane, jnp.asarray(delay, dtype=float), beams, n_grid)
    if isinstance(found, jax.core.Tracer):
        return width
    if not bool(found):
        raise ValueError(
            "out_of_phase_fwhm: V_out does not fall to half its peak within the sampled offsets (the signal at "
            "this delay has no half maximum: check the delay (s) and the modulation frequency (Hz))"
        )
    return width


class OffsetModel:
    """Normalised beam-offset profile V_out(x0) / V_out(0) at one delay, as a `model(params)`.

    **Arguments:**

    - `setup`: the `Setup` (finite beams).
    - `offsets`: offsets x0 (m), 1-D.
    - `delay`: the pump-probe delay (s).
    - `stack_path`: path of the `Stack` in the parameter pytree (`""`: the pytree is the stack).
    - `beams_path`: optional path of a `Beams` in the parameter pytree (radii fittable).
    """

    def __init__(self, setup, offsets, delay, *, stack_path: str = "stack", beams_path: str | None = None):
        offsets = np.asarray(offsets, dtype=float)
        if offsets.ndim != 1 or offsets.size == 0:
            raise ValueError(f"offsets must be a non-empty 1-D array (m), got shape {offsets.shape}")
        check_finite("offsets", offsets, "m")
        if np.max(np.abs(offsets)) > _MAX_OFFSET:
            raise ValueError(f"offsets reach {np.max(np.abs(offsets)):g} m; offsets are in metres (e.g. 5 um = 5e-6)")
        self.setup, self.offsets, self.delay = setup, offsets, float(delay)
        self.stack_path, self.beams_path = stack_path, beams_path
        self.unit = "dimensionless"

    def __call__(self, params):
        stack = get_path(params, self.stack_path) if self.stack_path else params
        beams = None if self.beams_path is None else get_path(params, self.beams_path)
        z = offset_signal(stack, self.setup, np.concatenate([[0.0], self.offsets]), self.delay, beams=beams)
        return jnp.imag(z[1:]) / jnp.imag(z[0])
