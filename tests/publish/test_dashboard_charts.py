"""Chart builders, the registry and Chinese number formatting, on small hand-made frames (no database).

Expected numbers are worked out by hand from the frames below.
"""
from __future__ import annotations

import datetime as dt
import inspect
import io

import pandas as pd
import pytest

from publish import charts, tables
import vocab as i18n
from publish import api


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
    for key in i18n.GAP_KEYS:
        assert i18n.gap_label(key, "zh") != key and i18n.gap_label(key, "en") != key
        assert i18n.gap_help(key, "zh") != key


def test_i18n_and_charts_do_not_import_streamlit():
    for module in (i18n, charts, tables):
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
    c = charts.spend_programs(spend_frame(), "zh", year=2020)
    # 523,000 / 1,000,000 = 52.3%
    assert c.summary.startswith("2020 年支出最多的项目是重度残疾人护理补贴，占 52.3%")
    assert "100.00 万元" in c.summary
    assert len(c.fig.data) == 2  # one trace per program group present
    assert sorted(c.table["支出（万元）"]) == [20.0, 27.7, 52.3]
    en = charts.spend_programs(spend_frame(), "en", year=2020)
    assert "Nursing subsidy" in en.summary and "52.3%" in en.summary


def test_spend_groups_sums_by_group():
    c = charts.spend_groups(spend_frame(), "zh", year=2020)
    # 两项补贴 = 523,000 + 277,000 = 800,000 = 80.0%
    assert "两项补贴类项目支出最多，占 80.0%（80.00 万元）" in c.summary


def test_monthly_spend_summary():
    months = [dt.date(2020, m, 1) for m in range(1, 13)]
    spend = [100_000.0] * 12
    spend[6] = 250_000.0   # July
    df = pd.DataFrame({"month": months, "spend_yuan": spend, "persons_paid": 10, "payments": 10})
    c = charts.monthly_spend(df, "zh", year=2020)
    # total = 11 × 100,000 + 250,000 = 1,350,000 = 135.00 万元
    assert c.summary == "2020 年 7 月发放金额最高（25.00 万元），全年合计 135.00 万元。"
    assert len(c.table) == 12


def test_coverage_heatmap_extremes():
    df = pd.DataFrame({
        "category": ["视力", "视力", "肢体", "肢体"], "grade": [1, 2, 1, 2],
        "certified_population": [10, 20, 40, 0], "persons_paid": [9, 5, 20, 0],
        "coverage": [0.9, 0.25, 0.5, float("nan")],
    })
    c = charts.coverage_heatmap(df, "zh", year=2020)
    assert c.summary == "2020 年覆盖率最高的是视力一级（90.0%），最低的是视力二级（25.0%）。"
    z = c.fig.data[0].z
    assert z[0][0] == pytest.approx(0.9) and pd.isna(z[1][1])


def test_targeting_summary_uses_both_errors():
    df = pd.DataFrame({
        "program_id": ["P02"], "name": ["困难残疾人生活补贴"], "name_en": ["Living subsidy"],
        "eligible_person_months": [1000], "paid_person_months": [990], "eligible_paid_person_months": [980],
        "excluded_person_months": [20], "included_person_months": [10],
        "exclusion_error": [0.02], "inclusion_error": [10 / 990], "eligible_persons": [90], "paid_persons": [89],
    })
    c = charts.targeting(df, "zh", year=2020)
    assert c.summary == "2020 年困难残疾人生活补贴漏保率 2.0%、错保率 1.0%。"


def test_processing_routes_difference():
    df = pd.DataFrame({"route": ["direct", "via_town"], "applications": [10, 10],
                       "median_days": [8.0, 31.0], "mean_days": [9.0, 30.0]})
    c = charts.processing_routes(df, "zh")
    assert "8.0 个工作日，比经镇街转发少 23.0 个工作日" in c.summary


def test_processing_distribution_box_from_quartiles():
    df = pd.DataFrame({"period": ["before"] * 5 + ["after"] * 4, "route": ["via_town"] * 5 + ["direct"] * 4,
                       "working_days": [10, 20, 30, 40, 50, 1, 2, 3, 4]})
    c = charts.processing_distribution(df, "zh")
    # medians: before 30, after (2 + 3) / 2 = 2.5
    assert "从改革前的 30.0 个工作日降至改革后的 2.5 个工作日" in c.summary
    before = [tr for tr in c.fig.data if tr.name == "镇街转发"][0]
    assert before.median == (30.0,) and before.q1 == (20.0,) and before.q3 == (40.0,)


def test_trips_counts_programs():
    df = pd.DataFrame({"trips_before": [3, 1, 2, 1], "trips_after": [0, 0, 1, 1],
                       "materials_before": [2, 2, 2, 2], "materials_after": [0, 1, 1, 1]})
    c = charts.processing_trips(df, "zh")
    assert c.summary.startswith("改革后 4 个项目中 2 个需 0 次、4 个最多 1 次（改革前分别为 0 个和 2 个）")
    assert "合计减少 5 次" in c.summary  # (3+1+2+1) − (0+0+1+1)


