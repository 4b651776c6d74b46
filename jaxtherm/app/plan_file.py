"""`jaxtherm plan CONFIG`: which measurement setup determines the target parameters best?

For a sample stack and candidate setups (modulation frequency, spot sizes, observable,
heated/probed planes, noise per point) the predicted 1-sigma uncertainty of each target
parameter, from the exact Jacobian at the assumed values plus the propagated
uncertainties of the inputs held fixed (see `jaxtherm.app._plan_math`). Setups are ranked
by the largest relative uncertainty among the targets ("can I measure all of them, and
with which setup best?"). See `examples/plan_config.toml`:

```toml
[[layers]] / [resistances]   # as in `jaxtherm fit` (material names allowed)
[setup]                      # shared by all setups; any key may be overridden per setup
repetition_rate = 80e6
delay_stage = "pump"         # required: "pump" or "probe"
[plan]
targets = ["Si.conductivity", "Al/Si"]      # "<layer>.<field>" or resistance names
interfaces = ["Al/Si"]                      # resistance name per interface, top first
delays = [100e-12, 4e-9]                    # s, first and last delay
n_delays = 30                               # log-spaced
[plan.fixed_uncertainties]                  # 1-sigma (SI) of inputs held fixed
"Al.thickness" = 2e-9
[[setups]]
name = "1 MHz, 10 um"
modulation_frequency = 1e6
pump_radius = 10e-6
probe_radius = 10e-6
observable = "ratio"                        # phase | ratio | v_in_normalised
sigma = 0.01                                # 1-sigma noise per point (unit of the observable)
```
"""

from __future__ import annotations

import json
import os

import numpy as np

from .. import tdtr
from ..tdtr._params import validate_stack
from ._config_layers import LAYER_FIELDS, read_layers, read_resistances
from ._config_traces import _SETUP_KEYS, _setup_values
from ._output import prepare_output_dir
from ._plan_math import predict_uncertainty
from ._toml import ConfigError, Reader
from .config_file import _read_toml

__all__ = ["run_plan", "load_plan", "PLAN_OUTPUTS"]

#: Files `run_plan` writes into its output folder.
PLAN_OUTPUTS = ("plan_results.json",)
_PLAN_KEYS = {"targets", "interfaces", "delays", "n_delays", "fixed_uncertainties"}
_SETUP_ENTRY_KEYS = {"name", "observable", "sigma", *_SETUP_KEYS}
_OBSERVABLES = ("phase", "ratio", "v_in_normalised")


def _path_of(r: Reader, where, key, layer_names, resistances) -> str:
    if key in resistances:
        return f"itr['{key}']"
    layer, _, field = str(key).rpartition(".")
    if layer in layer_names and field in LAYER_FIELDS:
        return f"stack.layers[{layer_names.index(layer)}].{field}"
    raise ConfigError(
        f"{r.path}: {where}: {key!r} is neither a resistance name {sorted(resistances)} nor '<layer>.<field>' with "
        f"layer in {layer_names} and field in {list(LAYER_FIELDS)}"
    )


def _plan_table(r: Reader, config, layer_names, resistances, n_interfaces) -> dict:
    plan = r.table("[plan]", r.require("the top level", config, "plan"))
    r.unknown("[plan]", plan, _PLAN_KEYS)
    targets = r.require("[plan]", plan, "targets")
    if not isinstance(targets, list) or not targets:
        raise ConfigError(f"{r.path}: [plan]: 'targets' must be a non-empty list of parameter names, got {targets!r}")
    targets = {
        r.string("[plan]", "targets", t): _path_of(r, "[plan] targets", t, layer_names, resistances) for t in targets
    }
    interfaces = plan.get("interfaces", [])
    if (
        not isinstance(interfaces, list)
        or len(interfaces) != n_interfaces
        or any(k not in resistances for k in interfaces)
    ):
        raise ConfigError(
            f"{r.path}: [plan]: 'interfaces' must name {n_interfaces} resistances of [resistances] (one per interface, "
            f"top first), got {interfaces!r}"
        )
    delays = r.require("[plan]", plan, "delays")
    if not isinstance(delays, list) or len(delays) != 2:
        raise ConfigError(f"{r.path}: [plan]: 'delays' must be [first, last] in s, got {delays!r}")
    first, last = (r.number("[plan]", "delays", d, "s") for d in delays)
    n = r.integer("[plan]", "n_delays", plan.get("n_delays", 30))
    if not (0 < first < last) or n < 2:
        raise ConfigError(f"{r.path}: [plan]: need 0 < delays[0] < delays[1] (s) and n_delays >= 2")
    fixed = {}
    for key, value in r.table("[plan.fixed_uncertainties]", plan.get("fixed_uncertainties", {})).items():
        sd = r.number("[plan.fixed_uncertainties]", key, value, "SI unit of the parameter")
        if key in targets or not (np.isfinite(sd) and sd >= 0):
            raise ConfigError(
                f"{r.path}: [plan.fixed_uncertainties]: {key!r} must be a fixed input with a 1-sigma >= 0"
            )
        fixed[_path_of(r, "[plan.fixed_uncertainties]", key, layer_names, resistances)] = sd
    return {"targets": targets, "interfaces": interfaces, "delays": np.geomspace(first, last, n), "fixed": fixed}


