"""The dashboard in a real headless Chromium (Playwright), served by a real `streamlit run`.

AppTest does not load the frontend: it misses what only a browser shows (a `pages/` folder switching
to legacy multipage mode, charts that never draw, query parameters lost on navigation, tofu instead
of Chinese). This test opens every page on the demo database, waits for the metrics and charts to
draw, changes a filter, compares a shown number with the analyst API, follows a shared link, checks
that no exception or error box is on the page, and saves screenshots under test-output/screenshots/.

It FAILS (never skips) when /usr/bin/chromium is missing: the CI installs it (.ci/run).
"""
from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from PIL import Image, ImageColor
from test_dashboard_quality import broken_district
from test_loaded_text import HTML_TOWN, MD_TOWN, markdown_district

import queries
import vocab as i18n
from publish import pack, style
from subsidy.build import build_database
from tests.conftest import TEST_PASSWORD
from tests.contract_fixtures import write_district
from tests.support.app_server import serve

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "test-output" / "screenshots"
PAGES = {"overview": "", "coverage": "coverage", "spend": "spend", "processing": "processing", "gaps": "gaps",
         "quality": "quality", "policy": "policy", "check": "check"}
WITH_METRICS = {"overview", "processing", "gaps", "quality", "policy"}  # coverage and spend are charts and tables only
WITHOUT_CHARTS = {"quality"}  # tables only
VIEWPORT = {"width": 1440, "height": 3800}
TIMEOUT_MS = 120_000


@pytest.fixture(scope="module")
def server(demo_db):
    """`streamlit run dashboard/app.py` on a free port with SUBSIDY_DB = the demo database."""
    yield from _serve(demo_db, "streamlit-browser-test.log")


@pytest.fixture(scope="module")
def broken_server(tmp_path_factory):
    """The same on tests/dashboard/test_dashboard_quality.py's district with 5 of 41 rows broken."""
    root = tmp_path_factory.mktemp("broken_browser")
    build_database(write_district(root / "src", broken_district()[0]), root / "subsidy.duckdb")
    yield from _serve(root / "subsidy.duckdb", "streamlit-browser-broken.log")


@pytest.fixture(scope="module")
def markdown_server(tmp_path_factory):
    """The same on tests/dashboard/test_loaded_text.py's district: towns named with Markdown and HTML."""
    root = tmp_path_factory.mktemp("markdown_browser")
    build_database(write_district(root / "src", markdown_district()), root / "subsidy.duckdb")
    yield from _serve(root / "subsidy.duckdb", "streamlit-browser-markdown.log")


def _serve(db, log_name: str, *, port: int | None = None, extra_args: tuple[str, ...] = (),
           env_extra: dict[str, str] | None = None):
    """Yield the base URL of `streamlit run dashboard/app.py` on database `db` (on `port`, or a free
    one; `extra_args` such as `--secrets.files …`), stopped afterwards."""
    yield from serve(ROOT / "dashboard" / "app.py", log_name, port=port, extra_args=extra_args,
                     env={"SUBSIDY_DB": str(db), **(env_extra or {})})


def sign_in(pg, base: str, username: str = "t_analyst", password: str = TEST_PASSWORD) -> None:
    """Sign in through the real form at `base`; the session cookie keeps the browser context signed in
    for every later page.goto to that server (as it does for a user's reloads and new tabs)."""
    pg.goto(base)
    pg.locator("input[autocomplete='username']").fill(username)
    pg.locator("input[type='password']").fill(password)
    pg.locator("input[type='password']").press("Enter")
    pg.locator(".st-key-account_box").wait_for()
    pg.wait_for_function("() => document.cookie.includes('subsidy_session=')")  # written by the page's script


SERVERS = ("server", "broken_server", "markdown_server")


