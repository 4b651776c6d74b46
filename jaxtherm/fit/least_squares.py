"""Model-agnostic nonlinear least squares: Levenberg-Marquardt inside `jit`.

This is the low-level contract every model of jaxtherm fits through:

```python
from jaxtherm.fit import least_squares
result = least_squares(residual_fn, {"resistance": 5e-9, "heat_capacity": 2e6})
result.values, result.standard_errors, result.correlation
```

`residual_fn(free)` maps a dict of scalar parameters (SI units) to the 1-D
array of *weighted* residuals `(data - model) / sigma`. The optimiser works on
internal unconstrained variables `u` (one per parameter):

* positive parameters: `x = x0 * exp(u)` (log reparametrisation; also makes
  parameters of very different magnitudes - 1e-9 m^2K/W next to 1e6 J/m^3K -
  equally well scaled);
* one bound: `x = lower + s * exp(u)` or `x = upper - s * exp(u)`;
* two bounds: `x = lower + (upper - lower) * sigmoid(u)`;
* free sign: `x = s * u` with `s = |x0|`.

The iteration is Levenberg-Marquardt with Marquardt's diagonal scaling and
Nielsen's damping update, with the Jacobian from `jax.jacfwd` (forward mode:
memory stays flat in the number of time steps of scan-based solvers, and the
number of fitted parameters is small). The whole loop is a `lax.while_loop`
inside one `jit`, so it `vmap`s over noise seeds, pixels or starting points.
`method="lbfgs"` uses optax's L-BFGS with zoom line search instead (for many
parameters, reverse mode).

Uncertainties come from the exact Jacobian at the optimum, taken with respect
to the physical parameters: `cov = s^2 (J^T J)^-1` with `s^2 = chi^2 / (m - n)`
the residual variance (pass `absolute_sigma=True` to trust the given
uncertainties instead and use `s^2 = 1`).
"""

from __future__ import annotations

import dataclasses
import functools
import math
import warnings
from typing import Any, Callable, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
import optax

__all__ = [
    "least_squares",
    "least_squares_batched",
    "value_and_jacfwd",
    "warn_if_degenerate",
    "FitResult",
    "BatchFitResult",
    "DegeneracyWarning",
    "DEGENERACY_THRESHOLD",
]

#: Initial Levenberg-Marquardt damping relative to the largest diagonal of J^T J.
LM_INITIAL_DAMPING = 1e-9

#: |correlation| above which two fitted parameters are reported as nearly degenerate.
DEGENERACY_THRESHOLD = 0.95

_KIND_LINEAR, _KIND_LOWER, _KIND_UPPER, _KIND_INTERVAL = "linear", "lower", "upper", "interval"


class DegeneracyWarning(UserWarning):
    """Two fitted parameters are nearly degenerate (|correlation| > 0.95)."""


