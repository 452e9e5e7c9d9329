"""queries.install: file conventions, dependency order, calendar, seeds."""
from __future__ import annotations

import datetime as dt
import re

import duckdb
import pytest

from contract import TABLE_ORDER, TABLES, create_table_sql
from queries import install


def test_every_sql_file_has_grain_header_and_style():
    files = install.sql_files()
    assert files, "no views found"
    for name, path in files.items():
        text = path.read_text(encoding="utf-8")
        assert text.startswith("-- grain: "), f"{path.name} must start with '-- grain: …'"
        assert install.read_header(text)["grain"], path.name
        assert re.search(r"select \* from final\s*$", text), f"{path.name} must end with 'select * from final'"
        assert re.match(r"(stg|int|mart)_", name), f"{path.name}: layer prefix stg_/int_/mart_"
        body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("--"))
        assert not re.search(r"\b(SELECT|FROM|WHERE|JOIN|GROUP BY)\b", body), f"{path.name}: lowercase keywords"
        if name.startswith("stg_"):
            assert not re.search(r"\bfrom (stg|int|mart)_", body), f"{path.name}: staging reads raw tables only"


def test_install_order_resolves_every_reference():
    order = install.install_order()
    files = install.sql_files()
    assert sorted(order) == sorted(files)
    position = {name: i for i, name in enumerate(order)}
    for name, path in files.items():
        for ref in install.references(path.read_text(encoding="utf-8"), set(files)):
            if ref != name:
                assert position[ref] < position[name], f"{name} is installed before {ref}"
    # layers point one way: staging first, marts after the intermediate facts they read
    assert position["stg_persons"] < position["int_person_months"] < position["int_eligibility_months"]
    assert position["int_eligibility_months"] < position["mart_targeting"]


def test_depends_header_cycles_and_unknown_names(tmp_path):
    for layer in ("staging", "marts"):
        (tmp_path / layer).mkdir()
    a, b = tmp_path / "marts" / "a_view.sql", tmp_path / "staging" / "b_view.sql"
    a.write_text("-- grain: x\n-- depends: b_view\nselect 1 as x\n")
    b.write_text("-- grain: x\nwith final as (select * from persons)\nselect * from final\n")
    assert install.install_order(tmp_path) == ["b_view", "a_view"]       # only declared, not read
    b.write_text("-- grain: x\nselect * from a_view\n")
    with pytest.raises(ValueError, match="cycle"):
        install.install_order(tmp_path)
    b.write_text("-- grain: x\n-- depends: nowhere\nselect 1\n")
    with pytest.raises(ValueError, match="nowhere"):
        install.install_order(tmp_path)


def test_view_files_are_found_in_layer_folders_recursively_and_names_are_unique(tmp_path):
    (tmp_path / "marts" / "gaps").mkdir(parents=True)
    (tmp_path / "api").mkdir()
    (tmp_path / "marts" / "gaps" / "mart_x.sql").write_text("-- grain: x\nselect 1\n")
    (tmp_path / "api" / "not_a_view.sql").write_text("-- grain: x\nselect 1\n")
    (tmp_path / "stray.sql").write_text("-- grain: x\nselect 1\n")
    assert set(install.sql_files(tmp_path)) == {"mart_x"}                   # api/ and the root are not views
    (tmp_path / "intermediate").mkdir()
    (tmp_path / "intermediate" / "mart_x.sql").write_text("-- grain: x\nselect 1\n")
    with pytest.raises(ValueError, match="two view files named mart_x"):
        install.sql_files(tmp_path)


def test_each_view_file_sits_in_the_folder_of_its_layer():
    folder = {"stg": "staging", "int": "intermediate", "mart": "marts"}
    for name, path in install.sql_files().items():
        layer = path.relative_to(install.SQL_DIR).parts[0]
        assert layer == folder[name.split("_")[0]], f"{name} is in {layer}/"


def test_references_ignore_comments_and_ctes():
    text = "-- grain: x\n-- reads from int_fake in prose\nwith a as (select * from stg_persons)\nselect * from a\n"
    assert install.references(text, {"stg_persons", "int_fake", "a"}) == {"stg_persons", "a"}


def test_header_continuation_and_materialized():
    text = "-- grain: one row per person per month,\n--        from birth\n-- materialized: table\n-- why\nselect 1"
    header = install.read_header(text)
    assert header == {"grain": "one row per person per month, from birth", "materialized": "table"}


def _empty_db():
    con = duckdb.connect()
    for table in TABLE_ORDER:
        con.execute(create_table_sql(TABLES[table]))
    return con