@pytest.fixture()
def page(browser, request):
    """A fresh browser context (zh-CN), signed in as t_analyst on the server fixture the test uses."""
    ctx = browser.new_context(viewport=VIEWPORT, locale="zh-CN")
    pg = ctx.new_page()
    pg.set_default_timeout(TIMEOUT_MS)
    for name in SERVERS:
        if name in request.fixturenames:
            sign_in(pg, request.getfixturevalue(name))
    yield pg
    ctx.close()


def wait_rendered(pg, charts: int = 1) -> None:
    """Wait until the script run is over and at least `charts` plotly charts have drawn."""
    pg.wait_for_selector(".js-plotly-plot .main-svg", state="attached")
    pg.wait_for_function(
        """(n) => {
            const running = document.querySelector('[data-testid="stStatusWidget"]');
            const busy = running && /Running|Stop|运行/.test(running.innerText || '');
            return !busy && document.querySelectorAll('.js-plotly-plot .main-svg').length >= n;
        }""",
        arg=charts, timeout=TIMEOUT_MS,
    )
    pg.wait_for_timeout(500)  # let plotly finish laying out text before a screenshot


def wait_tables(pg, n: int) -> None:
    """Wait until the script run is over and `n` dataframes are on the page (pages without charts)."""
    pg.wait_for_function(
        """(n) => {
            const running = document.querySelector('[data-testid="stStatusWidget"]');
            const busy = running && /Running|Stop|运行/.test(running.innerText || '');
            return !busy && document.querySelectorAll('[data-testid="stDataFrame"]').length >= n;
        }""",
        arg=n, timeout=TIMEOUT_MS,
    )
    pg.wait_for_timeout(800)  # the grid paints its canvas after it is attached


def assert_no_errors(pg) -> None:
    assert pg.get_by_test_id("stException").count() == 0, pg.get_by_test_id("stException").first.inner_text()
    errors = pg.locator('[data-testid="stAlertContentError"]')
    assert errors.count() == 0, errors.first.inner_text()


def metric_value(pg, label: str) -> str:
    box = pg.get_by_test_id("stMetric").filter(has=pg.get_by_test_id("stMetricLabel").get_by_text(label, exact=True))
    return box.get_by_test_id("stMetricValue").inner_text().strip()


