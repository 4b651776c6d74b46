"""Knife-edge measurement of a Gaussian beam's 1/e^2 intensity radius.

A knife edge moving across a Gaussian beam of total power `P`, centred at `x0`,

    I(x, y) = 2 P / (pi w^2) exp(-2 ((x - x0)^2 + y^2) / w^2),

transmits, when it covers the half-plane x < s (`knife_covers="below"`),

    P_t(s) = offset + (P / 2) erfc(sqrt(2) (s - x0) / w),

and `offset + (P / 2) erfc(-sqrt(2) (s - x0) / w)` when it covers x > s. The radius `w` is
the 1/e^2 *intensity* radius, the same definition as `jaxtherm.tdtr.Setup`'s
`pump_radius` / `probe_radius` (w0, w1). Conversions: FWHM of the intensity
= w sqrt(2 ln 2) = 1.1774 w; 1/e intensity radius = w / sqrt(2); the 10 %-90 % knife
distance = 1.2816 w.
"""

from __future__ import annotations

import dataclasses
import math

import jax.numpy as jnp
import jax.scipy.special as jsp
import numpy as np

from .._pytree import pytree_dataclass
from .._validation import check_choice, check_finite, check_positive
from ..fit import Trace, fit_traces, get_path

__all__ = [
    "KnifeEdgeParams",
    "KnifeEdgeConfig",
    "KnifeEdgeModel",
    "KnifeEdgeResult",
    "knife_edge_power",
    "fit_knife_edge",
    "fwhm_from_radius",
    "radius_from_fwhm",
]

#: FWHM of the intensity profile divided by the 1/e^2 intensity radius: sqrt(2 ln 2).
FWHM_PER_RADIUS = math.sqrt(2.0 * math.log(2.0))

# Knife positions beyond this (m) are almost surely micrometres or millimetres passed as
# metres; a knife-edge stage scans millimetres at most.
_MAX_PLAUSIBLE_POSITION = 0.1


@pytree_dataclass
class KnifeEdgeParams:
    """Gaussian beam seen by a knife edge (a pytree: fit, differentiate, vmap).

    **Attributes:**

    - `radius`: 1/e^2 intensity radius w (m), as `jaxtherm.tdtr.Setup.pump_radius`.
    - `center`: beam centre x0 along the knife's travel (m).
    - `power`: total beam power P (the detector's unit, e.g. W or V).
    - `offset`: detector offset / background (same unit as `power`).
    """

    radius: float
    center: float
    power: float
    offset: float = 0.0


@dataclasses.dataclass(frozen=True)
class KnifeEdgeConfig:
    """Static choice: which side of the knife position the blade covers.

    - `knife_covers`: `"below"` (blade covers x < position: power falls with position) or
      `"above"` (blade covers x > position: power rises with position).
    """

    knife_covers: str = "below"

    def __post_init__(self):
        check_choice("knife_covers", self.knife_covers, ("below", "above"))


def knife_edge_power(params: KnifeEdgeParams, positions, config: KnifeEdgeConfig = KnifeEdgeConfig()):
    """Transmitted power past a knife edge at each position (the erfc of the module docstring).

    **Arguments:**

    - `params`: a `KnifeEdgeParams` (SI).
    - `positions`: knife positions (m), any shape.
    - `config`: a `KnifeEdgeConfig`.

    **Returns:** transmitted power (unit of `params.power`), shape of `positions`.
    """
    sign = 1.0 if config.knife_covers == "below" else -1.0
    s = sign * math.sqrt(2.0) * (jnp.asarray(positions) - params.center) / params.radius
    return params.offset + 0.5 * params.power * jsp.erfc(s)


