"""Scaling study: wall time vs batch size and vs problem size, for each solver.

    python -m benchmarks.scaling [--quick]

* batch size: a `jax.vmap` sweep over one parameter (ITR for TDTR, G for the TTM and
  the DUGKS), from 1 to 10^4 members (fewer for the expensive kinetic solver on a CPU);
* problem size: TDTR vs number of delays and sidebands, TTM vs cells, DUGKS vs cells
  and ordinates.

Every point is the minimum of repeated, compiled, `block_until_ready` runs; compile
time is reported separately. Writes `benchmarks/results/scaling_<machine>.json` and a
PNG with one panel per solver and kind of size.
"""

from __future__ import annotations

import dataclasses
import time

import jax

# Benchmarks run in float64; set before any jaxtherm array exists.
jax.config.update("jax_enable_x64", True)

import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

import jaxtherm as jt  # noqa: E402
from jaxtherm import dugks, materials, sources, ttm  # noqa: E402
from jaxtherm.app.demo import itr_paper_sample  # noqa: E402

from ._common import RESULTS_DIR, machine_name, time_call, write_json  # noqa: E402


def _tdtr_problem(n_delays=30, n_sidebands=None):
    truth, setups = itr_paper_sample()
    setup = setups["FR"] if n_sidebands is None else setups["FR"].replace(n_sidebands=n_sidebands)
    delays = jnp.asarray(np.geomspace(10e-12, 49e-9, n_delays))
    stack0 = truth["stack"]

    def phase(resistance):
        return jt.tdtr.phase(jt.tdtr.signal(stack0.replace_resistance(0, resistance), setup, delays))

    return phase, 4.2e-9


def _ttm_problem(n_cells=100):
    source = sources.PulseSource(
        incident_fluence=0.699,
        pulse_duration=96e-15,
        penetration_depth=15.3e-9,
        film_thickness=100e-9,
        normalisation="energy",
    )
    config = ttm.Config(cells_per_layer=(n_cells,))
    edges = ttm.time_grid(-0.5e-12, 5e-12, 5e-15, fine_until=0.5e-12, growth=1.05, max_step=100e-15)

    def peak(coupling):
        material = dataclasses.replace(materials.GOLD, coupling_constant=coupling)
        solution = ttm.simulate(ttm.single_layer(material, 100e-9, source=source), config, edges, positions=[0.0])
        return jnp.max(solution.electron_temperature[:, 0])

    return peak, 2.6e16


def _dugks_problem(n_cells=20, n_ordinates=16):
    source = sources.PulseSource(
        incident_fluence=0.699,
        pulse_duration=96e-15,
        penetration_depth=15.3e-9,
        film_thickness=100e-9,
        normalisation="energy",
    )
    config = dugks.Config(
        cells_per_layer=n_cells, n_ordinates=n_ordinates, max_speed=float(materials.GOLD.electron_speed)
    )
    times = np.linspace(-0.3e-12, 0.5e-12, 21)

    def peak(coupling):
        material = dataclasses.replace(materials.GOLD, coupling_constant=coupling)
        params = dugks.Params(layers=(dugks.Layer(material, 100e-9),), source=source)
        return jnp.max(dugks.simulate(params, config, times).front_electron_temperature)

    return peak, 2.6e16


def _batch_curve(fn, centre, sizes):
    batched = jax.jit(jax.vmap(fn))
    rows = []
    for size in sizes:
        values = jnp.asarray(centre * np.linspace(0.5, 1.5, size))
        compile_s, best = time_call(batched, values, repeats=3, min_time=0.05)
        rows.append({"batch": int(size), "seconds": best, "per_member_s": best / size, "compile_s": compile_s})
        print(f"    batch {size:6d}: {best * 1e3:10.2f} ms  ({size / best:12,.1f} /s)", flush=True)
    return rows


