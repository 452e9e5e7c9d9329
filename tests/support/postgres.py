"""A real PostgreSQL server for the tests, and a fresh empty database per test.

- `postgres_server` (session): the server. With $SUBSIDY_TEST_PG_URL set (any SQLAlchemy or libpq URL of
  a role that may CREATE DATABASE, e.g. `postgresql://ci:pw@127.0.0.1:5432/postgres`), that server is used;
  otherwise a throwaway cluster is made with Debian's `initdb` + `pg_ctl` (/usr/lib/postgresql/*/bin) in
  a temporary folder, listening on 127.0.0.1 on a free port only (its socket in that folder too), run as
  the `postgres` OS user when the tests run as root. It is stopped and removed at the end of the session.
- `postgres_url` (function): `postgresql+psycopg://USER:PASS@127.0.0.1:PORT/t_<random>`, a database
  created for this test alone and dropped after it (connections still open are cut).

When PostgreSQL is not installed the fixture fails (never skips) and names the package to install.
"""
from __future__ import annotations

import glob
import os
import pwd
import secrets
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url

from tests.support.app_server import free_port

ENV_URL = "SUBSIDY_TEST_PG_URL"
INSTALL_HINT = (
    "PostgreSQL is not installed: the operational-database tests need a real server. "
    "Install Debian's package: `apt-get install --no-install-recommends postgresql` "
    "(or `make system-deps` as root), or point $SUBSIDY_TEST_PG_URL at a server whose role may CREATE DATABASE."
)


@dataclass
class PostgresServer:
    """Where the server is and how to reach it; `url(db)` gives the SQLAlchemy URL of one database."""

    host: str
    port: int
    user: str
    password: str
    admin_db: str = "postgres"
    started_in: float | None = None  # seconds initdb + pg_ctl start took (None: an external server)
    data_dir: Path | None = None
    _created: set[str] = field(default_factory=set, repr=False)

    def url(self, db: str | None = None, driver: str = "postgresql+psycopg") -> str:
        return make_url(f"{driver}://").set(
            username=self.user, password=self.password, host=self.host, port=self.port,
            database=db or self.admin_db,
        ).render_as_string(hide_password=False)

    def connect(self, db: str | None = None) -> psycopg.Connection:
        """A psycopg connection in autocommit mode (the admin database by default)."""
        return psycopg.connect(host=self.host, port=self.port, user=self.user, password=self.password,
                               dbname=db or self.admin_db, autocommit=True, connect_timeout=10)

    def create_database(self) -> str:
        name = f"t_{secrets.token_hex(6)}"
        with self.connect() as con:
            con.execute(f'CREATE DATABASE "{name}" ENCODING \'UTF8\' TEMPLATE template0')
        self._created.add(name)
        return name

    def drop_database(self, name: str) -> None:
        with self.connect() as con:
            con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self._created.discard(name)

    @contextmanager
    def database(self) -> Iterator[str]:
        """A fresh empty database for the block; yields its SQLAlchemy URL and drops it afterwards."""
        name = self.create_database()
        try:
            yield self.url(name)
        finally:
            self.drop_database(name)


