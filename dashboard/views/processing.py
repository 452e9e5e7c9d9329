"""办理时效 Processing time: working days before/after reform, distribution, trips and materials, routes."""
from __future__ import annotations

import streamlit as st

import queries
import vocab
from dashboard import state, store, ui
from publish import kpis

L = state.labels()
sel = state.filters()
scope = ui.fmt_scope(sel, L)
ui.header(L("processing_title", year=sel.year), scope, L)
st.caption(L("processing_help"))

savings = store.run(queries.reform_savings, **sel.filters())
row = None if savings is None or savings.empty else savings.iloc[0]
public = state.public()
for col, (label, api_col, help_key) in zip(st.columns(4), [
    ("kpi_days_saved", "working_days_saved_total", "help_days_saved"),
    ("kpi_trips_saved", "trips_saved_total", "help_trips_saved"),
    ("kpi_materials_saved", "materials_saved_total", "help_materials_saved"),
    ("kpi_applications", "applications", None),
]):
    with col:
        value = kpis.published_value(queries.reform_savings, savings, api_col, public=public, k=state.PUBLIC_K,
                                     run=store.run, sel=sel)
        ui.metric(L(label), value, help=L(help_key) if help_key else None, labels=L)
if row is None or not (row.get("applications") or 0):
    ui.empty(L, scope)

# The reform is a date inside the data range: the before/after comparison uses every year (the charts'
# registry entries say so and name the year filter as not followed); town, category and group still apply.
st.header(L("processing_compare_header"), anchor=False)
ui.chart("processing.medians", sel, L)
left, right = st.columns(2)
with left:
    ui.chart("processing.distribution", sel, L)
with right:
    ui.chart("processing.routes", sel, L)

# decisions on the applications submitted in the year (approval, review time, the pending backlog), channels
st.header(L("decisions_header"), anchor=False)
st.caption(L("decisions_help"))
decided = store.run(queries.application_decisions, **sel.filters(), by="all")
for col, (label, api_col, fmt) in zip(st.columns(3), [
    ("kpi_approval_rate", "approval_rate", vocab.fmt_pct),
    ("kpi_review_days", "median_review_days", lambda v: L.days(v, short=True)),
    ("kpi_pending", "pending", vocab.fmt_int),
]):
    with col:
        ui.metric(L(label), kpis.published_value(queries.application_decisions, decided, api_col, public=public,
                                                 k=state.PUBLIC_K, fmt=fmt), labels=L)
left, right = st.columns([3, 2])
with left:
    ui.chart("processing.decisions", sel, L)
with right:
    ui.chart("processing.channels", sel, L)

# trips and materials are properties of the programs: only the program-group filter applies
st.header(L("processing_trips_header"), anchor=False)
left, right = st.columns(2)
with left:
    ui.chart("processing.trips", sel, L)
with right:
    ui.chart("processing.materials", sel, L)
