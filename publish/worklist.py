"""The month's check and the worklist as tables, and the recovery ledger (no Streamlit import).

- `check_table`: one list of the month's check (stop, start or retier) with labelled columns, masked
  identity (full names and ID numbers only with `full`, as `tables.gap_people_table`), and the
  follow-up columns of the operational database when given.
- `item_label`: the words of a worklist item ('stop:death' → '停发 · 死亡'; a gap key → the seed's label).
- `ledger`: overpaid, recovered and outstanding money, owed money, cases, open and overdue cases, by
  town, month or item, from the cases the operational database keeps (every case ever synced, so
  money recovered on a case the data no longer shows still counts).

Money rules (one place): a start case, or a retier case with a negative difference, is money *owed* to
the person; every other case's amount is money *overpaid*. A case marked false alarm (误报) overpaid
nothing. Outstanding = overpaid − recovered for cases still to be followed (pending, stopped, recovered),
0 once closed without recovery (no action needed, false alarm, resolved by the data).
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from vocab import Labels

OVERDUE_DAYS = 30
CLOSED = ("no_action", "false_alarm", "resolved_by_data")   # no money left to follow
OPEN = ("pending",)


def item_label(item: str, labels: Labels) -> str:
    """'停发 · 死亡' for 'stop:death'; the gap's seed label for a gap key."""
    L = labels
    if ":" in str(item):
        check, reason = str(item).split(":", 1)
        return f"{L('case.' + check)} · {L('check.reason.' + reason)}"
    return L.gap(item)


def _names(programs: pd.DataFrame | None, labels: Labels) -> dict[str, str]:
    if programs is None or programs.empty:
        return {}
    return dict(zip(programs["program_id"], labels.programs(programs)))


def _dates(values) -> list[str]:
    return pd.to_datetime(pd.Series(values), errors="coerce").dt.strftime("%Y-%m-%d").fillna("").tolist()


def _months(values) -> list[str]:
    return pd.to_datetime(pd.Series(values), errors="coerce").dt.strftime("%Y-%m").fillna("").tolist()


def with_status(cases: pd.DataFrame, statuses: pd.DataFrame | None) -> pd.DataFrame:
    """`cases` with the follow-up columns (status pending where the operational database has none)."""
    out = cases.copy()
    cols = ("status", "amount_recovered", "note", "updated_by", "updated_at", "opened_at")
    if statuses is not None and not statuses.empty:
        keep = ["case_key"] + [c for c in cols if c in statuses.columns]
        out = out.merge(statuses[keep], on="case_key", how="left")
    for c in cols:
        if c not in out.columns:
            out[c] = None
    out["status"] = out["status"].fillna("pending")
    return out


def check_table(rows: pd.DataFrame, check: str, programs: pd.DataFrame | None, labels: Labels, *,
                full: bool = False, status_label=None) -> pd.DataFrame:
    """One list of the month's check with labelled columns, `rows` from `queries.month_check` (with the
    follow-up columns of `with_status` when `status_label` is given: code → words). Without `full` the
    unmasked columns are never passed on, whatever the frame holds."""
    L = labels
    full = full and {"id_number", "name"} <= set(rows.columns)
    names = _names(programs, L)
    out = pd.DataFrame({
        L("people.person_id"): rows["person_id"].to_numpy(),
        L("people.id_number" if full else "people.id_number_masked"):
            (rows["id_number"] if full else rows["id_number_masked"]).to_numpy(),
        L("people.name" if full else "people.name_masked"): (rows["name"] if full else rows["name_masked"]).to_numpy(),
        L("town"): rows["town"].to_numpy(),
        L("village"): rows["village"].fillna("").to_numpy(),
        L("program"): [names.get(p, p) for p in rows["program_id"]],
        L("check.reason"): [L("check.reason." + r) for r in rows["reason"]],
        L("people.since"): _dates(rows["since"]),
        L("check.run_start"): _months(rows["run_start"]),
        L(f"check.months_{check}"): rows["months"].to_numpy(),
        L(f"check.amount_{check}"): pd.to_numeric(rows["amount_yuan"], errors="coerce").to_numpy(),
        L("check.case_amount"): pd.to_numeric(rows["case_amount_yuan"], errors="coerce").to_numpy(),
    })
    if check == "stop":
        out.insert(out.columns.get_loc(L("check.amount_stop")), L("check.paid_this_month"),
                   np.where(rows["amount_yuan"].notna(), L("yes"), L("no")))
    if status_label is not None and "status" in rows.columns:
        out[L("case.col.status")] = [status_label(s) if f else L("check.in_time")
                                 for s, f in zip(rows["status"], rows["follow_up"])]
        out[L("case.col.amount_recovered")] = pd.to_numeric(rows["amount_recovered"], errors="coerce").to_numpy()
        out[L("case.col.note")] = rows["note"].fillna("").to_numpy()
    out[L("case.col.case_key")] = rows["case_key"].to_numpy()   # last: the key the follow-up is kept under
    return out


