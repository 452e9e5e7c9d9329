"""Drill clicks in a real Chromium on the tiny hand-typed district (tests/contract_fixtures.py): a click on a
gap's bar picks that gap and brings its masked list into view; a click on a program's bar narrows the spend
page to that program, puts program=… in the URL and brings the program's persons paid into view. AppTest
cannot click a plotly bar (tests/dashboard/test_drill.py drives the callback's effect there)."""
from __future__ import annotations

import pytest
from test_browser import TIMEOUT_MS, _serve, assert_no_errors, shot, sign_in, wait_rendered

from subsidy.build import build_database
from tests.contract_fixtures import write_district

pytestmark = [pytest.mark.browser, pytest.mark.slow]
VIEWPORT = {"width": 1440, "height": 1400}


@pytest.fixture(scope="module")
def tiny_server(tmp_path_factory):
    root = tmp_path_factory.mktemp("drill_browser")
    build_database(write_district(root / "src"), root / "subsidy.duckdb")
    yield from _serve(root / "subsidy.duckdb", "streamlit-browser-drill.log")


@pytest.fixture
def pg(browser, tiny_server):
    ctx = browser.new_context(viewport=VIEWPORT, locale="zh-CN")
    page = ctx.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    sign_in(page, tiny_server)
    yield page
    ctx.close()


def click_bar(pg, box: str, label: str) -> None:
    """Click the bar drawn for y-axis label `label` in the plotly chart inside container `box`."""
    where = pg.evaluate("""([box, label]) => {
        const gd = document.querySelector(box + ' .js-plotly-plot');
        const traces = gd.querySelectorAll('.barlayer .trace');
        const data = gd._fullData;   // typed arrays decoded (gd.data may keep them base64-encoded)
        for (let i = 0; i < data.length; i++) {
            const ys = Array.from(data[i].y || []);
            const j = ys.findIndex(y => String(y).replace(/<br>/g, '') === label);
            if (j < 0) continue;
            const x = data[i].x;
            if (!x || !(x[j] > 0)) continue;
            const path = traces[i].querySelectorAll('.point path')[j];
            const r = path.getBoundingClientRect();
            return [r.x + r.width / 2, r.y + r.height / 2];
        }
        return null;
    }""", [box, label])
    assert where, f"no bar for {label!r} in {box}"
    pg.mouse.click(where[0], where[1])


def test_clicking_a_gap_bar_shows_that_gaps_list(pg, tiny_server):
    pg.goto(f"{tiny_server}/gaps?year=2020")
    wait_rendered(pg, charts=2)
    click_bar(pg, ".st-key-box_gaps_overview", "死亡后发放")
    pg.wait_for_function("() => decodeURIComponent(location.search).includes('gap=paid_after_death')",
                         timeout=TIMEOUT_MS)
    wait_rendered(pg, charts=2)
    note = pg.get_by_text("已选中缺口“死亡后发放”", exact=False)
    note.wait_for()
    pg.wait_for_timeout(800)   # the scroll runs 300 ms after the page drew
    header = pg.locator("#gap-people")
    top = header.evaluate("el => el.getBoundingClientRect().top")
    assert 0 <= top < VIEWPORT["height"] / 2, top          # the list's header brought to the top of the view
    assert_no_errors(pg)
    shot(pg, "drill_gap_to_list")


def test_clicking_a_program_bar_narrows_the_spend_page(pg, tiny_server):
    pg.goto(f"{tiny_server}/spend?year=2020")
    wait_rendered(pg, charts=2)
    click_bar(pg, ".st-key-box_spend_programs", "重度残疾人护理补贴")
    pg.wait_for_function("() => decodeURIComponent(location.search).includes('program=NS')", timeout=TIMEOUT_MS)
    wait_rendered(pg, charts=2)
    box = pg.get_by_test_id("stSidebar").get_by_role("combobox", name="项目", exact=True)
    assert box.input_value().startswith("重度残疾人护理补贴")
    # the program's persons paid under the charts, in view: P001 (2 × 270) and P004 (135), masked
    pg.get_by_text("已选中重度残疾人护理补贴：2 人获得发放", exact=False).wait_for()
    pg.wait_for_timeout(800)   # the scroll runs 300 ms after the page drew
    count = pg.get_by_text("共 2 人。")
    count.wait_for()
    # the list is the page's last section: scrolled to the end, its header and count line in the view
    top = pg.locator("#paid-people").evaluate("el => el.getBoundingClientRect().top")
    bottom = count.evaluate("el => el.getBoundingClientRect().bottom")
    assert 0 <= top < bottom <= VIEWPORT["height"], (top, bottom)
    assert_no_errors(pg)
    shot(pg, "drill_program")


