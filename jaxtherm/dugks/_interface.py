"""Layer interfaces of the DUGKS: diffuse mismatch (DMM) transmission and electron reflection.

Per carrier (electrons couple only to electrons, phonons only to phonons), at a
face between medium L (left, nearer x = 0) and R (right):

* the distributions arriving at the face are the reconstructed I-bar of each
  side, turned into u by the quarter-step collision of the upwind cell;
* arriving energy fluxes q_L (from L, mu > 0) and q_R (from R, mu < 0);
* transmissions obey detailed balance, t_LR C_L v_L = t_RL C_R v_R. The gray DMM
  (DUGKS eq. 53-54) also sets r + t = 1: `t_LR = C_R v_R / (C_L v_L + C_R v_R)`.
  A user-given t_LR (`Interface`) replaces the DMM value; t_RL then follows from
  detailed balance. C is the energy-weighted heat capacity E(T)/(T - T_ref) at the
  mean of the two adjacent electron temperatures (Ce depends on Te), so detailed
  balance holds exactly for equal temperatures on both sides;
* diffuse emission: the energy leaving into each side is isotropic over the
  leaving hemisphere and equals the transmitted part of the flux arriving from
  the other side plus the reflected part of its own:
  out_L = t_RL q_R + (1 - t_LR) q_L, out_R = t_LR q_L + (1 - t_RL) q_R.

Between a metal and a phonon-only medium no electron energy crosses: the metal's
electrons are reflected, specularly (u(-mu) = u(mu)) or diffusely (isotropic, the
arriving flux), as `Config.electron_reflection` says; phonons cross as above.

The net flux through the face is the same on both sides, so energy is conserved
to round-off; the per-ordinate fluxes differ, hence one flux array per side.
"""

from __future__ import annotations

import math
from typing import Any

import jax.numpy as jnp
import numpy as np

from .._pytree import pytree_dataclass
from .._validation import check_finite, is_concrete
from ._media import carries_electrons
from ._quadrature import ordinates

__all__ = [
    "ELECTRON_REFLECTIONS",
    "Interface",
    "apply_dmm",
    "diffusive_interface_conductance",
    "transmission",
    "validate_interfaces",
]

#: How the electrons of a metal are reflected at an interface with a phonon-only medium.
ELECTRON_REFLECTIONS = ("specular", "diffuse")


@pytree_dataclass
class Interface:
    """Contact between two consecutive layers of a DUGKS stack (pytree; floats are leaves).

    **Fields:**

    - `phonon_transmission`: t_12 (dimensionless, 0..1), the fraction of the phonon
      energy flux arriving from the layer nearer x = 0 that crosses; the reverse
      t_21 = t_12 C_1 v_1 / (C_2 v_2) follows from detailed balance and must not exceed 1.
      None: the gray diffuse mismatch value C_2 v_2 / (C_1 v_1 + C_2 v_2).
    - `electron_transmission`: the same for electrons between two metals (None: DMM).
      Between a metal and a phonon-only medium no electron energy crosses; leave it None.
    """

    phonon_transmission: Any = None
    electron_transmission: Any = None


def transmission(capacity_left, speed_left, capacity_right, speed_right):
    """DMM transmission t_LR = C_R v_R / (C_L v_L + C_R v_R) (dimensionless).

    **Arguments:** heat capacities (J m^-3 K^-1) and speeds (m/s) of both sides.
    """
    left = capacity_left * speed_left
    right = capacity_right * speed_right
    return right / (left + right)


def _interface_at(params, index: int) -> Interface:
    interfaces = params.interfaces
    return interfaces[index] if interfaces else Interface()


def validate_interfaces(params) -> None:
    """Check `params.interfaces` against the layers (concrete values only); raises naming the field."""
    layers, interfaces = params.layers, params.interfaces
    if not isinstance(interfaces, tuple):
        raise TypeError(f"params.interfaces must be a tuple of dugks.Interface, got {type(interfaces).__name__}")
    if interfaces and len(interfaces) != len(layers) - 1:
        raise ValueError(
            f"params.interfaces has {len(interfaces)} entries for {len(layers)} layers; give one dugks.Interface "
            f"per pair of consecutive layers ({len(layers) - 1}) or none (DMM everywhere)"
        )
    for i, interface in enumerate(interfaces):
        if not isinstance(interface, Interface):
            raise TypeError(
                f"params.interfaces[{i}] must be a jaxtherm.dugks.Interface, got {type(interface).__name__}"
            )
        left, right = layers[i].material, layers[i + 1].material
        metals = carries_electrons(left) and carries_electrons(right)
        if interface.electron_transmission is not None and not metals:
            raise ValueError(
                f"params.interfaces[{i}].electron_transmission must be None: layer {i} or {i + 1} has no "
                "electrons (a metal's electrons are reflected at a phonon-only medium)"
            )
        for carrier, value in (
            ("phonon", interface.phonon_transmission),
            ("electron", interface.electron_transmission),
        ):
            if value is None or not is_concrete(value):
                continue
            name = f"interfaces[{i}].{carrier}_transmission"
            check_finite(name, value, "dimensionless")
            t = np.asarray(value, dtype=float)
            if np.any(t < 0.0) or np.any(t > 1.0):
                raise ValueError(f"{name} must lie in [0, 1] (fraction of the arriving energy flux), got {value}")
            if carrier == "phonon":
                ratio = (left.phonon_heat_capacity_constant * left.phonon_speed) / (
                    right.phonon_heat_capacity_constant * right.phonon_speed
                )
                if is_concrete(ratio) and np.any(t * np.asarray(ratio) > 1.0 + 1e-12):
                    raise ValueError(
                        f"{name} = {value} gives a reverse transmission t_21 = t_12 C_1 v_1 / (C_2 v_2) = "
                        f"{float(np.max(t * ratio)):.4g} > 1 (detailed balance); the largest allowed t_12 is "
                        f"{float(np.min(1.0 / np.asarray(ratio))):.4g}"
                    )


