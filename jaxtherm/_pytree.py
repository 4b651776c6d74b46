"""Frozen dataclasses registered as JAX pytrees.

`pytree_dataclass` turns a class into a frozen dataclass whose fields are pytree
leaves (traced, differentiable, vmappable) except those declared with
`static_field()`, which become hashable metadata (changing them recompiles).
"""

from __future__ import annotations

import dataclasses

import jax

__all__ = ["pytree_dataclass", "static_field"]


def static_field(**kwargs):
    """A dataclass field that is pytree metadata (static under `jit`), not a leaf."""
    metadata = dict(kwargs.pop("metadata", {}) or {})
    metadata["static"] = True
    return dataclasses.field(metadata=metadata, **kwargs)


def pytree_dataclass(cls):
    """Decorator: frozen dataclass + `jax.tree_util.register_dataclass`.

    Fields marked with `static_field()` are meta fields; all others are data fields.
    """
    cls = dataclasses.dataclass(frozen=True)(cls)
    fields = dataclasses.fields(cls)
    data_fields = [f.name for f in fields if not f.metadata.get("static", False)]
    meta_fields = [f.name for f in fields if f.metadata.get("static", False)]
    return jax.tree_util.register_dataclass(cls, data_fields=data_fields, meta_fields=meta_fields)