# --------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class FitResult:
    """Outcome of one least-squares fit (concrete numbers, outside `jit`).

    **Attributes:**

    - `names`: fitted parameter names, the order of every matrix below.
    - `values`: best values, SI units.
    - `standard_errors`: 1-sigma uncertainties (SI), square roots of the diagonal of
      `covariance`.
    - `covariance`: (n, n) covariance of the fitted parameters (SI units squared);
      statistical part only, see `jaxtherm.fit.uncertainty` for fixed-parameter
      propagation.
    - `correlation`: (n, n) correlation matrix.
    - `chi2`: sum of squared weighted residuals at the optimum.
    - `reduced_chi2`: `chi2 / (n_data - n_free)`.
    - `n_data`, `degrees_of_freedom`: residual count and `n_data - n_free`.
    - `n_iterations`: iterations used; `converged`: convergence flag.
    - `residuals`: weighted residuals `(data - model)/sigma` at the optimum.
    - `jacobian`: (n_data, n) Jacobian of the weighted residuals with respect to the
      physical parameters at the optimum (SI).
    - `degenerate_pairs`: `(name_a, name_b, correlation)` with |correlation| > 0.95.
    - `start_values`, `start_chi2`: with `starts`, the optimum reached from every start
      (dict name -> array) and its chi^2 - distinct minima reveal a multimodal problem.
    """

    names: tuple
    values: dict
    standard_errors: dict
    covariance: np.ndarray
    correlation: np.ndarray
    chi2: float
    reduced_chi2: float
    n_data: int
    degrees_of_freedom: int
    n_iterations: int
    converged: bool
    residuals: np.ndarray
    jacobian: np.ndarray
    degenerate_pairs: tuple = ()
    start_values: dict | None = None
    start_chi2: np.ndarray | None = None

    def summary(self) -> str:
        """A human-readable table of values, uncertainties and fit quality."""
        lines = [f"{'parameter':24s} {'value':>14s} {'std. error':>12s} {'rel.':>8s}"]
        for name in self.names:
            value, err = self.values[name], self.standard_errors[name]
            rel = abs(err / value) if value != 0 else float("inf")
            lines.append(f"{name:24s} {value:14.6g} {err:12.4g} {100 * rel:7.2f}%")
        lines.append(
            f"chi2 = {self.chi2:.6g}, reduced chi2 = {self.reduced_chi2:.4g} "
            f"({self.n_data} residuals, {len(self.names)} free), "
            f"{self.n_iterations} iterations, converged = {self.converged}"
        )
        for a, b, rho in self.degenerate_pairs:
            lines.append(f"WARNING: {a} and {b} are nearly degenerate (correlation {rho:+.4f})")
        return "\n".join(lines)


@dataclasses.dataclass(frozen=True)
class BatchFitResult:
    """Outcome of a batch of independent fits run with `vmap` (leading axis = batch).

    Same fields as `FitResult`, each with a leading batch axis: `values[name]` and
    `standard_errors[name]` are arrays of shape (batch,), `covariance` and
    `correlation` (batch, n, n), `chi2`/`reduced_chi2`/`n_iterations`/`converged`
    (batch,), `residuals` (batch, n_data).
    """

    names: tuple
    values: dict
    standard_errors: dict
    covariance: np.ndarray
    correlation: np.ndarray
    chi2: np.ndarray
    reduced_chi2: np.ndarray
    n_data: int
    degrees_of_freedom: int
    n_iterations: np.ndarray
    converged: np.ndarray
    residuals: np.ndarray

    def __len__(self) -> int:
        return int(np.shape(self.chi2)[0])

    def __getitem__(self, index: int) -> FitResult:
        """The `index`-th fit as a `FitResult` (no degeneracy warning issued)."""
        return FitResult(
            names=self.names,
            values={k: float(v[index]) for k, v in self.values.items()},
            standard_errors={k: float(v[index]) for k, v in self.standard_errors.items()},
            covariance=self.covariance[index],
            correlation=self.correlation[index],
            chi2=float(self.chi2[index]),
            reduced_chi2=float(self.reduced_chi2[index]),
            n_data=self.n_data,
            degrees_of_freedom=self.degrees_of_freedom,
            n_iterations=int(self.n_iterations[index]),
            converged=bool(self.converged[index]),
            residuals=self.residuals[index],
            jacobian=np.full((self.n_data, len(self.names)), np.nan),
            degenerate_pairs=_degenerate_pairs(self.names, self.correlation[index]),
        )


class _Raw(NamedTuple):
    """Array-level fit output (traced inside `jit`, batched under `vmap`)."""

    values: jax.Array  # (n,)
    covariance_unscaled: jax.Array  # (n, n) = (J^T J)^-1 in SI
    chi2: jax.Array
    residuals: jax.Array  # (m,)
    jacobian: jax.Array  # (m, n), SI
    n_iterations: jax.Array
    converged: jax.Array


# --------------------------------------------------------------------------------------
# Reparametrisation
# --------------------------------------------------------------------------------------


class _Transform(NamedTuple):
    """Per-parameter map between internal `u` and physical `x` (all arrays of shape (n,))."""

    scale: jax.Array
    lower: jax.Array
    upper: jax.Array


