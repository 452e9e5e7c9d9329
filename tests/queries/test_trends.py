"""Trends over every year (queries.kpi_trends, queries.gap_trends) on the tiny hand-typed district
(tests/contract_fixtures.py, real loader), and their small multiples (publish.figures_trends).

Payments of the district by period year (worked out from contract_fixtures.district()):
- 2019: none.
- 2020: LS 285 + 285 + 285.00 (P001), NS 270 + 270 (P001), RH 5999.5 (P004), NS 135 (P004, 2020-09, after
  the death of 2020-08-20), AD 1200.25 (P005) → 8,729.75 yuan; 人次 = (P001, LS), (P001, NS), (P004, RH),
  (P004, NS), (P005, AD) = 5.
- 2021: NS 270 + 270 (P002) → 540 yuan; 人次 1.
"""
from __future__ import annotations

import pandas as pd
import pytest

import queries
from publish import charts, figures_trends
from publish.charts import Selection
from subsidy.build import build_database
from tests.contract_fixtures import write_district


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    root = tmp_path_factory.mktemp("trends")
    build_database(write_district(root / "src"), root / "subsidy.duckdb")
    c = queries.connect(root / "subsidy.duckdb")
    yield c
    c.close()


def test_kpi_trends_by_hand(con):
    got = queries.kpi_trends(con).set_index("year")
    assert got.index.tolist() == [2019, 2020, 2021]
    assert got["spend_yuan"].tolist() == pytest.approx([0, 8729.75, 540])
    assert got["person_times"].tolist() == [0, 5, 1]
    east = queries.kpi_trends(con, town="东城街道").set_index("year")
    assert east["spend_yuan"].tolist() == pytest.approx([0, 855 + 540, 540])


def test_each_trend_point_is_that_years_overview(con):
    for kw in ({}, {"town": "西湖镇"}, {"category": "肢体"}):
        got = queries.kpi_trends(con, **kw)
        for _, row in got.iterrows():
            want = queries.kpi_overview(con, year=int(row["year"]), **kw).iloc[0]
            pd.testing.assert_series_equal(row, want, check_names=False)


def test_gap_trends_by_hand(con):
    got = queries.gap_trends(con)
    assert sorted(got["year"].unique()) == [2019, 2020, 2021]
    assert len(got) == 3 * len(queries.GAP_KEYS)
    death = got[got["gap"] == "paid_after_death"].set_index("year")
    assert death["persons"].tolist() == [0, 1, 0]           # P004's 2020-09 payment
    assert death.loc[2020, "amount_yuan"] == 135


def test_the_chart_marks_the_reform_and_the_year(con):
    r = charts.render("overview.trends", Selection(year=2020), charts.labels("zh"), run=charts.direct_runner(con))
    # the catalog's reform date (LS and NS: 2020-01-01) as a dashed line on each of the four panels
    lines = [s for s in r.chart.fig.layout.shapes if s.line.dash == "dash"]
    assert len(lines) == 4 and {s.x0 for s in lines} == {2020.0}
    spend = r.chart.fig.data[0]
    assert list(spend.x) == [2019, 2020, 2021] and list(spend.marker.size) == [8, 13, 8]
    assert spend.y[1] == pytest.approx(0.872975)            # 万元
    assert r.dropped == ["year"] and r.spec.scope_note == "trends_all_years"


def test_reform_date_is_the_most_common():
    frame = pd.DataFrame({"reform_date": ["2020-04-01", "2020-04-01", "2020-06-01", None]})
    assert str(figures_trends.reform_date(frame)) == "2020-04-01"
    assert figures_trends.reform_date(pd.DataFrame({"reform_date": [None]})) is None
