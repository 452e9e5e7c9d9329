"""Follow-up of worklist cases that survives every load (issue 11, part 3).

The analytical file is replaced at each load; the follow-up lives in the operational database
(`cases`, `case_history` in access/schema.py). The analytical side names each case by a stable text key
(`case_key`, opaque here) and hands over the cases the current data shows; this module keeps their
status, the money recovered, a note, who changed them and when, and every change in an append-only
history.

- `sync(eng, current, load_id)`: after a load. New keys open as `pending`; a stored case the data no
  longer shows becomes `resolved_by_data` (kept, never deleted); one that shows again returns to the
  status it had. Idempotent for the same load; a few set-wise statements, not one per case.
- `statuses(eng, keys, town=, village=, principal=)`: the status columns to merge on case_key.
- `update(eng, principal, changes, source=)`: a caseworker's changes, every one checked before any is
  applied (`check`), then applied in one transaction with their history rows and one audit event.
- `history(eng, case_key)`: the changes of one case, oldest first.
- `workbook(cases, lang)` / `read_workbook(data, filename, principal, eng)` / `upload(...)`: the Excel
  round-trip (a status dropdown, the other columns locked and grey; an upload with one bad row applies
  nothing and names the row).

Rights (access.roles.Role): changing a case needs `follow_up` (town and village caseworkers, in their
area); reading the statuses needs `lists` (leader and analyst read every area). No name or ID number is
stored here: `person_id` is pseudonymous, and ID-number, phone and bank-card shapes typed into a note
are masked before it is stored.
"""
from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

import openpyxl
import pandas as pd
from openpyxl.utils.exceptions import InvalidFileException
from sqlalchemy import Connection, Engine, and_, bindparam, case, func, insert, select
from sqlalchemy import update as sql_update

from access import audit
from access.accounts import as_utc, now
from access.roles import AccessDenied, Principal, ScopeError
from access.schema import CASE_STATUSES as CASE_STATUSES
from access.schema import SYSTEM_STATUSES as SYSTEM_STATUSES
from access.schema import USER_STATUSES as USER_STATUSES
from access.schema import audit_log, case_history, cases
from contract.masking import mask_personal, mask_personal_series
from contract.sheets import FORMULA_START, excel_writer
from vocab import column_label, t
from vocab.text import TEXT

# the columns the analytical side hands over (one row per case), and the part of them a sync refreshes
CURRENT_COLUMNS = ("case_key", "gap", "town", "village", "person_id", "program_id", "period", "amount_yuan")
SNAPSHOT = CURRENT_COLUMNS[1:]
STATUS_COLUMNS = ("case_key", "status", "amount_recovered", "note", "updated_by", "updated_at", "opened_at",
                  "resolved_at", "first_seen_load", "last_seen_load")
EDITABLE = ("status", "amount_recovered", "note")
NOTE_LIMIT = 2000
CENT = Decimal("0.01")
_CHUNK = 500                   # keys per IN (…) list: well under SQLite's and PostgreSQL's parameter limits
_LOCK_ID = 72100911            # PostgreSQL advisory lock of case writes (db.py's migration lock is 72100910)
SHEET_ORIGINAL = "_cases_v1"   # the workbook's hidden sheet: what was downloaded (marks the file as ours)


@dataclass(frozen=True)
class SyncResult:
    """What one sync did: cases opened, still shown and open, resolved by the data, shown again."""

    new: int
    still_open: int
    resolved_by_data: int
    reappeared: int


@dataclass(frozen=True)
class CaseChange:
    """A caseworker's new values for one case (the whole editable part: status, amount, note).
    `row` is the workbook row it came from (None from the page)."""

    case_key: str
    status: str
    amount_recovered: Decimal | float | int | str | None = None
    note: str | None = None
    row: int | None = None