def _check_positions(positions) -> np.ndarray:
    positions = np.asarray(positions, dtype=float)
    if positions.ndim != 1 or positions.size < 5:
        raise ValueError(
            f"positions must be a 1-D array of at least 5 knife positions (m), got shape {positions.shape}"
        )
    check_finite("positions", positions, "m")
    if np.max(np.abs(positions)) > _MAX_PLAUSIBLE_POSITION:
        raise ValueError(
            f"positions reach {np.max(np.abs(positions)):g} m; knife positions are in metres "
            f"(e.g. 25 um is 25e-6) - did you pass micrometres or millimetres?"
        )
    return positions


class KnifeEdgeModel:
    """Trace model: transmitted power at fixed knife positions from a parameter pytree.

    **Arguments:**

    - `positions`: knife positions (m), 1-D.
    - `config`: a `KnifeEdgeConfig`.
    - `path`: path of the `KnifeEdgeParams` inside the parameter pytree (`""`: the pytree
      is the `KnifeEdgeParams`), e.g. `"pump_beam"` in a joint fit.

    Models compare and hash by value, so repeated fits of scans on the same positions
    reuse one compiled solver.
    """

    def __init__(self, positions, config: KnifeEdgeConfig = KnifeEdgeConfig(), *, path: str = ""):
        if not isinstance(config, KnifeEdgeConfig):
            raise TypeError(f"config must be a KnifeEdgeConfig, got {config!r}")
        self.positions = _check_positions(positions)
        self.config = config
        self.path = path

    def _key(self):
        return (self.positions.tobytes(), self.positions.shape, self.config, self.path)

    def __eq__(self, other):
        return isinstance(other, KnifeEdgeModel) and self._key() == other._key()

    def __hash__(self):
        return hash(self._key())

    def __call__(self, params):
        beam = get_path(params, self.path) if self.path else params
        return knife_edge_power(beam, jnp.asarray(self.positions), self.config)


@dataclasses.dataclass(frozen=True)
class KnifeEdgeResult:
    """Outcome of `fit_knife_edge` (SI; `_error` fields are 1-sigma).

    **Attributes:**

    - `radius`, `radius_error`: 1/e^2 intensity radius w and its uncertainty (m).
    - `fwhm`, `fwhm_error`: intensity FWHM = 1.1774 w and its uncertainty (m).
    - `center`, `center_error`: beam centre (m).
    - `power`, `power_error`, `offset`, `offset_error`: detector units.
    - `params`: the fitted `KnifeEdgeParams`; `config`: the `KnifeEdgeConfig` used.
    - `fit`: the underlying `jaxtherm.fit.TraceFitResult` (covariance, residuals, chi^2).
    """

    radius: float
    radius_error: float
    fwhm: float
    fwhm_error: float
    center: float
    center_error: float
    power: float
    power_error: float
    offset: float
    offset_error: float
    params: KnifeEdgeParams
    config: KnifeEdgeConfig
    fit: object


def fwhm_from_radius(radius):
    """Intensity FWHM (m) of a Gaussian beam from its 1/e^2 intensity radius `radius` (m)."""
    return FWHM_PER_RADIUS * radius


def radius_from_fwhm(fwhm):
    """1/e^2 intensity radius (m) of a Gaussian beam from its intensity FWHM `fwhm` (m)."""
    return fwhm / FWHM_PER_RADIUS


def _trapezoid(y, x):
    return float(np.sum(0.5 * (y[1:] + y[:-1]) * np.diff(x)))


def _initial_guess(positions, power, knife_covers):
    """Moment-free starting values robust to noise: areas rather than threshold crossings."""
    order = np.argsort(positions)
    x, p = positions[order], power[order]
    lo_level = np.mean(p[-3:]) if knife_covers == "below" else np.mean(p[:3])
    hi_level = np.mean(p[:3]) if knife_covers == "below" else np.mean(p[-3:])
    total = hi_level - lo_level
    if not total > 0:
        total = max(float(np.ptp(p)), 1e-300)
    fraction = (p - lo_level) / total
    covered = fraction if knife_covers == "below" else 1.0 - fraction
    # The integral of the transmitted fraction over the scan equals the distance from the
    # scan's start to the centre; the integral of |fraction - step| equals w / sqrt(2 pi).
    center = x[0] + _trapezoid(covered, x)
    center = float(np.clip(center, x[0], x[-1]))
    step = (x < center).astype(float)
    radius = math.sqrt(2 * math.pi) * _trapezoid(np.abs(covered - step), x)
    spacing = float(np.min(np.diff(x))) if x.size > 1 else 1e-6
    radius = float(np.clip(radius, 0.5 * spacing, x[-1] - x[0]))
    return radius, center, float(total), float(lo_level)


