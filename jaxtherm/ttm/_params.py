"""Parameters (pytrees) and configuration (static) of the two-temperature model.

* `Interface`, `Params` (with `jaxtherm.ttm.Layer`s): float leaves in SI units - what
  you fit, sweep and differentiate (G, thicknesses, interface conductances, source
  fields, wall temperatures...).
* `Config`: frozen and hashable - cell counts, grid grading, scheme variant,
  boundary kinds per wall and carrier. Changing it recompiles; changing `Params` never does.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import numpy as np

from .._layers import (
    Layer,
    check_wall_temperatures,
    normalise_boundaries,
    normalise_cell_layout,
    validate_batch,
)
from .._pytree import pytree_dataclass
from .._validation import (
    check_choice,
    check_finite,
    check_integer,
    check_length,
    check_nonnegative,
    check_positive,
    is_concrete,
)
from ..materials import Metal, validate_material

__all__ = [
    "BOUNDARY_KINDS",
    "COEFFICIENT_SCHEMES",
    "SOURCE_SAMPLINGS",
    "TEMPERATURE_UPDATES",
    "TRIDIAGONAL_SOLVERS",
    "VARIANTS",
    "Config",
    "Interface",
    "Layer",
    "Params",
    "single_layer",
    "validate_params",
]

#: ``"A"``: DUGKS eq. 57-58 (Crank-Nicolson diffusion, explicit coupling, two
#: tridiagonal solves); ``"B"``: eq. 59-60 (coupling semi-implicit too, one coupled
#: 2x2-block tridiagonal solve).
VARIANTS = ("A", "B")
#: Wall conditions per carrier.
BOUNDARY_KINDS = ("insulated", "fixed", "periodic")
#: ``"lagged"``: Ce, kappa, G at step m (the paper); ``"midpoint"``: predictor-corrector,
#: coefficients at (T^m + T*^{m+1})/2 (second order for temperature-dependent properties).
COEFFICIENT_SCHEMES = ("lagged", "midpoint")
#: ``"energy"``: E^{m+1} = E^m + C dT, T = T(E) exactly - conserves energy to round-off;
#: ``"temperature"``: T^{m+1} = T^m + dT as printed in eq. 57-60.
TEMPERATURE_UPDATES = ("energy", "temperature")
#: Variant-A tridiagonal solver: ``"lapack"`` (`lax.linalg.tridiagonal_solve`, fastest for
#: single solves on a CPU) or ``"thomas"`` (a `lax.scan` sweep, fastest under a large `vmap`).
TRIDIAGONAL_SOLVERS = ("lapack", "thomas")
#: ``"cell_average"``: exact cell averages of the source (energy-exact on coarse cells);
#: ``"centre"``: point values at the cell centres.
SOURCE_SAMPLINGS = ("cell_average", "centre")


@pytree_dataclass
class Interface:
    """Thermal contact between two consecutive layers.

    **Fields:**

    - `electron_conductance`: h_ee (W m^-2 K^-1) between the electrons of two
      metals (``inf``: perfect contact). Ignored when a side has no electrons.
    - `phonon_conductance`: h_pp (W m^-2 K^-1) between the phonons (``inf``: perfect).
    - `electron_phonon_conductance`: h_ep (W m^-2 K^-1) between the electrons of the
      metal side and the phonons of a non-metal side (the direct channel R_ei of the
      ITR paper, section 4.3); 0 by default, must be finite.
    """

    electron_conductance: Any = math.inf
    phonon_conductance: Any = math.inf
    electron_phonon_conductance: Any = 0.0


@pytree_dataclass
class Params:
    """Everything of a TTM problem that is a number (pytree of SI floats).

    **Fields:**

    - `layers`: tuple of `Layer`, from the heated surface (x = 0) down.
    - `interfaces`: tuple of `Interface`, one per pair of consecutive layers
      (defaults to perfect contact when empty).
    - `source`: heat source with `cell_average(faces, t)` (W/m^3), e.g.
      `jaxtherm.sources.PulseSource`, or None. It heats electrons of metal layers only.
    - `initial_temperature`: uniform initial Te = Tp (K), used when
      `initial_condition` is None.
    - `initial_condition`: None, a `jaxtherm.sources.GratingInitialCondition`, or a
      pair `(Te0, Tp0)` of per-cell arrays (K).
    - `wall_temperatures`: wall temperatures (K) used by ``"fixed"`` boundaries, a
      scalar, (2 walls,) or (2 walls, 2 carriers) array, order (left, right) x
      (electron, phonon).
    """

    layers: tuple
    interfaces: tuple = ()
    source: Any = None
    initial_temperature: Any = 300.0
    initial_condition: Any = None
    wall_temperatures: Any = 300.0

    def validate_batch(self) -> None:
        """Validate a concrete batch (leading axis on the leaves) on the host.

        Raises `ValueError`/`TypeError` naming the batch member index and the field.
        """
        validate_batch(self, _validate_member)


def single_layer(material, thickness, source=None, initial_temperature=300.0, **kwargs) -> Params:
    """Convenience: `Params` for one layer of `material` (thickness in m)."""
    return Params(
        layers=(Layer(material, thickness),), source=source, initial_temperature=initial_temperature, **kwargs
    )


@dataclasses.dataclass(frozen=True)
class Config:
    """Static configuration of the TTM discretisation (hashable).

    **Fields:**

    - `cells_per_layer`: number of cells in each layer (each >= 3 for a single layer,
      >= 1 per layer in a stack with >= 3 cells in total).
    - `cell_growth`: per layer, ratio of consecutive cell widths going away from the
      heated surface (1 = uniform; 1.05 = 5 % wider each cell). None: uniform.
    - `variant`: ``"A"`` or ``"B"`` (see `VARIANTS`).
    - `boundaries`: ((left electron, left phonon), (right electron, right phonon)) kinds
      from `BOUNDARY_KINDS`; a single kind or a (left, right) pair is expanded.
      ``"periodic"`` must be used on both walls for both carriers.
    - `coefficients`: ``"lagged"`` or ``"midpoint"`` (`COEFFICIENT_SCHEMES`).
    - `temperature_update`: ``"energy"`` or ``"temperature"`` (`TEMPERATURE_UPDATES`).
    - `source_sampling`: ``"cell_average"`` or ``"centre"`` (`SOURCE_SAMPLINGS`).
    - `tridiagonal_solver`: ``"lapack"`` or ``"thomas"`` (`TRIDIAGONAL_SOLVERS`, variant A).
    - `check_stability`: refuse time steps beyond the limits of `max_stable_step` (variant-A
      coupling dt G (1/Ce + 1/Cp) < 2, first step next to a fixed-wall temperature jump) and
      runs that end with non-positive or non-finite temperatures (set False to
      demonstrate a blow-up).
    - `progress`: draw a progress bar on stderr (terminal only) while the scan runs,
      reported from the compiled loop about every 1 % of the steps (`jaxtherm.progress`).
    """

    cells_per_layer: tuple
    cell_growth: tuple | None = None
    variant: str = "B"
    boundaries: tuple = (("insulated", "insulated"), ("insulated", "insulated"))
    coefficients: str = "lagged"
    temperature_update: str = "energy"
    source_sampling: str = "cell_average"
    tridiagonal_solver: str = "lapack"
    check_stability: bool = True
    progress: bool = False

    def __post_init__(self):
        normalise_cell_layout(self)
        object.__setattr__(self, "boundaries", normalise_boundaries(self.boundaries, BOUNDARY_KINDS))
        self.validate()

    @property
    def n_cells(self) -> int:
        """Total number of cells."""
        return int(sum(self.cells_per_layer))

    @property
    def periodic(self) -> bool:
        """True for a periodic domain."""
        return self.boundaries[0][0] == "periodic"

    def validate(self) -> Config:
        """Check the configuration; raises ValueError/TypeError naming the field."""
        for i, n in enumerate(self.cells_per_layer):
            check_integer(f"cells_per_layer[{i}]", n, minimum=1)
        if self.n_cells < 3:
            raise ValueError(f"cells_per_layer must give at least 3 cells in total, got {self.cells_per_layer}")
        if len(self.cells_per_layer) == 1 and self.cells_per_layer[0] < 3:
            raise ValueError(f"cells_per_layer[0] must be >= 3, got {self.cells_per_layer[0]}")
        if self.cell_growth is not None:
            if len(self.cell_growth) != len(self.cells_per_layer):
                raise ValueError(
                    f"cell_growth has {len(self.cell_growth)} entries but there are {len(self.cells_per_layer)} layers"
                )
            for i, g in enumerate(self.cell_growth):
                check_positive(f"cell_growth[{i}]", g, "dimensionless")
        check_choice("variant", self.variant, VARIANTS)
        check_choice("coefficients", self.coefficients, COEFFICIENT_SCHEMES)
        check_choice("temperature_update", self.temperature_update, TEMPERATURE_UPDATES)
        check_choice("source_sampling", self.source_sampling, SOURCE_SAMPLINGS)
        check_choice("tridiagonal_solver", self.tridiagonal_solver, TRIDIAGONAL_SOLVERS)
        return self


def validate_params(params: Params, config: Config) -> Params:
    """Check `params` against `config` on concrete values (skipped for tracers)."""
    if not isinstance(params, Params):
        raise TypeError(f"params must be jaxtherm.ttm.Params, got {type(params).__name__}")
    layers = tuple(params.layers)
    if len(layers) != len(config.cells_per_layer):
        raise ValueError(
            f"params has {len(layers)} layers but config.cells_per_layer has {len(config.cells_per_layer)} entries"
        )
    if len(params.interfaces) not in (0, len(layers) - 1):
        raise ValueError(
            f"params.interfaces must be empty or have {len(layers) - 1} entries, got {len(params.interfaces)}"
        )
    if not any(isinstance(layer.material, Metal) for layer in layers):
        raise ValueError("the stack needs at least one Metal layer (electrons)")
    for i, layer in enumerate(layers):
        if not isinstance(layer, Layer):
            raise TypeError(f"params.layers[{i}] must be a jaxtherm.ttm.Layer, got {type(layer).__name__}")
        validate_material(layer.material, f"layers[{i}].material")
        check_length(f"layers[{i}].thickness", layer.thickness, 1e-1)
    for i, interface in enumerate(params.interfaces):
        check_positive(
            f"interfaces[{i}].electron_conductance", interface.electron_conductance, "W m^-2 K^-1", allow_inf=True
        )
        check_positive(
            f"interfaces[{i}].phonon_conductance", interface.phonon_conductance, "W m^-2 K^-1", allow_inf=True
        )
        check_nonnegative(
            f"interfaces[{i}].electron_phonon_conductance", interface.electron_phonon_conductance, "W m^-2 K^-1"
        )
    check_positive("initial_temperature", params.initial_temperature, "K")
    if params.initial_condition is not None and isinstance(params.initial_condition, tuple):
        te0, tp0 = params.initial_condition
        for name, arr in (("initial_condition[0] (Te0)", te0), ("initial_condition[1] (Tp0)", tp0)):
            check_positive(name, arr, "K")
            if is_concrete(arr) and np.shape(arr) != (config.n_cells,):
                raise ValueError(f"{name} must have shape ({config.n_cells},), got {np.shape(arr)}")
    check_wall_temperatures(params.wall_temperatures)
    if params.source is not None:
        validate = getattr(params.source, "validate", None)
        if validate is not None and is_concrete(params.source):
            validate()
        if not hasattr(params.source, "cell_average"):
            raise TypeError(
                "params.source must have a cell_average(faces, t) method (W/m^3), e.g. "
                "jaxtherm.sources.PulseSource or CallableSource"
            )
    check_finite("initial_temperature", params.initial_temperature, "K")
    return params


def _validate_member(params: Params) -> None:
    """Config-independent checks of one batch member."""
    for i, layer in enumerate(params.layers):
        validate_material(layer.material, f"layers[{i}].material")
        check_length(f"layers[{i}].thickness", layer.thickness, 1e-1)
    check_positive("initial_temperature", params.initial_temperature, "K")
    check_finite("initial_temperature", params.initial_temperature, "K")
    check_wall_temperatures(params.wall_temperatures)
    if params.source is not None and hasattr(params.source, "validate"):
        params.source.validate()
