"""Benchmark: cost of a two-channel (electron-phonon) TDTR curve against the one-channel curve.

The ITR paper's W/Al2O3/Ni/quartz sample, FR geometry (front heated, rear probed), 200 kHz /
20 MHz, the whole-period split lock-in sum, 50 delays from 10 ps to 49 ns:

* one-channel stack (W and Ni as single temperatures, phonon-only ITRs);
* the same stack with W and Ni as two-channel layers and channel-resolved interfaces
  (R_pp and R_ei of the ITR paper's circuit).

For both: 1-D and Gaussian spots (26 / 12.5 um), the jitted `signal` (compile time separately,
then the minimum of repeats) and a forward-mode Jacobian with respect to three parameters.
The issue's floor: a two-channel curve costs at most 2x a one-channel curve.

Run: `python benchmarks/bench_two_channel.py [--quick]`; writes
`benchmarks/results/bench_two_channel.json`.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import jax

jax.config.update("jax_enable_x64", True)

import jax.numpy as jnp
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import jaxtherm as jt
from benchmarks._common import time_call, write_json

W = dict(
    electron_heat_capacity=1.12e5, phonon_heat_capacity=2.55e6, electron_conductivity=132.0, phonon_conductivity=46.0
)
NI = dict(
    electron_heat_capacity=4.0e5, phonon_heat_capacity=3.98e6, electron_conductivity=67.8, phonon_conductivity=23.2
)
ALUMINA = jt.tdtr.Layer(9.66e-9, 2.21e6, 2.21e6 * 4.4e-6)
QUARTZ = jt.tdtr.Layer(float("inf"), 1.66e6, 1510.0**2 / 1.66e6)
DELAYS = np.geomspace(10e-12, 49e-9, 50)


def one_channel(parameters):
    """One-temperature stack; parameters = (kappa_W (W/mK), R_W/Al2O3, R_Al2O3/Ni (m^2K/W))."""
    w = jt.tdtr.Layer(104e-9, 2.662e6, parameters[0])
    ni = jt.tdtr.Layer(82e-9, 4.38e6, 91.0)
    return jt.tdtr.Stack([w, ALUMINA, ni, QUARTZ], [parameters[1], parameters[2], 1e-9])


def two_channel(parameters):
    """Two-channel stack; parameters = (G_W (W/m^3K), G_Ni (W/m^3K), h_pp of W/Al2O3 (W/m^2K))."""
    w = jt.tdtr.TwoChannelLayer(104e-9, coupling_constant=parameters[0], **W)
    ni = jt.tdtr.TwoChannelLayer(82e-9, coupling_constant=parameters[1], **NI)
    interfaces = [
        jt.tdtr.ChannelInterface(phonon_conductance=parameters[2], electron_phonon_conductance=1 / 11.55e-9),
        jt.tdtr.ChannelInterface(phonon_conductance=1 / 6.70e-9, phonon_electron_conductance=1 / 8.46e-9),
        1e-9,
    ]
    return jt.tdtr.Stack([w, ALUMINA, ni, QUARTZ], interfaces)


CASES = {
    "one_channel": (one_channel, jnp.array([178.0, 4.2e-9, 6.9e-9])),
    "two_channel": (two_channel, jnp.array([2e17, 8.46e17, 1 / 6.27e-9])),
}


def main(quick: bool = False) -> dict:
    repeats = 3 if quick else 7
    setups = {
        "1d": jt.tdtr.Setup(200e3, 20e6, one_dimensional=True, heat_at="front", probe_at="rear"),
        "spots": jt.tdtr.Setup(200e3, 20e6, pump_radius=26e-6, probe_radius=12.5e-6, heat_at="front", probe_at="rear"),
    }
    rows, calls = {}, {}
    for geometry, setup in setups.items():
        for name, (build, parameters) in CASES.items():
            curve = jax.jit(lambda p, build=build, setup=setup: jt.tdtr.signal(build(p), setup, DELAYS))
            jacobian = jax.jit(
                jax.jacfwd(lambda p, build=build, setup=setup: jt.tdtr.phase(jt.tdtr.signal(build(p), setup, DELAYS)))
            )
            first, best = time_call(curve, parameters, repeats=repeats)
            cost = curve.lower(parameters).compile().cost_analysis()
            cost = cost[0] if isinstance(cost, list) else cost
            jac_first, jac_best = time_call(jacobian, parameters, repeats=max(2, repeats // 2))
            calls[(geometry, name)] = (
                lambda curve=curve, parameters=parameters: curve(parameters),
                lambda jacobian=jacobian, parameters=parameters: jacobian(parameters),
            )
            rows[f"{geometry}/{name}"] = dict(
                curve_compile_s=first - best,
                curve_s=best,
                jacobian_3_compile_s=jac_first - jac_best,
                jacobian_3_s=jac_best,
                # XLA's cost model of the compiled curve (a complex multiply counts as one flop)
                curve_flops=float(cost.get("flops", 0.0)),
                curve_bytes_accessed=float(cost.get("bytes accessed", 0.0)),
            )
    ratios = {}
    for geometry in setups:
        one, two = rows[f"{geometry}/one_channel"], rows[f"{geometry}/two_channel"]
        ratios[geometry] = dict(
            curve=two["curve_s"] / one["curve_s"], jacobian_3=two["jacobian_3_s"] / one["jacobian_3_s"]
        )
        # Median and spread of ratios of interleaved calls (one, two, one, two, ...): load changes on a
        # shared machine hit both alike.
        for index, key in ((0, "curve"), (1, "jacobian_3")):
            samples = {name: [] for name in CASES}
            for _ in range(max(5, 3 * repeats)):
                for name in CASES:
                    t0 = time.perf_counter()
                    jax.block_until_ready(calls[(geometry, name)][index]())
                    samples[name].append(time.perf_counter() - t0)
            pair = np.asarray(samples["two_channel"]) / np.asarray(samples["one_channel"])
            ratios[geometry][f"{key}_median"] = float(np.median(pair))
            ratios[geometry][f"{key}_spread"] = [float(pair.min()), float(pair.max())]
            for name in CASES:
                rows[f"{geometry}/{name}"][f"{key}_median_s"] = float(np.median(samples[name]))
    print(f"{'case':24s} {'curve (ms)':>11s} {'compile (s)':>12s} {'jac3 (ms)':>10s} {'compile (s)':>12s}")
    for key, row in rows.items():
        print(
            f"{key:24s} {1e3 * row['curve_s']:11.2f} {row['curve_compile_s']:12.2f} {1e3 * row['jacobian_3_s']:10.2f} "
            f"{row['jacobian_3_compile_s']:12.2f}"
        )
    for geometry in setups:
        one, two = rows[f"{geometry}/one_channel"], rows[f"{geometry}/two_channel"]
        print(
            f"XLA cost model ({geometry}): flops two/one {two['curve_flops'] / one['curve_flops']:.2f}x, "
            f"bytes accessed two/one {two['curve_bytes_accessed'] / one['curve_bytes_accessed']:.2f}x"
        )
    for geometry, ratio in ratios.items():
        print(
            f"two-channel / one-channel ({geometry}): curve {ratio['curve']:.2f}x, jacobian {ratio['jacobian_3']:.2f}x "
            f"(floor: curve <= 2x); median of interleaved pairs: curve {ratio['curve_median']:.2f}x "
            f"({ratio['curve_spread'][0]:.2f}-{ratio['curve_spread'][1]:.2f}), jacobian {ratio['jacobian_3_median']:.2f}x"
        )
    payload = dict(
        description=__doc__.splitlines()[0],
        n_delays=len(DELAYS),
        rows=rows,
        ratios=ratios,
        floor_curve_ratio=2.0,
        load_average=os.getloadavg(),
    )
    path = write_json("bench_two_channel", payload)
    print(f"wrote {path}")
    return payload


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    main(quick=parser.parse_args().quick)
