"""普查缺口 Census gaps: every METRICS.md gap with persons, months and money; district → town → village
drill-down; the masked list of people behind a gap, downloadable as Excel for follow-up visits."""
from __future__ import annotations

import datetime as dt

import streamlit as st

from publish import tables
import vocab as i18n
from dashboard import state, store, ui
from vocab import t

MAX_ROWS_SHOWN = 2000

lang = state.current_lang()
f = state.filters()
st.title(t("gaps_title", lang, year=f.year))

# page-level drill-down, mirrored in the URL like the sidebar filters
c1, c2 = st.columns(2)
with c1:
    gap = state.url_select(t("gap", lang), list(i18n.GAP_KEYS), key="gap", default="not_surveyed",
                           url_default=None, lang=lang, format_func=lambda g: i18n.gap_label(g, lang))
village = None
with c2:
    if f.town:
        village = state.url_select(t("village", lang), [state.ALL, *store.villages(f.town)], key="village",
                                   default=state.ALL, url_default=state.ALL, lang=lang,
                                   format_func=lambda v: t("all", lang) if v == state.ALL else v) or None
    else:
        st.caption(t("gap_drill_help", lang))

scope = ui.fmt_scope(f, lang, village=village)
st.caption(f"{t('scope', lang)}{'：' if lang == 'zh' else ': '}{scope}")
st.caption(f"**{i18n.gap_label(gap, lang)}**{'：' if lang == 'zh' else ': '}{i18n.gap_help(gap, lang)}")

summary = store.fetch("census_gaps", year=f.year, town=f.town, village=village, category=f.category)
ui.chart("gaps.overview", [summary], lang, year=f.year, scope=scope,
         dropped=store.unsupported_filters("census_gaps", f))

row = summary.set_index("gap").loc[gap] if summary is not None and gap in set(summary["gap"]) else None
summary_sup = ui.publish("census_gaps", summary) if state.public() else None
at = None if row is None else list(summary["gap"]).index(gap)
cols = st.columns(4)
for col, (label, api_col, value) in zip(cols, [
    (t("persons", lang), "persons", i18n.fmt_int(None if row is None else row["persons"])),
    (t("cases", lang), "cases", i18n.fmt_int(None if row is None else row["cases"])),
    (t("months", lang), "months", i18n.fmt_int(None if row is None else row["months"])),
    (t("amount", lang), "amount_yuan", i18n.fmt_money(None if row is None else row["amount_yuan"], lang)),
]):
    with col:
        shown = value if at is None else ui.shown(summary_sup, api_col, value, row=at)[0]
        ui.metric(f"{i18n.gap_label(gap, lang)} · {label}", shown, lang=lang)

level = "village" if f.town else "town"
people = store.fetch("gap_people", gap=gap, year=f.year, town=f.town, village=village, category=f.category)
if f.category:
    # census_gaps_by_area has no category filter: count the same cases from gap_people instead
    by_area = tables.gap_area_counts(people, level)
else:
    by_area = store.fetch("census_gaps_by_area", year=f.year, level=level, town=f.town, gap=gap)
ui.chart(f"gaps.by_{level}", [by_area], lang, year=f.year, scope=scope)

st.subheader(t("gap_people_header", lang))
if state.public():
    st.info(t("public_no_list", lang), icon=":material/visibility_off:")
elif people is None or people.empty:
    ui.empty(lang, f"{i18n.gap_label(gap, lang)} · {scope}")
else:
    table = tables.gap_people_table(people, store.programs(), lang)
    st.markdown(t("gap_people_count", lang, n=i18n.fmt_int(len(people)), p=i18n.fmt_int(people["person_id"].nunique())))
    if len(table) > MAX_ROWS_SHOWN:
        st.caption(t("gap_list_truncated", lang, n=i18n.fmt_int(MAX_ROWS_SHOWN)))
    st.dataframe(table.head(MAX_ROWS_SHOWN), hide_index=True, key="gap_people_table")
    meta = {t("gap", lang): f"{i18n.gap_label(gap, lang)} ({gap})", t("scope", lang): scope,
            "definition": i18n.gap_help(gap, lang), "generated": dt.datetime.now().isoformat(timespec="seconds")}
    sheet = i18n.gap_label(gap, lang).replace("/", "-")
    st.download_button(
        t("download_xlsx", lang), data=lambda: tables.to_xlsx({sheet: table}, meta),
        file_name=f"gap_{gap}_{f.year}{'_' + f.town if f.town else ''}{'_' + village if village else ''}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="gap_people_xlsx",
        icon=":material/download:", on_click="ignore",
    )
