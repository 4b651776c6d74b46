"""Metadata in the header lines of lab files: key recognition and unit conversion to SI.

Two styles are recognised, with or without a leading comment character:

* ``# f_mod = 9.8 MHz`` (value then unit), and
* ``Modulation frequency (Hz): 9.8e6`` (unit in parentheses or brackets after the key).

Keys are matched case-insensitively after spaces, dashes and dots are folded into
underscores. A recognised key needs a unit of the right dimension (a bare number
could be Hz or MHz, and the wrong guess rescales every fitted value); an unknown
unit or a unit of the wrong dimension is an error naming the file and the line.
"""

from __future__ import annotations

import re

__all__ = ["METADATA_KEYS", "UNITS", "parse_metadata_line", "convert", "normalise_key", "unit_in_name"]

#: Units accepted per dimension: factor to SI.
UNITS = {
    "frequency": {"hz": 1.0, "khz": 1e3, "mhz": 1e6, "ghz": 1e9},
    "length": {"m": 1.0, "cm": 1e-2, "mm": 1e-3, "um": 1e-6, "µm": 1e-6, "μm": 1e-6, "micron": 1e-6, "nm": 1e-9},
    "time": {"s": 1.0, "ms": 1e-3, "us": 1e-6, "µs": 1e-6, "μs": 1e-6, "ns": 1e-9, "ps": 1e-12, "fs": 1e-15},
    "voltage": {"v": 1.0, "mv": 1e-3, "uv": 1e-6, "µv": 1e-6, "μv": 1e-6, "nv": 1e-9},
    "angle": {"rad": 1.0, "deg": 3.141592653589793 / 180.0, "degree": 3.141592653589793 / 180.0},
    "temperature": {"k": 1.0},
}

_SI_UNIT = {"frequency": "Hz", "length": "m", "time": "s", "voltage": "V", "angle": "rad", "temperature": "K"}

#: Recognised metadata: SI name -> (dimension or "choice", aliases after `normalise_key`).
METADATA_KEYS = {
    "modulation_frequency": ("frequency", ("f_mod", "fmod", "modulation_frequency", "modulation_freq", "mod_freq")),
    "repetition_rate": (
        "frequency",
        ("f_rep", "frep", "repetition_rate", "rep_rate", "laser_repetition_rate", "repetition_frequency"),
    ),
    "pump_radius": ("length", ("pump_radius", "w_pump", "pump_1/e2_radius", "pump_spot_radius", "r_pump")),
    "probe_radius": ("length", ("probe_radius", "w_probe", "probe_1/e2_radius", "probe_spot_radius", "r_probe")),
    "time_zero": ("time", ("t0", "t0_shift", "time_zero", "t_zero", "time_zero_shift", "t0_offset")),
    "phase_correction": ("angle", ("phase_correction", "phase_shift", "phase_offset", "lockin_phase")),
    "temperature": ("temperature", ("temperature", "sample_temperature", "t_sample")),
    "delay_stage": ("choice", ("delay_stage", "delayed_beam", "stage_beam", "delay_stage_beam")),
}
_ALIASES = {alias: name for name, (_, aliases) in METADATA_KEYS.items() for alias in aliases}
_CHOICES = {"delay_stage": ("pump", "probe")}

_UNIT_IN_NAME = re.compile(r"^(?P<key>.*?)\s*[\(\[](?P<unit>[^\)\]]*)[\)\]]\s*$")
_KEY_VALUE = re.compile(r"^(?P<key>[^=:]+?)\s*[=:]\s*(?P<value>.*?)\s*$")
_VALUE_UNIT = re.compile(r"^(?P<number>[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?)\s*(?P<unit>\S.*)?$")


class HeaderError(ValueError):
    """A header line could not be read (raised as the reader's own error with file and line)."""


def normalise_key(text: str) -> str:
    """Lower-case, spaces/dashes/dots folded into underscores, repeated underscores squeezed."""
    key = re.sub(r"[\s\-\.]+", "_", text.strip().lower())
    return re.sub(r"_+", "_", key).strip("_")


def unit_in_name(text: str) -> tuple:
    """`("Delay", "ps")` from `"Delay (ps)"` or `"Delay [ps]"`; `("delay", "ps")` from `"delay_ps"`; else `(text, None)`."""
    match = _UNIT_IN_NAME.match(text)
    if match:
        return match["key"], match["unit"].strip()
    head, sep, tail = text.rpartition("_")
    if sep and head and any(tail.lower() in units for units in UNITS.values()):
        return head, tail
    return text, None


def convert(value: float, unit: str | None, dimension: str, what: str) -> float:
    """`value` in `unit` converted to SI; raises `HeaderError` for a missing, unknown or wrong-dimension unit."""
    if unit is None or unit == "":
        raise HeaderError(
            f"{what} = {value!r} has no unit; state it (e.g. {list(UNITS[dimension])[:3]}), SI is {_SI_UNIT[dimension]}"
        )
    key = unit.strip().lower()
    if key in UNITS[dimension]:
        return value * UNITS[dimension][key]
    other = [d for d, units in UNITS.items() if key in units]
    if other:
        raise HeaderError(
            f"{what}: unit {unit!r} is a {other[0]} unit; expected a {dimension} unit {list(UNITS[dimension])}"
        )
    raise HeaderError(f"{what}: unknown unit {unit!r}; expected one of {list(UNITS[dimension])}")


def parse_metadata_line(text: str):
    """`(raw_key, raw_value, si_name_or_None, si_value_or_None)` of a `key = value` / `key: value` line, or None.

    Raises `HeaderError` when the key is recognised but the value or its unit is not.
    """
    match = _KEY_VALUE.match(text)
    if not match or not match["value"]:
        return None
    raw_key, raw_value = match["key"].strip(), match["value"]
    key, unit = unit_in_name(raw_key)
    name = _ALIASES.get(normalise_key(key))
    if name is None:
        return raw_key, raw_value, None, None
    dimension = METADATA_KEYS[name][0]
    if dimension == "choice":
        choice = raw_value.strip().strip("'\"").lower()
        if choice not in _CHOICES[name]:
            raise HeaderError(f"{raw_key} = {raw_value!r}: expected one of {list(_CHOICES[name])}")
        return raw_key, raw_value, name, choice
    number = _VALUE_UNIT.match(raw_value)
    if not number:
        raise HeaderError(f"{raw_key} = {raw_value!r} is not a number followed by an optional unit")
    if not (number["unit"] or unit):
        raise HeaderError(
            f"{raw_key} = {raw_value} has no unit; state it (e.g. {list(UNITS[dimension])[:3]}), "
            f"SI is {_SI_UNIT[dimension]}"
        )
    if number["unit"] and unit:
        raise HeaderError(f"{raw_key} = {raw_value!r}: two units (in the key and after the value); give one")
    return raw_key, raw_value, name, convert(float(number["number"]), number["unit"] or unit, dimension, raw_key)
