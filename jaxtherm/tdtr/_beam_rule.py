"""Radial rule for oscillating beam kernels: top-hat beams and a lateral pump-probe offset.

With a pump intensity P(r) and a probe weight S(r) (each normalised to unit integral) whose
centres are a distance x0 apart, the probe-weighted temperature per watt absorbed is

    H(s) = (1 / 2 pi) int_0^inf g(k, s) P^(k) S^(k) J0(k x0) k dk,

P^, S^ their Hankel transforms normalised to 1 at k = 0: exp(-k^2 w^2 / 8) for a Gaussian of
1/e^2 radius w, 2 J1(k R) / (k R) for a uniform disc of radius R. J0 and J1 oscillate, so the
sinh-graded rule of `_hankel` (log-spaced nodes at large k) does not resolve them. This rule uses
u = k W / sqrt(8) (W^2 = R0^2 + R1^2, the squared radii; u^2 is the x of `_hankel`), where

    H(s) = 4 / (pi W^2) int_0^inf g P^ S^ J0 u du

is smooth at u = 0 even in the steady state (g ~ 1/k there). Two pieces:

* u in [0, 1]: `n_hankel` Gauss-Legendre nodes in tau with u = sigma sinh(tau), sigma = sqrt(rho)
  the square root of `_hankel`'s grading scale (g has its branch points at u = +-i sqrt(x_b));
* u in [1, U]: `n_hankel_panels` equal panels of 8 Gauss-Legendre nodes each, uniform in k, so
  each oscillation of J0(k x0) or J1(k R) gets the same number of nodes. U is where the Gaussian
  beam's weight reaches exp(-40): U^2 = 40 W^2 / w_gaussian^2.

A panel of width h in u spans a phase sqrt(8) h (|x0| + R_tophat) / W of the oscillation; 8
nodes integrate it to ~1e-10 when that phase is <= pi (`max_oscillation_length`, checked at the
public entry). The rule evaluates g at `n_hankel` + 8 `n_hankel_panels` wavenumbers (224 by default, against 32
for coaxial Gaussian beams), so each evaluation of the response costs ~7x more. The node
positions are held fixed under differentiation (their scale W is a
`stop_gradient`), so derivatives in the radii and the offset are those of the weights at fixed
nodes: the quadrature of the exact derivative.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from ._bessel import bessel_j0, disc_transform

__all__ = ["beam_kernel", "max_oscillation_length", "oscillating_rule"]

_PANEL_NODES = 8
_U_START = 1.0
# exp(-40) ~ 4e-18: where the Gaussian beam's weight ends the integral.
_X_MAX = 40.0
# Largest phase of the oscillation across one panel (rad) for which 8 nodes reach ~1e-10.
_PANEL_PHASE = np.pi


def _radius_shapes(setup, beams):
    return ((beams.pump_radius, setup.pump_shape), (beams.probe_radius, setup.probe_shape))


def beam_kernel(setup, beams, k2):
    """P^(k) S^(k) J0(k x0) at squared wavenumbers `k2` (m^-2); traced in the radii and offset."""
    k = jnp.sqrt(k2)
    kernel = jnp.ones_like(k)
    for radius, shape in _radius_shapes(setup, beams):
        if shape == "gaussian":
            kernel = kernel * jnp.exp(-k2 * (radius * radius / 8.0))
        else:
            kernel = kernel * disc_transform(k * radius)
    if beams.offset is not None:
        kernel = kernel * bessel_j0(k * beams.offset)
    return kernel


def _scales(setup, beams):
    """Static-shape node scales: W^2 (all radii) and w_g^2 (Gaussian radii), held fixed under derivatives."""
    width2 = jax.lax.stop_gradient(beams.pump_radius**2 + beams.probe_radius**2)
    gaussian2 = sum(
        jax.lax.stop_gradient(radius**2) for radius, shape in _radius_shapes(setup, beams) if shape == "gaussian"
    )
    return width2, gaussian2


def _u_max(width2, gaussian2):
    return jnp.sqrt(_X_MAX * width2 / gaussian2)


def max_oscillation_length(setup, width2, gaussian2):
    """Largest |x0| + R_tophat (m) whose oscillation the panels resolve (concrete floats)."""
    u_max = float(np.sqrt(_X_MAX * width2 / gaussian2))
    h = (u_max - _U_START) / setup.n_hankel_panels
    return _PANEL_PHASE * np.sqrt(width2) / (np.sqrt(8.0) * h)


def oscillating_rule(setup, beams, rho, legendre_rule):
    """Squared wavenumbers k^2 (m^-2) and weights (K per W per unit g) of the rule, shape rho.shape + (n,).

    `rho`: the grading scale of `_hankel` (x units), shape `s.shape + (1,)`, already without gradient.
    """
    width2, gaussian2 = _scales(setup, beams)
    sigma = jnp.sqrt(rho)
    nodes, node_weights = legendre_rule(setup.n_hankel)
    tau_max = jnp.arcsinh(_U_START / sigma)
    tau = tau_max * nodes
    u_graded = sigma * jnp.sinh(tau)
    du_graded = sigma * jnp.cosh(tau) * tau_max * node_weights
    panel_nodes, panel_weights = legendre_rule(_PANEL_NODES)
    h = (_u_max(width2, gaussian2) - _U_START) / setup.n_hankel_panels
    offsets = (np.arange(setup.n_hankel_panels)[:, None] + panel_nodes[None, :]).reshape(-1)
    u_panels = _U_START + h * jnp.asarray(offsets)
    du_panels = h * jnp.asarray(np.tile(panel_weights, setup.n_hankel_panels))
    shape = rho.shape[:-1] + (u_panels.shape[-1],)
    u = jnp.concatenate([u_graded, jnp.broadcast_to(u_panels, shape)], axis=-1)
    du = jnp.concatenate([du_graded, jnp.broadcast_to(du_panels, shape)], axis=-1)
    k2 = u * u * (8.0 / width2)
    weights = (4.0 / (np.pi * width2)) * u * du * beam_kernel(setup, beams, k2)
    return k2, weights
