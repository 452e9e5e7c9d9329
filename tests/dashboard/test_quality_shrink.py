"""The 数据质量 page shows how the last load compares with the database it replaced (issue 9).

A hand-written district (tests/contract_fixtures.py) is loaded, then replaced by a forced load whose
payments.csv holds only its header: payments go from 10 rows to 0 (-100.0 %), every other table keeps
its rows (CLEAN_COUNTS, 0.0 %). A first load replaces nothing, so its page shows no comparison.
"""
from __future__ import annotations

import os
from pathlib import Path

import apptest
import pytest

import queries
from tests.contract_fixtures import CLEAN_COUNTS, district, write_district

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def forced_db(tmp_path_factory) -> Path:
    from subsidy.build import build_database

    root = tmp_path_factory.mktemp("shrunk")
    db = root / "subsidy.duckdb"
    build_database(write_district(root / "full"), db)
    d = district()
    src = write_district(root / "empty", d)
    (src / "payments.csv").write_text(",".join(d["payments"][0]) + "\r\n", encoding="utf-8")
    build_database(src, db, force=True)
    return db


@pytest.fixture(scope="module")
def first_db(tmp_path_factory) -> Path:
    from subsidy.build import build_database

    root = tmp_path_factory.mktemp("first")
    build_database(write_district(root / "src"), root / "subsidy.duckdb")
    return root / "subsidy.duckdb"


@pytest.fixture(autouse=True)
def _restore_db_env(monkeypatch):
    monkeypatch.setenv("SUBSIDY_DB", "")


def run_quality(db: Path, **query):
    os.environ["SUBSIDY_DB"] = str(db)
    at = apptest.run_app("quality", **query)
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_api_load_comparison_gives_before_after_and_the_verdict(forced_db):
    con = queries.connect(forced_db)
    try:
        df = queries.load_comparison(con)
    finally:
        con.close()
    assert list(df.columns) == ["table_name", "rows_before", "rows_after", "change", "change_share", "shrunk"]
    got = {r.table_name: (r.rows_before, r.rows_after, r.change, r.shrunk) for r in df.itertuples()}
    assert got["payments"] == (10, 0, -10, True)
    assert df.set_index("table_name").loc["payments", "change_share"] == -1.0
    for table, n in CLEAN_COUNTS.items():
        if table != "payments":
            assert got[table] == (n, n, 0, False)
    assert len(df) == len(CLEAN_COUNTS)


def test_api_load_comparison_is_empty_for_a_first_load(first_db):
    con = queries.connect(first_db)
    try:
        assert queries.load_comparison(con).empty
    finally:
        con.close()


def test_quality_page_shows_the_forced_shrink(forced_db):
    at = run_quality(forced_db)
    (warning,) = [w.value for w in at.warning if "--force" in w.value]
    assert "发放明细 10 → 0" in warning and "减少了一半以上" in warning
    (table,) = [df.value for df in at.dataframe if "上次行数" in df.value.columns]
    rows = table.set_index("数据表")
    assert rows.loc["发放明细", ["上次行数", "本次行数", "变化", "减少一半以上"]].tolist() == [10, 0, "-100.0%", "是"]
    assert rows.loc["人员名册", ["上次行数", "本次行数", "变化", "减少一半以上"]].tolist() == [6, 6, "0.0%", ""]
    assert len(rows) == len(CLEAN_COUNTS)


def test_quality_page_in_english_names_the_shrink(forced_db):
    at = run_quality(forced_db, lang="en")
    assert any("payments 10 → 0" in w.value and "--force" in w.value for w in at.warning)
    assert any("Rows before" in df.value.columns for df in at.dataframe)


def test_quality_page_of_a_first_load_has_no_comparison(first_db):
    at = run_quality(first_db)
    assert not any("上次行数" in df.value.columns for df in at.dataframe)
    assert not any("--force" in w.value for w in at.warning)
