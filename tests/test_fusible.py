"""The fusible elementary functions of the two-channel response: accuracy against numpy over the
range the responses use, special values, holomorphic derivatives, and the fusion they exist for."""

import re

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from jaxtherm.tdtr import _fusible

jax.config.update("jax_enable_x64", True)

ULP = np.finfo(np.float64).eps


def _complex_sample(n=200_001, seed=0):
    rng = np.random.default_rng(seed)
    modulus = 10.0 ** rng.uniform(-140, 140, n)
    angle = rng.uniform(-np.pi, np.pi, n)
    z = modulus * np.exp(1j * angle)
    # both axes and the cut's lips
    edges = np.array([3.0, -3.0, 3j, -3j, -2.0 + 0.0j, complex(-2.0, -0.0), 1e-140, 1e140 + 1e-3j])
    return np.concatenate([z, edges])


def test_real_functions_are_correctly_rounded_to_two_ulp():
    x = np.geomspace(1e-300, 1e300, 400_001)
    np.testing.assert_allclose(np.asarray(jax.jit(_fusible.real_reciprocal)(x)), 1.0 / x, rtol=2 * ULP, atol=0)
    np.testing.assert_allclose(np.asarray(jax.jit(_fusible.real_rsqrt)(x)), 1.0 / np.sqrt(x), rtol=2 * ULP, atol=0)
    t = np.linspace(-708.0, 709.0, 400_001)
    np.testing.assert_allclose(np.asarray(jax.jit(_fusible.real_exp)(t)), np.exp(t), rtol=2 * ULP, atol=0)
    # below -708 the true value is < 3e-308: returned as 0; -inf and nan behave
    tail = np.array([-708.5, -745.0, -1e6, -np.inf, np.nan])
    out = np.asarray(jax.jit(_fusible.real_exp)(tail))
    assert np.all(out[:4] == 0.0) and np.isnan(out[4])


def test_complex_functions_match_numpy():
    z = _complex_sample()
    root = np.asarray(jax.jit(_fusible.principal_sqrt)(z))
    np.testing.assert_allclose(root, np.sqrt(z), rtol=4 * ULP, atol=0)
    assert np.signbit(root[-3].imag) and not np.signbit(root[-4].imag)  # lower / upper lip of the cut
    assert np.asarray(jax.jit(_fusible.principal_sqrt)(jnp.zeros(3, complex))).tolist() == [0, 0, 0]
    np.testing.assert_allclose(np.asarray(jax.jit(_fusible.reciprocal)(z)), 1.0 / z, rtol=3 * ULP, atol=0)
    rng = np.random.default_rng(1)
    w = rng.uniform(-700, 0, 100_001) + 1j * rng.uniform(-1e7, 1e7, 100_001)
    # relative to numpy's where the value is a normal number; an absolute 3e-306 at the bottom
    # (exponent range below -708 returned as 0)
    ours, reference = np.asarray(jax.jit(_fusible.exp)(w)), np.exp(w)
    normal = np.abs(reference) > 1e-290
    np.testing.assert_allclose(ours[normal], reference[normal], rtol=4 * ULP, atol=0)
    np.testing.assert_allclose(ours[~normal], reference[~normal], rtol=0, atol=3e-306)
    moderate = rng.uniform(-30, 0, 10_001) + 1j * rng.uniform(-50, 50, 10_001)
    np.testing.assert_allclose(np.asarray(jax.jit(_fusible.exp)(moderate)), np.exp(moderate), rtol=4 * ULP, atol=0)


@pytest.mark.parametrize("name", ["reciprocal", "principal_sqrt", "exp"])
def test_holomorphic_derivative(name):
    function = getattr(_fusible, name)
    z0 = jnp.asarray(0.7 - 1.3j)
    derivative = {"reciprocal": -1 / z0**2, "principal_sqrt": 0.5 / np.sqrt(complex(z0)), "exp": np.exp(complex(z0))}[
        name
    ]
    np.testing.assert_allclose(complex(jax.grad(function, holomorphic=True)(z0)), derivative, rtol=1e-14)
    # forward mode along a real direction against a central difference
    h = 1e-6
    direction = 0.3 + 0.4j
    _, tangent = jax.jvp(function, (z0,), (jnp.asarray(direction),))
    difference = (complex(function(z0 + h * direction)) - complex(function(z0 - h * direction))) / (2 * h)
    np.testing.assert_allclose(complex(tangent), difference, rtol=1e-8)