@dataclass(frozen=True)
class CaseError:
    """One broken rule: where (file, row, column, case) and which rule, with the values its message needs."""

    rule: str
    case_key: str | None = None
    row: int | None = None
    column: str | None = None
    file: str | None = None
    value: str | None = None
    extra: tuple[tuple[str, Any], ...] = ()

    def text(self, lang: str = "zh") -> str:
        """The error in `lang`: where it is, then the rule ('cases.xlsx 第 3 行 · 「处理状态」列 · …')."""
        where = []
        if self.file is not None:
            where.append(t("case.where_row", lang, file=self.file, row=self.row) if self.row is not None
                         else t("case.where_file", lang, file=self.file))
        elif self.row is not None:
            where.append(t("case.where_row", lang, file="", row=self.row).strip(" ,"))
        if self.column is not None:
            where.append(t("case.where_column", lang, column=header(self.column, lang)))
        if self.case_key is not None:
            where.append(t("case.where_case", lang, case=self.case_key))
        # the value typed is shown back, with any ID-number or phone shape in it masked
        value = None if self.value is None else mask_personal(self.value)
        fmt = {"choices": _choices(lang), **dict(self.extra)}   # in `lang`: the status choices, a role
        if "role" in fmt:
            fmt["role"] = t(f"role.{fmt['role']}", lang)
        rule = t(f"case.error.{self.rule}", lang, value=value, **fmt)
        return " · ".join(where + [rule])


class CaseUpdateError(ValueError):
    """Changes refused: `errors` lists every broken rule (nothing was applied)."""

    def __init__(self, errors: Sequence[CaseError]):
        self.errors = list(errors)
        super().__init__("\n".join(e.text("en") for e in self.errors))

    def messages(self, lang: str = "zh") -> list[str]:
        """One line per error in `lang`."""
        return [e.text(lang) for e in self.errors]


# ---------------------------------------------------------------- words
def status_label(code: str, lang: str = "zh") -> str:
    """A status code's label ('recovered' → '已追回' / 'Recovered')."""
    return t(f"case_status.{code}", lang)


def header(column: str, lang: str = "zh") -> str:
    """A workbook header: this module's columns from vocab ("case.col.*"), the API's from COLUMN_LABELS."""
    key = f"case.col.{column}"
    return t(key, lang) if key in TEXT else column_label(column, lang)


def _status_codes() -> dict[str, str]:
    """Every spelling a workbook may hold → the status code: the code, the Chinese and English labels."""
    out = {}
    for code in CASE_STATUSES:
        for spelling in (code, status_label(code, "zh"), status_label(code, "en")):
            out[spelling.casefold()] = code
    return out


def _choices(lang: str) -> str:
    return ("、" if lang == "zh" else ", ").join(status_label(s, lang) for s in USER_STATUSES)


# ---------------------------------------------------------------- values
def _text(x: Any) -> str | None:
    """A cell or frame value as text, None for blank / NaN / NA."""
    if isinstance(x, str):
        return x.strip() or None
    if x is None or (pd.api.types.is_scalar(x) and pd.isna(x)):
        return None
    return str(x).strip() or None


def money(x: Any) -> Decimal | None:
    """An amount as Decimal yuan with at most two decimals; None for blank; ValueError when it is not a
    number of at least 0 with at most two decimals (commas, '元' and '¥' are allowed in text)."""
    if _text(x) is None:
        return None
    if isinstance(x, bool):
        raise ValueError(x)
    raw = x if isinstance(x, Decimal) else str(x).strip().replace(",", "").replace("，", "").removesuffix("元")
    try:
        d = Decimal(raw.removeprefix("¥").strip() if isinstance(raw, str) else raw)
    except InvalidOperation:
        raise ValueError(x) from None
    if not d.is_finite() or d < 0 or d != d.quantize(CENT):
        raise ValueError(x)
    return d.quantize(CENT)


def _amount(x: Any) -> Decimal | None:
    """An analytical amount (float, Decimal or None) rounded to the fen."""
    if _text(x) is None:
        return None
    return Decimal(str(x)).quantize(CENT, rounding=ROUND_HALF_UP)


_DIGIT = re.compile(r"[0-9０-９]")


