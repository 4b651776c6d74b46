"""Write the tutorial notebooks from the cell sources below.

    python notebooks/build_notebooks.py            # write the .ipynb files (no outputs)
    python notebooks/build_notebooks.py --execute  # and run them, storing outputs

The notebooks are generated so that their code is reviewed as plain Python; each
one opens with float64 enabled, reads ``JAXTHERM_FAST=1`` (set by the test suite)
to shrink its problems, and ends with assertions of its headline numbers.
"""

from __future__ import annotations

import argparse
import pathlib

import nbformat

HERE = pathlib.Path(__file__).resolve().parent

PREAMBLE = '''\
import os, time
import jax
jax.config.update("jax_enable_x64", True)   # float64: the library's tested default
import jax.numpy as jnp
import numpy as np
import matplotlib
import matplotlib.pyplot as plt
import jaxtherm as jt

FAST = os.environ.get("JAXTHERM_FAST") == "1"   # the test suite runs the notebooks small
GW = 1e-9   # 1 m^2 K / GW in m^2 K / W
print("jax", jax.__version__, "on", jax.devices())'''


def md(text: str):
    return nbformat.v4.new_markdown_cell(text.strip())


def code(text: str):
    return nbformat.v4.new_code_cell(text.strip())


# ----------------------------------------------------------------------------------------
NB01 = [
    md(r"""
# 01 — Differentiable fitting of bidirectional TDTR traces

The ITR paper measures a W/Al$_2$O$_3$/Ni/quartz sandwich from both sides: **FR** heats the W
front and reads the Ni/quartz rear plane through the transparent quartz, **RF** heats the rear
and reads the front. Each direction crosses the same two metal/oxide interfaces, and the paper
finds direction-dependent interfacial thermal resistances (ITRs).

This notebook does what a user does with measured traces:

1. load FR and RF lock-in phase traces from a text file (here written from a synthetic
   measurement with known ITRs, so we can check the answer);
2. fit the ITRs of each direction, then FR and RF **jointly** with a shared substrate property;
3. read off uncertainties and the correlation matrix (exact Jacobian from forward-mode AD);
4. look at the residuals.
"""),
    code(PREAMBLE),
    md("""
## The sample and the measurement

`itr_paper_sample()` holds the stack of the paper at 300 K (Table 1 properties, TEM thicknesses,
quartz effusivity from Table 4) with the Table 3 ITRs as *named*, direction-dependent resistances,
and the two `Setup`s: 1-D conduction, 20 MHz repetition, 200 kHz modulation, probe on the delay line.
"""),
    code('''
from jaxtherm.demo import itr_paper_sample, TABLE3_300K, FR_INTERFACES, RF_INTERFACES
from jaxtherm.fit import TdtrModel, Trace, fit_traces, load_trace_file
from jaxtherm.fit.io import write_trace_file

truth, setups = itr_paper_sample()
for layer in truth["stack"].layers:
    print(f"d = {float(layer.thickness):9.3g} m   C = {float(layer.heat_capacity):.3g} J/m^3K   "
          f"kappa = {float(layer.conductivity):.3g} W/mK")
print("Table 3 ITRs (m^2K/GW):", {k: round(v / GW, 2) for k, v in TABLE3_300K.items()})
'''),
    md("""
## A "measured" trace file

We synthesise the two phase traces over the whole 50 ns period (electronic delay) with the
full-period lock-in model, add Gaussian phase noise, and write them as a CSV with delays in ps —
the kind of file a lock-in acquisition produces. From here on only the file is used.
"""),
    code('''
n_delays = 250 if FAST else 500
delays = np.geomspace(10e-12, 49e-9, n_delays)
models = {d: TdtrModel(setups[d], delays, "phase", resistance_names=names)
          for d, names in (("FR", FR_INTERFACES), ("RF", RF_INTERFACES))}
noise = 1e-4   # rad
rng = np.random.default_rng(2026)
clean = {d: np.asarray(models[d](truth)) for d in models}
os.makedirs("nb_output", exist_ok=True)
write_trace_file("nb_output/measured_phase.csv", delays,
                 {d: clean[d] + noise * rng.standard_normal(n_delays) for d in models},
                 delay_unit="ps", comment="synthetic FR/RF phase (rad), W/Al2O3/Ni/quartz 300 K")
print(open("nb_output/measured_phase.csv").read()[:300])
'''),
    code('''
measured = load_trace_file("nb_output/measured_phase.csv", delay_unit="ps")
print(measured.column_names, measured.delays[:3], "s")
assert np.allclose(measured.delays, delays, rtol=1e-9)   # the file's ps converted back to s
traces = {d: Trace(model=models[d], data=measured.column(d), sigma=noise, name=d, x=measured.delays)
          for d in models}
'''),
    md("""
## Fit each direction, then both jointly

Free parameters are named and point into the parameter pytree by path. Positivity is imposed by a
log reparametrisation inside the jitted Levenberg–Marquardt loop. The split of the series pair
is weakly determined (two resistances through 9.66 nm of Al$_2$O$_3$), so each direction is
started from three points along the valley, run at once under `vmap`.
"""),
    code('''
start = {"stack": truth["stack"], "itr": {k: (5 * GW if k in TABLE3_300K else v) for k, v in truth["itr"].items()}}
split = [2.5 * GW, 5 * GW, 7.5 * GW]
fits = {}
for d, names in (("FR", FR_INTERFACES), ("RF", RF_INTERFACES)):
    a, b = names[:2]
    t0 = time.perf_counter()
    fits[d] = fit_traces(start, [traces[d]], {a: f"itr['{a}']", b: f"itr['{b}']"},
                         starts={a: split, b: split[::-1]})
    print(f"{d}: {time.perf_counter() - t0:.2f} s (incl. compile)")
    print(fits[d].summary())
'''),
    code('''
joint_free = {k: f"itr['{k}']" for k in TABLE3_300K}
joint_free["quartz conductivity"] = "stack.layers[3].conductivity"   # shared by FR and RF
joint_start = {k: fits["FR"].values.get(k, fits["RF"].values.get(k)) for k in TABLE3_300K}
t0 = time.perf_counter()
joint = fit_traces(start, [traces["FR"], traces["RF"]], joint_free, initial=joint_start,
                   fixed_uncertainties={"stack.layers[1].thickness": 0.3e-9})
print(f"joint fit: {time.perf_counter() - t0:.2f} s, converged={joint.converged}, chi2_red={joint.reduced_chi2:.3f}")
print(f"{'ITR':10s} {'true':>7s} {'fit':>8s} {'sigma':>7s}   (m^2K/GW)")
for k in TABLE3_300K:
    print(f"{k:10s} {TABLE3_300K[k]/GW:7.2f} {joint.values[k]/GW:8.3f} {joint.standard_errors[k]/GW:7.3f}")
'''),
    md("""
## Correlations

The correlation matrix comes from the exact Jacobian at the optimum (scaled by the residual
variance), plus the propagated uncertainty of the Al$_2$O$_3$ thickness held fixed. Strong
correlations flag pairs the traces cannot separate.
"""),
    code('''
fig, ax = plt.subplots(figsize=(4.8, 4))
im = ax.imshow(joint.correlation, vmin=-1, vmax=1, cmap="RdBu_r")
ax.set_xticks(range(len(joint.names)), joint.names, rotation=60, ha="right")
ax.set_yticks(range(len(joint.names)), joint.names)
fig.colorbar(im, label="correlation"); ax.set_title("joint FR+RF fit"); fig.tight_layout()
'''),
    md("## Traces, fits and residuals"),
    code('''
fitted = joint.trace_models   # model predictions at the optimum, one per trace
fig, axes = plt.subplots(2, 1, figsize=(7, 5.5), sharex=True, gridspec_kw={"height_ratios": [3, 1]})
for d, model_phase, colour in zip(("FR", "RF"), fitted, ("C0", "C3")):
    axes[0].semilogx(delays * 1e9, traces[d].data, ".", ms=2, color=colour, label=f"{d} measured")
    axes[0].semilogx(delays * 1e9, model_phase, "-", color="k", lw=0.8)
    axes[1].semilogx(delays * 1e9, (traces[d].data - np.asarray(model_phase)) / noise, ".", ms=2, color=colour)
axes[0].set_ylabel("phase (rad)"); axes[0].legend()
axes[1].set_ylabel("residual / sigma"); axes[1].set_xlabel("delay (ns)")
fig.tight_layout()
'''),
    md("""
## Headline check

The fitted ITRs must agree with the values the traces were made from within 3 standard errors,
and the residuals must be noise (reduced $\\chi^2$ near 1).
"""),
    code('''
for k in TABLE3_300K:
    z = (joint.values[k] - TABLE3_300K[k]) / joint.standard_errors[k]
    assert abs(z) < 3, (k, z)
assert 0.7 < joint.reduced_chi2 < 1.4, joint.reduced_chi2
assert joint.converged
print("OK: joint fit recovers the Table 3 ITRs within 3 sigma; chi2_red =", round(joint.reduced_chi2, 3))
'''),
]


NB_ALL = {"01_fit_tdtr_traces.ipynb": NB01}


def build(names=None) -> list[pathlib.Path]:
    written = []
    for name, cells in NB_ALL.items():
        if names and name not in names:
            continue
        nb = nbformat.v4.new_notebook()
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nb.metadata["language_info"] = {"name": "python"}
        nb.cells = cells
        path = HERE / name
        nbformat.write(nb, path)
        written.append(path)
    return written


def execute(path: pathlib.Path, timeout: int = 900, env_fast: bool = False):
    """Run a notebook top to bottom in its folder; returns the executed notebook."""
    import os

    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    old = os.environ.get("JAXTHERM_FAST")
    if env_fast:
        os.environ["JAXTHERM_FAST"] = "1"
    try:
        NotebookClient(nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    finally:
        if env_fast:
            if old is None:
                os.environ.pop("JAXTHERM_FAST", None)
            else:
                os.environ["JAXTHERM_FAST"] = old
    return nb


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--execute", action="store_true", help="also run the notebooks and store outputs")
    parser.add_argument("names", nargs="*", help="notebook file names (default: all)")
    args = parser.parse_args()
    for path in build(args.names):
        if args.execute:
            nbformat.write(execute(path), path)
        print("wrote", path)
