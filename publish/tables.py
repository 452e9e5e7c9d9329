"""Tables for people lists and their Excel download (no Streamlit import).

`gap_people_table` keeps only masked identity columns: whatever the API returns, a column called
id_number or name is never passed on. Every spreadsheet the product writes goes through `excel_writer`
(strings are string cells: never a formula, never a link) and `to_csv_bom` (`formula_safe`), so a
village called `=HYPERLINK(…)` stays the text it was loaded as.
"""
from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pandas as pd

from contract.masking import mask_personal, mask_personal_series
from contract.sheets import FORMULA_START as FORMULA_START
from contract.sheets import excel_writer as excel_writer
from contract.sheets import formula_safe as formula_safe
from contract.sheets import is_text as _is_text
from contract.sheets import quote_formula_text as quote_formula_text
from vocab import Labels

UNMASKED = ("id_number", "name")


def _identified(people: pd.DataFrame, full: bool) -> tuple[pd.DataFrame, bool]:
    """`people` with the identity columns a list may show: with `full` (a caseworker's own area, the frame
    carrying `name` and `id_number` from access.reveal) those in the masked columns' place; otherwise the
    unmasked columns dropped whatever the frame holds."""
    full = full and all(c in people.columns for c in UNMASKED)
    d = people.copy() if full else people.drop(columns=[c for c in UNMASKED if c in people.columns]).copy()
    if full:
        d["id_number_masked"], d["name_masked"] = d["id_number"], d["name"]
    return d, full


def _person_columns(d: pd.DataFrame, labels: Labels, full: bool) -> dict[str, Any]:
    """The columns every person list starts with: person, ID number, name, town, village, category, grade."""
    L = labels
    return {
        L("people.person_id"): d.get("person_id"),
        L("people.id_number" if full else "people.id_number_masked"): d.get("id_number_masked"),
        L("people.name" if full else "people.name_masked"): d.get("name_masked"),
        L("town"): d.get("town"),
        L("village"): d.get("village"),
        L("category"): [L.code("category", c) if isinstance(c, str) else "" for c in d.get("category", [])],
        L("grade"): [L.code("grade", g) if pd.notna(g) else "" for g in d.get("grade", [])],
    }


def _blank_missing(out: pd.DataFrame) -> pd.DataFrame:
    """Blank, not "None", where a text column does not apply to a row."""
    for col in out.columns:
        if out[col].dtype == object:
            out[col] = out[col].where(out[col].notna(), "")
    return out.reset_index(drop=True)


def _program_names(programs: pd.DataFrame | None, labels: Labels) -> dict[str, str]:
    if programs is None or programs.empty:
        return {}
    return dict(zip(programs["program_id"], labels.programs(programs)))


def gap_people_table(people: pd.DataFrame, programs: pd.DataFrame | None, labels: Labels, *,
                     full: bool = False) -> pd.DataFrame:
    """The follow-up list of one gap with labelled columns: masked ID and name; with `full` (a caseworker's
    own area, the frame carrying `name` and `id_number` from access.reveal) those instead. Without `full`
    the unmasked columns are dropped whatever the frame holds."""
    L = labels
    d, full = _identified(people, full)
    names = _program_names(programs, L)
    since = pd.to_datetime(d.get("since"), errors="coerce") if "since" in d else pd.Series(pd.NaT, index=d.index)
    return _blank_missing(pd.DataFrame({
        **_person_columns(d, L, full),
        L("gap"): [L.gap(g) for g in d.get("gap", [])],
        L("program"): [names.get(p, p if isinstance(p, str) else "") for p in d.get("program_id", [])],
        L("people.payment_id"): d.get("payment_id"),
        L("people.detail"): d["detail_zh"] if L.zh and "detail_zh" in d else d.get("detail"),
        L("people.since"): since.dt.strftime("%Y-%m-%d").fillna("").to_numpy(),
        L("months"): d.get("months"),
        L("people.amount"): pd.to_numeric(d.get("amount_yuan"), errors="coerce"),
    }))


