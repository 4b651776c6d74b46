"""Radial (Hankel) integration over the pump and probe spots.

ITR paper: per watt absorbed, the probe-weighted temperature of a Gaussian pump
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
own nodes; rho and the scale w0^2 + w1^2 of the nodes are held fixed under differentiation (the
derivative is that of the quadrature at fixed nodes; the radii enter the weights
exp(-k^2 (w0^2 + w1^2) / 8), so derivatives in them, taken from a `Beams`, are exact quadratures of
the derivative). Top-hat beams and a lateral offset use the rule of `_beam_rule` instead.
"""

from __future__ import annotations

import functools

import jax
import jax.numpy as jnp
import numpy as np

from ._beam_rule import oscillating_rule
from ._beams import beams_from_setup
from ._transfer import _fraction_within, depth_profile_nodes, profile_response
from ._two_channel import TwoChannelArrays, two_channel_plane_response
from ._two_channel_matrix import _runtime_one, weighted_point_sum

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


def spot_response(arrays, setup, s, heat_plane: int, probe_plane: int, beams=None):
    """Probe-weighted temperature per watt (finite beams) or per W m^-2 (1-D) at complex `s`.

    **Arguments:**

    - `arrays`: the layer properties (`StackArrays` from `Stack.arrays()`).
    - `setup`: the static `Setup` (beam shapes, `one_dimensional`, `n_hankel`, `n_depth`).
    - `s`: complex Laplace variable(s) (rad/s), any shape.
    - `heat_plane`, `probe_plane`: static plane indices.
    - `beams`: a `Beams` (radii and offset in m, optical depths in m; traced leaves) or `None`
      for the `Setup`'s own values.

    **Returns:** complex array of the shape of `s`: H(s) in K W^-1 (K m^2 W^-1 in 1-D).
    """
    if beams is None:
        beams = beams_from_setup(setup)
    s = jnp.asarray(s, dtype=complex)
    depths = (beams.absorption_depth, beams.sensing_depth)
    if setup.one_dimensional:
        k2 = jnp.zeros(s.shape + (1,))
        weights = jnp.ones(s.shape + (1,))
        return _quadrature(arrays, depths, k2, weights, s, heat_plane, probe_plane, setup.n_depth)
    heat_capacity, conductivity_inplane = arrays.heat_capacity, arrays.conductivity_inplane
    # The nodes' scale is held fixed under differentiation (stop_gradient): derivatives in the
    # radii are those of the weights at fixed nodes, i.e. the quadrature of the exact derivative.
    width2 = beams.pump_radius**2 + beams.probe_radius**2
    node_width2 = jax.lax.stop_gradient(width2)
    # Grading scale rho(s) = min_i |s| C_i w^2 / (8 kappa_r,i): where layer i's q^2 changes character.
    diffusion_scale = jnp.min(heat_capacity / conductivity_inplane) * (node_width2 / 8.0)
    rho = jax.lax.stop_gradient(jnp.maximum(jnp.abs(s) * diffusion_scale, _RHO_MIN))[..., None]
    if beams.offset is not None or setup.pump_shape != "gaussian" or setup.probe_shape != "gaussian":
        k2, weights = oscillating_rule(setup, beams, rho, legendre_rule)
        return _quadrature(arrays, depths, k2, weights, s, heat_plane, probe_plane, setup.n_depth)
    nodes, node_weights = legendre_rule(setup.n_hankel)
    tau_max = jnp.arcsinh(_X_MAX / rho)
    # sinh and cosh from one expm1 (accurate for small tau, one transcendental instead of two)
    growth = jnp.expm1(tau_max * nodes)
    x = rho * (0.5 * growth * (growth + 2.0) / (growth + 1.0))  # rho sinh(tau)
    cosh = 1.0 + 0.5 * growth * growth / (growth + 1.0)
    k2 = x * (8.0 / node_width2)
    # exp(-k^2 (w0^2 + w1^2) / 8) equals exp(-x) in value; written in k2 so it carries the radii's tangents
    weights = (2.0 / (np.pi * node_width2)) * jnp.exp(-k2 * (width2 / 8.0)) * rho * cosh * tau_max * node_weights
    return _quadrature(arrays, depths, k2, weights, s, heat_plane, probe_plane, setup.n_depth)


def _point_response(arrays, depths, k2, s, heat_plane, probe_plane, n_depth):
    """g(k, s) including optional optical depth profiles (depths in m, traced; `None` = sheet)."""
    absorption_depth, sensing_depth = depths
    if isinstance(arrays, TwoChannelArrays):
        if absorption_depth is not None or sensing_depth is not None:
            raise ValueError(
                "absorption_depth / sensing_depth (m) are not supported for stacks with two-channel "
                "(TwoChannelLayer) layers: heat is absorbed and read in the planes"
            )
        return two_channel_plane_response(arrays, k2, s, heat_plane, probe_plane)
    if absorption_depth is None and sensing_depth is None:
        return profile_response(arrays, k2, s, heat_plane, probe_plane)
    # Node positions and weights depend on the layer thickness (through the absorbed fraction
    # 1 - exp(-d / delta)) and on the depths; they are differentiated like everything else.
    thickness = arrays.thickness
    rule = legendre_rule(n_depth)

    def nodes(plane, depth):
        if depth is None:
            return None
        layer = 0 if plane == 0 else plane - 1
        return depth_profile_nodes(thickness[layer], depth, n_depth, rule)

    probe_profile = None
    if sensing_depth is not None:
        layer = 0 if probe_plane == 0 else probe_plane - 1
        probe_profile = (sensing_depth, _fraction_within(thickness[layer], sensing_depth))
    return profile_response(
        arrays,
        k2,
        s,
        heat_plane,
        probe_plane,
        nodes(heat_plane, absorption_depth),
        nodes(probe_plane, sensing_depth),
        probe_profile,
        rule,
    )


