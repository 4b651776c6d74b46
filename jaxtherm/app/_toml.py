"""Typed reading of TOML values: every error names the file, the table and the key."""

from __future__ import annotations


class ConfigError(ValueError):
    """The TOML configuration is invalid; the message names the file and the key."""


class ConfigTypeError(ConfigError, TypeError):
    """A TOML value has the wrong type (e.g. a string where a number or a boolean belongs)."""


class Reader:
    """Typed access to the values of one TOML file, every error naming the file, the table and the key."""

    def __init__(self, path):
        self.path = path

    def error(self, where, message, kind=ConfigError):
        return kind(f"{self.path}: {where}: {message}")

    def unknown(self, where, given, allowed):
        extra = set(given) - set(allowed)
        if extra:
            raise ConfigError(f"{self.path}: unknown key(s) {sorted(extra)} in {where}; allowed: {sorted(allowed)}")

    def require(self, where, table, key):
        if key not in table:
            raise ConfigError(f"{self.path}: missing required key {key!r} in {where}")
        return table[key]

    def table(self, where, value):
        if not isinstance(value, dict):
            raise self.error(where, f"must be a table, got {value!r}", ConfigTypeError)
        return dict(value)

    def number(self, where, key, value, unit=""):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            unit_text = f" ({unit})" if unit else ""
            raise self.error(where, f"{key!r} must be a number{unit_text}, got {value!r}", ConfigTypeError)
        return float(value)

    def string(self, where, key, value):
        if not isinstance(value, str):
            raise self.error(where, f"{key!r} must be a string, got {value!r}", ConfigTypeError)
        return value

    def boolean(self, where, key, value):
        if not isinstance(value, bool):
            raise self.error(
                where, f"{key!r} must be true or false (a TOML boolean, no quotes), got {value!r}", ConfigTypeError
            )
        return value

    def integer(self, where, key, value):
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.error(where, f"{key!r} must be an integer, got {value!r}", ConfigTypeError)
        return value

    def column(self, where, key, value):
        if isinstance(value, bool) or not isinstance(value, (int, str)):
            raise self.error(where, f"{key!r} must be a column name or a 0-based index, got {value!r}", ConfigTypeError)
        return value

    def typed(self, where, key, value, kind, unit=""):
        if kind == "number":
            return self.number(where, key, value, unit)
        if kind == "boolean":
            return self.boolean(where, key, value)
        return self.string(where, key, value)
