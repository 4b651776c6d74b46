"""Layered sample description: `Layer` and `Stack` pytrees (the TDTR Params).

Every numeric field is a traced float leaf in SI units, so `jax.grad`,
`jax.jacfwd` and `jax.vmap` work with respect to any thickness, heat capacity,
conductivity or interface resistance, and new values never retrace a jitted
function. A *batch* of stacks is the same `Stack` whose leaves carry a leading
batch axis (build one with `stack_batch([...])` or `Stack.from_arrays(...)`),
which is exactly what `jax.vmap` expects.
"""

from __future__ import annotations

import dataclasses

import jax
import jax.numpy as jnp
import numpy as np

from .._pytree import pytree_dataclass
from .._validation import (
    as_concrete_array,
    check_length,
    check_nonnegative,
    check_positive,
    is_concrete,
)
from ._layer import Layer as Layer
from ._layer import StackArrays as StackArrays
from ._layer import runtime_thickness
from ._two_channel import TwoChannelArrays
from ._two_channel_params import (
    ChannelInterface,
    TwoChannelLayer,
    is_two_channel_stack,
    two_channel_arrays,
    validate_channel_interface,
    validate_two_channel_layer,
)

__all__ = ["Layer", "Stack", "StackArrays", "stack_batch", "validate_stack"]

# A single film or substrate thicker than this (in metres) is almost certainly a
# unit slip (nm or um passed where m is expected); inf marks a semi-infinite layer.
_MAX_PLAUSIBLE_THICKNESS = 0.1


