"""Local (per point) physics of the DUGKS: equilibria, temperatures from moments, collision terms.

Energy densities per steradian, u_eq(T) - u_eq(T_ref) = (1/4 pi) int_Tref^T C dT;
relaxation times tau = 3 kappa / (C v^2) from `jaxtherm.materials`; the source and
exchange terms Q_e = (S - G (Te - Tp)) / 4 pi, Q_p = G (Te - Tp) / 4 pi.
"""

from __future__ import annotations

import math
from typing import Any

import jax.numpy as jnp

from .._layers import per_layer
from .._pytree import pytree_dataclass
from ..constants import FOUR_PI
from ..materials import temperature_from_energy
from ._media import electron_relaxation_time

__all__ = [
    "LocalState",
    "electron_temperature_from_energy",
    "equilibrium_energy",
    "local_state",
    "moments",
    "relaxation_times",
    "solve_temperatures",
]


@pytree_dataclass
class LocalState:
    """Macroscopic fields on a set of points.

    **Fields:** `electron_temperature`, `phonon_temperature` (K, (P,)); `equilibrium`
    u_eq and `relaxation_time` tau and `source_term` Q, each (2, P); `source` S (W/m^3, (P,)).
    """

    electron_temperature: Any
    phonon_temperature: Any
    equilibrium: Any
    relaxation_time: Any
    source_term: Any
    source: Any


def equilibrium_energy(coeffs, electron_temperature, phonon_temperature, reference_temperature):
    """Energy densities above T_ref (J/m^3), shape (2, P): int_Tref^T C dT per carrier."""
    de = electron_temperature - reference_temperature
    dp = phonon_temperature - reference_temperature
    ee = de * (coeffs.electron_capacity_reference + 0.5 * coeffs.electron_capacity_slope * de)
    return jnp.stack([ee, coeffs.phonon_capacity * dp])


def electron_temperature_from_energy(coeffs, energy, reference_temperature):
    """Te (K) from the electron energy density (J/m^3) above T_ref (exact inverse)."""
    return temperature_from_energy(
        energy, coeffs.electron_capacity_reference, coeffs.electron_capacity_slope, reference_temperature
    )


def solve_temperatures(coeffs, electron_moment, phonon_moment, half_width, reference_temperature):
    """Te, Tp (K) from `Ue(Te) + w G (Te - Tp) = A_e` and `Up(Tp) - w G (Te - Tp) = A_p`.

    DUGKS eq. 44-47 with w = dt/4 (faces) or dt/2 (centres); A_e already contains
    w S. Tp is eliminated (Up linear) and the quadratic for Te is solved in closed
    form (`jaxtherm.materials.temperature_from_energy` with the effective capacity).

    **Arguments:** `coeffs`: `Coefficients` of the points; `electron_moment`,
    `phonon_moment`: A_e, A_p (J/m^3), (P,); `half_width`: w (s); `reference_temperature` (K).

    **Returns:** `(Te, Tp)` (K), shape (P,) each.
    """
    g = half_width * coeffs.coupling
    cp = coeffs.phonon_capacity
    share = g / (cp + g)
    rhs = electron_moment + share * phonon_moment
    te = temperature_from_energy(
        rhs, coeffs.electron_capacity_reference + share * cp, coeffs.electron_capacity_slope, reference_temperature
    )
    dp = (phonon_moment + g * (te - reference_temperature)) / (cp + g)
    return te, reference_temperature + dp


def relaxation_times(layers, slices, electron_temperature, phonon_temperature):
    """tau_e, tau_p (s) stacked as (2, P) from `jaxtherm.materials`."""
    tau_e = per_layer(
        lambda layer, te, tp: electron_relaxation_time(layer.material, te, tp),
        layers,
        slices,
        electron_temperature,
        phonon_temperature,
    )
    tau_p = per_layer(
        lambda layer, te, tp: layer.material.phonon_relaxation_time(te, tp),
        layers,
        slices,
        electron_temperature,
        phonon_temperature,
    )
    return jnp.stack([tau_e, tau_p])


def local_state(params, slices, coeffs, electron_temperature, phonon_temperature, source) -> LocalState:
    """u_eq (per steradian), tau and Q at a set of points."""
    t_ref = params.initial_temperature
    u_eq = equilibrium_energy(coeffs, electron_temperature, phonon_temperature, t_ref) / FOUR_PI
    tau = relaxation_times(params.layers, slices, electron_temperature, phonon_temperature)
    exchange = coeffs.coupling * (electron_temperature - phonon_temperature)
    q = jnp.stack([source - exchange, exchange]) / FOUR_PI
    return LocalState(
        electron_temperature=electron_temperature,
        phonon_temperature=phonon_temperature,
        equilibrium=u_eq,
        relaxation_time=tau,
        source_term=q,
        source=source,
    )


def moments(weights, distribution):
    """Energy moment 2 pi sum_n w_n f_n over ordinates: (2, M, P) -> (2, P)."""
    # A broadcast-and-reduce, not a dot: XLA then fuses the ordinate sum into the producer
    # instead of transposing the whole (carrier, ordinate, cell) array for a matrix product.
    # Summed per hemisphere: XLA's CPU backend then emits the reductions itself (fused with
    # the producer) instead of handing one whole-array reduce to a library call that costs
    # several times more at this size.
    weighted = weights[:, None] * distribution
    m_half = weighted.shape[-2] // 2
    halves = jnp.sum(weighted[..., :m_half, :], axis=-2) + jnp.sum(weighted[..., m_half:, :], axis=-2)
    return 2.0 * math.pi * halves
