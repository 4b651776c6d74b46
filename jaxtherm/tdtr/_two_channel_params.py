"""Two-channel (electron-phonon) layers and channel-resolved interfaces of a TDTR stack.

A `TwoChannelLayer` is a metal whose electrons and lattice carry heat in parallel and
exchange it through the coupling constant G; a `ChannelInterface` says which channels
cross an interface and how well. Both are pytrees of SI floats (fit, differentiate, vmap).
`two_channel_arrays` turns a list of layers (`TwoChannelLayer` or any one-temperature layer
with `thickness`, `heat_capacity`, `conductivity`, `effective_conductivity_inplane`) and
interfaces (`ChannelInterface`, or a plain phonon resistance in m^2 K W^-1) into the typed
`TwoChannelArrays` of the per-wavenumber response.
"""

from __future__ import annotations

import math

import jax
import jax.numpy as jnp
import numpy as np

from .._pytree import pytree_dataclass
from .._validation import (
    as_concrete_array,
    check_finite,
    check_length,
    check_nonnegative,
    check_positive,
)
from ._two_channel import TwoChannelArrays

__all__ = [
    "TwoChannelLayer",
    "ChannelInterface",
    "two_channel_arrays",
    "is_two_channel_stack",
    "validate_two_channel_layer",
    "validate_channel_interface",
]


@pytree_dataclass
class TwoChannelLayer:
    """A metal layer with separate electron and phonon temperatures.

    **Arguments:**

    - `thickness`: layer thickness (m); `inf` for a semi-infinite last layer.
    - `electron_heat_capacity`: Ce (J m^-3 K^-1), constant (linear response).
    - `phonon_heat_capacity`: Cp (J m^-3 K^-1).
    - `electron_conductivity`: cross-plane kappa_e (W m^-1 K^-1).
    - `phonon_conductivity`: cross-plane kappa_p (W m^-1 K^-1).
    - `coupling_constant`: electron-phonon coupling G (W m^-3 K^-1).
    - `electron_conductivity_inplane`, `phonon_conductivity_inplane`: in-plane conductivities
      (W m^-1 K^-1); `None` means isotropic.
    - `electron_heating_fraction`: share of the pump power absorbed at a plane of this layer
      that heats the electrons (dimensionless, 0..1; 1 = all into electrons, the usual case).
    - `electron_probe_weight`, `phonon_probe_weight`: a and b of the thermoreflectance
      signal a Te + b Tp read at a plane of this layer (dimensionless; default 0 and 1, the
      lattice temperature).
    """

    thickness: jax.Array | float
    electron_heat_capacity: jax.Array | float
    phonon_heat_capacity: jax.Array | float
    electron_conductivity: jax.Array | float
    phonon_conductivity: jax.Array | float
    coupling_constant: jax.Array | float
    electron_conductivity_inplane: jax.Array | float | None = None
    phonon_conductivity_inplane: jax.Array | float | None = None
    electron_heating_fraction: jax.Array | float = 1.0
    electron_probe_weight: jax.Array | float = 0.0
    phonon_probe_weight: jax.Array | float = 1.0

    @classmethod
    def from_material(cls, material, thickness, temperature=300.0, **fields) -> TwoChannelLayer:
        """A layer of a `jaxtherm.materials.Metal` with its properties at `temperature`.

        **Arguments:**

        - `material`: a `jaxtherm.materials.Metal` (e.g. `jt.materials.TUNGSTEN`).
        - `thickness`: layer thickness (m).
        - `temperature`: Te = Tp (K) at which Ce, kappa_e, kappa_p, G are evaluated
          (linear response about it).
        - `**fields`: any other field of `TwoChannelLayer` (e.g. `electron_probe_weight`).
        """
        if not getattr(material, "has_electrons", False) or not hasattr(material, "coupling_constant"):
            raise TypeError(f"material must be a jaxtherm.materials.Metal, got {type(material).__name__}")
        t = jnp.asarray(temperature, dtype=float)
        return cls(
            thickness=thickness,
            electron_heat_capacity=material.electron_heat_capacity(t),
            phonon_heat_capacity=material.phonon_heat_capacity(t),
            electron_conductivity=material.electron_conductivity(t, t),
            phonon_conductivity=material.phonon_conductivity(t, t),
            coupling_constant=material.coupling(t, t),
            **fields,
        )

    # One-temperature view (used by code that needs a single C and kappa, e.g. grading scales).
    @property
    def heat_capacity(self):
        """Total heat capacity Ce + Cp (J m^-3 K^-1)."""
        return self.electron_heat_capacity + self.phonon_heat_capacity

    @property
    def conductivity(self):
        """Total cross-plane conductivity kappa_e + kappa_p (W m^-1 K^-1)."""
        return self.electron_conductivity + self.phonon_conductivity

    @property
    def effective_electron_conductivity_inplane(self):
        """In-plane kappa_e (W m^-1 K^-1), equal to the cross-plane one when isotropic."""
        return (
            self.electron_conductivity
            if self.electron_conductivity_inplane is None
            else self.electron_conductivity_inplane
        )

    @property
    def effective_phonon_conductivity_inplane(self):
        """In-plane kappa_p (W m^-1 K^-1), equal to the cross-plane one when isotropic."""
        return (
            self.phonon_conductivity if self.phonon_conductivity_inplane is None else self.phonon_conductivity_inplane
        )

    @property
    def effective_conductivity_inplane(self):
        """Total in-plane conductivity (W m^-1 K^-1)."""
        return self.effective_electron_conductivity_inplane + self.effective_phonon_conductivity_inplane


