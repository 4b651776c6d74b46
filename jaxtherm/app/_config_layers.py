"""The [[layers]] and [resistances] tables of a TOML configuration (`jaxtherm fit`, `jaxtherm plan`).

A layer gives its properties in SI, or names a table material (`material = "Si"`, see
`jaxtherm.materials.lookup`) whose heat capacity and conductivities at `temperature`
(K, default 300) fill the fields the layer does not give.
"""

from __future__ import annotations

import math

from .. import materials, tdtr
from ._toml import ConfigError, Reader

__all__ = ["LAYER_FIELDS", "read_layers", "read_resistances"]

LAYER_FIELDS = ("thickness", "heat_capacity", "conductivity", "conductivity_inplane")
_LAYER_UNITS = {"thickness": "m", "heat_capacity": "J/m^3K", "conductivity": "W/mK", "conductivity_inplane": "W/mK"}


def _from_material(r: Reader, where, entry) -> dict:
    """Heat capacity and conductivities of the named table material (empty without `material`)."""
    if "material" not in entry:
        if "temperature" in entry:
            raise ConfigError(f"{r.path}: {where}: 'temperature' is only used with 'material'")
        return {}
    name = r.string(where, "material", entry["material"])
    temperature = r.number(where, "temperature", entry.get("temperature", 300.0), "K")
    try:
        props = materials.lookup(name, temperature)
    except KeyError as exc:
        raise ConfigError(f"{r.path}: {where}: {exc.args[0]}") from None
    except ValueError as exc:
        raise ConfigError(f"{r.path}: {where}: material {name!r}: {exc}") from None
    values = {"heat_capacity": props.heat_capacity, "conductivity": props.conductivity}
    if props.conductivity_inplane != props.conductivity:
        values["conductivity_inplane"] = props.conductivity_inplane
    return values


def read_layers(r: Reader, config) -> tuple:
    """`(layers, names)` from [[layers]]; every error names the file and the layer."""
    layers_table = r.require("the top level", config, "layers")
    if not isinstance(layers_table, list) or not layers_table:
        raise ConfigError(f"{r.path}: [[layers]] must list at least one layer")
    layers, names = [], []
    for i, entry in enumerate(layers_table):
        where = f"[[layers]] #{i + 1}"
        entry = r.table(where, entry)
        r.unknown(where, entry, {"name", "material", "temperature", *LAYER_FIELDS})
        name = r.string(where, "name", entry.get("name", entry.get("material", f"layer{i}")))
        if name in names:
            raise ConfigError(f"{r.path}: duplicate layer name {name!r} in {where}")
        names.append(name)
        where = f"{where} ({name})"
        values = _from_material(r, where, entry)
        for key in LAYER_FIELDS:
            if key in entry:
                values[key] = r.number(where, key, entry[key], _LAYER_UNITS[key])
            elif key != "conductivity_inplane" and key not in values:
                r.require(where, entry, key)
        try:
            layers.append(tdtr.Layer(**values))
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"{r.path}: {where}: {exc}") from exc
    return layers, names


def read_resistances(r: Reader, config) -> dict:
    """Named interface resistances (m^2K/W) from [resistances]."""
    table = r.table("[resistances]", config.get("resistances", {}))
    out = {}
    for name, value in table.items():
        value = r.number("[resistances]", name, value, "m^2 K/W")
        if not (math.isfinite(value) and value >= 0):
            raise ConfigError(f"{r.path}: [resistances] {name!r} = {value!r} must be finite and >= 0 (m^2 K/W)")
        out[str(name)] = value
    return out
