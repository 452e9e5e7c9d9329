"""The report pack is the page on paper: for a grid of selections, every chart a page draws (through
AppTest, the real Streamlit script) has the same data, the same title and the same dropped-filter note
as the chart the pack prints for that selection (through `publish.pack.collect`, the function
`build_pack` renders), and every chart the pack prints for a page is drawn on that page.

The grid: each year of the demo district, a town, a category, a program group, the public edition on
and off, English once, a chosen gap once. Gap labels are checked against the seed on the page, in the
workbook and in the PDF in tests/publish/test_export.py.
"""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import plotly.io as pio
import pytest
from apptest import APP, run_app
from streamlit.testing.v1 import AppTest

import queries
from publish import pack
from publish.charts import Selection

pytestmark = pytest.mark.slow

PAGES = ("overview", "coverage", "spend", "processing", "gaps")


@pytest.fixture(autouse=True)
def _db_env(demo_env):
    """Every test here runs the app on the demo database (conftest.py)."""


def grid(con) -> list[tuple[str, Selection, bool, str]]:
    """(name, selection, public, lang) cases."""
    years = queries.years(con)
    town = queries.towns(con)[0]
    cases = [(f"year {y}", Selection(year=y), False, "zh") for y in years]
    cases += [
        ("town", Selection(year=years[-2], town=town), False, "zh"),
        ("category", Selection(year=years[-1], category="肢体"), False, "zh"),
        ("program group", Selection(year=years[-2], program_group="康复"), False, "zh"),
        ("public", Selection(year=years[-2]), True, "zh"),
        ("public town english", Selection(year=years[-1], town=town, category="精神"), True, "en"),
        ("gap chosen", Selection(year=years[-2], town=town, gap="paid_after_death"), False, "zh"),
    ]
    return cases


def _query(sel: Selection, public: bool, lang: str) -> dict[str, str]:
    q = {"year": str(sel.year)}
    for key, url in (("town", "town"), ("category", "category"), ("program_group", "group"), ("gap", "gap")):
        if getattr(sel, key):
            q[url] = str(getattr(sel, key))
    if public:
        q["public"] = "1"
    if lang != "zh":
        q["lang"] = lang
    return q


def page_charts(at: AppTest) -> dict[str, dict]:
    """chart id -> plotly spec of every chart the page drew (keys are `chart_<chart id>`)."""
    out = {}
    for el in at.get("plotly_chart"):
        key = el.proto.id.rsplit("-", 1)[-1] if el.proto.id else ""
        marker = "chart_"
        assert marker in el.proto.id, el.proto.id
        key = el.proto.id[el.proto.id.index(marker) + len(marker):]
        out[key] = json.loads(el.proto.spec)
    return out


def page_captions(at: AppTest) -> list[str]:
    return [c.value for c in at.caption]


def _comparable(spec: dict) -> tuple:
    layout = spec.get("layout", {})
    title = layout.get("title", {})
    return json.dumps(spec["data"], sort_keys=True), title.get("text") if isinstance(title, dict) else title


def test_pages_draw_exactly_the_pack(con):
    for name, sel, public, lang in grid(con):
        got = pack.collect(con, sel, lang=lang, public=public)
        printed = {r.spec.id: r for r in got.rendered}
        at = run_app(None, 180, **_query(sel, public, lang))
        for page in PAGES:
            if page != "overview":
                at.switch_page(f"views/{page}.py").run()
            assert not at.exception, (name, page, [e.message for e in at.exception])
            drawn = page_charts(at)
            expected = {cid for cid, r in printed.items() if r.spec.page == page and not r.empty}
            assert set(drawn) == expected, (name, page, sorted(drawn), sorted(expected))
            captions = page_captions(at)
            for cid in expected:
                r = printed[cid]
                fig = json.loads(pio.to_json(r.chart.fig, validate=False))
                assert _comparable(drawn[cid]) == _comparable(fig), (name, cid)
                assert _comparable(drawn[cid])[1] == r.title, (name, cid)
                if r.dropped_note:  # the note under the chart names the same filters as the PDF page
                    names = got.labels.list_sep().join(got.labels(d) for d in r.dropped_note)
                    note = got.labels("not_filtered_by", what=names)
                    assert note in captions, (name, cid, note)
                if r.spec.scope_note:  # and the same scope note (every year of the data)
                    years = queries.years(con)
                    assert got.labels(r.spec.scope_note, first=min(years), last=max(years)) in captions, (name, cid)


def test_the_grid_covers_dropped_filters_and_the_public_edition(con):
    """The comparison above is not vacuous: the grid includes charts that drop a filter, charts with
    hidden cells, the all-years processing scope and the by-village gap chart."""
    dropped = hidden = by_village = all_years = 0
    for _, sel, public, lang in grid(con):
        got = pack.collect(con, sel, lang=lang, public=public)
        dropped += sum(bool(r.dropped) for r in got.rendered)
        hidden += sum(r.hidden > 0 for r in got.rendered)
        by_village += any(r.spec.id == "gaps.by_village" for r in got.rendered)
        all_years += sum(r.spec.scope_note == "processing_all_years" and "year" in r.dropped for r in got.rendered)
    assert dropped and hidden and by_village and all_years


def test_one_title_per_chart_everywhere(con):
    """The figure's own title is the registry's title (no second title in a builder)."""
    sel = Selection(year=queries.years(con)[-2])
    for lang in ("zh", "en"):
        got = pack.collect(con, sel, lang=lang)
        for r in got.rendered:
            if not r.empty:
                assert r.chart.fig.layout.title.text == r.title == r.spec.title(got.labels, sel), r.spec.id


def test_gap_labels_on_the_page_are_the_seeds(con):
    """The gaps page names every gap in the seed's words (queries/seeds/gap_keys.csv): the gap picker,
    the persons-per-gap chart and the tiles; in Chinese and in English."""
    seed = pd.read_csv(Path(APP).parents[1] / "queries" / "seeds" / "gap_keys.csv")
    year = queries.years(con)[-2]
    for lang, col in (("zh", "label_zh"), ("en", "label_en")):
        label = dict(zip(seed["gap"], seed[col]))
        query = {"year": str(year), "gap": "paid_after_death", **({"lang": lang} if lang != "zh" else {})}
        at = run_app("gaps", 180, **query)
        assert not at.exception
        picker = at.selectbox(key="gap")
        assert picker.options == [label[k] for k in seed.sort_values("sort_order")["gap"]]
        spec = page_charts(at)["gaps.overview"]
        drawn = {y for trace in spec["data"] for y in trace["y"]}
        shown = queries.census_gaps(con, year=year)
        assert drawn == {label[k] for k in shown["gap"]}
        assert any(m.label.startswith(label["paid_after_death"] + " · ") for m in at.metric)
