"""The charts the dashboard keeps between sessions (dashboard/store.py `rendered`), on the demo database in a
real Streamlit script run (AppTest): a chart is built once per (chart, selection, language, edition, database
version, scope) and the next session of the same scope gets that very object; a town caseworker and a
leader asking for the same selection get one each, and the caseworker's is the own town's numbers (the
API's for that town), whatever the selection asked for. The server's DuckDB memory is capped.
"""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

import queries

pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def _db_env(demo_env):
    """The script runs on the demo database."""


def _script() -> None:
    import streamlit as st

    from access import Principal
    from dashboard import store
    from publish import charts

    year, mine, other = st.session_state["case"]
    labels = charts.labels("zh")
    kept = {}
    for name, p in (("worker", Principal(1, "w1", "town_caseworker", town=mine)),
                    ("worker2", Principal(2, "w2", "town_caseworker", town=mine)),
                    ("other_worker", Principal(3, "w3", "town_caseworker", town=other)),
                    ("leader", Principal(4, "l1", "leader")),
                    ("leader2", Principal(5, "l2", "leader"))):
        st.session_state[store.PRINCIPAL_KEY] = p
        # the caseworker's sidebar shows the own town; the leader's asks for the same town
        sel = charts.Selection(year=year, town=mine if name != "other_worker" else other)
        kept[name] = store.rendered("overview.monthly_spend", sel, labels, public=False, k=5)
        kept[name + "_district"] = store.rendered("overview.monthly_spend", charts.Selection(year=year), labels,
                                                  public=False, k=5) if name.startswith("leader") else None
    st.session_state["kept"] = kept
    limit = store.connection().execute("select current_setting('memory_limit')").fetchone()[0]
    st.session_state["memory_limit"] = limit


def test_one_build_per_scope_and_never_another_scopes(con):
    year = max(queries.years(con))
    mine, other = queries.towns(con)[:2]
    at = AppTest.from_function(_script, default_timeout=120)
    at.session_state["case"] = (year, mine, other)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    kept = at.session_state["kept"]
    # the same scope: the very object built for the first session
    assert kept["worker2"] is kept["worker"]
    assert kept["leader2"] is kept["leader"]
    assert kept["leader2_district"] is kept["leader_district"]
    # another scope: its own, even for the same selection
    assert kept["leader"] is not kept["worker"]
    assert kept["other_worker"] is not kept["worker"]
    # and each is its own area's numbers, as the API gives them
    spend = lambda r: round(float(r.raw[0]["spend_yuan"].sum()), 2)  # noqa: E731
    assert spend(kept["worker"]) == round(float(queries.monthly_spend(con, year=year, town=mine)["spend_yuan"].sum()),
                                          2)
    assert spend(kept["other_worker"]) == round(float(
        queries.monthly_spend(con, year=year, town=other)["spend_yuan"].sum()), 2)
    assert spend(kept["leader_district"]) == round(float(queries.monthly_spend(con, year=year)["spend_yuan"].sum()), 2)
    assert spend(kept["worker"]) != spend(kept["other_worker"])
    assert spend(kept["worker"]) < spend(kept["leader_district"])


def test_the_servers_duckdb_is_capped(con):
    """The server's connection caps DuckDB's memory (store.MEMORY_LIMIT, 500 MB = 476.8 MiB; DuckDB's own
    default is 80 % of the machine)."""
    year = max(queries.years(con))
    at = AppTest.from_function(_script, default_timeout=120)
    at.session_state["case"] = (year, *queries.towns(con)[:2])
    at.run()
    assert at.session_state["memory_limit"] == "476.8 MiB"
