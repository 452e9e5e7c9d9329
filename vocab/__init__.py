"""Labels in Chinese and English, and Chinese-style number formatting.

No Streamlit import: the chart builders, the report exporter and notebooks use this module too.
Chinese (`zh`) is the default language; every lookup falls back to Chinese, then to the key itself,
so a missing English label shows Chinese rather than raising.
"""
from __future__ import annotations

import math
import re
from typing import Any

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"

# ---------------------------------------------------------------- UI text
TEXT: dict[str, tuple[str, str]] = {
    "app_title": ("区残联惠残补助绩效看板", "Disability-subsidy performance dashboard"),
    "page_overview": ("总览", "Overview"),
    "page_coverage": ("覆盖", "Coverage"),
    "page_spend": ("支出", "Spend"),
    "page_processing": ("办理时效", "Processing time"),
    "page_gaps": ("普查缺口", "Census gaps"),
    "language": ("语言 Language", "Language 语言"),
    "filters": ("筛选", "Filters"),
    "year": ("年度", "Year"),
    "town": ("镇街", "Town"),
    "village": ("村社区", "Village"),
    "category": ("残疾类别", "Disability category"),
    "grade": ("残疾等级", "Grade"),
    "program_group": ("项目类别", "Program group"),
    "program": ("项目", "Program"),
    "all": ("全部", "All"),
    "share_link": ("当前筛选已写入网址，复制浏览器地址即可分享此视图。",
                   "The filters are in the address bar: copy the URL to share this view."),
    "db_missing_title": ("找不到数据库", "Database not found"),
    "db_missing": ("数据库文件 `{path}` 不存在。请在项目目录运行 `make run`（会自动生成演示数据），"
                   "或运行 `python -m subsidy build --demo` 生成演示数据库后刷新本页。",
                   "The database file `{path}` does not exist. Run `make run` in the project folder "
                   "(it builds the demo data first), or `python -m subsidy build --demo`, then reload this page."),
    "db_stale": ("数据库 `{path}` 由旧版本生成，缺少当前需要的视图（{error}）。请重新生成数据库后刷新本页。",
                 "The database `{path}` was built by an older version and lacks a view this version needs "
                 "({error}). Rebuild it, then reload this page."),
    "db_error": ("无法打开数据库 `{path}`：{error}", "Cannot open the database `{path}`: {error}"),
    "no_data": ("所选范围内没有数据（{scope}）。请放宽筛选条件。",
                "No data for the current selection ({scope}). Try wider filters."),
    "no_payments": ("所选范围内没有发放记录（{scope}）。", "No payments in the current selection ({scope})."),
    "not_filtered_by": ("注：此项不按{what}筛选。", "Note: this figure is not filtered by {what}."),
    "table_view": ("查看数据表", "Show data table"),
    "download_png": ("下载图片 PNG", "Download PNG"),
    "download_csv": ("下载数据 CSV", "Download CSV"),
    "download_xlsx": ("下载名单 Excel", "Download list (Excel)"),
    "png_unavailable": ("图片导出需要 Chromium：请运行 `apt-get install -y --no-install-recommends chromium "
                        "fonts-wqy-microhei`（或 `make system-deps`）。",
                        "PNG export needs Chromium: run `apt-get install -y --no-install-recommends chromium "
                        "fonts-wqy-microhei` (or `make system-deps`)."),
    "vs_prev": ("较{year}年", "vs {year}"),
    # KPIs
    "kpi_spend": ("发放金额", "Money paid"),
    "kpi_person_times": ("惠及人次", "Person-times"),
    "kpi_persons": ("受益人数", "Persons reached"),
    "kpi_programs": ("补贴项目数", "Programs"),
    "kpi_certified": ("持证残疾人", "Certified persons"),
    "kpi_coverage": ("覆盖率", "Coverage"),
    "kpi_median_days": ("办理时长中位数", "Median working days"),
    "kpi_zero_trip": ("零次跑项目占比", "Zero-trip programs"),
    "help_spend": ("本年度所属期内全部发放金额之和。", "Sum of all payments whose period is in the year."),
    "help_person_times": ("人次 = 有发放的（人, 项目）组合数；按月发放 12 次计 1 人次。",
                          "Person-times = distinct (person, program) pairs paid in the year."),
    "help_persons": ("本年度至少收到一笔发放的人数。", "Persons with at least one payment in the year."),
    "help_programs": ("有发放的项目数 / 项目总数。", "Programs with payments / all programs."),
    "help_certified": ("本年度至少一个月持有效残疾人证且在世的人数。",
                       "Persons with a valid certificate, alive, in at least one month of the year."),
    "help_coverage": ("覆盖率 = 持证人口中本年度获得发放的人数 / 持证人口。",
                      "Coverage = certified persons paid in the year / certified population."),
    "help_median_days": ("从申请到首次发放的工作日数（按国务院节假日及调休安排）的中位数。",
                         "Median working days from application to first payment (official calendar)."),
    "help_zero_trip": ("改革后无需到现场（0 跑次）的项目占全部项目的比例。",
                       "Share of programs needing no trip in person after the reform."),
    # page headers
    "overview_title": ("{year} 年惠残补助总览", "Subsidy overview {year}"),
    "coverage_title": ("{year} 年覆盖情况", "Coverage {year}"),
    "spend_title": ("{year} 年各项目支出", "Spend per program {year}"),
    "processing_title": ("{year} 年办理时效", "Processing time {year}"),
    "gaps_title": ("{year} 年普查缺口", "Census gaps {year}"),
    "scope": ("范围", "Scope"),
    "district": ("全区", "whole district"),
    # coverage page
    "targeting_header": ("两项补贴：应享与实发", "Living and nursing subsidies: eligible vs paid"),
    "targeting_help": ("按人月计：漏保率 = 应享未发 / 应享；错保率 = 实发但不应享 / 实发。",
                       "In person-months: exclusion error = eligible not paid / eligible; "
                       "inclusion error = paid not eligible / paid."),
    "priority_header": ("重点儿童群体", "Priority children groups"),
    "coverage_help": ("覆盖率 = 持证人口中本年度至少获得一笔发放的人数 / 持证人口（每个分组内）。",
                      "Coverage = certified persons with at least one payment in the year / certified "
                      "population, within each group."),
    # spend page
    "programs_header": ("33 个补贴项目", "All programs"),
    "tiers_header": ("档次结构与封顶使用", "Tier mix and cap use"),
    "incidence_header": ("受益归宿", "Benefit incidence"),
    "cap_use_help": ("封顶使用率 = 人均领取额 / 所在档次年度上限。", "Cap use = amount paid per person / tier cap."),
    # processing page
    "kpi_days_saved": ("全年节省工作日", "Working days saved"),
    "kpi_trips_saved": ("全年减少跑次", "Trips saved"),
    "kpi_materials_saved": ("全年减少材料", "Materials saved"),
    "kpi_applications": ("本年已发放申请", "Applications paid"),
    "help_days_saved": ("各申请按所属项目“改革前中位数 − 改革后中位数”累计。",
                        "Sum over the year's applications of the program's median before − median after."),
    "help_trips_saved": ("各申请改革前跑次 − 改革后跑次之和。", "Sum of trips before − trips after per application."),
    "help_materials_saved": ("各申请改革前材料数 − 改革后材料数之和。",
                             "Sum of materials before − after per application."),
    "processing_help": ("办理时长 = 申请日（不含）至首次发放日（含）之间的工作日数，含调休上班日。",
                        "Processing time = working days after the application date up to and including the "
                        "first payment date, with make-up working days."),
    "processing_compare_header": ("改革前后对比", "Before and after the reform"),
    "processing_all_years": ("改革前后对比使用 {first}–{last} 年全部已发放申请（按申请日期划分改革前后），"
                             "仍按镇街、残疾类别和项目类别筛选。",
                             "The before/after comparison uses every paid application of {first}–{last} (split by "
                             "application date); town, category and program-group filters still apply."),
    "processing_trips_header": ("跑次与材料（按项目）", "Trips and materials (per program)"),
    # gaps page
    "gap": ("缺口类型", "Gap"),
    "gap_people_header": ("缺口名单（已脱敏）", "People behind the gap (masked)"),
    "gap_people_count": ("共 {n} 条记录，涉及 {p} 人。", "{n} cases, {p} persons."),
    "gap_drill_help": ("在侧栏选择镇街可下钻到村社区；选择村社区可查看该村名单。",
                       "Pick a town in the sidebar to drill down to villages; pick a village to see its list."),
    "gap_list_truncated": ("页面仅显示前 {n} 条，完整名单请下载 Excel。",
                           "Only the first {n} rows are shown; download the Excel file for the full list."),
    # data quality page and the incomplete-data banner
    "page_quality": ("数据质量", "Data quality"),
    "quality_title": ("数据质量：本次入库情况", "Data quality: the last load"),
    "quality_help": ("每个文件读取的行要么入库，要么因违反数据规范被拒绝；被拒绝的行不参与任何统计。",
                     "Every row read from a file is either loaded or rejected for breaking the data contract; "
                     "rejected rows are left out of every figure."),
    "banner_rejected": ("数据不完整：入库时拒绝了 {n} 行（占读取行数的 {share}），各页数字可能偏低",
                        "Incomplete data: {n} rows ({share} of rows read) were rejected at load; figures may be low"),
    "quality_rejected": ("入库时共拒绝 {n} 行，占读取行数 {total} 的 {share}。其他页面的数字只基于已入库的行，"
                         "可能偏低；请按下方清单修正源系统后重新入库。",
                         "{n} of {total} rows read ({share}) were rejected at load. Figures on the other pages "
                         "rest on the loaded rows only and may be low: fix the rows listed below in the source "
                         "system and load again."),
    "quality_clean": ("读取的 {total} 行全部入库，没有被拒绝的行。", "All {total} rows read were loaded; none was rejected."),
    "quality_no_bookkeeping": ("此数据库没有入库记录（不是由 `python -m subsidy build` 生成的），无法判断数据是否完整。",
                               "This database has no load records (it was not built by `python -m subsidy build`): "
                               "completeness cannot be checked."),
    "load_header": ("数据来源与入库时间", "Where and when the data was loaded"),
    "files_header": ("各文件读取、入库、拒绝行数", "Rows read, loaded and rejected per file"),
    "rules_header": ("按规则汇总的拒绝原因（示例已脱敏）", "Rejects by rule (examples masked)"),
    "rejects_download": ("下载全部拒绝行及原因 CSV", "Download every rejected row with its reason (CSV)"),
    "rejects_download_help": ("供源系统维护人员逐行修正；UTF-8 带 BOM，Excel 可直接打开中文。身份证号和姓名已脱敏。",
                              "For the people who fix the source system, row by row; UTF-8 with BOM so Excel shows "
                              "Chinese correctly. ID numbers and names are masked."),
    "kpi_rows_read": ("读取行数", "Rows read"),
    "kpi_rows_loaded": ("入库行数", "Rows loaded"),
    "kpi_rows_rejected": ("拒绝行数", "Rows rejected"),
    "kpi_reject_share": ("拒绝比例", "Share rejected"),
    # publication toggle and report pack
    "public_toggle": ("公开版（隐去少于 5 人的数字）", "Public edition (hide counts below 5)"),
    "public_help": ("开启后，所有页面的表格和图表中少于 {k} 人的数字显示为“<{k}”，为防止由合计推算而隐去的数字显示为“*”；"
                    "不显示人员名单。对外发布的材料请使用公开版。",
                    "When on, every table and chart shows counts below {k} as \"<{k}\" and the cells hidden so "
                    "they cannot be worked out from totals as \"*\"; no lists of people are shown. Use it for "
                    "anything published."),
    "public_banner": ("公开版：“<{k}”= 少于 {k} 人；“*”= 为防推算而隐去的数字。",
                      "Public edition: \"<{k}\" = fewer than {k} persons; \"*\" = hidden so it cannot be derived."),
    "public_all_hidden": ("公开版：此图的数字均少于 {k} 人或可由合计推算，图不显示，仅列出公开表。",
                          "Public edition: every figure of this chart is below {k} or could be derived, so only the "
                          "published table is shown."),
    "public_no_list": ("公开版不显示人员名单。", "The public edition shows no list of people."),
    "pack_header": ("年度报告包", "Annual-report pack"),
    "pack_help": ("所有图表（PNG/SVG/PDF）、数据表 Excel 和合并 PDF 报告，按当前年度、筛选、语言{public}生成，约需一两分钟。",
                  "Every chart (PNG/SVG/PDF), the tables as Excel and the combined PDF report, for the current "
                  "year, filters and language{public}; takes a minute or two."),
    "pack_public": ("（公开版）", " (public edition)"),
    "pack_build": ("生成报告包", "Make the report pack"),
    "pack_progress": ("正在生成：{label}（{done}/{total}）", "Making: {label} ({done}/{total})"),
    "pack_ready": ("报告包已生成：{n} 个文件，{size}。", "Report pack ready: {n} files, {size}."),
    "pack_download": ("下载报告包 ZIP", "Download the pack (ZIP)"),
    "pack_failed": ("报告包生成失败：{error}", "The report pack failed: {error}"),
    "persons": ("人数", "Persons"),
    "cases": ("记录数", "Cases"),
    "months": ("月数", "Months"),
    "amount": ("金额", "Amount"),
}


