"""覆盖 Coverage: by category × grade, town, sex and age band; two subsidies' targeting errors; priority children."""
from __future__ import annotations

import streamlit as st

from dashboard import state, store, ui
from vocab import t

lang = state.current_lang()
f = state.filters()
scope = ui.fmt_scope(f, lang)
ui.header(t("coverage_title", lang, year=f.year), scope, lang)
st.caption(t("coverage_help", lang))


def draw(chart_id: str, fn: str, **extra):
    ui.chart(chart_id, [store.frame(fn, f, **extra)], lang, year=f.year, scope=scope,
             dropped=store.unsupported_filters(fn, f))


draw("coverage.heatmap", "coverage_by_category")
left, right = st.columns(2)
with left:
    draw("coverage.town", "coverage_by", by="town")
with right:
    draw("coverage.sex", "coverage_by", by="sex")
    draw("coverage.age_band", "coverage_by", by="age_band")

st.subheader(t("targeting_header", lang))
st.caption(t("targeting_help", lang))
draw("coverage.targeting", "targeting_errors")

st.subheader(t("priority_header", lang))
draw("coverage.priority_children", "priority_children")
