"""总览 Overview: headline KPIs with change on the previous year, monthly spend, towns ranked; from the person
tiles to the lists behind them (受益人数 → the spend page's persons paid, 覆盖 → the coverage page's paid)."""
from __future__ import annotations

import streamlit as st

from dashboard import state, store, ui
from publish import kpis

L = state.labels()
sel = state.filters()
scope = ui.fmt_scope(sel, L)
ui.header(L("overview_title", year=sel.year), scope, L)

years = store.years()
cur, prev = kpis.kpi_frames(store.run, sel.year, sel.filters(), years)
if cur is None or cur.empty or not (cur["payments"].iloc[0] or 0):
    ui.empty(L, scope, payments=True)
# the same tiles as the report's KPI page; the public edition hides small counts and their changes
tiles = kpis.kpi_tiles(cur, prev, L, public=state.public(), k=state.PUBLIC_K, short=True, run=store.run, sel=sel)


def to_list(page: str, key: str, choices: dict[str, str]) -> None:
    """A button under a tile: open `page` with `choices` set (its list's widgets) and its list in view."""
    if st.button(L(key), key=f"overview_{key}", type="tertiary", icon=":material/format_list_bulleted:"):
        st.session_state[ui.DRILLED] = "list"   # the page brings its list into view once
        state.switch_page(f"views/{page}.py", choices)


who = store.principal()
lists = {} if state.public() or not who.rights.lists else {
    # the persons kpi_overview's persons_paid counts: queries.paid_people, the spend page's list
    "persons_paid": lambda: to_list("spend", "to_paid_list", {}),
    # coverage's numerator persons_covered: queries.coverage_people(covered=True) for every grade
    "coverage": lambda: to_list("coverage", "to_covered_list", {"covered": "paid", "grade": ""}),
    # the certified population: coverage_people with covered=None, covered or not
    "certified_population": lambda: to_list("coverage", "to_certified_list", {"covered": "all", "grade": ""}),
}
ui.tiles(tiles, L, prev_year=sel.year - 1 if prev is not None else None, under=lists)
st.caption(L("sql_source", files=f"`{kpis.SQL_FILE}`"))

left, right = st.columns([3, 2])
with left:
    ui.chart("overview.monthly_spend", sel, L)
with right:
    ui.chart("overview.towns", sel, L)

ui.chart("overview.trends", sel, L)        # every year of the data, the reform date marked
ui.chart("overview.gap_trends", sel, L)

ui.report_pack(sel, L)
