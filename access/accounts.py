"""Accounts: local passwords (argon2id), lock-out after repeated failures, OIDC mapping, demo accounts.

Every change goes through here, from the command line (`python -m subsidy users …`) and the admin page,
and is written to the audit log by the caller's `actor`. Passwords are never stored or logged: only
their argon2 hash.
"""
from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import Engine, func, insert, select, update

import vocab
from access import audit
from access.roles import ROLES, Principal, role
from access.schema import sessions, users
from contract.masking import mask_personal

MAX_FAILURES = 5                       # consecutive wrong passwords before the account locks
LOCKOUT = dt.timedelta(minutes=15)     # how long it stays locked
MIN_PASSWORD = 10                      # characters
_hasher = PasswordHasher()             # argon2id, the library's recommended parameters
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))   # so an unknown name costs the same time

# one demo account per role, for `make run` on the demo district only (the app refuses them on real
# data): the towns/villages are the demo generator's
DEMO_PASSWORD = "demo-2020-only"
DEMO_ACCOUNTS = (
    ("demo_admin", "admin", None, None),
    ("demo_leader", "leader", None, None),
    ("demo_analyst", "analyst", None, None),
    ("demo_town", "town_caseworker", "town", None),
    ("demo_village", "village_caseworker", "town", "village"),
    ("demo_public", "public", None, None),
)


def demo_username(role_key: str) -> str:
    """The demo account of role `role_key`."""
    return next(u for u, r, _, _ in DEMO_ACCOUNTS if r == role_key)


class AccountError(ValueError):
    """A request about accounts that cannot be done (unknown name, bad role or area, weak password)."""


@dataclass(frozen=True)
class SignIn:
    """The outcome of a sign-in attempt: `principal` when it succeeded, else `reason` (a message key)."""

    principal: Principal | None
    reason: str | None = None          # bad_credentials | locked | disabled | demo_on_real_data
    locked_until: dt.datetime | None = None


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def as_utc(t: dt.datetime | None) -> dt.datetime | None:
    # SQLite gives timestamps back without their zone: they were written in UTC
    return t.replace(tzinfo=dt.timezone.utc) if t is not None and t.tzinfo is None else t


def principal_of(row, via: str = "local") -> Principal:
    """The Principal of an accounts row."""
    return Principal(user_id=row.id, username=row.username, role=row.role, town=row.town or None,
                     village=row.village or None, display_name=row.display_name, demo=bool(row.demo), via=via)


def check_password(password: str) -> None:
    """AccountError unless `password` is long enough."""
    if len(password or "") < MIN_PASSWORD:
        raise AccountError(f"a password needs at least {MIN_PASSWORD} characters")


def new_password() -> str:
    """A random password to hand over once (16 URL-safe characters)."""
    return secrets.token_urlsafe(12)


def add(eng: Engine, username: str, role_key: str, *, town: str | None = None, village: str | None = None,
        password: str | None = None, display_name: str | None = None, email: str | None = None,
        demo: bool = False, actor: Principal | str = "cli", known_towns: dict[str, list[str]] | None = None) -> str:
    """Create an account; returns its password (the one given, or a new random one shown once).

    `known_towns` (town → villages, from the analytical database) checks the area's spelling."""
    username = (username or "").strip()
    if not username or len(username) > 64:
        raise AccountError("a user name needs 1 to 64 characters")
    _check_area(role_key, town, village, known_towns)
    password = password or new_password()
    if not demo:
        check_password(password)
    t = now()
    with eng.begin() as c:
        if c.execute(select(users.c.id).where(users.c.username == username)).first():
            raise AccountError(f"an account named {username!r} exists")
        c.execute(insert(users).values(
            username=username, role=role_key, town=town, village=village, display_name=display_name,
            email=email or None, password_hash=_hasher.hash(password), disabled=False, demo=demo,
            failed_logins=0, must_change_password=False, created_at=t, updated_at=t))
    area = (f" town={town}" if town else "") + (f" village={village}" if village else "")
    audit.record(eng, actor, "account_added", what=username, detail=f"role={role_key}{area}")
    return password


def _check_area(role_key: str, town: str | None, village: str | None,
                known_towns: dict[str, list[str]] | None) -> None:
    """The area a role needs: none, a town, or a town and one of its villages (AccountError otherwise);
    with `known_towns` (town → villages of the analytical database) spelled as the data spells them."""
    r = role(role_key)
    if r.area is None and (town or village):
        raise AccountError(f"role {role_key} covers every area: give no --town or --village")
    if r.area == "town" and (not town or village):
        raise AccountError(f"role {role_key} needs --town (and no --village)")
    if r.area == "village" and not (town and village):
        raise AccountError(f"role {role_key} needs --town and --village")
    if known_towns is not None and town is not None:
        if town not in known_towns:
            raise AccountError(f"town {town!r} is not in the database; towns: {', '.join(known_towns)}")
        if village is not None and village not in known_towns[town]:
            raise AccountError(f"village {village!r} is not in {town}")