def _size_curve(make, centre_kw, sizes, label):
    rows = []
    for size in sizes:
        fn, centre = make(**{label: size, **centre_kw})
        compile_s, best = time_call(jax.jit(fn), centre, repeats=3, min_time=0.05)
        rows.append({label: int(size), "seconds": best, "compile_s": compile_s})
        print(f"    {label} {size:6d}: {best * 1e3:10.2f} ms", flush=True)
    return rows


def main(quick: bool = False) -> dict:
    t0 = time.perf_counter()
    on_cpu = jax.default_backend() == "cpu"
    results = {"batch": {}, "size": {}}
    batch_sizes = {
        "tdtr": [1, 10, 100, 1000] if quick else [1, 10, 100, 1000, 10000],
        "ttm": [1, 10, 100] if quick else [1, 10, 100, 1000, 10000],
        "dugks": [1, 4, 16] if quick else ([1, 4, 16, 64, 256] if on_cpu else [1, 10, 100, 1000, 10000]),
    }
    problems = {"tdtr": _tdtr_problem, "ttm": _ttm_problem, "dugks": _dugks_problem}
    for name, make in problems.items():
        print(f"  {name}: time vs batch size", flush=True)
        fn, centre = make()
        results["batch"][name] = _batch_curve(fn, centre, batch_sizes[name])

    print("  tdtr: time vs number of delays / sidebands", flush=True)
    results["size"]["tdtr_delays"] = _size_curve(
        _tdtr_problem, {}, [10, 100, 1000] if quick else [10, 30, 100, 300, 1000, 3000], "n_delays"
    )
    results["size"]["tdtr_sidebands"] = _size_curve(
        _tdtr_problem, {}, [16, 64, 256] if quick else [16, 32, 64, 128, 256, 512], "n_sidebands"
    )
    print("  ttm: time vs cells", flush=True)
    results["size"]["ttm_cells"] = _size_curve(
        _ttm_problem, {}, [25, 100, 400] if quick else [25, 50, 100, 200, 400, 800], "n_cells"
    )
    print("  dugks: time vs cells and ordinates", flush=True)
    results["size"]["dugks_cells"] = _size_curve(
        _dugks_problem, {}, [10, 20, 40] if quick else [10, 20, 40, 80], "n_cells"
    )
    results["size"]["dugks_ordinates"] = _size_curve(
        _dugks_problem, {}, [8, 16, 32] if quick else [8, 16, 32, 64, 100], "n_ordinates"
    )

    name = f"scaling_{machine_name()}{'-quick' if quick else ''}"
    png = RESULTS_DIR / f"{name}.png"
    _plot(results, png)
    results["plot"] = str(png.name)
    results["wall_s"] = time.perf_counter() - t0
    path = write_json(name, results)
    print(f"  wrote {path} and {png}")
    return results


def _plot(results: dict, path) -> None:
    fig = Figure(figsize=(15, 4))
    axes = fig.subplots(1, 3)
    ax = axes[0]
    for solver, rows in results["batch"].items():
        ax.loglog([r["batch"] for r in rows], [r["seconds"] for r in rows], "o-", label=solver)
    ax.set_xlabel("batch size (vmap)")
    ax.set_ylabel("wall time per call (s)")
    ax.set_title("time vs batch size")
    ax.legend()
    ax = axes[1]
    for key, label in (("tdtr_delays", "n_delays"), ("tdtr_sidebands", "n_sidebands")):
        rows = results["size"][key]
        ax.loglog([r[label] for r in rows], [r["seconds"] for r in rows], "o-", label=f"TDTR {label}")
    ax.set_xlabel("problem size")
    ax.set_title("TDTR: time vs delays / sidebands")
    ax.legend()
    ax = axes[2]
    for key, label in (("ttm_cells", "n_cells"), ("dugks_cells", "n_cells"), ("dugks_ordinates", "n_ordinates")):
        rows = results["size"][key]
        ax.loglog(
            [r[label] for r in rows], [r["seconds"] for r in rows], "o-", label=f"{key.split('_')[0].upper()} {label}"
        )
    ax.set_xlabel("problem size")
    ax.set_title("TTM / DUGKS: time vs cells / ordinates")
    ax.legend()
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    main(parser.parse_args().quick)
