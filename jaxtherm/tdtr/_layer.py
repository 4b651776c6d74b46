"""One homogeneous layer (`Layer`) and the per-layer arrays of a stack (`StackArrays`), both pytrees
of SI float leaves; `Stack` (in `_params`) is built from them."""

from __future__ import annotations

import jax

from .._pytree import pytree_dataclass

__all__ = ["Layer", "StackArrays"]


@pytree_dataclass
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
    """

    thickness: jax.Array | float
    heat_capacity: jax.Array | float
    conductivity: jax.Array | float
    conductivity_inplane: jax.Array | float | None = None

    @property
    def effective_conductivity_inplane(self):
        """In-plane conductivity kappa_r (W m^-1 K^-1), equal to `conductivity` when isotropic."""
        return self.conductivity if self.conductivity_inplane is None else self.conductivity_inplane


@pytree_dataclass
class StackArrays:
    """The layer properties of a `Stack` stacked along the last axis (derived data, a pytree).

    **Fields:**

    - `thickness`: `(..., n_layers)` thicknesses (m), `inf` for a semi-infinite last layer.
    - `heat_capacity`: `(..., n_layers)` volumetric heat capacities (J m^-3 K^-1).
    - `conductivity`: `(..., n_layers)` cross-plane conductivities kappa_z (W m^-1 K^-1).
    - `conductivity_inplane`: `(..., n_layers)` in-plane conductivities kappa_r (W m^-1 K^-1).
    - `resistances`: `(..., n_layers - 1)` interface resistances (m^2 K W^-1).
    """

    thickness: jax.Array
    heat_capacity: jax.Array
    conductivity: jax.Array
    conductivity_inplane: jax.Array
    resistances: jax.Array

    @property
    def n_layers(self) -> int:
        """Number of layers (static)."""
        return self.thickness.shape[-1]