def set_role(eng: Engine, username: str, role_key: str, *, town: str | None = None, village: str | None = None,
             actor: Principal | str = "cli", known_towns: dict[str, list[str]] | None = None) -> None:
    """Give an account another role or area (a caseworker moving to another town). The account's open
    sessions go on, but every page run reads the account again (`current`), so the new scope holds from
    the next click; a demo account keeps its role."""
    row = _require(eng, username)
    if row.demo:
        raise AccountError(f"{username} is a demo account: its role and area are fixed")
    _check_area(role_key, town, village, known_towns)
    with eng.begin() as c:
        c.execute(update(users).where(users.c.username == username).values(
            role=role_key, town=town, village=village, updated_at=now()))
    before = " · ".join(x for x in (row.role, row.town, row.village) if x)
    after = " · ".join(x for x in (role_key, town, village) if x)
    audit.record(eng, actor, "account_changed", what=username, detail=f"{before} → {after}")


def get(eng: Engine, username: str):
    """The accounts row named `username`, or None."""
    with eng.connect() as c:
        return c.execute(select(users).where(users.c.username == username)).first()


def by_id(eng: Engine, user_id: int):
    """The accounts row with id `user_id`, or None."""
    with eng.connect() as c:
        return c.execute(select(users).where(users.c.id == user_id)).first()


def listing(eng: Engine) -> list:
    """Every account, by name (rows without the password hash)."""
    cols = [c for c in users.c if c.name != "password_hash"]
    with eng.connect() as c:
        return list(c.execute(select(*cols).order_by(users.c.username)))


def _require(eng: Engine, username: str):
    row = get(eng, username)
    if row is None:
        raise AccountError(f"no account named {username!r}")
    return row


def set_disabled(eng: Engine, username: str, disabled: bool, *, actor: Principal | str = "cli") -> None:
    """Disable (or enable again) an account; a disabled account cannot sign in and is signed out."""
    row = _require(eng, username)
    with eng.begin() as c:
        c.execute(update(users).where(users.c.username == username).values(disabled=disabled, updated_at=now()))
        if disabled:  # every open session of the account ends
            c.execute(update(sessions).where(sessions.c.user_id == row.id).values(revoked=True))
    audit.record(eng, actor, "account_disabled" if disabled else "account_enabled", what=username)


def reset_password(eng: Engine, username: str, password: str | None = None, *,
                   actor: Principal | str = "cli") -> str:
    """Set a new password (given, or random) and lift a lock-out; returns the password, shown once."""
    row = _require(eng, username)
    password = password or new_password()
    if not row.demo:
        check_password(password)
    with eng.begin() as c:
        c.execute(update(users).where(users.c.username == username).values(
            password_hash=_hasher.hash(password), failed_logins=0, locked_until=None, updated_at=now()))
        c.execute(update(sessions).where(sessions.c.user_id == row.id).values(revoked=True))
    audit.record(eng, actor, "password_reset", what=username)
    return password


def sign_in(eng: Engine, username: str, password: str, *, demo_database: bool, session: str | None = None) -> SignIn:
    """Check a local sign-in and record it (success, failure, lock-out) in the audit log.

    Five wrong passwords in a row lock the account for 15 minutes; a demo account signs in only on a
    demo database. The same message for an unknown name and a wrong password."""
    username = (username or "").strip()
    row = get(eng, username) if username else None
    t = now()
    if row is None:
        try:
            _hasher.verify(_DUMMY_HASH, password or "")
        except VerificationError:
            pass
        # what was typed is kept for the log, but an ID or phone number typed as a name is masked
        audit.record(eng, (mask_personal(username) or "")[:64] or None, "sign_in_failed", detail="unknown user",
                     session=session)
        return SignIn(None, "bad_credentials")
    locked = as_utc(row.locked_until)
    if locked is not None and locked > t:
        audit.record(eng, principal_or_name(row), "sign_in_failed", detail="locked", session=session)
        return SignIn(None, "locked", locked)
    try:
        _hasher.verify(row.password_hash or _DUMMY_HASH, password or "")
        ok = row.password_hash is not None
    except (VerifyMismatchError, InvalidHashError, VerificationError):
        ok = False
    if not ok:
        failures = row.failed_logins + 1
        until = t + LOCKOUT if failures >= MAX_FAILURES else None
        with eng.begin() as c:
            c.execute(update(users).where(users.c.id == row.id).values(
                failed_logins=0 if until else failures, locked_until=until, updated_at=t))
        audit.record(eng, principal_or_name(row), "sign_in_failed", detail=f"wrong password ({failures})",
                     session=session)
        if until:
            audit.record(eng, principal_or_name(row), "account_locked", detail=f"until {until.isoformat()}",
                         session=session)
            return SignIn(None, "locked", until)
        return SignIn(None, "bad_credentials")
    values = {"failed_logins": 0, "locked_until": None}
    if _hasher.check_needs_rehash(row.password_hash):
        values["password_hash"] = _hasher.hash(password)
    return _admit(eng, row, "local", demo_database=demo_database, session=session, values=values)