def find_bin_dir() -> Path | None:
    """The newest /usr/lib/postgresql/<version>/bin holding initdb and pg_ctl (or the PATH's, elsewhere)."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                        key=lambda p: [int(x) if x.isdigit() else 0 for x in Path(p).parts[-3].split(".")])
    for initdb in reversed(candidates):
        if (Path(initdb).parent / "pg_ctl").exists():
            return Path(initdb).parent
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(os.path.realpath(found)).parent
    return None


class _Cluster:
    """A throwaway cluster: initdb into a temp folder, pg_ctl start on 127.0.0.1:<free port>, stop, remove."""

    def __init__(self, bin_dir: Path):
        self.bin = bin_dir
        self.as_root = os.geteuid() == 0
        # as root the cluster runs as `postgres`, which must be able to reach the folder: /tmp, not a $TMPDIR
        # that may sit under root's closed home
        self.root = Path(tempfile.mkdtemp(prefix="subsidy-pg-", dir="/tmp" if self.as_root else None))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.user = "subsidy_test"
        self.password = secrets.token_hex(16)
        self.port = 0
        if self.as_root:
            try:
                pg = pwd.getpwnam("postgres")
            except KeyError:
                pytest.fail("Running as root, PostgreSQL must run as the `postgres` OS user, and there is none: "
                            + INSTALL_HINT, pytrace=False)
            os.chown(self.root, pg.pw_uid, pg.pw_gid)

    def _run(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
        cmd = [str(a) for a in args]
        if self.as_root:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        # cwd: a folder the postgres user can enter (the worktree may be closed to it)
        return subprocess.run(cmd, cwd=self.root, capture_output=True, text=True, timeout=timeout,
                              env={**os.environ, "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"})

    def _check(self, proc: subprocess.CompletedProcess, what: str) -> None:
        if proc.returncode != 0:
            log = self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""
            pytest.fail(f"PostgreSQL {what} failed (exit {proc.returncode}):\n{proc.stdout[-2000:]}\n"
                        f"{proc.stderr[-2000:]}\n{log}", pytrace=False)

    def start(self) -> PostgresServer:
        t0 = time.perf_counter()
        pwfile = self.root / "pwfile"
        pwfile.write_text(self.password + "\n")
        if self.as_root:
            pg = pwd.getpwnam("postgres")
            os.chown(pwfile, pg.pw_uid, pg.pw_gid)
        pwfile.chmod(0o600)
        self._check(self._run(self.bin / "initdb", "-D", self.data, "-U", self.user, f"--pwfile={pwfile}",
                              "--auth-local=trust", "--auth-host=scram-sha-256", "--encoding=UTF8",
                              "--locale=C.UTF-8", "--no-sync", "--no-instructions"), "initdb")
        pwfile.unlink()
        # a port free now may be taken before the server binds it: try a few
        for attempt in range(5):
            self.port = free_port()
            opts = (f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.root} "
                    "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200")
            proc = self._run(self.bin / "pg_ctl", "-D", self.data, "-l", self.log, "-w", "-t", "60",
                             "-o", opts, "start")
            if proc.returncode == 0:
                break
            if attempt == 4 or "could not bind" not in self.log.read_text(errors="replace"):
                self._check(proc, "pg_ctl start")
        return PostgresServer(host="127.0.0.1", port=self.port, user=self.user, password=self.password,
                              started_in=time.perf_counter() - t0, data_dir=self.data)

    def stop(self) -> None:
        try:
            if (self.data / "postmaster.pid").exists():
                self._run(self.bin / "pg_ctl", "-D", self.data, "-m", "fast", "-w", "-t", "30", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


def _external(url: str) -> PostgresServer:
    u = make_url(url)
    if not u.drivername.startswith("postgresql"):
        pytest.fail(f"${ENV_URL} must be a postgresql:// URL, got driver {u.drivername!r}", pytrace=False)
    server = PostgresServer(host=u.host or "127.0.0.1", port=u.port or 5432, user=u.username or "postgres",
                            password=u.password or "", admin_db=u.database or "postgres")
    try:
        server.connect().close()
    except psycopg.OperationalError as exc:
        pytest.fail(f"${ENV_URL} names a server that does not answer: {exc}", pytrace=False)
    return server


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """The session's PostgreSQL server (see the module docstring)."""
    if os.environ.get(ENV_URL):
        yield _external(os.environ[ENV_URL])
        return
    bin_dir = find_bin_dir()
    if bin_dir is None:
        pytest.fail(INSTALL_HINT, pytrace=False)
    cluster = _Cluster(bin_dir)
    try:
        yield cluster.start()
    finally:
        cluster.stop()


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> Iterator[str]:
    """SQLAlchemy URL of a fresh, empty database for this test alone (dropped after it)."""
    with postgres_server.database() as url:
        yield url
