"""`python -m subsidy build`: load, then install the views, then swap the new file in.

The loader (`loader`) knows nothing of the analytical SQL; this module is where the two meet:
`build_database` loads a folder with `loader.load.build_database` and installs `queries` views on the
new file before it replaces the old one, so a dashboard never sees tables without their views.

Exit status: 0 loaded; 1 the folder breaks the contract (missing file or column, unreadable file) or
the new database could not be written (disk full); 3 the load was mostly rejected, or would shrink a
table to less than half of the current database, and `--force` was not given; 4 another load onto the
same database is running; 2 wrong command-line arguments.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

import queries
from access import case_sync
from access import db as ops_db
from access.cases import SyncResult
from contract import paths
from contract.paths import db_path
from loader import load
from loader.load import LoadBusy, LoadFailed, LoadRejected, LoadReport
from loader.readers import ContractError
from queries.install import install_views
from simulator.generate import generate
from subsidy import users

__all__ = ["build_database", "build_demo", "sync_follow_up", "run", "LoadRejected", "LoadReport", "ContractError"]


def build_database(source: Path, db: Path | None = None, *, force: bool = False,
                   info: dict[str, str] | None = None, progress=None) -> LoadReport:
    """Load the contract files in `source` into `db` (default `contract.paths.db_path()`) with every view.

    Raises ContractError when the folder breaks the contract, LoadRejected when a file was mostly
    rejected and `force` is false; in both cases the previous database is left in place.
    The database and every temp or scratch file of the load are readable by their owner only (0600,
    `contract.paths.private_files`); so is an older database found at `db`.
    """
    with paths.private_files():
        try:
            return load.build_database(source, db, force=force, info=info, progress=progress,
                                       before_swap=install_views)
        finally:
            paths.make_private(Path(db).expanduser().resolve() if db is not None else paths.db_path())


def sync_follow_up(db: Path | None = None) -> SyncResult:
    """Bring the operational database's worklist cases in line with the database just built
    (`access.case_sync`): statuses survive the rebuild, cases it no longer shows are resolved by data."""
    con, eng = queries.connect(db), ops_db.make_engine()
    try:
        return case_sync.sync_database(eng, con)
    finally:
        con.close()
        eng.dispose()


def demo_info(persons: int | None, out: Path = paths.DEMO_SOURCE_DIR) -> dict[str, str]:
    """Generate the demo district into `out`; returns what load_info records about it."""
    try:
        summary = generate(out, persons=persons)
    except ValueError as exc:  # e.g. a district too small to simulate: the user's choice of --persons
        raise ContractError(f"--persons {persons}: {exc}") from None
    info = {"demo": "true"}
    for key in ("seed", "persons"):
        if key in summary:
            info[f"generator_{key}"] = str(summary[key])
    return info


def build_demo(db: Path | None = None, persons: int | None = None, progress=None) -> LoadReport:
    """Simulate the demo district into data/demo/ and build `db` from it."""
    info = demo_info(persons)
    return build_database(paths.DEMO_SOURCE_DIR, db, info=info, progress=progress)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `python -m subsidy build`."""
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument("--demo", action="store_true", help="generate the demo district and load it")
    what.add_argument("--source", type=Path, help="folder of contract files (DATA_CONTRACT.md)")
    parser.add_argument("--persons", type=int, help="demo district size (with --demo)")
    parser.add_argument("--db", type=Path, help="DuckDB file to write (default $SUBSIDY_DB or data/subsidy.duckdb)")
    parser.add_argument("--force", action="store_true",
                        help="replace the database even if a file is mostly rejected or a table would shrink "
                             "to less than half of the current database")


def run(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    """Run `python -m subsidy build` with parsed `args`; returns the exit status."""
    if args.persons is not None and not args.demo:
        parser.error("--persons only goes with --demo")
    try:
        info = None
        source = args.source
        if args.demo:
            info = demo_info(args.persons)
            source = paths.DEMO_SOURCE_DIR
        report = build_database(source, args.db, force=args.force, info=info,
                                progress=lambda text: print(text, file=sys.stderr, flush=True))
    except ContractError as exc:
        print(f"错误 error: {exc}", file=sys.stderr)
        return 1
    except LoadBusy as exc:
        print(f"错误 error: {exc}", file=sys.stderr)
        return 4
    except LoadFailed as exc:
        print(f"错误 error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:  # unwritable target folder, unreadable file, disk full: the user's to fix
        print(f"错误 error: {exc.strerror or exc}: {exc.filename or ''}", file=sys.stderr)
        return 1
    except LoadRejected as exc:
        print(exc.report.render())
        print(f"错误 error: {exc}", file=sys.stderr)
        return 3
    print(report.render())
    try:
        synced = sync_follow_up(args.db)
    except (SQLAlchemyError, OSError) as exc:   # the load stands; the dashboard syncs when it next opens it
        print(f"警告 warning: the follow-up of worklist cases was not synced ({ops_db.describe()}: "
              f"{str(exc).splitlines()[0][:200]}); the dashboard syncs it when it next opens the database",
              file=sys.stderr)
    else:
        print(f"跟进 follow-up: {synced.new} new, {synced.still_open} open, {synced.resolved_by_data} resolved by "
              f"the data, {synced.reappeared} shown again")
    if args.demo and (args.db is None or args.db == db_path()):
        return users.ensure_demo()  # the demo accounts for `make run` (the demo database only)
    return 0