def test_complex64_goes_to_the_scaled_forms():
    # float32 runs need the range-scaled forms: |z|^2 of 1e20 overflows float32
    z = jnp.asarray([1e20 + 1e20j, 3e-20 - 1e-20j], dtype=jnp.complex64)
    np.testing.assert_allclose(
        np.asarray(_fusible.principal_sqrt(z)), np.sqrt(np.asarray(z).astype(complex)), rtol=1e-6
    )
    np.testing.assert_allclose(np.asarray(_fusible.reciprocal(z)), 1 / np.asarray(z).astype(complex), rtol=1e-6)
    assert _fusible.reciprocal(z).dtype == jnp.complex64


def test_a_chain_of_them_compiles_to_one_loop():
    # The reason these exist: XLA fuses them into their consumers even when a result is used
    # several times, where it gives a division or root its own loop (and stores it).
    def chain(z):
        root = _fusible.principal_sqrt(z)
        inverse = _fusible.reciprocal(1.0 + root)
        decay = _fusible.exp(-root)
        return inverse * decay + root * inverse + decay * root

    def reference(z):
        root = jnp.sqrt(z)
        inverse = 1.0 / (1.0 + root)
        decay = jnp.exp(-root)
        return inverse * decay + root * inverse + decay * root

    z = jnp.asarray(np.linspace(0.1, 5.0, 4096) + 1j * np.linspace(-3, 3, 4096))
    np.testing.assert_allclose(np.asarray(jax.jit(chain)(z)), np.asarray(reference(z)), rtol=1e-14)
    if jax.default_backend() != "cpu":
        pytest.skip("fusion count checked on XLA:CPU")

    def loops(function):
        text = jax.jit(function).lower(z).compile().as_text()
        return len(re.findall(r" fusion\(", text[text.index("ENTRY") :]))

    assert loops(chain) == 1
    assert loops(reference) > 1


def test_the_two_channel_response_is_one_loop():
    # W / Al2O3 / Ni / quartz with channel-resolved interfaces, front heated, rear probed: every
    # per-point operation of the float64 response is fusible, so XLA:CPU emits a single loop.
    import jaxtherm as jt
    from jaxtherm.tdtr._two_channel import two_channel_plane_response

    if jax.default_backend() != "cpu":
        pytest.skip("fusion count checked on XLA:CPU")
    metal = dict(electron_heat_capacity=1.1e5, phonon_heat_capacity=2.6e6, electron_conductivity=130.0)
    stack = jt.tdtr.Stack(
        [
            jt.tdtr.TwoChannelLayer(100e-9, coupling_constant=2e17, phonon_conductivity=46.0, **metal),
            jt.tdtr.Layer(10e-9, 2.2e6, 9.7),
            jt.tdtr.TwoChannelLayer(80e-9, coupling_constant=8e17, phonon_conductivity=23.0, **metal),
            jt.tdtr.Layer(float("inf"), 1.66e6, 1.37),
        ],
        [
            jt.tdtr.ChannelInterface(phonon_conductance=1.6e8, electron_phonon_conductance=8.7e7),
            jt.tdtr.ChannelInterface(phonon_conductance=1.5e8, phonon_electron_conductance=1.2e8),
            1e-9,
        ],
    )
    arrays = stack.arrays()
    k2 = jnp.asarray(np.geomspace(1e6, 1e13, 64))
    s = jnp.asarray(1j * np.geomspace(1e5, 1e12, 64) + 1e6)
    text = jax.jit(lambda a, k2, s: two_channel_plane_response(a, k2, s, 0, 3)).lower(arrays, k2, s).compile().as_text()
    entry = text[text.index("ENTRY") :]
    per_point = re.findall(r"= c128\[64\]\S* fusion\(|= f64\[64\]\S* fusion\(", entry)
    assert len(per_point) == 1
