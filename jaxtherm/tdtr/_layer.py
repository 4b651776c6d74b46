"""One homogeneous layer (`Layer`) and the per-layer arrays of a stack (`StackArrays`), both pytrees
of SI float leaves; `Stack` (in `_params`) is built from them."""

from __future__ import annotations

import dataclasses

import jax
import numpy as np

from .._pytree import pytree_dataclass, static_field

__all__ = ["Layer", "StackArrays"]


def _is_known_infinite(thickness) -> bool:
    """True when `thickness` is a concrete value (number or array) that is +inf everywhere."""
    if thickness is None or any(isinstance(leaf, jax.core.Tracer) for leaf in jax.tree_util.tree_leaves(thickness)):
        return False
    try:
        values = np.asarray(thickness, dtype=float)
    except (TypeError, ValueError):
        return False  # not a number: refused later by validation, with the parameter's name
    return bool(values.size) and bool(np.all(np.isposinf(values)))


@dataclasses.dataclass(frozen=True)
class Layer:
    """One homogeneous layer of the sample.

    **Arguments:**

    - `thickness`: layer thickness (m); `float("inf")` marks a semi-infinite
      substrate (allowed for the last layer only). A finite last layer has an
      adiabatic back face.
    - `heat_capacity`: volumetric heat capacity C (J m^-3 K^-1).
    - `conductivity`: cross-plane thermal conductivity kappa_z (W m^-1 K^-1).
    - `conductivity_inplane`: in-plane thermal conductivity kappa_r
      (W m^-1 K^-1); `None` means isotropic (kappa_r = kappa_z, and derivatives
      with respect to `conductivity` then act on both).

    Every number is a pytree leaf (traced, differentiable). A thickness that is a concrete inf
    when the layer is built is also remembered as static pytree metadata (`semi_infinite`), so
    that a jitted response can drop the layer's exponentials; it travels with the leaf through
    `jit`, `vmap` and `grad`, and a layer built from a traced thickness is treated as finite or
    infinite at run time instead.
    """

    thickness: jax.Array | float
    heat_capacity: jax.Array | float
    conductivity: jax.Array | float
    conductivity_inplane: jax.Array | float | None = None
    semi_infinite: bool = dataclasses.field(init=False, repr=False, compare=False, default=False)

    def __post_init__(self):
        object.__setattr__(self, "semi_infinite", _is_known_infinite(self.thickness))

    @property
    def effective_conductivity_inplane(self):
        """In-plane conductivity kappa_r (W m^-1 K^-1), equal to `conductivity` when isotropic."""
        return self.conductivity if self.conductivity_inplane is None else self.conductivity_inplane


_LAYER_FIELDS = ("thickness", "heat_capacity", "conductivity", "conductivity_inplane")


def _flatten_layer(layer: Layer):
    children = [(jax.tree_util.GetAttrKey(name), getattr(layer, name)) for name in _LAYER_FIELDS]
    return children, layer.semi_infinite


def _unflatten_layer(semi_infinite: bool, children) -> Layer:
    # The flag is kept as metadata, not recomputed: cotangents and tangents (zeros for the infinite
    # thickness) must have the structure of the primal stack.
    layer = object.__new__(Layer)
    for name, value in zip(_LAYER_FIELDS, children):
        object.__setattr__(layer, name, value)
    object.__setattr__(layer, "semi_infinite", semi_infinite)
    return layer


def _flatten_layer_fast(layer: Layer):
    return [getattr(layer, name) for name in _LAYER_FIELDS], layer.semi_infinite


jax.tree_util.register_pytree_with_keys(Layer, _flatten_layer, _unflatten_layer, flatten_func=_flatten_layer_fast)


def runtime_thickness(stack):
    """`stack` (any pytree of layers) with every `Layer.semi_infinite` flag cleared: an infinite
    thickness is then recognised at run time, so stacks with inf and finite substrates share one
    pytree structure (e.g. to be stacked into one batch)."""
    leaves, treedef = jax.tree_util.tree_flatten(stack, is_leaf=lambda node: isinstance(node, Layer))
    return jax.tree_util.tree_unflatten(
        treedef, [_unflatten_layer(False, _flatten_layer_fast(x)[0]) if isinstance(x, Layer) else x for x in leaves]
    )


@pytree_dataclass
class StackArrays:
    """The layer properties of a `Stack` stacked along the last axis (derived data, a pytree).

    **Fields:**

    - `thickness`: `(..., n_layers)` thicknesses (m), `inf` for a semi-infinite last layer.
    - `heat_capacity`: `(..., n_layers)` volumetric heat capacities (J m^-3 K^-1).
    - `conductivity`: `(..., n_layers)` cross-plane conductivities kappa_z (W m^-1 K^-1).
    - `conductivity_inplane`: `(..., n_layers)` in-plane conductivities kappa_r (W m^-1 K^-1).
    - `resistances`: `(..., n_layers - 1)` interface resistances (m^2 K W^-1).
    - `semi_infinite_last`: static; `True` when the last layer is known to be semi-infinite when
      the program is traced (its exponentials are then not computed). `False` decides at run time
      from `thickness`.
    """

    thickness: jax.Array
    heat_capacity: jax.Array
    conductivity: jax.Array
    conductivity_inplane: jax.Array
    resistances: jax.Array
    semi_infinite_last: bool = static_field(default=False)

    @property
    def n_layers(self) -> int:
        """Number of layers (static)."""
        return self.thickness.shape[-1]
