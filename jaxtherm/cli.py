"""Command-line interface: ``jaxtherm demo | fit CONFIG | reproduce CASE``.

The CLI enables float64 explicitly (the library never changes global JAX
configuration at import).
"""

from __future__ import annotations

import argparse
import json
import sys


def _enable_x64() -> None:
    import jax

    jax.config.update("jax_enable_x64", True)


def _cmd_demo(args) -> int:
    from . import demo

    demo.run_demo(out_dir=args.out, seed=args.seed, quick=args.quick)
    return 0


def _cmd_fit(args) -> int:
    from .fit import config_file

    config_file.run_config(args.config, out_dir=args.out)
    return 0


def _cmd_reproduce(args) -> int:
    from . import reproduce

    if args.case in (None, "list"):
        for name, description in reproduce.available_cases().items():
            print(f"{name:16s} {description}")
        return 0
    cases = list(reproduce.available_cases()) if args.case == "all" else [args.case]
    for case in cases:
        out = args.out if len(cases) == 1 else f"{args.out}/{case}"
        numbers = reproduce.run_case(case, out, fast=args.fast)
        print(f"[{case}] written to {out}")
        print(json.dumps(numbers, indent=2, default=float))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="jaxtherm", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help="analyse the ITR paper's W/Al2O3/Ni/quartz sample end to end")
    demo.add_argument("--out", default="jaxtherm-demo", help="output folder (default ./jaxtherm-demo)")
    demo.add_argument("--seed", type=int, default=0, help="noise seed for the synthetic traces")
    demo.add_argument("--quick", action="store_true", help="fewer delays, for a smoke test")
    demo.set_defaults(func=_cmd_demo)

    fit = sub.add_parser("fit", help="fit a user's stack to trace files described in a TOML file")
    fit.add_argument("config", help="path to the TOML configuration (see examples/fit_config.toml)")
    fit.add_argument("--out", default="jaxtherm-fit", help="output folder")
    fit.set_defaults(func=_cmd_fit)

    rep = sub.add_parser("reproduce", help="reproduce a paper figure ('list' shows the cases, 'all' runs all)")
    rep.add_argument("case", nargs="?", default="list")
    rep.add_argument("--out", default="jaxtherm-reproduce", help="output folder")
    rep.add_argument("--fast", action="store_true", help="coarse settings (for smoke tests)")
    rep.set_defaults(func=_cmd_reproduce)
    return parser


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    _enable_x64()
    try:
        return args.func(args)
    except (ValueError, TypeError, FileNotFoundError) as exc:
        print(f"jaxtherm {args.command}: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
