"""Files fitted per minute, one file after another, compile included: jaxtherm vs NumPy + SciPy.

The lab workflow: measurement files arrive one at a time, each with its own delay grid
and length; each is fitted for two interface resistances (phase of the ITR paper's
W/Al2O3/Ni/quartz sample, FR, 20 MHz / 200 kHz, 26 / 12.5 um Gaussian spots). Timed:

1. jaxtherm: `fit_traces` on a fresh `TdtrModel` per file, from a cold process state
   for this structure, so the compilations (one per length bucket) are included.
   The delays are traced, so files of one bucket share the compiled fit.
2. The previous behaviour (delays baked into the compiled model) for comparison: the
   same model wrapped as a plain callable, a new compilation per file (a few files).
3. The NumPy + SciPy baseline: `scipy.optimize.least_squares` (finite-difference
   Jacobian) on the plain NumPy sideband sum of `bench_tdtr` with the number of
   sidebands that reaches a 1e-5 ratio error on this sample.

Also reported: the cost of a new file of an already compiled bucket over the cost of
refitting the same file (both warm). Run: `python benchmarks/bench_files.py [--quick]`;
writes `benchmarks/results/files_<machine>.json`.
"""

from __future__ import annotations

import sys
import time
import warnings

import jax

jax.config.update("jax_enable_x64", True)

import numpy as np  # noqa: E402

import jaxtherm as jt  # noqa: E402
from jaxtherm.fit import DegeneracyWarning, Trace, fit_traces  # noqa: E402
from jaxtherm.fit._abscissa import bucket_size  # noqa: E402
from jaxtherm.tdtr import TdtrModel  # noqa: E402

try:  # run as part of the benchmarks package (python -m benchmarks)
    from ._common import machine_name, write_json  # noqa: E402
    from .bench_tdtr import numpy_signal  # noqa: E402
except ImportError:  # run as a script (python benchmarks/bench_files.py)
    from _common import machine_name, write_json  # noqa: E402
    from bench_tdtr import numpy_signal  # noqa: E402

GW = 1e-9
SIGMA = 1e-4  # rad
LAYERS = [(104e-9, 2.55e6, 158.1), (9.66e-9, 2.21e6, 9.724), (82e-9, 3.98e6, 83.58), (np.inf, 1.6e6, 1.4)]
RESISTANCES = [4.2e-9, 6.9e-9, 1e-9]
SETUP = jt.tdtr.Setup(200e3, 20e6, 26e-6, 12.5e-6, heat_at="front", probe_at="rear")
WIDTH2 = 26e-6**2 + 12.5e-6**2
FREE = {"R1": "stack.resistances[0]", "R2": "stack.resistances[1]"}


def _params(r1=RESISTANCES[0], r2=RESISTANCES[1]):
    layers = [jt.tdtr.Layer(*x) for x in LAYERS]
    return {"stack": jt.tdtr.Stack(layers=layers, resistances=[r1, r2, RESISTANCES[2]])}


def _files(n_files, rng):
    """(delays, phase data) per file: most files 250 points, some 180-320, each grid shifted a little."""
    truth = _params()
    files = []
    for i in range(n_files):
        n = 250 if i % 3 != 2 else int(rng.integers(180, 321))
        delays = np.geomspace(10e-12, 49e-9, n) + rng.uniform(-1e-12, 1e-12)
        clean = np.asarray(TdtrModel(SETUP, delays, "phase")(truth))
        files.append((delays, clean + SIGMA * rng.standard_normal(n)))
    return files


def _fit_file(delays, data, start, *, plain=False):
    model = TdtrModel(SETUP, delays, "phase")
    if plain:  # the previous behaviour: a new plain model per file, delays baked in

        def model(params, wrapped=model):
            return wrapped(params)

    return fit_traces(start, Trace(model=model, data=data, sigma=SIGMA), FREE)


def jaxtherm_workflow(files):
    start = _params(5 * GW, 5 * GW)
    times, values = [], []
    t_all = time.perf_counter()
    for delays, data in files:
        t0 = time.perf_counter()
        result = _fit_file(delays, data, start)
        times.append(time.perf_counter() - t0)
        values.append([result.values["R1"] / GW, result.values["R2"] / GW])
    total = time.perf_counter() - t_all
    buckets = [bucket_size(len(d)) for d, _ in files]
    warm = [t for i, t in enumerate(times) if buckets[i] in buckets[:i]]
    return {
        "files": len(files),
        "total_s": total,
        "files_per_minute": 60.0 * len(files) / total,
        "per_file_s": times,
        "buckets": sorted(set(buckets)),
        "compiling_files_s": [t for i, t in enumerate(times) if buckets[i] not in buckets[:i]],
        "warm_files_per_minute": 60.0 * len(warm) / sum(warm) if warm else float("nan"),
        "median_values_GW": np.median(values, axis=0).tolist(),
    }


def new_file_vs_repeat(files, repeats):
    """(new-file s, repeat s): a new file of a compiled bucket vs refitting one file (both warm, best of repeats)."""
    start = _params(5 * GW, 5 * GW)
    same = [f for f in files if len(f[0]) == 250]
    trace = Trace(model=TdtrModel(SETUP, same[0][0], "phase"), data=same[0][1], sigma=SIGMA)
    fit_traces(start, trace, FREE)
    repeat = min(_timed(lambda: fit_traces(start, trace, FREE)) for _ in range(repeats))
    new = min(_timed(lambda f=f: _fit_file(*f, start)) for f in same[1 : repeats + 1])
    return new, repeat