def _energy_weighted_capacities(coeffs, electron_excess):
    """(electron, phonon) E(T)/(T - T_ref) (J m^-3 K^-1) at an electron excess temperature (K)."""
    electron = coeffs.electron_capacity_reference + 0.5 * coeffs.electron_capacity_slope * electron_excess
    return jnp.stack([electron, coeffs.phonon_capacity])


def _half_range_fluxes(arriving_l, arriving_r, v_l, v_r, mu, weights, m_half):
    """Energy fluxes (W/m^2) arriving at the face from L (mu > 0) and from R (mu < 0), both >= 0 at rest."""
    q_l = 2.0 * math.pi * v_l * jnp.sum(weights[m_half:] * mu[m_half:] * arriving_l)
    q_r = -2.0 * math.pi * v_r * jnp.sum(weights[:m_half] * mu[:m_half] * arriving_r)
    return q_l, q_r


def _transmitted(arriving_l, arriving_r, v_l, v_r, t_lr, t_rl, mu, weights, m_half, kappa1):
    """Per-ordinate fluxes v mu u on the L and R sides of a transmitting face (one carrier)."""
    q_l, q_r = _half_range_fluxes(arriving_l, arriving_r, v_l, v_r, mu, weights, m_half)
    out_l = t_rl * q_r + (1.0 - t_lr) * q_l
    out_r = t_lr * q_l + (1.0 - t_rl) * q_r
    # isotropic emission over the leaving hemisphere: v u = out / (2 pi kappa1), written
    # without dividing by v (the speed may be zero on an inert side)
    flux_l = jnp.concatenate([mu[:m_half] * out_l / (2.0 * math.pi * kappa1), mu[m_half:] * v_l * arriving_l])
    flux_r = jnp.concatenate([mu[:m_half] * v_r * arriving_r, mu[m_half:] * out_r / (2.0 * math.pi * kappa1)])
    return flux_l, flux_r


def _reflected(arriving, speed, kind, mu, weights, m_half, kappa1, metal_on_left):
    """Per-ordinate fluxes on the metal side of a face its electrons cannot cross (net flux zero)."""
    if metal_on_left:
        incoming, leaving_mu = mu[m_half:], mu[:m_half]
        q_in = 2.0 * math.pi * speed * jnp.sum(weights[m_half:] * incoming * arriving)
    else:
        incoming, leaving_mu = mu[:m_half], mu[m_half:]
        q_in = -2.0 * math.pi * speed * jnp.sum(weights[:m_half] * incoming * arriving)
    if kind == "specular":
        leaving = leaving_mu * speed * arriving[::-1]  # u(-mu) = u(mu): mirrored partners
    else:
        leaving = leaving_mu * q_in / (2.0 * math.pi * kappa1)
    arriving_flux = incoming * speed * arriving
    return jnp.concatenate([leaving, arriving_flux] if metal_on_left else [arriving_flux, leaving])


def _arriving(bar_face, centre, quarter, cell, f, positive_half):
    """u arriving at face f from `cell` (quarter-step collision of the upwind cell), (2, M/2)."""
    u_eq, tau, q = centre.equilibrium, centre.relaxation_time, centre.source_term
    m_half = bar_face.shape[1] // 2
    half = bar_face[:, m_half:, f] if positive_half else bar_face[:, :m_half, f]
    gain = quarter * (u_eq[:, cell] / tau[:, cell] + q[:, cell])
    return (half + gain[:, None]) / (1.0 + quarter / tau[:, cell])[:, None]