def t(key: str, lang: str = DEFAULT_LANG, **fmt: Any) -> str:
    """The label `key` in `lang`, formatted with `fmt` (falls back to Chinese, then the key)."""
    pair = TEXT.get(key)
    if pair is None:
        return key.format(**fmt) if fmt else key
    text = pair[1] if lang == "en" and pair[1] else pair[0]
    return text.format(**fmt) if fmt else text


# ---------------------------------------------------------------- code lists
CATEGORY_LABELS = {
    "视力": "Vision", "听力": "Hearing", "言语": "Speech", "肢体": "Physical",
    "智力": "Intellectual", "精神": "Mental", "多重": "Multiple",
}
GROUP_LABELS = {
    "两项补贴": "Living & nursing", "康复": "Rehabilitation", "教育": "Education", "辅具": "Assistive devices",
    "保险医疗": "Insurance & medical", "就业": "Employment", "其他": "Other",
}
SEX_LABELS = {"男": "Male", "女": "Female"}
HUKOU_LABELS = {"城镇": "Urban", "农村": "Rural"}
AGE_BAND_LABELS = {"0-6": ("0–6 岁", "0–6"), "7-17": ("7–17 岁", "7–17"), "18-59": ("18–59 岁", "18–59"),
                   "60+": ("60 岁及以上", "60+")}
