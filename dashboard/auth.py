"""Sign-in for the dashboard: who is using this session, with which role and area.

Two ways in, both ending in the same `Principal` in `st.session_state[store.PRINCIPAL_KEY]`:
- an organisation's identity provider through Streamlit's OIDC sign-in (`st.login`), when
  `.streamlit/secrets.toml` has an `[auth]` section; the provider's user maps to an account of the
  operational database by its `sub` (bound at first sign-in) or its e-mail;
- local accounts (argon2 password hashes, lock-out after five wrong passwords, `access.accounts`);
  the browser keeps a session token in a cookie (`access.sessions`: only its hash is stored), so a
  reload, a shared link or a new tab stays signed in until sign-out or the idle timeout.
Every run re-reads the account (a disabled account or a changed role takes effect at once) and signs
out a session idle for longer than $SUBSIDY_SESSION_IDLE_MINUTES (default 30). What the session may
see is decided below this module, in `access.scope` through `store.run`.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import secrets
import time
from collections.abc import Callable
from typing import Any

import streamlit as st

import vocab
from access import Principal, accounts, audit, sessions
from access import db as ops_db
from dashboard import store
from vocab import t

IDLE_MINUTES_ENV = "SUBSIDY_SESSION_IDLE_MINUTES"
_LAST = "auth_last_activity"
_SESSION = "auth_session_id"
_RECORDED = "auth_recorded"   # event -> what record_once last wrote for it in this session
_NOTICE = "auth_notice"
_TOKEN = "auth_token"           # this session's token (the cookie's value)
_TOUCHED = "auth_touched"       # the token's last-seen time on record (sessions.touch writes it once a minute)
_COOKIE_JS = "auth_cookie_js"   # the cookie to write (or clear) in the browser on the next run
BEIJING = dt.timezone(dt.timedelta(hours=8))


@st.cache_resource(show_spinner=False)
def _engine(url: str):
    return ops_db.make_engine(url)


def ops():
    """The operational database's engine (one per URL per server process)."""
    return _engine(ops_db.url())


def session_id() -> str:
    """An opaque id of this browser session (in the audit log, to tell sessions apart)."""
    if _SESSION not in st.session_state:
        st.session_state[_SESSION] = secrets.token_hex(8)
    return st.session_state[_SESSION]


def idle_limit() -> float:
    """Seconds of inactivity after which a session is signed out."""
    try:
        return float(os.environ.get(IDLE_MINUTES_ENV, "30")) * 60
    except ValueError:
        return 30 * 60


def oidc_configured() -> bool:
    """True when secrets.toml configures Streamlit's OIDC sign-in (an [auth] section)."""
    try:
        return "auth" in st.secrets
    except Exception:  # noqa: BLE001 - no secrets file at all: local accounts only
        return False


def _oidc_logged_in() -> bool:
    try:
        return bool(st.user.is_logged_in)
    except Exception:  # noqa: BLE001 - st.user without an [auth] section
        return False


def current() -> Principal | None:
    """The signed-in principal of this session (None before sign-in)."""
    return store.principal()


def _set(p: Principal | None) -> None:
    if p is None:
        st.session_state.pop(store.PRINCIPAL_KEY, None)
    else:
        st.session_state[store.PRINCIPAL_KEY] = p
        st.session_state[_LAST] = time.monotonic()


def _cookie_script(token: str | None) -> str:
    """JavaScript that writes the session cookie (or deletes it, for None): path /, SameSite=Strict,
    Secure on https, for the session's lifetime."""
    secure = "+(location.protocol==='https:'?'; Secure':'')"
    if token is None:
        value, age = "", 0
    else:
        value, age = token, int(sessions.LIFETIME.total_seconds())
    return (f"<script>document.cookie='{sessions.COOKIE}={value}; Path=/; SameSite=Strict; "
            f"Max-Age={age}'{secure};</script>")