def apply_dmm(disc, params, config, bar_face, centre, flux, quarter, m_half):
    """Replace the interface-face fluxes by the interface ones (transmission / electron reflection).

    **Arguments:** face I-bar (2, M, N+1); centre fields (`LocalState` of the cells);
    generic face fluxes (2, M, N+1); `quarter` = dt/4 (s); `m_half` = M // 2.

    **Returns:** `(flux_seen_from_left_cell, flux_seen_from_right_cell)`, each (2, M, N+1).
    """
    faces = config.interface_faces()
    if len(faces) == 0:
        return flux, flux
    mu, weights = disc.mu, disc.weights
    kappa1 = jnp.sum(weights[m_half:] * mu[m_half:])  # discrete half-range first moment
    t_ref = params.initial_temperature
    zeros = jnp.zeros(mu.shape[0])
    flux_left, flux_right = flux, flux
    for k, f in enumerate(int(i) for i in faces):
        il, ir = f - 1, f
        metal_l = carries_electrons(params.layers[k].material)
        metal_r = carries_electrons(params.layers[k + 1].material)
        interface = _interface_at(params, k)
        arriving_l = _arriving(bar_face, centre, quarter, il, f, True)
        arriving_r = _arriving(bar_face, centre, quarter, ir, f, False)
        v_l, v_r = disc.speed_cell[:, il], disc.speed_cell[:, ir]
        mean_te = 0.5 * (centre.electron_temperature[il] + centre.electron_temperature[ir])
        c_l = _energy_weighted_capacities(disc.cell.at(il), mean_te - t_ref)
        c_r = _energy_weighted_capacities(disc.cell.at(ir), mean_te - t_ref)
        sides = []
        for carrier, given in ((0, interface.electron_transmission), (1, interface.phonon_transmission)):
            args = (mu, weights, m_half, kappa1)
            if carrier == 0 and not (metal_l and metal_r):
                left = _reflected(arriving_l[0], v_l[0], config.electron_reflection, *args, True) if metal_l else zeros
                right = (
                    _reflected(arriving_r[0], v_r[0], config.electron_reflection, *args, False) if metal_r else zeros
                )
                sides.append((left, right))
                continue
            if given is None:
                t_lr = transmission(c_l[carrier], v_l[carrier], c_r[carrier], v_r[carrier])
                t_rl = 1.0 - t_lr
            else:
                t_lr = jnp.asarray(given, dtype=float)
                t_rl = t_lr * (c_l[carrier] * v_l[carrier]) / (c_r[carrier] * v_r[carrier])
            sides.append(
                _transmitted(arriving_l[carrier], arriving_r[carrier], v_l[carrier], v_r[carrier], t_lr, t_rl, *args)
            )
        flux_left = flux_left.at[:, :, f].set(jnp.stack([sides[0][0], sides[1][0]]))
        flux_right = flux_right.at[:, :, f].set(jnp.stack([sides[0][1], sides[1][1]]))
    return flux_left, flux_right


def diffusive_interface_conductance(left, right, n_ordinates=2, quadrature="gauss-legendre", phonon_transmission=None):
    """Phonon Kapitza conductance h (W m^-2 K^-1) of an interface in the diffusive limit.

    For a `jaxtherm.ttm` model of the same stack (`ttm.Interface(phonon_conductance=h)`).
    With the discrete ordinates mu_n, weights w_n and the half-range first moment
    kappa_1 = sum_{mu_n > 0} w_n mu_n (1/sqrt(3) for two ordinates, -> 1/2 for many),
    P1 (linear in mu) distributions on both sides of a diffuse interface give

        h = t_12 C_1 v_1 kappa_1 / 2 / (1 - (t_12 + t_21) / 2),   t_21 = t_12 C_1 v_1 / (C_2 v_2),

    between the bulk temperatures extrapolated to the interface (the continuous-angle
    form is (1/4) C_1 v_1 t_12 / (1 - (t_12 + t_21)/2)). For two ordinates (Gauss-Legendre)
    the discrete BTE has no Knudsen layer, so this is its exact diffusive limit; with more
    ordinates it neglects the Knudsen layers next to the interface (a correction that
    grows with the transmissions).

    **Arguments:** `left`, `right`: the materials on both sides (x = 0 side first; their
    phonon heat capacity in J m^-3 K^-1 and speed in m/s are used); `n_ordinates`,
    `quadrature`: as in `Config`; `phonon_transmission`: t_12 (dimensionless) or None
    for the gray DMM value C_2 v_2 / (C_1 v_1 + C_2 v_2).
    """
    mu, weights = ordinates(n_ordinates, quadrature)
    kappa1 = float(np.sum(weights[n_ordinates // 2 :] * mu[n_ordinates // 2 :]))
    cv_left = left.phonon_heat_capacity_constant * left.phonon_speed
    cv_right = right.phonon_heat_capacity_constant * right.phonon_speed
    t12 = transmission(cv_left, 1.0, cv_right, 1.0) if phonon_transmission is None else phonon_transmission
    t21 = t12 * cv_left / cv_right
    return t12 * cv_left * kappa1 / 2.0 / (1.0 - 0.5 * (t12 + t21))
