"""Loaded text is shown as text (issue 9, "Injection"): a town called `![x](http://example.invalid/a.png)`
made every viewer's browser fetch an image, `<a href="http://example.invalid">t</a>` a live link.

The district is tests/contract_fixtures.py's with 东城街道 and 西湖镇 renamed to those two strings
(and 一村 and the program RH with Markdown of their own). In 2020 both towns are paid (P001 in
东城街道, P004 in 西湖镇), so the overview's town ranking names both in its chart and its summary, and
RH (Y06, 5,999.50 yuan) is the program the spend page's summary names.
Every Markdown text on the page (st.markdown, st.caption, st.info, metric labels) is rendered here
with a CommonMark renderer (markdown-it): it must give no link and no image, no bare "http://" that
GFM would turn into a link, and the name must come out as the characters it was loaded with. The
figure's labels are HTML-escaped (publish.style.html_text).
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import apptest
import pytest
from markdown_it import MarkdownIt

from dashboard.ui import WORD_JOINER
from tests.contract_fixtures import district, write_district

pytestmark = pytest.mark.slow

MD_TOWN = "![x](http://example.invalid/a.png)"
HTML_TOWN = '<a href="http://example.invalid">t</a>'
MD_VILLAGE = "[点我](http://example.invalid) *粗* `代码` $x$ :red[红] <b>b</b>"
MD_PROGRAM = "**加粗** # 标题 | 表 |"
RENDER = MarkdownIt("commonmark")


def markdown_district() -> dict:
    """The fixture district with the hostile names of the module docstring."""
    d = district()
    towns = {"东城街道": MD_TOWN, "西湖镇": HTML_TOWN}
    for p in d["persons"]:
        p["town"] = towns[p["town"]]
        if p["village"] == "一村":
            p["village"] = MD_VILLAGE
    d["programs"][2]["name"] = d["programs"][2]["name_en"] = MD_PROGRAM   # RH, the most paid in 2020
    return d


@pytest.fixture(scope="module")
def markdown_db(tmp_path_factory) -> Path:
    from subsidy.build import build_database

    root = tmp_path_factory.mktemp("markdown_names")
    build_database(write_district(root / "src", markdown_district()), root / "subsidy.duckdb")
    return root / "subsidy.duckdb"


@pytest.fixture(autouse=True)
def _restore_db_env(monkeypatch):
    monkeypatch.setenv("SUBSIDY_DB", "")


def run(db: Path, page: str | None = None, **query):
    os.environ["SUBSIDY_DB"] = str(db)
    at = apptest.run_app(page, 120, **query)
    assert not at.exception, [e.message for e in at.exception]
    return at


def markdown_bodies(at) -> list[str]:
    """Every text Streamlit renders as Markdown on the page."""
    out = [m.value for m in at.markdown] + [c.value for c in at.caption] + [i.value for i in at.info]
    out += [w.value for w in at.warning] + [m.label for m in at.metric]
    return out


def assert_literal(bodies: list[str], names: list[str]) -> None:
    html = "\n".join(RENDER.render(b) for b in bodies)
    assert "<a " not in html and "<img" not in html and "<h1>" not in html, html
    # GFM links "http://…" found in the text after parsing: the page puts an invisible word joiner in
    # them (dashboard.ui.md), which the reader does not see
    assert "http://" not in html and "www.example" not in html
    html = html.replace(WORD_JOINER, "")
    for name in names:  # shown: every character of the name, HTML-escaped by the renderer only
        shown = name.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
        assert shown in html, (name, html)


def plotly_strings(at) -> list[str]:
    def walk(x):
        if isinstance(x, str):
            yield x
        elif isinstance(x, dict):
            for v in x.values():
                yield from walk(v)
        elif isinstance(x, list):
            for v in x:
                yield from walk(v)
    return [s for c in at.get("plotly_chart") for s in walk(json.loads(c.proto.spec))]


def test_town_names_with_markdown_and_html_show_as_text_on_the_overview(markdown_db):
    at = run(markdown_db, year=2020)
    assert_literal(markdown_bodies(at), [MD_TOWN, HTML_TOWN])   # the town ranking's summary names both
    figure = plotly_strings(at)
    assert not [s for s in figure if "<a " in s or "<img" in s]
    assert '&lt;a href="http://example.invalid"&gt;t&lt;/a&gt;' in figure and MD_TOWN in figure


def test_scope_caption_with_a_hostile_town_is_text(markdown_db):
    at = run(markdown_db, "coverage", year=2020, town=HTML_TOWN)
    assert at.selectbox(key="town").value == HTML_TOWN
    assert_literal(markdown_bodies(at), [HTML_TOWN])
    at = run(markdown_db, "gaps", year=2020, town=MD_TOWN, gap="not_surveyed")
    assert_literal(markdown_bodies(at), [MD_TOWN])


def test_village_and_program_names_with_markdown_are_text(markdown_db):
    at = run(markdown_db, "spend", year=2020)
    assert_literal(markdown_bodies(at), [MD_PROGRAM])   # RH: 5,999.50 of the 8,730 yuan paid in 2020
    assert not [s for s in plotly_strings(at) if "<b>" in s]
    at = run(markdown_db, "gaps", year=2020, town=MD_TOWN, gap="not_surveyed")
    assert not [s for s in plotly_strings(at) if "<b>" in s or "<a " in s]
