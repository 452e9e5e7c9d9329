"""Chart builders (publish/figures.py), their words (vocab/text_charts.py), the registry and number
formatting, on small hand-made frames (no database).

Expected numbers are worked out by hand from the frames below. The builders get a `Labels` built by
hand from a small gap catalog (`CATALOG`), so the tests do not depend on the seed's wording.
"""
from __future__ import annotations

import ast
import datetime as dt
import inspect
import io
import math
import re
from pathlib import Path

import openpyxl
import pandas as pd
import plotly.io as pio
import pytest

import vocab as i18n
from publish import figures, style, tables
from vocab import Labels

ROOT = Path(__file__).resolve().parents[2]
_CJK = re.compile(r"[\u3400-\u9fff]")

# a few gaps in seed order, with the labels the old hard-coded table had (the seed has its own words)
CATALOG = [
    {"gap": "not_surveyed", "label_zh": "未普查", "label_en": "Not surveyed", "case_kind": "person",
     "definition": "Certified persons with no census row.", "definition_zh": "当年无普查记录的持证人口。"},
    {"gap": "paid_after_death", "label_zh": "死亡后仍发放", "label_en": "Paid after death", "case_kind": "payment",
     "definition": "Payments after death.", "definition_zh": "死亡后的发放。"},
    {"gap": "paid_after_dibao_end", "label_zh": "退出低保/低边后仍发放",
     "label_en": "Paid after minimum-living aid ended", "case_kind": "payment",
     "definition": "Living subsidy outside minimum living security.",
     "definition_zh": "既非低保也非低边时的生活补贴。"},
    {"gap": "duplicate_payment", "label_zh": "重复发放", "label_en": "Duplicate payment", "case_kind": "payment",
     "definition": "Payments beyond the first.", "definition_zh": "第二笔及以后的发放。"},
    {"gap": "eligible_unpaid", "label_zh": "应享未享", "label_en": "Eligible but unpaid", "case_kind": "person_program",
     "definition": "Eligible but never paid.", "definition_zh": "符合条件但未发放。"},
    {"gap": "late_start", "label_zh": "发放起始滞后", "label_en": "Late start", "case_kind": "person_program",
     "definition": "First payment late.", "definition_zh": "首次发放滞后。"},
]
ZH = Labels.from_catalog("zh", CATALOG)
EN = Labels.from_catalog("en", CATALOG)


def seed_labels(lang: str) -> Labels:
    """Labels with the real gap seed (queries/seeds/gap_keys.csv)."""
    return Labels.from_catalog(lang, pd.read_csv(ROOT / "queries" / "seeds" / "gap_keys.csv"))


# ---------------------------------------------------------------- number formatting
@pytest.mark.parametrize("yuan, zh, en", [
    (40_123_456.0, "4,012.35 万元", "¥40.12 m"),
    (100_000, "10.00 万元", "¥100,000"),
    (8_500, "8,500 元", "¥8,500"),
    (None, "—", "—"),
    (float("nan"), "—", "—"),
])
def test_fmt_money(yuan, zh, en):
    assert i18n.fmt_money(yuan, "zh") == zh
    assert i18n.fmt_money(yuan, "en") == en


def test_fmt_other_numbers():
    assert i18n.fmt_int(14536) == "14,536"
    assert i18n.fmt_pct(0.523) == "52.3%"
    assert i18n.fmt_days(12.5, "zh") == "12.5 个工作日"
    assert i18n.fmt_days(12.0, "en") == "12 working days"
    assert i18n.fmt_delta(21_300, 20_000) == "+1,300"
    assert i18n.fmt_delta(0.61, 0.63, "pct", "zh") == "-2.0 个百分点"  # ASCII minus: st.metric reads it
    assert i18n.fmt_delta(5, 5) == "±0"
    assert i18n.fmt_delta(None, 3) is None


def test_labels_in_both_languages():
    assert i18n.t("kpi_spend", "zh") == "发放金额" and i18n.t("kpi_spend", "en") == "Money paid"
    assert i18n.category_label("肢体", "en") == "Physical"
    assert i18n.grade_label(2, "zh") == "二级"
    assert i18n.program_name("重度残疾人护理补贴", "Nursing subsidy", "en") == "Nursing subsidy"
    assert i18n.program_name("重度残疾人护理补贴", None, "en") == "重度残疾人护理补贴"
    zh, en = seed_labels("zh"), seed_labels("en")
    assert len(zh.gap_keys) == 21 and zh.gap_keys == en.gap_keys
    for key in zh.gap_keys:
        assert zh.gap(key) != key and en.gap(key) != key
        assert zh.gap_definition(key) and en.gap_definition(key)


def test_vocab_figures_style_and_tables_do_not_import_streamlit():
    for module in (i18n, figures, style, tables):
        assert "streamlit" not in inspect.getsource(module).replace("no Streamlit import", "")


# ---------------------------------------------------------------- builders
def spend_frame():
    return pd.DataFrame({
        "program_id": ["P01", "P02", "P03"],
        "name": ["重度残疾人护理补贴", "困难残疾人生活补贴", "肢体康复训练补贴"],
        "name_en": ["Nursing subsidy", "Living subsidy", "Limb rehab training"],
        "program_group": ["两项补贴", "两项补贴", "康复"],
        "cycle": ["monthly", "monthly", "annual"],
        "spend_yuan": [523_000.0, 277_000.0, 200_000.0],
        "persons": [100, 80, 20], "person_times": [100, 80, 20], "payments": [1200, 960, 20],
        "avg_per_person": [5230.0, 3462.5, 10000.0], "tiers": [5, 1, 5], "cap_use": [None, None, 0.5],
    })


def test_spend_programs_summary_names_the_top_program_and_share():
    c = figures.spend_programs(spend_frame(), ZH, title="各补贴项目支出", year=2020)
    # 523,000 / 1,000,000 = 52.3%
    assert c.summary.startswith("2020 年支出最多的项目是重度残疾人护理补贴，占 52.3%")
    assert "100.00 万元" in c.summary
    assert len(c.fig.data) == 2  # one trace per program group present
    assert sorted(c.table["支出（万元）"]) == [20.0, 27.7, 52.3]
    en = figures.spend_programs(spend_frame(), EN, title="Spend per program", year=2020)
    assert "Nursing subsidy" in en.summary and "52.3%" in en.summary


