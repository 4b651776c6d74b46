"""The observables a lock-in measurement reports, from the complex signal Z = V_in + i V_out."""

from __future__ import annotations

import jax.numpy as jnp

from ..fit import get_path
from ._lockin import phase, ratio

__all__ = ["OBSERVABLES", "UNITS", "observe"]

OBSERVABLES = ("phase", "ratio", "v_in", "v_out", "amplitude", "v_in_normalised")

UNITS = {
    "phase": "rad",
    "ratio": "dimensionless",
    "v_in": "V",
    "v_out": "V",
    "amplitude": "V",
    "v_in_normalised": "dimensionless",
}


def observe(z, observable: str, params, amplitude_path: str | None):
    """One observable of the signal `z` (an amplitude factor read at `amplitude_path` for V_in, V_out, |Z|)."""
    if observable == "phase":
        return phase(z)
    if observable == "ratio":
        return ratio(z)
    if observable == "v_in_normalised":
        return jnp.real(z) / jnp.real(z[0])
    amplitude = 1.0 if amplitude_path is None else get_path(params, amplitude_path)
    if observable == "v_in":
        return amplitude * jnp.real(z)
    if observable == "v_out":
        return amplitude * jnp.imag(z)
    return amplitude * jnp.abs(z)