def _quadrature(arrays, depths, k2, weights, s, heat_plane, probe_plane, n_depth):
    """sum_i weights_i g(k2_i, s) over the last axis, differentiated as described at each branch."""
    if isinstance(arrays, TwoChannelArrays):
        # Plain forward-mode derivatives: XLA compiles the holomorphic reverse sweep of the
        # 2x2-block response ~8x slower than its forward-mode tangent (74 s vs 9 s, 4 layers).
        g = _point_response(arrays, depths, k2, s[..., None], heat_plane, probe_plane, n_depth)
        return weighted_point_sum(jnp.broadcast_to(g, weights.shape), weights, _runtime_one(arrays, s, k2))
    k2 = jax.lax.stop_gradient(k2)
    return _weighted_sum(arrays, depths, k2, weights, s, heat_plane, probe_plane, n_depth)


@functools.partial(jax.custom_jvp, nondiff_argnums=(5, 6, 7))
def _weighted_sum(arrays, depths, k2, weights, s, heat_plane, probe_plane, n_depth):
    """sum_i weights_i g(k2_i, s) over the last axis (the quadrature at fixed nodes)."""
    g = _point_response(arrays, depths, k2, s[..., None], heat_plane, probe_plane, n_depth)
    return jnp.sum(g * weights, axis=-1)


def _weighted_sum_jvp(heat_plane, probe_plane, n_depth, primals, tangents):
    # Derivatives per (k, s) point by one *holomorphic reverse sweep*: g is a holomorphic function
    # of the (complexified) layer properties, optical depths and s, so a single reverse pass per point
    # gives dg/d(every property) and dg/ds at once. The tangent-independent part is computed once, so
    # jax.jacfwd over many parameters costs ~ one extra reverse sweep, not one sweep per parameter.
    # Inputs whose tangent is a symbolic zero (constants of the caller: often s, the thicknesses, the
    # optical depths) are left out of the sweep, which XLA then prunes.
    # The nodes k2 are held fixed (their tangent is zero by construction, see `_quadrature`); the
    # weights carry the beams' tangents: this is the derivative of the quadrature.
    arrays, depths, k2, weights, s = primals
    arrays_dot, depths_dot, _, weights_dot, s_dot = tangents
    points_s = jnp.broadcast_to(s[..., None], k2.shape).reshape(-1)
    points_k2 = k2.reshape(-1)
    leaves, treedef = jax.tree_util.tree_flatten((arrays, depths))
    leaves_dot = treedef.flatten_up_to((arrays_dot, depths_dot))
    active = [i for i, t in enumerate(leaves_dot) if not _is_zero(t) and jnp.size(leaves[i]) > 0]
    with_s = not _is_zero(s_dot)
    complex_leaves = [jnp.asarray(leaf, dtype=complex) for leaf in leaves]

    def point(active_leaves, s_point, k2_point):
        props = list(complex_leaves)
        for i, leaf in zip(active, active_leaves):
            props[i] = leaf
        props = jax.tree_util.tree_unflatten(treedef, props)
        return _point_response(props[0], props[1], k2_point, s_point, heat_plane, probe_plane, n_depth)

    shape = k2.shape
    if active or with_s:
        argnums = (0, 1) if with_s else (0,)
        value_and_grads = jax.vmap(jax.value_and_grad(point, argnums=argnums, holomorphic=True), in_axes=(None, 0, 0))
        g, grads = value_and_grads([complex_leaves[i] for i in active], points_s, points_k2)
        g = g.reshape(shape)
        tangent_points = jnp.zeros(shape, dtype=g.dtype)
        if with_s:
            tangent_points = grads[1].reshape(shape) * s_dot[..., None]
        for i, derivative in zip(active, grads[0]):
            prop_dot = jnp.asarray(leaves_dot[i]).astype(complex)
            contracted = jnp.tensordot(derivative, prop_dot, axes=prop_dot.ndim)
            tangent_points = tangent_points + contracted.reshape(shape)
        tangent_out = jnp.sum(tangent_points * weights, axis=-1)
    else:
        g = jax.vmap(point, in_axes=(None, 0, 0))([], points_s, points_k2).reshape(shape)
        tangent_out = jnp.zeros(shape[:-1], dtype=g.dtype)
    primal_out = jnp.sum(g * weights, axis=-1)
    if not _is_zero(weights_dot):
        tangent_out = tangent_out + jnp.sum(g * weights_dot, axis=-1)
    return primal_out, tangent_out


_weighted_sum.defjvp(_weighted_sum_jvp, symbolic_zeros=True)


def _is_zero(tangent):
    return isinstance(tangent, jax.custom_derivatives.SymbolicZero)