def previous_behaviour(files):
    start = _params(5 * GW, 5 * GW)
    return [_timed(lambda f=f: _fit_file(*f, start, plain=True)) for f in files]


def _timed(fn):
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def _numpy_phase(delays, r1, r2, n_sidebands):
    z = numpy_signal(LAYERS, [r1, r2, RESISTANCES[2]], 200e3, 20e6, delays, 0, 3, WIDTH2, n_sidebands)
    return np.arctan2(z.imag, z.real)


def _numpy_sidebands(delays):
    """Sidebands the plain NumPy sum needs for a 1e-5 ratio error on this sample (doubling from 250)."""
    reference = np.asarray(jt.tdtr.ratio(jt.tdtr.signal(_params()["stack"], SETUP, delays)))
    m = 250
    while m < 64000:
        z = numpy_signal(LAYERS, RESISTANCES, 200e3, 20e6, delays, 0, 3, WIDTH2, m)
        if np.max(np.abs(-z.real / z.imag / reference - 1)) <= 1e-5:
            break
        m *= 2
    return m


def scipy_workflow(files, n_sidebands):
    from scipy.optimize import least_squares as scipy_least_squares

    times, values = [], []
    t_all = time.perf_counter()
    for delays, data in files:
        t0 = time.perf_counter()

        def residual(x, delays=delays, data=data):
            return (data - _numpy_phase(delays, x[0] * GW, x[1] * GW, n_sidebands)) / SIGMA

        fit = scipy_least_squares(residual, x0=[5.0, 5.0], bounds=([0, 0], [np.inf, np.inf]), x_scale="jac")
        times.append(time.perf_counter() - t0)
        values.append(list(fit.x))
    total = time.perf_counter() - t_all
    return {
        "files": len(files),
        "n_sidebands": n_sidebands,
        "total_s": total,
        "files_per_minute": 60.0 * len(files) / total,
        "per_file_s": times,
        "median_values_GW": np.median(values, axis=0).tolist(),
    }


def main(quick: bool = False) -> dict:
    """Run the files-per-minute benchmark; print a table and write JSON. Returns the numbers."""
    warnings.simplefilter("ignore", DegeneracyWarning)
    rng = np.random.default_rng(13)
    files = _files(8 if quick else 20, rng)
    ours = jaxtherm_workflow(files)
    new, repeat = new_file_vs_repeat(files, 2 if quick else 4)
    previous = previous_behaviour(files[:1] if quick else files[:3])
    n_sidebands = _numpy_sidebands(files[0][0])
    baseline = scipy_workflow(files[:2] if quick else files[:5], n_sidebands)
    result = {
        "case": "2-ITR phase fit per file, W/Al2O3/Ni/quartz FR, 20 MHz / 200 kHz, 26/12.5 um spots",
        "jaxtherm": ours,
        "new_file_s": new,
        "repeat_fit_s": repeat,
        "new_file_over_repeat": new / repeat,
        "previous_per_file_s": previous,
        "previous_files_per_minute": 60.0 / float(np.mean(previous)),
        "numpy_scipy": baseline,
    }
    result["headline"] = [
        {
            "case": "files fitted per minute (compile incl.) vs NumPy+SciPy",
            "jaxtherm": f"{ours['files_per_minute']:.1f} files/min",
            "baseline": f"{baseline['files_per_minute']:.1f} files/min",
            "speedup": ours["files_per_minute"] / baseline["files_per_minute"],
        }
    ]
    _print(result)
    path = write_json(f"files_{machine_name()}", result)
    print(f"wrote {path}")
    return result


def _print(r):
    ours, base = r["jaxtherm"], r["numpy_scipy"]
    print("== files fitted one after another (compile included) ==")
    print(
        f"jaxtherm      {ours['files']:3d} files, {ours['total_s']:7.2f} s: {ours['files_per_minute']:7.1f} files/min "
        f"(buckets {ours['buckets']}; median R1, R2 = {ours['median_values_GW'][0]:.3f}, "
        f"{ours['median_values_GW'][1]:.3f} m^2K/GW)"
    )
    print(
        f"              of which {len(ours['compiling_files_s'])} files compiled a bucket "
        f"({np.mean(ours['compiling_files_s']):.1f} s each); the others: {ours['warm_files_per_minute']:.0f} files/min"
    )
    print(
        f"previous      recompiling per file: {np.mean(r['previous_per_file_s']):.2f} s/file "
        f"({r['previous_files_per_minute']:.1f} files/min)"
    )
    print(
        f"NumPy+SciPy   {base['files']:3d} files, {base['total_s']:7.2f} s: {base['files_per_minute']:7.1f} files/min "
        f"({base['n_sidebands']} sidebands; median R1, R2 = {base['median_values_GW'][0]:.3f}, "
        f"{base['median_values_GW'][1]:.3f} m^2K/GW)"
    )
    print(
        f"new file of a compiled bucket {r['new_file_s'] * 1e3:.1f} ms vs repeat fit {r['repeat_fit_s'] * 1e3:.1f} ms: "
        f"ratio {r['new_file_over_repeat']:.2f}"
    )


if __name__ == "__main__":
    main(quick="--quick" in sys.argv)
