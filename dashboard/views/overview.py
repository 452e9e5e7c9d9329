"""总览 Overview: headline KPIs with change on the previous year, monthly spend, towns ranked."""
from __future__ import annotations

import streamlit as st

import vocab as i18n
from dashboard import state, store, ui
from vocab import t

lang = state.current_lang()
f = state.filters()
scope = ui.fmt_scope(f, lang)
ui.header(t("overview_title", lang, year=f.year), scope, lang)

cur = store.kpi(f)
prev_year = f.year - 1 if f.year is not None and f.year - 1 in store.years() else None
prev = store.kpi(store.Filters(prev_year, f.town, f.category, f.program_group)) if prev_year else None


def val(row, col):
    return None if row is None else row.get(col)


def delta(col, kind="int"):
    if prev is None:
        return None
    return i18n.fmt_delta(val(cur, col), val(prev, col), kind, lang)


if cur is None or not (val(cur, "payments") or 0):
    ui.empty(lang, scope, payments=True)

# the public edition hides person counts below k (and what is derived from them) in the tiles too
kpi_sup = ui.publish("kpi_overview", store.frame("kpi_overview", f)) if state.public() else None
# ...and the change on the previous year when that year's count is hidden: 7 shown with "+4" would reveal 3
prev_sup = (ui.publish("kpi_overview", store.frame("kpi_overview", store.Filters(prev_year, f.town, f.category,
                                                                                 f.program_group)))
            if state.public() and prev_year else None)
programs_text = f"{i18n.fmt_int(val(cur, 'programs_paid'))} / {i18n.fmt_int(val(cur, 'programs_total'))}"
tiles = [  # (label, API column, value, change, help key, decrease is good)
    (t("kpi_spend", lang), "spend_yuan", i18n.fmt_money(val(cur, "spend_yuan"), lang, short=True),
     delta("spend_yuan", "money"), "help_spend", False),
    (t("kpi_person_times", lang), "person_times", i18n.fmt_int(val(cur, "person_times")), delta("person_times"),
     "help_person_times", False),
    (t("kpi_persons", lang), "persons_paid", i18n.fmt_int(val(cur, "persons_paid")), delta("persons_paid"),
     "help_persons", False),
    (t("kpi_programs", lang), "programs_paid", programs_text, delta("programs_paid"), "help_programs", False),
    (t("kpi_certified", lang), "certified_population", i18n.fmt_int(val(cur, "certified_population")),
     delta("certified_population"), "help_certified", False),
    (t("kpi_coverage", lang), "coverage", i18n.fmt_pct(val(cur, "coverage")), delta("coverage", "pct"),
     "help_coverage", False),
    (t("kpi_median_days", lang), "median_processing_days",
     i18n.fmt_days(val(cur, "median_processing_days"), lang, short=True), delta("median_processing_days", "days"),
     "help_median_days", True),
    (t("kpi_zero_trip", lang), "zero_trip_share", i18n.fmt_pct(val(cur, "zero_trip_share")),
     delta("zero_trip_share", "pct"), "help_zero_trip", False),
]
for row in (tiles[:4], tiles[4:]):
    for col, (label, api_col, value, d, help_key, inverse) in zip(st.columns(4), row):
        with col:
            value, hidden = ui.shown(kpi_sup, api_col, value)
            prev_hidden = ui.shown(prev_sup, api_col, "")[1]
            help_text = t(help_key, lang)
            if help_key == "help_spend" and not hidden:  # the tile rounds; the tooltip gives the exact amount
                help_text += f" {'精确值' if lang == 'zh' else 'Exact'}: {i18n.fmt_yuan_exact(val(cur, 'spend_yuan'), lang)}"
            ui.metric(label, value, None if hidden or prev_hidden else d, help=help_text, inverse=inverse, prev_year=prev_year,
                      lang=lang)

left, right = st.columns([3, 2])
with left:
    ui.chart("overview.monthly_spend", [store.frame("monthly_spend", f)], lang, year=f.year, scope=scope,
             dropped=store.unsupported_filters("monthly_spend", f))
with right:
    ui.chart("overview.towns", [store.frame("benefit_incidence", f, by="town")], lang, year=f.year, scope=scope,
             dropped=store.unsupported_filters("benefit_incidence", f))

ui.report_pack(f, lang)
