"""Forward-mode Jacobians that trace the model once, and float pytrees."""

from __future__ import annotations

import jax
import jax.numpy as jnp


def value_and_jacfwd(fn, x):
    """`(fn(x), jacfwd(fn)(x))` with `fn` traced once (forward mode, one JVP per input).

    `jax.jacfwd(..., has_aux=True)` returning the value as aux would trace the model a
    second time; for large models (TDTR contour integrals, scan-based solvers) that
    doubles the compile time.
    """
    basis = jnp.eye(x.shape[0], dtype=x.dtype)
    value, jac = jax.vmap(lambda t: jax.jvp(fn, (x,), (t,)), out_axes=(None, -1))(basis)
    return value, jac


def as_float_tree(params):
    """`params` with every leaf a float JAX array (default float precision)."""
    return jax.tree_util.tree_map(lambda leaf: jnp.asarray(leaf, dtype=float), params)