def coverage_people_table(people: pd.DataFrame, programs: pd.DataFrame | None, labels: Labels, *,
                          full: bool = False) -> pd.DataFrame:
    """The persons behind a coverage count (queries.coverage_people) with labelled columns, identities as
    in gap_people_table; then sex, age band, months with a valid certificate, covered or not, the programs
    that paid them in the year (names) and their money."""
    L = labels
    d, full = _identified(people, full)
    names = _program_names(programs, L)
    return _blank_missing(pd.DataFrame({
        **_person_columns(d, L, full),
        L("people.sex"): [L.code("sex", v) if isinstance(v, str) else "" for v in d.get("sex", [])],
        L("people.age_band"): [L.code("age_band", v) if isinstance(v, str) else "" for v in d.get("age_band", [])],
        L("people.valid_months"): d.get("valid_months"),
        L("people.covered"): [L("people.covered_yes" if c else "people.covered_no") for c in d.get("covered", [])],
        L("people.programs_paid"): [L.list_sep().join(names.get(p, p) for p in str(ps).split("|"))
                                    if isinstance(ps, str) else "" for ps in d.get("programs", [])],
        L.column("spend_yuan"): pd.to_numeric(d.get("spend_yuan"), errors="coerce"),
    }))


def paid_people_table(people: pd.DataFrame, programs: pd.DataFrame | None, labels: Labels, *,
                      full: bool = False) -> pd.DataFrame:
    """The persons paid in the year by the chosen programs (queries.paid_people) with labelled columns,
    identities as in gap_people_table; then the programs that paid them (names), payments and money."""
    L = labels
    d, full = _identified(people, full)
    names = _program_names(programs, L)
    return _blank_missing(pd.DataFrame({
        **_person_columns(d, L, full),
        L("people.programs_paid"): [L.list_sep().join(names.get(p, p) for p in str(ps).split("|"))
                                    if isinstance(ps, str) else "" for ps in d.get("programs", [])],
        L.column("payments"): d.get("payments"),
        L.column("spend_yuan"): pd.to_numeric(d.get("spend_yuan"), errors="coerce"),
    }))


def priority_children_table(people: pd.DataFrame, programs: pd.DataFrame | None, labels: Labels, *,
                            full: bool = False) -> pd.DataFrame:
    """The children behind a priority group's count (queries.priority_children_people) with labelled columns,
    identities as in gap_people_table; then the group, certificate status, months in the group, paid or not,
    the programs that paid them (names) and their money."""
    L = labels
    d, full = _identified(people, full)
    names = _program_names(programs, L)
    return _blank_missing(pd.DataFrame({
        **_person_columns(d, L, full),
        L("people.priority_group"): [L.code("priority", g) for g in d.get("priority_group", [])],
        L("people.cert_status"): d.get("cert_status"),
        L("people.months_in_group"): d.get("months_in_group"),
        L("people.covered"): [L("people.covered_yes" if c else "people.covered_no") for c in d.get("paid", [])],
        L("people.programs_paid"): [L.list_sep().join(names.get(p, p) for p in str(ps).split("|"))
                                    if isinstance(ps, str) else "" for ps in d.get("programs", [])],
        L.column("spend_yuan"): pd.to_numeric(d.get("spend_yuan"), errors="coerce"),
    }))


def flow_people_table(people: pd.DataFrame, programs: pd.DataFrame | None, labels: Labels, *,
                      full: bool = False) -> pd.DataFrame:
    """The persons behind a flow of a monthly program (queries.flow_people) with labelled columns, identities as
    in gap_people_table; then the program (name), the flow and its reason in words, and the person's money from
    the program in the first and the second year."""
    L = labels
    d, full = _identified(people, full)
    names = _program_names(programs, L)
    return _blank_missing(pd.DataFrame({
        **_person_columns(d, L, full),
        L("program"): [names.get(p, p) for p in d.get("program_id", [])],
        L.column("flow"): [L(f"flow.{f}") for f in d.get("flow", [])],
        L.column("reason"): [L(f"flow.reason.{r}") for r in d.get("reason", [])],
        L.column("spend_from"): pd.to_numeric(d.get("spend_from"), errors="coerce"),
        L.column("spend_to"): pd.to_numeric(d.get("spend_to"), errors="coerce"),
    }))