def _to_physical(u, kinds, transform):
    out = []
    for i, kind in enumerate(kinds):
        s, lo, hi = transform.scale[i], transform.lower[i], transform.upper[i]
        if kind == _KIND_LINEAR:
            out.append(s * u[i])
        elif kind == _KIND_LOWER:
            out.append(lo + s * jnp.exp(u[i]))
        elif kind == _KIND_UPPER:
            out.append(hi - s * jnp.exp(u[i]))
        else:
            out.append(lo + (hi - lo) * jax.nn.sigmoid(u[i]))
    return jnp.stack(out)


def _initial_internal(x0: np.ndarray, kinds, lower: np.ndarray, upper: np.ndarray):
    """Internal starting point and scales (numpy, outside jit), chosen so u0 = O(1)."""
    n = len(kinds)
    scale = np.ones(n)
    u0 = np.zeros(n)
    for i, kind in enumerate(kinds):
        if kind == _KIND_LINEAR:
            scale[i] = abs(x0[i]) if x0[i] != 0 else 1.0
            u0[i] = x0[i] / scale[i]
        elif kind == _KIND_LOWER:
            scale[i] = x0[i] - lower[i]
        elif kind == _KIND_UPPER:
            scale[i] = upper[i] - x0[i]
        else:
            frac = (x0[i] - lower[i]) / (upper[i] - lower[i])
            u0[i] = math.log(frac) - math.log1p(-frac)
    return u0, scale


def _resolve_kinds(names, initial, positive, lower, upper):
    """Validate the user's constraints (concrete, outside jit) and pick the transform kinds."""
    lower = dict(lower or {})
    upper = dict(upper or {})
    for label, bounds in (("lower", lower), ("upper", upper)):
        unknown = set(bounds) - set(names)
        if unknown:
            raise ValueError(f"{label} names parameters that are not fitted: {sorted(unknown)}; fitted: {list(names)}")
    if isinstance(positive, dict):
        unknown = set(positive) - set(names)
        if unknown:
            raise ValueError(f"positive names parameters that are not fitted: {sorted(unknown)}; fitted: {list(names)}")
        positive_of = {name: bool(positive.get(name, False)) for name in names}
    elif isinstance(positive, (bool, np.bool_)):
        positive_of = {name: bool(positive) for name in names}
    else:
        raise TypeError(f"positive must be a bool or a dict name -> bool, got {positive!r}")

    kinds, lo_arr, hi_arr = [], np.zeros(len(names)), np.zeros(len(names))
    for i, name in enumerate(names):
        x0 = initial[name]
        lo = lower.get(name, None)
        hi = upper.get(name, None)
        for label, bound in (("lower", lo), ("upper", hi)):
            if bound is not None and not np.isfinite(bound):
                raise ValueError(f"{label} bound of {name!r} must be finite, got {bound!r} (SI units)")
        if positive_of[name]:
            if lo is None or lo < 0:
                lo = 0.0
            if x0 <= 0:
                raise ValueError(
                    f"initial value of {name!r} is {x0!r} but the parameter is constrained positive "
                    f"(positive=True); give a starting value > 0 (SI units) or set positive={{{name!r}: False}}"
                )
        if lo is not None and hi is not None:
            if not lo < hi:
                raise ValueError(f"bounds of {name!r} must satisfy lower < upper, got lower={lo!r}, upper={hi!r}")
            if not lo < x0 < hi:
                raise ValueError(
                    f"initial value of {name!r} = {x0!r} must lie strictly inside its bounds ({lo!r}, {hi!r}) (SI units)"
                )
            kinds.append(_KIND_INTERVAL)
        elif lo is not None:
            if not x0 > lo:
                raise ValueError(f"initial value of {name!r} = {x0!r} must be > its lower bound {lo!r} (SI units)")
            kinds.append(_KIND_LOWER)
        elif hi is not None:
            if not x0 < hi:
                raise ValueError(f"initial value of {name!r} = {x0!r} must be < its upper bound {hi!r} (SI units)")
            kinds.append(_KIND_UPPER)
        else:
            kinds.append(_KIND_LINEAR)
        lo_arr[i] = 0.0 if lo is None else lo
        hi_arr[i] = 0.0 if hi is None else hi
    return tuple(kinds), lo_arr, hi_arr


