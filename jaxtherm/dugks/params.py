"""Parameters (pytree, SI floats) and configuration (static) of the DUGKS solver.

* `Params` - what is fitted, swept and differentiated: the per-layer materials
  (`jaxtherm.materials.Metal`, their float coefficients are leaves, e.g. the
  coupling constant G), the laser source (incl. the thermalisation delay t_h),
  the initial/reference temperature, the wall temperatures and the grating
  amplitude.
* `Config` - frozen and hashable: geometry and cells, ordinates, CFL number,
  limiter, boundary kind per wall and per carrier, time window and number of
  outputs. Changing it recompiles; changing `Params` never does.

Carriers are stacked along the first axis in the order `CARRIERS = ("electron",
"phonon")`; walls in the order `("left", "right")` (x = 0 is the left/front
surface, x = sum(thicknesses) the right/rear one).
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import numpy as np

from .._pytree import pytree_dataclass
from .._validation import (
    check_choice,
    check_finite,
    check_integer,
    check_length,
    check_open_interval,
    check_positive,
    is_concrete,
)
from ..materials import Metal, validate_material
from .quadrature import QUADRATURES, validate_ordinates

__all__ = [
    "CARRIERS",
    "WALLS",
    "BOUNDARY_KINDS",
    "LIMITERS",
    "INITIAL_CONDITIONS",
    "Params",
    "Config",
    "make_config",
    "validate",
    "resolve_time_step",
    "with_coupling",
]

CARRIERS = ("electron", "phonon")
WALLS = ("left", "right")
#: ``"isothermal"``: thermalising wall emitting the equilibrium at the wall temperature
#: (DUGKS eq. 61); ``"specular"``: mirror reflection (eq. 62), zero net flux;
#: ``"periodic"``: wrap around (both walls of that carrier must be periodic).
BOUNDARY_KINDS = ("isothermal", "specular", "periodic")
#: ``"upwind"``: zero slope (first-order upwind, the paper's choice for the ballistic
#: regime); ``"vanleer"``: van Leer limited slopes (diffusive regime).
LIMITERS = ("upwind", "vanleer")
#: ``"uniform"``: Te = Tp = initial_temperature; ``"grating"``: DUGKS eq. 51-52,
#: Te = T0 + dT sin(2 pi x / L), Tp = T0; ``"linear"``: both carriers linear between the
#: left and right wall temperatures of each carrier (start of a steady-state run).
INITIAL_CONDITIONS = ("uniform", "grating", "linear")
#: Largest plausible total thickness (m): catches nanometres passed as metres.
_MAX_THICKNESS = 1e-2


@pytree_dataclass
class Params:
    """Everything the DUGKS differentiates through (SI floats; pytree leaves).

    **Fields:**

    - `layers`: tuple of `jaxtherm.materials.Metal`, one per layer from x = 0.
    - `source`: a heat source from `jaxtherm.sources` (e.g. `PulseSource`, eq. 48/50),
      or any pytree with `power_density(x, t)` (W/m^3); cells receive its exact
      `cell_average` when it has one. None: no source.
    - `initial_temperature`: T0 (K); also the reference temperature of the energies.
    - `wall_temperatures`: (2 walls, 2 carriers) array (K) used by isothermal walls,
      order `WALLS` x `CARRIERS`.
    - `grating_amplitude`: dT (K) of the grating initial condition (eq. 51).
    """

    layers: tuple
    source: Any = None
    initial_temperature: Any = 300.0
    wall_temperatures: Any = dataclasses.field(default_factory=lambda: np.full((2, 2), 300.0))
    grating_amplitude: Any = 0.0


@dataclasses.dataclass(frozen=True)
class Config:
    """Static configuration of a DUGKS run (hashable; changing it recompiles).

    **Fields:**

    - `layer_thicknesses`: tuple of layer thicknesses (m), from x = 0.
    - `cells_per_layer`: tuple of uniform cell counts per layer, or
    - `cell_edges`: optional tuple of all cell edges (m), non-uniform; overrides
      `cells_per_layer`; layer interfaces must be edges.
    - `n_ordinates`: number of directions mu (even, >= 2; the paper uses 40).
    - `quadrature`: ``"gauss-legendre"`` or ``"double-gauss"``.
    - `cfl`: Courant number, 0 < CFL < 1; dt = CFL dx_min / v_max.
    - `limiter`: ``"upwind"`` or ``"vanleer"``.
    - `boundaries`: ((left electron, left phonon), (right electron, right phonon)),
      each one of `BOUNDARY_KINDS`.
    - `t_start`, `t_end`: time window (s).
    - `n_outputs`: number of equally spaced output times after `t_start`.
    - `max_speed`: v_max (m/s) that sets dt; None = taken from the materials at the
      public entry (it must be given when `simulate` is traced, e.g. under `vmap`).
    - `initial_condition`: one of `INITIAL_CONDITIONS`.
    - `with_source`: whether `params.source` heats the film.
    - `progress`: draw a progress bar on stderr (terminal only) while the scan runs;
      reported once per output from the compiled loop (`jaxtherm.progress`).
    """

    layer_thicknesses: tuple
    cells_per_layer: tuple = (40,)
    cell_edges: tuple | None = None
    n_ordinates: int = 40
    quadrature: str = "gauss-legendre"
    cfl: float = 0.4
    limiter: str = "vanleer"
    boundaries: tuple = (("specular", "specular"), ("specular", "specular"))
    t_start: float = 0.0
    t_end: float = 1e-12
    n_outputs: int = 100
    max_speed: float | None = None
    initial_condition: str = "uniform"
    with_source: bool = True
    progress: bool = False

    # ---- derived geometry (plain numpy, static) ---------------------------
    @property
    def n_layers(self) -> int:
        return len(self.layer_thicknesses)

    def edges(self) -> np.ndarray:
        """Cell edges (m), shape (n_cells + 1,)."""
        if self.cell_edges is not None:
            return np.asarray(self.cell_edges, dtype=np.float64)
        pieces = [np.zeros(1)]
        offset = 0.0
        for thickness, cells in zip(self.layer_thicknesses, self.cells_per_layer):
            pieces.append(offset + thickness * np.arange(1, cells + 1) / cells)
            offset += thickness
        return np.concatenate(pieces)

    @property
    def n_cells(self) -> int:
        return len(self.edges()) - 1

    def interfaces(self) -> np.ndarray:
        """Positions (m) of the layer interfaces (n_layers - 1,)."""
        return np.cumsum(np.asarray(self.layer_thicknesses, dtype=np.float64))[:-1]

    def layer_of_cell(self) -> np.ndarray:
        """Layer index of each cell (int array, n_cells)."""
        edges = self.edges()
        centres = 0.5 * (edges[1:] + edges[:-1])
        return np.searchsorted(self.interfaces(), centres).astype(np.int64)

    def interface_faces(self) -> np.ndarray:
        """Face indices (0..n_cells) that lie on a layer interface."""
        layer = self.layer_of_cell()
        return np.nonzero(layer[1:] != layer[:-1])[0] + 1

    def time_step(self) -> float:
        """dt (s) actually used: CFL dx_min / v_max, shrunk so outputs fall on steps."""
        return (self.t_end - self.t_start) / (self.n_outputs * self.steps_per_output())

    def steps_per_output(self) -> int:
        """Number of DUGKS steps between consecutive outputs."""
        if self.max_speed is None:
            raise ValueError("Config.max_speed is unresolved; call dugks.resolve_time_step(params, config) first")
        dx_min = float(np.min(np.diff(self.edges())))
        dt_cfl = self.cfl * dx_min / self.max_speed
        return max(1, int(math.ceil((self.t_end - self.t_start) / (self.n_outputs * dt_cfl) - 1e-9)))

    def n_steps(self) -> int:
        """Total number of DUGKS steps."""
        return self.n_outputs * self.steps_per_output()

    def output_times(self) -> np.ndarray:
        """Output times (s), shape (n_outputs + 1,), starting with `t_start`."""
        return self.t_start + (self.t_end - self.t_start) * np.arange(self.n_outputs + 1) / self.n_outputs


def make_config(layer_thicknesses, cells_per_layer=None, **kwargs) -> Config:
    """Build and validate a `Config`.

    **Arguments:**

    - `layer_thicknesses`: layer thickness(es) (m); a float for one layer.
    - `cells_per_layer`: cell count(s) per layer (default 40 per layer).
    - `**kwargs`: any other `Config` field (see `Config`).

    **Returns:** a validated `Config`.
    """
    thicknesses = tuple(float(t) for t in np.atleast_1d(np.asarray(layer_thicknesses, dtype=float)))
    if cells_per_layer is None:
        cells_per_layer = (40,) * len(thicknesses)
    cells = tuple(cells_per_layer) if isinstance(cells_per_layer, (tuple, list)) else (cells_per_layer,)
    boundaries = kwargs.pop("boundaries", None)
    if boundaries is not None:
        boundaries = _normalise_boundaries(boundaries)
        kwargs["boundaries"] = boundaries
    if "cell_edges" in kwargs and kwargs["cell_edges"] is not None:
        kwargs["cell_edges"] = tuple(float(e) for e in np.asarray(kwargs["cell_edges"], dtype=float))
    config = Config(layer_thicknesses=thicknesses, cells_per_layer=cells, **kwargs)
    validate_config(config)
    return config


def _normalise_boundaries(boundaries) -> tuple:
    """Accept a name, (left, right) names, or ((le, lp), (re, rp)) and return the nested form."""
    if isinstance(boundaries, str):
        return ((boundaries, boundaries), (boundaries, boundaries))
    boundaries = tuple(boundaries)
    if len(boundaries) != 2:
        raise ValueError(
            f"boundaries must be a name, (left, right) or ((left_e, left_p), (right_e, right_p)); got {boundaries!r}"
        )
    out = []
    for wall in boundaries:
        if isinstance(wall, str):
            out.append((wall, wall))
        else:
            wall = tuple(wall)
            if len(wall) != 2:
                raise ValueError(f"each wall needs (electron, phonon) boundary kinds, got {wall!r}")
            out.append(wall)
    return tuple(out)


def validate_config(config: Config) -> Config:
    """Check a `Config` (called by `make_config` and `simulate`); raises ValueError/TypeError."""
    if len(config.layer_thicknesses) < 1:
        raise ValueError("layer_thicknesses must contain at least one layer (m)")
    for i, thickness in enumerate(config.layer_thicknesses):
        check_length(f"layer_thicknesses[{i}]", thickness, _MAX_THICKNESS)
    if config.cell_edges is None:
        if len(config.cells_per_layer) != len(config.layer_thicknesses):
            raise ValueError(
                f"cells_per_layer has {len(config.cells_per_layer)} entries but layer_thicknesses has "
                f"{len(config.layer_thicknesses)}; give one cell count per layer"
            )
        for i, cells in enumerate(config.cells_per_layer):
            check_integer(f"cells_per_layer[{i}]", cells, minimum=2)
    else:
        edges = np.asarray(config.cell_edges, dtype=float)
        check_finite("cell_edges", edges, "m")
        if edges.ndim != 1 or edges.size < 3:
            raise ValueError(f"cell_edges must be a 1-D sequence of at least 3 edges (m), got {edges.size}")
        if np.any(np.diff(edges) <= 0):
            raise ValueError("cell_edges must be strictly increasing (m)")
        total = float(np.sum(config.layer_thicknesses))
        if abs(edges[0]) > 1e-12 * total or abs(edges[-1] - total) > 1e-9 * total:
            raise ValueError(
                f"cell_edges must run from 0 to the total thickness {total:g} m, got [{edges[0]:g}, {edges[-1]:g}] m"
            )
        for position in np.cumsum(config.layer_thicknesses)[:-1]:
            if np.min(np.abs(edges - position)) > 1e-9 * total:
                raise ValueError(f"layer interface at x = {position:g} m is not a cell edge of cell_edges")
    validate_ordinates(config.n_ordinates, config.quadrature)
    check_choice("quadrature", config.quadrature, QUADRATURES)
    check_open_interval("cfl", config.cfl, 0.0, 1.0)
    check_choice("limiter", config.limiter, LIMITERS)
    check_choice("initial_condition", config.initial_condition, INITIAL_CONDITIONS)
    boundaries = config.boundaries
    if (
        not isinstance(boundaries, tuple)
        or len(boundaries) != 2
        or any(not isinstance(w, tuple) or len(w) != 2 for w in boundaries)
    ):
        raise ValueError(f"boundaries must be ((left_e, left_p), (right_e, right_p)), got {boundaries!r}")
    for wall, kinds in zip(WALLS, boundaries):
        for carrier, kind in zip(CARRIERS, kinds):
            check_choice(f"{wall} {carrier} boundary", kind, BOUNDARY_KINDS)
    for c, carrier in enumerate(CARRIERS):
        left, right = boundaries[0][c], boundaries[1][c]
        if (left == "periodic") != (right == "periodic"):
            raise ValueError(
                f"periodic {carrier} boundary must be used on both walls, got left={left!r}, right={right!r}"
            )
    periodic = [kind == "periodic" for wall in boundaries for kind in wall]
    if any(periodic) and not all(periodic):
        raise ValueError(f"periodic boundaries must be used for both carriers on both walls, got {boundaries!r}")
    if any(periodic) and config.n_layers > 1:
        raise ValueError("periodic boundaries are only supported for a single layer")
    check_finite("t_start", config.t_start, "s")
    check_finite("t_end", config.t_end, "s")
    if not config.t_end > config.t_start:
        raise ValueError(f"t_end ({config.t_end:g} s) must be larger than t_start ({config.t_start:g} s)")
    check_integer("n_outputs", config.n_outputs, minimum=1)
    if config.max_speed is not None:
        check_positive("max_speed", config.max_speed, "m/s")
    return config


def validate_params(params: Params, config: Config) -> Params:
    """Check concrete `Params` against a `Config`; raises ValueError/TypeError."""
    if not isinstance(params, Params):
        raise TypeError(f"params must be a jaxtherm.dugks.Params, got {type(params).__name__}")
    layers = params.layers
    if not isinstance(layers, tuple):
        raise TypeError(f"params.layers must be a tuple of materials.Metal, got {type(layers).__name__}")
    if len(layers) != config.n_layers:
        raise ValueError(
            f"params.layers has {len(layers)} materials but config.layer_thicknesses has {config.n_layers} layers"
        )
    for i, layer in enumerate(layers):
        if not isinstance(layer, Metal):
            raise TypeError(f"params.layers[{i}] must be a materials.Metal (electrons and phonons), "
                            f"got {type(layer).__name__}")
        validate_material(layer, f"params.layers[{i}]")
    check_positive("initial_temperature", params.initial_temperature, "K")
    if is_concrete(params.wall_temperatures):
        walls = np.asarray(params.wall_temperatures, dtype=float)
        if walls.shape != (2, 2):
            raise ValueError(
                f"wall_temperatures must have shape (2 walls, 2 carriers) in K, got shape {walls.shape}"
            )
        check_positive("wall_temperatures", walls, "K")
    check_finite("grating_amplitude", params.grating_amplitude, "K")
    source = params.source
    if source is not None:
        if not hasattr(source, "power_density"):
            raise TypeError("params.source must provide power_density(position_m, time_s) -> W/m^3")
        if hasattr(source, "validate"):
            source.validate()
    return params


def validate(params: Params, config: Config) -> None:
    """Validate a (params, config) pair at the public entry (concrete values only)."""
    validate_config(config)
    validate_params(params, config)


def resolve_time_step(params: Params, config: Config) -> Config:
    """Return `config` with `max_speed` filled from the materials when it is None.

    **Arguments:** `params` (concrete), `config`.

    **Returns:** a `Config` whose `max_speed` (m/s) is max over layers of |v_e|, |v_p|
    (or the given value, checked to be no smaller than the materials' speeds).
    """
    speeds = [getattr(layer, name) for layer in params.layers for name in ("electron_speed", "phonon_speed")]
    if not is_concrete(speeds):
        if config.max_speed is None:
            raise ValueError(
                "config.max_speed (m/s) must be set when simulate is traced (vmap/jit/grad over the "
                "materials); e.g. make_config(..., max_speed=1.36e6)"
            )
        return config
    v_max = float(max(np.max(np.asarray(s, dtype=float)) for s in speeds))
    if config.max_speed is None:
        return dataclasses.replace(config, max_speed=v_max)
    if config.max_speed < v_max * (1.0 - 1e-12):
        raise ValueError(
            f"config.max_speed = {config.max_speed:g} m/s is below the largest carrier speed {v_max:g} m/s: "
            f"the time step would violate the CFL condition"
        )
    return config


def with_coupling(params: Params, coupling_constant, layer: int = 0) -> Params:
    """Copy of `params` with the electron-phonon coupling G (W m^-3 K^-1) of one layer replaced."""
    layers = list(params.layers)
    layers[layer] = dataclasses.replace(layers[layer], coupling_constant=coupling_constant)
    return dataclasses.replace(params, layers=tuple(layers))