def test_spend_groups_sums_by_group():
    c = figures.spend_groups(spend_frame(), ZH, title="按项目类别的支出", year=2020)
    # 两项补贴 = 523,000 + 277,000 = 800,000 = 80.0%
    assert "两项补贴类项目支出最多，占 80.0%（80.00 万元）" in c.summary


def month_frame():
    months = [dt.date(2020, m, 1) for m in range(1, 13)]
    spend = [100_000.0] * 12
    spend[6] = 250_000.0   # July
    return pd.DataFrame({"month": months, "spend_yuan": spend, "persons_paid": 10, "payments": 10})


def test_monthly_spend_summary():
    c = figures.monthly_spend(month_frame(), ZH, title="月度发放金额", year=2020)
    # total = 11 × 100,000 + 250,000 = 1,350,000 = 135.00 万元
    assert c.summary == "2020 年 7 月发放金额最高（25.00 万元），全年合计 135.00 万元。"
    assert len(c.table) == 12
    en = figures.monthly_spend(month_frame(), EN, title="Monthly spend", year=2020)
    assert en.summary == "In 2020, July had the highest spend (¥250,000); the year's total is ¥1.35 m."
    assert list(en.fig.data[0].x[:2]) == ["Jan", "Feb"] and list(c.fig.data[0].x[:2]) == ["1 月", "2 月"]


def test_builder_shows_the_title_it_is_given():
    c = figures.monthly_spend(month_frame(), ZH, title="任意标题", year=2020)
    assert c.fig.layout.title.text == "任意标题"


def test_coverage_heatmap_extremes():
    df = pd.DataFrame({
        "category": ["视力", "视力", "肢体", "肢体"], "grade": [1, 2, 1, 2],
        "certified_population": [10, 20, 40, 0], "persons_paid": [9, 5, 20, 0],
        "coverage": [0.9, 0.25, 0.5, float("nan")],
    })
    c = figures.coverage_heatmap(df, ZH, title="按类别和等级的覆盖率", year=2020)
    assert c.summary == "2020 年覆盖率最高的是视力一级（90.0%），最低的是视力二级（25.0%）。"
    z = c.fig.data[0].z
    assert z[0][0] == pytest.approx(0.9) and pd.isna(z[1][1])
    en = figures.coverage_heatmap(df, EN, title="Coverage by category and grade", year=2020)
    assert en.summary == ("In 2020, coverage is highest for Vision Grade 1 (90.0%) "
                          "and lowest for Vision Grade 2 (25.0%).")


def test_coverage_bars_by_sex_ranges_and_headers():
    df = pd.DataFrame({"value": ["女", "男"], "certified_population": [100, 200], "persons_paid": [80, 120],
                       "coverage": [0.8, 0.6]})
    c = figures.coverage_bars(df, ZH, title="按性别的覆盖率", year=2020, by="sex")
    assert c.summary == "2020 年按性别看，覆盖率最高的是女（80.0%），最低的是男（60.0%）。"
    assert list(c.table.columns) == ["性别", "持证残疾人", "获得发放人数", "覆盖率 %"]
    en = figures.coverage_bars(df, EN, title="Coverage by sex", year=2020, by="sex")
    assert en.summary == "In 2020, coverage by sex ranges from 60.0% (Male) to 80.0% (Female)."
    assert list(en.table.columns)[0] == "Sex"


def test_targeting_summary_uses_both_errors():
    df = pd.DataFrame({
        "program_id": ["P02"], "name": ["困难残疾人生活补贴"], "name_en": ["Living subsidy"],
        "eligible_person_months": [1000], "paid_person_months": [990], "eligible_paid_person_months": [980],
        "excluded_person_months": [20], "included_person_months": [10],
        "exclusion_error": [0.02], "inclusion_error": [10 / 990], "eligible_persons": [90], "paid_persons": [89],
    })
    c = figures.targeting(df, ZH, title="应享与实发（人月）", year=2020)
    assert c.summary == "2020 年困难残疾人生活补贴漏保率 2.0%、错保率 1.0%。"
    en = figures.targeting(df, EN, title="Eligible vs paid (person-months)", year=2020)
    assert en.summary == "In 2020, Living subsidy: exclusion error 2.0%, inclusion error 1.0%."


def test_processing_routes_difference():
    df = pd.DataFrame({"route": ["direct", "via_town"], "applications": [10, 10],
                       "median_days": [8.0, 31.0], "mean_days": [9.0, 30.0]})
    c = figures.processing_routes(df, ZH, title="发放方式与办理时长")
    assert "8.0 个工作日，比经镇街转发少 23.0 个工作日" in c.summary


def durations_frame():
    """queries.duration_stats of 9 applications worked out by hand: before (via town) 10, 20, 30, 40, 50
    working days → q1 20, median 30, q3 40; after (direct) 1, 2, 3, 4 → q1 1.75, median 2.5, q3 3.25."""
    return pd.DataFrame([
        {"period": "before", "route": "via_town", "n": 5, "q1": 20.0, "median": 30.0, "q3": 40.0,
         "lowerfence": 10.0, "upperfence": 50.0, "mean": 30.0},
        {"period": "after", "route": "direct", "n": 4, "q1": 1.75, "median": 2.5, "q3": 3.25,
         "lowerfence": 1.0, "upperfence": 4.0, "mean": 2.5},
        {"period": "before", "route": "_all", "n": 5, "median": 30.0},
        {"period": "after", "route": "_all", "n": 4, "median": 2.5},
    ])


def test_processing_distribution_box_from_quartiles():
    c = figures.processing_distribution(durations_frame(), ZH, title="办理时长分布（工作日）")
    # medians: before 30, after (2 + 3) / 2 = 2.5
    assert "从改革前的 30.0 个工作日降至改革后的 2.5 个工作日" in c.summary
    before = [tr for tr in c.fig.data if tr.name == "镇街转发"][0]
    assert before.median == (30.0,) and before.q1 == (20.0,) and before.q3 == (40.0,)


def test_processing_distribution_takes_the_box_statistics_frame():
    c = figures.processing_distribution(durations_frame(), ZH, title="办理时长分布（工作日）")
    assert c.summary == "办理时长中位数从改革前的 30.0 个工作日降至改革后的 2.5 个工作日（共 9 件已发放申请）。"
    after = [tr for tr in c.fig.data if tr.name == "直接到账"][0]
    assert after.q1 == (1.75,) and after.q3 == (3.25,)
    assert list(c.table["申请数"]) == [5, 4]          # the '_all' rows are not boxes