def _validate_initial(initial) -> tuple:
    if not isinstance(initial, dict) or not initial:
        raise TypeError(f"initial must be a non-empty dict name -> starting value (SI units), got {initial!r}")
    for name, value in initial.items():
        if not isinstance(name, str):
            raise TypeError(f"parameter names must be strings, got {name!r}")
        arr = np.asarray(value, dtype=float)
        if not np.all(np.isfinite(arr)):
            raise ValueError(f"initial value of {name!r} must be finite, got {value!r} (SI units)")
    return tuple(initial)


# --------------------------------------------------------------------------------------
# The solver (pure, jittable, vmappable)
# --------------------------------------------------------------------------------------


def _call(residual_fn, has_data, free, data):
    r = residual_fn(free, data) if has_data else residual_fn(free)
    return jnp.ravel(jnp.asarray(r))


def value_and_jacfwd(fn, x):
    """`(fn(x), jacfwd(fn)(x))` with `fn` traced once (forward mode, one JVP per input).

    `jax.jacfwd(..., has_aux=True)` returning the value as aux would trace the model a
    second time; for large models (TDTR contour integrals, scan-based solvers) that
    doubles the compile time.
    """
    basis = jnp.eye(x.shape[0], dtype=x.dtype)
    value, jac = jax.vmap(lambda t: jax.jvp(fn, (x,), (t,)), out_axes=(None, -1))(basis)
    return value, jac


def _solve(u0, transform, data, *, residual_fn, has_data, names, kinds, method, max_iterations, tolerance):
    """Minimise 0.5*|r|^2 over internal variables and return `_Raw` (pure function)."""

    def residual_u(u):
        x = _to_physical(u, kinds, transform)
        return _call(residual_fn, has_data, dict(zip(names, x)), data)

    if method == "levenberg_marquardt":
        u_best, residuals, jac_u, n_iter, converged = _levenberg_marquardt(residual_u, u0, max_iterations, tolerance)
    else:
        u_best, n_iter, converged = _lbfgs(residual_u, u0, max_iterations, tolerance)
        residuals, jac_u = value_and_jacfwd(residual_u, u_best)

    x_best = _to_physical(u_best, kinds, transform)
    # Jacobian w.r.t. the physical parameters by the chain rule through the (diagonal)
    # reparametrisation: the model is not traced again (compile time matters for big
    # models). dx/du = 0 only at a saturated sigmoid bound, where x is pinned anyway.
    dx_du = jnp.diagonal(jax.jacfwd(lambda v: _to_physical(v, kinds, transform))(u_best))
    dx_du = jnp.where(dx_du != 0, dx_du, jnp.finfo(dx_du.dtype).tiny)
    jac_x = jac_u / dx_du[None, :]
    # Relative coordinates x = x* (1 + z) keep the normal matrix well scaled.
    column_scale = jnp.where(x_best != 0, jnp.abs(x_best), transform.scale)
    jac_z = jac_x * column_scale[None, :]
    # SVD pseudo-inverse: an exactly singular direction shows up as a huge variance
    # (and |correlation| -> 1), never as NaN from a failed Cholesky.
    _, sing, vt = jnp.linalg.svd(jac_z, full_matrices=False)
    tiny = jnp.finfo(jac_z.dtype).tiny ** 0.5
    inv_sq = 1.0 / jnp.maximum(sing, tiny * jnp.maximum(sing[0], tiny)) ** 2
    cov_z = (vt.T * inv_sq) @ vt
    cov_x = cov_z * column_scale[:, None] * column_scale[None, :]
    chi2 = jnp.sum(residuals**2)
    return _Raw(x_best, cov_x, chi2, residuals, jac_x, n_iter, converged)


