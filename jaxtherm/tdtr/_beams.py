"""`Beams`: the pump and probe spots and optical depths as differentiable parameters (a pytree)."""

from __future__ import annotations

from typing import Any

import jax
import numpy as np

from .._pytree import pytree_dataclass
from .._validation import as_concrete_array, check_finite, check_length, is_concrete

__all__ = ["Beams", "beams_from_setup", "check_beams"]

# Largest plausible beam radius / offset (m) and optical depth (m): larger values are unit slips.
_MAX_RADIUS = 1e-2
_MAX_DEPTH = 1e-3


@pytree_dataclass
class Beams:
    """Pump and probe spots and optical depths as pytree leaves (differentiable, vmappable, fittable).

    Passed as `beams=` to `signal`, `fdtr_signal`, `response` and `simulate`, a `Beams` replaces
    the `Setup`'s `pump_radius`, `probe_radius`, `absorption_depth` and `sensing_depth`; new values
    never recompile. Which fields are `None` is structure (static): changing it recompiles.

    **Fields:**

    - `pump_radius`, `probe_radius`: beam radii (m): the 1/e^2 intensity radius of a Gaussian
      beam, the disc radius of a top-hat one (`Setup.pump_shape` / `probe_shape`). May be `None`
      with `Setup.one_dimensional=True`.
    - `offset`: lateral pump-probe separation x0 (m). `None` (default): coaxial beams (0 m), using
      the coaxial radial rule; a number (0.0 included) weights the radial integral by J0(k x0) and
      uses the rule for oscillating kernels (see `jaxtherm.tdtr._beam_rule`).
    - `absorption_depth`, `sensing_depth`: optical absorption / sensing depths delta (m) of the
      exponential profiles described in `Setup`; `None` = a sheet source / sensor at the plane.
    """

    pump_radius: Any = None
    probe_radius: Any = None
    offset: Any = None
    absorption_depth: Any = None
    sensing_depth: Any = None

    def replace(self, **changes) -> Beams:
        """A new `Beams` with fields replaced (e.g. `beams.replace(offset=2e-6)`)."""
        values = {name: getattr(self, name) for name in _FIELDS}
        values.update(changes)
        return Beams(**values)


_FIELDS = ("pump_radius", "probe_radius", "offset", "absorption_depth", "sensing_depth")


def beams_from_setup(setup) -> Beams:
    """The `Beams` a `Setup` describes (its static floats; coaxial)."""
    return Beams(
        pump_radius=setup.pump_radius,
        probe_radius=setup.probe_radius,
        offset=None,
        absorption_depth=setup.absorption_depth,
        sensing_depth=setup.sensing_depth,
    )


def check_beams(beams, setup):
    """Validate a user `Beams` at a public entry (concrete values only); returns it."""
    if not isinstance(beams, Beams):
        raise TypeError(
            f"beams must be a jaxtherm.tdtr.Beams (or None for the Setup's beams), got {type(beams).__name__}"
        )
    if is_concrete(beams):
        shapes = sorted({np.shape(leaf) for leaf in jax.tree_util.tree_leaves(beams)} - {()})
        if shapes:
            raise ValueError(
                f"beams is a batch (its fields have shape {shapes[0]}, one value each expected); map over it: "
                f"jax.vmap(lambda b: jt.tdtr.signal(stack, setup, delays, beams=b))(batch)"
            )
    if not setup.one_dimensional:
        for name in ("pump_radius", "probe_radius"):
            value = getattr(beams, name)
            if value is None:
                raise ValueError(f"beams.{name} (m) is required unless Setup.one_dimensional=True")
            check_length(f"beams.{name}", value, _MAX_RADIUS, "m")
    if beams.offset is not None:
        check_finite("beams.offset", beams.offset, "m")
        arr = as_concrete_array("beams.offset", beams.offset, "m")
        if arr is not None and np.any(np.abs(arr) > _MAX_RADIUS):
            raise ValueError(
                f"beams.offset = {arr} m is larger than {_MAX_RADIUS:g} m; lengths are in metres (SI) - did you "
                f"pass micrometres? e.g. 5 um is 5e-6"
            )
        if setup.one_dimensional:
            raise ValueError("beams.offset (m) needs finite beams: it has no meaning with Setup.one_dimensional=True")
    for name in ("absorption_depth", "sensing_depth"):
        value = getattr(beams, name)
        if value is not None:
            check_length(f"beams.{name}", value, _MAX_DEPTH, "m")
    return beams
