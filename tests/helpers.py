"""Shared test fixtures: the ITR paper's W/Al2O3/Ni/quartz sample and its FR/RF setups, and the
files of the configuration tests (`write_config`, `w_quartz_layers`, `w_quartz_phase`).

Table 1 properties at 300 K (kappa = C alpha: W 2.55e6 x 6.2e-5, Al2O3 2.21e6 x 4.4e-6,
Ni 3.98e6 x 2.1e-5), TEM thicknesses 104 / 9.66 / 82 nm, a quartz substrate with the
rounded C = 1.6e6 J/m^3K and kappa = 1.4 W/mK, and the Table 3 ITRs W/Al2O3 = 4.2 and
Al2O3/Ni = 6.9 m^2K/GW plus 1 m^2K/GW at Ni/quartz. (`jaxtherm.app.demo.itr_paper_sample`
uses the quartz of Table 4's effusivity instead.)
"""

import pathlib

import jax.numpy as jnp
import numpy as np

import jaxtherm as jt

THICKNESS = (104e-9, 9.66e-9, 82e-9, np.inf)  # m
HEAT_CAPACITY = (2.55e6, 2.21e6, 3.98e6, 1.6e6)  # J/m^3K
CONDUCTIVITY = (158.1, 9.724, 83.58, 1.4)  # W/mK
RESISTANCES = (4.2e-9, 6.9e-9, 1e-9)  # m^2K/W, heat flowing front to rear


def itr_stack(
    resistances=RESISTANCES, conductivities=CONDUCTIVITY, heat_capacities=HEAT_CAPACITY, thicknesses=THICKNESS
):
    """The W/Al2O3/Ni/quartz `jt.tdtr.Stack` (SI; any property replaceable)."""
    layers = [jt.tdtr.Layer(d, c, k) for d, c, k in zip(thicknesses, heat_capacities, conductivities)]
    return jt.tdtr.Stack(layers=layers, resistances=list(resistances))


def itr_setups(**overrides):
    """`{"FR": Setup, "RF": Setup}`: 1-D, 200 kHz modulation, 20 MHz repetition; FR heats the
    front and probes the rear, RF the reverse. `overrides` go to both setups."""
    options = dict(modulation_frequency=200e3, repetition_rate=20e6, one_dimensional=True)
    options.update(overrides)
    return {
        "FR": jt.tdtr.Setup(heat_at="front", probe_at="rear", **options),
        "RF": jt.tdtr.Setup(heat_at="rear", probe_at="front", **options),
    }


def write_config(folder, text: str, name: str = "c.toml") -> pathlib.Path:
    """Write the TOML configuration `text` to `folder / name` and return its path."""
    path = pathlib.Path(folder) / name
    path.write_text(text)
    return path


def w_quartz_layers(quartz_conductivity: str = "1.3736", resistance: str = "5e-9") -> str:
    """The TOML `[[layers]]` and `[resistances]` of 104 nm W on quartz (the sample of `w_quartz_phase`).

    The values are given as TOML text (W/mK, m^2K/W), so that tests can edit the file text by replacement.
    """
    return f"""[[layers]]
name = "W"
thickness = 104e-9
heat_capacity = 2.55e6
conductivity = 158.1
[[layers]]
name = "quartz"
thickness = inf
heat_capacity = 1.66e6
conductivity = {quartz_conductivity}
[resistances]
"W/quartz" = {resistance}
"""


def w_quartz_phase(delays, seed: int, quartz_conductivity: float = 1.3736, noise: float = 1e-4) -> np.ndarray:
    """Phase (rad) of 104 nm W on quartz (W/quartz ITR 3 m^2K/GW), 1-D, 200 kHz / 20 MHz, heated and probed at the
    front, at `delays` (s), plus `noise` rad of Gaussian noise drawn with `seed`: the trace files of the config tests."""
    stack = jt.tdtr.Stack(
        layers=[jt.tdtr.Layer(104e-9, 2.55e6, 158.1), jt.tdtr.Layer(np.inf, 1.66e6, quartz_conductivity)],
        resistances=[3e-9],
    )
    setup = jt.tdtr.Setup(modulation_frequency=200e3, repetition_rate=20e6, one_dimensional=True)
    phase = np.asarray(jt.tdtr.phase(jt.tdtr.signal(stack, setup, jnp.asarray(delays))))
    return phase + noise * np.random.default_rng(seed).standard_normal(np.size(delays))
