"""覆盖 Coverage: by category × grade, town, sex and age band; two subsidies' targeting errors; priority children."""
from __future__ import annotations

import streamlit as st

from dashboard import state, ui

L = state.labels()
sel = state.filters()
ui.header(L("coverage_title", year=sel.year), ui.fmt_scope(sel, L), L)
st.caption(L("coverage_help"))

ui.chart("coverage.heatmap", sel, L)
left, right = st.columns(2)
with left:
    ui.chart("coverage.town", sel, L)
with right:
    ui.chart("coverage.sex", sel, L)
    ui.chart("coverage.age_band", sel, L)

st.header(L("targeting_header"), anchor=False)
st.caption(L("targeting_help"))
ui.chart("coverage.targeting", sel, L)

st.header(L("priority_header"), anchor=False)
ui.chart("coverage.priority_children", sel, L)

st.header(L("flows_header"), anchor=False)
st.caption(L("flows_help"))
ui.chart("coverage.flows", sel, L)   # last year → this year, by reason
