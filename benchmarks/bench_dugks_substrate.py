"""Benchmark: the kinetic (DUGKS) model of a real sample beside the two-temperature model.

50 nm Au on sapphire, pulse heated at the gold surface (96 fs, 15.3 nm penetration,
10 J/m^2 incident, R = 0.93): the DUGKS (electrons reflected at the Au/sapphire
interface, phonons crossing by the gray diffuse mismatch model, sapphire phonons
kinetic too, rear face held at 300 K for phonons) against `jaxtherm.ttm` on the same
stack with the equivalent Kapitza conductance `dugks.diffusive_interface_conductance`.
Reported: compile and best-of-n time per solve of each, and the front-surface Te and Tp
difference between the kinetic and the diffusive model (peak and over the run).

Run: `python benchmarks/bench_dugks_substrate.py [--quick]`; writes
`benchmarks/results/bench_dugks_substrate.json`.
"""

from __future__ import annotations

import argparse

import jax
import numpy as np

jax.config.update("jax_enable_x64", True)

from jaxtherm import dugks, materials, sources, ttm  # noqa: E402

try:  # run as part of the benchmarks package (python -m benchmarks)
    from ._common import best_and_compile, write_json  # noqa: E402
except ImportError:  # run as a script (python benchmarks/bench_dugks_substrate.py)
    from _common import best_and_compile, write_json  # noqa: E402

FILM, SUBSTRATE = 50e-9, 200e-9
T_START = -0.5e-12
SOURCE = sources.PulseSource(incident_fluence=10.0, reflectivity=0.93, pulse_duration=96e-15, penetration_depth=15.3e-9)


def problem(quick: bool):
    """(dugks params, dugks config, dugks output times, ttm params, ttm config, ttm step edges)."""
    t_end = 5e-12 if quick else 20e-12
    ordinates = 16 if quick else 40
    layers = (dugks.Layer(materials.GOLD, FILM), dugks.Layer(materials.SAPPHIRE, SUBSTRATE))
    params = dugks.Params(layers=layers, source=SOURCE)
    config = dugks.Config(
        cells_per_layer=(25, 50),
        n_ordinates=ordinates,
        cfl=0.8,
        boundaries=(("specular", "specular"), ("specular", "isothermal")),
    )
    times = np.linspace(T_START, t_end, int(round((t_end - T_START) / 0.1e-12)) + 1)
    conductance = dugks.diffusive_interface_conductance(materials.GOLD, materials.SAPPHIRE, n_ordinates=ordinates)
    ttm_params = ttm.Params(
        layers=(ttm.Layer(materials.GOLD, FILM), ttm.Layer(materials.SAPPHIRE, SUBSTRATE)),
        interfaces=(ttm.Interface(phonon_conductance=conductance),),
        source=SOURCE,
    )
    ttm_config = ttm.Config(cells_per_layer=(50, 100), boundaries=(("insulated", "insulated"), ("insulated", "fixed")))
    edges = np.linspace(T_START, t_end, 20 * (len(times) - 1) + 1)
    return params, config, times, ttm_params, ttm_config, edges, conductance


def main(quick: bool = False) -> dict:
    """Run the comparison; returns (and writes) the results dict."""
    params, config, times, ttm_params, ttm_config, edges, conductance = problem(quick)
    repeats = 2 if quick else 5

    # both solvers timed as compiled functions of their params (the host-side input checks
    # of the public entries run once, outside the timing)
    dugks.validate(params, config)
    config = dugks.resolve_time_step(params, config)

    @jax.jit
    def kinetic_of(p):
        solution = dugks.simulate(p, config, times)
        return solution.front_electron_temperature, solution.front_phonon_temperature, solution.energy_error

    @jax.jit
    def diffusive_of(p):
        solution = ttm.simulate(p, ttm_config, edges, output_times=times, positions=[0.0])
        return solution.front_electron_temperature, solution.front_phonon_temperature

    ttm.simulate(ttm_params, ttm_config, edges, output_times=times, positions=[0.0])  # checks once

    def kinetic():
        return kinetic_of(params)

    def diffusive():
        return diffusive_of(ttm_params)

    dugks_s, dugks_compile_s = best_and_compile(kinetic, repeats)
    ttm_s, ttm_compile_s = best_and_compile(diffusive, repeats)
    te_k, tp_k, energy_error = (np.asarray(a) for a in kinetic())
    te_d, tp_d = (np.asarray(a) for a in diffusive())
    steps = dugks.time_stepping(params, config, times)
    results = {
        "case": (
            f"Au {FILM * 1e9:.0f} nm / sapphire {SUBSTRATE * 1e9:.0f} nm, 10 J/m^2, R 0.93, 96 fs; "
            f"DUGKS {config.cells_per_layer} cells x {config.n_ordinates} ordinates, TTM {ttm_config.cells_per_layer}"
        ),
        "interface_conductance_W_m2K": conductance,
        "dmm_transmission_au_to_sapphire": float(
            dugks.transmission(
                materials.GOLD.phonon_heat_capacity_constant,
                materials.GOLD.phonon_speed,
                materials.SAPPHIRE.phonon_heat_capacity_constant,
                materials.SAPPHIRE.phonon_speed,
            )
        ),
        "t_end_s": float(times[-1]),
        "dugks_steps": steps.steps_per_output * (len(times) - 1),
        "ttm_steps": len(edges) - 1,
        "dugks_compile_s": dugks_compile_s,
        "dugks_s_per_solve": dugks_s,
        "ttm_compile_s": ttm_compile_s,
        "ttm_s_per_solve": ttm_s,
        "dugks_over_ttm_time": dugks_s / ttm_s,
        "peak_front_Te_dugks_K": float(te_k.max()),
        "peak_front_Te_ttm_K": float(te_d.max()),
        "max_abs_front_Te_difference_K": float(np.max(np.abs(te_k - te_d))),
        "max_abs_front_Tp_difference_K": float(np.max(np.abs(tp_k - tp_d))),
        "final_front_Te_dugks_K": float(te_k[-1]),
        "final_front_Te_ttm_K": float(te_d[-1]),
        "final_front_Tp_dugks_K": float(tp_k[-1]),
        "final_front_Tp_ttm_K": float(tp_d[-1]),
        "dugks_max_abs_energy_error_J_m2": float(np.max(np.abs(energy_error))),
    }
    results["headline"] = [
        {
            "case": "DUGKS Au 50 nm/sapphire vs TTM, time per solve",
            "jaxtherm": f"{dugks_s * 1e3:.1f} ms",
            "baseline": f"{ttm_s * 1e3:.1f} ms (TTM)",
            "speedup": None,
            "note": f"front Te peak {te_k.max():.1f} K kinetic vs {te_d.max():.1f} K TTM",
        }
    ]
    width = max(len(k) for k in results)
    for key, value in results.items():
        if key != "headline":
            print(f"{key:{width}s} {value:.6g}" if isinstance(value, float) else f"{key:{width}s} {value}")
    write_json("bench_dugks_substrate", results)
    return results


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    main(quick=parser.parse_args().quick)
