"""Static rendering of plotly figures with kaleido and Debian's Chromium (no Streamlit import).

One long-lived kaleido sync server (one Chromium) serves a whole export run: starting Chromium costs
3–4 s, a render on a running server about 0.25 s. `render_session()` starts it, checks that it came
up, and stops it at the end even when the export fails.

kaleido's sync server is a process-wide singleton fed by one request queue and one answer queue;
two threads rendering at once could receive each other's images. `render_session()` therefore holds
a module lock for the whole run: a second export in the same process (another dashboard session)
waits for the first.

Chinese text: the figures name the font family explicitly (`FONT_FAMILY`). fonts-wqy-microhei gives
PDFs whose text extracts cleanly; fonts-noto-cjk would embed Type 3 fonts that map some characters to
Kangxi radicals (人 → ⼈) when extracted.
"""
from __future__ import annotations

import contextlib
import glob
import os
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from typing import Any

import kaleido
from choreographer.browsers.chromium import Chromium

from vocab import t

FONT_NAME = "WenQuanYi Micro Hei"   # the CJK font the exports need (fc-list check); publish/style.py names the family
PACKAGES = {"chromium": "chromium", "font": "fonts-wqy-microhei"}
INSTALL_ALL = "apt-get install --no-install-recommends chromium fonts-wqy-microhei"
STARTUP_TIMEOUT_S = 60.0

_LOCK = threading.Lock()


class ExportPrerequisiteError(RuntimeError):
    """Chromium or the CJK font is missing; the message says what to install."""


def install_command(packages: list[str]) -> str:
    """The apt-get line that installs `packages` (Debian names)."""
    return "apt-get install --no-install-recommends " + " ".join(packages)


def find_chromium() -> str | None:
    """Path of the Chromium kaleido will use, or None.

    Mirrors choreographer's lookup: $BROWSER_PATH when set (and then only that), else a Chromium or
    Chrome on PATH or in the usual install locations.
    """
    env = os.environ.get("BROWSER_PATH")
    if env is not None:
        return env if os.path.isfile(env) and os.access(env, os.X_OK) else None
    try:
        return Chromium.find_browser(skip_local=False)
    except Exception:  # noqa: BLE001 - any failure of the lookup means "not found"
        for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
            if path := shutil.which(name):
                return path
        return None


def cjk_font_installed() -> bool:
    """True when fontconfig knows WenQuanYi Micro Hei (what Chromium will use for Chinese)."""
    fc_list = shutil.which("fc-list")
    if fc_list:
        try:
            out = subprocess.run(
                [fc_list, ":", "family"], capture_output=True, text=True, timeout=20, check=False,
            ).stdout
        except (OSError, subprocess.SubprocessError):
            out = ""
        return "wenquanyi micro hei" in out.lower()
    return bool(glob.glob("/usr/share/fonts/**/wqy-microhei*", recursive=True))


def missing_packages() -> list[str]:
    """Debian packages the export needs and that are missing, in install order."""
    missing = []
    if not find_chromium():
        missing.append(PACKAGES["chromium"])
    if not cjk_font_installed():
        missing.append(PACKAGES["font"])
    return missing


def check_export_prerequisites(lang: str = "zh") -> list[str]:
    """Problems that stop chart export, each with the command that fixes it; [] when all is well.

    The dashboard shows these lines as they are; the CLI prints them and exits non-zero.
    """
    missing = missing_packages()
    if not missing:
        return []
    cmd = install_command(missing)
    problems = []
    for pkg in missing:
        if pkg == PACKAGES["chromium"]:
            where = os.environ.get("BROWSER_PATH")
            detail = t("prereq.browser_path", lang, where=where) if where is not None else ""
            problems.append(t("prereq.chromium", lang, detail=detail))
        else:
            problems.append(t("prereq.font", lang))
    problems.append(t("prereq.install", lang, cmd=cmd))
    return problems


def _server():
    return kaleido._global_server  # noqa: SLF001 - needed to see whether its thread died


class Renderer:
    """Renders figures on the running kaleido server (obtain one from `render_session`)."""

    def __init__(self) -> None:
        self.calls = 0
        self.seconds = 0.0

    def render(self, fig: Any, fmt: str, *, width: int, height: int, scale: float = 1) -> bytes:
        """The figure as `fmt` (png, svg, pdf) bytes; width/height in CSS px, png scaled by `scale`."""
        spec = fig.to_dict() if hasattr(fig, "to_dict") else fig
        t0 = time.perf_counter()
        out = _call_watched(
            kaleido.calc_fig_sync, spec,
            opts={"format": fmt, "width": width, "height": height, "scale": scale},
        )
        self.seconds += time.perf_counter() - t0
        self.calls += 1
        return out


def _call_watched(fn, *args, timeout: float | None = None, **kwargs):
    """Call fn in a helper thread, failing (instead of hanging) if the kaleido server thread dies.

    kaleido's sync server waits forever on its queue when its Chromium could not start; watching
    the server thread turns that into an error.
    """
    box: dict[str, Any] = {}

    def run():
        try:
            box["value"] = fn(*args, **kwargs)
        except BaseException as e:  # noqa: BLE001 - re-raised in the caller's thread
            box["error"] = e

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    deadline = None if timeout is None else time.monotonic() + timeout
    server = _server()
    while worker.is_alive():
        worker.join(0.1)
        thread = getattr(server, "_thread", None)
        if worker.is_alive() and thread is not None and not thread.is_alive():
            raise ExportPrerequisiteError(
                "Chromium 启动失败 / Chromium did not start. " + install_command(missing_packages() or ["chromium"])
            )
        if deadline is not None and time.monotonic() > deadline:
            raise TimeoutError("kaleido did not answer in time")
    if "error" in box:
        raise box["error"]
    return box["value"]


@contextlib.contextmanager
def render_session() -> Iterator[Renderer]:
    """One kaleido server for the whole block; stopped on exit, also after an error.

    Raises ExportPrerequisiteError (with the install command) when Chromium or the font is missing.
    """
    problems = check_export_prerequisites()
    if problems:
        raise ExportPrerequisiteError("\n".join(problems))
    with _LOCK:
        # mathjax=False: the default loads MathJax from a CDN, which there is no internet to reach
        kaleido.start_sync_server(mathjax=False, silence_warnings=True)
        try:
            renderer = Renderer()
            # a tiny first render: Chromium's start-up cost lands here, and a broken start shows now
            _call_watched(
                kaleido.calc_fig_sync, {"data": [], "layout": {}},
                opts={"format": "svg", "width": 10, "height": 10}, timeout=STARTUP_TIMEOUT_S,
            )
            yield renderer
        finally:
            kaleido.stop_sync_server(silence_warnings=True)


def to_png(fig, scale: float = 2, width: int = 1100) -> bytes:
    """PNG bytes of `fig` (the dashboard's download button), on the locked kaleido session.

    Raises ExportPrerequisiteError with the install command when Chromium is missing.
    """
    with render_session() as renderer:
        return renderer.render(fig, "png", width=width, height=int(fig.layout.height or 450), scale=scale)
