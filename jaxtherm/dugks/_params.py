"""Parameters (pytree, SI floats) and configuration (static) of the DUGKS solver.

* `Params` - what is fitted, swept and differentiated: the layers (material +
  thickness; the material's float coefficients are leaves, e.g. the coupling
  constant G), the laser source (incl. the thermalisation delay t_h), the
  initial/reference temperature, the wall temperatures and the grating amplitude.
* `Config` - frozen and hashable: cells per layer and their grading, ordinates,
  CFL number, limiter, boundary kind per wall and per carrier, initial condition.
  Changing it recompiles; changing `Params` never does. The output times are the
  `times` argument of `simulate`.

Carriers are stacked along the first axis in the order `CARRIERS = ("electron",
"phonon")`; walls in the order `("left", "right")` (x = 0 is the left/front
surface, x = sum(thicknesses) the right/rear one).
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import numpy as np

from .._layers import (
    CARRIERS,
    WALLS,
    Layer,
    check_wall_temperatures,
    normalise_boundaries,
    normalise_cell_layout,
    relative_widths,
)
from .._layers import validate_batch as _validate_batch
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
from ..materials import Metal, NonMetal, validate_material
from ._interface import ELECTRON_REFLECTIONS, validate_interfaces
from ._quadrature import QUADRATURES, validate_ordinates

__all__ = [
    "BOUNDARY_KINDS",
    "CARRIERS",
    "INITIAL_CONDITIONS",
    "LIMITERS",
    "WALLS",
    "Config",
    "Layer",
    "Params",
    "TimeStepping",
    "resolve_time_step",
    "time_stepping",
    "validate",
]

#: ``"isothermal"``: thermalising wall emitting the equilibrium at the wall temperature
#: (DUGKS eq. 61); ``"specular"``: mirror reflection (eq. 62), zero net flux;
#: ``"periodic"``: wrap around (both walls, both carriers).
BOUNDARY_KINDS = ("isothermal", "specular", "periodic")
#: ``"upwind"``: zero slope (first-order upwind, the paper's choice for the ballistic
#: regime); ``"vanleer"``: van Leer limited slopes (diffusive regime).
LIMITERS = ("upwind", "vanleer")
#: ``"uniform"``: Te = Tp = initial_temperature; ``"grating"``: DUGKS eq. 51-52,
#: Te = T0 + dT sin(2 pi x / L), Tp = T0; ``"linear"``: both carriers linear between the
#: left and right wall temperatures of each carrier (start of a steady-state run).
INITIAL_CONDITIONS = ("uniform", "grating", "linear")
#: Largest plausible layer thickness (m): catches nanometres passed as metres.
_MAX_THICKNESS = 1e-2


@pytree_dataclass
class Params:
    """Everything the DUGKS differentiates through (SI floats; pytree leaves).

    **Fields:**

    - `layers`: tuple of `Layer(material, thickness)` from x = 0: a
      `jaxtherm.materials.Metal` (electrons and phonons) or `NonMetal` (phonons only:
      a dielectric substrate or spacer) and its thickness (m, differentiable).
    - `source`: a heat source from `jaxtherm.sources` (e.g. `PulseSource`, eq. 48/50),
      or any pytree with `power_density(x, t)` (W/m^3); cells receive its exact
      `cell_average` when it has one. None: no source.
    - `initial_temperature`: T0 (K); also the reference temperature of the energies.
    - `wall_temperatures`: wall temperatures (K) used by isothermal walls: a scalar,
      (2 walls,) or (2 walls, 2 carriers) array, order `WALLS` x `CARRIERS`.
    - `grating_amplitude`: dT (K) of the grating initial condition (eq. 51).
    - `interfaces`: tuple of `dugks.Interface`, one per pair of consecutive layers
      (transmissions, differentiable), or empty: diffuse mismatch everywhere.
    """

    layers: tuple
    source: Any = None
    initial_temperature: Any = 300.0
    wall_temperatures: Any = 300.0
    grating_amplitude: Any = 0.0
    interfaces: tuple = ()

    def validate_batch(self) -> None:
        """Validate a concrete batch (leading axis on the leaves) on the host.

        Raises `ValueError`/`TypeError` naming the batch member index and the field.
        """
        _validate_batch(self, _validate_member)


@dataclasses.dataclass(frozen=True)
class Config:
    """Static configuration of a DUGKS run (hashable; changing it recompiles; validated on creation).

    **Fields:**

    - `cells_per_layer`: uniform cell counts per layer (>= 2 each); an int for one layer.
    - `cell_growth`: per layer, ratio of consecutive cell widths going away from x = 0
      (1 = uniform); None: uniform.
    - `n_ordinates`: number of directions mu (even, >= 2; the paper uses 40).
    - `quadrature`: ``"gauss-legendre"`` or ``"double-gauss"``.
    - `cfl`: Courant number, 0 < CFL < 1; dt <= CFL dx_min / v_max.
    - `limiter`: ``"upwind"`` or ``"vanleer"``.
    - `boundaries`: ((left electron, left phonon), (right electron, right phonon)) kinds
      from `BOUNDARY_KINDS`; a single kind or a (left, right) pair is expanded.
    - `max_speed`: v_max (m/s) that sets dt; None = from the materials (concrete).
    - `max_time_step`: largest step (s); None = CFL dx_min / v_max from concrete
      params. It must be given when the thicknesses (or the speeds, without
      `max_speed`) are traced, e.g. under `jax.jacfwd` in a thickness.
    - `initial_condition`: one of `INITIAL_CONDITIONS`.
    - `with_source`: whether `params.source` heats the film (its metal layers).
    - `electron_reflection`: how a metal's electrons are reflected at an interface with a
      phonon-only layer: ``"specular"`` or ``"diffuse"`` (`ELECTRON_REFLECTIONS`).
    - `progress`: draw a progress bar on stderr (terminal only) while the scan runs;
      reported once per output from the compiled loop (`jaxtherm.progress`).
    """

    cells_per_layer: tuple = (40,)
    cell_growth: tuple | None = None
    n_ordinates: int = 40
    quadrature: str = "gauss-legendre"
    cfl: float = 0.4
    limiter: str = "vanleer"
    boundaries: tuple = (("specular", "specular"), ("specular", "specular"))
    max_speed: float | None = None
    max_time_step: float | None = None
    initial_condition: str = "uniform"
    with_source: bool = True
    progress: bool = False
    electron_reflection: str = "specular"

    def __post_init__(self):
        normalise_cell_layout(self)
        object.__setattr__(self, "boundaries", normalise_boundaries(self.boundaries, BOUNDARY_KINDS))
        _validate_config(self)

    @property
    def n_layers(self) -> int:
        return len(self.cells_per_layer)

    @property
    def n_cells(self) -> int:
        return int(sum(self.cells_per_layer))

    @property
    def periodic(self) -> bool:
        return self.boundaries[0][0] == "periodic"

    def layer_of_cell(self) -> np.ndarray:
        """Layer index of each cell (int array, n_cells)."""
        return np.repeat(np.arange(self.n_layers), self.cells_per_layer)

    def interface_faces(self) -> np.ndarray:
        """Face indices (0..n_cells) that lie on a layer interface."""
        return np.cumsum(self.cells_per_layer)[:-1].astype(np.int64)

    def relative_widths(self) -> list:
        """Per layer, the cell widths as fractions of the layer thickness (numpy arrays)."""
        growth = self.cell_growth or (1.0,) * self.n_layers
        return [relative_widths(n, g) for n, g in zip(self.cells_per_layer, growth)]


def _validate_config(config: Config) -> None:
    """Check a `Config`; raises ValueError/TypeError naming the field."""
    if len(config.cells_per_layer) < 1:
        raise ValueError("cells_per_layer must contain at least one layer")
    for i, cells in enumerate(config.cells_per_layer):
        check_integer(f"cells_per_layer[{i}]", cells, minimum=2)
    if config.cell_growth is not None:
        if len(config.cell_growth) != len(config.cells_per_layer):
            raise ValueError(
                f"cell_growth has {len(config.cell_growth)} entries but cells_per_layer has "
                f"{len(config.cells_per_layer)}; give one ratio per layer"
            )
        for i, g in enumerate(config.cell_growth):
            check_positive(f"cell_growth[{i}]", g, "dimensionless")
    validate_ordinates(config.n_ordinates, config.quadrature)
    check_choice("quadrature", config.quadrature, QUADRATURES)
    check_open_interval("cfl", config.cfl, 0.0, 1.0)
    check_choice("limiter", config.limiter, LIMITERS)
    check_choice("initial_condition", config.initial_condition, INITIAL_CONDITIONS)
    check_choice("electron_reflection", config.electron_reflection, ELECTRON_REFLECTIONS)
    if config.periodic and config.n_layers > 1:
        raise ValueError("periodic boundaries are only supported for a single layer")
    if config.max_speed is not None:
        check_positive("max_speed", config.max_speed, "m/s")
    if config.max_time_step is not None:
        check_positive("max_time_step", config.max_time_step, "s")


def _validate_member(params: Params) -> None:
    """Config-independent checks of one (unbatched) `Params`."""
    layers = params.layers
    if not isinstance(layers, tuple):
        raise TypeError(f"params.layers must be a tuple of dugks.Layer, got {type(layers).__name__}")
    for i, layer in enumerate(layers):
        if not isinstance(layer, Layer):
            raise TypeError(
                f"params.layers[{i}] must be a jaxtherm.dugks.Layer(material, thickness), got {type(layer).__name__}"
            )
        if not isinstance(layer.material, (Metal, NonMetal)):
            raise TypeError(
                f"params.layers[{i}].material must be a materials.Metal (electrons and phonons) or "
                f"materials.NonMetal (phonons only), got {type(layer.material).__name__}"
            )
        validate_material(layer.material, f"params.layers[{i}].material")
        check_length(f"layers[{i}].thickness", layer.thickness, _MAX_THICKNESS)
    check_positive("initial_temperature", params.initial_temperature, "K")
    check_wall_temperatures(params.wall_temperatures)
    check_finite("grating_amplitude", params.grating_amplitude, "K")
    validate_interfaces(params)
    source = params.source
    if source is not None:
        if not hasattr(source, "power_density"):
            raise TypeError("params.source must provide power_density(position_m, time_s) -> W/m^3")
        if hasattr(source, "validate") and is_concrete(source):
            source.validate()


def validate(params: Params, config: Config) -> None:
    """Validate a (params, config) pair at the public entry (concrete values only)."""
    if not isinstance(config, Config):
        raise TypeError(f"config must be a jaxtherm.dugks.Config, got {type(config).__name__}")
    if not isinstance(params, Params):
        raise TypeError(f"params must be a jaxtherm.dugks.Params, got {type(params).__name__}")
    if isinstance(params.layers, tuple) and len(params.layers) != config.n_layers:
        raise ValueError(
            f"params.layers has {len(params.layers)} layers but config.cells_per_layer has {config.n_layers} entries"
        )
    _validate_member(params)


@dataclasses.dataclass(frozen=True)
class TimeStepping:
    """How `simulate` steps between its output times (static, host side).

    **Fields:** `steps_per_output`: DUGKS steps between consecutive outputs;
    `time_step`: dt (s) = output spacing / steps_per_output.
    """

    steps_per_output: int
    time_step: float


def _concrete_float(value):
    return float(np.max(np.asarray(value, dtype=float))) if is_concrete(value) else None


def _cfl_step(params: Params, config: Config):
    """CFL dx_min / v_max (s) from concrete thicknesses and speeds (or `max_speed`); None if traced."""
    speeds = [
        _concrete_float(getattr(layer.material, name))
        for layer in params.layers
        for name in ("electron_speed", "phonon_speed")
        if hasattr(layer.material, name)
    ]
    v_max = config.max_speed
    if None not in speeds:
        material_speed = max(speeds)
        if v_max is not None and v_max < material_speed * (1.0 - 1e-12):
            raise ValueError(
                f"config.max_speed = {v_max:g} m/s is below the largest carrier speed "
                f"{material_speed:g} m/s: the time step would violate the CFL condition"
            )
        v_max = material_speed if v_max is None else v_max
    thicknesses = [_concrete_float(layer.thickness) for layer in params.layers]
    cfl_step = None
    if v_max is not None and None not in thicknesses:
        dx_min = min(float(np.min(t * w)) for t, w in zip(thicknesses, config.relative_widths()))
        cfl_step = config.cfl * dx_min / v_max
    return cfl_step


def resolve_time_step(params: Params, config: Config) -> Config:
    """`config` with `max_time_step` set to CFL dx_min / v_max (s) from concrete `params`.

    Use it before wrapping `simulate` in `jit`/`vmap`/`jacfwd` over thicknesses or speeds.
    """
    validate(params, config)
    cfl_step = _cfl_step(params, config)
    if cfl_step is None:
        raise ValueError("resolve_time_step needs concrete layer thicknesses (m) and carrier speeds (m/s)")
    step = cfl_step if config.max_time_step is None else min(cfl_step, config.max_time_step)
    return dataclasses.replace(config, max_time_step=step)


def time_stepping(params: Params, config: Config, times) -> TimeStepping:
    """The static step plan for output `times` (s): dt <= CFL dx_min / v_max, outputs on steps.

    **Arguments:** `params`, `config`; `times`: equally spaced output times (s), >= 2.

    **Returns:** `TimeStepping`. Raises ValueError naming `times`, `max_speed` or
    `max_time_step` (with units) when the plan cannot be made or breaks CFL < 1.
    """
    if not is_concrete(times):
        raise ValueError("times (s) must be concrete (a numpy array), not traced: the number of DUGKS steps is static")
    times = np.asarray(times, dtype=float)
    check_finite("times", times, "s")
    if times.ndim != 1 or times.size < 2:
        raise ValueError(f"times must be a 1-D array of at least 2 output times (s), got shape {times.shape}")
    spacing = np.diff(times)
    if np.any(spacing <= 0):
        raise ValueError("times must be strictly increasing (s)")
    if np.max(np.abs(spacing - spacing[0])) > 1e-9 * spacing[0]:
        raise ValueError(
            "times must be equally spaced (s), e.g. numpy.linspace(t_start, t_end, n + 1); the DUGKS steps with one dt"
        )
    cfl_step = _cfl_step(params, config)
    step_limit = config.max_time_step if config.max_time_step is not None else cfl_step
    if step_limit is None:
        raise ValueError(
            "config.max_time_step (s) must be set when the thicknesses or carrier speeds are traced "
            "(jit/vmap/grad over them), or config.max_speed (m/s) when only the speeds are; e.g. "
            "Config(..., max_time_step=1e-16)"
        )
    if cfl_step is not None and config.max_time_step is not None:
        courant = config.max_time_step * config.cfl / cfl_step
        if courant >= 1.0:
            raise ValueError(
                f"config.max_time_step = {config.max_time_step:g} s gives a Courant number "
                f"dt v_max / dx_min = {courant:.3g} >= 1 (cfl must stay below 1); largest stable "
                f"step {cfl_step / config.cfl:.3e} s"
            )
    steps = max(1, int(math.ceil(spacing[0] / step_limit - 1e-9)))
    return TimeStepping(steps_per_output=steps, time_step=float(spacing[0] / steps))