ROUTE_LABELS = {"direct": ("直接到账", "Direct to account"), "via_town": ("镇街转发", "Via town")}
PERIOD_LABELS = {"before": ("改革前", "Before reform"), "after": ("改革后", "After reform")}
CYCLE_LABELS = {"monthly": ("按月", "Monthly"), "annual": ("按年", "Annual"), "per_claim": ("按次", "Per claim")}
PRIORITY_LABELS = {
    "infant_motor": ("5 月龄内运动障碍高危儿", "Infants ≤5 months at motor risk"),
    "under3_speech": ("3 岁以下疑似言语残疾", "Under 3, suspected speech disability"),
    "under7_autism": ("7 岁以下孤独症", "Under 7 with autism"),
    "assessment_form": ("持评定表儿童（脑瘫/智障/听障）", "Children with an assessment form"),
}
GAP_LABELS = {
    "not_surveyed": ("未普查", "Not surveyed"),
    "unmet_need_rehab": ("康复需求未满足", "Unmet need: rehabilitation"),
    "unmet_need_device": ("辅具需求未满足", "Unmet need: assistive device"),
    "unmet_need_education": ("教育需求未满足", "Unmet need: education"),
    "unmet_need_employment": ("就业需求未满足", "Unmet need: employment"),
    "unmet_need_care": ("照料需求未满足", "Unmet need: care"),
    "unmet_need_medical_insurance": ("医保需求未满足", "Unmet need: medical insurance"),
    "census_registry_conflict": ("普查与名册矛盾", "Census contradicts registry"),
    "paid_after_death": ("死亡后仍发放", "Paid after death"),
    "paid_after_dibao_end": ("退出低保/低边后仍发放", "Paid after minimum-living aid ended"),
    "paid_after_revocation": ("注销残疾证后仍发放", "Paid after certificate revoked"),
    "duplicate_payment": ("重复发放", "Duplicate payment"),
    "duplicate_id_number": ("身份证号重复", "Duplicate ID number"),
    "eligible_unpaid": ("应享未享", "Eligible but unpaid"),
    "late_start": ("发放起始滞后", "Late start"),
}
GAP_HELP = {
    "not_surveyed": ("年初在世的持证人口中，当年无普查记录或状态不是已调查/死亡/迁出的人。",
                     "Certified persons alive at the start of the year with no census row, or a status other "
                     "than surveyed/deceased/moved."),
    "census_registry_conflict": ("普查记为死亡但名册无死亡事件，或调查日期晚于名册死亡日期。",
                                 "Census says deceased but no death event, or surveyed after the registry's death date."),
    "paid_after_death": ("所属期已在死亡生效之后的发放。", "Payments for a period after death took effect."),
    "paid_after_dibao_end": ("所属期内既非低保也非低边时发放的生活补贴。",
                             "Living-subsidy payments for months in which the household was neither on minimum living security "
                             "(dibao) nor marginal (dibian)."),
    "paid_after_revocation": ("所属期已在残疾证注销生效之后的发放。", "Payments for a period after revocation."),
    "duplicate_payment": ("同一人、同一项目、同一所属期的第二笔及以后的发放。",
                          "Payments beyond the first for the same person, program and period."),
    "duplicate_id_number": ("一个身份证号对应多个人员编号。", "ID numbers held by more than one person_id."),
    "eligible_unpaid": ("当年至少一个月符合按月项目条件，但全年未获该项目发放。",
                        "Eligible for a monthly program in some month of the year but never paid by it."),
    "late_start": ("当年首次发放月份比首个符合条件月份晚一个月以上。",
                   "First paid month more than one month after the first eligible month."),
}
for _need in ("rehab", "device", "education", "employment", "care", "medical_insurance"):
    GAP_HELP[f"unmet_need_{_need}"] = ("普查中表示有此需求，但当年未获相应类别项目的任何发放。",
                                       "Stated the need in the census but no payment from a matching program that year.")