@pytree_dataclass
class Stack:
    """A multilayer sample, top (pump side at `heat_at="front"`) to bottom.

    **Arguments:**

    - `layers`: list of `Layer`, top first. Only the last may be semi-infinite.
    - `resistances`: interface thermal resistances (m^2 K W^-1), one per pair of
      consecutive layers (`len(layers) - 1` of them); `resistances[i]` sits
      between `layers[i]` and `layers[i + 1]`. Use 0 for a perfect contact.

    Planes (where heat is absorbed / temperature is read): plane 0 is the top
    face; plane j >= 1 is the bottom face of `layers[j - 1]`, on the upper side of
    `resistances[j - 1]`.

    Batches: every leaf may carry leading batch axes (see `Stack.from_arrays` and
    `stack_batch`); map over them with `jax.vmap`. `replace_layer` / `replace_resistance`
    give functional, traceable updates for fitting.
    """

    layers: list
    resistances: list | jax.Array

    def __post_init__(self):
        # Tuples become lists so that a Stack built either way has one pytree structure.
        if isinstance(self.layers, tuple):
            object.__setattr__(self, "layers", list(self.layers))
        if isinstance(self.resistances, tuple):
            object.__setattr__(self, "resistances", list(self.resistances))

    # ------------------------------------------------------------------ helpers
    @property
    def n_layers(self) -> int:
        """Number of layers (static)."""
        return len(self.layers)

    def replace_layer(self, index: int, **fields) -> Stack:
        """A new `Stack` with `layers[index]` fields replaced (traceable).

        **Arguments:**

        - `index`: layer index (Python int, top = 0).
        - `**fields`: any of `thickness` (m), `heat_capacity` (J m^-3 K^-1),
          `conductivity`, `conductivity_inplane` (W m^-1 K^-1).

        **Returns:** the new `Stack`; `self` is unchanged.
        """
        _check_index("index", index, self.n_layers, "layers")
        layers = list(self.layers)
        try:
            layers[index] = dataclasses.replace(layers[index], **fields)
        except TypeError as error:
            kind = type(layers[index])
            names = [f.name for f in dataclasses.fields(kind)]
            raise TypeError(f"replace_layer: {error}; a {kind.__name__} has the fields {names}") from None
        return Stack(layers=layers, resistances=self.resistances)

    def replace_resistance(self, index: int, value) -> Stack:
        """A new `Stack` with `resistances[index]` (m^2 K W^-1) replaced (traceable)."""
        _check_index("index", index, self.n_layers - 1, "resistances")
        if isinstance(self.resistances, list):
            res = list(self.resistances)
            res[index] = value
        else:
            res = jnp.asarray(self.resistances).at[..., index].set(value)
        return Stack(layers=list(self.layers), resistances=res)

    def arrays(self) -> StackArrays | TwoChannelArrays:
        """The per-layer properties stacked into arrays (`StackArrays`, named fields).

        Shapes `(..., n_layers)` and `(..., n_layers - 1)`; leading axes are any
        batch axes carried by the leaves. A stack with a `TwoChannelLayer` or a
        `ChannelInterface` gives the channel-resolved `TwoChannelArrays` instead.
        """
        interfaces = self.resistances if isinstance(self.resistances, list) else []
        if is_two_channel_stack(self.layers, interfaces):
            return two_channel_arrays(self.layers, self.resistances)
        thickness = jnp.stack([jnp.asarray(layer.thickness, dtype=float) for layer in self.layers], axis=-1)
        heat_capacity = jnp.stack([jnp.asarray(layer.heat_capacity, dtype=float) for layer in self.layers], axis=-1)
        cond = jnp.stack([jnp.asarray(layer.conductivity, dtype=float) for layer in self.layers], axis=-1)
        cond_r = jnp.stack(
            [jnp.asarray(layer.effective_conductivity_inplane, dtype=float) for layer in self.layers], axis=-1
        )
        if isinstance(self.resistances, list):
            if len(self.resistances):
                res = jnp.stack([jnp.asarray(r, dtype=float) for r in self.resistances], axis=-1)
            else:
                res = jnp.zeros(thickness.shape[:-1] + (0,))
        else:
            res = jnp.asarray(self.resistances, dtype=float)
        return StackArrays(
            thickness=thickness,
            heat_capacity=heat_capacity,
            conductivity=cond,
            conductivity_inplane=cond_r,
            resistances=res,
            semi_infinite_last=self.layers[-1].semi_infinite,
        )

    @classmethod
    def from_arrays(cls, thickness, heat_capacity, conductivity, resistances, conductivity_inplane=None) -> Stack:
        """Build a `Stack` (or a batch of stacks) from stacked arrays.

        **Arguments:**

        - `thickness`: `(..., n_layers)` thicknesses (m), `inf` allowed last.
        - `heat_capacity`: `(..., n_layers)` volumetric heat capacities (J m^-3 K^-1).
        - `conductivity`: `(..., n_layers)` cross-plane conductivities (W m^-1 K^-1).
        - `resistances`: `(..., n_layers - 1)` interface resistances (m^2 K W^-1).
        - `conductivity_inplane`: optional `(..., n_layers)` in-plane conductivities.

        **Returns:** a `Stack` whose leaves have the leading batch axes `...`;
        `jax.vmap(lambda s: signal(s, setup, delays))(stack)` maps over them.
        """
        fields = {
            "thickness": (thickness, "m"),
            "heat_capacity": (heat_capacity, "J m^-3 K^-1"),
            "conductivity": (conductivity, "W m^-1 K^-1"),
        }
        if conductivity_inplane is not None:
            fields["conductivity_inplane"] = (conductivity_inplane, "W m^-1 K^-1")
        arrays = {}
        for name, (value, unit) in fields.items():
            array = as_concrete_array(name, value, unit)
            if array is not None and array.ndim == 0:
                raise ValueError(
                    f"{name} must have a last axis of layers, shape (..., n_layers) in {unit}, got a scalar"
                )
            arrays[name] = jnp.asarray(value, dtype=float)
        thickness = arrays["thickness"]
        n = thickness.shape[-1]
        for name, array in arrays.items():
            if array.shape != thickness.shape:
                raise ValueError(
                    f"{name} has shape {array.shape} but thickness has {thickness.shape}: every per-layer field "
                    f"(thickness m, heat_capacity J m^-3 K^-1, conductivity W m^-1 K^-1) has shape (..., n_layers)"
                )
        resistances = jnp.asarray(resistances, dtype=float)
        if n == 1 and resistances.size == 0:
            resistances = jnp.zeros(thickness.shape[:-1] + (0,))
        if resistances.shape != thickness.shape[:-1] + (n - 1,):
            raise ValueError(
                f"resistances has shape {resistances.shape}; {n} layers need n_layers - 1 = {n - 1} interface "
                f"resistances (m^2 K W^-1) per stack, shape {thickness.shape[:-1] + (n - 1,)}"
            )
        layers = []
        for i in range(n):
            kr = None if conductivity_inplane is None else arrays["conductivity_inplane"][..., i]
            layers.append(Layer(thickness[..., i], arrays["heat_capacity"][..., i], arrays["conductivity"][..., i], kr))
        stack = cls(layers=layers, resistances=[resistances[..., i] for i in range(n - 1)])
        if is_concrete(stack):
            if thickness.ndim == 1:
                validate_stack(stack)
            else:
                stack.validate_batch()
        return stack

    def validate_batch(self) -> None:
        """Check every member of a concrete batched `Stack` (leaves with one leading batch axis).

        Raises `ValueError` naming the member index, the field and its unit (e.g. `batch member 3:
        layers[0].thickness = 80.0 m ...`); `TypeError` for leaves that are not numbers. Traced
        leaves are not checked (validation belongs outside `jit`).
        """
        leaves = jax.tree_util.tree_leaves(self)
        if not is_concrete(self):
            return
        host = jax.device_get(self)
        shapes = {np.shape(leaf) for leaf in jax.tree_util.tree_leaves(host)}
        if any(len(shape) == 0 for shape in shapes):
            raise ValueError(
                "validate_batch needs a batched Stack: every leaf (thickness m, heat_capacity J m^-3 K^-1, "
                "conductivity W m^-1 K^-1, resistances m^2 K W^-1) must carry a leading batch axis"
            )
        sizes = {shape[0] for shape in shapes}
        if len(sizes) != 1:
            raise ValueError(
                f"the leaves of a batched Stack must share one leading batch size, got sizes {sorted(sizes)}"
            )
        if leaves and _plainly_valid(host):
            return
        (size,) = sizes
        for index in range(size):
            member = jax.tree_util.tree_map(lambda leaf, i=index: np.asarray(leaf)[i], host)
            try:
                validate_stack(member)
            except (ValueError, TypeError) as error:
                raise type(error)(f"batch member {index}: {error}") from None


