"""Data loaded and shown nowhere before: application decisions, channels, the department behind each status
change and census completion — on the hand-typed fixture district (tests/contract_fixtures.py), real loader.

Applications of the district (submitted → decided, working days d with submitted < d <= decided):
- A1 LS online, 2019-12-02 (Mon) → 2019-12-10 approved: Dec 3, 4, 5, 6, 9, 10 = 6 days.
- A2 NS window, 2019-03-04 (Mon) → 2019-03-20 approved: Mar 5–8, 11–15, 18–20 = 12 days.
- A3 LS proxy (代办), 2020-02-03, pending: the backlog.
- A4 RH window, 2020-03-02 (Mon) → 2020-03-09 approved: Mar 3, 4, 5, 6, 9 = 5 days.
Status events: P001 dibao_start 2018 (民政), P002 dibian_start 2019 (民政), P004 death 2020-08-20 (公安).
Census 2020: certified population P001, P002, P004, P005 (4); surveyed P001 and P004 → completion 2 / 4.
"""
from __future__ import annotations

import math

import pytest

import queries
from publish import charts
from publish.charts import Selection
from subsidy.build import build_database
from tests.contract_fixtures import write_district


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    root = tmp_path_factory.mktemp("decisions")
    build_database(write_district(root / "src"), root / "subsidy.duckdb")
    c = queries.connect(root / "subsidy.duckdb")
    yield c
    c.close()


def test_decisions_and_backlog_by_program(con):
    got = queries.application_decisions(con, year=2020).set_index("value")
    assert got.index.tolist() == ["LS", "RH"]
    ls, rh = got.loc["LS"], got.loc["RH"]
    assert (ls.applications, ls.approved, ls.rejected, ls.pending) == (1, 0, 0, 1)
    assert math.isnan(ls.approval_rate) and math.isnan(ls.median_review_days)   # nothing decided yet
    assert (rh.approved, rh.approval_rate, rh.rejection_rate, rh.median_review_days) == (1, 1.0, 0.0, 5.0)
    assert ls["name"] == "困难残疾人生活补贴"


def test_review_time_is_a_median_of_working_days(con):
    row = queries.application_decisions(con, year=2019, by="all").iloc[0]
    assert (row.applications, row.approved, row.pending) == (2, 2, 0)
    assert row.median_review_days == (6 + 12) / 2


def test_channel_shares(con):
    got = queries.application_decisions(con, year=2020, by="channel").set_index("value")
    assert got["application_share"].to_dict() == {"proxy": 0.5, "window": 0.5}
    assert got.loc["window", "median_review_days"] == 5.0


def test_reporting_departments(con):
    got = queries.status_event_sources(con, year=2020)
    rows = got[["event", "source", "events", "persons", "event_share"]].values.tolist()
    assert rows == [["death", "公安", 1, 1, 1.0]]
    assert queries.status_event_sources(con, year=2019)["source"].tolist() == ["民政"]
    assert queries.status_event_sources(con, year=2020, town="东城街道").empty


def test_census_completion_is_a_kpi(con):
    row = queries.kpi_overview(con, year=2020).iloc[0]
    assert (row.certified_population, row.persons_surveyed, row.census_completion) == (4, 2, 0.5)
    west = queries.kpi_overview(con, year=2020, town="西湖镇").iloc[0]      # P004 surveyed, P005 refused
    assert (west.certified_population, west.persons_surveyed) == (2, 1)


def test_the_charts_show_the_same_numbers(con):
    L = charts.labels("zh")
    run = charts.direct_runner(con)
    d = charts.render("processing.decisions", Selection(year=2020), L, run=run)
    pending = next(t for t in d.chart.fig.data if t.name == L("decision.pending"))
    assert dict(zip(pending.y, pending.x)) == {"困难残疾人生活补贴": 1, "肢体康复训练": 0}
    assert "仍在审核中 1 件" in d.chart.summary
    c = charts.render("processing.channels", Selection(year=2020), L, run=run)
    assert sorted(c.chart.fig.data[0].x) == [0.5, 0.5]
    s = charts.render("gaps.event_sources", Selection(year=2020), L, run=run)
    assert s.chart.summary == "2020 年共 1 条状态变更，来自 1 个部门，其中公安占 100.0%。"
