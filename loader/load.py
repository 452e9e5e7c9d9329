"""Load a folder of contract files into a new DuckDB file and swap it in atomically.

The loader's linear flow per file: locate → prepare → stage → parse → find rejects → load → record
rejects, with `read == loaded + rejected` asserted. The new database is written to `<db>.tmp-<pid>`
inside the load's private scratch folder beside the target (`.<db>.load-*`, mode 0700, with the
transcoded copies) and moved into place with `os.replace` only when the load and the caller's
`before_swap` step (the build command installs the views there) are complete, so a failed load leaves
the previous database untouched. Around that:
- one load at a time per database: a lock (`.<db>.lock`, flock) held for the whole load; a second
  load refuses at once (LoadBusy) instead of silently racing the first to the swap;
- temp files a killed load left behind (it cannot clean up after `kill -9`) are removed by the next
  load, under the lock;
- a load that would shrink a table to less than half of the database it replaces stops (LoadRejected)
  unless forced, and the new database records the comparison (table load_comparison);
- a full disk or another storage failure is one line naming the database (LoadFailed).
The command line is `python -m subsidy build` (subsidy/build.py).
"""
from __future__ import annotations

import datetime as dt
import errno
import fcntl
import glob
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from contract import OPTIONAL_TABLES, TABLE_ORDER, TABLES, create_table_sql, paths
from loader import validate
from loader.readers import ContractError, locate, prepare

MOSTLY_BROKEN = 0.5   # a file with more than this share of rows rejected stops the load (without --force)
SHRINK = 0.5          # a table left with less than this share of the rows it has now stops the load (same)


class LoadRejected(Exception):
    """The load finished but a file was mostly rejected, or a table would shrink drastically against
    the current database; the current database was kept."""

    def __init__(self, message: str, report: "LoadReport"):
        super().__init__(message)
        self.report = report


class LoadFailed(Exception):
    """The load could not finish for a reason outside the files (the disk is full, the database
    cannot be written); the current database was kept. Its message is one line naming the file."""


class LoadBusy(LoadFailed):
    """Another load onto the same database is running; nothing was done."""


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
    # table -> (rows in the database replaced, rows loaded now); empty when there was none
    comparison: dict[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def shrunk(self) -> dict[str, tuple[int, int]]:
        """The tables left with less than SHRINK of the rows the replaced database had."""
        return {t: (before, after) for t, (before, after) in self.comparison.items() if shrinks(before, after)}

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
        if self.shrunk:
            out.append("比现有数据库减少一半以上 shrunk to less than half of the current database: " + ", ".join(
                f"{t} {before:,} → {after:,}" for t, (before, after) in self.shrunk.items()))
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
    more than half the rows of a file were rejected, or a table would keep less than half the rows of
    the database it replaces, and `force` is false (nothing is replaced); LoadBusy when another load
    onto `db` is running, LoadFailed when the disk is full (nothing is replaced).
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
    with database_lock(db):
        _remove_leftovers(db)
        try:
            return _load(source, db, files, force, info or {}, progress, before_swap, started)
        except duckdb.Error as exc:
            # writing the file failed (IO; a failed commit; a database DuckDB gave up on; no room to spill)
            if not isinstance(exc, (duckdb.IOException, duckdb.TransactionException, duckdb.FatalException,
                                    duckdb.OutOfMemoryException)):
                raise
            first = str(exc).strip().splitlines()[0][:300] if str(exc).strip() else type(exc).__name__
            raise LoadFailed(f"{db}: 无法写入新数据库（磁盘已满？），现有数据库未改动 "
                             f"(could not write the new database, is the disk full? The current database "
                             f"was kept: {first})") from None
        except OSError as exc:
            if exc.errno not in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT):
                raise
            raise LoadFailed(f"{db}: 无法写入（磁盘已满？），现有数据库未改动 "
                             f"(could not write {exc.filename or 'a file'}: {exc.strerror}; "
                             f"the current database was kept)") from None


def _load(source: Path, db: Path, files: dict[str, Path | None], force: bool, info: dict[str, str],
          progress, before_swap: Callable[[Any], None] | None, started: float) -> LoadReport:
    """The load itself, under the database's lock (build_database)."""
    current = _current_database(db)
    report = LoadReport(db=db, source=source)
    say = progress or (lambda text: None)
    loaded_at = dt.datetime.now().replace(microsecond=0)
    today = dt.date.today()
    # mkdtemp makes the folder 0700: the temp database and the transcoded copies (the full register,
    # unmasked) inside it are never readable by other users, even when a killed load leaves them
    scratch = Path(tempfile.mkdtemp(prefix=f".{db.name}.load-", dir=db.parent))
    tmp = scratch / f"{db.name}.tmp-{os.getpid()}"
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
            validate.find_unreadable(con, table, prep, stage, rej)
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
        _check_shrink(con, report, current, force, info, started)
        _write_info(con, source, loaded_at, info)
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
            try:
                con.close()
            except duckdb.Error:
                pass  # a connection DuckDB invalidated (disk full) cannot be closed cleanly
        _remove_db(tmp)
        shutil.rmtree(scratch, ignore_errors=True)
    report.seconds = time.perf_counter() - started
    return report


