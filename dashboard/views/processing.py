"""办理时效 Processing time: working days before/after reform, distribution, trips and materials, routes."""
from __future__ import annotations

import dataclasses

import streamlit as st

import vocab as i18n
from dashboard import state, store, ui
from vocab import t

lang = state.current_lang()
f = state.filters()
scope = ui.fmt_scope(f, lang)
ui.header(t("processing_title", lang, year=f.year), scope, lang)
st.caption(t("processing_help", lang))

savings = store.frame("reform_savings", f)
row = None if savings is None or savings.empty else savings.iloc[0]


def v(col):
    return None if row is None else row.get(col)


savings_sup = ui.publish("reform_savings", savings) if state.public() else None
cols = st.columns(4)
tiles = [
    (t("kpi_days_saved", lang), "working_days_saved_total", i18n.fmt_int(v("working_days_saved_total")), "help_days_saved"),
    (t("kpi_trips_saved", lang), "trips_saved_total", i18n.fmt_int(v("trips_saved_total")), "help_trips_saved"),
    (t("kpi_materials_saved", lang), "materials_saved_total", i18n.fmt_int(v("materials_saved_total")),
     "help_materials_saved"),
    (t("kpi_applications", lang), "applications", i18n.fmt_int(v("applications")), None),
]
for col, (label, api_col, value, help_key) in zip(cols, tiles):
    with col:
        ui.metric(label, ui.shown(savings_sup, api_col, value)[0], help=t(help_key, lang) if help_key else None,
                  lang=lang)
ui.filter_note(store.unsupported_filters("reform_savings", f), lang)
if row is None or not (v("applications") or 0):
    ui.empty(lang, scope)

# The reform is a date inside the data range: before/after comparisons need the applications of every
# year (a single year after the reform has no "before"). Town, category and group still apply.
years = store.years()
f_all = dataclasses.replace(f, year=None)
all_scope = ui.fmt_scope(f_all, lang)
st.subheader(t("processing_compare_header", lang))
st.caption(t("processing_all_years", lang, first=min(years), last=max(years)))
by_program = store.frame("processing_times", f_all, by="program")
ui.chart("processing.medians", [by_program], lang, scope=all_scope)

left, right = st.columns(2)
with left:
    ui.chart("processing.distribution", [store.duration_stats(f_all)], lang, scope=all_scope)
with right:
    ui.chart("processing.routes", [store.frame("processing_times", f_all, by="route")], lang, scope=all_scope)

# trips and materials are properties of the programs: only the program-group filter applies
st.subheader(t("processing_trips_header", lang))
programs = store.programs()
if f.program_group:
    programs = programs[programs["program_group"] == f.program_group]
left, right = st.columns(2)
with left:
    ui.chart("processing.trips", [programs], lang, year=f.year, scope=scope)
with right:
    ui.chart("processing.materials", [programs], lang, year=f.year, scope=scope)
