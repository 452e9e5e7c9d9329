"""普查缺口 Census gaps: every METRICS.md gap with persons, months and money; district → town → village
drill-down (a click on a gap's bar picks that gap and brings its list into view; a click on a town's bar
narrows the page to it); the list of people behind a gap, downloadable as Excel for follow-up visits: masked for
leadership and analysts, with full names and ID numbers for a caseworker's own area (both audited)."""
from __future__ import annotations

import dataclasses

import streamlit as st

import queries
from dashboard import state, store, ui
from publish import charts, kpis, tables

PEOPLE_ANCHOR = "gap-people"   # the list's header: a click on a gap's bar scrolls to it

L = state.labels()
sel = state.filters()
st.title(L("gaps_title", year=sel.year), anchor=False)

# page-level choice of gap, mirrored in the URL like the sidebar filters (the village is a sidebar filter)
c1, c2 = st.columns(2)
with c1:
    gap = state.url_select(L("gap"), list(L.gap_keys), key="gap", default=charts.gap_of(sel),
                           url_default=None, lang=L.lang, format_func=L.gap)
with c2:
    if not sel.town:
        st.caption(L("gap_drill_help"))
village = sel.village
sel = dataclasses.replace(sel, gap=gap)

scope = ui.fmt_scope(sel, L)
ui.scope_caption(scope, L)
st.caption(f"**{L.gap(gap)}**{L.colon()}{L.gap_definition(gap)}")

overview = ui.chart("gaps.overview", sel, L)
summary = overview.raw[0]
at = list(summary["gap"]).index(gap) if summary is not None and gap in set(summary["gap"]) else None
public = state.public()
for col, (label, api_col, fmt) in zip(st.columns(4), [
    ("persons", "persons", None), ("cases", "cases", None), ("months", "months", None),
    ("amount", "amount_yuan", L.money),
]):
    with col:
        value = (kpis.published_value(queries.census_gaps, summary, api_col, public=public, k=state.PUBLIC_K,
                                      row=at, run=store.run, sel=sel, **({"fmt": fmt} if fmt else {}))
                 if at is not None else "—")
        ui.metric(f"{L.gap(gap)} · {L(label)}", value, labels=L)

ui.chart("gaps.by_village" if sel.town else "gaps.by_town", sel, L)

who = store.principal()
st.header(L("people.header_full" if who.rights.unmasked else "gap_people_header"), anchor=PEOPLE_ANCHOR)
if st.session_state.pop(ui.DRILLED, None) == "gap":   # a click on a gap's bar: its list, brought into view
    if at is not None:
        st.caption(L("drill_to_list", gap=L.gap(gap), n=kpis.published_value(
            queries.census_gaps, summary, "persons", public=public, k=state.PUBLIC_K, row=at, run=store.run, sel=sel)))
    ui.scroll_to(PEOPLE_ANCHOR)


def people_list() -> None:
    """The list behind the gap (not for the public edition or a role without lists), audited."""
    people = store.run(queries.gap_people, gap=gap, year=sel.year, town=sel.town, village=village,
                       category=sel.category)
    if people is None or people.empty:
        ui.empty(L, f"{L.gap(gap)} · {scope}")
        return
    sheet = L.gap(gap).replace("/", "-")
    file_name = f"gap_{gap}_{sel.year}{'_' + sel.town if sel.town else ''}{'_' + village if village else ''}.xlsx"
    ui.person_list(people, lambda rows, full: tables.gap_people_table(rows, store.programs(), L, full=full), L,
                   page="gaps", what=f"gap_people:{gap}", filters={**sel.filters(), "year": sel.year, "gap": gap},
                   count="gap_people_count", file_name=file_name, sheet=sheet,
                   meta={L("gap"): f"{L.gap(gap)} ({gap})", L("scope"): scope, L("definition"): L.gap_definition(gap)},
                   key="gap_people")


if public or not who.rights.lists:
    st.info(L("public_no_list"), icon=":material/visibility_off:")
else:
    people_list()

st.header(L("event_sources_header"), anchor=False)
ui.chart("gaps.event_sources", sel, L)   # 不早也不晚: who reports the deaths, 低保 changes and certificates
