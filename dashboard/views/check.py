"""每月核查 Monthly check: for a chosen month (default the data's last), the stop, start and re-tier lists of
the monthly programs; the worklist with its follow-up (status, money recovered, note), editable on the
page by a caseworker of the area or through an Excel round-trip; the recovery ledger; 应服未服.

The lists come from the analyst API through `store.run` (the session's scope); the follow-up from the
operational database (`access.cases`, synced with the loaded data by `dashboard.follow`). Every list
shown or downloaded and every change is audited."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

import queries
from access import cases
from dashboard import auth, follow, state, store, ui
from publish import worklist

L = state.labels()
sel = state.filters()
who = store.principal()
can_edit = who.rights.follow_up
unmasked = who.rights.unmasked


def _parse_month(text: str) -> dt.date:
    return dt.date.fromisoformat(str(text)[:7] + "-01")


def _month_text(m: dt.date) -> str:
    return L("check.month_option", year=m.year, month=m.month)


months = store.run(queries.check_months)
if not months:
    ui.empty(L, ui.fmt_scope(sel, L))
    st.stop()
head = st.container()   # the title names the month chosen below it
month = state.url_select(L("check.month"), months[::-1], key="month", default=months[-1], url_default=months[-1],
                         lang=L.lang, format_func=_month_text, parse=_parse_month)
scope = L.scope(None, sel.town, sel.category, village=sel.village)
with head:
    ui.header(L("check.title", month=_month_text(month)), scope, L)
    st.caption(L("check.intro"))
audit_filters = {**sel.filters(), "month": month.isoformat()[:7]}
area = dict(town=sel.town, village=sel.village, category=sel.category)

LEDGER_BY = ("town", "month", "item")   # the ledger's three views
LISTS_TAB = "check_lists_tab"           # session state: the open tab of the three lists (a tile opens its own)
LISTS_ANCHOR = "check-lists"


def tiles() -> None:
    """The month's counts: persons on each list, and the payments still made this month after a stop."""
    summary = store.run(queries.month_check_summary, month=month, **area)
    by = summary.groupby("check")[["persons", "paid_cases", "amount_yuan"]].sum()

    def total(check: str, col: str) -> float:
        return float(by.loc[check, col]) if check in by.index else 0.0

    paid = f"{int(total('stop', 'paid_cases')):,} · {L.money(total('stop', 'amount_yuan'))}"
    for i, (col, (check, label, value)) in enumerate(zip(st.columns(4), [
        *[(c, L("check.tile_cases", check=L(f"check.{c}")), f"{int(total(c, 'persons')):,}") for c in queries.CHECKS],
        ("stop", L("check.tile_paid"), paid),
    ])):
        with col:
            ui.metric(label, value, labels=L)
            # the tile's list: its tab opened and brought into view (the paid-after-stop tile: the stop list)
            st.button(L("check.to_list", check=L(f"check.{check}")), key=f"check_tile_{i}", on_click=open_list,
                      args=(check,), type="tertiary", icon=":material/format_list_bulleted:")


def open_list(check: str) -> None:
    """A tile's button: open the tab of list `check` and bring the lists into view on the next run."""
    st.session_state[LISTS_TAB] = L(f"check.{check}")
    st.session_state[ui.DRILLED] = "check"


def statuses(keys) -> pd.DataFrame | None:
    """The follow-up of the cases `keys` (None for none)."""
    return follow.statuses(list(keys)) if len(keys) else None


def refused(head: str, exc: cases.CaseUpdateError) -> None:
    """Changes refused (nothing applied): `head`, then every broken rule on its own line."""
    st.error(head + "\n\n" + "\n".join(f"- {ui.md(m)}" for m in exc.messages(L.lang)), icon=":material/error:")


def save(changes: list[cases.CaseChange], key: str) -> None:
    """Apply the editor's changes all or nothing; the errors named, or the page again from the stored values."""
    try:
        n = cases.update(auth.ops(), who, changes, source="page", page="check", session=auth.session_id())
    except cases.CaseUpdateError as exc:
        refused(L("case.errors_refused", n=len(exc.errors)), exc)
        return
    st.session_state[f"{key}_saved"] = n
    st.session_state.pop(key, None)   # the editor starts again from the stored values
    st.rerun()


def editor(shown: pd.DataFrame, key: str) -> None:
    """The caseworker's editable list: status (a dropdown), money recovered and note; saved with one button."""
    codes = {cases.status_label(s, L.lang): s for s in cases.USER_STATUSES}
    editable = [L("case.col.status"), L("case.col.amount_recovered"), L("case.col.note")]
    with st.form(f"{key}_form", border=False):
        edited = st.data_editor(
            shown, key=key, hide_index=True, num_rows="fixed",
            disabled=[c for c in shown.columns if c not in editable],
            column_config={
                L("case.col.status"): st.column_config.SelectboxColumn(options=list(codes), required=True),
                L("case.col.amount_recovered"): st.column_config.NumberColumn(min_value=0, step=0.01, format="%.2f"),
                L("case.col.note"): st.column_config.TextColumn(max_chars=cases.NOTE_LIMIT),
            })
        if st.form_submit_button(L("case.save"), icon=":material/save:"):
            save([cases.CaseChange(**c) for c in worklist.edited(shown, edited, codes, L)], key)