def _admit(eng: Engine, row, via: str, *, demo_database: bool, session: str | None, values: dict) -> SignIn:
    """The end of every sign-in once the person is known (a right password, or the identity provider's
    word): refused for a disabled account or a demo account on real data, else the account updated with
    `values` and its last sign-in, and the sign-in recorded."""
    prefix = "oidc: " if via == "oidc" else ""
    if row.disabled:
        audit.record(eng, principal_or_name(row), "sign_in_failed", detail=f"{prefix}disabled", session=session)
        return SignIn(None, "disabled")
    if row.demo and not demo_database:
        audit.record(eng, principal_or_name(row), "sign_in_failed", detail=f"{prefix}demo account on real data",
                     session=session)
        return SignIn(None, "demo_on_real_data")
    with eng.begin() as c:
        c.execute(update(users).where(users.c.id == row.id).values(**values, last_login_at=now()))
    p = principal_of(row, via=via)
    audit.record(eng, p, "sign_in", detail="oidc" if via == "oidc" else None, session=session)
    return SignIn(p)


def principal_or_name(row):
    """The principal of a row, or its name when the row no longer makes one (an area it lost)."""
    try:
        return principal_of(row)
    except ValueError:
        return row.username


def oidc_principal(eng: Engine, *, subject: str | None, email: str | None, demo_database: bool,
                   session: str | None = None) -> SignIn:
    """The account an identity provider's user maps to: by `sub` once bound, else by e-mail (and the
    `sub` is then bound to it). No account, or a disabled one → refused and recorded."""
    with eng.connect() as c:
        row = c.execute(select(users).where(users.c.oidc_subject == subject)).first() if subject else None
        if row is None and email:
            row = c.execute(select(users).where(func.lower(users.c.email) == email.lower())).first()
    who = email or subject or "?"
    if row is None:
        audit.record(eng, who[:64], "sign_in_failed", detail="oidc: no account", session=session)
        return SignIn(None, "no_account")
    values = {"oidc_subject": subject} if subject and not row.oidc_subject else {}
    return _admit(eng, row, "oidc", demo_database=demo_database, session=session, values=values)


def active(eng: Engine, user_id: int, via: str = "local") -> Principal | None:
    """The principal of account `user_id` as the accounts table has it now, or None when the account is
    gone, disabled, or no longer makes a principal (an area it lost)."""
    row = by_id(eng, user_id)
    if row is None or row.disabled:
        return None
    try:
        return principal_of(row, via=via)
    except ValueError:
        return None


def current(eng: Engine, principal: Principal) -> Principal | None:
    """The principal as the accounts table has it now (role or area changed), or None when the account
    is gone, renamed or disabled: called on every page run, so a change takes effect at once."""
    now_p = active(eng, principal.user_id, via=principal.via)
    return now_p if now_p is not None and now_p.username == principal.username else None


def ensure_demo_accounts(eng: Engine, towns: dict[str, list[str]]) -> list[tuple[str, str, str | None, str | None]]:
    """The demo accounts (one per role) with the demo password, their area the first town/village of
    `towns`; existing ones are left alone. Returns (username, role, town, village) of each."""
    first_town = next(iter(towns)) if towns else None
    first_village = towns[first_town][0] if first_town and towns[first_town] else None
    out = []
    for username, role_key, t, v in DEMO_ACCOUNTS:
        town = first_town if t else None
        village = first_village if v else None
        if get(eng, username) is None and (ROLES[role_key].area is None or town):
            add(eng, username, role_key, town=town, village=village, password=DEMO_PASSWORD,
                display_name=f"演示·{vocab.t(f'role.{role_key}')}", demo=True, actor="cli")
        row = get(eng, username)
        if row is not None:
            out.append((row.username, row.role, row.town, row.village))
    return out
