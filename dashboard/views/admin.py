"""账号与审计 Accounts and audit log (role admin): who may sign in with which role and area, and what
every account saw and downloaded. Account changes go through access.accounts (the same functions as
`python -m subsidy users …`), each written to the audit log."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from access import ROLES, accounts, audit
from dashboard import auth, state, store, ui
from publish import tables

L = state.labels()
me = store.principal()
eng = auth.ops()
st.title(L("admin.title"))
tab_accounts, tab_audit = st.tabs([L("admin.accounts"), L("admin.audit")])

ACCOUNT_COLUMNS = ("username", "display_name", "role", "town", "village", "email", "disabled", "demo",
                   "locked_until", "last_login_at")


def known_areas() -> dict[str, list[str]]:
    """town → villages of the loaded data: an account's area is spelled as the data spells it."""
    return {t_: store.villages(t_) for t_ in store.towns()}


def _yes_no(v) -> str:
    return L("yes") if bool(v) else L("no")


with tab_accounts:
    rows = accounts.listing(eng)
    frame = pd.DataFrame([{L(f"col.{c}"): getattr(r, c) for c in ACCOUNT_COLUMNS} for r in rows])
    if not frame.empty:
        frame[L("col.role")] = [auth.role_label(r.role, L.lang) for r in rows]
        for c in ("disabled", "demo"):
            frame[L(f"col.{c}")] = [_yes_no(getattr(r, c)) for r in rows]
        for c in ("locked_until", "last_login_at"):   # Beijing time as text (a blank is not a time)
            frame[L(f"col.{c}")] = [pd.Timestamp(accounts.as_utc(v)).tz_convert(auth.BEIJING).strftime("%Y-%m-%d %H:%M")
                                    if v is not None else "" for v in (getattr(r, c) for r in rows)]
    if not frame.empty:
        frame = frame.astype(object).where(frame.notna(), "")
    st.dataframe(frame, hide_index=True, key="accounts_table")

    st.header(L("admin.action"), anchor=False)
    names = [r.username for r in rows]
    c1, c2, c3 = st.columns([2, 2, 1], vertical_alignment="bottom")
    who = c1.selectbox(L("admin.account"), names, key="admin_account")
    action = c2.selectbox(L("admin.action"), ["disable", "enable", "reset"], key="admin_action",
                          format_func=lambda a: L(f"admin.{a}"))
    if c3.button(L("admin.apply"), key="admin_apply", type="primary") and who:
        try:
            if action == "reset":
                pw = accounts.reset_password(eng, who, actor=me)
                st.success(L("admin.reset_done", name=ui.md(who), password=pw), icon=":material/key:")
            else:
                accounts.set_disabled(eng, who, action == "disable", actor=me)
                st.success(L("admin.done", what=f"{L('admin.' + action)} {ui.md(who)}"))
        except accounts.AccountError as exc:
            st.error(L("admin.error", error=ui.md(exc)))

    st.header(L("admin.add"), anchor=False)
    with st.form("add_account", clear_on_submit=True):
        f1, f2 = st.columns(2)
        username = f1.text_input(L("col.username"), key="add_username")
        display = f2.text_input(L("admin.display_name"), key="add_display")
        role_key = f1.selectbox(L("admin.role"), list(ROLES), key="add_role",
                                format_func=lambda r: auth.role_label(r, L.lang))
        email = f2.text_input(L("admin.email"), key="add_email")
        town = f1.selectbox(L("town"), ["", *store.towns()], key="add_town",
                            format_func=lambda v: v or "—")
        village = f2.text_input(L("village"), key="add_village")
        submitted = st.form_submit_button(L("admin.add_submit"), type="primary")
    if submitted:
        try:
            known = known_areas()
            pw = accounts.add(eng, username, role_key, town=town or None, village=village.strip() or None,
                              display_name=display or None, email=email or None, actor=me, known_towns=known)
            st.success(L("admin.created", name=ui.md(username), password=pw), icon=":material/person_add:")
        except (accounts.AccountError, ValueError) as exc:
            st.error(L("admin.error", error=ui.md(exc)))

    st.header(L("admin.change"), anchor=False)
    st.caption(L("admin.change_help"))
    with st.form("change_account"):
        f1, f2 = st.columns(2)
        target = f1.selectbox(L("admin.account"), [r.username for r in rows if not r.demo], key="change_username")
        new_role = f2.selectbox(L("admin.role"), list(ROLES), key="change_role",
                                format_func=lambda r: auth.role_label(r, L.lang))
        new_town = f1.selectbox(L("town"), ["", *store.towns()], key="change_town", format_func=lambda v: v or "—")
        new_village = f2.text_input(L("village"), key="change_village")
        changed = st.form_submit_button(L("admin.change_submit"), type="primary")
    if changed and target:
        try:
            known = known_areas()
            accounts.set_role(eng, target, new_role, town=new_town or None, village=new_village.strip() or None,
                              actor=me, known_towns=known)
            area = " · ".join(x for x in (auth.role_label(new_role, L.lang), new_town, new_village.strip()) if x)
            st.success(L("admin.changed", name=ui.md(target), area=ui.md(area)), icon=":material/manage_accounts:")
        except (accounts.AccountError, ValueError) as exc:
            st.error(L("admin.error", error=ui.md(exc)))

with tab_audit:
    c1, c2, c3, c4 = st.columns(4)
    user = c1.selectbox(L("admin.user_filter"), ["", *[r.username for r in accounts.listing(eng)]],
                        key="audit_user", format_func=lambda v: v or L("all"))
    event = c2.selectbox(L("admin.event"), ["", *audit.EVENTS], key="audit_event",
                         format_func=lambda e: L(f"event.{e}") if e else L("all"))
    today = dt.date.today()
    since = c3.date_input(L("admin.since"), today - dt.timedelta(days=30), key="audit_since")
    until = c4.date_input(L("admin.until"), today, key="audit_until")
    log = audit.entries(eng, username=user or None, event=event or None,
                        since=dt.datetime.combine(since, dt.time(), tzinfo=auth.BEIJING),
                        until=dt.datetime.combine(until + dt.timedelta(days=1), dt.time(), tzinfo=auth.BEIJING))
    st.markdown(L("admin.rows", n=f"{len(log):,}"))
    shown = pd.DataFrame({
        L("col.at"): log["at"].dt.tz_convert(auth.BEIJING).dt.strftime("%Y-%m-%d %H:%M:%S") if not log.empty else [],
        L("col.username"): log.get("username", []),
        L("col.role"): [auth.role_label(r, L.lang) if isinstance(r, str) else "" for r in log.get("role", [])],
        L("col.event"): [L(f"event.{e}") for e in log.get("event", [])],
        L("col.page"): log.get("page", []),
        L("col.filters"): log.get("filters", []),
        L("col.what"): log.get("what", []),
        L("col.persons"): log.get("persons", []),
        L("col.unmasked"): [_yes_no(u) for u in log.get("unmasked", [])],
        L("col.detail"): log.get("detail", []),
        L("col.source"): log.get("source", []),
    })
    shown = shown.astype(object).where(shown.notna(), "")   # blank, not "None", where a field does not apply
    st.dataframe(shown, hide_index=True, key="audit_table")

    audited = auth.recorder("download", page="admin", what="audit_log.csv", detail=f"{len(shown)} rows")

    def audit_csv() -> bytes:   # runs when the file is fetched: nothing here may read the session
        audited()
        return tables.to_csv_bom(shown)

    st.download_button(L("admin.download_csv"), data=audit_csv, file_name="audit_log.csv", mime="text/csv",
                       key="audit_csv", icon=":material/download:", on_click="ignore")
