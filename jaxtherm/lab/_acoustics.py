"""Picosecond acoustics: metal transducer thickness from the acoustic echo in early delays.

The pump launches a longitudinal strain pulse at the transducer surface; it crosses the
film, reflects at the film/substrate interface and returns to the probed surface after
the round trip

    t_echo = 2 d / v_L,   so   d = v_L t_echo / 2,

where it changes the reflectance for a few picoseconds on top of the smooth thermal
decay. `find_echo` fits, inside a window around the expected time, a smooth background
(a polynomial in the delay) plus an echo shape:

* `"gaussian_derivative"` (default): `A sqrt(e) (-(t - t_e)/tau) exp(-(t - t_e)^2 / (2 tau^2))`,
  a bipolar echo whose extrema are +-A at t_e -+ tau; t_e is its zero crossing, the
  arrival of the strain pulse's centre (the shape of a bipolar Thomsen strain pulse seen
  through a finite optical depth);
* `"gaussian"`: `A exp(-(t - t_e)^2 / (2 tau^2))`, a unipolar echo with t_e at its peak.

The time origin is the pump-probe coincidence (t = 0 of the delay axis); a t0 error adds
directly to t_echo (give `time_zero_uncertainty`).
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from .._validation import check_choice, check_finite, check_nonnegative, check_positive
from ..fit import Trace, fit_traces
from ._echo_model import _MAX_PLAUSIBLE_DELAY, ECHO_SHAPES, _check_delays
from ._echo_model import EchoConfig as EchoConfig
from ._echo_model import EchoModel as EchoModel
from ._echo_model import EchoNotFoundError as EchoNotFoundError
from ._echo_model import EchoParams as EchoParams
from ._echo_model import echo_signal as echo_signal
from ._sound_speeds import LONGITUDINAL_SOUND_SPEEDS as LONGITUDINAL_SOUND_SPEEDS
from ._sound_speeds import SoundSpeed as SoundSpeed

__all__ = [
    "SoundSpeed",
    "LONGITUDINAL_SOUND_SPEEDS",
    "EchoParams",
    "EchoConfig",
    "EchoModel",
    "EchoFit",
    "ThicknessResult",
    "EchoNotFoundError",
    "echo_signal",
    "find_echo",
    "transducer_thickness",
]


@dataclasses.dataclass(frozen=True)
class EchoFit:
    """Outcome of `find_echo` (SI; `_error` = 1-sigma).

    - `echo_time`, `echo_time_error` (s); `width`, `width_error` (s);
    - `amplitude`, `amplitude_error` (signal unit); `significance` = |A| / sigma_A;
    - `window`: (start, end) of the fitted delays (s); `params`: fitted `EchoParams`;
    - `model`: the `EchoModel`; `fit`: the `jaxtherm.fit.TraceFitResult`.
    """

    echo_time: float
    echo_time_error: float
    width: float
    width_error: float
    amplitude: float
    amplitude_error: float
    significance: float
    window: tuple
    params: EchoParams
    model: EchoModel
    fit: object


@dataclasses.dataclass(frozen=True)
class ThicknessResult:
    """Outcome of `transducer_thickness`.

    - `thickness`, `thickness_error`: d = v_L t_echo / 2 and its 1-sigma (m), from the
      echo time, time-zero and sound-speed uncertainties in quadrature;
    - `sound_speed`, `sound_speed_error` (m/s); `echo`: the `EchoFit`.
    """

    thickness: float
    thickness_error: float
    sound_speed: float
    sound_speed_error: float
    echo: EchoFit


def _design(delays, t_mid, t_half, degree, centre, width, shape):
    u = (delays - t_mid) / t_half
    columns = [u**k for k in range(degree + 1)]
    probe = EchoParams(echo_time=centre, width=width, amplitude=1.0)
    columns.append(np.asarray(echo_signal(probe, delays, EchoConfig(shape))))
    return np.stack(columns, axis=1)


def _scan_start(delays, values, model, degree, width, shape, lower, upper):
    """Linear least squares of background + unit echo at each candidate time; best one."""
    best = None
    for centre in delays[(delays > lower) & (delays < upper)]:
        a = _design(delays, model.t_mid, model.t_half, degree, centre, width, shape)
        coeffs, *_ = np.linalg.lstsq(a, values, rcond=None)
        cost = float(np.sum((a @ coeffs - values) ** 2))
        if best is None or cost < best[0]:
            best = (cost, float(centre), coeffs)
    return best


def _check_echo_inputs(
    delays, values, window, expected_time, sigma, shape, width_guess, background_degree, min_significance
):
    """Validate `find_echo`'s inputs; returns (delays, values, start, end) with the window in s."""
    delays = _check_delays(delays)
    values = np.asarray(values, dtype=float)
    if values.shape != delays.shape:
        raise ValueError(f"values must have the shape of delays {delays.shape}, got {values.shape}")
    check_finite("values", values, "signal unit")
    check_choice("shape", shape, ECHO_SHAPES)
    check_positive("width_guess", width_guess, "s")
    check_positive("min_significance", min_significance, "dimensionless")
    if isinstance(background_degree, bool) or not isinstance(background_degree, int) or not 0 <= background_degree <= 6:
        raise ValueError(f"background_degree must be an integer in 0..6, got {background_degree!r}")
    if sigma is not None:
        check_positive("sigma", sigma, "signal unit (the unit of values)")
    if window is None:
        if expected_time is None:
            raise TypeError("find_echo needs window=(start, end) (s) or expected_time (s)")
        check_positive("expected_time", expected_time, "s")
        window = (0.6 * expected_time, 1.4 * expected_time)
    start, end = (float(w) for w in window)
    for name, value in (("window start", start), ("window end", end)):
        check_nonnegative(name, value, "s")
        if value > _MAX_PLAUSIBLE_DELAY:
            raise ValueError(f"{name} = {value:g} s; delays are in seconds (e.g. 30 ps is 30e-12)")
    if not end > start:
        raise ValueError(f"window must satisfy start < end (s), got {window!r}")
    return delays, values, start, end