def test_trips_counts_programs():
    df = pd.DataFrame({"trips_before": [3, 1, 2, 1], "trips_after": [0, 0, 1, 1],
                       "materials_before": [2, 2, 2, 2], "materials_after": [0, 1, 1, 1]})
    c = figures.processing_trips(df, ZH, title="按所需跑次的项目数：改革前后")
    assert c.summary.startswith("改革后 4 个项目中 2 个需 0 次、4 个最多 1 次（改革前分别为 0 个和 2 个）")
    assert "合计减少 5 次" in c.summary  # (3+1+2+1) − (0+0+1+1)
    en = figures.processing_trips(df, EN, title="Programs by trips needed, before and after reform")
    assert list(en.fig.data[0].x) == ["0 trips", "1 trip", "2 trips", "3 trips"]
    assert list(en.table.columns) == ["Trips", "Programs before", "Programs after"]


def test_gaps_overview_wrong_money_only_counts_payment_gaps():
    df = pd.DataFrame({"gap": ["not_surveyed", "paid_after_death", "duplicate_payment", "eligible_unpaid"],
                       "persons": [50, 3, 2, 10], "cases": [50, 7, 2, 12], "months": [None, None, None, 30.0],
                       "amount_yuan": [None, 2_100.0, 900.0, None]})
    c = figures.gaps_overview(df, ZH, title="各类缺口涉及人数", year=2020)
    assert "未普查（50 人）" in c.summary and "3,000 元" in c.summary
    # the payment gaps are the seed's case_kind 'payment': one legend entry for them
    assert [tr.name for tr in c.fig.data] == ["普查、名册或资格缺口", "不应发放而发放"]
    assert set(c.fig.data[1].y) == {"死亡后仍发放", "重复发放"}


def test_gaps_overview_wrong_money_leaves_out_an_underpaid_net():
    # wrong_living_amount's money is paid − due: −1,428 is owed to persons, not money paid wrongly
    df = pd.DataFrame({"gap": ["paid_after_death", "wrong_living_amount", "wrong_nursing_tier"],
                       "persons": [3, 26, 20], "cases": [7, 51, 62], "months": [None] * 3,
                       "amount_yuan": [2_100.0, -1_428.0, 7_215.0]})
    c = figures.gaps_overview(df, seed_labels("zh"), title="各类缺口涉及人数", year=2020)
    assert "9,315 元" in c.summary                  # 2,100 + 7,215


def test_gap_labels_come_from_the_labels_given():
    df = pd.DataFrame({"gap": ["not_surveyed"], "persons": [5], "cases": [5], "months": [None],
                       "amount_yuan": [None]})
    seed = seed_labels("zh")
    c = figures.gaps_overview(df, seed, title="各类缺口涉及人数", year=2020)
    assert seed.gap("not_surveyed") in c.summary and list(c.fig.data[0].y) == [seed.gap("not_surveyed")]


def _builders():
    """Every public builder of publish/figures.py: a function taking a `Labels` named L."""
    return [fn for name, fn in inspect.getmembers(figures, inspect.isfunction)
            if not name.startswith("_") and fn.__module__ == figures.__name__
            and "L" in inspect.signature(fn).parameters]


def test_builders_take_labels_and_a_title_by_keyword():
    names = {fn.__name__ for fn in _builders()}
    assert names == {"monthly_spend", "town_ranking", "coverage_heatmap", "coverage_bars", "targeting",
                     "priority_children", "spend_programs", "spend_groups", "spend_tiers", "incidence",
                     "processing_medians", "processing_distribution", "processing_routes", "processing_trips",
                     "processing_materials", "gaps_overview", "gaps_by_area"}
    for fn in _builders():
        params = inspect.signature(fn).parameters
        assert params["title"].kind is inspect.Parameter.KEYWORD_ONLY and params["title"].default is inspect._empty
        assert params["year"].kind is inspect.Parameter.KEYWORD_ONLY and params["year"].default is None
        assert "lang" not in params


@pytest.mark.parametrize("builder", _builders(), ids=lambda fn: fn.__name__)
def test_every_builder_handles_empty_frames(builder):
    n_frames = list(inspect.signature(builder).parameters).index("L")
    c = builder(*[pd.DataFrame() for _ in range(n_frames)], ZH, title="标题", year=2020)
    assert c.empty and "没有数据" in c.summary


def test_registry_is_complete():
    import queries
    from publish import charts

    pages = {s.page for s in charts.CHARTS.values()}
    assert pages == {"overview", "coverage", "spend", "processing", "gaps", "check", "policy"}
    for cid, spec in charts.CHARTS.items():
        assert spec.id == cid and spec.calls
        for L in (ZH, EN):
            title = spec.title(L)
            assert title and not title.startswith("chart."), (cid, title)
        for call in spec.calls:
            assert getattr(queries, call.name) is call.fn        # a public function of the analyst API
        c = spec.builder(*[pd.DataFrame() for _ in spec.calls], ZH, title="标题", year=2020, **dict(spec.options))
        assert c.empty and "没有数据" in c.summary


def test_layout_uses_cjk_font_and_safe_palette():
    c = figures.spend_programs(spend_frame(), ZH, title="各补贴项目支出")
    assert "WenQuanYi Micro Hei" in c.fig.layout.font.family
    colours = {tr.marker.color for tr in c.fig.data}
    assert colours <= set(style.PALETTE)


def test_the_default_template_gives_the_json_of_the_template_set_per_figure(monkeypatch):
    # figures take plotly_white as plotly's default (set once, not validated per figure); the JSON sent to
    # the page and to kaleido must be byte for byte what setting it on every figure gave
    # the default as publish/figures.py sets it at import (another test may have changed the process's)
    monkeypatch.setattr(pio.templates, "default", figures.pio.templates[style.TEMPLATE].__class__(
        pio.templates[style.TEMPLATE]))
    now = figures.spend_programs(spend_frame(), ZH, title="各补贴项目支出").fig.to_json()
    layout = style.base_layout

    def per_figure(fig, title, **kw):   # how base_layout set the template before
        return layout(fig.update_layout(template=style.TEMPLATE), title, **kw)

    monkeypatch.setattr(pio.templates, "default", "plotly")   # plotly's own default
    monkeypatch.setattr(figures, "base_layout", per_figure)
    before = figures.spend_programs(spend_frame(), ZH, title="各补贴项目支出").fig
    assert before.layout.template.layout.plot_bgcolor == "white"
    assert now == before.to_json()


