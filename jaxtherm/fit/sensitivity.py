"""Logarithmic sensitivities `S_p(t) = d ln f(t) / d ln p` by forward-mode AD.

ITR paper eq. (1) defines the sensitivity of the lock-in phase to a property p
from a 1 % perturbation; here all parameters are differentiated at once with
one `jax.jacfwd` (exact, no step size). A "parameter" may scale several leaves
together, which expresses the paper's parametrisation: perturbing a volumetric
heat capacity C *at fixed diffusivity* alpha scales both C and kappa = C alpha;
perturbing a substrate effusivity e = sqrt(kappa C) at fixed alpha does the
same for the substrate.

`log_sensitivity_finite_difference` implements the paper's finite-difference
version (central by default) for comparison.
"""

from __future__ import annotations

from collections.abc import Callable

import jax
import jax.numpy as jnp
import numpy as np

from ._jacobian import as_float_tree, value_and_jacfwd
from .paths import get_path, named_paths, set_path

__all__ = ["log_sensitivity", "log_sensitivity_finite_difference", "plot_sensitivities"]


def _scaled(params, spec, log_factors):
    for i, (_, paths) in enumerate(spec):
        for path in paths:
            params = set_path(params, path, get_path(params, path) * jnp.exp(log_factors[i]))
    return params


def _check_leaves(params, spec):
    for label, paths in spec:
        for path in paths:
            value = np.asarray(get_path(params, path), dtype=float)
            if value.ndim != 0:
                raise ValueError(
                    f"sensitivity parameter {label!r}: path {path!r} is not a scalar (shape {value.shape})"
                )
            if not np.isfinite(value) or value == 0:
                raise ValueError(
                    f"sensitivity parameter {label!r}: path {path!r} has value {float(value)!r}; a logarithmic "
                    f"sensitivity needs a finite, nonzero value"
                )


def _jacobian_log(fn, spec, params):
    def scaled_fn(log_factors):
        return jnp.ravel(fn(_scaled(params, spec, log_factors)))

    return value_and_jacfwd(scaled_fn, jnp.zeros(len(spec)))


_jacobian_log_jit = jax.jit(_jacobian_log, static_argnums=(0, 1))


def log_sensitivity(fn: Callable, params, parameters) -> dict:
    """`S_p = d ln f / d ln p` for every parameter at once (forward-mode AD).

    **Arguments:**

    - `fn`: `fn(params) -> array` (e.g. the phase of a TDTR trace versus delay); pure JAX.
    - `params`: the parameter pytree (SI).
    - `parameters`: dict label -> path, or label -> list of paths scaled together by the
      same relative factor (e.g. C at fixed diffusivity: heat capacity and conductivity);
      or a list of paths.

    **Returns:** dict label -> 1-D numpy array (`fn(params)` flattened): the dimensionless
    logarithmic sensitivity (fractional change of f per fractional change of p).
    """
    spec = tuple(named_paths(parameters, "parameters").items())
    _check_leaves(params, spec)
    values, jac = _jacobian_log_jit(fn, spec, as_float_tree(params))
    values, jac = np.asarray(values), np.asarray(jac)
    return {label: jac[:, i] / values for i, (label, _) in enumerate(spec)}


def log_sensitivity_finite_difference(
    fn: Callable, params, parameters, *, relative_step: float = 0.01, central: bool = True
) -> dict:
    """ITR paper eq. (1): the sensitivity from a finite relative perturbation (1 % by default).

    **Arguments:**

    - `fn`, `params`, `parameters`: as in `log_sensitivity`.
    - `relative_step`: relative perturbation of p (0.01 = 1 %).
    - `central`: central difference `[ln f(p(1+h)) - ln f(p(1-h))] / [ln(1+h) - ln(1-h)]`
      (default) or forward `[ln f(p(1+h)) - ln f(p)] / ln(1+h)`.

    **Returns:** dict label -> numpy array (dimensionless).
    """
    if not 0 < relative_step < 0.5:
        raise ValueError(f"relative_step must be in (0, 0.5) (dimensionless), got {relative_step!r}")
    spec = tuple(named_paths(parameters, "parameters").items())
    _check_leaves(params, spec)
    params = as_float_tree(params)
    base = np.log(np.abs(np.asarray(fn(params))))
    out = {}
    for i, (label, _) in enumerate(spec):
        up = np.zeros(len(spec))
        up[i] = np.log1p(relative_step)
        f_up = np.log(np.abs(np.asarray(fn(_scaled(params, spec, jnp.asarray(up))))))
        if central:
            down = np.zeros(len(spec))
            down[i] = np.log1p(-relative_step)
            f_down = np.log(np.abs(np.asarray(fn(_scaled(params, spec, jnp.asarray(down))))))
            out[label] = (f_up - f_down) / (up[i] - down[i])
        else:
            out[label] = (f_up - base) / up[i]
    return out


def plot_sensitivities(
    x,
    sensitivities: dict,
    *,
    ax=None,
    x_scale: float = 1e-9,
    x_label: str = "delay (ns)",
    title: str = "",
    styles: dict | None = None,
):
    """Plot sensitivities versus delay on a log axis, like ITR paper Fig. 4.

    **Arguments:**

    - `x`: delays (s), shape (n,).
    - `sensitivities`: dict label -> array (n,), e.g. from `log_sensitivity`.
    - `ax`: matplotlib axes (a new figure if None).
    - `x_scale`: the plotted x is `x / x_scale` (default: ns).
    - `styles`: optional dict label -> dict of matplotlib line keywords.

    **Returns:** the axes.
    """
    # pyplot is imported only when a new figure is wanted: importing jaxtherm must not
    # select a matplotlib backend (a side effect for notebooks and headless runs).
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(6, 4))
    styles = styles or {}
    x = np.asarray(x) / x_scale
    for label, values in sensitivities.items():
        ax.plot(x, values, label=label, **styles.get(label, {}))
    ax.set_xscale("log")
    ax.axhline(0.0, color="k", lw=0.5)
    ax.set_xlabel(x_label)
    ax.set_ylabel(r"sensitivity $S_p = \partial \ln \phi / \partial \ln p$")
    if title:
        ax.set_title(title)
    ax.legend(fontsize=7, ncol=2)
    return ax
