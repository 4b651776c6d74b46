"""Regenerate the README's benchmark tables from the JSON that `python -m benchmarks` wrote.

    python -m benchmarks.readme_table [--machine cpu-2core]

Rewrites the blocks between `<!-- bench:headline:begin -->` / `<!-- bench:headline:end -->`
and `<!-- bench:roofline:begin -->` / `<!-- bench:roofline:end -->` in README.md, so the
numbers in the README are always the ones in `benchmarks/results/` (never copied by hand).
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

from ._common import RESULTS_DIR

README = Path(__file__).resolve().parent.parent / "README.md"


def headline_table(report: dict) -> str:
    machine = report["machine"]
    lines = [
        f"Measured by `python -m benchmarks` on {machine['cpu_count']} CPU cores, JAX {machine['jax_version']} "
        f"({machine['backend']}); source: `benchmarks/results/`.",
        "",
        "| suite | case | jaxtherm | baseline (same run) | speed-up |",
        "|---|---|---|---|---|",
    ]
    for row in report["headline"]:
        speedup = row.get("speedup")
        lines.append(
            f"| {row['suite']} | {row['case']} | {row.get('jaxtherm', '')} | {row.get('baseline', '')} | "
            f"{f'{speedup:.1f}×' if speedup else ''} |"
        )
    return "\n".join(lines)


def roofline_table(roofline: dict) -> str:
    limits = roofline["limits"]
    lines = [
        f"Machine limits measured in the same run: {limits['fma_flops_per_s'] / 1e9:.1f} GFLOP/s (FMA), "
        f"{limits['transcendentals_per_s'] / 1e9:.2f} G transcendentals/s, "
        f"{limits['memory_bytes_per_s'] / 1e9:.1f} GB/s from memory, {limits['cache_bytes_per_s'] / 1e9:.0f} GB/s "
        f"from cache, {limits['scan_iteration_s'] * 1e9:.0f} ns per `lax.scan` iteration.",
        "",
        "| kernel | time | flops | transcendentals | bytes | bound (by) | fraction of limit |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in roofline["kernels"]:
        lines.append(
            f"| {row['kernel']} | {row['time_s'] * 1e6:.1f} µs | {row['flops']:.3g} | {row['transcendentals']:.3g} | "
            f"{row['bytes']:.3g} | {row['bound_s'] * 1e6:.1f} µs ({row['bound_by']}) | "
            f"{row['fraction_of_limit']:.0%} |"
        )
    return "\n".join(lines)


def _replace_block(text: str, name: str, body: str) -> str:
    pattern = re.compile(rf"(<!-- bench:{name}:begin -->\n).*?(<!-- bench:{name}:end -->)", re.S)
    if not pattern.search(text):
        raise SystemExit(f"README.md has no <!-- bench:{name}:begin/end --> block")
    return pattern.sub(lambda m: m.group(1) + body + "\n" + m.group(2), text)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--machine", default="cpu-2core", help="result file stem, e.g. cpu-2core")
    args = parser.parse_args(argv)
    text = README.read_text()
    report_path = RESULTS_DIR / f"{args.machine}.json"
    if report_path.exists():
        text = _replace_block(text, "headline", headline_table(json.loads(report_path.read_text())))
    roofline_path = RESULTS_DIR / f"roofline_{args.machine}.json"
    if roofline_path.exists():
        text = _replace_block(text, "roofline", roofline_table(json.loads(roofline_path.read_text())))
    README.write_text(text)
    print(f"updated {README}")


if __name__ == "__main__":
    main()
