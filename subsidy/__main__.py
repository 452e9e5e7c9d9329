"""`python -m subsidy <command>`: build, generate, export (see subsidy/__init__.py)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from contract import paths
from simulator.generate import DEFAULT_PERSONS, DEFAULT_SEED, generate
from subsidy import build, export, users


def _generate(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    summary = generate(args.out, args.persons, args.seed)
    print(f"{summary['persons']} persons, seed {summary['seed']}: {summary['seconds']} s, "
          f"{summary['bytes'] / 1e6:.1f} MB in {args.out}")
    for name, k in summary["rows"].items():
        print(f"  {name:14s} {k:>12,d} rows")
    print("  faults: " + ", ".join(f"{k} {v}" for k, v in summary["faults"].items()))
    return 0


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run one command; returns the exit status. Files the command
    writes are readable by their owner only (contract.paths.private_files)."""
    parser = argparse.ArgumentParser(prog="python -m subsidy", description="区残联惠残补助绩效看板 · command line")
    commands = parser.add_subparsers(dest="command", required=True)
    p_build = commands.add_parser("build", help="load contract files (or the demo district) and install the views")
    build.add_arguments(p_build)
    p_build.set_defaults(run=build.run)
    p_gen = commands.add_parser("generate", help="write a simulated district's contract files")
    p_gen.add_argument("--out", type=Path, required=True, help="folder for the contract CSV files")
    p_gen.add_argument("--persons", type=int, default=None, help=f"persons in the register (default {DEFAULT_PERSONS})")
    p_gen.add_argument("--seed", type=int, default=DEFAULT_SEED)
    p_gen.set_defaults(run=_generate)
    p_exp = commands.add_parser("export", help="the annual-report pack: charts, Excel workbook, combined PDF")
    export.add_arguments(p_exp)
    p_exp.set_defaults(run=export.run)
    p_users = commands.add_parser("users", help="accounts: add, list, disable, enable, reset-password, demo")
    users.add_arguments(p_users)
    p_users.set_defaults(run=users.run)
    args = parser.parse_args(argv)
    # everything a command writes (database, scratch files, demo files, the export pack) is private
    with paths.private_files():
        return args.run(args, commands.choices[args.command])


if __name__ == "__main__":
    sys.exit(main())
