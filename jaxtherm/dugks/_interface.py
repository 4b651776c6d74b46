"""Diffuse mismatch model (DMM) at the interface between two metals (DUGKS eq. 53-54).

Per carrier (electrons couple only to electrons, phonons only to phonons), at a
face between medium L (left) and R (right):

* the distributions arriving at the face are the reconstructed I-bar of each
  side, turned into u by the half-step collision of the upwind cell;
* arriving fluxes q_L (from L, mu > 0) and q_R (from R, mu < 0);
* transmissions from detailed balance, t_LR C_L v_L = t_RL C_R v_R and
  r + t = 1: `t_LR = C_R v_R / (C_L v_L + C_R v_R)`, `t_RL = 1 - t_LR`. C is the
  energy-weighted heat capacity E(T)/(T - T_ref) at the mean of the two adjacent
  electron temperatures (Ce depends on Te), so detailed balance holds exactly for
  equal temperatures on both sides;
* diffuse emission: the energy leaving into each side is isotropic over the
  leaving hemisphere and equals the transmitted part of the flux arriving from
  the other side plus the reflected part of its own: out_L = t_RL q_R + r_LR q_L,
  out_R = t_LR q_L + r_RL q_R; since r_LR = t_RL, out_L = t_RL (q_L + q_R).

The net flux through the face is the same on both sides, so energy is conserved
to round-off; the per-ordinate fluxes differ, hence one flux array per side.
"""

from __future__ import annotations

import math

import jax.numpy as jnp

__all__ = ["apply_dmm", "transmission"]


def transmission(capacity_left, speed_left, capacity_right, speed_right):
    """DMM transmission t_LR = C_R v_R / (C_L v_L + C_R v_R) (dimensionless).

    **Arguments:** heat capacities (J m^-3 K^-1) and speeds (m/s) of both sides.
    """
    left = capacity_left * speed_left
    right = capacity_right * speed_right
    return right / (left + right)


def _energy_weighted_capacities(coeffs, electron_excess):
    """(electron, phonon) E(T)/(T - T_ref) (J m^-3 K^-1) at an electron excess temperature (K)."""
    electron = coeffs.electron_capacity_reference + 0.5 * coeffs.electron_capacity_slope * electron_excess
    return jnp.stack([electron, coeffs.phonon_capacity])


def apply_dmm(disc, params, config, bar_face, centre, flux, quarter, m_half):
    """Replace the interface-face fluxes by the DMM ones.

    **Arguments:** face I-bar (2, M, N+1); centre fields (`LocalState` of the cells);
    generic face fluxes (2, M, N+1); `quarter` = dt/4 (s); `m_half` = M // 2.

    **Returns:** `(flux_seen_from_left_cell, flux_seen_from_right_cell)`, each (2, M, N+1).
    """
    faces = config.interface_faces()
    if len(faces) == 0:
        return flux, flux
    mu = disc.mu
    weights = disc.weights
    kappa1 = jnp.sum(weights[m_half:] * mu[m_half:])  # discrete half-range first moment
    coeffs = disc.cell
    t_ref = params.initial_temperature
    u_eq, tau, q = centre.equilibrium, centre.relaxation_time, centre.source_term
    te = centre.electron_temperature
    flux_left = flux
    flux_right = flux
    for f in (int(i) for i in faces):
        il, ir = f - 1, f
        a_l = quarter / tau[:, il]
        a_r = quarter / tau[:, ir]
        arriving_l = (bar_face[:, m_half:, f] + (quarter * (u_eq[:, il] / tau[:, il] + q[:, il]))[:, None]) / (
            1.0 + a_l
        )[:, None]
        arriving_r = (bar_face[:, :m_half, f] + (quarter * (u_eq[:, ir] / tau[:, ir] + q[:, ir]))[:, None]) / (
            1.0 + a_r
        )[:, None]
        v_l = disc.speed_cell[:, il]
        v_r = disc.speed_cell[:, ir]
        q_l = 2.0 * math.pi * v_l * jnp.sum(weights[m_half:] * mu[m_half:] * arriving_l, axis=-1)
        q_r = -2.0 * math.pi * v_r * jnp.sum(weights[:m_half] * mu[:m_half] * arriving_r, axis=-1)
        mean_te = 0.5 * (te[il] + te[ir])
        c_l = _energy_weighted_capacities(coeffs.at(il), mean_te - t_ref)
        c_r = _energy_weighted_capacities(coeffs.at(ir), mean_te - t_ref)
        t_lr = transmission(c_l, v_l, c_r, v_r)
        total = q_l + q_r
        out_l = (1.0 - t_lr) * total / (2.0 * math.pi * v_l * kappa1)
        out_r = t_lr * total / (2.0 * math.pi * v_r * kappa1)
        m = mu.shape[0]
        left_u = jnp.concatenate([jnp.broadcast_to(out_l[:, None], (2, m_half)), arriving_l], axis=1)
        right_u = jnp.concatenate([arriving_r, jnp.broadcast_to(out_r[:, None], (2, m - m_half))], axis=1)
        flux_left = flux_left.at[:, :, f].set(mu[None, :] * v_l[:, None] * left_u)
        flux_right = flux_right.at[:, :, f].set(mu[None, :] * v_r[:, None] * right_u)
    return flux_left, flux_right