@pytree_dataclass
class ChannelInterface:
    """Channel-resolved thermal contact between two consecutive layers (W m^-2 K^-1).

    **Arguments:**

    - `phonon_conductance`: h_pp between the phonons (or the single temperature of a
      one-temperature layer) of both sides (W m^-2 K^-1); `inf` = perfect contact.
    - `electron_conductance`: h_ee between the electrons of two two-channel layers
      (W m^-2 K^-1); 0 (default) = no electron transport across; `inf` = perfect.
    - `electron_phonon_conductance`: h_ep between the electrons of the upper layer and the
      phonons (single temperature) of the lower one (W m^-2 K^-1); the direct channel
      1/R_ei of the ITR paper's thermal circuit for a metal above a dielectric.
    - `phonon_electron_conductance`: h_pe between the phonons (single temperature) of the
      upper layer and the electrons of the lower one (W m^-2 K^-1); 1/R_ei for a metal below
      a dielectric.

    Conductances that would reach the electrons of a one-temperature layer are ignored.
    A plain float in `Stack.resistances` is a phonon-only interface of resistance R
    (h_pp = 1/R, electrons blocked), the one-channel special case.
    """

    phonon_conductance: jax.Array | float
    electron_conductance: jax.Array | float = 0.0
    electron_phonon_conductance: jax.Array | float = 0.0
    phonon_electron_conductance: jax.Array | float = 0.0

    @classmethod
    def from_resistances(
        cls, phonon_resistance, electron_interface_resistance=math.inf, metal_above=True
    ) -> ChannelInterface:
        """Metal/nonmetal interface from the ITR paper's circuit resistances (m^2 K W^-1).

        **Arguments:**

        - `phonon_resistance`: R_pp (m^2 K W^-1), 0 = perfect phonon contact.
        - `electron_interface_resistance`: R_ei (m^2 K W^-1) of the metal electrons to the
          nonmetal phonons; `inf` (default) = no direct path.
        - `metal_above`: True when the metal is the upper layer of the pair.
        """
        h_pp = jnp.where(
            jnp.asarray(phonon_resistance) == 0, jnp.inf, 1.0 / jnp.asarray(phonon_resistance, dtype=float)
        )
        h_ei = 1.0 / jnp.asarray(electron_interface_resistance, dtype=float)
        if metal_above:
            return cls(phonon_conductance=h_pp, electron_phonon_conductance=h_ei)
        return cls(phonon_conductance=h_pp, phonon_electron_conductance=h_ei)


def _is_two_channel(layer) -> bool:
    return isinstance(layer, TwoChannelLayer)


def is_two_channel_stack(layers, interfaces) -> bool:
    """True when a stack needs the two-channel response (a two-channel layer or interface)."""
    return any(_is_two_channel(layer) for layer in layers) or any(isinstance(i, ChannelInterface) for i in interfaces)


def _as_float(x):
    return jnp.asarray(x, dtype=float)