def _flush_cookie() -> None:
    """Send the pending cookie change to the browser (a zero-height script element in the sidebar)."""
    js = st.session_state.pop(_COOKIE_JS, None)
    if js:
        with st.sidebar:
            st.html(js, unsafe_allow_javascript=True)


def _cookie_token() -> str | None:
    try:
        value = st.context.cookies.get(sessions.COOKIE)
    except Exception:  # noqa: BLE001 - no request context (bare mode)
        return None
    return value if isinstance(value, str) and value else None


def sign_out(event: str = "sign_out", notice: str | None = None) -> None:
    """End the session's sign-in (and the identity provider's cookie), record it, rerun."""
    p = current()
    if p is not None:
        audit.record(ops(), p, event, session=session_id())
    sessions.revoke(ops(), st.session_state.pop(_TOKEN, None) or _cookie_token())
    st.session_state[_COOKIE_JS] = _cookie_script(None)
    _set(None)
    st.session_state.pop(_RECORDED, None)
    if notice:
        st.session_state[_NOTICE] = notice
    if _oidc_logged_in():
        st.logout()
    st.rerun()


def gate(lang: str) -> Principal | None:
    """The signed-in principal, after the idle and account checks; without one, draws the sign-in page
    and returns None (the caller stops there)."""
    p = current()
    if p is not None:
        if time.monotonic() - st.session_state.get(_LAST, 0) > idle_limit():
            sign_out("session_timeout", notice="auth.timeout")
        fresh = accounts.current(ops(), p)
        if fresh is None:
            sign_out("sign_out", notice="auth.signed_out")
        if fresh != p:
            _set(fresh)
        st.session_state[_LAST] = time.monotonic()
        if st.session_state.get(_TOKEN):  # not a write per rerun: once a minute
            st.session_state[_TOUCHED] = sessions.touch(ops(), st.session_state[_TOKEN],
                                                        st.session_state.get(_TOUCHED))
        _flush_cookie()
        return fresh
    resumed = sessions.resume(ops(), _cookie_token(), dt.timedelta(seconds=idle_limit()))
    if resumed is not None:  # a reload or a new tab of a signed-in browser
        st.session_state[_TOKEN] = _cookie_token()
        st.session_state.pop(_TOUCHED, None)   # unknown here (resume may have left another tab's): next run writes
        audit.record(ops(), resumed, "sign_in", detail="session resumed", session=session_id())
        _set(resumed)
        return resumed
    if oidc_configured() and _oidc_logged_in():
        got = accounts.oidc_principal(ops(), subject=st.user.get("sub"), email=st.user.get("email"),
                                      demo_database=store.is_demo_database(), session=session_id())
        if got.principal is not None:
            _set(got.principal)
            st.rerun()
        _sign_in_page(lang, refusal=t(f"auth.{got.reason}", lang, who=st.user.get("email") or st.user.get("sub")))
        if st.button(t("auth.sign_out", lang), key="oidc_sign_out"):
            st.logout()
        return None
    _sign_in_page(lang)
    return None


def _sign_in_page(lang: str, refusal: str | None = None) -> None:
    _flush_cookie()  # a sign-out's deletion of the cookie
    st.title(t("app_title", lang))
    st.header(t("auth.title", lang))
    st.markdown(t("auth.intro", lang))
    notice = st.session_state.pop(_NOTICE, None)
    if notice:
        st.info(t(notice, lang), icon=":material/logout:")
    if refusal:
        st.error(refusal, icon=":material/block:")
        return
    if oidc_configured():
        if st.button(t("auth.oidc_button", lang), key="oidc_sign_in", type="primary", icon=":material/badge:"):
            st.login()
        st.caption(t("auth.or_local", lang))
    with st.form("sign_in", enter_to_submit=True):
        user = st.text_input(t("auth.username", lang), key="login_user", autocomplete="username")
        password = st.text_input(t("auth.password", lang), type="password", key="login_password",
                                 autocomplete="current-password")
        submitted = st.form_submit_button(t("auth.submit", lang), type="primary", key="login_submit")
    if submitted:
        got = accounts.sign_in(ops(), user, password, demo_database=store.is_demo_database(),
                               session=session_id())
        if got.principal is not None:
            token = sessions.create(ops(), got.principal)
            st.session_state[_TOKEN] = token
            st.session_state[_TOUCHED] = accounts.now()   # a new session's last-seen is its start
            st.session_state[_COOKIE_JS] = _cookie_script(token)
            _set(got.principal)
            st.rerun()
        until = got.locked_until.astimezone(BEIJING).strftime("%H:%M") if got.locked_until else ""
        st.error(t(f"auth.{got.reason}", lang, until=until), icon=":material/lock:")
    if store.is_demo_database():
        _demo_accounts(lang)