def test_gap_people_table_drops_unmasked_columns():
    people = pd.DataFrame({
        "person_id": ["A1"], "id_number": ["330102199001011234"], "name": ["张三"],
        "id_number_masked": ["3301************34"], "name_masked": ["张*"], "town": ["城关街道"], "village": ["一村"],
        "category": ["肢体"], "grade": [2], "gap": ["paid_after_death"], "program_id": ["P01"], "payment_id": ["X1"],
        "detail": ["死亡后发放"], "since": [dt.date(2020, 4, 1)], "months": [None], "amount_yuan": [500.0],
    })
    programs = pd.DataFrame({"program_id": ["P01"], "name": ["重度残疾人护理补贴"], "name_en": ["Nursing subsidy"]})
    t = tables.gap_people_table(people, programs, ZH)
    flat = set(t.astype(str).to_numpy().ravel())
    assert "330102199001011234" not in flat and "张三" not in flat
    assert t.loc[0, "项目"] == "重度残疾人护理补贴" and t.loc[0, "起始时间"] == "2020-04-01"
    xlsx = tables.to_xlsx({"死亡后仍发放": t}, {"范围": "2020 年", "生成时间": dt.datetime(2026, 12, 4, 9, 30)},
                          labels=ZH)
    back = pd.read_excel(io.BytesIO(xlsx), sheet_name=None, engine="openpyxl")
    assert list(back) == ["死亡后仍发放", "说明"] and back["死亡后仍发放"].loc[0, "姓名（脱敏）"] == "张*"
    # in the reader's language, dates as date cells, a frozen header and an autofilter on every sheet
    book = openpyxl.load_workbook(io.BytesIO(xlsx))
    people_sheet, about = book["死亡后仍发放"], book["说明"]
    since = people_sheet.cell(row=2, column=list(t.columns).index("起始时间") + 1)
    assert since.is_date and since.value == dt.datetime(2020, 4, 1) and since.number_format == "yyyy-mm-dd"
    assert [c.value for c in about[1]] == ["项目", "内容"]
    assert about["B3"].is_date and about["B3"].value == dt.datetime(2026, 12, 4, 9, 30)
    for ws in (people_sheet, about):
        assert ws.freeze_panes == "A2"
    assert people_sheet.auto_filter.ref == f"A1:{openpyxl.utils.get_column_letter(len(t.columns))}2"
    en = openpyxl.load_workbook(io.BytesIO(tables.to_xlsx({"Paid after death": tables.gap_people_table(
        people, programs, EN)}, {"Scope": "2020"}, labels=EN)))
    assert en.sheetnames == ["Paid after death", "About"] and [c.value for c in en["About"][1]] == ["Item", "Value"]
    # a caseworker's own area (access.reveal added the columns): the full name and number, asked for by name
    full = tables.gap_people_table(people, programs, ZH, full=True)
    assert (full.loc[0, "身份证号"], full.loc[0, "姓名"]) == ("330102199001011234", "张三")
    assert "身份证号（脱敏）" not in full.columns
    masked_only = tables.gap_people_table(people.drop(columns=["id_number", "name"]), programs, ZH, full=True)
    assert masked_only.loc[0, "身份证号（脱敏）"] == "3301************34"   # nothing to show in full: masked


# ---------------------------------------------------------------- English labels and layout (export engineer's report)
def test_every_english_label_is_english():
    """No Chinese left in an English message; '语言' on the switch is deliberate."""
    for key, (_, en) in i18n.TEXT.items():
        if key != "language":
            assert not _CJK.search(en), (key, en)
    assert i18n.program_name("日间照料", "Day care (日间照料)", "en") == "Day care"
    assert i18n.program_name("托养", "Residential and home care（托养）", "en") == "Residential and home care"
    assert i18n.program_name("x", "Limb rehab (under 18)", "en") == "Limb rehab (under 18)"


def test_every_english_gap_label_of_the_seed_is_english():
    """低保/低边 were in a gap legend once; the seed's English labels and definitions must be English."""
    en = seed_labels("en")
    for g in en.gaps:
        assert not _CJK.search(g.label) and not _CJK.search(g.definition), g


def test_gaps_by_town_legend_under_the_chart_and_title_padded():
    gaps = ["not_surveyed", "paid_after_dibao_end", "late_start"]
    df = pd.DataFrame([(g, town, 2, 2, 0, 0.0) for g in gaps for town in ("甲镇", "乙镇")],
                      columns=["gap", "area", "persons", "cases", "months", "amount_yuan"])
    fig = figures.gaps_by_area(df, EN, title="All gaps by town", level="town").fig
    assert fig.layout.title.text == "All gaps by town"
    assert fig.layout.title.pad.l >= 10                      # not flush with the image edge
    assert fig.layout.legend.yref == "container" and fig.layout.legend.y == 0   # below, not over the title
    names = [tr.name for tr in fig.data]
    assert "Paid after minimum-living aid ended" in names and not any(_CJK.search(n) for n in names)


def test_tier_labels_wrap_at_words_only():
    long = "Orientation and mobility training for the blind and partially-sighted"
    wrapped = figures._wrap_label(long, 20)
    assert wrapped.replace("<br>", " ") == long            # nothing cut: every piece is whole words
    assert all(part in long.split() or " " in part or part == part.strip() for part in wrapped.split("<br>"))
    assert "partially-<br>" not in wrapped


# ---------------------------------------------------------------- one vocabulary: the builders hold no words
FIGURES_SOURCE = Path(figures.__file__).read_text(encoding="utf-8")


def test_figures_choose_no_text_by_language():
    assert "lang ==" not in FIGURES_SOURCE and "lang==" not in FIGURES_SOURCE
    assert '"zh"' not in FIGURES_SOURCE and "'zh'" not in FIGURES_SOURCE
    assert "if zh" not in FIGURES_SOURCE and "if lang" not in FIGURES_SOURCE
    assert not _CJK.search(FIGURES_SOURCE), _CJK.search(FIGURES_SOURCE)   # not one Chinese word of its own
    assert "import vocab as i18n" not in FIGURES_SOURCE


def test_figures_import_no_page_code_and_only_at_the_top():
    tree = ast.parse(FIGURES_SOURCE)
    imports = [n for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))]
    assert all(n in tree.body for n in imports)                     # none inside a function
    names = [a.name for n in imports if isinstance(n, ast.Import) for a in n.names]
    names += [n.module for n in imports if isinstance(n, ast.ImportFrom)]
    for name in names:
        assert name.split(".")[0] not in ("streamlit", "dashboard"), name
        assert name not in ("publish.pack", "publish.charts"), name


