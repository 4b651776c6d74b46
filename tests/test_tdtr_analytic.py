"""TDTR response in limits with closed forms: semi-infinite solids, a direct numerical Hankel
integral, reciprocity of heated/probed planes, and the high-frequency / thick-layer extreme."""

import jax
import numpy as np
import pytest
import scipy.integrate

import jaxtherm as jt

from helpers import itr_stack

L = jt.tdtr.Layer


def test_semi_infinite_1d_equals_inverse_effusivity():
    """A 1-D semi-infinite solid heated and probed at its surface responds exactly
    1 / (e sqrt(i omega)) per unit flux, e = sqrt(kappa C) its effusivity."""
    stack = jt.tdtr.Stack(layers=[L(np.inf, 1.6e6, 1.4)], resistances=[])
    setup = jt.tdtr.Setup(1e6, 80e6, one_dimensional=True)
    f = np.geomspace(1e2, 1e11, 19)
    expected = 1.0 / (np.sqrt(1.4 * 1.6e6) * np.sqrt(2j * np.pi * f))
    got = np.asarray(jt.tdtr.response(stack, setup, f))
    np.testing.assert_allclose(got, expected, rtol=1e-13)


def test_film_behaves_as_half_space_when_thick():
    """A film much thicker than the thermal penetration depth (20 um at 10 GHz, over a 1 mm
    substrate) responds as a half-space of the film material; the stable impedance form gives
    finite numbers where cosh/sinh of q d ~ e^700 would overflow."""
    stack = jt.tdtr.Stack(layers=[L(20e-6, 2.42e6, 180.0), L(1e-3, 1.66e6, 140.0)], resistances=[1e-8])
    half_space = jt.tdtr.Stack(layers=[L(np.inf, 2.42e6, 180.0)], resistances=[])
    setup = jt.tdtr.Setup(10e9 / 3, 20e9, 5e-6, 5e-6)
    f = np.array([1e9, 1e10])
    got = np.asarray(jt.tdtr.response(stack, setup, f))
    ref = np.asarray(jt.tdtr.response(half_space, setup, f))
    assert np.all(np.isfinite(got))
    np.testing.assert_allclose(got, ref, rtol=1e-12)
    # the full lock-in chain stays finite too, probing the far (rear) side of the film
    # (13 penetration depths at 10 MHz between the planes: a legitimate extreme, warned about)
    with pytest.warns(jt.tdtr.PlausibilityWarning, match=r"layers\[0\].thickness.*penetration depth"):
        z = jt.tdtr.signal(
            stack, jt.tdtr.Setup(10e6, 80e6, probe_at="rear", one_dimensional=True), np.array([1e-12, 1e-9])
        )
    assert np.all(np.isfinite(np.asarray(z)))
    grads = jax.grad(lambda s: jt.tdtr.ratio(jt.tdtr.response(s, setup, f[1:])).sum())(stack)
    assert all(np.all(np.isfinite(g)) for g in jax.tree_util.tree_leaves(grads))


def _quad_hankel(g, width2):
    """(1 / 2 pi) int_0^inf g(k) exp(-k^2 width2 / 8) k dk by adaptive quadrature."""
    kmax = 14.0 / np.sqrt(width2 / 8.0)

    def part(fn):
        return scipy.integrate.quad(
            lambda k: fn(g(k) * np.exp(-k * k * width2 / 8.0) * k), 0.0, kmax, epsabs=0, epsrel=1e-12, limit=400
        )[0]

    return (part(np.real) + 1j * part(np.imag)) / (2 * np.pi)