def test_a_tier_amount_on_the_policy_page(pg, tiny_server):
    """NS tier 2 (270 a month, paid to P001 for two months of 2020) at 300: +60 元 (tests/queries and
    tests/dashboard/test_policy_page.py work it out by hand)."""
    pg.goto(f"{tiny_server}/policy?year=2020")
    pg.get_by_test_id("stMetricValue").first.wait_for()
    pg.get_by_role("radio", name="某一档次的标准").click(force=True)
    pg.locator(".st-key-policy_tier_program").get_by_role("combobox").click()
    pg.get_by_role("option", name="重度残疾人护理补贴 (NS)", exact=True).click()
    pg.locator(".st-key-policy_tier").get_by_role("combobox").click()
    pg.get_by_role("option", name="2 档", exact=False).click()
    amount = pg.locator(".st-key-policy_tier_amount_NS_2 input")
    amount.fill("300")
    amount.press("Enter")
    tile = pg.get_by_test_id("stMetric").filter(has_text="较现行规则").get_by_test_id("stMetricValue")
    from playwright.sync_api import expect

    expect(tile).to_have_text("+60 元", timeout=TIMEOUT_MS)
    wait_rendered(pg, charts=2)
    assert pg.get_by_text("以新上限封顶", exact=False).count() >= 1     # the assumption, on the page
    assert_no_errors(pg)
    shot(pg, "policy_tier")


def click_cell(pg, box: str, x: str, y: str) -> None:
    """Click the heatmap cell at column `x`, row `y` in the plotly chart inside container `box`."""
    where = pg.evaluate("""([box, x, y]) => {
        const gd = document.querySelector(box + ' .js-plotly-plot');
        const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
        const xi = xa._categories.indexOf(x), yi = ya._categories.indexOf(y);
        if (xi < 0 || yi < 0) return null;
        const r = gd.querySelector('.nsewdrag').getBoundingClientRect();
        return [r.left + xa.c2p(xi), r.top + ya.c2p(yi)];
    }""", [box, x, y])
    assert where, f"no cell {x!r} × {y!r} in {box}"
    pg.mouse.click(where[0], where[1])


def test_clicking_a_heatmap_cell_shows_that_cells_list(pg, tiny_server):
    """精神 二级 in 2020 is P002 李四娘 alone, certified and not yet covered (tests/dashboard/test_drill.py and
    tests/queries/test_coverage_people.py work it out)."""
    pg.goto(f"{tiny_server}/coverage?year=2020")
    wait_rendered(pg, charts=3)
    click_cell(pg, ".st-key-box_coverage_heatmap", "二级", "精神")
    pg.wait_for_function("() => { const q = decodeURIComponent(location.search); "
                         "return q.includes('category=精神') && q.includes('grade=2'); }", timeout=TIMEOUT_MS)
    wait_rendered(pg, charts=3)
    pg.get_by_text("已选中精神 二级：尚未覆盖 1 人，已获发放 0 人", exact=False).wait_for()
    pg.wait_for_timeout(800)   # the scroll runs 300 ms after the page drew
    top = pg.locator("#coverage-people").evaluate("el => el.getBoundingClientRect().top")
    assert 0 <= top < VIEWPORT["height"] / 2, top          # the list's header brought to the top of the view
    pg.get_by_text("共 1 人。").wait_for()                # the masked list of that one person
    assert pg.get_by_test_id("stDataFrame").count() >= 1
    box = pg.get_by_test_id("stSidebar").get_by_role("combobox", name="残疾类别", exact=True)
    assert box.input_value() == "精神"
    assert_no_errors(pg)
    shot(pg, "drill_heatmap_to_list")