def test_every_message_key_figures_use_exists_in_both_languages():
    keys = set(re.findall(r'"(chart\.[A-Za-z0-9_.]+)"', FIGURES_SOURCE))
    keys |= set(re.findall(r'\bL\("([A-Za-z0-9_.]+)"', FIGURES_SOURCE))
    keys |= set(figures._DIM_NOUN.values()) | set(figures._DIM_COLUMN.values()) | set(figures._AREA_PLURAL.values())
    assert len(keys) > 60
    for key in sorted(keys):
        assert key in i18n.TEXT, key
        zh, en = i18n.TEXT[key]
        assert zh.strip() and en.strip(), key


CHART_IDS = ["overview.monthly_spend", "overview.towns", "coverage.heatmap", "coverage.town", "coverage.sex",
             "coverage.age_band", "coverage.targeting", "coverage.priority_children", "spend.programs",
             "spend.groups", "spend.tiers", "spend.incidence_category", "spend.incidence_town",
             "processing.medians", "processing.distribution", "processing.routes", "processing.trips",
             "processing.materials", "gaps.overview"]


def test_every_chart_has_a_title_in_both_languages():
    for cid in CHART_IDS:
        zh, en = i18n.TEXT[f"chart.{cid}.title"]
        assert zh and en and _CJK.search(zh) and not _CJK.search(en), cid
    for L, expected in ((ZH, "全部缺口：按镇街"), (EN, "All gaps by town")):
        assert L("chart.gaps.by_area.title", gap=L("chart.gaps.all_gaps"), area=L("chart.dim.town")) == expected
    assert EN("chart.processing.trips.title") == "Programs by trips needed, before and after reform"


def _ascii_frames():
    """(builder, frames, options) for every builder and breakdown; names are ASCII, codes are the contract's."""
    towns = ["North", "South", "East"]
    spend = spend_frame()
    programs = spend[["program_id", "name", "name_en"]]
    tiers = pd.DataFrame({"program_id": ["P01", "P01", "P03", "P03"], "tier": [1, 2, 1, 2],
                          "amount": [100.0, 200.0, 50.0, 80.0], "condition": ["a", "b", "c", "d"],
                          "persons": [10, 5, 4, 2], "spend_yuan": [1000.0, 800.0, 150.0, 90.0],
                          "cap_use": [0.8, 0.6, 0.7, None], "persons_at_cap": [1, 0, 0, 0]})
    incidence = {
        "category": ["视力", "肢体"], "grade": [1, 2], "town": towns[:2], "sex": ["男", "女"],
        "age_band": ["0-6", "60+"],
    }
    coverage = {"town": towns, "village": ["V1", "V2"], "sex": ["男", "女"], "age_band": ["0-6", "7-17", "60+"],
                "hukou": ["城镇", "农村"]}
    processing = pd.DataFrame({
        "program_id": ["P01", "P03"], "name": ["重度残疾人护理补贴", "肢体康复训练补贴"],
        "name_en": ["Nursing subsidy", "Limb rehab training"], "reform_date": ["2020-06-01", "2020-06-01"],
        "applications_before": [10, 5], "applications_after": [12, 0], "median_days_before": [30.0, 20.0],
        "median_days_after": [5.0, None], "working_days_saved": [25.0, None], "trips_before": [3, 2],
        "trips_after": [0, 1], "materials_before": [5, 4], "materials_after": [1, 4],
    })
    gaps = pd.DataFrame({"gap": [c["gap"] for c in CATALOG], "persons": [5, 1, 2, 1, 3, 4],
                         "cases": [5, 2, 2, 1, 3, 4], "months": [None, None, None, None, 6.0, 2.0],
                         "amount_yuan": [None, 100.0, 50.0, 20.0, None, None]})
    by_area = pd.DataFrame([(g, a, 2, 2, 0, 0.0) for g in ("not_surveyed", "late_start") for a in towns],
                           columns=["gap", "area", "persons", "cases", "months", "amount_yuan"])
    targeting_df = pd.DataFrame({
        "program_id": ["P02"], "name": ["困难残疾人生活补贴"], "name_en": ["Living subsidy"],
        "eligible_person_months": [1000], "paid_person_months": [990], "eligible_paid_person_months": [980],
        "excluded_person_months": [20], "included_person_months": [10],
        "exclusion_error": [0.02], "inclusion_error": [10 / 990], "eligible_persons": [90], "paid_persons": [89],
    })
    out = [
        (figures.monthly_spend, [month_frame()], {}),
        (figures.town_ranking, [pd.DataFrame({"value": towns, "spend_yuan": [3.0e5, 2.0e5, 1.0e5],
                                              "share": [0.5, 1 / 3, 1 / 6], "persons": [30, 20, 10]})], {}),
        (figures.coverage_heatmap, [pd.DataFrame({"category": ["视力", "肢体"], "grade": [1, 2],
                                                  "certified_population": [10, 20], "persons_paid": [5, 15],
                                                  "coverage": [0.5, 0.75]})], {}),
        (figures.targeting, [targeting_df], {}),
        (figures.priority_children, [pd.DataFrame({"group": ["infant_motor", "under7_autism"], "persons": [10, 20],
                                                   "persons_paid": [5, 10], "spend_yuan": [1000.0, 2000.0]})], {}),
        (figures.spend_programs, [spend], {}),
        (figures.spend_groups, [spend], {}),
        (figures.spend_tiers, [tiers, programs], {}),
        (figures.processing_medians, [processing], {}),
        (figures.processing_distribution, [durations_frame()], {}),
        (figures.processing_routes, [pd.DataFrame({"route": ["direct", "via_town"], "applications": [10, 10],
                                                   "median_days": [8.0, 31.0], "mean_days": [9.0, 30.0]})], {}),
        (figures.processing_trips, [processing], {}),
        (figures.processing_materials, [processing], {}),
        (figures.gaps_overview, [gaps], {}),
        (figures.gaps_by_area, [by_area], {"level": "town"}),
        (figures.gaps_by_area, [by_area[by_area.gap == "late_start"]], {"level": "village"}),
    ]
    for by, values in coverage.items():
        n = len(values)
        out.append((figures.coverage_bars, [pd.DataFrame({"value": values, "certified_population": [10] * n,
                                                          "persons_paid": list(range(1, n + 1)),
                                                          "coverage": [i / 10 for i in range(1, n + 1)]})],
                    {"by": by}))
    for by, values in incidence.items():
        out.append((figures.incidence, [pd.DataFrame({"value": values, "spend_yuan": [600.0, 400.0],
                                                      "share": [0.6, 0.4], "persons": [6, 4]})], {"by": by}))
    return out