def shot(pg, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    pg.screenshot(path=str(path))
    return path


def choose(pg, label: str, option: str) -> None:
    """Pick `option` in the sidebar selectbox labelled `label`."""
    box = pg.get_by_test_id("stSidebar").get_by_role("combobox", name=label)
    box.click()
    pg.get_by_role("option", name=option, exact=True).click()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_draws_without_errors(server, page, lang):
    for name, path in PAGES.items():
        page.goto(f"{server}/{path}?lang={lang}" if lang == "en" else f"{server}/{path}")
        if name in WITH_METRICS:
            page.get_by_test_id("stMetricValue").first.wait_for()
        if name in WITHOUT_CHARTS:
            wait_tables(page, 2)
        else:
            wait_rendered(page, charts=2)
            assert page.locator(".js-plotly-plot .main-svg").count() >= 1
        assert_no_errors(page)
        # the demo district loads every row: no incomplete-data banner anywhere
        assert page.get_by_text("数据不完整" if lang == "zh" else "Incomplete data").count() == 0
        shot(page, f"{name}_{lang}")


def test_filter_changes_the_number_like_the_api(server, page, con):
    from playwright.sync_api import expect

    year = max(queries.years(con))
    town = queries.towns(con)[1]
    page.goto(server)
    page.get_by_test_id("stMetricValue").first.wait_for()
    wait_rendered(page)
    k = queries.kpi_overview(con, year=year).iloc[0]
    assert metric_value(page, "发放金额") == i18n.fmt_money(k.spend_yuan, "zh", short=True)
    choose(page, "镇街", town)
    kt = queries.kpi_overview(con, year=year, town=town).iloc[0]
    box = page.get_by_test_id("stMetric").filter(has_text="受益人数").get_by_test_id("stMetricValue")
    expect(box).to_have_text(i18n.fmt_int(kt.persons_paid), timeout=TIMEOUT_MS)
    wait_rendered(page)
    assert metric_value(page, "发放金额") == i18n.fmt_money(kt.spend_yuan, "zh", short=True)
    # mirrored in the URL, ready to share (the URL is written by the script run after the tiles' data)
    page.wait_for_url(re.compile(r"[?&]town="), timeout=TIMEOUT_MS)
    assert_no_errors(page)
    shot(page, "overview_zh_town")

    # the selection follows to another page through the navigation
    page.get_by_test_id("stSidebarNav").get_by_text("支出", exact=True).click()
    page.wait_for_url("**/spend**")
    wait_rendered(page)
    assert "town=" in page.url
    assert page.get_by_text(f"范围：{year} 年 · {town}").count() >= 1
    assert_no_errors(page)


def test_shared_link_restores_view(server, page, con):
    years = queries.years(con)
    town = queries.towns(con)[0]
    page.goto(f"{server}/coverage?lang=en&year={years[0]}&town={town}&category=肢体")
    wait_rendered(page)
    assert_no_errors(page)
    assert page.get_by_text(f"Scope: {years[0]} · {town} · Physical").count() >= 1
    sidebar = page.get_by_test_id("stSidebar")
    assert sidebar.get_by_role("combobox", name="Town").input_value() == town
    shot(page, "coverage_en_link")


def test_gap_page_drills_to_village_and_offers_excel(server, page, con):
    year = max(queries.years(con))
    town = queries.towns(con)[0]
    page.goto(f"{server}/gaps?town={town}&gap=eligible_unpaid")
    wait_rendered(page, charts=2)
    assert_no_errors(page)
    people = queries.gap_people(con, gap="eligible_unpaid", year=year, town=town)
    assert page.get_by_text(f"共 {i18n.fmt_int(len(people))} 条记录").count() == (1 if len(people) else 0)
    if len(people):
        assert page.get_by_test_id("stDownloadButton").filter(has_text="Excel").count() == 1
    shot(page, "gaps_zh_town")


def test_png_and_excel_downloads(server, page, con):
    """A chart's PNG (kaleido on Debian's Chromium) and a gap list's Excel file really download."""
    town = queries.towns(con)[0]
    page.goto(f"{server}/gaps?town={town}&gap=not_surveyed")
    wait_rendered(page, charts=2)
    with page.expect_download(timeout=TIMEOUT_MS) as png:
        page.get_by_test_id("stDownloadButton").filter(has_text="下载图片 PNG").first.click()
    data = Path(png.value.path()).read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000
    assert png.value.suggested_filename == "gaps.overview.png"
    # the pack's chart file (pack.drawn): its width at scale 2, the edition footnote in its colour at the bottom
    image = Image.open(io.BytesIO(data)).convert("RGB")
    assert image.width == pack.CHART_WIDTH * 2
    edition = ImageColor.getrgb(style.EDITION_INTERNAL)
    bottom = image.crop((0, image.height - 80, image.width, image.height))
    assert sum(1 for px in bottom.getdata() if px == edition) > 50
    excel = page.get_by_test_id("stDownloadButton").filter(has_text="Excel")
    if excel.count():
        with page.expect_download(timeout=TIMEOUT_MS) as xlsx:
            excel.first.click()
        assert Path(xlsx.value.path()).read_bytes()[:2] == b"PK"
        assert xlsx.value.suggested_filename.endswith(".xlsx")
    assert_no_errors(page)


def test_banner_links_to_quality_and_public_edition_hides_small_counts(broken_server, page):
    """5 of 41 rows rejected: the one-line banner on the overview leads to 数据质量; with public=1 in the
    link the 2 persons paid in 2020 show as "<5" (hand-counted in tests/test_dashboard_quality.py)."""
    from playwright.sync_api import expect

    page.goto(f"{broken_server}/?year=2020&public=1")
    page.get_by_test_id("stMetricValue").first.wait_for()
    wait_tables(page, 1)
    assert_no_errors(page)
    assert metric_value(page, "受益人数") == "<5"
    banner = page.get_by_test_id("stPageLink").filter(has_text="入库时拒绝了 5 行（占读取行数的 12.2%）")
    expect(banner).to_have_count(1)
    shot(page, "overview_zh_public_broken")
    banner.click()
    page.wait_for_url("**/quality**")
    expect(page.get_by_test_id("stMetric").filter(has_text="拒绝行数").get_by_test_id("stMetricValue")).to_have_text("5")
    wait_tables(page, 3)
    assert "public=1" in page.url and "year=2020" in page.url   # the selection survives the link
    assert metric_value(page, "读取行数") == "41"
    assert_no_errors(page)
    shot(page, "quality_zh_broken")


def test_loaded_markdown_and_html_render_as_text(markdown_server, page):
    """Towns called `![x](http://example.invalid/a.png)` and `<a href="http://example.invalid">t</a>`: the
    overview's town ranking (chart and summary) shows both as text; the browser asks example.invalid
    for nothing and the page holds no link or image pointing there (hand-worked in test_loaded_text.py)."""
    asked: list[str] = []
    page.on("request", lambda req: asked.append(req.url) if "example.invalid" in req.url else None)
    page.goto(f"{markdown_server}/?year=2020")
    page.get_by_test_id("stMetricValue").first.wait_for()
    wait_rendered(page, charts=2)
    assert_no_errors(page)
    pointing = page.evaluate("""() => [...document.querySelectorAll('a, img, image, [src], [href]')]
        .map(e => [e.getAttribute('href'), e.getAttribute('src'), e.getAttribute('xlink:href')].join(' '))
        .filter(h => h.includes('example.invalid'))""")
    assert pointing == [] and asked == []
    shown = page.locator("body").inner_text().replace("\u2060", "")   # the word joiner of dashboard.ui.md
    assert MD_TOWN in shown and HTML_TOWN in shown                # the summary, as written
    drawn = page.evaluate("() => [...document.querySelectorAll('.js-plotly-plot text')].map(t => t.textContent)")
    assert HTML_TOWN in drawn and MD_TOWN in drawn                # the chart's axis labels, as written
    shot(page, "overview_zh_markdown_names")


def test_clicking_a_town_bar_narrows_the_page_and_the_url(server, page, con):
    """Drill (issue 14): a click on a town's bar in 各镇街发放金额排名 sets the town filter, so the tiles show
    that town's API numbers and the URL carries town=…; the ranking's top bar is the town paid most."""
    from playwright.sync_api import expect

    year = max(queries.years(con))
    page.goto(server)
    page.get_by_test_id("stMetricValue").first.wait_for()
    wait_rendered(page, charts=2)
    ranking = queries.benefit_incidence(con, year=year, by="town").sort_values("spend_yuan")
    top = ranking["value"].iloc[-1]
    box = page.locator(".st-key-box_overview_towns")
    bar = box.locator(".js-plotly-plot g.point path").last          # plotly draws the last (top) bar last
    bb = bar.bounding_box()
    page.mouse.click(bb["x"] + bb["width"] / 2, bb["y"] + bb["height"] / 2)
    kt = queries.kpi_overview(con, year=year, town=top).iloc[0]
    tile = page.get_by_test_id("stMetric").filter(has_text="受益人数").get_by_test_id("stMetricValue")
    expect(tile).to_have_text(i18n.fmt_int(kt.persons_paid), timeout=TIMEOUT_MS)
    page.wait_for_function("(t) => decodeURIComponent(location.search).includes('town=' + t)", arg=top,
                           timeout=TIMEOUT_MS)
    assert page.get_by_test_id("stSidebar").get_by_role("combobox", name="镇街").input_value() == top
    shot(page, "drill_town_click")
