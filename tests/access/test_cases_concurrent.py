"""Two processes syncing the worklist at once (access.cases.sync) on a real SQLite file and a real
PostgreSQL server: two dashboard servers may both see a new load."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pandas as pd
import sqlalchemy as sa

from access import cases
from access import db as ops
from access.cases import SyncResult
from access.schema import case_history


def test_two_syncs_of_the_same_load_at_once_do_not_collide(eng, ops_url):
    """The write lock taken first makes one sync wait; the second then finds nothing to do (no duplicate
    key, no second history row). Without the lock both insert the 3,000 new keys and one fails."""
    many = pd.DataFrame([dict(case_key=f"paid_twice:P{i:07d}", gap="paid_twice", town="城东街道", village="东门社区",
                              person_id=f"P{i:07d}", program_id="XM01", period="2020-05", amount_yuan=10.0)
                         for i in range(3000)])
    other = ops.make_engine(ops_url)
    with ThreadPoolExecutor(2) as pool:
        got = sorted(pool.map(lambda e: cases.sync(e, many, "L1"), (eng, other)), key=lambda r: r.new)
    other.dispose()
    assert got == [SyncResult(0, 3000, 0, 0), SyncResult(3000, 0, 0, 0)]
    with eng.connect() as c:
        assert c.execute(sa.select(sa.func.count()).select_from(case_history)).scalar() == 3000