def _levenberg_marquardt(residual_u, u0, max_iterations, tolerance):
    """Levenberg-Marquardt (Marquardt scaling, Nielsen damping update) in a while_loop.

    The model appears once in the traced program (inside the loop body): iteration 0
    only evaluates the starting point. Returns the best internal point, its residuals
    and Jacobian, the number of iterations and a convergence flag.
    """

    def value_and_jac(u):
        r, jac = value_and_jacfwd(residual_u, u)
        return jac, r

    def cost_of(r):
        cost = 0.5 * jnp.sum(r**2)
        return jnp.where(jnp.isfinite(cost), cost, jnp.inf)

    shapes = jax.eval_shape(value_and_jac, u0)
    jac_shape, r_shape = shapes
    dtype = jac_shape.dtype
    tiny = jnp.finfo(dtype).tiny
    state0 = dict(
        u=u0,
        r=jnp.zeros(r_shape.shape, dtype),
        jac=jnp.zeros(jac_shape.shape, dtype),
        cost=jnp.asarray(jnp.inf, dtype),
        lam=jnp.asarray(1.0, dtype),
        nu=jnp.asarray(2.0, dtype),
        it=jnp.asarray(0),
        done=jnp.asarray(False),
        converged=jnp.asarray(False),
    )

    def cond(s):
        return (~s["done"]) & (s["it"] <= max_iterations)

    def body(s):
        first = s["it"] == 0
        a = s["jac"].T @ s["jac"]
        g = s["jac"].T @ s["r"]
        diag = jnp.diag(a)
        diag = jnp.maximum(diag, 1e-12 * jnp.max(diag) + tiny)
        step = jnp.linalg.solve(a + s["lam"] * jnp.diag(diag), -g)
        step = jnp.where(jnp.isfinite(step) & ~first, step, 0.0)
        u_new = s["u"] + step
        jac_new, r_new = value_and_jac(u_new)
        cost_new = cost_of(r_new)
        predicted = -(g @ step) - 0.5 * step @ (a @ step)
        actual = s["cost"] - cost_new
        rho = actual / jnp.where(predicted > 0, predicted, jnp.inf)
        finite_new = jnp.isfinite(cost_new) & jnp.all(jnp.isfinite(jac_new))
        accept = first | ((actual > 0) & finite_new)

        lam_accept = s["lam"] * jnp.maximum(1.0 / 3.0, 1.0 - (2.0 * rho - 1.0) ** 3)
        lam_start = LM_INITIAL_DAMPING * jnp.max(jnp.diag(jac_new.T @ jac_new))
        lam_new = jnp.where(first, lam_start, jnp.where(accept, lam_accept, s["lam"] * s["nu"]))
        nu_new = jnp.where(accept, 2.0, 2.0 * s["nu"])

        # Convergence tests (internal variables are O(1) by construction).
        small_step = jnp.max(jnp.abs(step)) <= tolerance * (jnp.max(jnp.abs(s["u"])) + tolerance)
        small_reduction = accept & (actual <= tolerance * s["cost"])
        # MINPACK's gtol: cosine between the residual and every Jacobian column.
        column_norms = jnp.sqrt(jnp.maximum(jnp.diag(a), tiny))
        residual_norm = jnp.sqrt(jnp.maximum(2.0 * s["cost"], tiny))
        small_gradient = jnp.max(jnp.abs(g) / column_norms) <= tolerance * residual_norm
        zero_cost = s["cost"] <= tiny
        # A damping parameter that has exploded means no downhill step exists at
        # machine precision: we are at the minimum.
        stalled = lam_new > 1e16 * jnp.max(jnp.diag(a))
        converged = (small_reduction | small_gradient | zero_cost | (small_step & accept) | stalled) & ~first
        # Start failed (non-finite model at the initial point): stop, not converged.
        failed = first & ~finite_new

        return dict(
            u=jnp.where(accept, u_new, s["u"]),
            r=jnp.where(accept, r_new, s["r"]),
            jac=jnp.where(accept, jac_new, s["jac"]),
            cost=jnp.where(accept, cost_new, s["cost"]),
            lam=lam_new,
            nu=nu_new,
            it=s["it"] + 1,
            done=converged | failed,
            converged=converged,
        )

    final = jax.lax.while_loop(cond, body, state0)
    # Iteration 0 only evaluates the start: report proper iterations.
    return final["u"], final["r"], final["jac"], final["it"] - 1, final["converged"]


