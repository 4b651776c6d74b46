"""`SampleResult` (posterior draws, pooled statistics, diagnostics, modes) and its corner plot."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib.figure import Figure

__all__ = ["Mode", "SampleResult", "plot_corner"]


@dataclasses.dataclass(frozen=True)
class Mode:
    """One separated mode of the posterior.

    **Attributes:**

    - `values`: dict name -> the least-squares optimum of this mode (SI).
    - `chi2`: chi^2 at that optimum; `delta_chi2`: above the best mode.
    - `mass`: estimated posterior probability of the mode (sums to 1 over modes).
    - `draw_fraction`: fraction of all draws that fell into it.
    - `chains`: indices of the chains started in it.
    - `median`: dict name -> median of the mode's own draws (SI).
    - `rhat`: dict name -> split-R-hat of the chains that stay in this mode (their mixing
      inside it; empty with one mode, or when no chain stays).
    """

    values: dict
    chi2: float
    delta_chi2: float
    mass: float
    draw_fraction: float
    chains: tuple
    median: dict
    rhat: dict = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True)
class SampleResult:
    """Outcome of `sample` (numpy, outside jit).

    **Attributes:**

    - `names`: sampled free-parameter names; `nuisance_names`: paths of the marginalised
      fixed parameters; `noise_names`: `"noise_scale[<trace>]"` when noise is fitted.
    - `draws`: dict name -> (n_chains, n_draws) draws in SI units (free, nuisance and
      noise-scale names alike).
    - `weights`: (n_chains, n_draws) weight of every draw in pooled statistics (mode
      masses divided by the mode's draw count; uniform with one mode), sums to 1.
    - `mode_index`: (n_chains, n_draws) mode each draw belongs to.
    - `log_density`: (n_chains, n_draws) unnormalised log posterior of every draw.
    - `rhat`, `ess_bulk`, `ess_tail`: dicts name -> split-R-hat, bulk and tail ESS.
    - `median`, `interval68`, `interval95`: dicts name -> pooled (mode-weighted) median and
      central credible intervals (SI).
    - `mean`, `sd`: pooled weighted mean and standard deviation (SI).
    - `correlation`: (n, n) posterior correlation of `names` (weighted, pooled).
    - `modes`: tuple of `Mode`; `mass_method`: how the masses were estimated.
    - `n_divergent`: divergent transitions after warm-up; `step_size`: per chain.
    - `n_gradients`: gradient evaluations (leapfrog steps) of the draws after warm-up, all chains.
    - `linear_names`: free parameters sampled in a linear coordinate (the others through the
      logit map of their bounds; the prior is the same either way).
    - `fit`: the `TraceFitResult` the chains started from.
    - `rhat_threshold`, `min_ess`: thresholds used by `summary` and `warnings`.
    """

    names: tuple
    nuisance_names: tuple
    noise_names: tuple
    draws: dict
    weights: np.ndarray
    mode_index: np.ndarray
    log_density: np.ndarray
    rhat: dict
    ess_bulk: dict
    ess_tail: dict
    median: dict
    interval68: dict
    interval95: dict
    mean: dict
    sd: dict
    correlation: np.ndarray
    modes: tuple
    mass_method: str
    n_divergent: int
    step_size: np.ndarray
    fit: Any
    rhat_threshold: float = 1.01
    min_ess: float = 400.0
    n_gradients: int = 0
    linear_names: tuple = ()

    @property
    def n_chains(self) -> int:
        return int(self.weights.shape[0])

    @property
    def n_draws(self) -> int:
        return int(self.weights.shape[1])

    @property
    def all_names(self) -> tuple:
        return self.names + self.nuisance_names + self.noise_names

    def warnings(self) -> list:
        """Plain-language statements of every diagnostic that fails (empty when all pass)."""
        out = self._mode_mixing_warnings()
        # Chains started in separated modes differ by design: when each mode holds chains that
        # mix inside it, the pooled R-hat measures the separation, not a failure to converge.
        modes_mix = len(self.modes) > 1 and not out and all(m.rhat for m in self.modes)
        for name in self.all_names:
            if not self.rhat[name] <= self.rhat_threshold and not modes_mix:
                if len(self.modes) > 1 and self.mass_method.startswith("draw fractions"):
                    why = (
                        f"the chains cross between {len(self.modes)} modes but not yet often enough for the "
                        "pooled numbers to settle: run longer (more warm-up and draws) before quoting numbers"
                    )
                elif len(self.modes) > 1:
                    why = (
                        f"the chains sit in {len(self.modes)} separated modes; the pooled numbers weight the "
                        f"modes by their estimated masses ({self.mass_method}), not by chain count"
                    )
                else:
                    why = "the chains have not mixed: run longer (more warm-up and draws) before quoting numbers"
                out.append(f"R-hat of {name} is {self.rhat[name]:.3f} > {self.rhat_threshold}: {why}.")
        for name in self.all_names:
            low = min(self.ess_bulk[name], self.ess_tail[name])
            if not low >= self.min_ess:
                out.append(
                    f"Effective sample size of {name} is small (bulk {self.ess_bulk[name]:.0f}, tail "
                    f"{self.ess_tail[name]:.0f} < {self.min_ess:.0f}): the intervals are uncertain; draw more."
                )
        if self.n_divergent:
            out.append(
                f"{self.n_divergent} divergent transitions: the sampler missed regions of high curvature; "
                "the posterior there may be biased."
            )
        return out

    def _mode_mixing_warnings(self) -> list:
        out = []
        for k, mode in enumerate(self.modes):
            bad = {n: r for n, r in mode.rhat.items() if not r <= self.rhat_threshold}
            if bad:
                worst = max(bad, key=bad.get)
                out.append(
                    f"R-hat inside mode {k + 1} is {bad[worst]:.3f} > {self.rhat_threshold} ({worst}): the chains "
                    "have not mixed within the mode; run longer before quoting numbers."
                )
        return out

    def summary(self) -> str:
        """Table of medians, 68/95 % credible intervals, R-hat and ESS, modes and diagnostics."""
        lines = [
            f"Posterior from {self.n_chains} chains x {self.n_draws} draws (NUTS)",
            f"{'parameter':28s} {'median':>12s} {'68% interval':>27s} {'95% interval':>27s} {'R-hat':>7s} "
            f"{'ESS bulk':>9s} {'ESS tail':>9s}",
        ]
        for name in self.all_names:
            lo68, hi68 = self.interval68[name]
            lo95, hi95 = self.interval95[name]
            lines.append(
                f"{name:28s} {self.median[name]:12.5g} [{lo68:12.5g}, {hi68:12.5g}] [{lo95:12.5g}, {hi95:12.5g}] "
                f"{self.rhat[name]:7.3f} {self.ess_bulk[name]:9.0f} {self.ess_tail[name]:9.0f}"
            )
        if len(self.modes) > 1:
            lines.append(f"The posterior has {len(self.modes)} separated modes (masses by {self.mass_method}):")
            for k, mode in enumerate(self.modes):
                where = ", ".join(f"{n} = {mode.median[n]:.4g}" for n in self.names)
                mixing = f"; R-hat inside <= {max(mode.rhat.values()):.3f}" if mode.rhat else ""
                lines.append(
                    f"  mode {k + 1}: {100 * mode.mass:5.1f} % of the mass; median {where}; "
                    f"Delta chi2 of its optimum {mode.delta_chi2:.2f}; chains {list(mode.chains)}{mixing}"
                )
            lines.append("  A single value +- sigma does not describe this posterior: quote the modes.")
        problems = self.warnings()
        if problems:
            lines.extend("WARNING: " + text for text in problems)
        else:
            lines.append(
                f"Diagnostics pass: every R-hat <= {self.rhat_threshold}, every ESS >= {self.min_ess:.0f}, "
                "no divergences."
            )
        return "\n".join(lines)

    def as_dict(self) -> dict:
        """JSON-ready numbers (SI): intervals, modes, diagnostics."""
        return {
            "names": list(self.names),
            "median": self.median,
            "interval68": {k: list(v) for k, v in self.interval68.items()},
            "interval95": {k: list(v) for k, v in self.interval95.items()},
            "mean": self.mean,
            "sd": self.sd,
            "rhat": self.rhat,
            "ess_bulk": self.ess_bulk,
            "ess_tail": self.ess_tail,
            "correlation": np.asarray(self.correlation).tolist(),
            "modes": [
                {
                    "values": m.values,
                    "median": m.median,
                    "mass": m.mass,
                    "draw_fraction": m.draw_fraction,
                    "delta_chi2": m.delta_chi2,
                    "chains": list(m.chains),
                    "rhat": m.rhat,
                }
                for m in self.modes
            ],
            "mass_method": self.mass_method,
            "n_chains": self.n_chains,
            "n_draws": self.n_draws,
            "n_divergent": self.n_divergent,
            "warnings": self.warnings(),
        }

    def pooled(self, name: str) -> tuple:
        """`(draws, weights)` flattened over chains, for weighted statistics of `name`."""
        return np.ravel(self.draws[name]), np.ravel(self.weights)

    def to_inference_data(self):
        """ArviZ `InferenceData` (needs the optional `arviz` package)."""
        try:
            import arviz
        except ImportError as exc:
            raise ImportError("to_inference_data needs arviz (pip install arviz); it is optional") from exc
        return arviz.from_dict(
            posterior={name: np.asarray(self.draws[name]) for name in self.all_names},
            sample_stats={"lp": self.log_density, "mode": self.mode_index},
        )


def plot_corner(
    result: SampleResult,
    names: Sequence[str] | None = None,
    *,
    scale: dict | None = None,
    labels: dict | None = None,
    bins: int = 40,
    truths: dict | None = None,
    fig=None,
):
    """Corner plot of the (mode-weighted) posterior: 1-D histograms and 2-D densities.

    **Arguments:**

    - `result`: a `SampleResult`.
    - `names`: parameters to show (default: the free ones).
    - `scale`: optional dict name -> divisor for display (e.g. 1e-9 for m^2K/GW).
    - `labels`: optional dict name -> axis label.
    - `bins`: histogram bins; `truths`: optional dict name -> value (SI) drawn as lines.
    - `fig`: optional matplotlib figure to draw into.

    **Returns:** the matplotlib `Figure`.
    """

    names = tuple(names or result.names)
    scale, labels, truths = dict(scale or {}), dict(labels or {}), dict(truths or {})
    n = len(names)
    if fig is None:
        fig = Figure(figsize=(2.2 * n + 1, 2.2 * n + 1))
    axes = fig.subplots(n, n, squeeze=False)
    weights = result.weights.ravel()
    data = {k: result.draws[k].ravel() / scale.get(k, 1.0) for k in names}
    for i, yi in enumerate(names):
        for j, xj in enumerate(names):
            ax = axes[i, j]
            if j > i:
                ax.set_visible(False)
                continue
            if i == j:
                ax.hist(data[xj], bins=bins, weights=weights, color="C0", histtype="stepfilled", alpha=0.6)
                for (lo, hi), alpha in ((result.interval68[xj], 0.25), (result.interval95[xj], 0.1)):
                    ax.axvspan(lo / scale.get(xj, 1.0), hi / scale.get(xj, 1.0), color="C1", alpha=alpha)
                ax.axvline(result.median[xj] / scale.get(xj, 1.0), color="C1")
                ax.set_yticks([])
            else:
                ax.hist2d(data[xj], data[yi], bins=bins, weights=weights, cmap="Blues")
                if yi in truths:
                    ax.axhline(truths[yi] / scale.get(yi, 1.0), color="C3", lw=0.8)
            if xj in truths:
                ax.axvline(truths[xj] / scale.get(xj, 1.0), color="C3", lw=0.8)
            if i == n - 1:
                ax.set_xlabel(labels.get(xj, xj), fontsize=8)
            else:
                ax.set_xticklabels([])
            if j == 0 and i > 0:
                ax.set_ylabel(labels.get(yi, yi), fontsize=8)
            ax.tick_params(labelsize=7)
    fig.tight_layout()
    return fig
