"""支出 Spend: every program's spend, persons, 人次, average, tiers and cap use by group; benefit incidence."""
from __future__ import annotations

import streamlit as st

import queries
from dashboard import state, store, ui

L = state.labels()
sel = state.filters()
scope = ui.fmt_scope(sel, L)
ui.header(L("spend_title", year=sel.year), scope, L)

by_program = store.run(queries.spend_by_program, **sel.filters())
if by_program is None or by_program.empty or float(by_program["spend_yuan"].sum()) == 0:
    ui.empty(L, scope, payments=True)

shown = 0 if by_program is None else len(by_program)   # the programs of the chosen group, or the one program chosen
st.header(L("programs_header", n=shown), anchor=False)
cap_col = L("chart.cap_use_pct")  # the spend table's cap-use column, drawn as a bar
ui.chart("spend.programs", sel, L, table_inline=True,
         column_config={cap_col: st.column_config.ProgressColumn(cap_col, min_value=0, max_value=100, format="%.1f%%")})
ui.chart("spend.groups", sel, L)

ui.chart("spend.adequacy", sel, L)   # 保障水平: paid per person-month / the year's 低保 standard

st.header(L("tiers_header"), anchor=False)
st.caption(L("cap_use_help"))
ui.chart("spend.tiers", sel, L)

st.header(L("incidence_header"), anchor=False)
left, right = st.columns(2)
with left:
    ui.chart("spend.incidence_category", sel, L)
with right:
    ui.chart("spend.incidence_town", sel, L)
