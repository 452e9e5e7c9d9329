"""支出 Spend: every program's spend, persons, 人次, average, tiers and cap use by group; benefit incidence."""
from __future__ import annotations

import streamlit as st

from dashboard import state, store, ui
from vocab import t

lang = state.current_lang()
f = state.filters()
scope = ui.fmt_scope(f, lang)
ui.header(t("spend_title", lang, year=f.year), scope, lang)

by_program = store.frame("spend_by_program", f)
dropped = store.unsupported_filters("spend_by_program", f)
if by_program is None or by_program.empty or float(by_program["spend_yuan"].sum()) == 0:
    ui.empty(lang, scope, payments=True)

st.subheader(t("programs_header", lang))
cap_col = "封顶使用率 %" if lang == "zh" else "Cap use %"
ui.chart("spend.programs", [by_program], lang, year=f.year, scope=scope, dropped=dropped, table_inline=True,
         column_config={cap_col: st.column_config.ProgressColumn(cap_col, min_value=0, max_value=100, format="%.1f%%")})
ui.chart("spend.groups", [by_program], lang, year=f.year, scope=scope, dropped=dropped)

st.subheader(t("tiers_header", lang))
st.caption(t("cap_use_help", lang))
ui.chart("spend.tiers", [store.frame("spend_by_tier", f), store.programs()], lang, year=f.year, scope=scope,
         dropped=store.unsupported_filters("spend_by_tier", f))

st.subheader(t("incidence_header", lang))
left, right = st.columns(2)
with left:
    ui.chart("spend.incidence_category", [store.frame("benefit_incidence", f, by="category")], lang, year=f.year,
             scope=scope, dropped=store.unsupported_filters("benefit_incidence", f))
with right:
    ui.chart("spend.incidence_town", [store.frame("benefit_incidence", f, by="town")], lang, year=f.year,
             scope=scope, dropped=store.unsupported_filters("benefit_incidence", f))