def _check_index(name: str, index, length: int, what: str) -> None:
    if isinstance(index, bool) or not isinstance(index, (int, np.integer)):
        raise TypeError(f"{name} must be a Python int (position in {what}), got {index!r}")
    if not -length <= index < length:
        raise ValueError(f"{name} = {index} is outside {what} (the stack has {length} {what})")


def stack_batch(stacks) -> Stack:
    """Stack a list of structurally identical `Stack`s into one batched `Stack`.

    **Arguments:**

    - `stacks`: sequence of `Stack` with the same number of layers (and the same
      isotropic/anisotropic choice per layer).

    **Returns:** a `Stack` whose every leaf has a leading axis of length
    `len(stacks)`; map over it with `jax.vmap`.
    """
    stacks = list(stacks)
    if not stacks:
        raise ValueError("stack_batch needs at least one Stack")
    for index, stack in enumerate(stacks):
        if not isinstance(stack, Stack):
            raise TypeError(f"stack_batch: stacks[{index}] must be a jaxtherm.tdtr.Stack, got {type(stack).__name__}")
        try:
            validate_stack(stack)
        except (ValueError, TypeError) as error:
            raise type(error)(f"stack_batch: stacks[{index}]: {error}") from None
    if len({tuple(getattr(layer, "semi_infinite", False) for layer in st.layers) for st in stacks}) > 1:
        stacks = [runtime_thickness(st) for st in stacks]  # inf and finite substrates mixed: decided at run time
    reference = jax.tree_util.tree_structure(stacks[0])
    for index, stack in enumerate(stacks[1:], start=1):
        if jax.tree_util.tree_structure(stack) != reference:
            raise ValueError(
                f"stack_batch: stacks[{index}] has {stack.n_layers} layers / a different isotropic choice than "
                f"stacks[0] ({stacks[0].n_layers} layers); a batch needs the same structure (conductivity_inplane "
                f"set for the same layers)"
            )
    return jax.tree_util.tree_map(lambda *leaves: jnp.stack([jnp.asarray(x, dtype=float) for x in leaves]), *stacks)


def _plainly_valid(stack: Stack) -> bool:
    """Fast vectorised check of a concrete (numpy) stack; False means 'run the detailed checks'."""
    if any(isinstance(leaf, (str, bytes)) for leaf in jax.tree_util.tree_leaves(stack)):
        return False  # text that parses as a number is still refused, by the detailed checks
    try:
        layers = stack.layers
        n = len(layers)
        if n < 1 or not all(isinstance(layer, Layer) for layer in layers):
            return False
        res = stack.resistances
        if isinstance(res, list):
            if len(res) != n - 1:
                return False
            res = np.asarray([np.asarray(r, dtype=float) for r in res]) if res else np.zeros(0)
        else:
            res = np.asarray(res, dtype=float)
            if res.ndim == 0 or res.shape[-1] != n - 1:
                return False
        thickness = [np.asarray(layer.thickness, dtype=float) for layer in layers]
        if not all(np.all(np.isfinite(t) & (t > 0) & (t <= _MAX_PLAUSIBLE_THICKNESS)) for t in thickness[:-1]):
            return False
        last = thickness[-1]
        if not np.all((last > 0) & ~np.isnan(last) & ((last <= _MAX_PLAUSIBLE_THICKNESS) | np.isposinf(last))):
            return False
        for layer in layers:
            c = np.asarray(layer.heat_capacity, dtype=float)
            k = np.asarray(layer.conductivity, dtype=float)
            if not (np.all(np.isfinite(c) & (c >= 1e3)) and np.all(np.isfinite(k) & (k > 0))):
                return False
            if layer.conductivity_inplane is not None:
                kr = np.asarray(layer.conductivity_inplane, dtype=float)
                if not np.all(np.isfinite(kr) & (kr > 0)):
                    return False
        return bool(np.all(np.isfinite(res) & (res >= 0) & (res <= 1.0)))
    except (TypeError, ValueError):
        return False