def _notes(values: Sequence[Any]) -> list[str | None]:
    """Notes as stored: stripped, blank → None, ID-number / phone / bank-card shapes masked (one masking
    query for all; a note without a digit holds no such shape and skips it)."""
    texts = [_text(v) for v in values]
    todo = [i for i, x in enumerate(texts) if x is not None and _DIGIT.search(x)]
    if todo:
        for i, masked in zip(todo, mask_personal_series(pd.Series([texts[i] for i in todo], dtype=object))):
            texts[i] = masked
    return texts


def _chunks(keys: Sequence[str]) -> Iterable[list[str]]:
    for i in range(0, len(keys), _CHUNK):
        yield list(keys[i:i + _CHUNK])


def _write_lock(c: Connection) -> None:
    """Take the write lock first, so what is read below is what is written against: SQLite's
    BEGIN IMMEDIATE (the busy timeout waits for another writer), a transaction advisory lock on PostgreSQL."""
    if c.dialect.name == "sqlite":
        c.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        c.exec_driver_sql(f"select pg_advisory_xact_lock({_LOCK_ID})")


# ---------------------------------------------------------------- sync after a load
def _current_rows(current: pd.DataFrame) -> dict[str, tuple]:
    """case_key → snapshot tuple (SNAPSHOT order) of the analytical side's frame; ValueError naming the
    problem when a column is missing or a key is blank, too long or repeated."""
    missing = [c for c in CURRENT_COLUMNS if c not in current.columns]
    if missing:
        raise ValueError(f"cases frame lacks columns {missing}")
    out: dict[str, tuple] = {}
    # column lists, not itertuples: pandas' Arrow-backed strings iterate slowly cell by cell
    for row in zip(*(current[c].astype(object).tolist() for c in CURRENT_COLUMNS)):
        key = _text(row[0])
        if key is None or len(key) > 255:
            raise ValueError(f"case_key must be text of 1 to 255 characters: {row[0]!r}")
        if key in out:
            raise ValueError(f"case_key {key!r} appears twice in the current cases")
        gap = _text(row[1])
        if gap is None:
            raise ValueError(f"case {key!r} has no gap")
        out[key] = (gap, *(_text(v) for v in row[2:-1]), _amount(row[-1]))
    return out


def _history_row(key: str, at, source: str, old: str | None, new: str, *, load_id: str | None = None,
                 who: Principal | None = None, amount: Decimal | None = None, note: str | None = None) -> dict:
    return dict(case_key=key, at=at, username=who.username if who else None, role=who.role if who else None,
                source=source, load_id=load_id, old_status=old, new_status=new, amount_recovered=amount, note=note)


