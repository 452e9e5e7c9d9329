"""每月核查 for a town caseworker in a real headless Chromium served by a real `streamlit run`: the worklist
downloaded as Excel, filled in with openpyxl as a caseworker would in Excel, uploaded back through the
page, lands in the operational database (status, money recovered, history, audit); a workbook with one
bad row applies nothing and the page names the row; the page with its editable lists passes axe
(WCAG 2.1 AA, no serious or critical violation). FAILS (never skips) without /usr/bin/chromium."""
from __future__ import annotations

import io
import itertools
from decimal import Decimal

import openpyxl
import pytest
from test_a11y_browser import WCAG_AA, settle
from test_browser import _serve, assert_no_errors, sign_in, wait_rendered

from access import accounts, audit, cases
from access import db as ops
from tests.conftest import TEST_PASSWORD
from vocab import t

pytestmark = [pytest.mark.browser, pytest.mark.slow]
TOWN = "临江镇"
_n = itertools.count()


@pytest.fixture(scope="module")
def server(demo_db):
    yield from _serve(demo_db, "streamlit-check-browser.log")


@pytest.fixture(scope="module")
def eng():
    e = ops.make_engine()
    yield e
    e.dispose()


@pytest.fixture
def caseworker_page(browser, server, eng):
    name = f"chkb_{next(_n)}"
    accounts.add(eng, name, "town_caseworker", town=TOWN, password=TEST_PASSWORD)
    ctx = browser.new_context(viewport={"width": 1440, "height": 3800}, locale="zh-CN", accept_downloads=True)
    pg = ctx.new_page()
    pg.set_default_timeout(120_000)
    sign_in(pg, server, name)
    pg.goto(f"{server}/check")
    wait_rendered(pg)
    settle(pg)
    yield name, pg
    ctx.close()


def download(pg):
    """The worklist workbook as the page serves it: (book, its cases sheet's column index by header, rows)."""
    with pg.expect_download() as info:
        pg.get_by_role("button", name=t("case.download")).click()
    book = openpyxl.load_workbook(io.BytesIO(open(info.value.path(), "rb").read()))
    sheet = book[t("case.sheet")]
    return book, {c.value: i for i, c in enumerate(sheet[1])}, list(sheet.iter_rows(min_row=2))


def upload(pg, book: openpyxl.Workbook, name: str) -> None:
    buf = io.BytesIO()
    book.save(buf)
    pg.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(
        files=[{"name": name, "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "buffer": buf.getvalue()}])


def test_excel_round_trip_lands_in_the_operational_database(caseworker_page, eng):
    name, pg = caseworker_page
    book, col, rows = download(pg)
    assert rows and {r[col[t("town")]].value for r in rows} == {TOWN}    # her town's cases only
    # the download is in the audit log under her name (the file is made after the script run is over)
    got = audit.entries(eng, username=name, event="download")
    assert len(got) == 1 and got.iloc[0]["unmasked"] and got.iloc[0]["persons"] == len({
        r[col[t("people.person_id")]].value for r in rows})
    # a start case back-paid, a stop case's money recovered (its whole amount)
    start = next(r for r in rows if str(r[col[t("case.col.case_key")]].value).startswith("start:"))
    stop = next(r for r in rows if str(r[col[t("case.col.case_key")]].value).startswith("stop:")
                and r[col[t("people.amount")]].value)
    start[col[t("case.col.status")]].value = t("case_status.back_paid")
    stop[col[t("case.col.status")]].value = t("case_status.recovered")
    stop[col[t("case.col.amount_recovered")]].value = stop[col[t("people.amount")]].value
    stop[col[t("case.col.note")]].value = "已入户核实，家属退回"
    upload(pg, book, "临江镇核查.xlsx")
    pg.get_by_text(t("case.upload_applied", n=2, file="临江镇核查.xlsx")).wait_for()
    assert_no_errors(pg)
    keys = [start[col[t("case.col.case_key")]].value, stop[col[t("case.col.case_key")]].value]
    got = cases.statuses(eng, keys).set_index("case_key")
    assert got.loc[keys[0], "status"] == "back_paid" and got.loc[keys[0], "updated_by"] == name
    assert got.loc[keys[1], "status"] == "recovered"
    assert got.loc[keys[1], "amount_recovered"] == Decimal(str(stop[col[t("people.amount")]].value)).quantize(
        Decimal("0.01"))
    assert list(cases.history(eng, keys[1])["new_status"])[-1] == "recovered"
    events = audit.entries(eng, username=name, event="case_update")
    assert len(events) == 1 and events.iloc[0]["persons"] == 2 and not events.iloc[0]["unmasked"]


def test_one_bad_row_applies_nothing_and_is_named(caseworker_page, eng):
    name, pg = caseworker_page
    book, col, rows = download(pg)
    good, bad = rows[0], rows[1]
    good[col[t("case.col.status")]].value = t("case_status.no_action")
    bad[col[t("case.col.status")]].value = "已经处理好了"            # not a status
    before = cases.statuses(eng, [good[col[t("case.col.case_key")]].value]).iloc[0]["status"]
    upload(pg, book, "有错.xlsx")
    error = pg.locator('[data-testid="stAlertContentError"]')
    error.wait_for()
    text = error.inner_text()
    assert "有错.xlsx" in text and f"第 {bad[0].row} 行" in text
    assert "已经处理好了" in text
    assert cases.statuses(eng, [good[col[t("case.col.case_key")]].value]).iloc[0]["status"] == before
    assert audit.entries(eng, username=name, event="case_update").empty


def test_caseworker_page_passes_axe(caseworker_page):
    from axe_playwright_python.sync_playwright import Axe

    _, pg = caseworker_page
    pg.get_by_role("tab", name=t("check.start")).click()
    settle(pg)
    found = Axe().run(pg, options=WCAG_AA).response["violations"]
    bad = [(v["id"], v["impact"], [(n["target"], n["html"][:200]) for n in v["nodes"][:3]]) for v in found
           if v["impact"] in ("serious", "critical")]
    assert not bad, bad


def test_a_tiles_button_opens_its_list(browser, server):
    """Real Chromium, an analyst on the demo: the start tile's button selects the start tab and scrolls the
    lists' header to the top of a 1,400-pixel view."""
    ctx = browser.new_context(viewport={"width": 1440, "height": 1400}, locale="zh-CN")
    pg = ctx.new_page()
    pg.set_default_timeout(120_000)
    sign_in(pg, server)
    pg.goto(f"{server}/check?month=2020-04-01")
    wait_rendered(pg)
    start = pg.get_by_role("tab", name=t("check.start"))
    assert start.get_attribute("aria-selected") == "false"
    pg.get_by_role("button", name=t("check.to_list", check=t("check.start"))).click()
    pg.wait_for_function("(name) => [...document.querySelectorAll('[role=tab]')].some("
                         "e => e.innerText.includes(name) && e.getAttribute('aria-selected') === 'true')",
                         arg=t("check.start"), timeout=120_000)
    wait_rendered(pg)
    pg.wait_for_timeout(800)   # the scroll runs 300 ms after the page drew
    top = pg.locator("#check-lists").evaluate("el => el.getBoundingClientRect().top")
    assert 0 <= top < 700, top
    assert pg.get_by_text(t("check.start_help")[:12], exact=False).first.is_visible()
    assert_no_errors(pg)
    pg.screenshot(path="test-output/screenshots/check_tile_to_list.png")
    ctx.close()