GAP_KEYS = tuple(GAP_LABELS)


def _pair(mapping: dict[str, tuple[str, str]], code: Any, lang: str) -> str:
    pair = mapping.get(str(code))
    if pair is None:
        return str(code)
    return pair[1] if lang == "en" else pair[0]


def category_label(code: Any, lang: str = DEFAULT_LANG) -> str:
    """Disability category name ('视力' / 'Vision')."""
    return CATEGORY_LABELS.get(str(code), str(code)) if lang == "en" else str(code)


def group_label(code: Any, lang: str = DEFAULT_LANG) -> str:
    """Program group name ('康复' / 'Rehabilitation')."""
    return GROUP_LABELS.get(str(code), str(code)) if lang == "en" else str(code)


def grade_label(grade: Any, lang: str = DEFAULT_LANG) -> str:
    """Disability grade ('一级' / 'Grade 1')."""
    try:
        g = int(grade)
    except (TypeError, ValueError):
        return str(grade)
    return f"Grade {g}" if lang == "en" else f"{'一二三四'[g - 1]}级" if 1 <= g <= 4 else f"{g}级"


def value_label(by: str, value: Any, lang: str = DEFAULT_LANG) -> str:
    """Label of a breakdown value: `by` is category, grade, sex, age_band, hukou, town or village."""
    if by == "category":
        return category_label(value, lang)
    if by == "grade":
        return grade_label(value, lang)
    if by == "sex":
        return SEX_LABELS.get(str(value), str(value)) if lang == "en" else str(value)
    if by == "hukou":
        return HUKOU_LABELS.get(str(value), str(value)) if lang == "en" else str(value)
    if by == "age_band":
        return _pair(AGE_BAND_LABELS, value, lang)
    return str(value)  # towns and villages are proper names: kept as written


