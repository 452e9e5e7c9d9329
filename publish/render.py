"""Static rendering of plotly figures with kaleido and Debian's Chromium (no Streamlit import).

One kaleido renderer (one Chromium, on its own event-loop thread) serves a whole export run: starting
Chromium costs 3–4 s; kaleido's own sync server then reloads its page after every render (0.24 s an
SVG), the renderer here keeps the page loaded (0.04 s an SVG, 0.08 s a 3000-px PNG, 0.09 s a PDF).
`render_session()` starts it, checks that it came up, and stops it at the end even when the export fails.
Chromium starts in the background: the caller prepares its figures meanwhile, and `Renderer.submit`
queues a render and returns at once (a future), so the caller's own work (the workbook, the report PDF)
runs while Chromium renders the formats it does not need yet.

`render_session()` holds a module lock for the whole run: a second export in the same process
(another dashboard session) waits for the first, so two Chromiums never share the 2 cores.

Chinese text: the figures name the font family explicitly (`FONT_FAMILY`). fonts-wqy-microhei gives
PDFs whose text extracts cleanly; fonts-noto-cjk would embed Type 3 fonts that map some characters to
Kangxi radicals (人 → ⼈) when extracted.
"""
from __future__ import annotations

import asyncio
import base64
import concurrent.futures
import contextlib
import glob
import os
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from typing import Any

from choreographer.browsers.chromium import Chromium
from kaleido import Kaleido
from kaleido._kaleido_tab import _devtools_utils as _dtools
from kaleido._kaleido_tab._errors import _raise_error

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


class _PageKeepingKaleido(Kaleido):
    """kaleido's renderer, keeping its page loaded between renders.

    kaleido reloads its page (plotly.js, about 4 MB of script) after every render: on this machine
    that is 0.2 s of a 0.24 s SVG render. A render creates its own plot and purges it, and a PDF
    render replaces the one image the page prints, so nothing of one render reaches the next
    (tests/publish/test_render.py renders the same figure around others and compares the bytes).
    The page is still reloaded every `RELOAD_EVERY` renders, so a long export's page memory stays bounded.
    """

    renders = 0

    async def _return_kaleido_tab(self, tab) -> None:
        self.renders += 1
        if self.renders % RELOAD_EVERY == 0:
            await tab.reload()
        await self.tabs_ready.put(tab)

    async def from_svg(self, svg: bytes, fmt: str, width: int, height: int, scale: float) -> bytes:
        """PNG or PDF bytes of an SVG this page rendered, converted on the page as kaleido converts
        plotly's own SVG (without laying the plot out again): a PNG is the SVG drawn on a canvas of
        width × scale px and encoded by the browser (plotly's toImage), a PDF is the SVG as the one
        image of a page of its size, printed by Chromium (kaleido's pdf)."""
        tab = await self._get_kaleido_tab()
        try:
            text = svg.decode("utf-8")
            if fmt == "png":
                response = await _dtools.exec_js_fn(tab.tab, tab._current_js_id, _SVG_TO_PNG, text, width, height,
                                                    scale)
            else:
                response = await _dtools.exec_js_fn(tab.tab, tab._current_js_id, _SVG_TO_PAGE, text, width, height)
            _raise_error(response)
            value = response.get("result", {}).get("result", {}).get("value")
            if not isinstance(value, str):
                raise RuntimeError(f"the page did not convert the SVG to {fmt}: {str(response)[:300]}")
            if fmt == "pdf":
                value = await _dtools.print_pdf(tab.tab)
            return base64.b64decode(value)
        finally:
            await self._return_kaleido_tab(tab)


RELOAD_EVERY = 100
# plotly.js's toImage for a raster format: the SVG as an image, drawn on a canvas scaled to size, encoded
_SVG_TO_PNG = r"""function(svg, width, height, scale) {
  return new Promise((resolve, reject) => {
    const canvas = document.createElement('canvas');
    canvas.width = scale * width;
    canvas.height = scale * height;
    const img = new Image();
    img.onload = () => {
      canvas.getContext('2d', {willReadFrequently: true}).drawImage(img, 0, 0, canvas.width, canvas.height);
      URL.revokeObjectURL(img.src);
      resolve(canvas.toDataURL('image/png').replace('data:image/png;base64,', ''));
    };
    img.onerror = () => reject(new Error('the SVG did not load'));
    img.src = URL.createObjectURL(new Blob([svg], {type: 'image/svg+xml;charset=utf-8'}));
  });
}"""
# kaleido's pdf: the SVG as the page's one image, the page its size, on the figure's (white) paper colour
_SVG_TO_PAGE = r"""function(svg, width, height) {
  return new Promise((resolve, reject) => {
    document.getElementById('head-style').innerHTML =
      `@page { size: ${width}px ${height}px; } body { margin: 0; padding: 0; background-color: white }`;
    const img = document.getElementById('kaleido-image');
    img.onload = () => resolve('loaded');
    img.onerror = () => reject(new Error('the SVG did not load'));
    img.src = 'data:image/svg+xml,' + encodeURIComponent(svg);
  });
}"""


