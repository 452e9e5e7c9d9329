"""queries.install: DuckDB settings during the install (restored afterwards), optional timing output."""
from __future__ import annotations

import duckdb

from contract import TABLE_ORDER, TABLES, create_table_sql
from queries import install


def _empty_db(path=None):
    con = duckdb.connect(str(path) if path else ":memory:")
    for table in TABLE_ORDER:
        con.execute(create_table_sql(TABLES[table]))
    con.execute("insert into parameters values (2020, 1015)")
    return con


def _setting(con, name):
    return con.execute("select current_setting($n)::varchar", {"n": name}).fetchall()[0][0]


def test_settings_are_restored_after_install(tmp_path):
    con = _empty_db(tmp_path / "d.duckdb")
    before = {n: _setting(con, n) for n in ("preserve_insertion_order", "memory_limit")}
    install.install_views(con)
    assert {n: _setting(con, n) for n in before} == before


def test_install_settings_cap_memory_and_drop_insertion_order(monkeypatch):
    monkeypatch.delenv("SUBSIDY_INSTALL_MEMORY", raising=False)
    assert install._install_settings() == {"preserve_insertion_order": "false",
                                           "memory_limit": install.DEFAULT_INSTALL_MEMORY}
    monkeypatch.setenv("SUBSIDY_INSTALL_MEMORY", "0")
    assert "memory_limit" not in install._install_settings()
    con = duckdb.connect()
    con.execute("set memory_limit = '1GB'")
    previous = install._apply_settings(con, {"memory_limit": "6GB", "preserve_insertion_order": "false"})
    assert install._bytes(_setting(con, "memory_limit")) < 2e9        # a lower limit is never raised
    assert _setting(con, "preserve_insertion_order") == "false"
    assert install._bytes(previous["memory_limit"]) < 2e9
    con.execute("set memory_limit = '20GB'")
    install._apply_settings(con, {"memory_limit": "6GB"})
    assert 5e9 < install._bytes(_setting(con, "memory_limit")) < 7e9


def test_bytes_parses_duckdb_sizes():
    assert install._bytes("6GB") == 6e9
    assert install._bytes("18.8 GiB") == 18.8 * 2**30
    assert install._bytes("512 MiB") == 512 * 2**20
    assert install._bytes("nonsense") == float("inf")


def test_timing_output_names_every_step(monkeypatch, capsys):
    monkeypatch.setenv("SUBSIDY_INSTALL_TIMING", "1")
    con = _empty_db()
    order = install.install_views(con)
    err = capsys.readouterr().err
    for name in order:
        assert f" {name}" in err
    assert "table int_payments (0 rows)" in err and "total; slowest:" in err
    monkeypatch.setenv("SUBSIDY_INSTALL_TIMING", "0")
    install.install_views(con)
    assert capsys.readouterr().err == ""