def route_label(code: Any, lang: str = DEFAULT_LANG) -> str:
    """Payment route ('直接到账' / 'Direct to account')."""
    return _pair(ROUTE_LABELS, code, lang)


def period_label(code: Any, lang: str = DEFAULT_LANG) -> str:
    """Before/after reform."""
    return _pair(PERIOD_LABELS, code, lang)


def cycle_label(code: Any, lang: str = DEFAULT_LANG) -> str:
    """Payment cycle (monthly/annual/per claim)."""
    return _pair(CYCLE_LABELS, code, lang)


def priority_label(code: Any, lang: str = DEFAULT_LANG) -> str:
    """Priority children group."""
    return _pair(PRIORITY_LABELS, code, lang)


def gap_label(code: Any, lang: str = DEFAULT_LANG) -> str:
    """Census gap name."""
    return _pair(GAP_LABELS, code, lang)


def gap_help(code: Any, lang: str = DEFAULT_LANG) -> str:
    """One-sentence definition of a census gap (METRICS.md)."""
    return _pair(GAP_HELP, code, lang)


_CJK_GLOSS = re.compile(r"\s*[(（][^()（）]*[\u3400-\u9fff][^()（）]*[)）]")


def program_name(name: Any, name_en: Any = None, lang: str = DEFAULT_LANG) -> str:
    """Program name in `lang`: the API's name_en in English when present, else the Chinese name."""
    if lang == "en" and isinstance(name_en, str) and name_en.strip():
        # some source files gloss the English with the Chinese term, "Day care (日间照料)": drop the gloss
        return _CJK_GLOSS.sub("", name_en).strip() or name_en
    return "" if name is None else str(name)


