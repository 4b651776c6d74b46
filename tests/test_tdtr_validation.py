"""Bad TDTR inputs are rejected at the public entry with a ValueError/TypeError that names the
parameter and its unit (never a silent NaN)."""

import numpy as np
import pytest

import jaxtherm as jt

L = jt.tdtr.Layer
SETUP = jt.tdtr.Setup(200e3, 20e6, heat_at="front", probe_at="rear", one_dimensional=True)
DELAYS = np.array([1e-10])


def _stack(**overrides):
    fields = dict(thickness=104e-9, heat_capacity=2.55e6, conductivity=158.1)
    fields.update(overrides)
    return jt.tdtr.Stack(layers=[L(**fields), L(np.inf, 1.6e6, 1.4)], resistances=[4e-9])


@pytest.mark.parametrize(
    "overrides, match",
    [
        (dict(thickness=-1e-7), r"thickness.*m"),
        (dict(thickness=0.0), r"thickness.*m"),
        (dict(thickness=float("nan")), r"thickness.*NaN"),
        (dict(thickness=80.0), r"nanometres"),
        (dict(heat_capacity=-2.5e6), r"heat_capacity.*J m\^-3 K\^-1"),
        (dict(heat_capacity=float("nan")), r"heat_capacity.*NaN"),
        (dict(heat_capacity=130.0), r"heat_capacity.*implausibly small"),
        (dict(conductivity=0.0), r"conductivity.*W m\^-1 K\^-1"),
        (dict(conductivity_inplane=-3.0), r"conductivity_inplane.*W m\^-1 K\^-1"),
    ],
)
def test_bad_layer_values(overrides, match):
    """Non-positive, NaN or unit-slipped layer properties raise ValueError naming the field and unit."""
    with pytest.raises(ValueError, match=match):
        jt.tdtr.signal(_stack(**overrides), SETUP, DELAYS)


def test_bad_resistances_and_planes():
    """Wrong number of resistances, negative or GW-unit resistances, an inner semi-infinite layer and
    planes outside the stack are rejected."""
    layers = [L(104e-9, 2.55e6, 158.1), L(np.inf, 1.6e6, 1.4)]
    with pytest.raises(ValueError, match=r"len\(layers\) - 1 = 1.*m\^2 K W\^-1"):
        jt.tdtr.signal(jt.tdtr.Stack(layers=layers, resistances=[1e-9, 2e-9]), SETUP, DELAYS)
    with pytest.raises(ValueError, match=r"resistances\[0\].*m\^2 K W\^-1"):
        jt.tdtr.signal(jt.tdtr.Stack(layers=layers, resistances=[-1e-9]), SETUP, DELAYS)
    with pytest.raises(ValueError, match=r"GW"):
        jt.tdtr.signal(jt.tdtr.Stack(layers=layers, resistances=[4.2]), SETUP, DELAYS)
    with pytest.raises(ValueError, match=r"only the last layer may be semi-infinite"):
        jt.tdtr.signal(jt.tdtr.Stack(layers=layers[::-1], resistances=[1e-9]), SETUP, DELAYS)
    with pytest.raises(ValueError, match=r"probe_at = 5 is outside the stack"):
        jt.tdtr.signal(_stack(), SETUP.replace(probe_at=5), DELAYS)
    with pytest.raises(ValueError, match=r"probe_at = 2 is outside the stack"):
        jt.tdtr.signal(_stack(), SETUP.replace(probe_at=2), DELAYS)  # semi-infinite: no back face
    with pytest.raises(ValueError, match=r"unknown heat_at 'back'"):
        SETUP.replace(heat_at="back")


def test_bad_setup_values():
    """Frequencies <= 0, radii <= 0 or in micrometres, unknown delay stage and delays at the pulse
    are rejected with the parameter name and unit."""
    with pytest.raises(ValueError, match=r"modulation_frequency.*Hz"):
        jt.tdtr.Setup(0.0, 20e6, one_dimensional=True)
    with pytest.raises(ValueError, match=r"repetition_rate.*Hz"):
        jt.tdtr.Setup(200e3, -20e6, one_dimensional=True)
    with pytest.raises(ValueError, match=r"modulation_frequency.*NaN"):
        jt.tdtr.Setup(float("nan"), 20e6, one_dimensional=True)
    with pytest.raises(ValueError, match=r"pump_radius.*m"):
        jt.tdtr.Setup(200e3, 20e6, -26e-6, 12.5e-6)
    with pytest.raises(ValueError, match=r"probe_radius.*micrometres"):
        jt.tdtr.Setup(200e3, 20e6, 26e-6, 12.5)
    with pytest.raises(ValueError, match=r"pump_radius \(m\) is required"):
        jt.tdtr.Setup(200e3, 20e6)
    with pytest.raises(ValueError, match=r"unknown delay_stage"):
        jt.tdtr.Setup(200e3, 20e6, one_dimensional=True, delay_stage="both")
    with pytest.raises(ValueError, match=r"delays.*min_delay"):
        jt.tdtr.signal(_stack(), SETUP, np.array([0.0 + 1e-15]))
    with pytest.raises(ValueError, match=r"delays.*NaN"):
        jt.tdtr.signal(_stack(), SETUP, np.array([np.nan]))
    with pytest.raises(TypeError, match=r"setup must be a jaxtherm.tdtr.Setup"):
        jt.tdtr.signal(_stack(), {"modulation_frequency": 1e6}, DELAYS)
