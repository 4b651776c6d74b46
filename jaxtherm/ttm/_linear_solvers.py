"""Linear solvers of the TTM step: scalar and 2x2-block tridiagonal, cyclic by Woodbury.

All run inside `jit` and `vmap`; the block solvers are written on scalars in one
`lax.scan` sweep down and one up (block Thomas algorithm), stable without pivoting
for the block diagonally dominant TTM matrices.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp

__all__ = ["solve_coupled_tridiagonal", "solve_periodic_coupled_tridiagonal", "solve_tridiagonal_thomas"]


def solve_tridiagonal_thomas(lower, diag, upper, rhs):
    """Scalar tridiagonal solve (Thomas algorithm in `lax.scan`) for stacked systems.

    Under `vmap` one sweep serves every batch member at once, which beats the per-system
    LAPACK calls of `lax.linalg.tridiagonal_solve` for large batches on a CPU.

    **Arguments:** `lower`, `diag`, `upper`, `rhs`: (..., n) (`lower[..., 0]` and
    `upper[..., -1]` ignored).

    **Returns:** x (..., n).
    """
    n = diag.shape[-1]
    low = jnp.moveaxis(lower.at[..., 0].set(0.0), -1, 0)
    up = jnp.moveaxis(upper.at[..., n - 1].set(0.0), -1, 0)
    dia, right = jnp.moveaxis(diag, -1, 0), jnp.moveaxis(rhs, -1, 0)

    def forward(carry, inputs):
        c_prev, e_prev = carry
        lo, di, u, b = inputs
        denominator = di - lo * c_prev
        c, e = u / denominator, (b - lo * e_prev) / denominator
        return (c, e), (c, e)

    zero = jnp.zeros_like(dia[0])
    _, (c, e) = jax.lax.scan(forward, (zero, zero), (low, dia, up, right))

    def backward(x_next, inputs):
        ci, ei = inputs
        x = ei - ci * x_next
        return x, x

    _, x = jax.lax.scan(backward, zero, (c, e), reverse=True)
    return jnp.moveaxis(x, 0, -1)


def solve_coupled_tridiagonal(lower, diag, upper, coupling_electron, coupling_phonon, rhs):
    """Solve the coupled electron-phonon system of variant B (2x2-block tridiagonal).

    Row i of carrier c: `lower[c,i] x[c,i-1] + diag[c,i] x[c,i] + upper[c,i] x[c,i+1]`
    plus the local coupling `coupling_electron[i] x[p,i]` (electron rows) or
    `coupling_phonon[i] x[e,i]` (phonon rows) equals `rhs[c,i]`. Block Thomas
    algorithm written on scalars (one sweep down, one up, inside `lax.scan`): stable
    without pivoting for the block diagonally dominant TTM matrices.

    **Arguments:** `lower`, `diag`, `upper`: (2,n) (`lower[:,0]`, `upper[:,-1]` ignored);
    `coupling_electron`, `coupling_phonon`: (n,); `rhs`: (2,n) or (2,n,k).

    **Returns:** x with the shape of `rhs`.
    """
    n = diag.shape[1]
    low = lower.at[:, 0].set(0.0)
    up = upper.at[:, n - 1].set(0.0)
    right = rhs if rhs.ndim == 3 else rhs[..., None]

    def forward(carry, inputs):
        c00, c01, c10, c11, d0_prev, d1_prev = carry
        le, lp, de, dp, ae, ap, ue, upp, re, rp = inputs
        m00, m01 = de - le * c00, ae - le * c01
        m10, m11 = ap - lp * c10, dp - lp * c11
        det = m00 * m11 - m01 * m10
        i00, i01, i10, i11 = m11 / det, -m01 / det, -m10 / det, m00 / det
        r0, r1 = re - le * d0_prev, rp - lp * d1_prev
        out = (i00 * ue, i01 * upp, i10 * ue, i11 * upp, i00 * r0 + i01 * r1, i10 * r0 + i11 * r1)
        return out, out

    zero_block = jnp.zeros((), diag.dtype)
    zero_vec = jnp.zeros(right.shape[2:], right.dtype)
    init = (zero_block,) * 4 + (zero_vec, zero_vec)
    _, (c00, c01, c10, c11, d0, d1) = jax.lax.scan(
        forward,
        init,
        (low[0], low[1], diag[0], diag[1], coupling_electron, coupling_phonon, up[0], up[1], right[0], right[1]),
    )

    def backward(carry, inputs):
        x0_next, x1_next = carry
        a00, a01, a10, a11, e0, e1 = inputs
        x0 = e0 - (a00 * x0_next + a01 * x1_next)
        x1 = e1 - (a10 * x0_next + a11 * x1_next)
        return (x0, x1), (x0, x1)

    _, (x0, x1) = jax.lax.scan(backward, (zero_vec, zero_vec), (c00, c01, c10, c11, d0, d1), reverse=True)
    x = jnp.stack([x0, x1])
    return x if rhs.ndim == 3 else x[..., 0]


def solve_periodic_coupled_tridiagonal(lower, diag, upper, coupling_electron, coupling_phonon, corner, rhs):
    """Cyclic version of `solve_coupled_tridiagonal`: `corner[c]` couples cells 0 and n-1 of carrier c.

    Woodbury identity with a rank-4 correction (both corners, both carriers).

    **Arguments:** as `solve_coupled_tridiagonal`, plus `corner` (2,); `rhs` (2,n).

    **Returns:** x (2,n).
    """
    n = diag.shape[1]
    columns = jnp.zeros((2, n, 4), diag.dtype)
    columns = columns.at[0, 0, 0].set(corner[0]).at[1, 0, 1].set(corner[1])
    columns = columns.at[0, n - 1, 2].set(corner[0]).at[1, n - 1, 3].set(corner[1])
    solved = solve_coupled_tridiagonal(
        lower, diag, upper, coupling_electron, coupling_phonon, jnp.concatenate([rhs[..., None], columns], axis=-1)
    )
    y, z = solved[..., 0], solved[..., 1:]
    # V^T picks (electron, phonon) of cell n-1 for the first two columns, of cell 0 for the last two.
    v_y = jnp.stack([y[0, n - 1], y[1, n - 1], y[0, 0], y[1, 0]])
    v_z = jnp.stack([z[0, n - 1], z[1, n - 1], z[0, 0], z[1, 0]])
    correction = jnp.linalg.solve(jnp.eye(4, dtype=diag.dtype) + v_z, v_y)
    return y - z @ correction