def policy_people_table(people: pd.DataFrame, programs: pd.DataFrame | None, labels: Labels, *,
                        full: bool = False) -> pd.DataFrame:
    """The persons behind a policy simulation (queries.policy_simulation_people) with labelled columns,
    identities as in gap_people_table; then the program (name), gained / lost / kept in words, the months
    eligible and paid under both rules, the expected payment as simulated and the money."""
    L = labels
    d, full = _identified(people, full)
    names = _program_names(programs, L)
    money = ("cost_current", "cost_simulated", "actual_spend")
    return _blank_missing(pd.DataFrame({
        **_person_columns(d, L, full),
        L("program"): [names.get(p, p) for p in d.get("program_id", [])],
        L.column("outcome"): [L(f"policy_outcome.{o}") for o in d.get("outcome", [])],
        **{L.column(c): d.get(c) for c in ("months_eligible_current", "months_eligible_simulated",
                                           "months_paid_current")},
        **{L.column(c): pd.to_numeric(d.get(c), errors="coerce").round(2)
           for c in ("months_paid_simulated", "expected_paid")},
        **{L.column(c): pd.to_numeric(d.get(c), errors="coerce").round(2) for c in money},
    }))


# ---------------------------------------------------------------- spreadsheets: loaded text stays text
# (the rule and the writer live in contract.sheets, shared with access.cases; re-exported here)


def as_date(text: object) -> object:
    """'2022-01-18' or '2026-12-02 03:11[:36]' (or with a 'T') as a datetime (a date cell in a workbook);
    a date as a datetime; anything else as it is."""
    if isinstance(text, dt.datetime):
        return text
    if isinstance(text, dt.date):
        return dt.datetime(text.year, text.month, text.day)
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(str(text), fmt)
        except ValueError:
            continue
    return text


def is_date_column(values: pd.Series) -> bool:
    """A column of datetime.date values (DuckDB's DATE as an object column), or of dates written as
    text ('2020-04-01', the people lists' 起始时间), blanks aside."""
    sample = values[values.notna() & (values.astype(str) != "")].head(20)
    return len(sample) > 0 and all(isinstance(as_date(v), dt.datetime) for v in sample)


def to_xlsx(sheets: dict[str, pd.DataFrame], meta: dict[str, Any] | None = None, *, labels: Labels) -> bytes:
    """An .xlsx workbook: one sheet per frame (names cut to Excel's 31 characters), plus the info sheet
    named and headed in the reader's language (说明: 项目, 内容). Every sheet has a frozen header and an
    autofilter; dates are date cells (Excel sorts and filters them as dates), not text.
    No cell is a formula or a link (excel_writer, quote_formula_text)."""
    L = labels
    buf = io.BytesIO()
    with excel_writer(buf) as xw:
        as_text = xw.book.add_format({"quote_prefix": True})
        date = xw.book.add_format({"num_format": "yyyy-mm-dd", "align": "left"})
        date_time = xw.book.add_format({"num_format": "yyyy-mm-dd hh:mm", "align": "left"})

        def write_dates(ws, j: int, values) -> None:
            for i, v in enumerate(values, start=1):
                when = as_date(v)
                if isinstance(when, dt.datetime):
                    ws.write_datetime(i, j, when, date_time if when.time() != dt.time() else date)

        for name, frame in sheets.items():
            sheet = name[:31]
            frame.to_excel(xw, sheet_name=sheet, index=False)
            ws = xw.sheets[sheet]
            quote_formula_text(ws, frame, as_text)
            ws.freeze_panes(1, 0)
            ws.autofilter(0, 0, max(len(frame), 1), max(len(frame.columns) - 1, 0))
            for i, col in enumerate(frame.columns):
                width = max([len(str(col))] + [len(str(v)) for v in frame[col].head(200)]) + 2
                ws.set_column(i, i, min(max(width * 1.6 if any(ord(ch) > 255 for ch in str(col)) else width, 8), 50))
                if is_date_column(frame[col]):
                    write_dates(ws, i, frame[col])
        if meta:
            info = pd.DataFrame({L("report.info_headers.0"): [str(k) for k in meta],
                                 L("report.info_headers.1"): [str(v) for v in meta.values()]})
            info_sheet = L("report.sheet_info")
            info.to_excel(xw, sheet_name=info_sheet, index=False)
            ws = xw.sheets[info_sheet]
            quote_formula_text(ws, info, as_text)
            ws.freeze_panes(1, 0)
            ws.set_column(0, 0, 16)
            ws.set_column(1, 1, 80)
            write_dates(ws, 1, [v if isinstance(v, (dt.date, dt.datetime)) else None for v in meta.values()])
    return buf.getvalue()


