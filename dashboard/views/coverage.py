"""覆盖 Coverage: by category × grade, town, sex and age band; the persons behind a cell (a click on a heatmap
cell or a town's bar picks it and brings its list into view: masked for leadership and analysts, full
identities of a caseworker's own area, audited); two subsidies' targeting errors; priority children; the flows in
and out of the monthly programs and the persons behind them."""
from __future__ import annotations

import streamlit as st

import queries
import vocab
from dashboard import state, store, ui
from publish import tables

PEOPLE_ANCHOR = "coverage-people"   # the list's header: a click on a cell or a town's bar scrolls to it
# which persons of the cell: queries.coverage_people(covered=…); all = the certified population
LISTS = {"not_covered": False, "paid": True, "all": None}
PRIORITY_LISTS = ("all", "paid", "not_paid")   # which children of the group: priority_children_people(paid=…)
GRADES = ("", "1", "2", "3", "4")   # the list's grade ("" = all), set by a click on a heatmap cell

L = state.labels()
sel = state.filters()
scope = ui.fmt_scope(sel, L)
ui.header(L("coverage_title", year=sel.year), scope, L)
st.caption(L("coverage_help"))

ui.chart("coverage.heatmap", sel, L)
left, right = st.columns(2)
with left:
    ui.chart("coverage.town", sel, L)
with right:
    ui.chart("coverage.sex", sel, L)
    ui.chart("coverage.age_band", sel, L)


def coverage_list() -> None:
    """The persons paid or not yet covered of the selection and grade, audited (ui.person_list)."""
    c1, c2 = st.columns(2)
    with c1:
        which = state.url_select(L("coverage_list"), LISTS, key="covered", default="not_covered",
                                 url_default="not_covered",
                                 lang=L.lang, format_func=lambda v: L(f"coverage_list.{v}"))
    with c2:
        grade = state.url_select(L("grade"), GRADES, key="grade", default="", url_default="", lang=L.lang,
                                 format_func=lambda g: L.code("grade", int(g)) if g else L("all"))
    if st.session_state.get(ui.DRILLED) == "list":   # the overview's 覆盖 tile: this list, in view
        ui.scroll_to(PEOPLE_ANCHOR)
    if st.session_state.get(ui.DRILLED) in ("category", "town"):   # a click above: the cell's counts, its list
        counts = store.run(queries.coverage_by_category, **sel.filters())
        if grade:
            counts = counts[counts["grade"] == int(grade)]
        paid = int(counts["persons_paid"].sum())
        cell = " ".join(x for x in (sel.town, sel.village, sel.category and L.code("category", sel.category),
                                    grade and L.code("grade", int(grade))) if x)
        st.caption(L("coverage_drill_to_list", cell=ui.md(cell), paid=f"{paid:,}",
                     unpaid=f"{int(counts['certified_population'].sum()) - paid:,}"))
        ui.scroll_to(PEOPLE_ANCHOR)
    rows = store.run(queries.coverage_people, year=sel.year, covered=LISTS[which], grade=grade or None,
                     town=sel.town, village=sel.village, category=sel.category, program=sel.program,
                     program_group=sel.program_group)
    what = L(f"coverage_list.{which}")
    if rows is None or rows.empty:
        ui.empty(L, f"{what} · {scope}")
        return
    area = "".join(f"_{x}" for x in (sel.town, sel.village, sel.category, grade and f"g{grade}") if x)
    ui.person_list(rows, lambda r, full: tables.coverage_people_table(r, store.programs(), L, full=full), L,
                   page="coverage", what=f"coverage_people:{which}",
                   filters={**sel.filters(), "year": sel.year, "covered": which, "grade": grade or None},
                   count="coverage_people_count", file_name=f"coverage_{which}_{sel.year}{area}.xlsx", sheet=what,
                   meta={L("coverage_list"): what, L("scope"): scope, L("grade"): L.code("grade", int(grade))
                         if grade else L("all"), L("definition"): L("coverage_help")},
                   key="coverage_people")


who = store.principal()
st.header(L("coverage_people_header_full" if who.rights.unmasked else "coverage_people_header"),
          anchor=PEOPLE_ANCHOR)
st.caption(L("coverage_people_help"))
if state.public() or not who.rights.lists:
    st.info(L("public_no_list"), icon=":material/visibility_off:")
else:
    coverage_list()

st.header(L("targeting_header"), anchor=False)
st.caption(L("targeting_help"))
ui.chart("coverage.targeting", sel, L)

st.header(L("priority_header"), anchor=False)
ui.chart("coverage.priority_children", sel, L)