def check_list(check: str) -> None:
    """One list of the month's check with the follow-up columns; editable for the area's caseworker."""
    st.caption(L(f"check.{check}_help"))
    rows = store.run(queries.month_check, month=month, check=check, **area)
    if rows is None or rows.empty:
        st.info(L("check.none", month=_month_text(month)), icon=":material/task_alt:")
        return
    if unmasked:
        rows = rows.merge(store.identities(rows["person_id"]), on="person_id", how="left")
    rows = worklist.with_status(rows, statuses(rows.loc[rows["follow_up"], "case_key"]))
    auth.record_once("list", page="check", filters={**audit_filters, "check": check}, what=f"month_check:{check}",
                     persons=int(rows["person_id"].nunique()), unmasked=unmasked)
    st.markdown(L("check.list_count", n=f"{len(rows):,}", p=f"{rows['person_id'].nunique():,}"))
    table = worklist.check_table(rows, check, store.programs(), L, full=unmasked,
                                 status_label=lambda s: cases.status_label(s, L.lang))
    todo, in_time = table[rows["follow_up"].to_numpy()], table[~rows["follow_up"].to_numpy()]
    key = f"check_{check}_editor"
    saved = st.session_state.pop(f"{key}_saved", None)
    if saved is not None:
        st.success(L("case.saved", n=saved) if saved else L("case.nothing_changed"), icon=":material/check:")
    if not todo.empty:
        shown = todo.head(ui.MAX_ROWS_SHOWN).reset_index(drop=True)
        if can_edit:
            editor(shown, key)
        else:
            st.dataframe(shown, hide_index=True, key=key)
    if not in_time.empty:
        with st.expander(f"{L('check.in_time')} · {len(in_time):,}"):
            st.dataframe(in_time.head(ui.MAX_ROWS_SHOWN), hide_index=True, key=f"{key}_in_time")


def upload_box() -> None:
    """The filled-in workbook uploaded back: applied all or nothing, every error named (once per file)."""
    upload = st.file_uploader(L("case.upload"), type=["xlsx"], help=L("case.upload_help"), key="worklist_upload")
    if upload is None or st.session_state.get("worklist_uploaded") == upload.file_id:
        return
    st.session_state["worklist_uploaded"] = upload.file_id
    try:
        n = cases.upload(auth.ops(), who, upload.getvalue(), upload.name, page="check", session=auth.session_id())
        st.success(L("case.upload_applied", n=n, file=upload.name), icon=":material/check:")
    except cases.CaseUpdateError as exc:
        refused(L("case.upload_refused", file=upload.name, n=len(exc.errors)), exc)


def worklist_section(today: dt.date) -> None:
    """Every case of the area with its follow-up, overdue first; its workbook down and back up."""
    st.header(L("case.header"), anchor=False)
    st.caption(L("case.help"))
    open_cases = store.run(queries.worklist, **area)
    if open_cases is None or open_cases.empty:
        st.info(L("case.no_open"), icon=":material/task_alt:")
        return
    if unmasked:
        open_cases = open_cases.merge(store.identities(open_cases["person_id"]), on="person_id", how="left")
    listed = worklist.overdue_first(worklist.with_status(open_cases, statuses(open_cases["case_key"])), today)
    programs = store.programs()
    st.dataframe(worklist.worklist_table(listed.head(ui.MAX_ROWS_SHOWN), programs, L, full=unmasked),
                 hide_index=True, key="worklist_table")
    file_name = f"worklist_{today.isoformat()}{'_' + sel.town if sel.town else ''}.xlsx"
    audited = auth.recorder("download", page="check", filters=audit_filters, what=file_name,
                            persons=int(listed["person_id"].nunique()), unmasked=unmasked)

    def workbook() -> bytes:   # runs when the file is fetched: nothing here may read the session
        audited()
        return cases.workbook(worklist.workbook_frame(listed, programs, L, full=unmasked), L.lang)

    st.download_button(L("case.download"), data=workbook, file_name=file_name,
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       key="worklist_xlsx", icon=":material/download:", on_click="ignore")
    if can_edit:
        upload_box()


def ledger_section(today: dt.date) -> None:
    """Overpaid, recovered, outstanding and owed money by town, month and case type."""
    st.header(L("ledger.header"), anchor=False)
    st.caption(L("ledger.help"))
    stored = worklist.ledger_cases(follow.statuses(snapshot=True))
    for by, tab in zip(LEDGER_BY, st.tabs([L(f"ledger.by_{b}") for b in LEDGER_BY])):
        with tab:
            st.dataframe(worklist.ledger_table(worklist.ledger(stored, by, today), by, L), hide_index=True,
                         key=f"ledger_{by}")


if state.public():   # the public edition names no person and no case (as the gaps page): the medication charts only
    st.info(L("check.public"), icon=":material/visibility_off:")
else:
    tiles()
    if not can_edit:
        st.caption(L("case.read_only"))
    st.header(L("check.lists_header", month=_month_text(month)), anchor=LISTS_ANCHOR)
    if st.session_state.get(ui.DRILLED) == "check":   # a tile's button: its list, in view
        ui.scroll_to(LISTS_ANCHOR)
    tabs = st.tabs([L(f"check.{c}") for c in queries.CHECKS], key=LISTS_TAB, on_change="rerun")
    for check, tab in zip(queries.CHECKS, tabs):   # every list drawn (the open one shown)
        with tab:
            check_list(check)
    today = dt.date.today()
    worklist_section(today)
    ledger_section(today)

# ---------------------------------------------------------------- 应服未服
st.header(L("medication.header"), anchor=False)
st.caption(L("medication.help"))
left, right = st.columns([3, 2])
with left:
    ui.chart("check.medication", sel, L)     # the sidebar's year; the patients who missed two months are cases above
with right:
    ui.chart("check.medication_areas", sel, L)
