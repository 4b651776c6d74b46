"""TDTR multilayer response: jaxtherm vs a straightforward NumPy brute-force-sideband code.

Three cases of issue 2, side by side in one run:

1. 80 MHz / 10 MHz, Al/Si, Gaussian 10 um spots, 30 delays 100 ps - 4 ns, ratio error <= 1e-6:
   one curve (jitted), and curves/s with `jax.vmap` over a batch of stacks;
2. the ITR paper's system, 20 MHz / 200 kHz, W/Al2O3/Ni/quartz, 26 / 12.5 um spots, 500 delays
   10 ps - 50 ns, FR and RF;
3. the Jacobian of the FR ratio w.r.t. 10 parameters (3 ITRs, 4 conductivities, 3 heat
   capacities) with `jax.jacfwd`, relative to one forward evaluation.

The NumPy baseline is what a user would otherwise write: the same per-wavenumber physics
(admittance form), a Gauss-Legendre Hankel rule, and the plain sideband sum
sum_{|m|<=M} H(w_mod + m w_rep) exp(i m w_rep t); M is doubled until its ratio is within the
case's tolerance of jaxtherm's (validated) answer, or a cap is reached (then its error is
reported). Timings: warm-up, `block_until_ready`, minimum of repeats; compile time separately.

Run: `python -m benchmarks.bench_tdtr [--quick]` from the repository root (or through
`python -m benchmarks`); writes benchmarks/results/tdtr_<hostname>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import time

import jax

jax.config.update("jax_enable_x64", True)

import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402

import jaxtherm as jt  # noqa: E402

try:  # run as part of the benchmarks package (python -m benchmarks)
    from ._common import best_and_compile  # noqa: E402
except ImportError:  # run as a script (python benchmarks/bench_tdtr.py)
    from _common import best_and_compile  # noqa: E402

L = jt.tdtr.Layer


# ----------------------------------------------------------------------------- NumPy baseline
def numpy_response(layers, resistances, frequencies, heat_plane, probe_plane, width2, n_k=64):
    """H(i omega) per watt for Gaussian spots, plain NumPy (admittance form, Gauss-Legendre in k).

    layers: list of (thickness m, C J/m^3K, kappa W/mK); resistances m^2K/W.
    """
    u, w = np.polynomial.legendre.leggauss(n_k)
    u = 3.25 * (u + 1.0)  # u = k sqrt(width2/8) in [0, 6.5]
    w = 3.25 * w
    k = u * np.sqrt(8.0 / width2)
    s = 2j * np.pi * np.asarray(frequencies)[:, None]
    k2 = (k**2)[None, :]
    n = len(layers)
    gam, th, sh = [], [], []
    for d, c, kap in layers:
        q = np.sqrt((kap * k2 + s * c) / kap)
        e = np.zeros_like(q) if np.isinf(d) else np.exp(-q * d)
        gam.append(kap * q)
        th.append((1 - e * e) / (1 + e * e))
        sh.append(2 * e / (1 + e * e))
    zero = np.zeros_like(s * k2)
    y_down = [None] * (n + 1)
    y_top = [None] * n
    y_down[n] = zero
    for i in range(n - 1, -1, -1):
        y_top[i] = gam[i] * (y_down[i + 1] + gam[i] * th[i]) / (gam[i] + y_down[i + 1] * th[i])
        y_down[i] = y_top[i] if i == 0 else y_top[i] / (1 + resistances[i - 1] * y_top[i])
    y_up = [zero] + [None] * n
    for j in range(1, n + 1):
        i = j - 1
        ya = zero if i == 0 else y_up[i] / (1 + resistances[i - 1] * y_up[i])
        y_up[j] = gam[i] * (ya + gam[i] * th[i]) / (gam[i] + ya * th[i])
    a, b = sorted((heat_plane, probe_plane))
    theta = 1.0 / (y_up[a] + y_down[a])  # reciprocity: heat the upper plane, read the lower one
    for j in range(a, b):
        if j >= 1:
            theta = theta / (1 + resistances[j - 1] * y_top[j])
        theta = theta * sh[j] / (1 + y_down[j + 1] / gam[j] * th[j])
    weight = w * np.exp(-(u**2)) * u * np.sqrt(8.0 / width2) ** 2 / (2 * np.pi)
    return theta @ weight


def numpy_signal(layers, resistances, f_mod, f_rep, delays, heat_plane, probe_plane, width2, n_sidebands):
    """Plain sideband sum Z(t) = sum_{|m|<=M} H(f_mod + m f_rep) exp(2 pi i m f_rep t) (chunked in m)."""
    z = np.zeros(len(delays), complex)
    m_all = np.arange(-n_sidebands, n_sidebands + 1)
    for start in range(0, len(m_all), 8192):
        m = m_all[start : start + 8192]
        h = numpy_response(layers, resistances, f_mod + m * f_rep, heat_plane, probe_plane, width2)
        z += np.exp(2j * np.pi * f_rep * np.outer(delays, m)) @ h
    return z


# ----------------------------------------------------------------------------- helpers


def _interleaved(calls: dict, repeats: int) -> dict:
    """Wall times (s) of warm, blocked calls, interleaved round-robin so that load changes hit all alike."""
    samples = {name: [] for name in calls}
    for _ in range(max(int(repeats), 5)):
        for name, call in calls.items():
            t0 = time.perf_counter()
            jax.block_until_ready(call())
            samples[name].append(time.perf_counter() - t0)
    return {name: np.asarray(values) for name, values in samples.items()}


def _summary(values) -> dict:
    return {"median_s": float(np.median(values)), "spread_s": [float(np.min(values)), float(np.max(values))]}


def _numpy_until_accurate(run, reference, tolerance, start, cap, repeats):
    m = start
    while True:
        z = run(m)
        error = float(np.max(np.abs(jt.tdtr.ratio(z) / reference - 1)))
        if error <= tolerance or m >= cap:
            break
        m *= 2
    best = np.inf
    for _ in range(repeats):
        t0 = time.perf_counter()
        run(m)
        best = min(best, time.perf_counter() - t0)
    return {"numpy_sidebands": m, "numpy_ratio_error": error, "numpy_s_per_curve": best}


def _itr_layers():
    return [(104e-9, 2.55e6, 158.1), (9.66e-9, 2.21e6, 9.724), (82e-9, 3.98e6, 83.58), (np.inf, 1.6e6, 1.4)]


def _stack(layers, resistances):
    return jt.tdtr.Stack(layers=[L(*x) for x in layers], resistances=list(resistances))


# ----------------------------------------------------------------------------- cases
def case_80mhz(quick):
    layers = [(80e-9, 2.42e6, 180.0), (np.inf, 1.66e6, 140.0)]
    resistances = [5e-9]
    stack = _stack(layers, resistances)
    delays = np.geomspace(100e-12, 4e-9, 30)
    default = jt.tdtr.Setup(10e6, 80e6, 10e-6, 10e-6)
    # Settings tuned for this case (delays >= 100 ps, tolerance 1e-6): fewer Talbot decades,
    # contour and Hankel nodes, and a 6th-order window (its smooth part converges like
    # M^-5.5, so 12 sidebands suffice). Accuracy is checked below against a tight reference,
    # for the nominal stack and for every member of the vmapped batch.
    setup = default.replace(min_delay=5e-11, n_hankel=16, n_sidebands=12, window_order=6, contour_nodes=24)
    tight = default.replace(n_sidebands=256, n_hankel=64)  # the reference settings
    reference = np.asarray(jt.tdtr.ratio(jt.tdtr.signal(stack, tight, delays)))
    repeats = 5 if quick else 20
    # The floor is for a jitted curve; the eager public call adds input validation on the host.
    jitted = jax.jit(lambda s: jt.tdtr.signal(s, setup, delays))
    per_curve, compile_s = best_and_compile(lambda: jitted(stack), repeats)
    per_curve_eager, _ = best_and_compile(lambda: jt.tdtr.signal(stack, setup, delays), repeats)
    per_curve_default, _ = best_and_compile(lambda: jt.tdtr.signal(stack, default, delays), repeats)
    curve_samples = _interleaved({"curve": lambda: jitted(stack)}, 2 * repeats)["curve"]
    jax_error = float(np.max(np.abs(np.asarray(jt.tdtr.ratio(jitted(stack))) / reference - 1)))
    default_error = float(
        np.max(np.abs(np.asarray(jt.tdtr.ratio(jt.tdtr.signal(stack, default, delays))) / reference - 1))
    )

    batch = 64
    rng = np.random.default_rng(0)
    batched = jt.tdtr.Stack.from_arrays(
        thickness=np.tile([80e-9, np.inf], (batch, 1)),
        heat_capacity=np.tile([2.42e6, 1.66e6], (batch, 1)),
        conductivity=np.column_stack([rng.uniform(100, 240, batch), rng.uniform(100, 160, batch)]),
        resistances=rng.uniform(2e-9, 2e-8, (batch, 1)),
    )
    mapped = jax.jit(jax.vmap(lambda s: jt.tdtr.signal(s, setup, delays)))
    batch_s, batch_compile = best_and_compile(lambda: mapped(batched), 3 if quick else 10)
    # The same batch mapped in vmapped chunks of 16 (lax.map(batch_size=16)): keeps the
    # per-chunk working set in cache on a CPU, which a single 64-wide vmap does not.
    chunk = 16
    chunked = jax.jit(lambda b: jax.lax.map(lambda s: jt.tdtr.signal(s, setup, delays), b, batch_size=chunk))
    chunked_s, _ = best_and_compile(lambda: chunked(batched), 3 if quick else 10)
    batch_reference = np.asarray(jax.jit(jax.vmap(lambda s: jt.tdtr.ratio(jt.tdtr.signal(s, tight, delays))))(batched))
    batch_error = float(np.max(np.abs(np.asarray(jt.tdtr.ratio(chunked(batched))) / batch_reference - 1)))

    width2 = 2 * (10e-6) ** 2
    baseline = _numpy_until_accurate(
        lambda m: numpy_signal(layers, resistances, 10e6, 80e6, delays, 0, 0, width2, m),
        reference,
        1e-6,
        1000,
        64000 if quick else 256000,
        1 if quick else 3,
    )
    return {
        "case": "80 MHz / 10 MHz, Al/Si, 10 um spots, 30 delays 100 ps - 4 ns, tolerance 1e-6",
        "jax_settings": "min_delay=5e-11, n_hankel=16, n_sidebands=12, window_order=6, contour_nodes=24",
        "jax_s_per_curve": per_curve,
        "jax_s_per_curve_median": _summary(curve_samples)["median_s"],
        "jax_s_per_curve_spread": _summary(curve_samples)["spread_s"],
        "load_average": os.getloadavg(),
        "jax_compile_s": compile_s,
        "jax_eager_call_s_per_curve": per_curve_eager,
        "jax_ratio_error": jax_error,
        "jax_default_settings_s_per_curve": per_curve_default,
        "jax_default_settings_ratio_error": default_error,
        "jax_vmap_batch": batch,
        "jax_vmap_curves_per_s": batch / batch_s,
        "jax_vmap_compile_s": batch_compile,
        "jax_chunked_vmap_chunk": chunk,
        "jax_chunked_vmap_curves_per_s": batch / chunked_s,
        "jax_vmap_max_ratio_error_over_batch": batch_error,
        **baseline,
        "speedup_single_curve": baseline["numpy_s_per_curve"] / per_curve,
    }


def case_itr(quick):
    layers = _itr_layers()
    resistances = [4.2e-9, 6.9e-9, 1e-9]
    stack = _stack(layers, resistances)
    delays = np.geomspace(10e-12, 50e-9, 500)
    out = {}
    for name, heat, probe in (("FR", "front", "rear"), ("RF", "rear", "front")):
        setup = jt.tdtr.Setup(200e3, 20e6, 26e-6, 12.5e-6, heat_at=heat, probe_at=probe)
        per_curve, compile_s = best_and_compile(
            lambda setup=setup: jt.tdtr.signal(stack, setup, delays), 3 if quick else 10
        )
        reference = np.asarray(
            jt.tdtr.ratio(jt.tdtr.signal(stack, setup.replace(n_sidebands=256, n_hankel=64), delays))
        )
        z = jt.tdtr.signal(stack, setup, delays)
        jax_error = float(np.max(np.abs(np.asarray(jt.tdtr.ratio(z)) / reference - 1)))
        planes = (0, 3) if name == "FR" else (3, 0)
        baseline = _numpy_until_accurate(
            lambda m, planes=planes: numpy_signal(
                layers, resistances, 200e3, 20e6, delays, *planes, 26e-6**2 + 12.5e-6**2, m
            ),
            reference,
            1e-5,
            500,
            8000 if quick else 64000,
            1,
        )
        out[name] = {
            "jax_s_per_curve": per_curve,
            "jax_compile_s": compile_s,
            "jax_ratio_error": jax_error,
            **baseline,
            "speedup": baseline["numpy_s_per_curve"] / per_curve,
        }
    return {"case": "ITR paper: 20 MHz / 200 kHz, W/Al2O3/Ni/quartz, 500 delays 10 ps - 50 ns", **out}


def case_jacobian(quick):
    layers = _itr_layers()
    delays = np.geomspace(10e-12, 50e-9, 500)
    setup = jt.tdtr.Setup(200e3, 20e6, 26e-6, 12.5e-6, heat_at="front", probe_at="rear")
    base = _stack(layers, [4.2e-9, 6.9e-9, 1e-9])

    def ratio_of(p):
        stack = base
        for i in range(3):
            stack = stack.replace_resistance(i, p[i])
        for i in range(4):
            stack = stack.replace_layer(i, conductivity=p[3 + i])
        for i in range(3):
            stack = stack.replace_layer(i, heat_capacity=p[7 + i])
        return jt.tdtr.ratio(jt.tdtr.signal(stack, setup, delays))

    p0 = jnp.array([4.2e-9, 6.9e-9, 1e-9, 158.1, 9.724, 83.58, 1.4, 2.55e6, 2.21e6, 3.98e6])
    forward = jax.jit(ratio_of)
    jacobian = jax.jit(jax.jacfwd(ratio_of))
    repeats = 3 if quick else 10
    t_forward, c_forward = best_and_compile(lambda: forward(p0), repeats)
    t_jacobian, c_jacobian = best_and_compile(lambda: jacobian(p0), repeats)
    samples = _interleaved({"forward": lambda: forward(p0), "jacobian": lambda: jacobian(p0)}, repeats)
    pair_ratios = samples["jacobian"] / samples["forward"]
    return {
        "case": "jacfwd of the FR ratio (500 delays) w.r.t. 10 parameters",
        "forward_s": t_forward,
        "jacobian_s": t_jacobian,
        "jacobian_over_forward": t_jacobian / t_forward,
        "forward_median_s": float(np.median(samples["forward"])),
        "jacobian_median_s": float(np.median(samples["jacobian"])),
        "jacobian_over_forward_median": float(np.median(pair_ratios)),
        "jacobian_over_forward_spread": [float(pair_ratios.min()), float(pair_ratios.max())],
        "load_average": os.getloadavg(),
        "forward_compile_s": c_forward,
        "jacobian_compile_s": c_jacobian,
    }


def main(quick: bool = False) -> dict:
    """Run the three cases, print a table, write benchmarks/results/tdtr_<hostname>.json."""
    results = {
        "benchmark": "tdtr",
        "machine": {
            "hostname": socket.gethostname(),
            "platform": platform.platform(),
            "processor": platform.processor(),
            "cpu_count": os.cpu_count(),
            "load_average_at_start": os.getloadavg(),
            "device": str(jax.devices()[0]),
            "jax": jax.__version__,
            "numpy": np.__version__,
        },
        "quick": quick,
        "cases": [case_80mhz(quick), case_itr(quick), case_jacobian(quick)],
    }
    a, b, c = results["cases"]
    print(f"\nTDTR benchmark on {results['machine']['hostname']} ({results['machine']['device']}, quick={quick})")
    print(f"{'case':34s} {'jaxtherm':>12s} {'NumPy brute':>14s} {'M (NumPy)':>10s} {'ratio':>8s}  errors jax / NumPy")
    print(
        f"{'80/10 MHz, 30 delays, 1 curve':34s} {a['jax_s_per_curve'] * 1e3:9.3f} ms {a['numpy_s_per_curve'] * 1e3:11.1f} ms "
        f"{a['numpy_sidebands']:10d} {a['speedup_single_curve']:7.0f}x  {a['jax_ratio_error']:.1e} / {a['numpy_ratio_error']:.1e}"
    )
    print(
        f"{'  same, default Setup settings':34s} {a['jax_default_settings_s_per_curve'] * 1e3:9.3f} ms "
        f"{'':>11s}    {'':>10s} {'':>8s}  {a['jax_default_settings_ratio_error']:.1e}"
    )
    print(
        f"{'  same, median (min-max)':34s} "
        f"{a['jax_s_per_curve_median'] * 1e3:9.3f} ms ({a['jax_s_per_curve_spread'][0] * 1e3:.3f}-"
        f"{a['jax_s_per_curve_spread'][1] * 1e3:.3f}), load {a['load_average'][0]:.1f}"
    )
    print(f"{'  same, eager call (not jitted)':34s} {a['jax_eager_call_s_per_curve'] * 1e3:9.3f} ms")
    print(
        f"{'80/10 MHz, vmap batch ' + str(a['jax_vmap_batch']):34s} {a['jax_vmap_curves_per_s']:9.0f} curves/s"
        f"  (max ratio error over the batch {a['jax_vmap_max_ratio_error_over_batch']:.1e})"
    )
    print(
        f"{'80/10 MHz, vmap chunks of ' + str(a['jax_chunked_vmap_chunk']):34s} "
        f"{a['jax_chunked_vmap_curves_per_s']:9.0f} curves/s"
    )
    for name in ("FR", "RF"):
        r = b[name]
        print(
            f"{'ITR 20 MHz/200 kHz ' + name + ', 500 delays':34s} {r['jax_s_per_curve'] * 1e3:9.2f} ms "
            f"{r['numpy_s_per_curve'] * 1e3:11.1f} ms {r['numpy_sidebands']:10d} {r['speedup']:7.0f}x  "
            f"{r['jax_ratio_error']:.1e} / {r['numpy_ratio_error']:.1e}"
        )
    print(
        f"{'jacfwd, 10 parameters (FR)':34s} {c['jacobian_s'] * 1e3:9.2f} ms  = {c['jacobian_over_forward']:.2f} x forward "
        f"({c['forward_s'] * 1e3:.2f} ms); median of interleaved pairs {c['jacobian_over_forward_median']:.2f} x "
        f"(spread {c['jacobian_over_forward_spread'][0]:.2f}-{c['jacobian_over_forward_spread'][1]:.2f})"
    )
    print(
        f"compile: 80 MHz curve {a['jax_compile_s']:.1f} s, vmap {a['jax_vmap_compile_s']:.1f} s, "
        f"ITR FR {b['FR']['jax_compile_s']:.1f} s, jacobian {c['jacobian_compile_s']:.1f} s"
    )
    out_dir = os.path.join(os.path.dirname(os.path.abspath(__file__)), "results")
    os.makedirs(out_dir, exist_ok=True)
    path = os.path.join(out_dir, f"tdtr_{socket.gethostname()}.json")
    with open(path, "w") as fh:
        json.dump(results, fh, indent=2, default=float)
    print(f"written {path}")
    return results


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats, smaller caps")
    main(quick=parser.parse_args().quick)