def _demo_accounts(lang: str) -> None:
    rows = [r for r in accounts.listing(ops()) if r.demo and not r.disabled]
    if not rows:
        return
    with st.container(border=True, key="demo_accounts"):
        st.subheader(t("auth.demo_title", lang))
        st.markdown(t("auth.demo_help", lang, password=accounts.DEMO_PASSWORD))
        st.table([{t("col.username", lang): r.username, t("col.role", lang): t(f"role.{r.role}", lang),
                   t("auth.area_line", lang, area="").rstrip("：: "): area_text(r.town, r.village, lang)}
                  for r in rows])


def area_text(town: str | None, village: str | None, lang: str) -> str:
    """"城东街道 · 东门社区", or 全区 / whole district for an account without an area."""
    return " · ".join(x for x in (town, village) if x) or t("auth.area_all", lang)


def sidebar(p: Principal, lang: str) -> None:
    """Who is signed in, their role and area, and the sign-out button (sidebar)."""
    sb = st.sidebar
    with sb.container(border=True, key="account_box"):
        name = p.display_name or p.username
        st.markdown(t("auth.signed_in_as", lang, name=name) + (f" · {t('auth.demo_badge', lang)}" if p.demo else ""))
        st.caption(t("auth.role_line", lang, role=t(f"role.{p.role}", lang)) + " · "
                   + t("auth.area_line", lang, area=area_text(p.town, p.village, lang)))
        if st.button(t("auth.sign_out", lang), key="sign_out", icon=":material/logout:"):
            sign_out()


def record(event: str, *, page: str | None = None, filters: dict[str, Any] | None = None, what: str | None = None,
           persons: int | None = None, unmasked: bool = False, detail: str | None = None) -> None:
    """Append an event of this session's principal to the audit log."""
    recorder(event, page=page, filters=filters, what=what, persons=persons, unmasked=unmasked, detail=detail)()


def recorder(event: str, **fields: Any) -> Callable[[], None]:
    """`record(event, **fields)` for later, with this session's principal and id taken now: a download
    button's deferred data callable runs when the file is fetched, outside the script run, where the
    session state (who is signed in) cannot be read."""
    eng, who, session = ops(), current(), session_id()
    return lambda: audit.record(eng, who, event, session=session, **fields)


def record_once(event: str, *, page: str, filters: dict[str, Any], what: str | None = None,
                persons: int | None = None, unmasked: bool = False) -> None:
    """`record`, once per event, page, selection and content in this session (a rerun that shows the
    same page or list again is not a new view)."""
    key = json.dumps([page, filters, what, persons, unmasked], sort_keys=True, ensure_ascii=False, default=str)
    seen = st.session_state.setdefault(_RECORDED, {})
    if seen.get(event) == key:
        return
    seen[event] = key
    record(event, page=page, filters=filters, what=what, persons=persons, unmasked=unmasked)


def record_view(page: str, filters: dict[str, Any]) -> None:
    """A page view, once per page and selection."""
    record_once("view", page=page, filters=filters)


def role_label(key: str, lang: str) -> str:
    """The role's name in `lang`."""
    return vocab.t(f"role.{key}", lang)
