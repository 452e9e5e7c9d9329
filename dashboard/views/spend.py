"""支出 Spend: every program's spend, persons, 人次, average, tiers and cap use by group; benefit incidence; the
persons paid by the chosen program or group (a click on a program's bar picks it and brings its list into view:
masked for leadership and analysts, full identities of a caseworker's own area, audited)."""
from __future__ import annotations

import streamlit as st

import queries
from dashboard import state, store, ui
from publish import tables

PEOPLE_ANCHOR = "paid-people"   # the list's header: a click on a program's bar scrolls to it

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


def paid_list() -> None:
    """The persons paid in the year by the chosen programs (queries.paid_people), audited (ui.person_list)."""
    rows = store.run(queries.paid_people, **sel.filters())
    if st.session_state.get(ui.DRILLED) == "program" and sel.program:   # a click above: the program's list
        catalog = store.programs()
        name = dict(zip(catalog["program_id"], L.programs(catalog))).get(sel.program, sel.program)
        st.caption(L("paid_drill_to_list", program=ui.md(name), n=f"{0 if rows is None else len(rows):,}"))
        ui.scroll_to(PEOPLE_ANCHOR)
    elif st.session_state.get(ui.DRILLED) == "list":   # the overview's 受益人数 tile: this list, in view
        ui.scroll_to(PEOPLE_ANCHOR)
    if rows is None or rows.empty:
        ui.empty(L, scope, payments=True)
        return
    area = "".join(f"_{x}" for x in (sel.town, sel.village, sel.category, sel.program_group, sel.program) if x)
    ui.person_list(rows, lambda r, full: tables.paid_people_table(r, store.programs(), L, full=full), L,
                   page="spend", what="paid_people", filters={**sel.filters(), "year": sel.year},
                   count="paid_people_count", file_name=f"paid_{sel.year}{area}.xlsx", sheet=L("paid_people_header"),
                   meta={L("scope"): scope, L("definition"): L("paid_people_help")}, key="paid_people")


who = store.principal()
st.header(L("paid_people_header_full" if who.rights.unmasked else "paid_people_header"), anchor=PEOPLE_ANCHOR)
st.caption(L("paid_people_help"))
if state.public() or not who.rights.lists:
    st.info(L("public_no_list"), icon=":material/visibility_off:")
else:
    paid_list()