def edited(before: pd.DataFrame, after: pd.DataFrame, status_codes: dict[str, str], labels: Labels) -> list[dict]:
    """The follow-up a caseworker changed in the page's editor (`check_table` frames before and after):
    one dict per changed row with case_key, status (the code of the label picked: `status_codes`),
    amount_recovered (None when blank) and note (None when blank), for access.cases.CaseChange."""
    L = labels
    cols = [L("case.col.status"), L("case.col.amount_recovered"), L("case.col.note")]
    out = []
    for i in after.index:
        new, old = after.loc[i, cols], before.loc[i, cols]
        if all((pd.isna(x) and pd.isna(y)) or x == y for x, y in zip(new, old)):
            continue
        status, amount, note = new.iloc[0], new.iloc[1], new.iloc[2]
        out.append(dict(case_key=str(after.loc[i, L("case.col.case_key")]), status=status_codes.get(status, status),
                        amount_recovered=None if pd.isna(amount) else amount,
                        note=None if pd.isna(note) or not str(note).strip() else str(note)))
    return out


def _money(cases: pd.DataFrame) -> pd.DataFrame:
    """Per case: overpaid, owed, recovered, outstanding, open, overdue (see the module docstring)."""
    d = cases.copy()
    amount = pd.to_numeric(d["amount_yuan"], errors="coerce").fillna(0.0)
    item = d["item"].astype(str)
    owed = item.str.startswith("start:") | (item.str.startswith("retier:") & (amount < 0))
    status = d["status"].fillna("pending")
    d["overpaid"] = np.where(~owed & (status != "false_alarm"), amount, 0.0)
    d["owed"] = np.where(owed & ~status.isin(CLOSED), amount.abs(), 0.0)
    d["recovered"] = pd.to_numeric(d.get("amount_recovered"), errors="coerce").fillna(0.0)
    d["outstanding"] = np.where(status.isin(CLOSED), 0.0, (d["overpaid"] - d["recovered"]).clip(lower=0))
    d["open"] = status.isin(OPEN)
    return d


def days_open(cases: pd.DataFrame, today: dt.date) -> pd.Series:
    """Whole days from opened_at to today (for an open case) or to its last update (a closed one)."""
    opened = pd.to_datetime(cases["opened_at"], errors="coerce", utc=True)
    end = pd.to_datetime(cases["updated_at"], errors="coerce", utc=True)
    now = pd.Timestamp(today, tz="UTC")
    end = end.where(~cases["status"].fillna("pending").isin(OPEN) & end.notna(), now)
    return (end.dt.normalize() - opened.dt.normalize()).dt.days


def _followed(cases: pd.DataFrame, today: dt.date) -> pd.DataFrame:
    """`_money` of each case with its days open and whether it is overdue (open > OVERDUE_DAYS)."""
    d = _money(cases)
    d["days_open"] = days_open(d, today)
    d["overdue"] = d["open"] & (d["days_open"] > OVERDUE_DAYS)
    return d


def ledger(cases: pd.DataFrame, by: str, today: dt.date) -> pd.DataFrame:
    """The recovery ledger by 'town', 'month' or 'item': cases, open, overdue (open > 30 days), overpaid,
    recovered, outstanding, owed. `cases` are the operational database's cases with their snapshot
    columns (town, item, month, amount_yuan) and follow-up (status, amount_recovered, opened_at,
    updated_at). Rows with overdue cases first, then by outstanding money."""
    if by not in ("town", "month", "item"):
        raise ValueError(f"ledger by must be town, month or item, not {by!r}")
    cols = ["cases", "open", "overdue", "overpaid", "recovered", "outstanding", "owed"]
    if cases is None or cases.empty:
        return pd.DataFrame(columns=[by] + cols)
    d = _followed(cases, today)
    d["cases"] = 1
    out = d.groupby(d[by].fillna(""), as_index=False)[cols].sum()
    out = out.rename(columns={out.columns[0]: by})
    for c in ("cases", "open", "overdue"):
        out[c] = out[c].astype("int64")
    order = [by] if by == "month" else ["overdue", "outstanding"]
    return out.sort_values(order, ascending=by == "month", kind="stable").reset_index(drop=True)