def priority_list() -> None:
    """The children of the chosen priority group, paid or not (queries.priority_children_people), audited."""
    c1, c2 = st.columns(2)
    with c1:
        group = state.url_select(L("people.priority_group"), queries.PRIORITY_GROUPS, key="pgroup",
                                 default=queries.PRIORITY_GROUPS[0], url_default=queries.PRIORITY_GROUPS[0],
                                 lang=L.lang, format_func=lambda g: L.code("priority", g))
    with c2:
        which = state.url_select(L("coverage_list"), PRIORITY_LISTS, key="ppaid", default="all", url_default="all",
                                 lang=L.lang, format_func=lambda v: L(f"priority_list.{v}"))
    paid = {"all": None, "paid": True, "not_paid": False}[which]
    rows = store.run(queries.priority_children_people, year=sel.year, group=group, paid=paid, town=sel.town,
                     village=sel.village, category=sel.category, program=sel.program, program_group=sel.program_group)
    what = f"{L.code('priority', group)} · {L(f'priority_list.{which}')}"
    if rows is None or rows.empty:
        ui.empty(L, f"{what} · {scope}")
        return
    area = "".join(f"_{x}" for x in (sel.town, sel.village, sel.category) if x)
    ui.person_list(rows, lambda r, full: tables.priority_children_table(r, store.programs(), L, full=full), L,
                   page="coverage", what=f"priority_children_people:{group}:{which}",
                   filters={**sel.filters(), "year": sel.year, "group": group, "paid": which},
                   count="coverage_people_count", file_name=f"priority_{group}_{which}_{sel.year}{area}.xlsx",
                   sheet=L("priority_people_header"), meta={L("people.priority_group"): what, L("scope"): scope,
                                                            L("definition"): L("priority_people_help")},
                   key="priority_people")


st.subheader(L("priority_people_header_full" if who.rights.unmasked else "priority_people_header"), anchor=False)
st.caption(L("priority_people_help"))
if state.public() or not who.rights.lists:
    st.info(L("public_no_list"), icon=":material/visibility_off:")
else:
    priority_list()

st.header(L("flows_header"), anchor=False)
st.caption(L("flows_help"))
ui.chart("coverage.flows", sel, L)   # last year → this year, by reason

FLOW_LISTS = ("", *queries.FLOWS)   # which persons of the program: flow_people(flow=…); "" = every flow


def flow_list() -> None:
    """The persons behind the chart's flows of one program, of one flow or all (queries.flow_people), audited."""
    counts = store.run(queries.program_flows, year=sel.year, town=sel.town, village=sel.village,
                       category=sel.category, program=sel.program)
    shown = list(dict.fromkeys(counts["program_id"])) if counts is not None else []
    if not shown:   # the first year of the data, or no monthly program under the filters: nothing to list
        ui.empty(L, scope)
        return
    catalog = store.programs()
    names = dict(zip(catalog["program_id"], L.programs(catalog)))
    c1, c2 = st.columns(2)
    with c1:
        program = state.url_select(L("program"), shown, key="fprogram", default=shown[0], url_default=shown[0],
                                   lang=L.lang, format_func=lambda p: names.get(p, p))
    own = counts[counts["program_id"] == program]   # the chart's persons of each flow: shown with the choice
    with c2:
        flow = state.url_select(
            L.column("flow"), FLOW_LISTS, key="fflow", default="", url_default="", lang=L.lang,
            format_func=lambda f: L("choice_n", what=L(f"flow.{f}") if f else L("all"), n=vocab.fmt_int(
                own.loc[own["flow"] == f, "persons"].sum() if f else own["persons"].sum())))
    rows = store.run(queries.flow_people, year=sel.year, program=program, flow=flow or None, town=sel.town,
                     village=sel.village, category=sel.category)
    what = f"{names.get(program, program)} · {L(f'flow.{flow}') if flow else L('all')}"
    if rows is None or rows.empty:
        ui.empty(L, f"{what} · {scope}")
        return
    area = "".join(f"_{x}" for x in (sel.town, sel.village, sel.category) if x)
    ui.person_list(rows, lambda r, full: tables.flow_people_table(r, catalog, L, full=full), L,
                   page="coverage", what=f"flow_people:{program}:{flow or 'all'}",
                   filters={**sel.filters(), "year": sel.year, "program": program, "flow": flow or None},
                   count="flow_people_count", file_name=f"flows_{program}_{flow or 'all'}_{sel.year}{area}.xlsx",
                   sheet=L("flow_people_header"), meta={L("program"): what, L("scope"): scope,
                                                         L("definition"): L("flows_help")},
                   key="flow_people")


st.subheader(L("flow_people_header_full" if who.rights.unmasked else "flow_people_header"), anchor=False)
st.caption(L("flow_people_help"))
if state.public() or not who.rights.lists:
    st.info(L("public_no_list"), icon=":material/visibility_off:")
else:
    flow_list()
