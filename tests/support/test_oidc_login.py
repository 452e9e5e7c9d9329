"""st.login() works end to end against the local OIDC provider (tests/support/oidc.py), in real Chromium.

tests/oidc/probe_app.py runs under `streamlit run ... --secrets.files <a temp secrets.toml>` (the
repository's .streamlit/ is not read for secrets nor touched); the browser presses its Log in button, signs
in on the provider's own form and consent page, and the app then shows what st.user holds: the account's
email, sub and name as the provider's ID token carries them.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.app_server import free_port, serve
from tests.support.oidc import TEST_ACCOUNTS, complete_oidc_login, complete_oidc_logout

ROOT = Path(__file__).resolve().parents[2]
PROBE = ROOT / "tests" / "oidc" / "probe_app.py"

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def probe(oidc_provider, tmp_path_factory):
    """The probe app on 127.0.0.1:<free port>, its secrets.toml from the provider; yields its base URL."""
    port = free_port()
    secrets_file = oidc_provider.write_secrets(tmp_path_factory.mktemp("probe") / "secrets.toml", port)
    yield from serve(PROBE, "streamlit-oidc-probe.log", port=port, extra_args=("--secrets.files", str(secrets_file)))


def _start_login(browser, base):
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    page.goto(base)
    page.get_by_text("STATUS=signed-out").wait_for(timeout=30_000)
    page.get_by_role("button", name="Log in").click()
    return context, page


@pytest.mark.parametrize("login", ["wang", "alice"])
def test_st_login_through_the_local_provider_shows_the_accounts_claims(oidc_provider, probe, browser, login):
    account = TEST_ACCOUNTS[login]
    context, page = _start_login(browser, probe)
    try:
        # st.login() sent the browser to the provider's login page, not to the app's
        page.wait_for_url(oidc_provider.issuer + "/interaction/**", timeout=30_000)
        complete_oidc_login(page, login, account["password"])
        assert page.url.startswith(probe)
        page.get_by_text("STATUS=signed-in").wait_for(timeout=30_000)
        # the probe writes its lines one element at a time: read the page once the last one is drawn
        page.get_by_text("ISSUER=").wait_for(timeout=30_000)
        body = page.locator("body").inner_text()
        assert f"EMAIL={account['email']}" in body
        assert f"SUB={account['sub']}" in body
        assert f"NAME={account['name']}" in body  # UTF-8 (王芳) survives the ID token and Streamlit's cookie
        assert f"USERNAME={login}" in body
        assert f"ISSUER={oidc_provider.issuer}" in body
        # no other test account's identity is on the page
        for other, acc in TEST_ACCOUNTS.items():
            if other != login:
                assert acc["email"] not in body and acc["sub"] not in body
        # the sign-in lasts: a new page of the same browser context is still signed in (the cookie)
        again = context.new_page()
        again.goto(probe)
        again.get_by_text(f"SUB={account['sub']}").wait_for(timeout=30_000)
    finally:
        context.close()


def test_wrong_password_is_refused_and_the_app_stays_signed_out(oidc_provider, probe, browser):
    context, page = _start_login(browser, probe)
    try:
        with pytest.raises(AssertionError, match="Invalid login or password"):
            complete_oidc_login(page, "alice", "not-her-password")
        page.goto(probe)
        page.get_by_text("STATUS=signed-out").wait_for(timeout=30_000)
        assert TEST_ACCOUNTS["alice"]["email"] not in page.locator("body").inner_text()
    finally:
        context.close()


def test_an_account_added_while_running_can_sign_in(oidc_provider, probe, browser):
    added = oidc_provider.add_account("carol", "carol-pw", email="carol@federation.test", name="Carol Example",
                                      sub="oidc-sub-carol-0004")
    context, page = _start_login(browser, probe)
    try:
        complete_oidc_login(page, "carol", "carol-pw")
        page.get_by_text(f"SUB={added['sub']}").wait_for(timeout=30_000)
        assert f"EMAIL={added['email']}" in page.locator("body").inner_text()
    finally:
        context.close()


def test_st_logout_ends_the_session_at_the_app_and_the_provider(oidc_provider, probe, browser):
    account = TEST_ACCOUNTS["bob"]
    context, page = _start_login(browser, probe)
    try:
        complete_oidc_login(page, "bob", account["password"])
        page.get_by_text(f"SUB={account['sub']}").wait_for(timeout=30_000)
        page.get_by_role("button", name="Log out").click()
        complete_oidc_logout(page)
        page.get_by_text("STATUS=signed-out").wait_for(timeout=30_000)
        assert account["email"] not in page.locator("body").inner_text()
        # the cookie is gone for the whole browser context, and signing in again asks for the password
        again = context.new_page()
        again.goto(probe)
        again.get_by_text("STATUS=signed-out").wait_for(timeout=30_000)
        again.get_by_role("button", name="Log in").click()
        again.wait_for_url(oidc_provider.issuer + "/interaction/**", timeout=30_000)
        assert again.locator("input[name=password]").count() == 1
    finally:
        context.close()
