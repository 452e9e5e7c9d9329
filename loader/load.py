"""Load a folder of contract files into a new DuckDB file and swap it in atomically.

The loader's linear flow per file: locate → prepare → stage → parse → find rejects → load → record
rejects, with `read == loaded + rejected` asserted. The new database is written to `<db>.tmp-<pid>`
beside the target and moved into place with `os.replace` only when the load and the caller's
`before_swap` step (the build command installs the views there) are complete, so a failed load leaves
the previous database untouched. The command line is `python -m subsidy build` (subsidy/build.py).
"""
from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from contract import OPTIONAL_TABLES, TABLE_ORDER, TABLES, create_table_sql, paths
from loader import validate
from loader.readers import ContractError, locate, prepare

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
    views_seconds: float = 0.0    # of which the caller's before_swap step (the build command's views)
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
                   info: dict[str, str] | None = None, progress=None,
                   before_swap: Callable[[Any], None] | None = None) -> LoadReport:
    """Load the contract files in `source` into the DuckDB file `db` (default `paths.db_path()`).

    Raises ContractError when the folder breaks the contract (nothing is replaced), LoadRejected when
    more than half the rows of a file were rejected and `force` is false (nothing is replaced).
    `info` adds key/value rows to `load_info` (the demo records the generator's seed and size);
    `progress(text)`, if given, is called as each step finishes (a big district takes minutes).
    `before_swap(con)`, if given, runs on the new file's read-write connection after the tables are
    loaded and before the swap (the build command installs the analytical views there, so a reader
    never sees tables without their views); the loader itself knows nothing of the views."""
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
        validate.record_rules(con)
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
        if before_swap is not None:
            views_started = time.perf_counter()
            say("视图 installing views …")
            before_swap(con)
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
            value varchar, reason_zh varchar, reason_en varchar, raw_row varchar);
        create table reject_rules (rule varchar, label_zh varchar, label_en varchar);
        create table load_info (key varchar, value varchar);
    """)


def _write_info(con, source: Path, loaded_at: dt.datetime, extra: dict[str, str]) -> None:
    data_date = con.execute("select max(paid_date) from payments").fetchone()[0]
    rows = {"source": str(source), "loaded_at": loaded_at.isoformat(sep=" "),
            "data_date": data_date.isoformat() if data_date else None, **extra}
    con.executemany("insert into load_info values (?, ?)",
                    [[k, None if v is None else str(v)] for k, v in rows.items()])
