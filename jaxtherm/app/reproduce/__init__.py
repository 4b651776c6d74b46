"""Reproductions of the source papers' figures, one small module per figure.

Each module in this package defines

* `CASE`: the command-line name, e.g. ``"dugks-fig3"``;
* `DESCRIPTION`: one line saying what is reproduced;
* `run(out_dir: pathlib.Path, fast: bool = False) -> dict`: writes the figure
  (PNG), the curves behind it (CSV) and the headline numbers (JSON, under
  self-describing keys such as ``dugks_max_front_Te_K``) into `out_dir` and
  returns the headline numbers. `fast=True` uses a coarser setting for tests.

Cases are discovered from the modules present, so adding a figure means adding
one file.
"""

from __future__ import annotations

import importlib
import pathlib
import pkgutil

__all__ = ["available_cases", "run_case"]


def _discover() -> dict[str, str]:
    cases = {}
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        case = getattr(module, "CASE", None)
        if case is not None:
            cases[case] = module.__name__
    return cases


def available_cases() -> dict[str, str]:
    """Map case name -> one-line description, sorted by name."""
    cases = _discover()
    return {name: getattr(importlib.import_module(mod), "DESCRIPTION", "") for name, mod in sorted(cases.items())}


def run_case(case: str, out_dir, fast: bool = False) -> dict:
    """Run one reproduction case by name; returns its headline numbers."""
    cases = _discover()
    if case not in cases:
        raise ValueError(f"unknown reproduction case {case!r}; expected one of {sorted(cases)}")
    out = pathlib.Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    return importlib.import_module(cases[case]).run(out, fast=fast)