def _texts(chart) -> list[str]:
    """Every word a reader sees: title, axis and colour-bar titles, trace names, ticks, hover texts, summary, table."""
    fig = chart.fig
    out = [fig.layout.title.text, chart.summary, *map(str, chart.table.columns)]
    for axis in ("xaxis", "yaxis"):
        out.append(fig.layout[axis].title.text)
    for tr in fig.data:
        out += [tr.name, tr.hovertemplate]
        if tr.type == "heatmap":
            out.append(tr.colorbar.title.text)
        for values in (tr.x, tr.y, tr.text):
            if values is not None and not isinstance(values, str):
                out += [v for v in values if isinstance(v, str)]
    out += [v for v in chart.table.to_numpy().ravel() if isinstance(v, str)]
    return [t for t in out if t]


@pytest.mark.parametrize("builder, frames, options", _ascii_frames(),
                         ids=lambda x: getattr(x, "__name__", None) or (str(x) if isinstance(x, dict) else ""))
def test_english_labels_give_an_english_chart(builder, frames, options):
    c = builder(*frames, EN, title="An English title", year=2020, **options)
    assert not c.empty
    assert c.fig.layout.title.text == "An English title"
    for text in _texts(c):
        assert not _CJK.search(text), (builder.__name__, options, text)
    zh = builder(*frames, ZH, title="中文标题", year=2020, **options)
    assert _CJK.search(zh.summary), zh.summary                # and the Chinese labels give a Chinese sentence


@pytest.mark.parametrize("labels, expected", [
    (ZH, {"monthly_spend": "%{x}<br>支出 %{y:,.2f} 万元<br>人数 %{customdata[0]:,}<extra></extra>",
          "town_ranking": "%{y}<br>%{x:,.2f} 万元，%{customdata:,} 人<extra></extra>",
          "spend_tiers": "%{y}<br>%{x:.0%} 的支出；%{customdata[0]:,} 人；%{customdata[1]:,.2f} 万元；"
                         "标准 %{customdata[2]:,.0f} 元；封顶使用 %{customdata[3]:.0%}<extra></extra>",
          "processing_medians": "%{y}<br>改革前: %{x} 个工作日（%{customdata:,} 件）<extra></extra>",
          "processing_routes": "%{x}<br>%{y} 个工作日，%{customdata:,} 件<extra></extra>",
          "gaps_overview": "%{y}<br>%{x:,} 人，%{customdata[0]:,} 条，%{customdata[1]:,.0f} 元<extra></extra>",
          "incidence": "%{y}<br>%{x:.1%}<br>%{customdata[0]:,.2f} 万元，%{customdata[1]:,} 人<extra></extra>",
          "targeting": "%{y}<br>应享且已发: %{x:,}<extra></extra>"}),
    (EN, {"monthly_spend": "%{x}<br>Spend ¥%{y:,.2f} ×10k<br>Persons %{customdata[0]:,}<extra></extra>",
          "town_ranking": "%{y}<br>¥%{x:,.2f} ×10k, %{customdata:,} persons<extra></extra>",
          "spend_tiers": "%{y}<br>%{x:.0%} of spend; %{customdata[0]:,} persons; ¥%{customdata[1]:,.2f} ×10k; "
                         "cap ¥%{customdata[2]:,.0f}; cap use %{customdata[3]:.0%}<extra></extra>",
          "processing_medians": "%{y}<br>Before reform: %{x} working days "
                                "(%{customdata:,} applications)<extra></extra>",
          "processing_routes": "%{x}<br>%{y} working days, %{customdata:,} applications<extra></extra>",
          "gaps_overview": "%{y}<br>%{x:,} persons, %{customdata[0]:,} cases, ¥%{customdata[1]:,.0f}<extra></extra>",
          "incidence": "%{y}<br>%{x:.1%}<br>¥%{customdata[0]:,.2f} ×10k, %{customdata[1]:,} persons<extra></extra>",
          "targeting": "%{y}<br>Eligible and paid: %{x:,}<extra></extra>"}),
], ids=["zh", "en"])
def test_hovertemplates_keep_plotly_placeholders(labels, expected):
    """The hover texts as they were when the words lived in the builders (plotly's %{…} intact)."""
    seen = {}
    for builder, frames, options in _ascii_frames():
        if builder.__name__ in expected and builder.__name__ not in seen:
            c = builder(*frames, labels, title="t", **options)
            trace = next(tr for tr in c.fig.data if tr.hovertemplate)
            seen[builder.__name__] = trace.hovertemplate
    assert seen == expected


# ---------------------------------------------------------------- loaded text is shown as text (issue 9)
HOSTILE_NAMES = ['<a href="http://example.invalid">t</a>', "![x](http://example.invalid/a.png)",
                 "<b>R&D</b> 村", '<img src="http://example.invalid/i.png">']
NAME_COLUMNS = ("name", "name_en", "area")


def _hostile(builder, frames, options) -> tuple[list[pd.DataFrame], bool]:
    """The frames with every loaded name (town, village, area, program) replaced by a hostile one;
    also whether the builder draws any of them."""
    cols = NAME_COLUMNS + (("value",) if builder is figures.town_ranking or options.get("by") in ("town", "village")
                           else ())
    out, named = [], False
    for f in frames:
        f = f.copy()
        for col in cols:
            if col in f.columns:
                mapping = {v: HOSTILE_NAMES[i % len(HOSTILE_NAMES)] + ("" if i < len(HOSTILE_NAMES) else f" {i}")
                           for i, v in enumerate(dict.fromkeys(f[col]))}
                f[col] = f[col].map(mapping)
                named = True
        out.append(f)
    drawn = named and builder not in (figures.processing_trips, figures.processing_materials, figures.spend_groups)
    return out, drawn


def _strings(obj) -> list[str]:
    if isinstance(obj, str):
        return [obj]
    if isinstance(obj, dict):
        return [s for v in obj.values() for s in _strings(v)]
    if isinstance(obj, (list, tuple)):
        return [s for v in obj for s in _strings(v)]
    if hasattr(obj, "tolist"):
        return _strings(obj.tolist())
    return []


