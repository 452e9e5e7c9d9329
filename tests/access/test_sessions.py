"""Sign-in sessions (access.sessions) on SQLite and PostgreSQL: a token resumes its account until it is
revoked, idle too long, expired, or the account is disabled or its password reset; only its hash is
stored; last-seen is written at most once a minute."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from access import accounts, sessions
from access.schema import sessions as sessions_table

PW = "correct horse battery"
IDLE = dt.timedelta(minutes=30)


def _principal(eng, name="zhou", role="analyst"):
    accounts.add(eng, name, role, password=PW)
    return accounts.sign_in(eng, name, PW, demo_database=False).principal


def _row(eng):
    with eng.connect() as c:
        return c.execute(sa.select(sessions_table)).first()


def test_a_token_resumes_its_account_and_only_its_hash_is_stored(eng):
    p = _principal(eng)
    token = sessions.create(eng, p)
    assert sessions.resume(eng, token, IDLE) == p
    row = _row(eng)
    assert token not in row.token_sha256 and len(row.token_sha256) == 64
    assert sessions.resume(eng, token + "x", IDLE) is None
    assert sessions.resume(eng, None, IDLE) is None


def test_revoked_idle_expired_disabled_and_reset_end_a_session(eng):
    p = _principal(eng)
    token = sessions.create(eng, p)
    sessions.revoke(eng, token)
    assert sessions.resume(eng, token, IDLE) is None

    idle = sessions.create(eng, p)
    with eng.begin() as c:
        c.execute(sa.update(sessions_table).values(last_seen_at=accounts.now() - dt.timedelta(minutes=31)))
    assert sessions.resume(eng, idle, IDLE) is None

    expired = sessions.create(eng, p)
    with eng.begin() as c:
        c.execute(sa.update(sessions_table).values(expires_at=accounts.now() - dt.timedelta(seconds=1),
                                                   last_seen_at=accounts.now()))
    assert sessions.resume(eng, expired, IDLE) is None

    live = sessions.create(eng, p)
    accounts.set_disabled(eng, p.username, True)
    assert sessions.resume(eng, live, IDLE) is None
    accounts.set_disabled(eng, p.username, False)
    assert sessions.resume(eng, live, IDLE) is None   # disabling revoked it: enabling does not bring it back

    again = sessions.create(eng, p)
    accounts.reset_password(eng, p.username, "another long password")
    assert sessions.resume(eng, again, IDLE) is None


def test_last_seen_is_written_at_most_once_a_minute(eng):
    p = _principal(eng)
    token = sessions.create(eng, p)
    first = accounts.as_utc(_row(eng).last_seen_at)
    assert sessions.touch(eng, token, first) == first             # within the minute: nothing written
    assert accounts.as_utc(_row(eng).last_seen_at) == first
    old = first - dt.timedelta(minutes=2)
    wrote = sessions.touch(eng, token, old)                        # a minute past: written
    assert wrote > first and accounts.as_utc(_row(eng).last_seen_at) == wrote
    assert sessions.touch(eng, token) >= wrote                     # unknown: written
