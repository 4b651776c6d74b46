"""After a `jaxtherm fit`: refit with the other delay-stage convention and say which explains the data.

With the pump on the delay stage the lock-in signal is multiplied by exp(i omega_mod t);
fitting such data with the probe convention still gives a smooth, good-looking fit, but
with conductivities off by up to 3x. Refitting with the other convention and comparing
chi^2 catches a wrong statement: the other convention is reported as preferred when its
chi^2 is lower by more than `PREFERENCE_FACTOR`.
"""

from __future__ import annotations

import dataclasses
import warnings

from ..fit import fit_traces
from ..tdtr import TdtrModel

__all__ = ["check_delay_stage", "PREFERENCE_FACTOR"]

#: chi^2(stated) / chi^2(other) above which the other convention is reported as the better one.
PREFERENCE_FACTOR = 2.0
_OTHER = {"pump": "probe", "probe": "pump"}


def _flipped(trace):
    model = trace.model
    if not isinstance(model, TdtrModel):
        return None
    setup = model.setup.replace(delay_stage=_OTHER[model.setup.delay_stage])
    flipped = TdtrModel(
        setup,
        model.delays,
        model.observable,
        stack_path=model.stack_path,
        resistance_names=model.resistance_names,
        resistance_path=model.resistance_path,
        amplitude_path=model.amplitude_path,
        phase_offset_path=model.phase_offset_path,
        time_shift_path=model.time_shift_path,
        beams_path=model.beams_path,
    )
    return dataclasses.replace(trace, model=flipped)


def check_delay_stage(params, traces, free, options, result) -> dict | None:
    """Refit `traces` with every trace's delay stage swapped, from the same starting values.

    **Arguments:** `params`, `traces`, `free`, `options` (keyword arguments of `fit_traces`)
    of the fit just done, and its `result` (a `TraceFitResult`).

    **Returns:** None when a trace is not a TDTR trace, else a dict with `stated` and
    `other` (the conventions), `chi2`, `chi2_other`, `chi2_ratio` (stated / other),
    `prefers_other` (ratio > `PREFERENCE_FACTOR`), the refitted `values_other` and a
    one-line `message` (starting with "WARNING:" when `prefers_other`).
    """
    flipped = [_flipped(t) for t in traces]
    if any(t is None for t in flipped):
        return None
    stated = sorted({t.model.setup.delay_stage for t in traces})
    other = sorted({t.model.setup.delay_stage for t in flipped})
    refit_options = {k: v for k, v in options.items() if k != "fixed_uncertainties"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:  # same starting values as the stated fit: a fair comparison
            refit = fit_traces(params, flipped, free, warn=False, warn_degenerate=False, **refit_options)
        except (ValueError, TypeError, FloatingPointError) as exc:
            message = f"delay-stage check: the refit with the other convention failed ({exc})"
            return {"stated": "/".join(stated), "other": "/".join(other), "prefers_other": False, "message": message}
    ratio = result.chi2 / refit.chi2 if refit.chi2 > 0 else float("inf")
    prefers_other = bool(ratio > PREFERENCE_FACTOR)
    text = f"delay_stage = {'/'.join(stated)!r} (stated): chi2 = {result.chi2:.6g}; refit with delay_stage = " + (
        f"{'/'.join(other)!r}: chi2 = {refit.chi2:.6g}"
    )
    if prefers_other:
        message = (
            f"WARNING: {text} - the other convention explains the data {ratio:.3g}x better; check which beam "
            f"passes the delay stage (values with the other convention: "
            + ", ".join(f"{k} = {v:.4g}" for k, v in refit.values.items())
            + ")"
        )
    else:
        message = f"delay-stage check: {text} (the stated convention is not contradicted)"
    return {
        "stated": "/".join(stated),
        "other": "/".join(other),
        "chi2": float(result.chi2),
        "chi2_other": float(refit.chi2),
        "chi2_ratio": float(ratio),
        "prefers_other": prefers_other,
        "values_other": {k: float(v) for k, v in refit.values.items()},
        "message": message,
    }