def sync(eng: Engine, current: pd.DataFrame, load_id: str) -> SyncResult:
    """Bring the stored cases in line with `current` (one row per case the load `load_id` shows:
    CURRENT_COLUMNS). New keys open as pending; stored open keys absent from `current` become
    resolved_by_data (resolved_at set; the status they had is kept to return to); resolved keys present
    again return to that status (pending if none); every present key gets last_seen_load and its
    snapshot refreshed. Each status change writes a history row (source 'load'). Running it again for the
    same load changes nothing."""
    rows = _current_rows(current)
    at = now()
    with eng.begin() as c:
        _write_lock(c)
        stored = {r.case_key: r for r in c.execute(
            select(cases.c.case_key, cases.c.status, cases.c.status_before_resolved, cases.c.resolved_at,
                   *(cases.c[k] for k in SNAPSHOT)))}
        new = [k for k in rows if k not in stored]
        back = [k for k in rows if k in stored and stored[k].resolved_at is not None]
        gone = [k for k, r in stored.items() if r.resolved_at is None and k not in rows]
        moved = [k for k in rows if k in stored and tuple(stored[k][4:]) != rows[k]]
        history = []
        if new:
            c.execute(insert(cases), [dict(zip(SNAPSHOT, rows[k]), case_key=k, status="pending", opened_at=at,
                                           first_seen_load=load_id, last_seen_load=load_id) for k in new])
            history += [_history_row(k, at, "load", None, "pending", load_id=load_id) for k in new]
        for part in _chunks(gone):
            c.execute(sql_update(cases).where(cases.c.case_key.in_(part)).values(
                status="resolved_by_data", status_before_resolved=cases.c.status, resolved_at=at))
        history += [_history_row(k, at, "load", stored[k].status, "resolved_by_data", load_id=load_id)
                    for k in gone]
        returned = case((cases.c.status == "resolved_by_data",
                         func.coalesce(cases.c.status_before_resolved, "pending")), else_=cases.c.status)
        for part in _chunks(back):
            c.execute(sql_update(cases).where(cases.c.case_key.in_(part)).values(
                status=returned, status_before_resolved=None, resolved_at=None))
        history += [_history_row(k, at, "load", stored[k].status, _returned(stored[k]), load_id=load_id)
                    for k in back]
        if moved:
            c.execute(sql_update(cases).where(cases.c.case_key == bindparam("k")).values(
                {col: bindparam(f"v_{col}") for col in SNAPSHOT}),
                [{"k": k, **{f"v_{col}": v for col, v in zip(SNAPSHOT, rows[k])}} for k in moved])
        # after the two updates above, the open cases are exactly the keys this load shows
        c.execute(sql_update(cases).where(and_(cases.c.resolved_at.is_(None), cases.c.last_seen_load != load_id))
                  .values(last_seen_load=load_id))
        if history:
            c.execute(insert(case_history), history)
    return SyncResult(new=len(new), still_open=len(rows) - len(new) - len(back), resolved_by_data=len(gone),
                      reappeared=len(back))


def _returned(row) -> str:
    return (row.status_before_resolved or "pending") if row.status == "resolved_by_data" else row.status


# ---------------------------------------------------------------- reading
def _frame(result, columns: Sequence[str], times: Sequence[str] = ()) -> pd.DataFrame:
    df = pd.DataFrame(result, columns=list(columns))
    for col in times:
        df[col] = pd.to_datetime(df[col].map(as_utc), utc=True)
    return df


def _area_filter(q, town: str | None, village: str | None, principal: Principal | None):
    """`q` limited to town/village; with `principal`, held to its area (another area raises ScopeError,
    a role without the lists right AccessDenied)."""
    if principal is not None:
        if not principal.rights.lists:
            raise AccessDenied(f"{principal.role} may not read worklist cases")
        for asked, mine, what in ((town, principal.town, "town"), (village, principal.village, "village")):
            if mine is not None and asked not in (None, "", mine):
                raise ScopeError(f"{principal.username} ({principal.role}) may not read the cases of {what} "
                                 f"{asked!r}: the account covers {principal.village or principal.town}")
        town, village = principal.town or town, principal.village or village
    if town:
        q = q.where(cases.c.town == town)
    if village:
        q = q.where(cases.c.village == village)
    return q


def statuses(eng: Engine, keys: Iterable[str] | None = None, *, town: str | None = None,
             village: str | None = None, principal: Principal | None = None, snapshot: bool = False) -> pd.DataFrame:
    """The follow-up of the stored cases, one row per case_key: STATUS_COLUMNS (times in UTC; days open
    = (resolved_at, or the time of a closing status's updated_at, or now) − opened_at), plus the snapshot
    columns (gap, town, … amount_yuan) with `snapshot` for cases the current data no longer shows.
    Limited to `keys`, to a town / village, and with `principal` to what it may read."""
    columns = STATUS_COLUMNS + (SNAPSHOT if snapshot else ())
    q = _area_filter(select(*(cases.c[k] for k in columns)).order_by(cases.c.case_key), town, village, principal)
    with eng.connect() as c:
        if keys is None:
            rows = c.execute(q).all()
        else:
            wanted = sorted({str(k) for k in keys})
            rows = [r for part in _chunks(wanted) for r in c.execute(q.where(cases.c.case_key.in_(part)))]
    return _frame(rows, columns, ("updated_at", "opened_at", "resolved_at"))


