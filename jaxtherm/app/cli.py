"""Command-line interface: ``jaxtherm demo | fit CONFIG | plan CONFIG | reproduce CASE``.

Exit status: 0 success; 2 bad input (arguments, configuration, trace files, an
output folder that already holds results); 3 the fit finished but did not
converge, fits poorly, or left a parameter at a bound or unconstrained (the
results are still written). Every error is one line on stderr naming the file and
the key. Output folders are checked before any work and never overwritten
unless ``--force`` is given.

The CLI enables float64 explicitly (the library never changes global JAX
configuration at import).
"""

from __future__ import annotations

import argparse
import json
import os
import sys

import jax

from ..fit import TraceFileError
from . import demo, reproduce
from ._output import OutputExistsError, prepare_output_dir
from .config_file import ConfigError, run_config
from .plan_file import run_plan
from .posterior_demo import POSTERIOR_OUTPUTS, run_posterior_demo

EXIT_OK, EXIT_BAD_INPUT, EXIT_POOR_FIT = 0, 2, 3


def _cmd_demo(args) -> int:
    if args.chains < 0:
        raise ValueError(f"--chains must be 0 (no posterior) or a positive number of NUTS chains, got {args.chains}")
    if args.chains > 0:  # refuse an earlier posterior before any work
        prepare_output_dir(args.out, POSTERIOR_OUTPUTS, force=args.force, create=False)
    demo.run_demo(out_dir=args.out, seed=args.seed, quick=args.quick, force=args.force)
    if args.chains > 0:
        print(
            "\nPosterior of the four direction-dependent ITRs and the quartz effusivity "
            "(NUTS; nuisance thicknesses and heat capacities sampled with their priors):"
        )
        run_posterior_demo(args.out, n_chains=args.chains, seed=args.seed)
    return EXIT_OK


def _cmd_fit(args) -> int:
    # run_config checks the output folder, then the whole configuration, before the fit.
    result = run_config(args.config, out_dir=args.out, force=args.force)
    if result["ok"]:
        return EXIT_OK
    problems = [
        name
        for name, bad in (
            ("did not converge", not result["converged"]),
            (f"poor fit (reduced chi2 {result['reduced_chi2']:.4g}, p = {result['p_value']:.3g})", result["poor_fit"]),
            (f"at a bound: {result['at_bound']}", result["at_bound"]),
            (f"not constrained by the data: {result['unconstrained']}", result["unconstrained"]),
            (f"after the fit: {result['post_fit_error']}", result["post_fit_error"]),
            (
                "the other delay-stage convention explains the data much better (see delay_stage_check)",
                (result.get("delay_stage_check") or {}).get("prefers_other"),
            ),
        )
        if bad
    ]
    print(f"jaxtherm fit: {args.config}: the fit is not trustworthy - {'; '.join(problems)}", file=sys.stderr)
    return EXIT_POOR_FIT


def _cmd_plan(args) -> int:
    run_plan(args.config, out_dir=args.out, force=args.force)
    return EXIT_OK


def _cmd_reproduce(args) -> int:
    if args.case in (None, "list"):
        for name, description in reproduce.available_cases().items():
            print(f"{name:16s} {description}")
        return EXIT_OK
    cases = list(reproduce.available_cases()) if args.case == "all" else [args.case]
    unknown = [case for case in cases if case not in reproduce.available_cases()]
    if unknown:
        raise ValueError(
            f"unknown reproduction case {unknown[0]!r}; expected one of {sorted(reproduce.available_cases())}"
        )
    prepare_output_dir(args.out, None, force=args.force)
    for case in cases:
        out = args.out if len(cases) == 1 else os.path.join(args.out, case)
        numbers = reproduce.run_case(case, out, fast=args.fast)
        print(f"[{case}] written to {out}")
        print(json.dumps(numbers, indent=2, default=float))
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="jaxtherm", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    force_help = "replace the results of an earlier run in the output folder (otherwise refused)"

    demo_parser = sub.add_parser("demo", help="analyse the ITR paper's W/Al2O3/Ni/quartz sample end to end")
    demo_parser.add_argument("--out", default="jaxtherm-demo", help="output folder (default ./jaxtherm-demo)")
    demo_parser.add_argument("--seed", type=int, default=0, help="noise seed for the synthetic traces")
    demo_parser.add_argument("--quick", action="store_true", help="fewer delays, for a smoke test")
    demo_parser.add_argument("--force", action="store_true", help=force_help)
    demo_parser.add_argument(
        "--chains",
        type=int,
        default=2,
        help="NUTS chains for the posterior of the ITRs (default 2; 0 skips the posterior)",
    )
    demo_parser.set_defaults(func=_cmd_demo)

    fit = sub.add_parser("fit", help="fit a user's stack to trace files described in a TOML file")
    fit.add_argument("config", help="path to the TOML configuration (see examples/fit_config.toml)")
    fit.add_argument("--out", default="jaxtherm-fit", help="output folder")
    fit.add_argument("--force", action="store_true", help=force_help)
    fit.set_defaults(func=_cmd_fit)

    plan = sub.add_parser("plan", help="predict the uncertainty of target parameters for candidate setups")
    plan.add_argument("config", help="path to the TOML plan (see examples/plan_config.toml)")
    plan.add_argument("--out", default="jaxtherm-plan", help="output folder")
    plan.add_argument("--force", action="store_true", help=force_help)
    plan.set_defaults(func=_cmd_plan)

    rep = sub.add_parser("reproduce", help="reproduce a paper figure ('list' shows the cases, 'all' runs all)")
    rep.add_argument("case", nargs="?", default="list")
    rep.add_argument("--out", default="jaxtherm-reproduce", help="output folder")
    rep.add_argument("--fast", action="store_true", help="coarse settings (for smoke tests)")
    rep.add_argument("--force", action="store_true", help=force_help)
    rep.set_defaults(func=_cmd_reproduce)
    return parser


def main(argv=None) -> int:
    """Run the command line `argv` (default `sys.argv[1:]`); returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    jax.config.update("jax_enable_x64", True)
    try:
        return args.func(args)
    except (ConfigError, TraceFileError, OutputExistsError, ValueError, TypeError, FileNotFoundError) as exc:
        message = " ".join(str(exc).split())
        print(f"jaxtherm {args.command}: error: {message}", file=sys.stderr)
        return EXIT_BAD_INPUT


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
