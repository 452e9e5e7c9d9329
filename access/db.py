"""The operational database: where it is, the engine, and bringing its schema to the latest migration.

$SUBSIDY_OPS_DB selects it: a `postgresql://…` URL (psycopg 3 is used) for a federation that runs
several dashboard servers, a `sqlite:///…` URL, or nothing for `data/ops.sqlite` beside the analytical
database. SQLite runs in WAL mode with a busy timeout, so the dashboard and the command line can read
and write it at once. The file is created private (0600): it holds the audit log.
"""
from __future__ import annotations

import fcntl
import functools
import os
import threading
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

from contract.paths import DATA_DIR, make_private, private_files

ENV = "SUBSIDY_OPS_DB"
DEFAULT_FILE = DATA_DIR / "ops.sqlite"
MIGRATIONS = Path(__file__).resolve().with_name("migrations")
_lock = threading.Lock()


def url() -> str:
    """The operational database's URL ($SUBSIDY_OPS_DB or sqlite:///data/ops.sqlite), with the psycopg
    driver named for a plain `postgresql://` URL."""
    raw = os.environ.get(ENV, "").strip() or f"sqlite:///{DEFAULT_FILE}"
    u = make_url(raw)
    if u.drivername in ("postgresql", "postgres"):
        u = u.set(drivername="postgresql+psycopg")
    return u.render_as_string(hide_password=False)


def describe(url_: str | None = None) -> str:
    """The URL with its password hidden (for messages and logs)."""
    return make_url(url_ or url()).render_as_string(hide_password=True)


def _sqlite_pragmas(dbapi_con, _record) -> None:
    cur = dbapi_con.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def make_engine(url_: str | None = None) -> Engine:
    """A new engine on `url_` (default `url()`), its schema at the latest migration."""
    url_ = url_ or url()
    u = make_url(url_)
    if u.get_backend_name() == "sqlite":
        if u.database and u.database != ":memory:":
            Path(u.database).parent.mkdir(parents=True, exist_ok=True)
        eng = create_engine(url_, connect_args={"timeout": 10})
        event.listen(eng, "connect", _sqlite_pragmas)
    else:
        eng = create_engine(url_, pool_pre_ping=True)
    upgrade(eng)
    return eng


@functools.lru_cache(maxsize=4)
def _cached(url_: str) -> Engine:
    return make_engine(url_)


def engine() -> Engine:
    """The process's engine for `url()` (one per URL; $SUBSIDY_OPS_DB is read on every call)."""
    with _lock:
        return _cached(url())


def _config(connection) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def head() -> str:
    """The latest migration's revision id."""
    return ScriptDirectory(str(MIGRATIONS)).get_current_head()


def current(eng: Engine) -> str | None:
    """The revision the database is at (None: never migrated)."""
    with eng.connect() as c:
        return MigrationContext.configure(c).get_current_revision()


@contextmanager
def _migration_lock(eng: Engine):
    """One migrating process at a time: a file lock beside a SQLite file, an advisory lock on PostgreSQL."""
    u = eng.url
    if u.get_backend_name() == "sqlite":
        if not u.database or u.database == ":memory:":
            yield None
            return
        lock_path = Path(u.database).with_name(f".{Path(u.database).name}.migrate.lock")
        with private_files(), open(lock_path, "a+") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield None
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)
        return
    with eng.connect() as c:
        c.exec_driver_sql("select pg_advisory_lock(72100910)")
        try:
            yield None
        finally:
            c.exec_driver_sql("select pg_advisory_unlock(72100910)")
            c.commit()


def upgrade(eng: Engine) -> None:
    """Bring the schema to the latest migration (nothing to do, and no lock taken, when it is there)."""
    if current(eng) == head():
        return
    with _migration_lock(eng), private_files():
        with eng.begin() as c:
            command.upgrade(_config(c), "head")
    if eng.url.get_backend_name() == "sqlite" and eng.url.database and eng.url.database != ":memory:":
        for suffix in ("", "-wal", "-shm"):
            make_private(Path(eng.url.database + suffix))