def validate_stack(stack: Stack) -> None:
    """Check a `Stack` on concrete values (skipped for traced leaves); raise `ValueError`/`TypeError`."""
    if not isinstance(stack, Stack):
        raise TypeError(f"stack must be a jaxtherm.tdtr.Stack, got {type(stack).__name__}")
    # One host transfer for the whole pytree (the checks below then run on numpy values).
    concrete = [leaf for leaf in jax.tree_util.tree_leaves(stack) if not isinstance(leaf, jax.core.Tracer)]
    if len(concrete) == len(jax.tree_util.tree_leaves(stack)):
        stack = jax.device_get(stack)
        if _plainly_valid(stack):
            return
    n = len(stack.layers)
    if n < 1:
        raise ValueError("stack must contain at least one layer")
    for i, layer in enumerate(stack.layers):
        if isinstance(layer, TwoChannelLayer):
            validate_two_channel_layer(layer, i, n, _MAX_PLAUSIBLE_THICKNESS)
            continue
        if not isinstance(layer, Layer):
            raise TypeError(
                f"stack.layers[{i}] must be a jaxtherm.tdtr.Layer or TwoChannelLayer, got {type(layer).__name__}"
            )
        check_length(f"layers[{i}].thickness", layer.thickness, _MAX_PLAUSIBLE_THICKNESS, "m", allow_inf=True)
        thick = as_concrete_array(f"layers[{i}].thickness", layer.thickness, "m")
        if thick is not None and i < n - 1 and np.any(np.isinf(thick)):
            raise ValueError(
                f"layers[{i}].thickness is inf (m) but only the last layer may be semi-infinite "
                f"(the stack has {n} layers)"
            )
        check_positive(f"layers[{i}].heat_capacity", layer.heat_capacity, "J m^-3 K^-1")
        check_positive(f"layers[{i}].conductivity", layer.conductivity, "W m^-1 K^-1")
        if layer.conductivity_inplane is not None:
            check_positive(f"layers[{i}].conductivity_inplane", layer.conductivity_inplane, "W m^-1 K^-1")
        hc = as_concrete_array(f"layers[{i}].heat_capacity", layer.heat_capacity, "J m^-3 K^-1")
        if hc is not None and np.any(hc < 1e3):
            raise ValueError(
                f"layers[{i}].heat_capacity = {hc} J m^-3 K^-1 is implausibly small; the volumetric heat "
                f"capacity of solids is ~1e6 J m^-3 K^-1 (did you pass J/(kg K) or J/(cm^3 K)?)"
            )
    res = stack.resistances
    n_res = len(res) if isinstance(res, list) else int(np.shape(res)[-1]) if np.ndim(res) else -1
    if n_res != n - 1:
        raise ValueError(f"resistances must have len(layers) - 1 = {n - 1} entries (m^2 K W^-1), got {n_res}")
    for i in range(n - 1):
        r = res[i] if isinstance(res, list) else res[..., i]
        if isinstance(r, ChannelInterface):
            validate_channel_interface(r, i)
            continue
        check_nonnegative(f"resistances[{i}]", r, "m^2 K W^-1")
        arr = as_concrete_array(f"resistances[{i}]", r, "m^2 K W^-1")
        if arr is not None and np.any(arr > 1.0):
            raise ValueError(
                f"resistances[{i}] = {arr} m^2 K W^-1 is implausibly large (TDTR interface resistances are "
                f"~1e-9 m^2 K W^-1); did you pass m^2 K/GW? e.g. 4.2 m^2K/GW is 4.2e-9"
            )