@pytest.mark.parametrize("builder, frames, options", _ascii_frames(),
                         ids=lambda x: getattr(x, "__name__", None) or (str(x) if isinstance(x, dict) else ""))
def test_loaded_names_are_escaped_in_every_figure_label(builder, frames, options):
    """Plotly reads labels and hover texts as HTML (<a href>, <img> is dropped, <b>): a name from the
    data must show as the characters it is made of. The figure gets &lt; &gt; &amp;; the table and the
    summary keep the name as loaded (they are shown as text, and escaped by whoever draws them)."""
    hostile, drawn = _hostile(builder, frames, options)
    for labels in (ZH, EN):
        c = builder(*hostile, labels, title="t", year=2020, **options)
        figure_text = _strings(c.fig.to_plotly_json())
        for s in figure_text:
            assert "<a" not in s and "<img" not in s and "<b>" not in s, (builder.__name__, s)
        if drawn:
            shown = "\n".join(figure_text)
            shown = shown.replace("<br>", "") + shown.replace("<br>", " ")   # a wrapped label on one line
            assert any(style.html_text(n) in shown for n in HOSTILE_NAMES), builder.__name__
            table = " ".join(str(v) for v in c.table.to_numpy().ravel())
            assert any(n in table for n in HOSTILE_NAMES), builder.__name__
        assert "&lt;" not in c.summary and "&lt;" not in " ".join(map(str, c.table.to_numpy().ravel()))


def test_html_text_escapes_what_plotly_reads_as_markup():
    assert style.html_text('<a href="http://example.invalid">t</a>') == '&lt;a href="http://example.invalid"&gt;t&lt;/a&gt;'
    assert style.html_text("R&D <br>") == "R&amp;D &lt;br&gt;"
    assert style.html_text("东城街道") == "东城街道" and style.html_text(12) == "12"


# ---------------------------------------------------------------- no misleading shapes (issue 13)
def _annotations(chart, joint: str = "") -> list[str]:
    """The chart's notes, their lines joined again ("" for Chinese, " " for English)."""
    return [a.text.replace("<br>", joint) for a in chart.fig.layout.annotations]


def _drawn(chart) -> list:
    return [t for t in chart.fig.data if t.visible is not False]


def test_one_bar_left_is_said_in_words_not_drawn():
    # a town filter leaves coverage by town with one town: 40 of 50 = 80.0%
    df = pd.DataFrame({"value": ["临江镇"], "certified_population": [50], "persons_paid": [40], "coverage": [0.8]})
    c = figures.honest_shapes(figures.coverage_bars(df, ZH, title="按镇街的覆盖率", year=2020, by="town"), ZH)
    assert c.summary == "2020 年临江镇的覆盖率为 80.0%（50 人中 40 人）。"
    assert _drawn(c) == [] and _annotations(c) == [c.summary]
    assert c.fig.layout.xaxis.visible is False and c.fig.layout.yaxis.visible is False
    assert c.fig.layout.height < 320 and list(c.table["覆盖率 %"]) == [80.0]   # the table keeps the number
    en = figures.honest_shapes(figures.town_ranking(
        pd.DataFrame({"value": ["Linjiang"], "spend_yuan": [1_234_500.0], "share": [1.0], "persons": [40]}),
        EN, title="Towns ranked by money paid", year=2020), EN)
    assert _annotations(en, " ") == ["In 2020, Linjiang received ¥1.23 m."] and _drawn(en) == []


def test_one_heatmap_cell_left_is_said_in_words():
    df = pd.DataFrame({"category": ["视力"], "grade": [1], "certified_population": [10], "persons_paid": [9],
                       "coverage": [0.9]})
    c = figures.honest_shapes(figures.coverage_heatmap(df, ZH, title="t", year=2020), ZH)
    assert _drawn(c) == [] and _annotations(c) == [c.summary] and "90.0%" in c.summary


def test_two_bars_or_one_stacked_bar_stay_drawn():
    df = pd.DataFrame({"value": ["A", "B"], "certified_population": [50, 10], "persons_paid": [40, 5],
                       "coverage": [0.8, 0.5]})
    c = figures.honest_shapes(figures.coverage_bars(df, ZH, title="t", year=2020, by="town"), ZH)
    assert len(_drawn(c)) == 1 and not _annotations(c)
    # one area, two gaps: one bar of two parts is a composition, not one value
    by_area = pd.DataFrame([(g, "东门社区", 2, 2, 0, 0.0) for g in ("not_surveyed", "late_start")],
                           columns=["gap", "area", "persons", "cases", "months", "amount_yuan"])
    c = figures.honest_shapes(figures.gaps_by_area(by_area, ZH, title="t", year=2020, level="village"), ZH)
    assert len(_drawn(c)) == 2


def test_all_zero_data_gets_a_0_to_1_axis_and_says_so():
    gaps = pd.DataFrame({"gap": ["not_surveyed", "paid_after_death"], "persons": [0, 0], "cases": [0, 0],
                         "months": [None, None], "amount_yuan": [None, 0.0]})
    for L, note in ((ZH, "全部为 0"), (EN, "All zero")):
        c = figures.honest_shapes(figures.gaps_overview(gaps, L, title="t", year=2020), L)
        assert tuple(c.fig.layout.xaxis.range) == (0, 1) and note in _annotations(c)
        assert [t.text for t in c.fig.data] == [("0",), ("0",)]   # each zero written as 0
    # hidden values are not zeros: the axis is 0…1, but nothing says "all zero"
    hidden = gaps.assign(persons=[0.0, float("nan")])
    c = figures.honest_shapes(figures.gaps_overview(hidden, ZH, title="t", year=2020), ZH)
    assert tuple(c.fig.layout.xaxis.range) == (0, 1) and "全部为 0" not in _annotations(c)


def test_value_axes_start_at_zero_and_never_below():
    c = figures.honest_shapes(figures.monthly_spend(month_frame(), ZH, title="t", year=2020), ZH)
    assert c.fig.layout.yaxis.rangemode == "tozero"
    # an axis that a builder set from the data keeps its top and starts at 0
    d = pd.DataFrame({"route": ["direct", "via_town"], "applications": [10, 10], "median_days": [8.0, 31.0],
                      "mean_days": [9.0, 30.0]})
    c = figures.honest_shapes(figures.processing_routes(d, ZH, title="t"), ZH)
    assert c.fig.layout.yaxis.range[0] == 0 and c.fig.layout.yaxis.range[1] == pytest.approx(31 * 1.18)


