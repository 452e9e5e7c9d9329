"""总览 Overview: headline KPIs with change on the previous year, monthly spend, towns ranked."""
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
ui.tiles(tiles, L, prev_year=sel.year - 1 if prev is not None else None)
st.caption(L("sql_source", files=f"`{kpis.SQL_FILE}`"))

left, right = st.columns([3, 2])
with left:
    ui.chart("overview.monthly_spend", sel, L)
with right:
    ui.chart("overview.towns", sel, L)

ui.chart("overview.trends", sel, L)        # every year of the data, the reform date marked
ui.chart("overview.gap_trends", sel, L)

ui.report_pack(sel, L)