def _layer_fields(layer) -> dict:
    """Per-layer leaves of `TwoChannelArrays` (a one-temperature layer fills the phonon slot)."""
    if _is_two_channel(layer):
        return dict(
            thickness=_as_float(layer.thickness),
            electron_heat_capacity=_as_float(layer.electron_heat_capacity),
            phonon_heat_capacity=_as_float(layer.phonon_heat_capacity),
            electron_conductivity=_as_float(layer.electron_conductivity),
            phonon_conductivity=_as_float(layer.phonon_conductivity),
            electron_conductivity_inplane=_as_float(layer.effective_electron_conductivity_inplane),
            phonon_conductivity_inplane=_as_float(layer.effective_phonon_conductivity_inplane),
            coupling_constant=_as_float(layer.coupling_constant),
            electron_heating_fraction=_as_float(layer.electron_heating_fraction),
            electron_probe_weight=_as_float(layer.electron_probe_weight),
            phonon_probe_weight=_as_float(layer.phonon_probe_weight),
        )
    zero = jnp.zeros_like(_as_float(layer.thickness))
    # the electron slot of a one-temperature layer is never read: zeros keep the totals right
    return dict(
        thickness=_as_float(layer.thickness),
        electron_heat_capacity=zero,
        phonon_heat_capacity=_as_float(layer.heat_capacity),
        electron_conductivity=zero,
        phonon_conductivity=_as_float(layer.conductivity),
        electron_conductivity_inplane=zero,
        phonon_conductivity_inplane=_as_float(layer.effective_conductivity_inplane),
        coupling_constant=zero,
        electron_heating_fraction=zero,
        electron_probe_weight=zero,
        phonon_probe_weight=zero + 1.0,
    )


def _interface_conductances(interface, upper: bool, lower: bool):
    """(h_ee, h_pp, h_ep, h_pe) of one interface (W m^-2 K^-1), the paths into the electrons of a
    one-temperature side set to zero; `upper`/`lower`: whether the sides carry electrons."""
    if isinstance(interface, ChannelInterface):
        h_pp = _as_float(interface.phonon_conductance)
        h_ee = _as_float(interface.electron_conductance)
        h_ep = _as_float(interface.electron_phonon_conductance)
        h_pe = _as_float(interface.phonon_electron_conductance)
    else:
        resistance = _as_float(interface)
        infinite = resistance == 0
        h_pp = jnp.where(infinite, jnp.inf, 1.0 / jnp.where(infinite, 1.0, resistance))
        h_ee = h_ep = h_pe = jnp.zeros_like(resistance)
    # paths into the electrons of a one-temperature layer do not exist
    h_ee = h_ee if (upper and lower) else jnp.zeros_like(h_ee)
    h_ep = h_ep if upper else jnp.zeros_like(h_ep)
    h_pe = h_pe if lower else jnp.zeros_like(h_pe)
    return h_ee, h_pp, h_ep, h_pe


def two_channel_arrays(layers, interfaces) -> TwoChannelArrays:
    """Stacked `TwoChannelArrays` of a stack (leading batch axes of the leaves are kept).

    **Arguments:**

    - `layers`: sequence of `TwoChannelLayer` or one-temperature layers (with `thickness` (m),
      `heat_capacity` (J m^-3 K^-1), `conductivity` and `effective_conductivity_inplane`
      (W m^-1 K^-1)), top first.
    - `interfaces`: `len(layers) - 1` entries, each a `ChannelInterface` or a plain phonon
      resistance (m^2 K W^-1, 0 = perfect contact).

    **Returns:** `TwoChannelArrays`.
    """
    has_electrons = tuple(_is_two_channel(layer) for layer in layers)

    per_layer = [_layer_fields(layer) for layer in layers]
    stacked = {
        key: jnp.stack(
            [
                jnp.broadcast_to(p[key], jnp.broadcast_shapes(*[jnp.shape(q[key]) for q in per_layer]))
                for p in per_layer
            ],
            axis=-1,
        )
        for key in per_layer[0]
    }

    batch_shape = stacked["thickness"].shape[:-1]
    conductances = {
        "electron_conductance": [],
        "phonon_conductance": [],
        "electron_phonon_conductance": [],
        "phonon_electron_conductance": [],
    }
    for j, interface in enumerate(interfaces):
        upper, lower = has_electrons[j], has_electrons[j + 1]
        for key, value in zip(conductances, _interface_conductances(interface, upper, lower)):
            conductances[key].append(value)
    for key, values in conductances.items():
        if values:
            shape = jnp.broadcast_shapes(batch_shape, *[jnp.shape(v) for v in values])
            stacked[key] = jnp.stack([jnp.broadcast_to(v, shape) for v in values], axis=-1)
        else:
            stacked[key] = jnp.zeros(batch_shape + (0,))
    # A one-temperature `Layer` remembers a concrete inf thickness (static): its exponential is skipped.
    semi_infinite_last = not has_electrons[-1] and bool(getattr(layers[-1], "semi_infinite", False))
    return TwoChannelArrays(**stacked, has_electrons=has_electrons, semi_infinite_last=semi_infinite_last)