def history(eng: Engine, case_key: str) -> pd.DataFrame:
    """The history of one case, oldest first: at, username, role, source, load_id, old_status,
    new_status, amount_recovered, note."""
    columns = [c.name for c in case_history.c if c.name not in ("id", "case_key")]
    q = select(*(case_history.c[k] for k in columns)).where(case_history.c.case_key == case_key) \
        .order_by(case_history.c.id)
    with eng.connect() as c:
        return _frame(c.execute(q).all(), columns, ("at",))


# ---------------------------------------------------------------- a caseworker's changes
_STORED = (cases.c.case_key, cases.c.town, cases.c.village, cases.c.person_id, cases.c.status,
           cases.c.amount_yuan, cases.c.amount_recovered, cases.c.note)


def _stored(c: Connection, keys: Iterable[str]) -> dict[str, Any]:
    wanted = sorted({k for k in keys if k})
    return {r.case_key: r for part in _chunks(wanted)
            for r in c.execute(select(*_STORED).where(cases.c.case_key.in_(part)))}


def _check(principal: Principal, changes: Sequence[CaseChange], stored: dict[str, Any]) -> list[CaseError]:
    """Every broken rule of `changes` against the stored cases (see `check`)."""
    if not principal.rights.follow_up:
        return [CaseError("no_right", extra=(("role", principal.role),))]
    errors: list[CaseError] = []
    seen: dict[str, int | None] = {}
    for ch in changes:
        key = _text(ch.case_key)

        def err(rule: str, column: str, value: Any = None, **extra: Any) -> None:
            errors.append(CaseError(rule, key, ch.row, column, value=None if value is None else str(value)[:60],
                                    extra=tuple(extra.items())))

        if key is None:
            err("missing_case_key", "case_key")
            continue
        if key in seen:
            err("duplicate_case", "case_key", other=seen[key] if seen[key] is not None else "?")
            continue
        seen[key] = ch.row
        row = stored.get(key)
        if row is None:
            err("unknown_case", "case_key")
            continue
        if row.town != principal.town or (principal.village is not None and row.village != principal.village):
            err("out_of_area", "case_key", area=principal.village or principal.town)
            continue
        if ch.status not in USER_STATUSES and ch.status != row.status:
            err("not_user_status", "status", ch.status)
        try:
            amount = money(ch.amount_recovered)
        except ValueError:
            err("bad_amount", "amount_recovered", ch.amount_recovered)
            amount = None
        else:
            if amount and row.amount_yuan is None:     # not surveyed, …: no money at stake, none to recover
                err("no_money", "amount_recovered", amount)
            elif amount is not None and row.amount_yuan is not None and amount > row.amount_yuan:
                err("amount_over", "amount_recovered", amount, limit=row.amount_yuan)
        if ch.status == "recovered" and not amount:
            err("recovered_needs_amount", "amount_recovered", ch.amount_recovered)
        if len(_text(ch.note) or "") > NOTE_LIMIT:
            err("note_too_long", "note", limit=NOTE_LIMIT)
    return errors


def check(eng: Engine, principal: Principal, changes: Sequence[CaseChange]) -> list[CaseError]:
    """Every broken rule of `changes`, none applied: the role has no follow_up right; a case key missing,
    repeated or unknown; a case outside the principal's town (village); a status that is not a user
    status (a case already resolved_by_data may keep it); an amount recovered that is not a number ≥ 0
    with at most two decimals, above the case's amount, or given for a case without money; 'recovered'
    without an amount above 0; a note above NOTE_LIMIT characters."""
    with eng.connect() as c:
        return _check(principal, changes, _stored(c, (_text(ch.case_key) for ch in changes)))


