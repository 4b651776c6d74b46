"""TDTR accuracy in float32 against float64 (the bound documented in `jaxtherm.tdtr.signal`).

The float32 half runs in a child process with x64 off (JAX cannot switch precision inside one
process); both halves evaluate the same cases with the default `Setup` numerics, 40 delays from
1 ps to the end of the period, and the table reports the largest relative ratio error, phase
error (rad) and |Z32 - Z64| / |Z64|, plus the bare response from 100 Hz to 1 GHz.

Run: `python -m benchmarks.bench_tdtr_float32` from the repository root; writes
benchmarks/results/tdtr_float32_<machine>.json.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile

import numpy as np

ITR_LAYERS = [(104e-9, 2.55e6, 158.1), (9.66e-9, 2.21e6, 9.724), (82e-9, 3.98e6, 83.58), (np.inf, 1.6e6, 1.4)]
ITR_RESISTANCES = [4.2e-9, 6.9e-9, 1e-9]
ALSI_LAYERS = [(80e-9, 2.42e6, 180.0), (np.inf, 1.66e6, 140.0)]
ITR_BEAMS = {"modulation_frequency": 200e3, "repetition_rate": 20e6, "pump_radius": 26e-6, "probe_radius": 12.5e-6}
ALSI_SETUP = {"modulation_frequency": 10e6, "repetition_rate": 80e6, "pump_radius": 10e-6, "probe_radius": 10e-6}


def cases():
    """(name, layers, resistances, Setup keyword arguments, entry, points)."""
    itr_delays = np.geomspace(1e-12, 49e-9, 40)
    out = []
    for heat, probe in (("front", "rear"), ("rear", "front"), ("front", "front"), ("rear", "rear")):
        out.append(
            (
                f"ITR {heat[0].upper()}{probe[0].upper()} 26/12.5 um",
                ITR_LAYERS,
                ITR_RESISTANCES,
                dict(ITR_BEAMS, heat_at=heat, probe_at=probe),
                "signal",
                itr_delays,
            )
        )
    out.append(
        (
            "ITR FR 1-D",
            ITR_LAYERS,
            ITR_RESISTANCES,
            {
                "modulation_frequency": 200e3,
                "repetition_rate": 20e6,
                "heat_at": "front",
                "probe_at": "rear",
                "one_dimensional": True,
            },
            "signal",
            itr_delays,
        )
    )
    out.append(("Al/Si 80 MHz 10 um", ALSI_LAYERS, [5e-9], ALSI_SETUP, "signal", np.geomspace(1e-12, 12e-9, 40)))
    frequencies = np.geomspace(1e2, 1e9, 36)
    out.append(
        (
            "ITR FR response",
            ITR_LAYERS,
            ITR_RESISTANCES,
            dict(ITR_BEAMS, heat_at="front", probe_at="rear"),
            "response",
            frequencies,
        )
    )
    out.append(("Al/Si response", ALSI_LAYERS, [5e-9], ALSI_SETUP, "response", frequencies))
    return out


def evaluate(path: str) -> None:
    """Evaluate every case in the current precision and save the complex results to `path`."""
    import jaxtherm as jt

    values = {}
    for name, layers, resistances, setup, entry, points in cases():
        stack = jt.tdtr.Stack(layers=[jt.tdtr.Layer(*layer) for layer in layers], resistances=resistances)
        function = jt.tdtr.signal if entry == "signal" else jt.tdtr.response
        values[name] = np.asarray(function(stack, jt.tdtr.Setup(**setup), points))
    np.savez(path, **values)


def main() -> dict:
    import jax

    jax.config.update("jax_enable_x64", True)
    from benchmarks._common import machine_name, write_json

    with tempfile.TemporaryDirectory() as folder:
        single = os.path.join(folder, "float32.npz")
        subprocess.run([sys.executable, "-m", "benchmarks.bench_tdtr_float32", "--child", single], check=True)
        double = os.path.join(folder, "float64.npz")
        evaluate(double)
        z32, z64 = dict(np.load(single)), dict(np.load(double))
    rows = []
    print(f"{'case':26s} {'ratio rel':>10s} {'phase (rad)':>12s} {'|dZ|/|Z|':>10s} {'|dZ|/max|Z|':>12s}")
    for name, *_ in cases():
        a, b = z32[name], z64[name]
        row = {
            "case": name,
            "float32_dtype": str(a.dtype),
            "max_ratio_relative_error": float(np.max(np.abs((a.real / a.imag) / (b.real / b.imag) - 1))),
            "max_phase_error_rad": float(np.max(np.abs(np.angle(a / b)))),
            "max_relative_error": float(np.max(np.abs(a - b) / np.abs(b))),
            "max_error_over_peak": float(np.max(np.abs(a - b)) / np.max(np.abs(b))),
        }
        rows.append(row)
        print(
            f"{name:26s} {row['max_ratio_relative_error']:10.1e} {row['max_phase_error_rad']:12.1e} "
            f"{row['max_relative_error']:10.1e} {row['max_error_over_peak']:12.1e}"
        )
    payload = {"benchmark": "tdtr_float32", "rows": rows}
    path = write_json(f"tdtr_float32_{machine_name()}", payload)
    print(f"written {path}")
    return payload


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        import jax

        jax.config.update("jax_enable_x64", False)
        evaluate(sys.argv[2])
    else:
        main()
