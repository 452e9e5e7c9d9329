"""Sign-in sessions of local accounts: the browser keeps a random token in a cookie, the operational
database keeps only its SHA-256, so a reload or a new tab stays signed in until sign-out, the idle
timeout, the absolute lifetime, or a change to the account (disabled, password reset) ends it."""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import Engine, insert, select, update

from access import accounts
from access.roles import Principal
from access.schema import sessions

LIFETIME = dt.timedelta(hours=12)
TOUCH_EVERY = dt.timedelta(seconds=60)   # last_seen is written at most once a minute per session
COOKIE = "subsidy_session"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create(eng: Engine, principal: Principal) -> str:
    """A new session of `principal`; returns the token for the cookie (shown to nobody else)."""
    token = secrets.token_urlsafe(32)
    t = accounts.now()
    with eng.begin() as c:
        c.execute(insert(sessions).values(token_sha256=_digest(token), user_id=principal.user_id, created_at=t,
                                          last_seen_at=t, expires_at=t + LIFETIME, revoked=False))
    return token


def resume(eng: Engine, token: str | None, idle: dt.timedelta) -> Principal | None:
    """The principal of a live session `token` (not revoked, not idle longer than `idle`, not expired,
    account active), its last-seen time brought up to date; None otherwise."""
    if not token:
        return None
    with eng.connect() as c:
        row = c.execute(select(sessions).where(sessions.c.token_sha256 == _digest(token))).first()
    t = accounts.now()
    if row is None or row.revoked or accounts.as_utc(row.expires_at) <= t:
        return None
    seen = accounts.as_utc(row.last_seen_at)
    if t - seen > idle:
        revoke(eng, token)
        return None
    p = accounts.active(eng, row.user_id)
    if p is None:
        return None
    touch(eng, token, seen)
    return p


def touch(eng: Engine, token: str, seen: dt.datetime | None = None) -> dt.datetime:
    """Record activity of session `token`, at most once a minute: `seen` is the last-seen time the caller
    knows (None: unknown, write). Returns the last-seen time now on record."""
    t = accounts.now()
    if seen is not None and t - seen < TOUCH_EVERY:
        return seen
    with eng.begin() as c:
        c.execute(update(sessions).where(sessions.c.token_sha256 == _digest(token)).values(last_seen_at=t))
    return t


def revoke(eng: Engine, token: str | None) -> None:
    """End session `token` (sign-out)."""
    if token:
        with eng.begin() as c:
            c.execute(update(sessions).where(sessions.c.token_sha256 == _digest(token)).values(revoked=True))

