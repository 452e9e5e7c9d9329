"""Labels of coded values (the contract's codes and the API's keys): code -> English, or (Chinese, English).

Chinese codes (视力, 康复, 男 …) are their own Chinese label. Gap labels are NOT here: they come from
the gap seed (queries/seeds/gap_keys.csv) through `vocab.Labels`.
"""
from __future__ import annotations

from vocab.text_analysis import ANALYSIS_COLUMNS

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

# Headers for the API's columns (zh, en) in tables and workbooks; unknown columns keep their API name.
COLUMN_LABELS: dict[str, tuple[str, str]] = {
    "year": ("年度", "Year"), "month": ("月份", "Month"), "value": ("分组", "Group"),
    "category": ("残疾类别", "Category"), "grade": ("残疾等级", "Grade"), "town": ("镇街", "Town"),
    "area": ("地区", "Area"), "gap": ("缺口类型", "Gap"), "group": ("群体", "Group"),
    "program_id": ("项目编号", "Program ID"), "name": ("项目名称", "Program"), "name_en": ("项目英文名", "Program (English)"),
    "program_group": ("项目类别", "Program group"), "cycle": ("发放周期", "Cycle"), "rule": ("资格规则", "Rule"),
    "tier": ("档次", "Tier"), "amount": ("标准（元）", "Amount (¥)"), "condition": ("条件", "Condition"),
    "spend_yuan": ("发放金额（元）", "Spend (¥)"), "amount_yuan": ("金额（元）", "Amount (¥)"),
    "share": ("占比", "Share"), "persons": ("人数", "Persons"), "persons_paid": ("获得发放人数", "Persons paid"),
    "paid_persons": ("实发人数", "Persons paid"), "eligible_persons": ("应享人数", "Persons eligible"),
    "person_times": ("人次", "Person-times"), "payments": ("发放笔数", "Payments"),
    "certified_population": ("持证残疾人", "Certified persons"), "coverage": ("覆盖率", "Coverage"),
    "avg_per_person": ("人均（元）", "Per person (¥)"), "tiers": ("档次数", "Tiers"), "cap_use": ("封顶使用率", "Cap use"),
    "persons_at_cap": ("达封顶人数", "Persons at cap"),
    "eligible_person_months": ("应享人月", "Eligible person-months"),
    "paid_person_months": ("实发人月", "Paid person-months"),
    "eligible_paid_person_months": ("应享且实发人月", "Eligible and paid person-months"),
    "excluded_person_months": ("应享未发人月", "Excluded person-months"),
    "included_person_months": ("不应享而发人月", "Included person-months"),
    "exclusion_error": ("漏保率", "Exclusion error"), "inclusion_error": ("错保率", "Inclusion error"),
    "reform_date": ("改革日期", "Reform date"), "applications": ("申请数", "Applications"),
    "applications_before": ("改革前申请数", "Applications before"),
    "applications_after": ("改革后申请数", "Applications after"),
    "median_days": ("中位数（工作日）", "Median (working days)"), "mean_days": ("平均（工作日）", "Mean (working days)"),
    "median_days_before": ("改革前中位数（工作日）", "Median before (days)"),
    "median_days_after": ("改革后中位数（工作日）", "Median after (days)"),
    "working_days_saved": ("节省工作日", "Working days saved"), "route": ("发放方式", "Route"),
    "trips_before": ("改革前跑次", "Trips before"), "trips_after": ("改革后跑次", "Trips after"),
    "materials_before": ("改革前材料", "Materials before"), "materials_after": ("改革后材料", "Materials after"),
    "cases": ("记录数", "Cases"), "months": ("月数", "Months"), "period": ("阶段", "Period"),
    "application_id": ("申请编号", "Application ID"), "submitted_date": ("申请日期", "Submitted"),
    "first_paid_date": ("首次发放日期", "First paid"), "working_days": ("工作日", "Working days"),
    "trips": ("跑次", "Trips"), "materials": ("材料数", "Materials"),
    **ANALYSIS_COLUMNS,   # policy simulation, trends, flows, decisions (vocab/text_analysis.py)
}

# How API columns are formatted in tables and workbooks: fractions 0–1 as percentages, money in yuan.
RATIO_COLUMNS = frozenset({"coverage", "share", "exclusion_error", "inclusion_error", "cap_use", "zero_trip_share",
                           "missed_share", "takeup_months", "takeup_persons", "approval_rate", "rejection_rate",
                           "application_share", "event_share", "census_completion"})
MONEY_COLUMNS = frozenset({"spend_yuan", "amount_yuan", "avg_per_person", "amount"})
# whole numbers that name a row, not count anything: printed without thousands separators (2019, not 2,019)
LABEL_COLUMNS = frozenset({"year", "survey_year", "grade", "tier"})