class _Server:
    """One Chromium (kaleido) on its own event loop thread; `call` runs a coroutine of it and waits."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="kaleido", daemon=True)
        self.thread.start()
        self.kaleido: Kaleido | None = None
        self._started: concurrent.futures.Future | None = None

    def call(self, coro, timeout: float | None = None):
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def open(self) -> None:
        """Start Chromium without waiting for it (`ready` waits)."""
        async def start() -> Kaleido:
            # mathjax=False: the default loads MathJax from a CDN, which there is no internet to reach
            k = _PageKeepingKaleido(mathjax=False)
            await k.__aenter__()
            self.kaleido = k
            # a tiny first render: the page's first plot costs more, and a broken page shows now
            await k.calc_fig({"data": [], "layout": {}}, opts={"format": "svg", "width": 10, "height": 10})
            return k

        self._started = asyncio.run_coroutine_threadsafe(start(), self.loop)

    def ready(self) -> None:
        """Wait until Chromium is up; ExportPrerequisiteError when it did not start."""
        try:
            self._started.result(STARTUP_TIMEOUT_S)
        except Exception as exc:  # noqa: BLE001 - whatever stops Chromium from starting is a missing prerequisite
            raise ExportPrerequisiteError(
                "Chromium 启动失败 / Chromium did not start. " + install_command(missing_packages() or ["chromium"])
            ) from exc

    def submit(self, spec: dict, opts: dict) -> concurrent.futures.Future:
        """Queue one render on the page; its bytes are the future's result (renders run one at a time, in
        the order submitted)."""
        assert self.kaleido is not None
        return asyncio.run_coroutine_threadsafe(self.kaleido.calc_fig(spec, opts=opts), self.loop)

    def submit_from_svg(self, svg: concurrent.futures.Future, fmt: str, width: int, height: int,
                        scale: float) -> concurrent.futures.Future:
        """Queue the conversion of a queued SVG render to `fmt` (it waits for the SVG on the loop)."""
        assert self.kaleido is not None

        async def convert() -> bytes:
            return await self.kaleido.from_svg(await asyncio.wrap_future(svg), fmt, width, height, scale)

        return asyncio.run_coroutine_threadsafe(convert(), self.loop)

    def stop(self) -> None:
        try:
            with contextlib.suppress(Exception):   # a start that failed is reported by `ready`
                self._started.result(STARTUP_TIMEOUT_S)
            if self.kaleido is not None:
                self.call(self.kaleido.__aexit__(None, None, None), STARTUP_TIMEOUT_S)
        finally:
            self.kaleido = None
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(STARTUP_TIMEOUT_S)
            self.loop.close()


class Renderer:
    """Renders figures on the running kaleido server (obtain one from `render_session`).

    `calls` counts the renders, `seconds` the time Chromium spent on them (renders run one after the
    other: each counts from when it could start, its submission or the end of the one before)."""

    def __init__(self, server: _Server) -> None:
        self._server = server
        self.calls = 0
        self.seconds = 0.0
        self._last_end = 0.0
        self._count = threading.Lock()

    def submit(self, fig: Any, fmt: str, *, width: int, height: int, scale: float = 1) -> concurrent.futures.Future:
        """Queue the figure's render as `fmt` (png, svg, pdf); the future's result is its bytes. width/height
        in CSS px, png scaled by `scale`. Renders run in the order submitted, while the caller goes on."""
        self._server.ready()
        spec = fig.to_dict() if hasattr(fig, "to_dict") else fig
        return self._counted(self._server.submit(spec, {"format": fmt, "width": width, "height": height,
                                                         "scale": scale}))

    def submit_from_svg(self, svg: concurrent.futures.Future, fmt: str, *, width: int, height: int,
                        scale: float = 1) -> concurrent.futures.Future:
        """Queue `fmt` (png or pdf) converted from the SVG render `svg` (a future of `submit`), on the page,
        without drawing the figure again (`_PageKeepingKaleido.from_svg`); the future's result is its bytes."""
        if fmt not in ("png", "pdf"):
            raise ValueError(f"no conversion from SVG to {fmt}")
        self._server.ready()
        return self._counted(self._server.submit_from_svg(svg, fmt, width, height, scale))

    def _counted(self, future: concurrent.futures.Future) -> concurrent.futures.Future:
        t0 = time.perf_counter()

        def done(_: concurrent.futures.Future) -> None:
            end = time.perf_counter()
            with self._count:
                self.seconds += end - max(t0, self._last_end)
                self._last_end = end
                self.calls += 1

        future.add_done_callback(done)
        return future

    def render(self, fig: Any, fmt: str, *, width: int, height: int, scale: float = 1) -> bytes:
        """The figure as `fmt` (png, svg, pdf) bytes; width/height in CSS px, png scaled by `scale`."""
        return self.submit(fig, fmt, width=width, height=height, scale=scale).result()


@contextlib.contextmanager
def render_session() -> Iterator[Renderer]:
    """One kaleido server (one Chromium, its page loaded once) for the whole block; stopped on exit,
    also after an error. Chromium starts in the background: the block's first render waits for it.

    Raises ExportPrerequisiteError (with the install command) when Chromium or the font is missing,
    and at the first render when Chromium does not start.
    """
    problems = check_export_prerequisites()
    if problems:
        raise ExportPrerequisiteError("\n".join(problems))
    with _LOCK:
        server = _Server()
        server.open()
        try:
            yield Renderer(server)
        finally:
            server.stop()


def to_png(figure: dict, scale: float = 2) -> bytes:
    """PNG bytes of a chart file's figure (`publish.pack.drawn`: its width, height and edition footnote)
    for the dashboard's download button, on the locked kaleido session.

    Raises ExportPrerequisiteError with the install command when Chromium is missing.
    """
    layout = figure["layout"]
    with render_session() as renderer:
        return renderer.render(figure, "png", width=int(layout["width"]), height=int(layout["height"]), scale=scale)