# Interface conductances below this (W m^-2 K^-1, i.e. resistances above 1e-4 m^2 K W^-1) are
# almost certainly a resistance passed where a conductance is expected.
_MIN_PLAUSIBLE_CONDUCTANCE = 1.0e4


def validate_two_channel_layer(layer: TwoChannelLayer, index: int, n_layers: int, max_thickness: float) -> None:
    """Check a concrete `TwoChannelLayer` (`layers[index]` of a stack); raise naming field and unit."""
    name = f"layers[{index}]"
    check_length(f"{name}.thickness", layer.thickness, max_thickness, "m", allow_inf=True)
    thickness = as_concrete_array(f"{name}.thickness", layer.thickness, "m")
    if thickness is not None and index < n_layers - 1 and np.any(np.isinf(thickness)):
        raise ValueError(
            f"{name}.thickness is inf (m) but only the last layer may be semi-infinite "
            f"(the stack has {n_layers} layers)"
        )
    check_nonnegative(f"{name}.electron_heat_capacity", layer.electron_heat_capacity, "J m^-3 K^-1")
    check_positive(f"{name}.phonon_heat_capacity", layer.phonon_heat_capacity, "J m^-3 K^-1")
    heat_capacity = as_concrete_array(f"{name}.phonon_heat_capacity", layer.phonon_heat_capacity, "J m^-3 K^-1")
    if heat_capacity is not None and np.any(heat_capacity < 1e3):
        raise ValueError(
            f"{name}.phonon_heat_capacity = {heat_capacity} J m^-3 K^-1 is implausibly small; volumetric "
            f"heat capacities of solids are ~1e6 J m^-3 K^-1 (did you pass J/(kg K)?)"
        )
    for field in ("electron_conductivity", "phonon_conductivity"):
        check_positive(f"{name}.{field}", getattr(layer, field), "W m^-1 K^-1")
    for field in ("electron_conductivity_inplane", "phonon_conductivity_inplane"):
        if getattr(layer, field) is not None:
            check_positive(f"{name}.{field}", getattr(layer, field), "W m^-1 K^-1")
    check_nonnegative(f"{name}.coupling_constant", layer.coupling_constant, "W m^-3 K^-1")
    fraction = as_concrete_array(f"{name}.electron_heating_fraction", layer.electron_heating_fraction, "dimensionless")
    if fraction is not None and (np.any(~np.isfinite(fraction)) or np.any(fraction < 0) or np.any(fraction > 1)):
        raise ValueError(
            f"{name}.electron_heating_fraction = {fraction} must lie in [0, 1] (dimensionless share of "
            f"the absorbed power that heats the electrons)"
        )
    check_finite(f"{name}.electron_probe_weight", layer.electron_probe_weight, "dimensionless")
    check_finite(f"{name}.phonon_probe_weight", layer.phonon_probe_weight, "dimensionless")


def validate_channel_interface(interface: ChannelInterface, index: int) -> None:
    """Check a concrete `ChannelInterface` (`resistances[index]` of a stack)."""
    name = f"resistances[{index}]"
    for field, allow_inf in (
        ("phonon_conductance", True),
        ("electron_conductance", True),
        ("electron_phonon_conductance", False),
        ("phonon_electron_conductance", False),
    ):
        value = getattr(interface, field)
        check_nonnegative(f"{name}.{field}", value, "W m^-2 K^-1", allow_inf=allow_inf)
        array = as_concrete_array(f"{name}.{field}", value, "W m^-2 K^-1")
        if array is not None and np.any((array > 0) & (array < _MIN_PLAUSIBLE_CONDUCTANCE)):
            raise ValueError(
                f"{name}.{field} = {array} W m^-2 K^-1 is implausibly small for an interface "
                f"conductance (~1e8 W m^-2 K^-1); did you pass a resistance? use 1/R, e.g. 1/4.2e-9"
            )