@pytest.mark.parametrize("thickness", [np.inf, 3e-6], ids=["semi_infinite", "finite_adiabatic"])
def test_radial_single_layer_matches_direct_hankel_integral(thickness):
    """Gaussian pump/probe on one anisotropic layer: the library's spot average equals a direct
    adaptive quadrature of (1/2pi) int g(k) exp(-k^2 (w0^2+w1^2)/8) k dk with the closed-form
    g(k) = coth(q d) / (kappa_z q) (1 / (kappa_z q) when semi-infinite), to 1e-9 at the default
    32 nodes, and the error falls geometrically with the number of nodes (fitted rate). The 10 kHz
    point on this high-diffusivity layer (Si-like) is the hard case for a fixed Laguerre rule."""
    heat_capacity, kz, kr = 1.66e6, 140.0, 60.0
    w0, w1 = 10e-6, 6e-6
    stack = jt.tdtr.Stack(layers=[L(thickness, heat_capacity, kz, conductivity_inplane=kr)], resistances=[])
    freqs = np.array([1e4, 1e6, 1e8])
    references = []
    for f in freqs:
        s = 2j * np.pi * f

        def g(k, s=s):
            q = np.sqrt((kr * k * k + s * heat_capacity) / kz)
            return 1.0 / (kz * q) if np.isinf(thickness) else 1.0 / (kz * q * np.tanh(q * thickness))

        references.append(_quad_hankel(g, w0**2 + w1**2))
    references = np.array(references)
    nodes = np.array([6, 10, 14, 18])
    errors = []
    for n in nodes:
        got = np.asarray(jt.tdtr.response(stack, jt.tdtr.Setup(1e6, 80e6, w0, w1, n_hankel=int(n)), freqs))
        errors.append(np.max(np.abs(got / references - 1)))
    slope = np.polyfit(nodes, np.log(errors), 1)[0]
    assert slope < -0.5, (errors, slope)  # at least a factor e^0.5 per added node
    default = np.asarray(jt.tdtr.response(stack, jt.tdtr.Setup(1e6, 80e6, w0, w1), freqs))
    assert np.max(np.abs(default / references - 1)) < 1e-9


def _itr_stack():
    return itr_stack()


def _random_stack(rng, n_layers, finite_last):
    layers = []
    for i in range(n_layers):
        last = i == n_layers - 1
        thickness = (10 ** rng.uniform(-4, -3.3) if finite_last else np.inf) if last else 10 ** rng.uniform(-8.5, -6.5)
        kz = 10 ** rng.uniform(-0.5, 2.5)
        kr = kz * 10 ** rng.uniform(-0.5, 0.5) if i == 1 else None  # one anisotropic layer, fixed structure
        layers.append(L(thickness, 10 ** rng.uniform(6, 6.6), kz, conductivity_inplane=kr))
    return jt.tdtr.Stack(layers=layers, resistances=list(10 ** rng.uniform(-9.5, -7.5, n_layers - 1)))


def test_reciprocity_of_heated_and_probed_planes():
    """Linear diffusion is reciprocal: heating plane A and probing plane B gives the same
    response as heating B and probing A (beam radii swapped), for random valid stacks
    (anisotropic layers, finite and semi-infinite substrates, every plane pair, 1-D and Gaussian)."""
    from jaxtherm.tdtr._hankel import spot_response

    gaussian_ab = jt.tdtr.Setup(1e6, 80e6, 7e-6, 3e-6)
    gaussian_ba = jt.tdtr.Setup(1e6, 80e6, 3e-6, 7e-6)
    one_d = jt.tdtr.Setup(1e6, 80e6, one_dimensional=True)
    s = 2j * np.pi * np.array([3e5, 1e7, 3e9])
    n_layers = 3
    pairs = [(a, b) for a in range(n_layers + 1) for b in range(a + 1, n_layers + 1)]

    @jax.jit
    def all_pairs(stack):
        arrays = stack.arrays()
        forward = [spot_response(arrays, gaussian_ab, s, a, b) for a, b in pairs]
        backward = [spot_response(arrays, gaussian_ba, s, b, a) for a, b in pairs]
        forward += [spot_response(arrays, one_d, s, a, b) for a, b in pairs]
        backward += [spot_response(arrays, one_d, s, b, a) for a, b in pairs]
        return jax.numpy.stack(forward), jax.numpy.stack(backward)

    rng = np.random.default_rng(7)
    for trial in range(4):
        finite = trial % 2 == 1
        stack = _random_stack(rng, n_layers, finite)
        forward, backward = map(np.asarray, all_pairs(stack))
        valid = [i for i, (a, b) in enumerate(pairs * 2) if finite or b < n_layers]  # plane n: finite only
        assert np.all(np.isfinite(forward[valid]))
        np.testing.assert_allclose(forward[valid], backward[valid], rtol=1e-10)
