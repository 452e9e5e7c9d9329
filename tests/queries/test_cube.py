"""The pre-aggregated answers (mart_spend_cube, mart_coverage's paid programs) equal the raw scans they
replaced, on the demo district, for every year and a set of filters.

tests/queries/reference_sql/ holds the API queries as they were before the pre-aggregation: the
year's (person, program) rows and payments grouped at query time, coverage as a semi-join with the
year's paid persons. Each is run with the same bound parameters as its API file and the frames must
be identical (values and dtypes).
"""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

import queries
from queries import _sql

REFERENCE = Path(__file__).resolve().parent / "reference_sql"
_PARAM = re.compile(r"\$([a-z_][a-z0-9_]*)")


def reference(con, name: str, params: dict, **slots: str) -> pd.DataFrame:
    text = (REFERENCE / f"{name}.sql").read_text(encoding="utf-8")
    for key, value in slots.items():
        text = re.sub(r"\{\{\s*" + key + r"\s*\}\}", value, text)
    used = set(_PARAM.findall(re.sub(r"--[^\n]*", " ", text)))
    cur = con.cursor()
    try:
        return cur.execute(text, {k: params.get(k) for k in used}).df()
    finally:
        cur.close()


def filter_sets(con) -> list[dict]:
    town = queries.towns(con)[0]
    village = queries.villages(con, town=town)[0]
    progs = queries.programs(con)
    monthly = progs[progs.cycle == "monthly"].program_id.iloc[0]
    yearly = progs[progs.cycle != "monthly"].program_id.iloc[0]
    group = progs.program_group.iloc[-1]
    own = progs.set_index("program_id").loc[monthly, "program_group"]
    other_group = next(g for g in progs.program_group if g != own)
    return [
        {}, {"town": town}, {"village": village}, {"town": town, "village": village}, {"category": "肢体"},
        {"program": monthly}, {"program": yearly, "town": town}, {"program_group": group},
        {"program_group": group, "category": "视力", "town": town},
        {"program": monthly, "program_group": other_group},   # a program outside its group: nothing
        {"town": "没有这个镇"},
    ]


@pytest.fixture(scope="module")
def cases(con):
    return [(year, f) for year in queries.years(con) for f in filter_sets(con)]


@pytest.mark.parametrize("name, slots", [
    ("kpi_overview", {}), ("monthly_spend", {}), ("coverage_by_category", {}),
    ("coverage_by", {"by": "town"}), ("coverage_by", {"by": "age_band"}), ("coverage_by", {"by": "sex"}),
])
def test_pre_aggregated_equals_raw_scan(con, cases, name, slots):
    checked = 0
    for year, f in cases:
        params = {"year": year, "town": None, "village": None, "category": None, "program": None,
                  "program_group": None, **f}
        got = _sql.run(con, name, params, **slots)
        want = reference(con, name, params, **slots)
        pd.testing.assert_frame_equal(got, want, check_exact=True, obj=f"{name} {year} {f}")
        checked += len(want)
    assert checked > 0


def test_cube_cells_add_up(con):
    """Every level of mart_spend_cube holds the whole year: the same spend and payments at the three
    program levels and summed over the months; persons of a month never exceed the year's."""
    for year in queries.years(con):
        levels = con.execute(
            "select program_level, month is null as whole_year, sum(spend)::double, sum(payments)::bigint "
            "from mart_spend_cube where year = ? group by all order by all", [year]).fetchall()
        assert len({(round(s, 2), p) for _, _, s, p in levels}) == 1, levels
        assert {lvl for lvl, _, _, _ in levels} == {0, 1, 3}
        raw = con.execute("select sum(amount)::double, count(*) from mart_spend where year = ?", [year]).fetchone()
        assert (round(levels[0][2], 2), levels[0][3]) == (round(raw[0], 2), raw[1])