def fit_knife_edge(
    positions,
    power,
    *,
    sigma=None,
    knife_covers: str | None = None,
    initial: KnifeEdgeParams | None = None,
) -> KnifeEdgeResult:
    """Fit a knife-edge scan and return the beam's 1/e^2 intensity radius with its uncertainty.

    **Arguments:**

    - `positions`: knife positions (m), 1-D, at least 5.
    - `power`: transmitted power at each position (detector unit: W, V, counts).
    - `sigma`: 1-sigma noise of `power` (same unit), scalar or per point. If given the
      uncertainties trust it (absolute); if None the noise is estimated from the residual
      scatter (the covariance is scaled by the reduced chi^2).
    - `knife_covers`: `"below"`/`"above"` (see `KnifeEdgeConfig`); None: from the scan's
      trend (power falling with position = `"below"`).
    - `initial`: optional starting `KnifeEdgeParams`; default from the scan's areas.

    **Returns:** a `KnifeEdgeResult` (radius, FWHM, centre, power, offset, each +- sigma).
    """
    positions = _check_positions(positions)
    power = np.asarray(power, dtype=float)
    if power.shape != positions.shape:
        raise ValueError(f"power must have the shape of positions {positions.shape}, got {power.shape}")
    check_finite("power", power, "detector unit")
    if np.unique(positions).size < 5:
        raise ValueError("positions must contain at least 5 distinct knife positions (m)")
    if sigma is not None:
        check_positive("sigma", sigma, "detector unit (the unit of power)")
    if knife_covers is None:
        slope = np.polyfit(positions, power, 1)[0]
        knife_covers = "below" if slope < 0 else "above"
    config = KnifeEdgeConfig(knife_covers=knife_covers)
    if initial is None:
        radius, center, total, offset = _initial_guess(positions, power, knife_covers)
        initial = KnifeEdgeParams(radius=radius, center=center, power=total, offset=offset)
    elif not isinstance(initial, KnifeEdgeParams):
        raise TypeError(f"initial must be a KnifeEdgeParams (SI: radius and center in m), got {initial!r}")
    else:
        check_positive("initial.radius", initial.radius, "m")
        check_positive("initial.power", initial.power, "detector unit")
    initial = KnifeEdgeParams(*(float(v) for v in (initial.radius, initial.center, initial.power, initial.offset)))

    model = KnifeEdgeModel(positions, config)
    trace = Trace(model=model, data=power, sigma=1.0 if sigma is None else sigma, name="knife edge", x=positions)
    fit = fit_traces(
        initial,
        [trace],
        ["radius", "center", "power", "offset"],
        positive={"radius": True, "center": False, "power": True, "offset": False},
        absolute_sigma=sigma is not None,
        warn_degenerate=False,
    )
    v, e = fit.values, fit.standard_errors
    best = KnifeEdgeParams(radius=v["radius"], center=v["center"], power=v["power"], offset=v["offset"])
    return KnifeEdgeResult(
        radius=v["radius"],
        radius_error=e["radius"],
        fwhm=float(fwhm_from_radius(v["radius"])),
        fwhm_error=float(fwhm_from_radius(e["radius"])),
        center=v["center"],
        center_error=e["center"],
        power=v["power"],
        power_error=e["power"],
        offset=v["offset"],
        offset_error=e["offset"],
        params=best,
        config=config,
        fit=fit,
    )