def program_names(frame, lang: str = DEFAULT_LANG) -> list[str]:
    """Program names of a frame with `name` (and optionally `name_en`) columns."""
    en = frame["name_en"] if "name_en" in frame.columns else [None] * len(frame)
    return [program_name(n, e, lang) for n, e in zip(frame["name"], en)]


# ---------------------------------------------------------------- numbers
def _is_missing(x: Any) -> bool:
    try:
        return x is None or (isinstance(x, float) and math.isnan(x)) or bool(x != x)
    except (TypeError, ValueError):
        return False


def fmt_int(x: Any) -> str:
    """Whole number with thousands separators ('14,536'); '—' when missing."""
    if _is_missing(x):
        return "—"
    return f"{round(float(x)):,}"


def fmt_num(x: Any, digits: int = 1) -> str:
    """Number with `digits` decimals and thousands separators; '—' when missing."""
    if _is_missing(x):
        return "—"
    return f"{float(x):,.{digits}f}"


def fmt_money(yuan: Any, lang: str = DEFAULT_LANG, wan_from: float = 100_000, short: bool = False) -> str:
    """Money the Chinese way: '4,012.35 万元' from 10 万 up, else '8,500 元'.

    English: '¥40.12 m' from a million up, else '¥8,500'. `short` (KPI tiles): whole 万元 from
    1,000 万 up ('4,970 万元'), one decimal of a million in English ('¥49.7 m').
    """
    if _is_missing(yuan):
        return "—"
    v = float(yuan)
    if lang == "en":
        if abs(v) >= 1_000_000:
            return f"¥{v / 1e6:,.1f} m" if short and abs(v) >= 10_000_000 else f"¥{v / 1e6:,.2f} m"
        return f"¥{v:,.0f}"
    if abs(v) >= wan_from:
        return f"{v / 10_000:,.0f} 万元" if short and abs(v) >= 10_000_000 else f"{v / 10_000:,.2f} 万元"
    return f"{v:,.0f} 元"


def fmt_yuan_exact(yuan: Any, lang: str = DEFAULT_LANG) -> str:
    """The exact amount in yuan with fen ('49,703,812.34 元' / '¥49,703,812.34')."""
    if _is_missing(yuan):
        return "—"
    return f"¥{float(yuan):,.2f}" if lang == "en" else f"{float(yuan):,.2f} 元"