def update(eng: Engine, principal: Principal | None, changes: Sequence[CaseChange], *, source: str,
           page: str | None = None, session: str | None = None) -> int:
    """Apply `changes` (source 'page' or 'excel') all or nothing: every change is checked first (`check`;
    CaseUpdateError listing every broken rule), then, in one transaction, each change that differs from
    the stored case is written with its history row, and one audit event (case_update: how many cases and
    persons, the new statuses by code). Returns how many cases changed."""
    if principal is None:
        raise AccessDenied("worklist cases: nobody is signed in")
    if source not in ("page", "excel"):
        raise ValueError(f"source must be 'page' or 'excel', not {source!r}")
    changes = list(changes)
    at = now()
    with eng.begin() as c:
        _write_lock(c)
        stored = _stored(c, (_text(ch.case_key) for ch in changes))
        errors = _check(principal, changes, stored)
        if errors:
            raise CaseUpdateError(errors)
        todo = []    # (stored row, status, amount, note) of each change that changes something
        for ch, note in zip(changes, _notes([ch.note for ch in changes])):
            row, new = stored[_text(ch.case_key)], (ch.status, money(ch.amount_recovered), note)
            if new != (row.status, row.amount_recovered, row.note):
                todo.append((row, *new))
        if not todo:
            return 0
        values = [dict(k=row.case_key, v_status=status, v_amount=amount, v_note=note)
                  for row, status, amount, note in todo]
        c.execute(sql_update(cases).where(cases.c.case_key == bindparam("k")).values(
            status=bindparam("v_status"), amount_recovered=bindparam("v_amount"), note=bindparam("v_note"),
            updated_by=principal.username, updated_at=at), values)
        c.execute(insert(case_history), [
            _history_row(v["k"], at, source, row.status, v["v_status"], who=principal, amount=v["v_amount"],
                         note=v["v_note"]) for v, (row, *_) in zip(values, todo)])
        counts = pd.Series([v["v_status"] for v in values]).value_counts().sort_index()
        c.execute(insert(audit_log).values(**audit.entry(
            principal, "case_update", page=page, session=session, what=f"cases:{source}",
            persons=len({row.person_id for row, *_ in todo}),
            detail=f"{len(todo)} cases: " + ", ".join(f"{s} {n}" for s, n in counts.items()))))
    return len(todo)


# ---------------------------------------------------------------- the Excel round-trip
def _cell(value: Any) -> Any:
    """A frame value as an Excel cell value: None for blank, numbers as numbers, times as text."""
    if _text(value) is None:
        return None
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.datetime):   # pd.Timestamp too; SQLite's naive times are UTC
        ts = pd.Timestamp(value)
        return (ts.tz_convert("Asia/Shanghai") if ts.tzinfo else ts).strftime("%Y-%m-%d %H:%M")
    if hasattr(value, "item") and not isinstance(value, str):   # numpy scalars
        return value.item()
    return value


