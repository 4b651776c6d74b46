"""The optional `[sample]` table of a `jaxtherm fit` TOML file: posterior sampling after the fit.

```toml
[sample]                     # optional; NUTS chains start from the fit's optimum (or optima)
chains = 4                   # vmapped chains
warmup = 500                 # window-adaptation steps per chain
draws = 500                  # draws per chain after warm-up
seed = 0
noise = "known"              # "known": the traces' sigmas are absolute; "fitted": a noise scale per trace
[sample.priors]              # optional, per free parameter (SI); default log-uniform over
                             # two decades either side of the fitted value
"W/Al2O3" = {kind = "log_uniform", lower = 1e-10, upper = 1e-7}
"quartz.conductivity" = {kind = "normal", mean = 1.4, sd = 0.1}
```

The fixed uncertainties of `[fit.fixed_uncertainties]` are marginalised as Gaussian
nuisance parameters. The report gains the posterior table (median, 68/95 % credible
intervals, R-hat, ESS, mode masses), `fit_results.json` a `"sample"` entry, and the
output folder `posterior_corner.png`.
"""

from __future__ import annotations

import json
import os
import tomllib

from ..fit import Prior, plot_corner, sample
from ._toml import ConfigError, Reader

__all__ = ["read_sample_table", "run_sample_table", "SAMPLE_OUTPUT"]

#: File the `[sample]` table adds to the output folder.
SAMPLE_OUTPUT = "posterior_corner.png"

_SAMPLE_KEYS = {"chains", "warmup", "draws", "seed", "noise", "priors", "target_acceptance", "max_tree_depth"}
_PRIOR_FIELDS = {"log_uniform": ("lower", "upper"), "uniform": ("lower", "upper"), "normal": ("mean", "sd")}
_LIMITS = {"chains": 1, "warmup": 10, "draws": 4, "seed": 0, "max_tree_depth": 1}
_TO_ARGUMENT = {"chains": "n_chains", "warmup": "n_warmup", "draws": "n_draws", "seed": "seed"}


def _prior(r: Reader, name, value) -> Prior:
    where = f"[sample.priors] {name!r}"
    table = r.table(where, value)
    kind = r.string(where, "kind", r.require(where, table, "kind"))
    if kind not in _PRIOR_FIELDS:
        raise ConfigError(f"{r.path}: {where}: 'kind' must be one of {sorted(_PRIOR_FIELDS)}, got {kind!r}")
    fields = _PRIOR_FIELDS[kind]
    r.unknown(where, table, {"kind", *fields})
    numbers = [r.number(where, key, r.require(where, table, key), "SI unit of the parameter") for key in fields]
    try:
        return getattr(Prior, kind)(*numbers)
    except ValueError as exc:
        raise ConfigError(f"{r.path}: {where}: {exc}") from exc


def _settings(r: Reader, table) -> dict:
    options = {}
    for key, minimum in _LIMITS.items():
        if key in table:
            value = r.integer("[sample]", key, table[key])
            if value < minimum:
                raise ConfigError(f"{r.path}: [sample]: {key!r} must be >= {minimum}, got {value}")
            options[_TO_ARGUMENT.get(key, key)] = value
    if "noise" in table:
        noise = r.string("[sample]", "noise", table["noise"])
        if noise not in ("known", "fitted"):
            raise ConfigError(f'{r.path}: [sample]: \'noise\' must be "known" or "fitted", got {noise!r}')
        options["noise"] = noise
    if "target_acceptance" in table:
        value = r.number("[sample]", "target_acceptance", table["target_acceptance"])
        if not 0 < value < 1:
            raise ConfigError(f"{r.path}: [sample]: 'target_acceptance' must lie in (0, 1), got {value}")
        options["target_acceptance"] = value
    return options


def read_sample_table(path, free) -> dict | None:
    """The `sample` keyword arguments of the `[sample]` table of `path`, or None without one.

    **Arguments:**

    - `path`: the TOML configuration; `free`: dict name -> path of the fitted parameters.

    **Raises:** `ConfigError` naming the file and the key (read before any fit runs).
    """
    path = os.fspath(path)
    with open(path, "rb") as handle:
        config = tomllib.load(handle)
    if "sample" not in config:
        return None
    r = Reader(path)
    table = r.table("[sample]", config["sample"])
    r.unknown("[sample]", table, _SAMPLE_KEYS)
    options = _settings(r, table)
    priors = {}
    for name, value in r.table("[sample.priors]", table.get("priors", {})).items():
        if name not in free:
            raise ConfigError(f"{path}: [sample.priors] names {name!r}, which is not in [fit] free {sorted(free)}")
        priors[name] = _prior(r, name, value)
    if priors:
        options["priors"] = priors
    return options


def _corner(filename, result):
    plot_corner(result).savefig(filename, dpi=100)


def run_sample_table(sampling, params, traces, free, fit_options, fit, out, out_dir, verbose) -> dict:
    """Sample the posterior when the file has a `[sample]` table; add it to `out` and rewrite the JSON.

    **Arguments:** `sampling` from `read_sample_table` (None: nothing to do); `params`,
    `traces`, `free`, `fit_options` (the `fit_traces` keywords), `fit` (its result), `out`
    (the record written to `fit_results.json` in `out_dir`), `verbose` (print the table).

    **Returns:** `out`, with `"sample"` (intervals, R-hat, ESS, modes, warnings) when sampled.
    """
    if sampling is None:
        return out
    options = {k: v for k, v in fit_options.items() if k in ("positive", "lower", "upper")}
    # A fixed uncertainty of 0 is no nuisance parameter: the value stays fixed.
    nuisances = {k: v for k, v in fit_options.get("fixed_uncertainties", {}).items() if v > 0}
    result = sample(params, traces, free, fit=fit, fixed_uncertainties=nuisances, **options, **sampling)
    out = dict(out, sample=result.as_dict())
    with open(os.path.join(out_dir, "fit_results.json"), "w", encoding="utf-8") as handle:
        json.dump(out, handle, indent=2, default=float)
    _corner(os.path.join(out_dir, SAMPLE_OUTPUT), result)
    if verbose:
        print(result.summary())
        print(f"wrote {SAMPLE_OUTPUT} to {out_dir}")
    return out