def _initial_echo(t, y, model, background_degree, width_guess, shape, start, end):
    """Starting `EchoParams` from a linear scan of the echo centre; returns (initial, width bounds)."""
    span = float(t[-1] - t[0])
    width_guess = min(width_guess, span / 10)
    # Keep the echo centre one guess-width inside the window so the shape is seen whole.
    lower_t, upper_t = float(t[0]) + width_guess, float(t[-1]) - width_guess
    best = _scan_start(t, y, model, background_degree, width_guess, shape, lower_t, upper_t)
    if best is None:
        raise EchoNotFoundError(f"the window {start:g}-{end:g} s is too short for an echo of width {width_guess:g} s")
    _, centre, coeffs = best
    initial = EchoParams(
        echo_time=centre,
        width=width_guess,
        amplitude=float(coeffs[-1]),
        background=tuple(float(c) for c in coeffs[:-1]),
    )
    width_bounds = (0.1 * width_guess, span / 6)
    initial_width = float(np.clip(width_guess, 1.01 * width_bounds[0], 0.99 * width_bounds[1]))
    initial = dataclasses.replace(initial, width=initial_width)
    if initial.amplitude == 0.0:
        initial = dataclasses.replace(initial, amplitude=1e-12 * max(float(np.ptp(y)), 1e-300))
    return initial, width_bounds


def _check_echo_found(fit, t, start, end, min_significance) -> float:
    """Raise `EchoNotFoundError` unless the fitted echo converged, is significant and inside; returns |A|/sigma_A."""
    v, e = fit.values, fit.standard_errors
    significance = abs(v["amplitude"]) / e["amplitude"] if e["amplitude"] > 0 else float("inf")
    where = f"in the window {start * 1e12:.4g}-{end * 1e12:.4g} ps"
    if not fit.converged or not np.isfinite(significance):
        raise EchoNotFoundError(f"no acoustic echo found {where}: the echo fit did not converge")
    if significance < min_significance:
        raise EchoNotFoundError(
            f"no acoustic echo found {where}: fitted amplitude {v['amplitude']:.3g} +- {e['amplitude']:.2g} is "
            f"{significance:.2f} sigma, below min_significance = {min_significance:g}"
        )
    if v["echo_time"] - 1.5 * v["width"] < t[0] or v["echo_time"] + 1.5 * v["width"] > t[-1]:
        raise EchoNotFoundError(
            f"no acoustic echo found {where}: the best echo sits at its edge ({v['echo_time'] * 1e12:.4g} ps, width "
            f"{v['width'] * 1e12:.3g} ps); widen or move the window"
        )
    return float(significance)


