"""Radial (Hankel) integration over the Gaussian pump and probe spots.

SPEC §4: per watt absorbed, the probe-weighted temperature of a Gaussian pump
(1/e^2 radius w0) read by a Gaussian probe (w1) is

    H(s) = (1 / 2 pi) * int_0^inf g(k, s) exp(-k^2 (w0^2 + w1^2) / 8) k dk.

With x = k^2 (w0^2 + w1^2) / 8 this is exactly

    H(s) = 2 / (pi (w0^2 + w1^2)) * int_0^inf g(k(x), s) exp(-x) dx.

g depends on k only through k^2, and is analytic in x except where some layer's
q^2 = (kappa_r k^2 + s C) / kappa_z vanishes or a thick layer resonates, i.e. near
x = -x_b with x_b = s C (w0^2 + w1^2) / (8 kappa_r) (the branch point of a semi-infinite
substrate, the first poles of a thick finite one). At low frequency on a
high-diffusivity substrate |x_b| << 1: the integrand varies on the scale |x_b| next to
x = 0 while the Gaussian reaches x ~ 40, and a fixed Gauss-Laguerre rule loses accuracy
(1 % for Si at 10 kHz with 10 um spots). We therefore use the sinh map

    x = rho sinh(tau),  tau in [0, asinh(X / rho)],  rho = min over layers |x_b|,

(X = 40, exp(-40) ~ 4e-18) with Gauss-Legendre in tau (`Setup.n_hankel` nodes): nodes
are graded at the scale rho near 0 and log-spaced beyond, so the rule converges
geometrically for every frequency (tests/test_tdtr_analytic.py measures it against an
adaptive quadrature and fits the rate). rho depends on s, so every frequency gets its
own nodes; rho is held fixed under differentiation (the derivative is that of the
quadrature at fixed nodes).
"""

from __future__ import annotations

import functools

import jax
import jax.numpy as jnp
import numpy as np

from .transfer import plane_response

__all__ = ["legendre_rule", "spot_response"]

# Upper end of the x = k^2 (w0^2 + w1^2) / 8 range; exp(-40) ~ 4e-18.
_X_MAX = 40.0
# Floor on the grading scale (keeps asinh(X / rho) bounded at absurdly low frequency).
_RHO_MIN = 1e-9


@functools.lru_cache(maxsize=32)
def legendre_rule(n_nodes: int):
    """Gauss-Legendre nodes in (0, 1) and weights summing to 1 (numpy, cached)."""
    nodes, weights = np.polynomial.legendre.leggauss(n_nodes)
    return 0.5 * (nodes + 1.0), 0.5 * weights


def spot_response(arrays, setup, s, heat_plane: int, probe_plane: int):
    """Probe-weighted temperature per watt (Gaussian) or per W m^-2 (1-D) at complex `s`.

    **Arguments:**

    - `arrays`: stacked stack arrays (`Stack.arrays()`).
    - `setup`: the static `Setup` (beam radii, `one_dimensional`, `n_hankel`).
    - `s`: complex Laplace variable(s) (rad/s), any shape.
    - `heat_plane`, `probe_plane`: static plane indices.

    **Returns:** complex array of the shape of `s`: H(s) in K W^-1 (K m^2 W^-1 in 1-D).
    """
    s = jnp.asarray(s)
    if setup.one_dimensional:
        return plane_response(arrays, 0.0, s, heat_plane, probe_plane)
    _, heat_capacity, _, conductivity_inplane, _ = arrays
    width2 = setup.beam_radius_squared
    # Grading scale rho(s) = min_i |s| C_i w^2 / (8 kappa_r,i): where layer i's q^2 changes character.
    diffusion_scale = jnp.min(heat_capacity / conductivity_inplane) * (width2 / 8.0)
    rho = jax.lax.stop_gradient(jnp.maximum(jnp.abs(s) * diffusion_scale, _RHO_MIN))[..., None]
    nodes, weights = legendre_rule(setup.n_hankel)
    tau_max = jnp.arcsinh(_X_MAX / rho)
    tau = tau_max * nodes
    x = rho * jnp.sinh(tau)
    dx = rho * jnp.cosh(tau) * tau_max * weights
    g = plane_response(arrays, x * (8.0 / width2), s[..., None], heat_plane, probe_plane)
    return (2.0 / (np.pi * width2)) * jnp.sum(g * jnp.exp(-x) * dx, axis=-1)
