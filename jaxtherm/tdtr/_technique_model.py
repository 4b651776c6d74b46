"""Shared trace-model plumbing of the steady-state and square-wave techniques.

A technique model is a callable `model(params) -> array` for `jaxtherm.fit.fit_traces` and
`jaxtherm.fit.log_sensitivity`: it reads the `Stack` at `stack_path` of the parameter pytree,
computes the technique's complex signal (`signal(params)`, defined by each subclass) and returns
one real observable of it. Models compare and hash by value, so equal models built independently
share compiled fits.
"""

from __future__ import annotations

import jax.numpy as jnp

from .._validation import check_choice
from ..fit import get_path
from ._lockin import phase, ratio

__all__ = ["TechniqueModel"]

OBSERVABLES = ("phase", "ratio", "v_in", "v_out", "amplitude")


def _hashable(value):
    """An option as part of the model's key: itself if hashable, else its identity (arrays, pytrees)."""
    try:
        hash(value)
    except TypeError:
        return ("id", id(value))
    return value


class TechniqueModel:
    """Base class: observable dispatch, parameter paths, equality by value.

    **Arguments:**

    - `observable`: `"phase"` (rad), `"ratio"` (-V_in / V_out), `"v_in"`, `"v_out"`, `"amplitude"`
      (|Z|; these three times the factor at `gain_path`).
    - `stack_path`: path of the `Stack` in the parameter pytree (`""`: the pytree is the stack).
    - `gain_path`: optional path of a scalar factor multiplying V_in, V_out and |Z| (e.g. the
      thermoreflectance-detector calibration in V K^-1).
    - `options`: keyword arguments passed to the public `jaxtherm.tdtr` call (hashable values).
    """

    def __init__(self, observable: str, stack_path: str, gain_path: str | None, options: dict):
        check_choice("observable", observable, OBSERVABLES)
        self.observable = observable
        self.stack_path = stack_path
        self.gain_path = gain_path
        self.options = dict(options)

    def _own_key(self) -> tuple:
        raise NotImplementedError

    def _key(self) -> tuple:
        options = tuple((name, _hashable(value)) for name, value in sorted(self.options.items()))
        return (type(self), self.observable, self.stack_path, self.gain_path, options)

    def __eq__(self, other):
        return type(other) is type(self) and self._key() + self._own_key() == other._key() + other._own_key()

    def __hash__(self):
        return hash(self._key() + self._own_key())

    def stack(self, params):
        """The `Stack` this model reads from the parameter pytree."""
        return get_path(params, self.stack_path) if self.stack_path else params

    def signal(self, params):
        raise NotImplementedError

    def __call__(self, params):
        z = self.signal(params)
        if self.observable == "phase":
            return phase(z)
        if self.observable == "ratio":
            return ratio(z)
        gain = 1.0 if self.gain_path is None else get_path(params, self.gain_path)
        if self.observable == "v_in":
            return gain * jnp.real(z)
        if self.observable == "v_out":
            return gain * jnp.imag(z)
        return gain * jnp.abs(z)
