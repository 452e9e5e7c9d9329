"""Load a folder of contract files into the DuckDB file the dashboard reads.

    python -m data.build --demo [--persons N]
    python -m data.build --source DIR [--db PATH] [--force]

The new database is written to `<db>.tmp-<pid>` beside the target and moved into place with
`os.replace` only when the load, the checks and the views are complete, so a failed load leaves the
previous database untouched (and a dashboard reading it never sees a half-written file).

Exit status: 0 loaded; 1 the folder breaks the contract (missing file or column, unreadable file);
3 the load was mostly rejected and `--force` was not given; 2 wrong command-line arguments.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from data import paths
from data.contract import OPTIONAL_TABLES, TABLE_ORDER, TABLES, create_table_sql
from data.readers import ContractError, locate, prepare

MOSTLY_BROKEN = 0.5   # a file with more than this share of rows rejected stops the load (without --force)


class LoadRejected(Exception):
    """The load finished but a file was mostly rejected; the current database was kept."""

    def __init__(self, message: str, report: "LoadReport"):
        super().__init__(message)
        self.report = report


@dataclass
class FileReport:
    """Counts for one loaded file: rows read = rows loaded + rows rejected."""

    file: str
    table: str
    rows_read: int
    rows_loaded: int
    rows_rejected: int
    file_format: str
    encoding: str | None


@dataclass
class LoadReport:
    """What a load did: one FileReport per file, the database written, timings and notes."""

    db: Path
    source: Path
    files: list[FileReport] = field(default_factory=list)
    reject_rules: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0          # whole load, views included
    views_seconds: float = 0.0    # of which queries.install.install_views
    replaced: bool = False

    @property
    def rows_read(self) -> int:
        return sum(f.rows_read for f in self.files)

    @property
    def rows_loaded(self) -> int:
        return sum(f.rows_loaded for f in self.files)

    @property
    def rows_rejected(self) -> int:
        return sum(f.rows_rejected for f in self.files)

    def file(self, name: str) -> FileReport:
        """The report of file or table `name` (`persons` or `persons.csv`)."""
        for f in self.files:
            if name in (f.file, f.table):
                return f
        raise KeyError(name)

    def render(self) -> str:
        """The per-file table, totals, reject rules and the database path, as printed by the CLI."""
        head = ("文件 file", "格式 format", "读取 read", "入库 loaded", "拒绝 rejected")
        rows = [(f.file, f.file_format + (f"/{f.encoding}" if f.encoding else ""), f"{f.rows_read:,}",
                 f"{f.rows_loaded:,}", f"{f.rows_rejected:,}") for f in self.files]
        total = ("合计 total", "", f"{self.rows_read:,}", f"{self.rows_loaded:,}", f"{self.rows_rejected:,}")

        def width(s: str) -> int:  # CJK characters take two terminal columns
            return sum(2 if ord(ch) > 0x2E7F else 1 for ch in s)

        widths = [max(width(r[i]) for r in (head, *rows, total)) for i in range(len(head))]

        def line(r: tuple[str, ...]) -> str:
            cells = []
            for i, cell in enumerate(r):
                pad = " " * (widths[i] - width(cell))
                cells.append(cell + pad if i < 2 else pad + cell)
            return "  ".join(cells)

        rule = "  ".join("-" * w for w in widths)
        out = [line(head), rule, *map(line, rows), rule, line(total)]
        if self.reject_rules:
            out.append("")
            out.append("拒绝原因 reject rules (rule: rows): " + ", ".join(
                f"{k}: {v:,}" for k, v in sorted(self.reject_rules.items(), key=lambda kv: -kv[1])))
            out.append("明细见数据库表 rejects (details in table rejects)")
        out.extend(self.notes)
        if self.replaced:
            out.append(f"数据库 database: {self.db}  ({self.seconds:.1f} s, "
                       f"视图 views {self.views_seconds:.1f} s)")
        else:
            out.append(f"数据库未替换 database NOT replaced: {self.db}")
        return "\n".join(out)


# ----------------------------------------------------------------------------------------- build
def build_database(source: Path, db: Path | None = None, *, force: bool = False,
                   info: dict[str, str] | None = None, progress=None) -> LoadReport:
    """Load the contract files in `source` into the DuckDB file `db` (default `paths.db_path()`).

    Raises ContractError when the folder breaks the contract (nothing is replaced), LoadRejected when
    more than half the rows of a file were rejected and `force` is false (nothing is replaced).
    `info` adds key/value rows to `load_info` (the demo records the generator's seed and size);
    `progress(text)`, if given, is called as each step finishes (a big district takes minutes)."""
    import duckdb

    from data import validate

    started = time.perf_counter()
    source = Path(source).expanduser().resolve()
    db = Path(db).expanduser().resolve() if db is not None else paths.db_path()
    if not source.is_dir():
        raise ContractError(f"{source}: 文件夹不存在 (folder not found)")
    # Find every file first so that a missing file is reported before any work is done.
    files: dict[str, Path | None] = {}
    for name in TABLE_ORDER:
        files[name] = locate(source, name)
        if files[name] is None and name not in OPTIONAL_TABLES:
            raise ContractError(f"{source.name}/{name}.csv: 缺少必需文件 {name}.csv 或 {name}.xlsx "
                                f"({TABLES[name].zh}) (missing required file {name}.csv or {name}.xlsx)")
    db.parent.mkdir(parents=True, exist_ok=True)
    tmp = db.with_name(f"{db.name}.tmp-{os.getpid()}")
    report = LoadReport(db=db, source=source)
    say = progress or (lambda text: None)
    loaded_at = dt.datetime.now().replace(microsecond=0)
    today = dt.date.today()
    scratch = Path(tempfile.mkdtemp(prefix=f".{db.name}.load-", dir=db.parent))
    _remove_db(tmp)
    con = None
    try:
        con = duckdb.connect(str(tmp))
        con.execute("set enable_progress_bar = false")
        con.execute("set preserve_insertion_order = true")
        con.execute(f"set temp_directory = {validate.lit(str(scratch / 'spill'))}")
        validate.install_macros(con)
        _create_tables(con)
        for name in TABLE_ORDER:
            path = files[name]
            table = TABLES[name]
            if path is None:
                report.notes.append(f"{name}: 无文件，已跳过（可选）(no file; optional, skipped)")
                if name in validate.PARENT_TABLES:
                    validate.empty_keys(con, name)
                continue
            prep = prepare(name, path, scratch)
            stage, parsed, rej = f"__stage_{name}", f"__parsed_{name}", f"__rej_{name}"
            read = validate.stage(con, prep, stage)
            validate.parse(con, table, prep, stage, parsed)
            validate.find_rejects(con, table, stage, parsed, rej, today)
            loaded = validate.load_good_rows(con, table, prep, parsed, rej)
            rejected = validate.record_rejects(con, prep, stage, rej)
            if read != loaded + rejected:  # would be a bug in the loader, never the user's data
                raise RuntimeError(f"{path.name}: read {read} != loaded {loaded} + rejected {rejected}")
            if name in validate.PARENT_TABLES:  # keys only of tables that others refer to
                validate.remember_keys(con, table, parsed)
            con.execute(f"drop table {stage}; drop table {parsed}; drop table {rej}")
            if prep.csv_path != path:
                prep.csv_path.unlink(missing_ok=True)  # a transcoded copy is not needed any more
            report.files.append(FileReport(path.name, name, read, loaded, rejected, prep.file_format, prep.encoding))
            say(f"{path.name}: {read:,} 行 rows ({time.perf_counter() - started:.1f} s)")
            con.execute("insert into load_files values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        [path.name, name, read, loaded, rejected, str(source), prep.file_format,
                         prep.encoding, loaded_at])
        report.reject_rules = dict(con.execute("select rule, count(distinct (file, row_number)) from rejects "
                                               "group by rule order by rule").fetchall())
        broken = [f for f in report.files if f.rows_read and f.rows_rejected > MOSTLY_BROKEN * f.rows_read]
        if broken and not force:
            names = ", ".join(f"{f.file} ({f.rows_rejected:,}/{f.rows_read:,})" for f in broken)
            report.seconds = time.perf_counter() - started
            raise LoadRejected(f"超过一半的行被拒绝，未替换现有数据库：{names}；检查后可用 --force 强制载入 "
                               f"(more than half the rows were rejected; the current database was kept. "
                               f"Use --force to load anyway)", report)
        _write_info(con, source, loaded_at, info or {})
        views_started = time.perf_counter()
        say("视图 installing views …")
        _install_views(con, report)
        report.views_seconds = time.perf_counter() - views_started
        con.execute("checkpoint")
        con.close()
        con = None
        os.replace(tmp, db)
        report.replaced = True
    finally:
        if con is not None:
            con.close()
        _remove_db(tmp)
        shutil.rmtree(scratch, ignore_errors=True)
    report.seconds = time.perf_counter() - started
    return report


def _remove_db(path: Path) -> None:
    for p in (path, path.with_name(path.name + ".wal")):
        p.unlink(missing_ok=True)


def _create_tables(con) -> None:
    for name in TABLE_ORDER:
        con.execute(create_table_sql(TABLES[name]))
    con.execute("""
        create table load_files (file varchar, table_name varchar, rows_read bigint, rows_loaded bigint,
            rows_rejected bigint, source_dir varchar, file_format varchar, encoding varchar, loaded_at timestamp);
        create table rejects (file varchar, row_number integer, column_name varchar, rule varchar,
            reason varchar, raw_row varchar);
        create table load_info (key varchar, value varchar);
    """)


def _write_info(con, source: Path, loaded_at: dt.datetime, extra: dict[str, str]) -> None:
    data_date = con.execute("select max(paid_date) from payments").fetchone()[0]
    rows = {"source": str(source), "loaded_at": loaded_at.isoformat(sep=" "),
            "data_date": data_date.isoformat() if data_date else None, **extra}
    con.executemany("insert into load_info values (?, ?)", [[k, None if v is None else str(v)] for k, v in rows.items()])


def _install_views(con, report: LoadReport) -> None:
    """Create the calendar, rule seeds and views (queries/) inside the new file before the swap, so the
    dashboard never sees tables without their views."""
    from queries.install import install_views  # lazy: data/ imports queries/ only here

    install_views(con)


# ------------------------------------------------------------------------------------------- CLI
def _demo(persons: int | None) -> dict[str, str]:
    """Generate the demo district into paths.DEMO_SOURCE_DIR; returns what load_info records about it."""
    from data.generate import generate

    try:
        summary = generate(paths.DEMO_SOURCE_DIR, persons=persons)
    except ValueError as exc:  # e.g. a district too small to simulate: the user's choice of --persons
        raise ContractError(f"--persons {persons}: {exc}") from None
    info = {"demo": "true"}
    if isinstance(summary, dict):
        for key in ("seed", "persons"):
            if key in summary:
                info[f"generator_{key}"] = str(summary[key])
    return info


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m data.build", description="Load contract files into DuckDB.")
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument("--demo", action="store_true", help="generate the demo district and load it")
    what.add_argument("--source", type=Path, help="folder of contract files (DATA_CONTRACT.md)")
    parser.add_argument("--persons", type=int, help="demo district size (with --demo)")
    parser.add_argument("--db", type=Path, help="DuckDB file to write (default $SUBSIDY_DB or data/subsidy.duckdb)")
    parser.add_argument("--force", action="store_true", help="replace the database even if a file is mostly rejected")
    args = parser.parse_args(argv)
    if args.persons is not None and not args.demo:
        parser.error("--persons only goes with --demo")
    try:
        info = None
        source = args.source
        if args.demo:
            info = _demo(args.persons)
            source = paths.DEMO_SOURCE_DIR
        report = build_database(source, args.db, force=args.force, info=info,
                                progress=lambda text: print(text, file=sys.stderr, flush=True))
    except ContractError as exc:
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
    return 0


if __name__ == "__main__":
    sys.exit(main())
