"""Full names and ID numbers for a caseworker's own area: the one unmasked read of the product.

`identities(con, principal, person_ids)` returns them only for a role with the unmask right, only for
persons whose town (and village) is the principal's, and the caller records what was shown
(`audit.record(..., unmasked=True)`). Everyone else keeps the masked columns of the analyst API.
"""
from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from access.roles import AccessDenied, Principal

SQL = Path(__file__).resolve().with_name("sql") / "identities.sql"


def identities(con, principal: Principal | None, person_ids: Iterable[str]) -> pd.DataFrame:
    """person_id, name, id_number of `person_ids` within the principal's area (others are left out)."""
    if principal is None or not principal.rights.unmasked or not principal.scoped:
        raise AccessDenied(f"{getattr(principal, 'role', 'nobody')} may not see full names and ID numbers")
    ids = sorted({str(i) for i in person_ids if i is not None})
    if not ids:
        return pd.DataFrame(columns=["person_id", "name", "id_number"])
    cur = con.cursor()
    try:
        return cur.execute(SQL.read_text(encoding="utf-8"),
                           {"ids": ids, "town": principal.town, "village": principal.village}).df()
    finally:
        cur.close()