# ------------------------------------------------------------------------- around the load
@contextmanager
def database_lock(db: Path) -> Iterator[None]:
    """Hold the load lock of `db` (`.<db>.lock` beside it, flock) for the block, or raise LoadBusy at
    once when another load holds it (another process, or another load in this one). The kernel drops
    the lock when its holder dies, so a killed load never blocks the next one."""
    lock = db.with_name(f".{db.name}.lock")
    fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "?"
            raise LoadBusy(f"{db}: 另一个载入正在写入此数据库（进程 {holder}），请等它完成后再试 "
                           f"(another load onto this database is running, process {holder}; "
                           f"try again when it has finished)") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def _remove_leftovers(db: Path) -> None:
    """Remove the temp files of earlier loads onto `db` that died before cleaning up (kill -9, power
    loss). Called under the lock: no other load is running, so every one of them is stale."""
    pattern = glob.escape(db.name)
    for p in db.parent.glob(f".{pattern}.load-*"):
        shutil.rmtree(p, ignore_errors=True)
    for p in db.parent.glob(f"{pattern}.tmp-*"):  # beside the target: where loads used to write it
        p.unlink(missing_ok=True)


@dataclass(frozen=True)
class _Current:
    """The database a load would replace: rows per contract table, whether it holds the demo, or why
    it could not be read."""

    counts: dict[str, int]
    demo: bool = False
    unreadable: str | None = None


def _current_database(db: Path) -> _Current | None:
    """Rows per contract table of the database at `db` (None when there is none)."""
    if not db.exists():
        return None
    try:
        with duckdb.connect(str(db), read_only=True) as con:
            have = {r[0] for r in con.execute("select table_name from duckdb_tables()").fetchall()}
            counts = {name: con.execute(f"select count(*) from {name}").fetchone()[0]
                      for name in TABLE_ORDER if name in have}
            demo = "load_info" in have and bool(con.execute(
                "select count(*) from load_info where key = 'demo' and value = 'true'").fetchone()[0])
        return _Current(counts, demo)
    except duckdb.Error as exc:
        return _Current({}, unreadable=str(exc).strip().splitlines()[0][:200] if str(exc).strip() else "?")


def shrinks(before: int, after: int) -> bool:
    """A table shrinks drastically when it keeps less than SHRINK of its rows (10 → 0, 10 → 4)."""
    return before > 0 and after < SHRINK * before


def _check_shrink(con, report: LoadReport, current: _Current | None, force: bool, info: dict[str, str],
                  started: float) -> None:
    """Compare the new tables with the database they replace; stop unless forced when one would shrink
    drastically (a header-only payments.csv must not silently become "0 元 everywhere"). The demo
    replacing the demo is exempt: its size is the user's choice (--persons). The comparison is kept in
    the new file (load_comparison) for the data-quality page."""
    if current is None:
        return
    if current.unreadable is not None and not force:
        report.seconds = time.perf_counter() - started
        raise LoadRejected(f"无法读取现有数据库，无法确认本次载入不会减少数据（{current.unreadable}）；确认后可用 "
                           f"--force 替换 (the current database cannot be read, so the loader cannot check "
                           f"that this load keeps its rows: {current.unreadable}. Use --force to replace it)", report)
    loaded = {f.table: f.rows_loaded for f in report.files}
    report.comparison = {name: (current.counts.get(name, 0), loaded.get(name, 0)) for name in TABLE_ORDER}
    shrunk = report.shrunk
    if shrunk and not force and not (current.demo and info.get("demo") == "true"):
        report.seconds = time.perf_counter() - started
        names = ", ".join(f"{t} {before:,} → {after:,}" for t, (before, after) in shrunk.items())
        raise LoadRejected(f"与现有数据库相比，以下表的行数将减少一半以上，未替换现有数据库：{names}；"
                           f"确认无误后可用 --force 强制载入 (these tables would keep less than half of the rows "
                           f"of the current database, which was kept: {names}. Use --force to load anyway)",
                           report)
    con.executemany("insert into load_comparison values (?, ?, ?, ?)",
                    [[t, before, after, shrinks(before, after)] for t, (before, after) in report.comparison.items()])


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
        create table load_comparison (table_name varchar, rows_before bigint, rows_after bigint, shrunk boolean);
    """)


def _write_info(con, source: Path, loaded_at: dt.datetime, extra: dict[str, str]) -> None:
    data_date = con.execute("select max(paid_date) from payments").fetchone()[0]
    rows = {"source": str(source), "loaded_at": loaded_at.isoformat(sep=" "),
            "data_date": data_date.isoformat() if data_date else None, **extra}
    con.executemany("insert into load_info values (?, ?)",
                    [[k, None if v is None else str(v)] for k, v in rows.items()])
