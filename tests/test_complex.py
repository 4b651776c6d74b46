"""The real-arithmetic complex functions of `jaxtherm._complex` against numpy, derivatives included."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from jaxtherm import _complex

jax.config.update("jax_enable_x64", True)


def _points(n=20000, seed=0, exponent=30):
    rng = np.random.default_rng(seed)
    real = rng.standard_normal(n) * 10.0 ** rng.uniform(-exponent, exponent, n)
    imag = rng.standard_normal(n) * 10.0 ** rng.uniform(-exponent, exponent, n)
    # the branch cut (both lips), the axes and zero
    edge = np.array([0, 4, -4, 1j, -1j, complex(-2, 0.0), complex(-2, -0.0), 1e-140 + 1e-140j, -1e140])
    return np.concatenate([real + 1j * imag, edge])


def test_principal_sqrt_equals_numpy_including_the_branch_cut():
    z = _points()
    ours = np.asarray(_complex.principal_sqrt(jnp.asarray(z)))
    reference = np.sqrt(z)
    assert np.all(np.abs(ours - reference) <= 4e-16 * np.abs(reference))
    # the lower lip of the cut gives -i sqrt(2), the upper +i sqrt(2)
    assert ours[-4].imag > 0 and ours[-3].imag < 0
    assert np.all(ours.real >= 0)


def test_reciprocal_divide_and_exp_equal_numpy():
    # the documented range of the reciprocal: 1e-150 < |z| < 1e150
    z = _points(exponent=100)
    z = z[(np.abs(z) > 1e-140) & (np.abs(z) < 1e140)]
    w = _points(seed=1, exponent=100)[: z.size]
    np.testing.assert_allclose(np.asarray(_complex.reciprocal(jnp.asarray(z))), 1 / z, rtol=1e-15)
    ratio = np.asarray(_complex.divide(jnp.asarray(w), jnp.asarray(z)))
    finite = np.abs(w / z) < 1e290
    np.testing.assert_allclose(ratio[finite], (w / z)[finite], rtol=2e-15)
    moderate = _points(exponent=1)
    np.testing.assert_allclose(np.asarray(_complex.exp(jnp.asarray(moderate))), np.exp(moderate), rtol=2e-15, atol=0)


@pytest.mark.parametrize("name", ["principal_sqrt", "reciprocal", "exp"])
def test_holomorphic_derivatives_match_jax_numpy(name):
    ours = getattr(_complex, name)
    reference = {"principal_sqrt": jnp.sqrt, "reciprocal": lambda z: 1.0 / z, "exp": jnp.exp}[name]
    z = jnp.asarray([0.3 + 2.0j, -1.5 + 0.2j, 2.0 - 0.7j, -0.4 - 3.0j])
    grad_ours = jax.vmap(jax.grad(ours, holomorphic=True))(z)
    grad_ref = jax.vmap(jax.grad(reference, holomorphic=True))(z)
    np.testing.assert_allclose(np.asarray(grad_ours), np.asarray(grad_ref), rtol=1e-14)
    # forward mode through a real parameter, against a central difference
    f = lambda a: jnp.real(ours(a * z[0]) + ours(a * z[1]))  # noqa: E731
    derivative = jax.jacfwd(f)(1.3)
    step = 1e-6
    assert abs(derivative - (f(1.3 + step) - f(1.3 - step)) / (2 * step)) < 1e-8 * max(1.0, abs(derivative))


def test_single_precision_forms_do_not_overflow():
    """In complex64 the root and the reciprocal stay accurate over the float32 exponent range,
    where |z|^2 overflows (|z| > 1.8e19) or underflows (|z| < 1e-19): the magnitudes of q^2 at
    the inverse-Laplace nodes of a 1 ps delay (~1e21 m^-2) are inside it."""
    z = _points(n=4000, seed=3, exponent=36)
    z = z[(np.abs(z) > 1e-36) & (np.abs(z) < 1e36)]
    z32 = jnp.asarray(z, dtype=jnp.complex64)
    exact = np.asarray(z32).astype(np.complex128)
    root = np.asarray(_complex.principal_sqrt(z32))
    assert root.dtype == np.complex64 and np.all(np.isfinite(root))
    assert np.all(np.abs(root - np.sqrt(exact)) <= 4e-7 * np.abs(np.sqrt(exact)))
    inverse = np.asarray(_complex.reciprocal(z32))
    assert inverse.dtype == np.complex64 and np.all(np.isfinite(inverse))
    # (beyond 1e30 the smaller component of 1/z can fall below the normal float32 range)
    inside = (np.abs(exact) > 1e-30) & (np.abs(exact) < 1e30)
    assert np.all(np.abs(inverse - 1 / exact)[inside] <= 4e-7 * np.abs(1 / exact)[inside])
    # the plain forms these replace fail here: |z|^2 = inf for |z| = 1e21
    big = jnp.asarray([1e21 + 3e20j], dtype=jnp.complex64)
    assert not np.isfinite(np.asarray(jnp.real(big) ** 2 + jnp.imag(big) ** 2)).all()
    np.testing.assert_allclose(
        np.asarray(_complex.principal_sqrt(big)), np.sqrt(np.asarray(big).astype(complex)), rtol=4e-7
    )
