"""The audit log: append-only (the database's triggers refuse UPDATE and DELETE), one row per event.

Events: sign_in, sign_in_failed, account_locked, sign_out, session_timeout, view (a page with its
filters), list (a person list shown), download (an Excel or CSV), pack (a report pack), and the account
changes (account_added, account_changed, account_disabled, account_enabled, password_reset), and case_update (worklist
cases changed on the page or by an uploaded workbook, `access.cases`). Never a password, never an
unmasked name or ID number: `persons` counts them, `unmasked` says whether they were shown in full.
"""
from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pandas as pd
from sqlalchemy import Engine, insert, select

from access.roles import Principal
from access.schema import audit_log

EVENTS = ("sign_in", "sign_in_failed", "account_locked", "sign_out", "session_timeout", "view", "list",
          "download", "pack", "denied", "account_added", "account_changed", "account_disabled", "account_enabled",
          "password_reset", "case_update")


def record(eng: Engine, who: Principal | str | None, event: str, **fields: Any) -> None:
    """Append one event. `who` is the principal, or a name (a failed sign-in, the command line); `fields`
    are those of `entry` (page, filters, what, persons, unmasked, detail, session, source)."""
    with eng.begin() as c:
        c.execute(insert(audit_log).values(**entry(who, event, **fields)))


def entry(who: Principal | str | None, event: str, *, page: str | None = None,
          filters: dict[str, Any] | None = None, what: str | None = None, persons: int | None = None,
          unmasked: bool = False, detail: str | None = None, session: str | None = None,
          source: str | None = None) -> dict[str, Any]:
    """The audit_log row of one event (what `record` inserts), for a caller that writes it in its own
    transaction with the change it records (`access.cases.update`)."""
    if event not in EVENTS:
        raise ValueError(f"unknown audit event {event!r}")
    if isinstance(who, Principal):
        username, role = who.username, who.role
    else:
        username, role = who, None
    if source is None:
        source = "cli" if who == "cli" else "dashboard"
    clean = {k: v for k, v in (filters or {}).items() if v not in (None, "")}
    return dict(at=dt.datetime.now(dt.timezone.utc), username=username, role=role, event=event, page=page,
                filters=json.dumps(clean, ensure_ascii=False, sort_keys=True, default=str) if clean else None,
                what=what, persons=persons, unmasked=bool(unmasked), detail=detail, source=source,
                session=session)


def entries(eng: Engine, *, username: str | None = None, event: str | None = None,
            since: dt.datetime | None = None, until: dt.datetime | None = None, limit: int = 10_000) -> pd.DataFrame:
    """Log rows, newest first, filtered by account, event and time (UTC)."""
    q = select(audit_log).order_by(audit_log.c.id.desc()).limit(limit)
    if username:
        q = q.where(audit_log.c.username == username)
    if event:
        q = q.where(audit_log.c.event == event)
    if since is not None:
        q = q.where(audit_log.c.at >= since)
    if until is not None:
        q = q.where(audit_log.c.at < until)
    with eng.connect() as c:
        rows = c.execute(q).mappings().all()
    df = pd.DataFrame(rows, columns=[c.name for c in audit_log.c])
    if not df.empty:
        df["at"] = pd.to_datetime(df["at"], utc=True)
    return df