def _setups(r: Reader, config, plan) -> list:
    common = _setup_values(r, "[setup]", r.table("[setup]", config.get("setup", {})))
    r.unknown("[setup]", config.get("setup", {}), _SETUP_KEYS)
    entries = r.require("the top level", config, "setups")
    if not isinstance(entries, list) or not entries:
        raise ConfigError(f"{r.path}: [[setups]] must list at least one candidate setup")
    out = []
    for i, entry in enumerate(entries):
        entry = r.table(f"[[setups]] #{i + 1}", entry)
        name = r.string(f"[[setups]] #{i + 1}", "name", entry.get("name", f"setup{i + 1}"))
        where = f"[[setups]] #{i + 1} ({name})"
        r.unknown(where, entry, _SETUP_ENTRY_KEYS)
        observable = r.string(where, "observable", r.require(where, entry, "observable"))
        if observable not in _OBSERVABLES:
            raise ConfigError(f"{r.path}: {where}: observable {observable!r} must be one of {list(_OBSERVABLES)}")
        sigma = r.number(where, "sigma", r.require(where, entry, "sigma"), "unit of the observable")
        if not (np.isfinite(sigma) and sigma > 0):
            raise ConfigError(f"{r.path}: {where}: sigma must be > 0 (unit of the observable)")
        args = {**common, **_setup_values(r, where, entry)}
        if "delay_stage" not in args:
            raise ConfigError(f"{r.path}: {where}: missing required key 'delay_stage' ([setup] or the setup)")
        try:
            setup = tdtr.Setup(**args)
            model = tdtr.TdtrModel(setup, plan["delays"], observable, resistance_names=plan["interfaces"])
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"{r.path}: {where}: {exc}") from exc
        out.append((name, model, sigma))
    return out


def load_plan(path):
    """Parse a `jaxtherm plan` TOML file: `(params, setups, plan)` with `setups` a list of
    `(name, TdtrModel, sigma)` and `plan` the dict of targets, interfaces, delays and fixed inputs."""
    path = os.fspath(path)
    config = _read_toml(path)
    r = Reader(path)
    r.unknown("the top level", config, {"title", "layers", "resistances", "setup", "plan", "setups"})
    layers, names = read_layers(r, config)
    resistances = read_resistances(r, config)
    plan = _plan_table(r, config, names, resistances, len(layers) - 1)
    stack = tdtr.Stack(layers=layers, resistances=[resistances[k] for k in plan["interfaces"]])
    try:
        validate_stack(stack)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{path}: [[layers]]: {exc}") from exc
    return {"stack": stack, "itr": resistances}, _setups(r, config, plan), plan


def run_plan(path, out_dir: str = "jaxtherm-plan", verbose: bool = True, force: bool = False) -> dict:
    """Predict the targets' uncertainties for every setup of a plan file, rank the setups, write JSON.

    **Returns:** the dict written to `plan_results.json`: per setup the predicted total and
    statistical 1-sigma (SI) and relative uncertainty of each target, the `ranking` (best
    first, by the worst relative uncertainty among the targets) and the best setup per target.
    """
    out_dir = prepare_output_dir(out_dir, PLAN_OUTPUTS, force=force, create=False)
    params, setups, plan = load_plan(path)
    rows = []
    for name, model, sigma in setups:
        p = predict_uncertainty(params, model, sigma, plan["targets"], plan["fixed"])
        rows.append(
            {
                "name": name,
                "observable": model.observable,
                "sigma_per_point": sigma,
                "total": p.total,
                "statistical": p.statistical,
                "relative": p.relative,
                "worst_relative": max(p.relative.values()),
                "correlation": np.asarray(p.correlation).tolist(),
            }
        )
    ranking = [row["name"] for row in sorted(rows, key=lambda row: row["worst_relative"])]
    best = {t: min(rows, key=lambda row: row["relative"][t])["name"] for t in plan["targets"]}
    out = {
        "config": os.path.abspath(path),
        "units": "SI; relative = total 1-sigma / |assumed value|",
        "assumed_values": p.values,
        "fixed_uncertainties": plan["fixed"],
        "delays": [float(plan["delays"][0]), float(plan["delays"][-1]), int(plan["delays"].size)],
        "setups": rows,
        "ranking": ranking,
        "best_per_target": best,
    }
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, PLAN_OUTPUTS[0]), "w", encoding="utf-8") as handle:
        json.dump(out, handle, indent=2, default=float)
    if verbose:
        _print(path, out, list(plan["targets"]), out_dir)
    return out


def _print(path, out, targets, out_dir):
    print(f"jaxtherm plan {path}: predicted 1-sigma (relative, noise + fixed inputs)")
    print(f"{'rank':4s} {'setup':28s} " + " ".join(f"{t[:16]:>16s}" for t in targets))
    by_name = {row["name"]: row for row in out["setups"]}
    for rank, name in enumerate(out["ranking"], 1):
        row = by_name[name]
        print(f"{rank:<4d} {name[:28]:28s} " + " ".join(f"{100 * row['relative'][t]:15.3g}%" for t in targets))
    for t, name in out["best_per_target"].items():
        print(f"best for {t}: {name} ({100 * by_name[name]['relative'][t]:.3g} %)")
    print(f"wrote {PLAN_OUTPUTS[0]} to {out_dir}")