def _lbfgs(residual_u, u0, max_iterations, tolerance):
    """optax L-BFGS with zoom line search on 0.5*|r|^2 (reverse mode; for many parameters)."""

    def cost(u):
        return 0.5 * jnp.sum(residual_u(u) ** 2)

    solver = optax.lbfgs()
    value_and_grad = optax.value_and_grad_from_state(cost)
    opt_state0 = solver.init(u0)
    grad_scale = jnp.linalg.norm(jax.grad(cost)(u0)) + jnp.finfo(u0.dtype).tiny

    def cond(carry):
        u, state, it, done = carry
        return (~done) & (it < max_iterations)

    def body(carry):
        u, state, it, _ = carry
        value, grad = value_and_grad(u, state=state)
        updates, state = solver.update(grad, state, u, value=value, grad=grad, value_fn=cost)
        u_new = optax.apply_updates(u, updates)
        done = jnp.linalg.norm(grad) <= tolerance * grad_scale
        return u_new, state, it + 1, done

    u, _, it, done = jax.lax.while_loop(cond, body, (u0, opt_state0, jnp.asarray(0), jnp.asarray(False)))
    return u, it, done


_STATIC = ("residual_fn", "has_data", "names", "kinds", "method", "max_iterations", "tolerance")
_solve_jit = jax.jit(_solve, static_argnames=_STATIC)


def _solve_many(u0, transform, data, chunk_size=None, **static):
    solve = functools.partial(_solve, **static)
    if chunk_size is None:
        return jax.vmap(solve)(u0, transform, data)
    # lax.map over chunks of `chunk_size` vmapped fits: smaller working set per op, and
    # lanes only wait for the slowest fit of their own chunk.
    return jax.lax.map(lambda args: solve(*args), (u0, transform, data), batch_size=chunk_size)


_solve_batched_jit = jax.jit(_solve_many, static_argnames=_STATIC + ("chunk_size",))


def _batched(u0, transform, data, **static):
    return _solve_batched_jit(u0, transform, data, **static)


# --------------------------------------------------------------------------------------
# Public entry points
# --------------------------------------------------------------------------------------


def _check_options(method, max_iterations, tolerance):
    if method not in ("levenberg_marquardt", "lbfgs"):
        raise ValueError(f"unknown method {method!r}; expected 'levenberg_marquardt' or 'lbfgs'")
    if isinstance(max_iterations, bool) or not isinstance(max_iterations, (int, np.integer)) or max_iterations < 1:
        raise ValueError(f"max_iterations must be a positive integer, got {max_iterations!r}")
    if not (isinstance(tolerance, (float, int)) and 0 < tolerance < 1):
        raise ValueError(f"tolerance must be a number in (0, 1) (relative), got {tolerance!r}")


def _degenerate_pairs(names, correlation, threshold=DEGENERACY_THRESHOLD):
    pairs = []
    corr = np.asarray(correlation)
    for i in range(len(names)):
        for j in range(i + 1, len(names)):
            if np.isfinite(corr[i, j]) and abs(corr[i, j]) > threshold:
                pairs.append((names[i], names[j], float(corr[i, j])))
    return tuple(pairs)


def _correlation(cov):
    sd = np.sqrt(np.abs(np.diagonal(cov, axis1=-2, axis2=-1)))
    with np.errstate(invalid="ignore", divide="ignore"):
        corr = cov / (sd[..., :, None] * sd[..., None, :])
    return np.clip(corr, -1.0, 1.0)


def warn_if_degenerate(names, correlation, context: str = "") -> tuple:
    """Issue a `DegeneracyWarning` for every pair with |correlation| > 0.95; return the pairs."""
    pairs = _degenerate_pairs(tuple(names), correlation)
    for a, b, rho in pairs:
        where = f" ({context})" if context else ""
        warnings.warn(
            f"fitted parameters {a!r} and {b!r} are nearly degenerate{where}: correlation {rho:+.4f} "
            f"(|rho| > {DEGENERACY_THRESHOLD}); the data constrain a combination of them, not each one - "
            f"fix one, add a trace that separates them, or report the combination",
            DegeneracyWarning,
            stacklevel=3,
        )
    return pairs