def test_calendar_official_days_and_fallback():
    con = _empty_db()
    con.execute("insert into parameters values (2026, 1200), (2027, 1250)")
    lo, hi = install.create_calendar(con)
    assert (lo, hi) == (2025, 2028)                 # data years 2026–2027 plus one year of margin
    rows = dict(con.execute("select day, (is_workday, source) from calendar_days "
                            "where day in ('2026-01-01', '2027-01-01', '2027-01-02', '2027-01-04')").fetchall())
    assert rows[dt.date(2026, 1, 1)] == (False, "chinese_calendar")     # New Year's Day, official
    assert rows[dt.date(2027, 1, 1)] == (True, "weekday_fallback")      # unknown year: a Friday is a working day
    assert rows[dt.date(2027, 1, 2)] == (False, "weekday_fallback")     # Saturday
    # workday_seq counts working days up to and including the day
    n = con.execute("select count(*) filter (where is_workday), max(workday_seq) from calendar_days").fetchall()[0]
    assert n[0] == n[1]


def test_calendar_2020_national_day():
    frame = install.calendar_frame(2020, 2020).set_index("day")
    seq = frame.workday_seq
    # d with 2020-09-28 < d <= 2020-10-09: Sep 29, Sep 30, (Oct 1–8 holiday), Oct 9 → 3
    assert seq[dt.date(2020, 10, 9)] - seq[dt.date(2020, 9, 28)] == 3
    assert frame.loc[dt.date(2020, 10, 10), "is_workday"]               # 调休 Saturday
    assert frame.loc[dt.date(2020, 9, 27), "is_workday"]                # 调休 Sunday
    assert not frame.loc[dt.date(2020, 10, 5), "is_workday"]            # Monday inside the holiday


def test_seed_rules_are_validated(tmp_path):
    con = _empty_db()
    install.load_seed(con, "eligibility_rules")
    install.validate_rules(con)
    keys = {r[0] for r in con.execute("select distinct rule from eligibility_rules").fetchall()}
    assert {"living_subsidy", "nursing_subsidy", "rehab_early_intervention"} <= keys
    assert con.execute("select count(*) from eligibility_rules where rule = 'nursing_subsidy'").fetchall()[0][0] == 2
    con.execute("update eligibility_rules set requires_household = 'dibao_or_dibain' where rule = 'living_subsidy'")
    with pytest.raises(ValueError, match="requires_household"):
        install.validate_rules(con)
    bad = tmp_path / "eligibility_rules.csv"
    bad.write_text("rule,branch\nx,y\n", encoding="utf-8")
    with pytest.raises(ValueError, match="columns"):
        install.load_seed(con, "eligibility_rules", bad)


def test_need_groups_follow_the_contract():
    from contract import NEED_GROUP

    con = _empty_db()
    install.create_need_groups(con)
    rows = con.execute("select need, program_group, gap from need_groups order by need").fetchall()
    assert rows == sorted((n, g, "unmet_" + n) for n, g in NEED_GROUP.items())


def test_install_on_empty_tables_and_twice():
    con = _empty_db()
    first = install.install_views(con)
    second = install.install_views(con)                 # idempotent: replaces what it created
    assert first == second
    assert con.execute("select count(*) from mart_gap_cases").fetchall()[0][0] == 0
    assert con.execute("select min(year(day)), max(year(day)) from calendar_days").fetchall()[0] == (2014, 2027)


def test_macro_files_start_with_a_comment_and_create_macros_only():
    files = install.macro_files()
    assert {p.name for p in files} >= {"age.sql"}
    assert "mask.sql" not in {p.name for p in files}        # masking is contract.masking's, defined once
    for path in sorted(install.MACRO_DIR.glob("*.sql")):
        text = path.read_text(encoding="utf-8")
        assert text.startswith("-- "), f"{path.name} must start with a comment saying what it does"
        body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("--"))
        statements = [s.strip() for s in body.split(";") if s.strip()]
        assert statements and all(s.startswith("create or replace macro ") for s in statements), path.name


def test_macros_are_installed_before_the_views():
    con = duckdb.connect()
    install.install_macros(con)
    macros = {r[0] for r in con.execute(
        "select function_name from duckdb_functions() where function_type = 'macro' and not internal").fetchall()}
    assert {"mask_id", "mask_name", "age_in_months", "age_band"} <= macros
    # born 2020-05-10: 0 whole months on 2020-06-01, 1 on 2020-06-10; 7 years old is in band 7-17
    assert con.execute("select age_in_months(date '2020-05-10', date '2020-06-01'), "
                       "age_in_months(date '2020-05-10', date '2020-06-10'), age_band(7), age_band(-1)"
                       ).fetchall()[0] == (0, 1, "7-17", None)


def test_a_macro_file_needs_plain_parameter_names():
    assert install.macro_params({"params": "a, b_2"}, "m.sql") == "a := null, b_2 := null"
    for bad in ({}, {"params": "a, b; drop table x"}):
        with pytest.raises(ValueError, match="m.sql"):
            install.macro_params(bad, "m.sql")
