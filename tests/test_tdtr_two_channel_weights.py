"""Derivatives of the two-channel TDTR signal with respect to the pump split and the probe weights.

A 40 nm W film (two-channel layer, G of the ITR paper's Table 5) on quartz, with the W/quartz interface of the ITR
paper's circuit (R_pp and the direct electron channel R_ei), heated and probed at the front, 1-D, full-period lock-in
signal at four delays from 2 ps to 500 ps. The free leaves are the electron heating fraction f and the probe weights
a, b of the probe reading a Te + b Tp. The response is linear in the source and in the reading, so

    Z(f, a, b) = a [f Ze,e + (1 - f) Ze,p] + b [f Zp,e + (1 - f) Zp,p]

(Zx,y: the x-temperature reading of a source heating channel y): dZ/da at any point is the signal at (a, b) = (1, 0),
dZ/df is Z(f = 1) - Z(f = 0), and every such identity holds to round-off. jax.jacfwd and jax.grad are checked against
central differences and the identities; the physics (which channel is hot when) is asserted on the columns.
"""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import jaxtherm as jt

W_FIELDS = dict(
    electron_heat_capacity=1.12e5, phonon_heat_capacity=2.55e6, electron_conductivity=132.0, phonon_conductivity=46.0
)
QUARTZ = jt.tdtr.Layer(float("inf"), 1.66e6, 1510.0**2 / 1.66e6)
DELAYS = np.array([2e-12, 10e-12, 50e-12, 500e-12])
SETUP = jt.tdtr.Setup(200e3, 20e6, one_dimensional=True, heat_at="front", probe_at="front")
POINT = np.array([0.7, 0.6, 0.4])  # (f, a, b): a generic point, not a special case
OTHER_POINT = np.array([0.15, -0.3, 1.8])


def _stack(parameters):
    fraction, electron_weight, phonon_weight = parameters[0], parameters[1], parameters[2]
    film = jt.tdtr.TwoChannelLayer(
        40e-9,
        coupling_constant=2e17,
        electron_heating_fraction=fraction,
        electron_probe_weight=electron_weight,
        phonon_probe_weight=phonon_weight,
        **W_FIELDS,
    )
    interface = jt.tdtr.ChannelInterface.from_resistances(6.27e-9, 11.55e-9, metal_above=True)
    return jt.tdtr.Stack([film, QUARTZ], [interface])


def _signal(parameters):
    """Re and Im of the lock-in signal at DELAYS (K per W), stacked."""
    z = jt.tdtr.signal(_stack(parameters), SETUP, DELAYS)
    return jnp.concatenate([z.real, z.imag])


def _phase_sum(parameters):
    return jnp.sum(jt.tdtr.phase(jt.tdtr.signal(_stack(parameters), SETUP, DELAYS)))


_signal_jit = jax.jit(_signal)


def _phase_sum_from_signal(parameters):
    """The summed phase from the compiled signal (no second compile)."""
    value = np.asarray(_signal_jit(jnp.asarray(parameters)))
    n = DELAYS.size
    return float(np.sum(np.arctan2(value[n:], value[:n])))


# (signal, jacfwd, grad of the summed phase), compiled once for all points
_value_and_derivatives = jax.jit(lambda p: (_signal(p), jax.jacfwd(_signal)(p), jax.grad(_phase_sum)(p)))


@pytest.fixture(scope="module")
def derivatives():
    """(signal, jacfwd, grad of the summed phase) at POINT."""
    return tuple(np.asarray(x) for x in _value_and_derivatives(jnp.asarray(POINT)))


def _at(point=POINT, **changes):
    names = {"f": 0, "a": 1, "b": 2}
    parameters = np.array(point, dtype=float)
    for name, value in changes.items():
        parameters[names[name]] = value
    return np.asarray(_signal_jit(jnp.asarray(parameters)))