def find_echo(
    delays,
    values,
    *,
    window: tuple | None = None,
    expected_time: float | None = None,
    sigma=None,
    shape: str = "gaussian_derivative",
    width_guess: float = 1.5e-12,
    background_degree: int = 3,
    min_significance: float = 5.0,
) -> EchoFit:
    """Locate the acoustic echo in early-delay data by fitting background + echo shape.

    **Arguments:**

    - `delays`: pump-probe delays (s), 1-D increasing.
    - `values`: measured signal (V_in, Delta R/R, ... any unit), same shape.
    - `window`: (start, end) delays (s) searched; or give `expected_time` (s) and the window
      is (0.6, 1.4) x expected_time (it avoids the coherent artefact at t = 0 and the
      second echo at 2 t_echo).
    - `sigma`: 1-sigma noise of `values` (same unit); None: estimated from the residuals.
    - `shape`: `"gaussian_derivative"` (bipolar) or `"gaussian"` (unipolar), see module.
    - `width_guess`: starting echo width tau (s).
    - `background_degree`: degree of the background polynomial (static; 0-6).
    - `min_significance`: refuse (raise `EchoNotFoundError`) below this |A| / sigma_A.

    **Returns:** an `EchoFit`. Raises `EchoNotFoundError` (a `ValueError`) when the fitted
    echo is not significant, sits at the window's edge, or the fit does not converge.
    """
    delays, values, start, end = _check_echo_inputs(
        delays, values, window, expected_time, sigma, shape, width_guess, background_degree, min_significance
    )
    inside = (delays >= start) & (delays <= end)
    n_free = background_degree + 4
    if np.count_nonzero(inside) < 2 * n_free:
        raise ValueError(
            f"the window {start:g}-{end:g} s holds {np.count_nonzero(inside)} delays; at least {2 * n_free} are "
            f"needed for a degree-{background_degree} background plus an echo"
        )
    t, y = delays[inside], values[inside]
    model = EchoModel(t, EchoConfig(shape))
    initial, width_bounds = _initial_echo(t, y, model, background_degree, width_guess, shape, start, end)
    free = ["echo_time", "width", "amplitude"] + [f"background[{k}]" for k in range(background_degree + 1)]
    trace = Trace(model=model, data=y, sigma=1.0 if sigma is None else sigma, name="echo", x=t)
    fit = fit_traces(
        initial,
        [trace],
        free,
        positive=False,
        lower={"echo_time": float(t[0]), "width": width_bounds[0]},
        upper={"echo_time": float(t[-1]), "width": width_bounds[1]},
        absolute_sigma=sigma is not None,
        warn_degenerate=False,
    )
    significance = _check_echo_found(fit, t, start, end, min_significance)
    v, e = fit.values, fit.standard_errors
    params = EchoParams(
        echo_time=v["echo_time"],
        width=v["width"],
        amplitude=v["amplitude"],
        background=tuple(v[f"background[{k}]"] for k in range(background_degree + 1)),
    )
    return EchoFit(
        echo_time=v["echo_time"],
        echo_time_error=e["echo_time"],
        width=v["width"],
        width_error=e["width"],
        amplitude=v["amplitude"],
        amplitude_error=e["amplitude"],
        significance=significance,
        window=(float(t[0]), float(t[-1])),
        params=params,
        model=model,
        fit=fit,
    )


def transducer_thickness(
    delays,
    values,
    *,
    material: str | None = None,
    sound_speed: float | None = None,
    sound_speed_uncertainty: float | None = None,
    expected_thickness: float | None = None,
    window: tuple | None = None,
    time_zero_uncertainty: float = 0.0,
    **echo_options,
) -> ThicknessResult:
    """Transducer thickness d = v_L t_echo / 2 from the acoustic echo, with its uncertainty.

    **Arguments:**

    - `delays` (s), `values` (signal unit): the early-delay data.
    - `material`: a key of `LONGITUDINAL_SOUND_SPEEDS` ("Al", "Au", "Pt", "Cu", "W"), or
      give `sound_speed` (m/s) and optionally `sound_speed_uncertainty` (m/s, 1-sigma).
    - `expected_thickness`: nominal thickness (m); sets the search window around
      2 d / v_L unless `window` (s) is given.
    - `time_zero_uncertainty`: 1-sigma uncertainty of t = 0 (s), added to t_echo's.
    - `echo_options`: passed to `find_echo` (sigma, shape, width_guess, ...).

    **Returns:** a `ThicknessResult`. Raises `EchoNotFoundError` when no echo is found.
    """
    if (material is None) == (sound_speed is None):
        raise TypeError("give exactly one of material (e.g. 'Al') or sound_speed (m/s)")
    if material is not None:
        if material not in LONGITUDINAL_SOUND_SPEEDS:
            raise ValueError(
                f"material {material!r} has no tabulated sound speed; known: {sorted(LONGITUDINAL_SOUND_SPEEDS)} "
                f"(or pass sound_speed in m/s)"
            )
        entry = LONGITUDINAL_SOUND_SPEEDS[material]
        speed = entry.value
        speed_error = entry.relative_uncertainty * speed if sound_speed_uncertainty is None else sound_speed_uncertainty
    else:
        speed = float(sound_speed)
        speed_error = 0.0 if sound_speed_uncertainty is None else sound_speed_uncertainty
    check_positive("sound_speed", speed, "m/s")
    if not 500.0 < speed < 20000.0:
        raise ValueError(f"sound_speed = {speed:g} m/s is outside 500-20000 m/s; it is in m/s (Al: 6420)")
    check_nonnegative("sound_speed_uncertainty", speed_error, "m/s")
    check_nonnegative("time_zero_uncertainty", time_zero_uncertainty, "s")
    expected_time = None
    if expected_thickness is not None:
        check_positive("expected_thickness", expected_thickness, "m")
        if expected_thickness > 1e-4:
            raise ValueError(
                f"expected_thickness = {expected_thickness:g} m; thicknesses are in metres (80 nm is 80e-9)"
            )
        expected_time = 2.0 * expected_thickness / speed
    echo = find_echo(delays, values, window=window, expected_time=expected_time, **echo_options)
    thickness = 0.5 * speed * echo.echo_time
    time_error = math.hypot(echo.echo_time_error, time_zero_uncertainty)
    thickness_error = thickness * math.hypot(time_error / echo.echo_time, speed_error / speed)
    return ThicknessResult(
        thickness=thickness,
        thickness_error=thickness_error,
        sound_speed=speed,
        sound_speed_error=speed_error,
        echo=echo,
    )
