"""The cases a loaded database shows, handed to the operational database (`access.cases.sync`).

One definition for the command line (`python -m subsidy build` syncs after the swap) and the dashboard
(which syncs once per database file version, for a database built any other way): the worklist of the
analyst API (`queries.worklist`, every area: this is the system's bookkeeping, not a reader's query)
as `access.cases.CURRENT_COLUMNS`, and the load's id from load_info. No name or ID number is handed over.
"""
from __future__ import annotations

import hashlib
import json

import pandas as pd
import sqlalchemy as sa
from sqlalchemy import Engine

import queries
from access import cases
from access.schema import cases as case_table


def current_cases(worklist: pd.DataFrame) -> pd.DataFrame:
    """`queries.worklist` rows as the operational database keeps them: gap = the item ('stop:death' or
    a gap key), period = the case's month 'YYYY-MM', amount_yuan to the cent."""
    return pd.DataFrame({
        "case_key": worklist["case_key"].astype(str),
        "gap": worklist["item"].astype(str),
        "town": worklist["town"],
        "village": worklist["village"],
        "person_id": worklist["person_id"],
        "program_id": worklist["program_id"],
        "period": pd.to_datetime(worklist["month"], errors="coerce").dt.strftime("%Y-%m"),
        "amount_yuan": pd.to_numeric(worklist["amount_yuan"], errors="coerce").round(2),
    })


def load_id(con) -> str:
    """The load's id: when it was loaded and a digest of everything load_info recorded about it (source
    folder, data date…), e.g. '2026-12-02 06:58:45 3f9a1c0b2d4e' (at most 64 characters)."""
    info = queries.load_info(con)
    facts = dict(zip(info["key"].astype(str), info["value"].astype(str)))
    digest = hashlib.sha256(json.dumps(facts, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:12]
    return f"{facts.get('loaded_at', 'unknown load')[:40]} {digest}"


def in_sync(eng: Engine, current: pd.DataFrame, load: str) -> bool:
    """True when the stored cases are already this load's: every open case was last seen in `load` and
    they are as many as `current` (what `cases.sync` would leave). Two counts instead of the sync's read
    of every stored case, so a dashboard process that finds the build already synced pays ~nothing."""
    with eng.connect() as c:
        here, elsewhere = c.execute(sa.select(
            sa.func.count().filter(case_table.c.last_seen_load == load),
            sa.func.count().filter(case_table.c.last_seen_load != load),
        ).where(case_table.c.resolved_at.is_(None))).one()
    return elsewhere == 0 and here == len(current)


def sync_database(eng: Engine, con) -> cases.SyncResult:
    """Sync the cases of the database open on `con` into the operational database `eng` (nothing is
    written when they are in sync already: the result is then what a second sync would report)."""
    current, load = current_cases(queries.worklist(con)), load_id(con)
    if in_sync(eng, current, load):
        return cases.SyncResult(new=0, still_open=len(current), resolved_by_data=0, reappeared=0)
    return cases.sync(eng, current, load)