def test_jacfwd_and_grad_match_central_differences(derivatives):
    """jacfwd of Re/Im Z w.r.t. (f, a, b) equals central differences (step 1e-3) to 1e-9 of the largest entry, and
    jax.grad of the summed lock-in phase equals both its central differences (step 1e-5) to 1e-8 relative and the chain
    rule through jacfwd (d phase = (Re dIm - Im dRe) / |Z|^2) to 1e-9 relative."""
    value, jacobian, gradient = derivatives
    scale = np.max(np.abs(jacobian))
    n = DELAYS.size
    re, im = value[:n], value[n:]
    chain = ((re[:, None] * jacobian[n:] - im[:, None] * jacobian[:n]) / (re**2 + im**2)[:, None]).sum(axis=0)
    for i in range(POINT.size):
        step = 1e-3
        up, down = POINT.copy(), POINT.copy()
        up[i] += step
        down[i] -= step
        central = (np.asarray(_signal_jit(jnp.asarray(up))) - np.asarray(_signal_jit(jnp.asarray(down)))) / (2 * step)
        assert np.max(np.abs(jacobian[:, i] - central)) < 1e-9 * scale, i
        assert np.max(np.abs(central)) > 1e-4 * scale  # every leaf matters
        # the phase is not linear in the leaves: a smaller step keeps its truncation error below 1e-9
        up, down = POINT.copy(), POINT.copy()
        up[i] += 1e-5
        down[i] -= 1e-5
        phase_central = (_phase_sum_from_signal(up) - _phase_sum_from_signal(down)) / 2e-5
        assert gradient[i] == pytest.approx(phase_central, rel=1e-8, abs=1e-12)
        assert gradient[i] == pytest.approx(chain[i], rel=1e-9, abs=1e-12)


@pytest.mark.parametrize("point", [POINT, OTHER_POINT], ids=["f0.7_a0.6_b0.4", "f0.15_a-0.3_b1.8"])
def test_signal_is_linear_in_the_probe_weights(point):
    """dZ/da at (f, a, b) is the pure electron reading Z(f, 1, 0), dZ/db the pure lattice reading Z(f, 0, 1), and
    Z(f, a, b) = a Z(f, 1, 0) + b Z(f, 0, 1), each to 1e-12 of |Z|, at two unrelated points (one with a < 0)."""
    value, jacobian, _ = (np.asarray(x) for x in _value_and_derivatives(jnp.asarray(point)))
    electron, lattice = _at(point, a=1.0, b=0.0), _at(point, a=0.0, b=1.0)
    scale = np.max(np.abs(value))
    assert np.max(np.abs(jacobian[:, 1] - electron)) < 1e-12 * scale
    assert np.max(np.abs(jacobian[:, 2] - lattice)) < 1e-12 * scale
    assert np.max(np.abs(value - (point[1] * electron + point[2] * lattice))) < 1e-12 * scale


@pytest.mark.parametrize("point", [POINT, OTHER_POINT], ids=["f0.7_a0.6_b0.4", "f0.15_a-0.3_b1.8"])
def test_signal_is_linear_in_the_heating_fraction(point):
    """Z(f) = f Z(1) + (1 - f) Z(0) and dZ/df = Z(1) - Z(0) to 1e-12 of |Z| at two points: the pump's electron share
    only splits a linear source."""
    value, jacobian, _ = (np.asarray(x) for x in _value_and_derivatives(jnp.asarray(point)))
    electrons_heated, lattice_heated = _at(point, f=1.0), _at(point, f=0.0)
    scale = np.max(np.abs(value))
    assert np.max(np.abs(jacobian[:, 0] - (electrons_heated - lattice_heated))) < 1e-12 * scale
    assert np.max(np.abs(value - (point[0] * electrons_heated + (1 - point[0]) * lattice_heated))) < 1e-12 * scale


def test_which_channel_is_hot_when(derivatives):
    """Physics in the columns. Heating electrons instead of the lattice raises the electron reading and lowers the
    lattice reading at 2 ps (d Re Z/df > 0 for (a, b) = (1, 0), < 0 for (0, 1)); once the film has equilibrated
    (G / Ce ~ 1.8 ps^-1, G / Cp ~ 0.08 ps^-1) the split no longer matters: |d Re Z/df| falls more than 100-fold from
    2 ps to 500 ps. The electron and lattice readings (dZ/da, dZ/db) differ by > 10 % at 2 ps and approach each other
    monotonically, to < 1 % at 500 ps (what remains is the steady Te - Tp that drives the direct electron channel)."""
    _, jacobian, _ = derivatives
    n = DELAYS.size
    d_electron_df = _at(a=1.0, b=0.0, f=1.0)[:n] - _at(a=1.0, b=0.0, f=0.0)[:n]
    d_lattice_df = _at(a=0.0, b=1.0, f=1.0)[:n] - _at(a=0.0, b=1.0, f=0.0)[:n]
    print("d Re Z/df, electron reading:", d_electron_df, "lattice reading:", d_lattice_df)
    assert d_electron_df[0] > 0 > d_lattice_df[0]
    assert abs(jacobian[n - 1, 0]) < 1e-2 * abs(jacobian[0, 0])
    readings = np.abs(jacobian[:n, 1] / jacobian[:n, 2] - 1.0)
    print("|Re Z_e / Re Z_p - 1| versus delay:", readings)
    assert readings[0] > 0.1 and readings[-1] < 1e-2
    assert np.all(np.diff(readings) < 0)