def fmt_wan(yuan: Any) -> str:
    """Money in 万元 without the unit ('4,012.35'), for axes and tables headed 万元."""
    return "—" if _is_missing(yuan) else f"{float(yuan) / 10_000:,.2f}"


def fmt_pct(x: Any, digits: int = 1) -> str:
    """Fraction 0–1 as a percentage ('52.3%'); '—' when missing."""
    if _is_missing(x):
        return "—"
    return f"{float(x) * 100:.{digits}f}%"


def fmt_days(x: Any, lang: str = DEFAULT_LANG, short: bool = False) -> str:
    """Working days ('12.5 个工作日' / '12.5 working days'; `short` English for tiles: '12.5 days')."""
    if _is_missing(x):
        return "—"
    v = float(x)
    s = f"{v:,.0f}" if v == int(v) else f"{v:,.1f}"
    if lang == "en":
        return f"{s} days" if short else f"{s} working days"
    return f"{s} 个工作日"


def fmt_delta(cur: Any, prev: Any, kind: str = "int", lang: str = DEFAULT_LANG) -> str | None:
    """Signed change cur − prev, formatted like the value ('+1,203', '+2.1 个百分点'); None if unknown."""
    if _is_missing(cur) or _is_missing(prev):
        return None
    d = float(cur) - float(prev)
    # ASCII minus: st.metric reads a leading "-" as a decrease; "±" marks no change
    sign = "+" if d > 0 else "-" if d < 0 else "±"
    a = abs(d)
    if kind == "money":
        return sign + fmt_money(a, lang)
    if kind == "pct":
        return f"{sign}{a * 100:.1f} " + ("pp" if lang == "en" else "个百分点")
    if kind == "days":
        return sign + fmt_days(a, lang)
    if kind == "num":
        return f"{sign}{a:,.1f}"
    return f"{sign}{a:,.0f}"


def fmt_pct_change(cur: Any, prev: Any) -> str | None:
    """Relative change as '+12.3%' (None when unknown or prev is 0)."""
    if _is_missing(cur) or _is_missing(prev) or float(prev) == 0:
        return None
    r = float(cur) / float(prev) - 1
    return f"{'+' if r >= 0 else '-'}{abs(r) * 100:.1f}%"


def scope_label(year: Any = None, town: Any = None, category: Any = None, group: Any = None,
                lang: str = DEFAULT_LANG, village: Any = None) -> str:
    """Human description of a filter selection ('2020 年 · 城关街道 · 肢体')."""
    parts = []
    if year is not None:
        parts.append(f"{year}" if lang == "en" else f"{year} 年")
    parts.append(str(town) if town else t("district", lang))
    if village:
        parts.append(str(village))
    if category:
        parts.append(category_label(category, lang))
    if group:
        parts.append(group_label(group, lang))
    return " · ".join(parts)


def rule_label(rule: Any, lang: str = DEFAULT_LANG) -> str:
    """A loader rule key in words ('flag' -> '应为 0 或 1' / 'must be 0 or 1'), from data.validate.RULES."""
    from data.validate import RULES

    text = RULES.get(str(rule))
    if not text:
        return str(rule)
    zh, _, en = text.partition(" (")
    return en.rstrip(")") if lang == "en" and en else zh


def table_label(table: Any, lang: str = DEFAULT_LANG) -> str:
    """A contract table's name ('payments' -> '发放记录'), kept as is in English."""
    from contract import TABLES

    spec = TABLES.get(str(table))
    return str(spec.zh) if lang == "zh" and spec is not None else str(table)


def fmt_share(x: Any) -> str:
    """A share that may be tiny but not zero ('12.2%', '0.05%', '<0.01%'): never rounds a loss to 0."""
    if _is_missing(x):
        return "—"
    x = float(x)
    if 0 < x < 0.0001:
        return "<0.01%"
    return fmt_pct(x, 2 if 0 < x < 0.001 else 1)
