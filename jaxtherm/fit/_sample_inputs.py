"""Checks of `sample`'s sampler settings (noise model, chains, warm-up, draws, tree depth, acceptance, adaptation)."""

from __future__ import annotations

import numpy as np

from ._chains import ADAPTATIONS

__all__ = ["check_settings"]


def _check_positive_int(name, value, minimum):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def check_settings(noise, n_chains, n_warmup, n_draws, max_tree_depth, target_acceptance, adaptation) -> tuple:
    if adaptation not in ADAPTATIONS:
        raise ValueError(f"adaptation must be one of {ADAPTATIONS}, got {adaptation!r}")
    if noise not in ("known", "fitted"):
        raise ValueError(f"noise must be 'known' (absolute sigmas) or 'fitted' (a scale per trace), got {noise!r}")
    n_chains = _check_positive_int("n_chains", n_chains, 1)
    n_warmup = _check_positive_int("n_warmup", n_warmup, 10)
    n_draws = _check_positive_int("n_draws", n_draws, 4)
    max_tree_depth = _check_positive_int("max_tree_depth", max_tree_depth, 1)
    if not 0 < target_acceptance < 1:
        raise ValueError(f"target_acceptance must lie in (0, 1), got {target_acceptance!r}")
    return n_chains, n_warmup, n_draws, max_tree_depth
