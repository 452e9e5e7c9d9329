"""Village as a sidebar filter (issue 14): once a town is chosen the sidebar offers its villages; every page
and chart whose API takes a village follows it, the URL carries it, and a chart that cannot says so."""
from __future__ import annotations

import pytest
from apptest import run_app

import queries
import vocab
from publish import charts

pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def _db_env(demo_env):
    """The demo database (conftest.py)."""


def test_the_overview_follows_a_village_from_the_url(con):
    year = max(queries.years(con))
    town = queries.towns(con)[0]
    village = queries.villages(con, town=town)[0]
    at = run_app(year=year, town=town, village=village)
    assert not at.exception, [e.message for e in at.exception]
    assert at.selectbox(key="village").value == village
    assert at.selectbox(key="village").options[1:] == queries.villages(con, town=town)
    k = queries.kpi_overview(con, year=year, town=town, village=village).iloc[0]
    tiles = {m.label: m.value for m in at.metric}
    assert tiles[vocab.t("kpi_persons")] == vocab.fmt_int(k.persons_paid)
    assert at.query_params["village"] in (village, [village])   # the URL the run wrote back


def test_no_village_without_a_town(con):
    at = run_app(year=max(queries.years(con)), village="一村")
    assert not at.exception
    assert not [s for s in at.selectbox if s.key == "village"]


def test_the_gaps_list_follows_the_sidebar_village(con):
    year = max(queries.years(con)) - 1
    town = queries.towns(con)[0]
    village = queries.villages(con, town=town)[0]
    at = run_app("gaps", year=year, town=town, village=village, gap="not_surveyed")
    assert not at.exception, [e.message for e in at.exception]
    want = queries.census_gaps(con, year=year, town=town, village=village).set_index("gap").loc["not_surveyed"]
    L = charts.labels("zh")
    shown = [m.value for m in at.metric if m.label == f"{L.gap('not_surveyed')} · {L('persons')}"]
    assert shown and shown[0] == vocab.fmt_int(want.persons)
