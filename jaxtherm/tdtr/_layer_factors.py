"""Gamma = kappa_z q, tanh(q d) and sech(q d) of one one-temperature layer: the per-layer factors of the
one-channel response (`_transfer`) and of the one-temperature layers of a two-channel stack."""

from __future__ import annotations

import jax.numpy as jnp

from .. import _complex
from . import _fusible
from ._fastexp import decay_exp

__all__ = ["layer_factors"]


def layer_factors(
    thickness, heat_capacity, conductivity, conductivity_inplane, k2, s, semi_infinite=False, fusible=False
):
    """Gamma = kappa_z q, tanh(q d) and sech(q d) of one layer, broadcast over (k2, s).

    `semi_infinite=True` (static) skips the exponential: tanh = 1 and sech = 0 are returned as
    Python numbers, so the callers' sweeps fold them away when tracing. `fusible=True` (static)
    takes the root, exponential and reciprocal from `_fusible` (the two-channel response, which is
    written to compile into one loop).
    """
    # Real reciprocal once per layer; complex roots, exponentials and divisions in real
    # arithmetic (`_complex`): these are the hot operations of every TDTR evaluation.
    functions = _fusible if fusible else _complex
    exponential = _fusible.exp if fusible else decay_exp
    inverse_conductivity = 1.0 / conductivity
    q = functions.principal_sqrt((conductivity_inplane * k2 + s * heat_capacity) * inverse_conductivity)
    gamma = conductivity * q
    if semi_infinite:
        return gamma, 1.0, 0.0
    semi_infinite = jnp.isinf(thickness)
    # Double `where` keeps gradients finite for an infinite thickness leaf.
    finite_thickness = jnp.where(semi_infinite, 1.0, thickness)
    decay = jnp.where(semi_infinite, 0.0, exponential(-q * finite_thickness))
    decay2 = decay * decay
    inverse = functions.reciprocal(1.0 + decay2)
    tanh = (1.0 - decay2) * inverse
    sech = 2.0 * decay * inverse
    return gamma, tanh, sech