# ---------------------------------------------------------------- data quality
def reason_text(reason_zh: Any, reason_en: Any, value: Any, labels: Labels) -> str:
    """The loader's reason in the UI language, with the offending cell it found (rejects.value).

    Chinese: '康复需求(need_rehab) 应为 0 或 1：「2」'; English: 'need_rehab: must be 0 or 1 («2»)'.
    The loader stores the two languages and the value in separate columns, so nothing is split here;
    ID-number, phone and bank-card shapes are masked either way (mask_personal, a second guard)."""
    text = reason_zh if labels.zh else reason_en
    text = "" if _missing(text) else str(text)
    if not _missing(value):
        text += labels("rejects.value", value=value)
    return mask_personal(text)


def _missing(x: Any) -> bool:
    return x is None or (isinstance(x, float) and x != x) or x is pd.NA


def _rule_words(d: pd.DataFrame, labels: Labels) -> list[str]:
    """The rule of each reject in words, from the label_zh / label_en columns of queries.rejects
    (table reject_rules); the rule key where the load recorded no words for it."""
    words = d.get("label_zh" if labels.zh else "label_en", pd.Series(None, index=d.index, dtype=object))
    return [str(rule) if _missing(word) else str(word) for rule, word in zip(d["rule"], words)]


def rejects_table(rejects: pd.DataFrame, labels: Labels) -> pd.DataFrame:
    """Every broken rule of every rejected row with its reason (queries.rejects), labelled for the
    people who fix the source system."""
    L = labels
    d = rejects if rejects is not None else pd.DataFrame(
        columns=["file", "row_number", "column_name", "rule", "label_zh", "label_en", "value",
                 "reason_zh", "reason_en", "raw_row"])
    out = pd.DataFrame({
        L("rejects.file"): d["file"].astype(str),
        L("rejects.row"): pd.to_numeric(d["row_number"], errors="coerce").astype("Int64"),
        L("rejects.column"): d["column_name"].fillna("").astype(str),
        L("rejects.rule"): d["rule"].astype(str),
        L("rejects.rule_words"): _rule_words(d, L),
        L("rejects.reason"): [reason_text(a, b, v, L) for a, b, v in zip(d["reason_zh"], d["reason_en"], d["value"])],
        L("rejects.raw_row"): mask_personal_series(d["raw_row"].fillna("").astype(str)).to_numpy(),
    })
    return out.reset_index(drop=True)


def rejects_by_rule(rejects: pd.DataFrame, labels: Labels) -> pd.DataFrame:
    """One row per (file, column, rule): rows rejected by it and the first such row as a masked example."""
    L = labels
    cols = [L("rejects.file"), L("rejects.column"), L("rejects.rule_short"), L("rejects.rows"),
            L("rejects.example_row"), L("rejects.example_reason"), L("rejects.example_raw_row")]
    if rejects is None or rejects.empty:
        return pd.DataFrame(columns=cols)
    d = rejects.assign(column_name=rejects["column_name"].fillna(""), words=_rule_words(rejects, L))
    rows = []
    for (file, column, rule), part in d.groupby(["file", "column_name", "rule"], sort=False):
        first = part.sort_values("row_number").iloc[0]
        rows.append([file, column, f"{first['words']} ({rule})", part["row_number"].nunique(),
                     int(first["row_number"]),
                     reason_text(first["reason_zh"], first["reason_en"], first["value"], L),
                     mask_personal(str(first["raw_row"] or ""))])
    out = pd.DataFrame(rows, columns=cols)
    return out.sort_values([cols[3], cols[0]], ascending=[False, True], kind="stable").reset_index(drop=True)


def to_csv_bom(frame: pd.DataFrame) -> bytes:
    """CSV in UTF-8 with a byte-order mark, so Excel opens Chinese text correctly; text that a
    spreadsheet would run as a formula gets an apostrophe in front (formula_safe), headers included.
    Rows end in CRLF (RFC 4180), so a carriage return inside a cell is quoted, not a row break."""
    safe = frame.rename(columns=formula_safe)
    for col in safe.columns:
        if _is_text(safe[col]):
            safe[col] = safe[col].map(formula_safe)
    return safe.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")
