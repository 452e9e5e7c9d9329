"""`python -m subsidy export`: the annual-report pack of `publish.pack` from the command line.

Exit status: 0 written; 2 Chromium or the CJK font is missing (the message says what to install);
1 bad input (no such database, no data for the year, views out of date).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

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
    parser.add_argument("--category", default=None)
    parser.add_argument("--program-group", dest="program_group", default=None)
    parser.add_argument("--db", default=None, help="DuckDB file (default: $SUBSIDY_DB or data/subsidy.duckdb)")
    parser.add_argument("--formats", default=",".join(FORMATS),
                        help=f"chart files to write, comma-separated (default {','.join(FORMATS)})")
    parser.add_argument("--quiet", action="store_true")


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

        def progress(done: int, total: int, label: str) -> None:
            if not args.quiet:
                print(f"[{done:>3}/{total}] {label}", file=sys.stderr, flush=True)

        result = build_pack(con, args.year, args.out, lang=args.lang, public=args.public, k=args.k,
                            progress=progress, town=args.town, category=args.category,
                            program_group=args.program_group, formats=formats)
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