def _prepare(residual_fn, initial, method, max_iterations, tolerance):
    if not callable(residual_fn):
        raise TypeError(f"residual_fn must be callable, got {residual_fn!r}")
    names = _validate_initial(initial)
    _check_options(method, max_iterations, tolerance)
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

    **Returns:** a `FitResult`.
    """
    names = _prepare(residual_fn, initial, method, max_iterations, tolerance)
    x0 = np.array([float(initial[k]) for k in names])
    kinds, lo, hi = _resolve_kinds(names, dict(zip(names, x0)), positive, lower, upper)
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
        u0, scale = _initial_internal(x0, kinds, lo, hi)
        raw = _solve_jit(jnp.asarray(u0), _Transform(jnp.asarray(scale), jnp.asarray(lo), jnp.asarray(hi)), data, **static)
        raw = jax.tree_util.tree_map(np.asarray, raw)
    else:
        x_starts = _start_matrix(names, x0, starts)
        u0s, scales = [], []
        for x in x_starts:
            _resolve_kinds(names, dict(zip(names, x)), positive, lower, upper)
            u0, scale = _initial_internal(x, kinds, lo, hi)
            u0s.append(u0)
            scales.append(scale)
        k = len(x_starts)
        transform = _Transform(jnp.asarray(np.array(scales)), jnp.asarray(np.tile(lo, (k, 1))), jnp.asarray(np.tile(hi, (k, 1))))
        data_b = jax.tree_util.tree_map(lambda a: jnp.broadcast_to(jnp.asarray(a), (k,) + jnp.shape(a)), data)
        raws = jax.tree_util.tree_map(np.asarray, _batched(jnp.asarray(np.array(u0s)), transform, data_b, **static))
        chi2 = np.where(np.isfinite(raws.chi2), raws.chi2, np.inf)
        best = int(np.argmin(chi2))
        raw = jax.tree_util.tree_map(lambda a: a[best], raws)
        result = _to_result(raw, names, absolute_sigma, warn_degenerate)
        return dataclasses.replace(
            result, start_values={k: raws.values[:, i] for i, k in enumerate(names)}, start_chi2=raws.chi2
        )
    return _to_result(raw, names, absolute_sigma, warn_degenerate)


def _start_matrix(names, x0, starts):
    if not isinstance(starts, dict) or not starts:
        raise TypeError("starts must be a non-empty dict name -> 1-D array of starting values (SI units)")
    unknown = set(starts) - set(names)
    if unknown:
        raise ValueError(f"starts names parameters that are not fitted: {sorted(unknown)}")
    lengths = {np.size(v) for v in starts.values()}
    if len(lengths) != 1:
        raise ValueError(f"every entry of starts must have the same length, got lengths {sorted(lengths)}")
    k = lengths.pop()
    x = np.tile(x0, (k, 1))
    for i, name in enumerate(names):
        if name in starts:
            x[:, i] = np.ravel(np.asarray(starts[name], dtype=float))
    return x


def _to_result(raw, names, absolute_sigma, warn_degenerate) -> FitResult:
    n = len(names)
    m = int(raw.residuals.shape[0])
    dof = m - n
    chi2 = float(raw.chi2)
    reduced = chi2 / dof if dof > 0 else float("nan")
    variance = 1.0 if absolute_sigma else reduced
    cov = np.asarray(raw.covariance_unscaled) * variance
    corr = _correlation(cov)
    sd = np.sqrt(np.abs(np.diagonal(cov)))
    pairs = warn_if_degenerate(names, corr) if warn_degenerate else _degenerate_pairs(names, corr)
    return FitResult(
        names=names,
        values={k: float(v) for k, v in zip(names, raw.values)},
        standard_errors={k: float(v) for k, v in zip(names, sd)},
        covariance=cov,
        correlation=corr,
        chi2=chi2,
        reduced_chi2=reduced,
        n_data=m,
        degrees_of_freedom=dof,
        n_iterations=int(raw.n_iterations),
        converged=bool(raw.converged),
        residuals=np.asarray(raw.residuals),
        jacobian=np.asarray(raw.jacobian),
        degenerate_pairs=pairs,
    )


def least_squares_batched(
    residual_fn: Callable[..., Any],
    initial: dict,
    data: Any,
    *,
    positive: bool | dict = True,
    lower: dict | None = None,
    upper: dict | None = None,
    max_iterations: int = 100,
    absolute_sigma: bool = False,
    tolerance: float = 1e-8,
    method: str = "levenberg_marquardt",
    chunk_size: int | None = None,
) -> BatchFitResult:
    """Run many independent fits at once with `vmap` (noise seeds, pixels, samples).

    **Arguments:**

    - `residual_fn`: `residual_fn(free, data_i) -> r` for one member of the batch
      (see `least_squares`).
    - `initial`: dict name -> starting value, a scalar shared by the batch or an array
      of shape (batch,) (SI units).
    - `data`: pytree whose leaves all have the leading batch axis.
    - other arguments: as in `least_squares` (bounds are shared by the batch).
    - `chunk_size`: if given, run the batch as `lax.map` over chunks of this many
      vmapped fits (less memory; lanes wait only for their own chunk's slowest fit).

    **Returns:** a `BatchFitResult` (arrays with a leading batch axis). No warning is
    issued; inspect `correlation` yourself.
    """
    names = _prepare(residual_fn, initial, method, max_iterations, tolerance)
    leaves = jax.tree_util.tree_leaves(data)
    if not leaves:
        raise ValueError("data must contain at least one array with a leading batch axis")
    sizes = {int(np.shape(leaf)[0]) if np.ndim(leaf) else -1 for leaf in leaves}
    if len(sizes) != 1 or -1 in sizes:
        raise ValueError(f"every leaf of data needs the same leading batch axis, got sizes {sorted(sizes)}")
    batch = sizes.pop()
    x0 = np.empty((batch, len(names)))
    for i, name in enumerate(names):
        value = np.asarray(initial[name], dtype=float)
        if value.ndim == 0:
            x0[:, i] = value
        elif value.shape == (batch,):
            x0[:, i] = value
        else:
            raise ValueError(f"initial[{name!r}] must be a scalar or have shape ({batch},), got {value.shape}")
    kinds, lo, hi = _resolve_kinds(names, dict(zip(names, x0[0])), positive, lower, upper)
    u0s, scales = [], []
    for x in x0:
        _resolve_kinds(names, dict(zip(names, x)), positive, lower, upper)
        u0, scale = _initial_internal(x, kinds, lo, hi)
        u0s.append(u0)
        scales.append(scale)
    transform = _Transform(jnp.asarray(np.array(scales)), jnp.asarray(np.tile(lo, (batch, 1))), jnp.asarray(np.tile(hi, (batch, 1))))
    raw = _batched(
        jnp.asarray(np.array(u0s)),
        transform,
        data,
        residual_fn=residual_fn,
        has_data=True,
        names=names,
        kinds=kinds,
        method=method,
        max_iterations=int(max_iterations),
        tolerance=float(tolerance),
        chunk_size=None if chunk_size is None else int(chunk_size),
    )
    raw = jax.tree_util.tree_map(np.asarray, raw)
    m = int(raw.residuals.shape[-1])
    dof = m - len(names)
    reduced = raw.chi2 / dof if dof > 0 else np.full_like(raw.chi2, np.nan)
    variance = np.ones_like(reduced) if absolute_sigma else reduced
    cov = raw.covariance_unscaled * variance[:, None, None]
    sd = np.sqrt(np.abs(np.diagonal(cov, axis1=-2, axis2=-1)))
    return BatchFitResult(
        names=names,
        values={k: raw.values[:, i] for i, k in enumerate(names)},
        standard_errors={k: sd[:, i] for i, k in enumerate(names)},
        covariance=cov,
        correlation=_correlation(cov),
        chi2=raw.chi2,
        reduced_chi2=reduced,
        n_data=m,
        degrees_of_freedom=dof,
        n_iterations=raw.n_iterations,
        converged=raw.converged,
        residuals=raw.residuals,
    )
