"""The dashboard's side of the worklist's follow-up (access.cases): the cases of the loaded database are
synced into the operational database once per database file version (`access.case_sync`), before any
page shows a status, so a status set before a rebuild is there after it and a case the new data no
longer shows is marked resolved by the data, whichever way the database was built."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from access import case_sync, cases
from access import db as ops_db
from dashboard import auth, store


@st.cache_resource(show_spinner=False, max_entries=4)
def _synced(version: tuple[str, int, int], ops_url: str) -> cases.SyncResult:
    return case_sync.sync_database(auth.ops(), store.connection())


def ensure_synced() -> cases.SyncResult:
    """Sync the current database's cases (once per file version and operational database)."""
    return _synced(store.current_version(), ops_db.url())


def statuses(keys=None, *, snapshot: bool = False) -> pd.DataFrame:
    """The follow-up of the principal's cases (its area only), after the sync."""
    ensure_synced()
    return cases.statuses(auth.ops(), keys, principal=store.principal(), snapshot=snapshot)