def test_gaps_overview_wrong_money_only_counts_payment_gaps():
    df = pd.DataFrame({"gap": ["not_surveyed", "paid_after_death", "duplicate_payment", "eligible_unpaid"],
                       "persons": [50, 3, 2, 10], "cases": [50, 7, 2, 12], "months": [None, None, None, 30.0],
                       "amount_yuan": [None, 2_100.0, 900.0, None]})
    c = charts.gaps_overview(df, "zh", year=2020)
    assert "未普查（50 人）" in c.summary and "3,000 元" in c.summary


@pytest.mark.parametrize("chart_id", list(charts.CHARTS))
def test_every_chart_handles_empty_frames(chart_id):
    spec = charts.CHARTS[chart_id]
    empty = [pd.DataFrame() for _ in spec.calls]
    c = charts.build(chart_id, empty, lang="zh", year=2020)
    assert c.empty and "没有数据" in c.summary


def test_registry_is_complete():
    pages = {s.page for s in charts.CHARTS.values()}
    assert pages == {"overview", "coverage", "spend", "processing", "gaps"}
    for cid, spec in charts.CHARTS.items():
        assert spec.id == cid and spec.title_zh and spec.title_en and spec.calls
        for call in spec.calls:
            assert call.fn in api.ALLOWED


def test_layout_uses_cjk_font_and_safe_palette():
    c = charts.spend_programs(spend_frame(), "zh")
    assert "WenQuanYi Micro Hei" in c.fig.layout.font.family
    colours = {tr.marker.color for tr in c.fig.data}
    assert colours <= set(charts.OKABE_ITO)


def test_gap_people_table_drops_unmasked_columns():
    people = pd.DataFrame({
        "person_id": ["A1"], "id_number": ["330102199001011234"], "name": ["张三"],
        "id_number_masked": ["3301************34"], "name_masked": ["张*"], "town": ["城关街道"], "village": ["一村"],
        "category": ["肢体"], "grade": [2], "gap": ["paid_after_death"], "program_id": ["P01"], "payment_id": ["X1"],
        "detail": ["死亡后发放"], "since": [dt.date(2020, 4, 1)], "months": [None], "amount_yuan": [500.0],
    })
    programs = pd.DataFrame({"program_id": ["P01"], "name": ["重度残疾人护理补贴"], "name_en": ["Nursing subsidy"]})
    t = tables.gap_people_table(people, programs, "zh")
    flat = set(t.astype(str).to_numpy().ravel())
    assert "330102199001011234" not in flat and "张三" not in flat
    assert t.loc[0, "项目"] == "重度残疾人护理补贴" and t.loc[0, "起始时间"] == "2020-04-01"
    xlsx = tables.to_xlsx({"死亡后仍发放": t}, {"scope": "2020 年"})
    back = pd.read_excel(io.BytesIO(xlsx), sheet_name=None, engine="openpyxl")
    assert list(back) == ["死亡后仍发放", "info"] and back["死亡后仍发放"].loc[0, "姓名（脱敏）"] == "张*"


# ---------------------------------------------------------------- English labels and layout (export engineer's report)
_CJK = __import__("re").compile(r"[\u3400-\u9fff]")


def test_every_english_label_is_english():
    """No Chinese left in an English label (低保/低边 were in a gap legend); '语言' on the switch is deliberate."""
    for key, (_, en) in i18n.TEXT.items():
        if key != "language":
            assert not _CJK.search(en), (key, en)
    for g in i18n.GAP_KEYS:
        assert not _CJK.search(i18n.gap_label(g, "en")) and not _CJK.search(i18n.gap_help(g, "en")), g
    assert i18n.program_name("日间照料", "Day care (日间照料)", "en") == "Day care"
    assert i18n.program_name("托养", "Residential and home care（托养）", "en") == "Residential and home care"
    assert i18n.program_name("x", "Limb rehab (under 18)", "en") == "Limb rehab (under 18)"


def test_gaps_by_town_legend_under_the_chart_and_title_padded():
    gaps = ["not_surveyed", "paid_after_dibao_end", "late_start"]
    df = pd.DataFrame([(g, town, 2, 2, 0, 0.0) for g in gaps for town in ("甲镇", "乙镇")],
                      columns=["gap", "area", "persons", "cases", "months", "amount_yuan"])
    fig = charts.gaps_by_town(df, lang="en").fig
    assert fig.layout.title.text == "All gaps by town"
    assert fig.layout.title.pad.l >= 10                      # not flush with the image edge
    assert fig.layout.legend.yref == "container" and fig.layout.legend.y == 0   # below, not over the title
    names = [tr.name for tr in fig.data]
    assert "Paid after minimum-living aid ended" in names and not any(_CJK.search(n) for n in names)


def test_tier_labels_wrap_at_words_only():
    long = "Orientation and mobility training for the blind and partially-sighted"
    wrapped = charts._wrap_label(long, 20)
    assert wrapped.replace("<br>", " ") == long            # nothing cut: every piece is whole words
    assert all(part in long.split() or " " in part or part == part.strip() for part in wrapped.split("<br>"))
    assert "partially-<br>" not in wrapped