def test_the_persons_paid_tile_opens_its_list(pg, tiny_server):
    """受益人数 under NS in 2020 is 2 (P001, P004): the button under the tile opens the spend page with the
    selection kept and the list of those 2 persons in view."""
    pg.goto(f"{tiny_server}/?year=2020&program=NS")
    tile = pg.get_by_test_id("stMetric").filter(has_text="受益人数").get_by_test_id("stMetricValue")
    tile.wait_for()
    assert tile.inner_text() == "2"
    pg.get_by_role("button", name="查看受益人员名单").click()
    pg.wait_for_function("() => location.pathname.endsWith('/spend') && "
                         "decodeURIComponent(location.search).includes('program=NS')", timeout=TIMEOUT_MS)
    count = pg.get_by_text("共 2 人。")
    count.wait_for()
    pg.wait_for_timeout(800)   # the scroll runs 300 ms after the page drew
    top = pg.locator("#paid-people").evaluate("el => el.getBoundingClientRect().top")
    bottom = count.evaluate("el => el.getBoundingClientRect().bottom")
    assert 0 <= top < bottom <= VIEWPORT["height"], (top, bottom)
    assert "year=2020" in url_query(pg)
    assert_no_errors(pg)
    shot(pg, "drill_tile_to_paid_list")


def url_query(pg) -> str:
    return pg.evaluate("() => decodeURIComponent(location.search)")


def test_the_flow_list_follows_its_choices_and_the_url(pg, tiny_server):
    """NS 2020 → 2021 on the tiny district: P004 (died) and P001 left, P002 entered (tests/dashboard/test_drill.py
    and tests/queries/test_program_flows.py work it out); a link with fprogram=NS opens that list, picking 新进入
    narrows it to P002 and puts fflow=entering in the URL."""
    pg.goto(f"{tiny_server}/coverage?year=2021&fprogram=NS")
    wait_rendered(pg, charts=3)
    box = pg.get_by_role("combobox", name="流向", exact=True)
    box.scroll_into_view_if_needed()
    pg.get_by_text("共 3 人。").wait_for()
    assert pg.get_by_role("combobox", name="项目", exact=True).last.input_value() == "重度残疾人护理补贴"
    box.click()
    pg.get_by_role("option", name="新进入（1 人）", exact=True).click()
    pg.wait_for_function("() => decodeURIComponent(location.search).includes('fflow=entering')", timeout=TIMEOUT_MS)
    pg.get_by_text("共 1 人。").wait_for()
    assert "fprogram=NS" in url_query(pg)
    box.scroll_into_view_if_needed()
    assert_no_errors(pg)
    shot(pg, "flow_list_entering")


def test_the_policy_list_shows_who_a_changed_rule_gains(pg, tiny_server):
    """NS 2020 with grade_1_2 widened to grade 3 (any category): P004 (视力 3) gained, P001 and P002 kept."""
    pg.goto(f"{tiny_server}/policy?year=2020")
    pg.get_by_test_id("stMetricValue").first.wait_for()
    pg.locator(".st-key-policy_rule").get_by_role("combobox").click()
    pg.get_by_role("option").filter(has_text="nursing_subsidy").first.click()
    pg.get_by_text("共 2 人。").wait_for()                    # the rule in force: P001, P002 kept
    pg.locator(".st-key-policy_grade_max").get_by_role("combobox").click()
    pg.get_by_role("option", name="3", exact=True).click()
    pg.get_by_text("共 3 人。").wait_for()
    box = pg.locator(".st-key-poutcome").get_by_role("combobox")
    box.scroll_into_view_if_needed()
    box.click()
    pg.get_by_role("option", name="新增（1 人）", exact=True).click()
    pg.wait_for_function("() => decodeURIComponent(location.search).includes('poutcome=gained')",
                         timeout=TIMEOUT_MS)
    pg.get_by_text("共 1 人。").wait_for()
    box.scroll_into_view_if_needed()
    assert_no_errors(pg)
    shot(pg, "policy_list_gained")