def test_a_zero_bar_is_written_0_and_a_hidden_one_is_marked():
    from publish import charts
    from publish.suppress import masked_numeric, suppress_frame

    # 婴幼儿: 10 persons, none paid (a true 0); 孤独症: 20 persons, 3 paid (below 5: hidden, "<5")
    df = pd.DataFrame({"group": ["infant_motor", "under7_autism"], "persons": [10, 20], "persons_paid": [0, 3],
                       "spend_yuan": [0.0, 900.0]})
    sup = suppress_frame(df, k=5, lines=[()])
    assert sup.hidden["persons_paid"].tolist() == [False, True]
    c = figures.honest_shapes(figures.priority_children(masked_numeric(df, sup.hidden), ZH, title="t", year=2020), ZH)
    charts.mark_hidden_points(c.fig, df, sup, ZH, 5)
    persons, paid = c.fig.data
    assert paid.y[0] == 0 and list(paid.text) == ["0", "<5"] and math.isnan(paid.y[1])
    assert persons.text is None   # no zero among the persons: no labels added
    notes = [(a.text, a.x, a.y) for a in c.fig.layout.annotations]
    # where the hidden bar would start: its group's index (1) plus its slot's offset (two bars share
    # 1 − bargap = 0.8 of a category: the second is centred 0.2 to the right)
    assert notes == [("<5", pytest.approx(1.2), 0.0)]


def test_a_hidden_part_of_a_stacked_bar_is_marked_after_the_stack():
    from publish import charts
    from publish.suppress import API_LINES, masked_numeric, suppress_frame

    # 东门社区: not surveyed 6 persons, late start 2 (below 5: hidden); 西门社区: 7 and 8
    df = pd.DataFrame({"gap": ["not_surveyed", "late_start", "not_surveyed", "late_start"],
                       "area": ["东门社区", "东门社区", "西门社区", "西门社区"], "persons": [6, 2, 7, 8],
                       "cases": [6, 2, 7, 8], "months": [0, 0, 0, 0], "amount_yuan": [0.0] * 4})
    sup = suppress_frame(df, k=5, lines=API_LINES["census_gaps_by_area"])
    c = figures.honest_shapes(figures.gaps_by_area(masked_numeric(df, sup.hidden), ZH, title="t", year=2020,
                                                   level="village"), ZH)
    charts.mark_hidden_points(c.fig, df, sup, ZH, 5)
    marks = {(a.y, a.x): a.text for a in c.fig.layout.annotations}
    assert marks[("东门社区", 6.0)] == "<5"   # after the 6 drawn persons of the stack, not on top of them


def test_a_hidden_heatmap_cell_is_marked_in_the_drawn_text():
    from publish import charts
    from publish.suppress import API_LINES, masked_numeric, suppress_frame

    # 3 categories × 3 grades; 视力一级 has 3 certified (below 5: "<5"), which hides 视力二级, 听力一级 and
    # 听力二级 along the lines ("*"); 肢体三级: 78 certified, none paid (a true 0)
    n = [[3, 61, 72], [53, 64, 75], [56, 67, 78]]
    paid = [[1, 30, 36], [26, 32, 37], [28, 33, 0]]
    cells = [(c, g + 1, n[i][g], paid[i][g], paid[i][g] / n[i][g])
             for i, c in enumerate(["视力", "听力", "肢体"]) for g in range(3)]
    df = pd.DataFrame(cells, columns=["category", "grade", "certified_population", "persons_paid", "coverage"])
    sup = suppress_frame(df, k=5, lines=API_LINES["coverage_by_category"])
    assert sup.hidden["coverage"].tolist() == [True, True, False, True, True, False, False, False, False]
    c = figures.honest_shapes(figures.coverage_heatmap(masked_numeric(df, sup.hidden), ZH, title="t", year=2020), ZH)
    charts.mark_hidden_points(c.fig, df, sup, ZH, 5)
    layer = next(t for t in c.fig.data if t.type == "scatter")
    drawn = dict(zip(zip(layer.y, layer.x), layer.text))
    assert drawn[("视力", "一级")] == "<5" and drawn[("听力", "二级")] == "*"   # hidden: marked
    assert drawn[("肢体", "三级")] == "0.0%"     # a true 0 is drawn as 0
    assert len(drawn) == 9


def test_targeting_writes_small_errors_beside_each_bar():
    # 3 of 1,000 eligible person-months not paid (0.30 %), 2 of 999 paid not eligible (0.20 %)
    df = pd.DataFrame({
        "program_id": ["P02"], "name": ["困难残疾人生活补贴"], "name_en": ["Living subsidy"],
        "eligible_person_months": [1000], "paid_person_months": [999], "eligible_paid_person_months": [997],
        "excluded_person_months": [3], "included_person_months": [2],
        "exclusion_error": [0.003], "inclusion_error": [2 / 999], "eligible_persons": [90], "paid_persons": [89],
    })
    c = figures.honest_shapes(figures.targeting(df, ZH, title="t", year=2020), ZH)
    assert _annotations(c, "\n") == ["漏保 3（0.30%）\n错保 2（0.20%）"]
    en = figures.honest_shapes(figures.targeting(df, EN, title="t", year=2020), EN)
    assert "0.30%" in _annotations(en)[0] and "0.20%" in _annotations(en)[0]
    # a program the public edition hides whole: no "—（—）" words where its "<5" / "*" mark goes
    from publish import charts
    from publish.suppress import API_LINES, masked_numeric, suppress_frame

    two = pd.concat([df, df.assign(program_id="P01", name="重度残疾人护理补贴", name_en="Nursing subsidy",
                                   eligible_person_months=3, paid_person_months=3, eligible_paid_person_months=3,
                                   excluded_person_months=0, included_person_months=0, exclusion_error=0.0,
                                   inclusion_error=0.0, eligible_persons=1, paid_persons=1)], ignore_index=True)
    sup = suppress_frame(two, k=5, lines=API_LINES["targeting_errors"])
    c = figures.honest_shapes(figures.targeting(masked_numeric(two, sup.hidden), ZH, title="t", year=2020), ZH)
    charts.mark_hidden_points(c.fig, two, sup, ZH, 5)
    assert "漏保 —（—）" not in " ".join(_annotations(c)) and "<5" in _annotations(c)
