"""Model-agnostic nonlinear least squares: Levenberg-Marquardt inside `jit`.

This is the low-level contract every model of jaxtherm fits through:

```python
from jaxtherm.fit import least_squares
result = least_squares(residual_fn, {"resistance": 5e-9, "heat_capacity": 2e6})
result.values, result.standard_errors, result.correlation
```

`residual_fn(free)` maps a dict of scalar parameters (SI units) to the 1-D
array of *weighted* residuals `(data - model) / sigma`. Bounds and positivity
are reparametrisations (see `_transforms`); the whole optimisation is one
`lax.while_loop` inside one `jit`, so it `vmap`s over noise seeds, pixels or
starting points (`least_squares_batched`, `starts=`). `method="lbfgs"` uses
optax's L-BFGS with zoom line search instead (for many parameters, reverse mode).

The covariance is `s^2 (J^T J)^-1` from the exact Jacobian at the optimum with
`s^2 = chi^2 / (m - n)` the residual variance (pass `absolute_sigma=True` to
trust the given uncertainties and use `s^2 = 1`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from ._result import FitResult, to_fit_result
from ._solve import check_options, solve, solve_many, to_numpy
from ._transforms import start_matrix, start_points, validate_initial


def prepare(residual_fn, initial, method, max_iterations, tolerance) -> tuple:
    """Validate the arguments every entry shares; return the parameter names."""
    if not callable(residual_fn):
        raise TypeError(f"residual_fn must be callable, got {residual_fn!r}")
    names = validate_initial(initial)
    check_options(method, max_iterations, tolerance)
    return names


def least_squares(
    residual_fn: Callable[..., Any],
    initial: dict,
    *,
    positive: bool | dict = True,
    lower: dict | None = None,
    upper: dict | None = None,
    max_iterations: int = 100,
    data: Any = None,
    starts: dict | None = None,
    absolute_sigma: bool = False,
    tolerance: float = 1e-8,
    method: str = "levenberg_marquardt",
    warn_degenerate: bool = True,
    warn: bool = True,
    residual_mask=None,
) -> FitResult:
    """Fit free scalar parameters by minimising the sum of squared weighted residuals.

    **Arguments:**

    - `residual_fn`: `residual_fn(free) -> r`, or `residual_fn(free, data) -> r` when
      `data` is given; `free` is a dict name -> JAX scalar (SI units); `r` is the 1-D
      array of weighted residuals `(data - model) / sigma` (dimensionless). Pure JAX,
      traceable. Passing the measured arrays through `data` (rather than closing over
      them) lets repeated fits reuse one compilation: the solver is cached on the
      identity of `residual_fn`.
    - `initial`: dict name -> starting value (SI units); its order is `result.names`.
    - `positive`: `True`/`False` for all parameters, or a dict name -> bool; positive
      parameters are log-reparametrised (they stay > 0).
    - `lower`, `upper`: optional dicts name -> bound (SI units); one bound maps through
      an exponential, two through a sigmoid, inside `jit`.
    - `max_iterations`: iteration cap.
    - `data`: optional pytree of arrays handed to `residual_fn` as second argument.
    - `starts`: optional dict name -> 1-D array of alternative starting values (same
      length for every name; names missing from it keep `initial`). All starts run at
      once under `vmap`; the lowest chi^2 wins.
    - `absolute_sigma`: if True the covariance is `(J^T J)^-1` (the sigmas in the
      residuals are trusted as absolute); if False (default) it is scaled by the residual
      variance `chi^2 / (n_data - n_free)`.
    - `tolerance`: relative tolerance on cost reduction, step and gradient (default 1e-8,
      as scipy; changes of the optimum below it are ~1e-5 of a standard error).
    - `method`: `"levenberg_marquardt"` (default, forward-mode Jacobian) or `"lbfgs"`
      (optax L-BFGS, reverse mode).
    - `warn_degenerate`: issue `DegeneracyWarning` for pairs with |correlation| > 0.95.
    - `warn`: issue `ConvergenceWarning`, `PoorFitWarning`, `AtBoundWarning` and
      `UnconstrainedParameterWarning` when they apply (the flags are set on the result
      either way).
    - `residual_mask`: optional boolean array over the residual vector: False marks padded
      rows, whose residuals `residual_fn` keeps at exactly 0. The result (residuals,
      Jacobian, residual count, degrees of freedom) is that of the True rows only.

    **Returns:** a `FitResult`.
    """
    names = prepare(residual_fn, initial, method, max_iterations, tolerance)
    x0 = np.array([float(initial[k]) for k in names])
    x_starts = x0[None, :] if starts is None else start_matrix(names, x0, starts)
    kinds, u0, transform = start_points(names, x_starts, positive, lower, upper)
    static = dict(
        residual_fn=residual_fn,
        has_data=data is not None,
        names=names,
        kinds=kinds,
        method=method,
        max_iterations=int(max_iterations),
        tolerance=float(tolerance),
    )
    if starts is None:
        raw = to_numpy(solve(u0[0], jax.tree_util.tree_map(lambda a: a[0], transform), data, **static), residual_mask)
        return to_fit_result(raw, names, kinds, absolute_sigma, warn_degenerate, warn)
    k = len(x_starts)
    data_b = jax.tree_util.tree_map(lambda a: jnp.broadcast_to(jnp.asarray(a), (k,) + jnp.shape(a)), data)
    raws = to_numpy(solve_many(u0, transform, data_b, **static), residual_mask)
    best = int(np.argmin(np.where(np.isfinite(raws.chi2), raws.chi2, np.inf)))
    raw = jax.tree_util.tree_map(lambda a: a[best], raws)
    result = to_fit_result(raw, names, kinds, absolute_sigma, warn_degenerate, warn)
    return dataclasses.replace(
        result, start_values={k: raws.values[:, i] for i, k in enumerate(names)}, start_chi2=raws.chi2
    )