def overdue_first(cases: pd.DataFrame, today: dt.date) -> pd.DataFrame:
    """The cases with days_open and overdue, overdue ones first (longest open first), then the rest."""
    d = _followed(cases, today)
    return d.sort_values(["overdue", "days_open"], ascending=[False, False], kind="stable").reset_index(drop=True)


def ledger_cases(stored: pd.DataFrame) -> pd.DataFrame:
    """The operational database's cases (access.cases.statuses with snapshot=True) with the ledger's
    names: item (the stored gap) and month (the stored period)."""
    return stored.rename(columns={"gap": "item", "period": "month"})


def _context(d: pd.DataFrame, programs: pd.DataFrame | None, labels: Labels, full: bool) -> dict[str, list]:
    """The columns that say who and what a case is (shared by the page's worklist and its workbook)."""
    L = labels
    full = full and {"id_number", "name"} <= set(d.columns)
    names = _names(programs, L)
    return {
        "case_key": d["case_key"].tolist(),
        "item": [item_label(i, L) for i in d["item"]],
        "person_id": d["person_id"].tolist(),
        "id_number" if full else "id_number_masked": (d["id_number"] if full else d["id_number_masked"]).tolist(),
        "name" if full else "name_masked": (d["name"] if full else d["name_masked"]).tolist(),
        "town": d["town"].tolist(),
        "village": d["village"].fillna("").tolist(),
        "program": [names.get(p, p) if isinstance(p, str) else "" for p in d["program_id"]],
        "period": _months(d["month"]),
        "months": ["" if pd.isna(m) else int(m) for m in d["months"]],
        "amount_yuan": pd.to_numeric(d["amount_yuan"], errors="coerce").tolist(),
    }


CONTEXT_LABELS = {"item": "case.item", "program": "program", "amount_yuan": "people.amount", "months": "months",
                  "town": "town", "village": "village", "person_id": "people.person_id",
                  "id_number": "people.id_number", "name": "people.name", "id_number_masked": "people.id_number_masked",
                  "name_masked": "people.name_masked", "case_key": "case.col.case_key", "period": "case.col.period"}


def worklist_table(cases: pd.DataFrame, programs: pd.DataFrame | None, labels: Labels, *,
                   full: bool = False, status_label=None) -> pd.DataFrame:
    """The worklist as the page shows it (`cases` from `overdue_first`): who and what, then status, money
    recovered, days open and overdue, with labelled columns."""
    L = labels
    ctx = _context(cases, programs, L, full)
    out = pd.DataFrame({L(CONTEXT_LABELS[k]): v for k, v in ctx.items()})
    label = status_label or (lambda s: L(f"case_status.{s}"))
    out[L("case.col.status")] = [label(s) for s in cases["status"]]
    out[L("case.col.amount_recovered")] = pd.to_numeric(cases["amount_recovered"], errors="coerce").to_numpy()
    out[L("case.days_open")] = cases["days_open"].to_numpy()
    out[L("case.overdue")] = [L("yes") if o else "" for o in cases["overdue"]]
    out[L("case.col.note")] = cases["note"].fillna("").to_numpy()
    key = out.pop(L("case.col.case_key"))
    out[L("case.col.case_key")] = key
    return out


def workbook_frame(cases: pd.DataFrame, programs: pd.DataFrame | None, labels: Labels, *,
                   full: bool = False) -> pd.DataFrame:
    """The worklist for `access.cases.workbook`: case_key, the context columns under their words, and the
    editable status (code), amount_recovered and note (the workbook labels those)."""
    ctx = _context(cases, programs, labels, full)
    out = pd.DataFrame({k if k == "case_key" else labels(CONTEXT_LABELS[k]): v for k, v in ctx.items()})
    out["status"] = cases["status"].to_numpy()
    out["amount_recovered"] = pd.to_numeric(cases["amount_recovered"], errors="coerce").to_numpy()
    out["note"] = cases["note"].to_numpy()
    return out


def ledger_table(frame: pd.DataFrame, by: str, labels: Labels) -> pd.DataFrame:
    """A `ledger` frame with labelled columns and the item in words."""
    L = labels
    d = frame.copy()
    if by == "item":
        d["item"] = [item_label(i, L) for i in d["item"]]
    heads = {"town": L("town"), "month": L("ledger.month"), "item": L("case.item"), "cases": L("ledger.cases"),
             "open": L("ledger.open"), "overdue": L("ledger.overdue_cases"), "overpaid": L("ledger.overpaid"),
             "recovered": L("ledger.recovered"), "outstanding": L("ledger.outstanding"), "owed": L("ledger.owed")}
    return d.rename(columns=heads)
