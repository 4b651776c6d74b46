"""Pieces shared by the layered solvers (`jaxtherm.ttm`, `jaxtherm.dugks`).

A 1-D sample is a stack of `Layer`s (material + thickness) from the heated
surface x = 0 down. Both solvers discretise it into cell-centred finite volumes
(`Geometry`), describe walls per wall and per carrier (`boundaries[wall][carrier]`
with walls ``("left", "right")`` and carriers ``("electron", "phonon")``), keep
wall temperatures as a (2 walls, 2 carriers) array and report the same energy
balance. Keeping these in one place is what lets the two `Solution`s and
`Params` use one vocabulary.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from ._pytree import pytree_dataclass
from ._validation import check_choice, check_finite, check_positive, is_concrete

__all__ = [
    "CARRIERS",
    "WALLS",
    "EnergyBalance",
    "Geometry",
    "Layer",
    "check_wall_temperatures",
    "layer_geometry",
    "layer_slices",
    "normalise_boundaries",
    "per_layer",
    "validate_batch",
    "wall_temperature_array",
]

CARRIERS = ("electron", "phonon")
WALLS = ("left", "right")


@pytree_dataclass
class Layer:
    """One layer of the stack.

    **Fields:** `material`: `jaxtherm.materials.Metal` or `NonMetal`; `thickness`: (m).
    """

    material: Any
    thickness: Any


@pytree_dataclass
class Geometry:
    """Cell-centred finite-volume cells; depth x measured from the heated surface.

    **Fields:** `faces` (n+1,), `centres` (n,), `widths` (n,) - all in m.
    """

    faces: Any
    centres: Any
    widths: Any

    @property
    def length(self):
        """Total thickness (m)."""
        return self.faces[-1]


def normalise_cell_layout(config) -> None:
    """Store a frozen `Config`'s `cells_per_layer` (and `cell_growth`) as tuples, one per layer.

    Both kinetic models accept a single number or a sequence for these static fields.
    """
    object.__setattr__(config, "cells_per_layer", _as_tuple(config.cells_per_layer))
    if config.cell_growth is not None:
        object.__setattr__(config, "cell_growth", tuple(float(g) for g in _as_tuple(config.cell_growth)))


def _as_tuple(value) -> tuple:
    return tuple(value) if isinstance(value, (tuple, list, np.ndarray)) else (value,)


def relative_widths(n: int, growth: float) -> np.ndarray:
    """Cell widths of one layer as fractions of its thickness (geometric grading)."""
    weights = growth ** np.arange(n, dtype=float)
    return weights / weights.sum()


def layer_geometry(layers, cells_per_layer, cell_growth=None) -> Geometry:
    """Cells of a stack: differentiable in the layer thicknesses (counts and grading static).

    **Arguments:** `layers`: tuple of `Layer` (thickness in m); `cells_per_layer`: cell
    count per layer; `cell_growth`: per layer, ratio of consecutive cell widths going away
    from x = 0 (None: uniform).

    **Returns:** `Geometry` (m).
    """
    growth = cell_growth or (1.0,) * len(cells_per_layer)
    widths = jnp.concatenate(
        [
            jnp.asarray(layer.thickness, dtype=float) * jnp.asarray(relative_widths(n, g))
            for layer, n, g in zip(layers, cells_per_layer, growth)
        ]
    )
    faces = jnp.concatenate([jnp.zeros(1, widths.dtype), jnp.cumsum(widths)])
    centres = 0.5 * (faces[:-1] + faces[1:])
    return Geometry(faces=faces, centres=centres, widths=widths)


def layer_slices(cells_per_layer) -> tuple:
    """Contiguous cell slices of each layer (static)."""
    bounds = np.concatenate([[0], np.cumsum(cells_per_layer)])
    return tuple(slice(int(a), int(b)) for a, b in zip(bounds[:-1], bounds[1:]))


def per_layer(fn: Callable, layers, slices, *arrays):
    """`fn(layer, *array_slices)` per layer, concatenated along the last axis."""
    if len(layers) == 1:
        return fn(layers[0], *arrays)
    return jnp.concatenate([fn(layer, *(a[..., sl] for a in arrays)) for layer, sl in zip(layers, slices)], axis=-1)


class EnergyBalance:
    """Properties shared by the `Solution`s of the layered solvers.

    Needs the fields `wall_temperatures` (n_out, 2 walls, 2 carriers) (K),
    `stored_energy`, `absorbed_energy` (n_out,) and `wall_heat_out` (n_out, 2, 2) (J/m^2).
    """

    @property
    def energy_error(self):
        """stored - (absorbed - lost through the walls) (J/m^2), (n_out,): zero for an exact balance."""
        return self.stored_energy - self.absorbed_energy + jnp.sum(self.wall_heat_out, axis=(-1, -2))

    @property
    def front_electron_temperature(self):
        """Te at the wall x = 0 (K), (n_out,)."""
        return self.wall_temperatures[:, 0, 0]

    @property
    def front_phonon_temperature(self):
        """Tp at the wall x = 0 (K), (n_out,)."""
        return self.wall_temperatures[:, 0, 1]

    @property
    def rear_electron_temperature(self):
        """Te at the rear wall x = L (K), (n_out,)."""
        return self.wall_temperatures[:, 1, 0]

    @property
    def rear_phonon_temperature(self):
        """Tp at the rear wall x = L (K), (n_out,)."""
        return self.wall_temperatures[:, 1, 1]

    @property
    def length(self):
        """Total thickness (m)."""
        return self.geometry.length


def normalise_boundaries(boundaries, kinds, name: str = "boundaries") -> tuple:
    """Accept a kind, (left, right) kinds, or ((left_e, left_p), (right_e, right_p)); return the nested form.

    Checks every kind against `kinds` and that ``"periodic"`` is used on both walls for
    both carriers or not at all.
    """
    if isinstance(boundaries, str):
        boundaries = (boundaries, boundaries)
    try:
        boundaries = tuple(boundaries)
    except TypeError:
        raise TypeError(
            f"{name} must be a kind, (left, right) or ((left_e, left_p), (right_e, right_p)); got {boundaries!r}"
        ) from None
    if len(boundaries) != 2:
        raise ValueError(
            f"{name} must be a kind, (left, right) or ((left_e, left_p), (right_e, right_p)); got {boundaries!r}"
        )
    out = []
    for wall, value in zip(WALLS, boundaries):
        pair = (value, value) if isinstance(value, str) else tuple(value)
        if len(pair) != 2:
            raise ValueError(f"{name}: the {wall} wall needs (electron, phonon) kinds, got {value!r}")
        for carrier, kind in zip(CARRIERS, pair):
            check_choice(f"{name}: boundary kind of the {wall} wall for {carrier}s", kind, kinds)
        out.append(pair)
    flat = [k for wall in out for k in wall]
    if "periodic" in flat and any(k != "periodic" for k in flat):
        raise ValueError(
            f"{name}: a periodic domain needs 'periodic' on both walls for both carriers, got {tuple(out)!r}"
        )
    return tuple(out)


def wall_temperature_array(value):
    """Wall temperatures as a (2 walls, 2 carriers) array (K): scalar, (2,) per wall, or (2, 2)."""
    value = jnp.asarray(value, dtype=float)
    if value.ndim == 1:
        value = value[:, None]
    return jnp.broadcast_to(value, (2, 2))


def check_wall_temperatures(value) -> None:
    """`value` must broadcast to (2 walls, 2 carriers), finite and > 0 K (concrete values only)."""
    if not is_concrete(value):
        return
    arr = np.asarray(value, dtype=float)
    if arr.shape not in ((), (2,), (2, 2)):
        raise ValueError(
            f"wall_temperatures must be a scalar, (2 walls,) or (2 walls, 2 carriers) in K, got shape {arr.shape}"
        )
    check_finite("wall_temperatures", arr, "K")
    check_positive("wall_temperatures", arr, "K")


def _member(params, index: int, batch: int):
    """Member `index` of a batched params pytree (leaves without the leading batch axis are shared)."""

    def pick(path, leaf):
        arr = np.asarray(leaf)
        if arr.ndim == 0 or arr.shape[0] != batch:
            return arr
        if any(getattr(k, "name", None) == "wall_temperatures" for k in path):
            # (2 walls[, 2 carriers]) is a shared value, unless it carries a third (batch) axis;
            # ambiguous only for a batch of 2, where 1-D/2-D wall arrays count as shared.
            if arr.ndim < 3 and batch == 2:
                return arr
        return arr[index]

    return jax.tree_util.tree_map_with_path(pick, params)


def validate_batch(params, validate_member: Callable) -> None:
    """Validate a concrete batch (leading axis on the leaves) member by member on the host.

    The batch size is the leading size of the layer thicknesses (else of any batched
    leaf); leaves without that leading axis are shared by all members.

    **Arguments:** `params`: batched Params; `validate_member(member)`: raises for a bad member.

    Raises the member's `ValueError`/`TypeError` with ``batch member i:`` prepended.
    """
    if not is_concrete(params):
        return
    sizes = {np.shape(leaf)[0] for leaf in jax.tree_util.tree_leaves(params) if np.ndim(leaf) >= 1}
    thickness_sizes = {np.shape(layer.thickness)[0] for layer in params.layers if np.ndim(layer.thickness) >= 1}
    batch = max(thickness_sizes) if thickness_sizes else (max(sizes) if sizes else 1)
    for index in range(batch):
        member = _member(params, index, batch)
        try:
            validate_member(member)
        except (ValueError, TypeError) as exc:
            raise type(exc)(f"batch member {index}: {exc}") from None
