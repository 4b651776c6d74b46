"""The acoustic echo model: an echo shape on a smooth polynomial background, as a trace model.

Shapes (`EchoConfig.shape`): `"gaussian_derivative"` (bipolar, t_e at its zero crossing) and
`"gaussian"` (unipolar, t_e at its peak); see `jaxtherm.lab._acoustics` for the physics.
"""

from __future__ import annotations

import dataclasses
import math

import jax.numpy as jnp
import numpy as np

from .._pytree import pytree_dataclass
from .._validation import check_choice, check_finite
from ..fit import get_path

__all__ = ["ECHO_SHAPES", "EchoParams", "EchoConfig", "EchoModel", "EchoNotFoundError", "echo_signal"]


ECHO_SHAPES = ("gaussian_derivative", "gaussian")

# Delays beyond this (s) are almost surely picoseconds passed as seconds.
_MAX_PLAUSIBLE_DELAY = 1e-6


class EchoNotFoundError(ValueError):
    """No significant acoustic echo in the searched delay window."""


@pytree_dataclass
class EchoParams:
    """Echo plus smooth background (a pytree: fit by path, differentiate, vmap).

    **Attributes:**

    - `echo_time`: echo time t_e measured from t = 0 (s).
    - `width`: echo width tau (s).
    - `amplitude`: echo amplitude A (signal unit; signed).
    - `background`: tuple of polynomial coefficients (signal unit) in the reduced delay
      u = (t - t_mid) / t_half of the model's window, lowest order first.
    """

    echo_time: float
    width: float
    amplitude: float
    background: tuple = (0.0,)


@dataclasses.dataclass(frozen=True)
class EchoConfig:
    """Static echo model choice: `shape` (one of `"gaussian_derivative"`, `"gaussian"`)."""

    shape: str = "gaussian_derivative"

    def __post_init__(self):
        check_choice("shape", self.shape, ECHO_SHAPES)


def echo_signal(params: EchoParams, delays, config: EchoConfig = EchoConfig()):
    """The echo shape alone (no background) at `delays` (s); unit of `params.amplitude`."""
    x = (jnp.asarray(delays) - params.echo_time) / params.width
    if config.shape == "gaussian":
        return params.amplitude * jnp.exp(-0.5 * x**2)
    return params.amplitude * math.sqrt(math.e) * (-x) * jnp.exp(-0.5 * x**2)


def _check_delays(delays, name="delays") -> np.ndarray:
    delays = np.asarray(delays, dtype=float)
    if delays.ndim != 1 or delays.size < 8:
        raise ValueError(f"{name} must be a 1-D array of at least 8 pump-probe delays (s), got shape {delays.shape}")
    check_finite(name, delays, "s")
    if np.max(np.abs(delays)) > _MAX_PLAUSIBLE_DELAY:
        raise ValueError(
            f"{name} reach {np.max(np.abs(delays)):g} s; delays are in seconds (e.g. 30 ps is 30e-12) - "
            f"did you pass picoseconds?"
        )
    if np.any(np.diff(delays) <= 0):
        raise ValueError(f"{name} must be strictly increasing (s)")
    return delays


class EchoModel:
    """Trace model: background polynomial + echo at fixed delays, from a parameter pytree.

    **Arguments:**

    - `delays`: delays (s), 1-D, increasing (the fit window).
    - `config`: an `EchoConfig`.
    - `path`: path of the `EchoParams` in the pytree (`""`: the pytree is the `EchoParams`).

    Compares and hashes by value (delays, config, path).
    """

    def __init__(self, delays, config: EchoConfig = EchoConfig(), *, path: str = ""):
        if not isinstance(config, EchoConfig):
            raise TypeError(f"config must be an EchoConfig, got {config!r}")
        self.delays = _check_delays(delays)
        self.config = config
        self.path = path
        self.t_mid = 0.5 * float(self.delays[0] + self.delays[-1])
        self.t_half = 0.5 * float(self.delays[-1] - self.delays[0])

    def _key(self):
        return (self.delays.tobytes(), self.config, self.path)

    def __eq__(self, other):
        return isinstance(other, EchoModel) and self._key() == other._key()

    def __hash__(self):
        return hash(self._key())

    def background(self, params):
        """The background polynomial alone (signal unit)."""
        echo = get_path(params, self.path) if self.path else params
        u = (jnp.asarray(self.delays) - self.t_mid) / self.t_half
        return sum(c * u**k for k, c in enumerate(echo.background))

    def __call__(self, params):
        echo = get_path(params, self.path) if self.path else params
        return self.background(params) + echo_signal(echo, jnp.asarray(self.delays), self.config)
