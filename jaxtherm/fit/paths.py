"""Named access to leaves of parameter pytrees: `"layers[1].conductivity"`.

A path is a dotted/indexed string: `.name` selects a dataclass/NamedTuple field or a
dict key, `[i]` an element of a list, tuple or array. `set_path` returns a new tree
(frozen dataclasses are rebuilt with `dataclasses.replace`, arrays with `.at[].set`),
so it works on traced values inside `jit` and under `jacfwd`.
"""

from __future__ import annotations

import dataclasses
import re

import jax.numpy as jnp
import numpy as np

__all__ = ["parse_path", "get_path", "set_path", "named_paths", "ParameterPathError"]


class ParameterPathError(KeyError, ValueError):
    """A parameter path names no leaf of the tree (a `KeyError` and a `ValueError`)."""

    def __str__(self) -> str:  # the message itself, not KeyError's repr of it
        return str(self.args[0]) if self.args else ""


_TOKEN = re.compile(r"\.?([A-Za-z_][A-Za-z0-9_]*)|\[\s*(-?\d+)\s*\]|\[\s*['\"]([^'\"]+)['\"]\s*\]")


def parse_path(path: str) -> tuple:
    """Split `"a.b[2]['key']"` into `(("attr", "a"), ("attr", "b"), ("index", 2), ("key", "key"))`."""
    if not isinstance(path, str) or not path:
        raise TypeError(f"a parameter path must be a non-empty string like 'layers[1].conductivity', got {path!r}")
    tokens, pos = [], 0
    while pos < len(path):
        match = _TOKEN.match(path, pos)
        if match is None or match.end() == pos:
            raise ValueError(f"cannot parse parameter path {path!r} at position {pos} ({path[pos:]!r})")
        attr, index, key = match.groups()
        if attr is not None:
            tokens.append(("attr", attr))
        elif index is not None:
            tokens.append(("index", int(index)))
        else:
            tokens.append(("key", key))
        pos = match.end()
    return tuple(tokens)


def _child(node, token, path):
    kind, name = token
    if isinstance(node, dict):
        if name not in node:
            raise ParameterPathError(
                f"parameter path {path!r}: key {name!r} not found (available: {sorted(map(str, node))})"
            )
        return node[name]
    if kind == "index":
        try:
            return node[name]
        except (IndexError, TypeError) as exc:
            raise ParameterPathError(
                f"parameter path {path!r}: cannot index {type(node).__name__} with [{name}]"
            ) from exc
    if kind == "key":
        raise ParameterPathError(f"parameter path {path!r}: ['{name}'] used on a {type(node).__name__}, not a dict")
    if not hasattr(node, name):
        raise ParameterPathError(f"parameter path {path!r}: {type(node).__name__} has no field {name!r}")
    return getattr(node, name)


def get_path(tree, path: str):
    """The leaf of `tree` at `path` (e.g. `get_path(stack, "resistances[0]")`)."""
    node = tree
    for token in parse_path(path):
        node = _child(node, token, path)
    return node


def _replace(node, token, value, path):
    kind, name = token
    if isinstance(node, dict):
        new = dict(node)
        new[name] = value
        return new
    if kind == "index":
        if isinstance(node, list):
            new = list(node)
            new[name] = value
            return new
        if isinstance(node, tuple) and not hasattr(node, "_fields"):
            new = list(node)
            new[name] = value
            return tuple(new)
        if isinstance(node, tuple):
            values = list(node)
            values[name] = value
            return type(node)(*values)
        return jnp.asarray(node).at[name].set(value)
    if dataclasses.is_dataclass(node):
        return dataclasses.replace(node, **{name: value})
    if hasattr(node, "_replace"):
        return node._replace(**{name: value})
    raise TypeError(f"parameter path {path!r}: cannot set field {name!r} on a {type(node).__name__}")


def set_path(tree, path: str, value):
    """A copy of `tree` with the leaf at `path` replaced by `value` (works on tracers)."""
    tokens = parse_path(path)

    def rec(node, depth):
        if depth == len(tokens):
            return value
        child = _child(node, tokens[depth], path)
        return _replace(node, tokens[depth], rec(child, depth + 1), path)

    return rec(tree, 0)


def leaf_value(tree, path: str) -> float:
    """Concrete float value of the scalar leaf at `path` (validates that it is a scalar)."""
    value = np.asarray(get_path(tree, path), dtype=float)
    if value.ndim != 0:
        raise ValueError(
            f"parameter path {path!r} points to an array of shape {value.shape}; fit scalars only "
            f"(index into it, e.g. {path}[0])"
        )
    return float(value)


def named_paths(spec, argument: str = "free") -> dict:
    """Normalise a parameter specification to a dict name -> tuple of paths.

    `spec` is a path, a list of paths (each its own name), or a dict name -> path or
    name -> list of paths that share one value. `argument` names the caller's
    argument in error messages.
    """
    if isinstance(spec, str):
        spec = [spec]
    if isinstance(spec, (list, tuple)):
        spec = {path: path for path in spec}
    if not isinstance(spec, dict) or not spec:
        raise TypeError(f"{argument} must be a non-empty dict name -> path (or list of paths), or a list of paths")
    out = {}
    for name, paths in spec.items():
        paths = (paths,) if isinstance(paths, str) else tuple(paths)
        if not paths:
            raise ValueError(f"{argument}: parameter {name!r} maps to no path")
        for path in paths:
            parse_path(path)
        out[str(name)] = paths
    return out
