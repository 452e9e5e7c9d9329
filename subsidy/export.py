"""`python -m subsidy export`: the annual-report pack of `publish.pack` from the command line.

Exit status: 0 written; 2 Chromium or the CJK font is missing (the message says what to install);
1 bad input (no such database, no data for the year, views out of date, a simulated change the API refuses).

A policy simulation (政策测算) goes into the pack the way the 政策测算 page sends it (the Selection's
`policy`): `--policy-rule` with `--policy-branch` and the changed columns for a rule change
(queries.policy_simulation), or `--tier-program`, `--tier` and `--tier-amount` for a tier amount
(queries.tier_simulation). The pack then prints the policy charts with their assumption.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import duckdb

import queries
from contract.paths import db_path
from publish import suppress
from publish.pack import FORMATS, build_pack
from publish.render import ExportPrerequisiteError, check_export_prerequisites


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `python -m subsidy export`."""
    parser.add_argument("--year", type=int, required=True)
    parser.add_argument("--out", required=True, help="output folder (created if missing)")
    parser.add_argument("--public", action="store_true", help="small-count suppression for publication")
    parser.add_argument("--k", type=int, default=suppress.DEFAULT_K, help="suppression threshold (default 5)")
    parser.add_argument("--lang", choices=("zh", "en"), default="zh")
    parser.add_argument("--town", default=None)
    parser.add_argument("--village", default=None)
    parser.add_argument("--category", default=None)
    parser.add_argument("--program-group", dest="program_group", default=None)
    parser.add_argument("--db", default=None, help="DuckDB file (default: $SUBSIDY_DB or data/subsidy.duckdb)")
    parser.add_argument("--formats", default=",".join(FORMATS),
                        help=f"chart files to write, comma-separated (default {','.join(FORMATS)})")
    parser.add_argument("--quiet", action="store_true")
    rule = parser.add_argument_group("政策测算: a rule changed (queries.policy_simulation; values as its arguments)")
    rule.add_argument("--policy-rule", dest="rule", default=None, help="rule key, e.g. living_subsidy")
    rule.add_argument("--policy-branch", dest="branch", default=None,
                      help="the seed's branch changed, or a new branch's name (needed with a changed column)")
    for name, kind, text in POLICY_OPTIONS:
        rule.add_argument(f"--policy-{name.replace('_', '-')}", dest=name, type=kind, default=None, help=text)
    tier = parser.add_argument_group("政策测算: a tier amount changed (queries.tier_simulation)")
    tier.add_argument("--tier-program", dest="tier_program", default=None, help="program_id, e.g. XM01")
    tier.add_argument("--tier", dest="tier", type=int, default=None, help="tier number of that program")
    tier.add_argument("--tier-amount", dest="tier_amount", type=float, default=None,
                      help="new monthly amount (monthly program) or yearly cap (annual / per-claim), yuan")


# the changed columns of a rule row: (argument of queries.policy_simulation, type, help)
POLICY_OPTIONS = (
    ("share", float, "amount as a fraction of the dibao standard, e.g. 0.35"),
    ("categories", str, "categories, '|'-separated names or codes ('' = any)"),
    ("grade_max", int, "grade at most (1 = most severe)"),
    ("grade_equals", int, "grade equals"),
    ("min_age_months", int, "minimum age in whole months"),
    ("max_age_months", int, "maximum age in whole months"),
    ("cert_statuses", str, "certificate statuses, '|'-separated (持证|评定表|疑似)"),
    ("requires_household", str, "dibao_or_dibian, dibao, dibian ('' = none)"),
    ("dibao_standard", float, "the year's dibao standard replaced, yuan a month"),
    ("amount", float, "monthly amount of a newly eligible person-month (rules without a share)"),
)
ROW_COLUMNS = frozenset(name for name, _, _ in POLICY_OPTIONS) - {"dibao_standard", "amount"}