def workbook(cases_: pd.DataFrame, lang: str = "zh") -> bytes:
    """An .xlsx of `cases_` (one row per case: case_key, the context columns the caller chose, masked or
    unmasked as the role allows, and optionally the current status, amount_recovered and note) for
    caseworkers to fill in: the context columns locked and grey, status a dropdown of the user statuses in
    `lang`, amount recovered and note editable. A hidden sheet keeps what was downloaded, so an upload
    ignores the rows nobody changed (`read_workbook`)."""
    if "case_key" not in cases_.columns:
        raise ValueError("workbook: the cases frame needs a case_key column")
    context = [c for c in cases_.columns if c != "case_key" and c not in EDITABLE]
    columns = ["case_key", *context, *EDITABLE]
    n = len(cases_)
    status = cases_["status"] if "status" in cases_ else pd.Series(["pending"] * n, index=cases_.index)
    edit = pd.DataFrame({
        "status": [s if isinstance(s, str) and s in CASE_STATUSES else "pending" for s in status],
        "amount_recovered": [money(a) for a in cases_.get("amount_recovered", pd.Series([None] * n))],
        "note": [_text(x) for x in cases_.get("note", pd.Series([None] * n))],
    }, index=cases_.index)
    buf = io.BytesIO()
    with excel_writer(buf) as xw:
        book = xw.book
        look = {"border": 1, "border_color": "#BFBFBF", "valign": "top"}
        fmt = {
            "head_locked": book.add_format({**look, "bold": True, "bg_color": "#D9D9D9", "text_wrap": True}),
            "head_edit": book.add_format({**look, "bold": True, "bg_color": "#FFF2CC", "text_wrap": True}),
            "locked": book.add_format({**look, "bg_color": "#EDEDED", "font_color": "#595959"}),
            "locked_text": book.add_format({**look, "bg_color": "#EDEDED", "font_color": "#595959",
                                            "quote_prefix": True}),
            "edit": book.add_format({**look, "locked": False}),
            "edit_text": book.add_format({**look, "locked": False, "quote_prefix": True, "text_wrap": True}),
            "money": book.add_format({**look, "locked": False, "num_format": "0.00"}),
        }
        ws = book.add_worksheet(t("case.sheet", lang))
        for j, col in enumerate(columns):
            editable = col in EDITABLE
            ws.write_string(0, j, header(col, lang), fmt["head_edit" if editable else "head_locked"])
            values = [status_label(s, lang) for s in edit["status"]] if col == "status" else \
                list(edit[col]) if editable else list(cases_[col])
            style = "money" if col == "amount_recovered" else "edit" if editable else "locked"
            for i, v in enumerate(values, start=1):
                v = _cell(v)
                if v is None:
                    ws.write_blank(i, j, None, fmt[style])
                elif isinstance(v, str):
                    text_style = "edit_text" if editable else "locked_text"
                    ws.write_string(i, j, v, fmt[text_style] if v.startswith(FORMULA_START) or col == "note"
                                    else fmt[style])
                else:
                    ws.write(i, j, v, fmt[style])
            width = max([len(header(col, lang)) * 2] + [len(str(v)) for v in values[:200]]) + 2
            ws.set_column(j, j, min(max(width, 10), 60 if col == "note" else 40))
        last = max(n, 1)
        j_status = columns.index("status")
        ws.data_validation(1, j_status, last, j_status, {
            "validate": "list", "source": [status_label(s, lang) for s in USER_STATUSES],
            "input_title": header("status", lang)[:32], "input_message": t("case.status_help", lang)[:255]})
        j_amount = columns.index("amount_recovered")
        ws.data_validation(1, j_amount, last, j_amount, {"validate": "decimal", "criteria": ">=", "value": 0})
        ws.freeze_panes(1, 1)
        ws.autofilter(0, 0, last, len(columns) - 1)
        # locked cells are locked only on a protected sheet; no password: it guards against slips, not people
        ws.protect("", {"autofilter": True, "sort": True, "format_columns": True, "select_locked_cells": True,
                        "select_unlocked_cells": True})
        orig = book.add_worksheet(SHEET_ORIGINAL)
        for j, col in enumerate(("case_key", *EDITABLE)):
            orig.write_string(0, j, col)
            values = cases_["case_key"] if col == "case_key" else edit[col]
            for i, v in enumerate(values, start=1):
                v = _cell(v)
                if v is not None:
                    orig.write_string(i, j, v) if isinstance(v, str) else orig.write(i, j, v)
        orig.protect()
        orig.very_hidden()
        ws.activate()
    return buf.getvalue()


def _error(rule: str, filename: str, **kw: Any) -> CaseUpdateError:
    return CaseUpdateError([CaseError(rule, file=filename, **kw)])


def _open(data: bytes, filename: str):
    """The workbook in `data`, or CaseUpdateError: empty, not an .xlsx, not one of ours."""
    if not data:
        raise _error("empty_file", filename)
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, TypeError):
        raise _error("not_xlsx", filename) from None
    if SHEET_ORIGINAL not in book.sheetnames:
        book.close()
        raise _error("not_ours", filename)
    return book


