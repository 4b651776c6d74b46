"""Priors of the sampled free parameters: `Prior` and the defaults `sample` builds from bounds."""

from __future__ import annotations

import dataclasses
import math

import numpy as np

__all__ = ["Prior", "DEFAULT_PRIOR_DECADES", "NOISE_SCALE_RANGE", "resolve_priors"]

#: Fraction of a free parameter's starting value the default log-uniform prior extends
#: below and above it: (x0 / 100, 100 x0).
DEFAULT_PRIOR_DECADES = 2.0

#: Range of a fitted noise scale s (multiplies every sigma of the trace), log-uniform.
NOISE_SCALE_RANGE = (1e-2, 1e2)

_PRIOR_KINDS = ("log_uniform", "uniform", "normal")


@dataclasses.dataclass(frozen=True)
class Prior:
    """Prior of one free parameter (SI units).

    Build with `Prior.log_uniform(lower, upper)` (uniform in log x: the default, over
    two decades either side of the starting value), `Prior.uniform(lower, upper)` or
    `Prior.normal(mean, sd)`.
    """

    kind: str
    a: float
    b: float

    def __post_init__(self):
        if self.kind not in _PRIOR_KINDS:
            raise ValueError(f"prior kind must be one of {_PRIOR_KINDS}, got {self.kind!r}")
        if not (np.isfinite(self.a) and np.isfinite(self.b)):
            raise ValueError(f"{self.kind} prior needs finite numbers (SI units), got {self.a!r}, {self.b!r}")
        if self.kind == "normal" and not self.b > 0:
            raise ValueError(f"normal prior: sd must be > 0 (SI units), got {self.b!r}")
        if self.kind != "normal" and not self.a < self.b:
            raise ValueError(f"{self.kind} prior: need lower < upper (SI units), got {self.a!r}, {self.b!r}")
        if self.kind == "log_uniform" and not self.a > 0:
            raise ValueError(f"log_uniform prior: lower bound must be > 0 (SI units), got {self.a!r}")

    @classmethod
    def log_uniform(cls, lower: float, upper: float) -> Prior:
        """Uniform in log x over (lower, upper) (SI, both > 0)."""
        return cls("log_uniform", float(lower), float(upper))

    @classmethod
    def uniform(cls, lower: float, upper: float) -> Prior:
        """Uniform in x over (lower, upper) (SI)."""
        return cls("uniform", float(lower), float(upper))

    @classmethod
    def normal(cls, mean: float, sd: float) -> Prior:
        """Gaussian with `mean` and standard deviation `sd` (SI)."""
        return cls("normal", float(mean), float(sd))

    def contains(self, x: float) -> bool:
        return self.kind == "normal" or self.a < x < self.b

    def to_unconstrained(self, x):
        """Unconstrained coordinate v of the physical value x (numpy)."""
        x = np.asarray(x, dtype=float)
        if self.kind == "normal":
            return (x - self.a) / self.b
        if self.kind == "log_uniform":
            t = (np.log(x) - math.log(self.a)) / (math.log(self.b) - math.log(self.a))
        else:
            t = (x - self.a) / (self.b - self.a)
        t = np.clip(t, 1e-9, 1 - 1e-9)
        return np.log(t) - np.log1p(-t)


def resolve_priors(names, initial_values, priors, positive, lower, upper) -> dict:
    priors = dict(priors or {})
    lower, upper = dict(lower or {}), dict(upper or {})
    for label, d in (("priors", priors), ("lower", lower), ("upper", upper)):
        unknown = set(d) - set(names)
        if unknown:
            raise ValueError(f"{label} names parameters that are not free: {sorted(unknown)}; free: {list(names)}")
    out = {}
    for name in names:
        if name in priors:
            prior = priors[name]
            if not isinstance(prior, Prior):
                raise TypeError(f"priors[{name!r}] must be a jaxtherm.fit.Prior, got {prior!r}")
            out[name] = prior
            continue
        is_positive = positive.get(name, False) if isinstance(positive, dict) else bool(positive)
        x0 = initial_values[name]
        if name in lower and name in upper:
            lo, hi = float(lower[name]), float(upper[name])
            out[name] = Prior.log_uniform(lo, hi) if is_positive and lo > 0 else Prior.uniform(lo, hi)
        elif is_positive:
            if not x0 > 0:
                raise ValueError(f"initial value of {name!r} is {x0!r}; a positive parameter needs a value > 0 (SI)")
            span = 10.0**DEFAULT_PRIOR_DECADES
            out[name] = Prior.log_uniform(
                float(lower.get(name, x0 / span)) or x0 / span, float(upper.get(name, x0 * span))
            )
        else:
            raise ValueError(
                f"free parameter {name!r} may change sign: give both lower[{name!r}] and upper[{name!r}] (SI) "
                f"or priors[{name!r}] = Prior.normal(mean, sd)"
            )
    return out
