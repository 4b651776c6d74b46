"""Arrays a DUGKS run derives once from (params, config) inside `jit`.

`Discretisation` holds the cells (`Geometry`), the ordinates and, on cells and on
faces, the material coefficients the step needs (`Coefficients`). Everything is a
typed pytree; layer membership of cells and faces is static (from `Config`).
"""

from __future__ import annotations

from typing import Any

import jax.numpy as jnp
import numpy as np

from .._layers import Geometry, layer_geometry, layer_slices
from .._pytree import pytree_dataclass
from ._media import carries_electrons, electron_capacity, electron_coupling, electron_speed
from ._quadrature import ordinates

__all__ = ["Coefficients", "Discretisation", "cell_slices", "discretise", "face_slices", "make_geometry"]


@pytree_dataclass
class Coefficients:
    """Material coefficients on a set of points (cells or faces), each (P,).

    Ce(T) is linear in T for every model of `jaxtherm.materials` (gamma T or constant):
    Ce = `electron_capacity_reference` + `electron_capacity_slope` (T - T_ref).

    **Fields:** `electron_capacity_reference` Ce(T_ref) (J m^-3 K^-1);
    `electron_capacity_slope` dCe/dT (J m^-3 K^-2); `phonon_capacity` Cp (J m^-3 K^-1);
    `coupling` G (W m^-3 K^-1); `electron_speed`, `phonon_speed` (m/s); `carries_electrons`
    1 in metal layers, 0 in phonon-only layers (their electron row is inert: zero speed,
    coupling and source).
    """

    electron_capacity_reference: Any
    electron_capacity_slope: Any
    phonon_capacity: Any
    coupling: Any
    electron_speed: Any
    phonon_speed: Any
    carries_electrons: Any = 1.0

    def at(self, index) -> Coefficients:
        """The coefficients of one point."""
        values = (getattr(self, name) for name in self.__dataclass_fields__)
        return Coefficients(*(v[index] if jnp.ndim(v) else v for v in values))


@pytree_dataclass
class Discretisation:
    """Derived arrays of one run.

    **Fields:** `geometry` (cells, m); `mu` (M,) ordinates, ascending; `weights` (M,);
    `speed_cell` (2, N), `speed_face` (2, N+1) carrier speeds (m/s); `cell`, `face`:
    `Coefficients` on cells and faces.
    """

    geometry: Geometry
    mu: Any
    weights: Any
    speed_cell: Any
    speed_face: Any
    cell: Coefficients
    face: Coefficients


def cell_slices(config) -> tuple:
    """Static cell slices of each layer."""
    return layer_slices(config.cells_per_layer)


def face_slices(config) -> tuple:
    """Static face slices of each layer (face i belongs to the layer of cell i - 1; face 0 to layer 0)."""
    counts = list(config.cells_per_layer)
    counts[0] += 1
    return layer_slices(counts)


def _coefficients(layers, slices, n_points, reference_temperature) -> Coefficients:
    ones = jnp.ones(n_points)
    t_ref = jnp.asarray(reference_temperature, dtype=float)

    def constant(getter):
        return jnp.concatenate([getter(layer.material) * ones[sl] for layer, sl in zip(layers, slices)])

    def capacity_at(temperature):
        return constant(lambda m: electron_capacity(m, jnp.asarray(temperature, dtype=float)))

    slope = capacity_at(1.0) - capacity_at(0.0)
    return Coefficients(
        electron_capacity_reference=capacity_at(0.0) + slope * t_ref,
        electron_capacity_slope=slope,
        phonon_capacity=constant(lambda m: m.phonon_heat_capacity(t_ref)),
        coupling=constant(lambda m: electron_coupling(m, t_ref, t_ref)),
        electron_speed=constant(electron_speed),
        phonon_speed=constant(lambda m: m.phonon_speed),
        carries_electrons=constant(lambda m: 1.0 if carries_electrons(m) else 0.0),
    )


def discretise(params, config) -> Discretisation:
    """Derive the per-cell and per-face arrays of a run (pure; call inside `jit`)."""
    mu, weights = ordinates(config.n_ordinates, config.quadrature)
    geometry = layer_geometry(params.layers, config.cells_per_layer, config.cell_growth)
    t_ref = params.initial_temperature
    cell = _coefficients(params.layers, cell_slices(config), config.n_cells, t_ref)
    face = _coefficients(params.layers, face_slices(config), config.n_cells + 1, t_ref)
    return Discretisation(
        geometry=geometry,
        mu=jnp.asarray(mu),
        weights=jnp.asarray(np.asarray(weights)),
        speed_cell=jnp.stack([cell.electron_speed, cell.phonon_speed]),
        speed_face=jnp.stack([face.electron_speed, face.phonon_speed]),
        cell=cell,
        face=face,
    )


def make_geometry(params, config) -> Geometry:
    """The cells (`Geometry`, m) of `params.layers` discretised as `config` says."""
    return layer_geometry(params.layers, config.cells_per_layer, config.cell_growth)
