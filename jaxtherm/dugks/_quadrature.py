"""Angular quadrature in mu = cos(theta) for the gray, isotropic 1-D BTE.

The DUGKS paper (section IV.1) discretises the |v| cos(theta) direction with
Gauss-Legendre points on [-1, 1]. Moments of an energy density u(mu) are
`U = 2 pi sum_n w_n u_n` (energy) and `q = 2 pi sum_n w_n v mu_n u_n` (flux).

Only even counts are supported: the ordinate set is then symmetric with no
mu = 0 point, so every ordinate has a mirror partner (specular walls), and each
hemisphere carries exactly half of the weight (isothermal walls, interfaces).
"""

from __future__ import annotations

import numpy as np

__all__ = ["QUADRATURES", "ordinates", "validate_ordinates"]

#: ``"gauss-legendre"``: full-range Gauss-Legendre on [-1, 1] (the paper's choice);
#: ``"double-gauss"``: Gauss-Legendre on each hemisphere separately (exact half-range
#: moments of polynomials: better where the intensity jumps at mu = 0, i.e. near walls
#: in the ballistic regime).
QUADRATURES = ("gauss-legendre", "double-gauss")


def validate_ordinates(n_ordinates, quadrature: str = "gauss-legendre") -> int:
    """Check an ordinate count (even, 2..1000) and quadrature name; returns the count."""
    if isinstance(n_ordinates, bool) or not isinstance(n_ordinates, (int, np.integer)):
        raise TypeError(f"n_ordinates must be an integer, got {n_ordinates!r}")
    if n_ordinates < 2:
        raise ValueError(f"n_ordinates must be >= 2 (number of discrete directions mu), got {n_ordinates}")
    if n_ordinates % 2:
        raise ValueError(
            f"n_ordinates must be even (symmetric ordinates without mu = 0, needed by specular "
            f"walls and half-range moments), got {n_ordinates}"
        )
    if n_ordinates > 1000:
        raise ValueError(f"n_ordinates must be <= 1000, got {n_ordinates}")
    if quadrature not in QUADRATURES:
        raise ValueError(f"unknown quadrature {quadrature!r}; expected one of {list(QUADRATURES)}")
    return int(n_ordinates)


def ordinates(n_ordinates: int, quadrature: str = "gauss-legendre") -> tuple[np.ndarray, np.ndarray]:
    """Direction cosines and weights.

    **Arguments:**

    - `n_ordinates`: number of directions (even, >= 2).
    - `quadrature`: one of `QUADRATURES`.

    **Returns:** `(mu, weights)`, two float64 numpy arrays of length `n_ordinates`,
    `mu` ascending and antisymmetric (`mu[::-1] == -mu`), weights summing to 2.
    """
    n = validate_ordinates(n_ordinates, quadrature)
    if quadrature == "gauss-legendre":
        mu, w = np.polynomial.legendre.leggauss(n)
    else:
        half_mu, half_w = np.polynomial.legendre.leggauss(n // 2)
        positive_mu = 0.5 * (half_mu + 1.0)
        positive_w = 0.5 * half_w
        mu = np.concatenate([-positive_mu[::-1], positive_mu])
        w = np.concatenate([positive_w[::-1], positive_w])
    # Enforce exact antisymmetry so mirrored ordinates are bitwise partners.
    mu = 0.5 * (mu - mu[::-1])
    w = 0.5 * (w + w[::-1])
    return mu.astype(np.float64), w.astype(np.float64)