def policy_of(args: argparse.Namespace) -> tuple[tuple[str, Any], ...] | None:
    """The Selection's `policy` the 政策测算 page builds for the same change (sorted (name, value) pairs),
    from the command line's options; None when no simulation is asked. ValueError for a mix of a rule
    and a tier change, or a tier change missing a part. The values are checked by the API when the pack
    runs it."""
    given = {name: getattr(args, name, None) for name, _, _ in POLICY_OPTIONS}
    given = {k: v for k, v in given.items() if v is not None}
    tier = {k: getattr(args, k, None) for k in ("tier_program", "tier", "tier_amount")}
    rule = getattr(args, "rule", None)
    if any(v is not None for v in tier.values()):
        if rule is not None or given or getattr(args, "branch", None) is not None:
            raise ValueError("simulate a rule change (--policy-…) or a tier amount (--tier-…), not both")
        missing = [f"--{k.replace('_', '-')}" for k, v in tier.items() if v is None]
        if missing:
            raise ValueError(f"a tier amount needs {', '.join(missing)}")
        return tuple(sorted({"program": tier["tier_program"], "tier": tier["tier"],
                             "amount": tier["tier_amount"]}.items()))
    if rule is None:
        if given or getattr(args, "branch", None) is not None:
            raise ValueError("--policy-… options need --policy-rule")
        return None
    change: dict[str, Any] = {"rule": rule}
    branch = getattr(args, "branch", None)
    row = {k: v for k, v in given.items() if k in ROW_COLUMNS}
    branches = set(queries.rule_seed().query("rule == @rule")["branch"])
    if row or (branch is not None and branch not in branches):
        change["branch"] = branch
        change |= row
        if branch not in branches:   # a new branch: certified persons unless said otherwise, as the page does
            change.setdefault("cert_statuses", "持证")
    change |= {k: v for k, v in given.items() if k not in ROW_COLUMNS}
    return tuple(sorted(change.items()))


def run(args: argparse.Namespace, parser: argparse.ArgumentParser | None = None) -> int:
    """Write the pack described by `args`; returns the exit status."""
    problems = check_export_prerequisites(args.lang)
    if problems:
        for line in problems:
            print(line, file=sys.stderr)
        return 2
    if args.k < 1:
        print("--k must be at least 1", file=sys.stderr)
        return 1
    formats = tuple(f.strip() for f in args.formats.split(",") if f.strip())
    if not formats or set(formats) - set(FORMATS):
        print(f"--formats: choose from {', '.join(FORMATS)}", file=sys.stderr)
        return 1
    try:
        policy = policy_of(args)
    except ValueError as e:
        print(f"政策测算参数有误 / bad policy arguments: {e}", file=sys.stderr)
        return 1
    db = Path(args.db) if args.db else db_path()
    if not db.exists():
        print(f"数据库不存在 / database not found: {db}\n"
              "python -m subsidy build --demo", file=sys.stderr)
        return 1
    con = queries.connect(db)
    try:
        years = [int(y) for y in queries.years(con)]
        if years and args.year not in years:
            print(f"没有 {args.year} 年的数据 / no data for {args.year}; years: {years}", file=sys.stderr)
            return 1

        if policy is not None:   # the API checks the change (unknown tier, negative amount …) before any file
            simulate = queries.tier_simulation if "tier" in dict(policy) else queries.policy_simulation
            try:
                simulate(con, year=args.year, by="program", **dict(policy))
            except ValueError as e:
                print(f"政策测算参数有误 / bad policy arguments: {e}", file=sys.stderr)
                return 1

        def progress(done: int, total: int, label: str) -> None:
            if not args.quiet:
                print(f"[{done:>3}/{total}] {label}", file=sys.stderr, flush=True)

        result = build_pack(con, args.year, args.out, lang=args.lang, public=args.public, k=args.k,
                            progress=progress, town=args.town, village=args.village, category=args.category,
                            program_group=args.program_group, formats=formats, policy=policy)
    except ExportPrerequisiteError as e:
        print(str(e), file=sys.stderr)
        return 2
    except duckdb.CatalogException as e:
        # the views of this database were installed by an older version of queries/
        print(f"数据库的视图与当前代码不一致，请重新构建数据库 / the database's views are out of date, rebuild it:\n"
              f"  python -m subsidy build --demo   (或 or: --source DIR)\n{e}", file=sys.stderr)
        return 1
    finally:
        con.close()
    size = sum(p.stat().st_size for p in result.files() if p.exists())
    print(f"{len(result.charts)} charts, {result.workbook.name}, {result.report.name} -> {result.out_dir} "
          f"({size / 1e6:.1f} MB, {result.seconds:.1f} s)")
    return 0


def main(argv: list[str] | None = None) -> int:
    """`python -m subsidy export …` as a function (tests)."""
    parser = argparse.ArgumentParser(prog="python -m subsidy export")
    add_arguments(parser)
    return run(parser.parse_args(argv), parser)