def _header_codes() -> dict[str, str]:
    """Header text (Chinese, English or the code, any case) → column code, for the columns read back."""
    return {spelling.casefold(): col for col in ("case_key", *EDITABLE)
            for spelling in (col, header(col, "zh"), header(col, "en"))}


def _rows(sheet, filename: str) -> tuple[dict[str, int], list[tuple[int, tuple]]]:
    """(column code → index, [(Excel row number, values)]) of the cases sheet; missing columns raise."""
    rows = sheet.iter_rows(values_only=True)
    head = next(rows, None) or ()
    known = _header_codes()
    where: dict[str, int] = {}
    for j, h in enumerate(head):
        code = known.get((_text(h) or "").casefold())
        if code is not None and code not in where:
            where[code] = j
    missing = [col for col in ("case_key", *EDITABLE) if col not in where]
    if missing:
        raise CaseUpdateError([CaseError("missing_column", column=col, file=filename, row=1) for col in missing])
    body = [(i, r) for i, r in enumerate(rows, start=2) if any(_text(v) is not None for v in r)]
    return where, body


def _original(book) -> dict[str, tuple]:
    """What the workbook was downloaded with: case_key → (status, amount, note)."""
    out = {}
    for r in list(book[SHEET_ORIGINAL].iter_rows(values_only=True))[1:]:
        key = _text(r[0]) if r else None
        if key is not None:
            r = tuple(r) + (None,) * (4 - len(r))
            try:
                out[key] = (_text(r[1]), money(r[2]), _text(r[3]))
            except ValueError:   # an edited hidden sheet: the row counts as changed
                continue
    return out


def read_workbook(data: bytes, filename: str, principal: Principal, eng: Engine) -> list[CaseChange]:
    """The changes in an uploaded workbook made by `workbook` (headers and status labels in Chinese or
    English, or status codes; rows nobody changed are left out), every one checked (`check`).
    CaseUpdateError names file, row, column, case and rule of each problem: an empty file, a file that
    is not an .xlsx or not one of ours, a missing column, a bad status or amount, and every rule of
    `check`. Nothing is written: pass the result to `update(..., source="excel")` (or call `upload`)."""
    book = _open(data, filename)
    try:
        main = next((book[n] for n in book.sheetnames if n != SHEET_ORIGINAL), None)
        if main is None:
            raise _error("not_ours", filename)
        where, body = _rows(main, filename)
        original = _original(book)
    finally:
        book.close()
    codes = _status_codes()
    errors: list[CaseError] = []
    changes: list[CaseChange] = []
    for i, r in body:
        r = tuple(r) + (None,) * (max(where.values()) + 1 - len(r))
        key = _text(r[where["case_key"]])
        raw_status = _text(r[where["status"]])
        status = codes.get((raw_status or "").casefold())
        if status is None:
            errors.append(CaseError("not_user_status", key, i, "status", filename, raw_status or ""))
            continue
        raw_amount = r[where["amount_recovered"]]
        try:
            amount = money(raw_amount)
        except ValueError:
            errors.append(CaseError("bad_amount", key, i, "amount_recovered", filename, str(raw_amount)[:60]))
            continue
        note = _text(r[where["note"]])
        if key is not None and original.get(key) == (status, amount, note):
            continue
        changes.append(CaseChange(key or "", status, amount, note, row=i))
    errors += [CaseError(e.rule, e.case_key, e.row, e.column, filename, e.value, e.extra)
               for e in check(eng, principal, changes)]
    if errors:
        raise CaseUpdateError(sorted(errors, key=lambda e: (e.row or 0, e.column or "")))
    return changes


def upload(eng: Engine, principal: Principal, data: bytes, filename: str, *, page: str | None = None,
           session: str | None = None) -> int:
    """Read an uploaded workbook and apply its changes (`read_workbook`, then `update` with source
    'excel'); returns how many cases changed. One bad row: nothing applied, CaseUpdateError names it."""
    return update(eng, principal, read_workbook(data, filename, principal, eng), source="excel", page=page,
                  session=session)
