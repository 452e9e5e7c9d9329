"""办理时效 Processing time: working days before/after reform, distribution, trips and materials, routes."""
from __future__ import annotations

import streamlit as st

from dashboard import data, i18n, state, ui
from dashboard.i18n import t

lang = state.current_lang()
f = state.filters()
scope = ui.fmt_scope(f, lang)
ui.header(t("processing_title", lang, year=f.year), scope, lang)
st.caption(t("processing_help", lang))

savings = data.frame("reform_savings", f)
row = None if savings is None or savings.empty else savings.iloc[0]


def v(col):
    return None if row is None else row.get(col)


cols = st.columns(4)
tiles = [
    (t("kpi_days_saved", lang), i18n.fmt_int(v("working_days_saved_total")), "help_days_saved"),
    (t("kpi_trips_saved", lang), i18n.fmt_int(v("trips_saved_total")), "help_trips_saved"),
    (t("kpi_materials_saved", lang), i18n.fmt_int(v("materials_saved_total")), "help_materials_saved"),
    (t("kpi_applications", lang), i18n.fmt_int(v("applications")), None),
]
for col, (label, value, help_key) in zip(cols, tiles):
    with col:
        ui.metric(label, value, help=t(help_key, lang) if help_key else None, lang=lang)
ui.filter_note(data.unsupported_filters("reform_savings", f), lang)
if row is None or not (v("applications") or 0):
    ui.empty(lang, scope)

by_program = data.frame("processing_times", f, by="program")
prog_dropped = data.unsupported_filters("processing_times", f)
ui.chart("processing.medians", [by_program], lang, year=f.year, scope=scope, dropped=prog_dropped)

left, right = st.columns(2)
with left:
    ui.chart("processing.distribution", [data.frame("application_durations", f)], lang, year=f.year, scope=scope,
             dropped=data.unsupported_filters("application_durations", f))
with right:
    ui.chart("processing.routes", [data.frame("processing_times", f, by="route")], lang, year=f.year, scope=scope,
             dropped=prog_dropped)

# trips and materials are properties of the programs: only the program-group filter applies
programs = data.programs()
if f.program_group:
    programs = programs[programs["program_group"] == f.program_group]
left, right = st.columns(2)
with left:
    ui.chart("processing.trips", [programs], lang, year=f.year, scope=scope)
with right:
    ui.chart("processing.materials", [programs], lang, year=f.year, scope=scope)
