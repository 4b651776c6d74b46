r"""The interface resistance a one-temperature model sees at a two-channel metal's interface.

Steady 1-D heat flux F through a metal (kappa = kappa_e + kappa_p) into a one-temperature
medium across the conductances h_p (metal phonons) and h_e (metal electrons, the direct
channel 1/R_ei of the ITR paper). Far from the interface Te = Tp = Tm, the flux-weighted
temperature (kappa_e Te + kappa_p Tp) / kappa, which varies linearly; near it the difference
theta = Te - Tp relaxes over l = sqrt(kappa_e kappa_p / (G kappa)). With f_e = kappa_e / kappa,
f_p = kappa_p / kappa and g = kappa_e kappa_p / (kappa l) = sqrt(G kappa_e kappa_p / kappa), the two
channel flux balances at the interface give the resistance between the extrapolated Tm and
the other side's temperature:

    R = (g + h_e f_p^2 + h_p f_e^2) / (g (h_e + h_p) + h_e h_p).

With h_e = 0 this is 1/h_p + f_e^2 / g = R_pp + (kappa_e / kappa)^{3/2} / sqrt(G kappa_p); for
kappa_e >> kappa_p it becomes the ITR paper's circuit, (R_pp + R_ep) in parallel with R_ei,
R_ep = 1/sqrt(G kappa_p) (Majumdar and Reddy). The diffusive two-channel model is reciprocal,
so this one value holds for heat flowing either way across the interface.
"""

from __future__ import annotations

import jax.numpy as jnp

__all__ = ["two_channel_interface_resistance"]


def two_channel_interface_resistance(
    electron_conductivity,
    phonon_conductivity,
    coupling_constant,
    phonon_conductance,
    electron_interface_conductance=0.0,
):
    """Steady-state ITR (m^2 K W^-1) seen by a one-temperature model at a two-channel metal.

    **Arguments:**

    - `electron_conductivity`, `phonon_conductivity`: kappa_e, kappa_p of the metal (W m^-1 K^-1).
    - `coupling_constant`: electron-phonon coupling G of the metal (W m^-3 K^-1).
    - `phonon_conductance`: h_pp = 1/R_pp, metal phonons to the other side (W m^-2 K^-1).
    - `electron_interface_conductance`: h_ei = 1/R_ei, metal electrons to the other side
      (W m^-2 K^-1); 0 for no direct channel.

    **Returns:** R (m^2 K W^-1), from the flux-weighted metal temperature extrapolated to the
    interface to the temperature of the other side (the module docstring gives the derivation).
    """
    kappa_e = jnp.asarray(electron_conductivity, dtype=float)
    kappa_p = jnp.asarray(phonon_conductivity, dtype=float)
    kappa = kappa_e + kappa_p
    fraction_e, fraction_p = kappa_e / kappa, kappa_p / kappa
    g = jnp.sqrt(jnp.asarray(coupling_constant, dtype=float) * kappa_e * kappa_p / kappa)
    h_p = jnp.asarray(phonon_conductance, dtype=float)
    h_e = jnp.asarray(electron_interface_conductance, dtype=float)
    return (g + h_e * fraction_p**2 + h_p * fraction_e**2) / (g * (h_e + h_p) + h_e * h_p)
