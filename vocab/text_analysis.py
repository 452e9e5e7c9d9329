"""Words of the analyses leadership asks for next (issue 14): policy simulation (政策测算), trends over the
years, flows in and out of monthly programs, application decisions: key -> (Chinese, English).

Merged into `vocab.text.TEXT` (a key may live in only one file); ANALYSIS_COLUMNS into
`vocab.codes.COLUMN_LABELS` (the headers of these API frames).
"""
from __future__ import annotations

ANALYSIS_TEXT: dict[str, tuple[str, str]] = {
    # ---------------------------------------------------------------- policy simulation
    "page_policy": ("政策测算", "Policy simulation"),
    "policy_title": ("{year} 年政策测算", "Policy simulation, {year}"),
    "policy_intro": ("改动一条资格规则（规则表 eligibility_rules 的一行）、低保标准或某一档次的标准，按与现行规则相同的逐月资格口径，"
                     "测算本年度的人数、人月和金额，并与现行规则和实际发放比较。",
                     "Change one eligibility rule (a row of the rule table eligibility_rules), the dibao (minimum living security) standard or one tier's amount; "
                     "the year's persons, person-months and cost are evaluated month by month exactly like the rule "
                     "in force, and compared with the rule as it stands and with actual spend."),
    "policy_assumption": ("测算假设：领取率保持现状——今天已领取的月份继续领取；现行规则下符合条件但未领取的月份仍不领取；"
                          "仅在新规则下符合条件的人月按该项目今天的领取率（全区已领人月/应享人月，人数同理）计入。"
                          "金额：生活补贴按低保标准×比例取整；其他规则按当月实际发放金额，新增人月按所填月额"
                          "（未填则按今天已领人月的平均额）。",
                          "Assumption: take-up as today. Months paid today stay paid; months eligible under the rule "
                          "in force but unpaid stay unpaid; person-months eligible only under the new rule are paid at "
                          "the program's take-up rate today (district paid / eligible person-months; persons "
                          "likewise). Money: the living subsidy at the dibao standard × share, rounded; other rules at "
                          "the month's actual payment, newly eligible months at the monthly amount entered (without "
                          "one, the mean paid month today)."),
    "policy_rule": ("规则", "Rule"),
    "policy_branch": ("规则分支（条件行）", "Rule branch (condition row)"),
    "policy_new_branch": ("新增分支", "New branch"),
    "policy_new_branch_name": ("新分支名称", "Name of the new branch"),
    "policy_share": ("补贴额占低保标准比例（%）", "Amount as a share of the dibao standard (%)"),
    "policy_dibao": ("低保标准（元/月，留空=现行）", "Dibao standard (yuan a month, empty = as it stands)"),
    "policy_categories": ("残疾类别（空=不限）", "Disability categories (none = any)"),
    "policy_grade_max": ("等级不高于（1 最重）", "Grade at most (1 = most severe)"),
    "policy_grade_equals": ("等级等于", "Grade equals"),
    "policy_amount": ("新增人月的月额（元，留空=今天平均）", "Monthly amount of a newly eligible month (yuan; empty = mean today)"),
    "policy_keep": ("不变", "unchanged"),
    "policy_run": ("测算", "Simulate"),
    "policy_result": ("测算结果", "Result"),
    "policy_by_town": ("按镇街", "By town"),
    "policy_by_category": ("按残疾类别", "By category"),
    "policy_export": ("下载测算表（Excel，含假设）", "Download the simulation (Excel, with the assumption)"),
    "policy_sheet_result": ("测算结果", "Result"),
    "policy_sheet_notes": ("说明", "Notes"),
    "policy_change_desc": ("测算内容", "Change simulated"),
    "policy_change_note": ("测算内容：{change}", "Change simulated: {change}"),
    "policy_seconds": ("测算用时 {s} 秒", "Simulated in {s} s"),
    "policy_tile_persons": ("获补人数（预计）", "Persons paid (expected)"),
    "policy_tile_cost": ("测算金额", "Simulated cost"),
    "policy_tile_change": ("较现行规则", "Change vs the rule in force"),
    "policy_tile_actual": ("较实际发放", "Change vs actual spend"),
    "chart.policy.by_town.title": ("政策测算：各镇街金额（现行规则与测算）", "Policy simulation: cost by town (rule in force and simulated)"),
    "chart.policy.by_category.title": ("政策测算：各残疾类别金额（现行规则与测算）",
                                       "Policy simulation: cost by category (rule in force and simulated)"),
    "chart.policy.current": ("现行规则", "Rule in force"),
    "chart.policy.simulated": ("测算", "Simulated"),
    "chart.policy.actual": ("实际发放", "Actual spend"),
    "chart.policy.summary": ("{prefix}按测算规则，{program}的金额为 {sim}，较现行规则 {change}（{cur}），"
                             "较实际发放 {vs_actual}；预计获补 {persons} 人（现行 {persons_now} 人）。",
                             "{prefix}under the simulated rule {program} costs {sim}, {change} against the rule in "
                             "force ({cur}) and {vs_actual} against actual spend; {persons} persons expected to be paid "
                             "({persons_now} today)."),
    # a tier amount changed (queries.tier_simulation)
    "policy_mode": ("测算内容", "What to simulate"),
    "policy_mode_rule": ("资格规则或低保标准", "An eligibility rule or the dibao standard"),
    "policy_mode_tier": ("某一档次的标准", "The amount of one tier"),
    "policy_tier_program": ("项目", "Program"),
    "policy_tier": ("档次", "Tier"),
    "policy_tier_label": ("{tier} 档：{amount}（{condition}）", "Tier {tier}: {amount} ({condition})"),
    "policy_tier_amount_monthly": ("新的月标准（元/月）", "New monthly amount (yuan a month)"),
    "policy_tier_amount_cap": ("新的年度上限（元/人/年）", "New yearly cap (yuan a person a year)"),
    "policy_no_tiers": ("没有档次可测算（program_tiers 为空）。", "There are no tiers to simulate (program_tiers is empty)."),
    "policy_tier_assumption": ("测算假设：领取率保持现状——今天按该档次领取的人、月份保持不变，没有人因标准改变而进入或"
                               "离开该档次。按月发放的项目：金额 = 该档次已领人月 × 新月标准；按年或按次报销的项目（标准为"
                               "每人每年上限）：每人全年报销按今天的实际申领，以新上限封顶——提高上限不增加今天没有发生的"
                               "申领，降低上限则把每人全年金额削到新上限。标准为 0 表示取消该档次。",
                               "Assumption: take-up as today. The persons and months paid at the tier today stay "
                               "the same; nobody enters or leaves the tier because its amount changes. Monthly "
                               "programs: cost = person-months paid at the tier × the new monthly amount. Annual or "
                               "per-claim programs (the amount is a yearly cap per person): each person's claims of "
                               "the year as today, capped at the new cap; a higher cap adds no claim that was not "
                               "made, a lower cap cuts each person's year at it. An amount of 0 abolishes the tier."),
    "chart.policy.tier_by_town.title": ("政策测算：档次标准调整后各镇街金额", "Policy simulation: cost by town with a tier amount changed"),
    "chart.policy.tier_by_category.title": ("政策测算：档次标准调整后各残疾类别金额",
                                            "Policy simulation: cost by category with a tier amount changed"),
    "chart.policy.tier_current": ("现行标准", "Amount in force"),
}

ANALYSIS_COLUMNS: dict[str, tuple[str, str]] = {
    "persons_at_cap_current": ("达到现行上限人数", "Persons at today's cap"),
    "amount_current": ("现行标准（元）", "Amount in force (yuan)"),
    "amount_simulated": ("测算标准（元）", "Simulated amount (yuan)"),
    "persons_eligible_current": ("应享人数（现行）", "Persons eligible (in force)"),
    "persons_eligible_simulated": ("应享人数（测算）", "Persons eligible (simulated)"),
    "persons_paid_current": ("获补人数（现行）", "Persons paid (in force)"),
    "persons_paid_simulated": ("获补人数（测算，预计）", "Persons paid (simulated, expected)"),
    "person_months_eligible_current": ("应享人月（现行）", "Eligible person-months (in force)"),
    "person_months_eligible_simulated": ("应享人月（测算）", "Eligible person-months (simulated)"),
    "person_months_paid_current": ("获补人月（现行）", "Paid person-months (in force)"),
    "person_months_paid_simulated": ("获补人月（测算，预计）", "Paid person-months (simulated, expected)"),
    "cost_current": ("金额（现行规则，元）", "Cost, rule in force (yuan)"),
    "cost_simulated": ("金额（测算，元）", "Cost, simulated (yuan)"),
    "change": ("较现行规则（元）", "Change vs rule in force (yuan)"),
    "actual_spend": ("实际发放（元）", "Actual spend (yuan)"),
    "change_vs_actual": ("较实际发放（元）", "Change vs actual spend (yuan)"),
    "takeup_months": ("领取率（人月）", "Take-up (person-months)"),
    "takeup_persons": ("领取率（人数）", "Take-up (persons)"),
}

ANALYSIS_TEXT |= {
    # ---------------------------------------------------------------- trends over every year
    "chart.overview.trends.title": ("历年主要指标", "Headline figures, every year"),
    "chart.overview.gap_trends.title": ("历年各类缺口涉及人数", "Persons behind each gap, every year"),
    "chart.trends.spend": ("发放金额（万元）", "Spend (¥10,000)"),
    "chart.trends.person_times": ("人次", "Person-times"),
    "chart.trends.coverage": ("覆盖率", "Coverage"),
    "chart.trends.median_days": ("办理时长中位数（工作日）", "Median processing time (working days)"),
    "chart.trends.reform": ("虚线：“最多跑一次”改革 {date}", "Dashed line: the reform of {date}"),
    "chart.trends.summary": ("{first}–{last} 年，发放金额从 {spend_first} 到 {spend_last}，覆盖率从 {cov_first} 到 {cov_last}，"
                             "办理时长中位数从 {days_first} 到 {days_last}。",
                             "From {first} to {last} spend went from {spend_first} to {spend_last}, coverage from "
                             "{cov_first} to {cov_last} and the median processing time from {days_first} to "
                             "{days_last}."),
    "chart.gap_trends.summary": ("{first}–{last} 年，{total} 类缺口中有 {n} 类涉及人数上升：{gaps}。",
                                 "From {first} to {last}, {n} of {total} gaps involve more persons: {gaps}."),
    "trends_all_years": ("历年趋势使用 {first}–{last} 年全部数据（不受年度筛选影响；当前年度以大圆点标出），"
                         "每年的数字与该年总览的指标口径相同。",
                         "The trends use every year {first}–{last} (the year filter does not apply; the selected "
                         "year is the large dot); each year's figures are that year's overview figures."),
}

ANALYSIS_TEXT |= {
    # ---------------------------------------------------------------- flows in and out of monthly programs
    "chart.coverage.flows.title": ("按月发放项目的进出：上年到本年（人）", "Into and out of monthly programs, last year to this (persons)"),
    "chart.flows.axis": ("人数（左：退出，右：新进入）", "Persons (left: leaving; right: entering)"),
    "chart.flows.hover": ("：{persons} 人，{money} 万元", ": {persons} persons, ¥{money} × 10,000"),
    "chart.flows.prefix": ("{first}→{last} 年，", "From {first} to {last}, "),
    "chart.flows.summary": ("{prefix}退出 {leaving} 人（上年金额 {money_out}），继续 {continuing} 人，"
                            "新进入 {entering} 人（本年金额 {money_in}）。",
                            "{prefix}{leaving} persons left (last year's money {money_out}), {continuing} continued "
                            "and {entering} entered (this year's money {money_in})."),
    "chart.flows.flow": ("流向", "Flow"),
    "chart.flows.continuing": ("继续 {n} 人", "{n} continuing"),
    "chart.flows.reason": ("原因", "Reason"),
    "flow.leaving": ("退出", "Leaving"),
    "flow.continuing": ("继续", "Continuing"),
    "flow.entering": ("新进入", "Entering"),
    "flow.reason.death": ("死亡", "Death"),
    "flow.reason.moved_out": ("迁出", "Moved out"),
    "flow.reason.revocation": ("证件注销", "Certificate revoked"),
    "flow.reason.dibao_exit": ("退出低保/低边", "Left dibao / marginal"),
    "flow.reason.eligible_unpaid": ("仍符合条件但未发放", "Still eligible, not paid"),
    "flow.reason.continuing": ("两年均获发放", "Paid both years"),
    "flow.reason.new_in_register": ("新登记（出生或新入库）", "New in the register"),
    "flow.reason.new_certificate": ("新办证", "New certificate"),
    "flow.reason.dibao_entry": ("进入低保/低边", "Entered dibao / marginal"),
    "flow.reason.reaching_age": ("达到年龄条件", "Reached an age condition"),
    "flow.reason.late_take_up": ("上年已符合条件、本年开始领取", "Eligible last year, paid from this year"),
    "flow.reason.other": ("其他", "Other"),
}

ANALYSIS_COLUMNS |= {
    "flow": ("流向", "Flow"),
    "reason": ("原因", "Reason"),
    "spend_from": ("上年金额（元）", "Money, first year (yuan)"),
    "spend_to": ("本年金额（元）", "Money, second year (yuan)"),
}

ANALYSIS_TEXT |= {
    "flows_header": ("按月发放项目的进出", "Into and out of the monthly programs"),
    "flows_help": ("上年获发放而本年未获发放为“退出”，按本年 1 月 1 日的状态给出第一个成立的原因（死亡、迁出、证件注销、"
                   "退出低保/低边、仍符合条件但未发放）；本年获发放而上年未获发放为“新进入”，按上年 12 月 1 日的状态给出原因"
                   "（新登记、新办证、进入低保/低边、达到年龄条件、上年已符合条件）。",
                   "Leaving: paid last year, not this year; the reason is the first that holds on 1 January of this "
                   "year (death, moved out, certificate revoked, left dibao / marginal, still eligible but unpaid). "
                   "Entering: paid this year, not last year; the reason from the state on 1 December of last year "
                   "(new in the register, new certificate, entered dibao / marginal, reached an age condition, "
                   "eligible last year)."),
}

ANALYSIS_TEXT |= {
    # the list under the flows chart: the persons behind one program's flow (queries.flow_people)
    "flow_people_header": ("进出人员名单（已脱敏）", "Persons behind the flows (masked)"),
    "flow_people_header_full": ("进出人员名单（本辖区，含完整身份信息）", "Persons behind the flows (your area, full identities)"),
    "flow_people_help": ("所选项目上年到本年退出、继续或新进入的人员及其原因，与上方图表的人数逐一对应；按侧栏筛选。",
                         "The persons who left, continued in or entered the chosen program from last year to this, "
                         "with the reason: one row for each person counted in the chart above; for the sidebar's "
                         "filters."),
    "flow_people_count": ("共 {p} 人。", "{p} persons."),
}

ANALYSIS_TEXT |= {
    # the policy page's list: the persons behind a simulation (queries.policy_simulation_people)
    "policy_people_header": ("测算涉及人员名单（已脱敏）", "Persons behind the simulation (masked)"),
    "policy_people_header_full": ("测算涉及人员名单（本辖区，含完整身份信息）",
                                  "Persons behind the simulation (your area, full identities)"),
    "policy_people_help": ("按测算规则新增、减少或不变的应享人员（及两种规则下均不符合、今天仍有发放的人员），与上方测算结果的"
                           "人数和金额逐一对应；新增人员按今天的领取率计入，“测算下获补”为预计值（0–1）。",
                           "The persons the simulated rule gains, loses or keeps (and those eligible under neither "
                           "rule but paid today): one row for each person counted in the result above; a gained "
                           "person counts at today's take-up rate, so “paid as simulated” is an expectation (0–1)."),
    "policy_people_list": ("名单", "List"),
    "policy_outcome.all": ("全部", "All"),
    "policy_outcome.gained": ("新增", "Gained"),
    "policy_outcome.lost": ("减少", "Lost"),
    "policy_outcome.kept": ("不变", "Kept"),
    "policy_outcome.outside": ("两种规则下均不符合（今天有发放）", "Eligible under neither (paid today)"),
    "policy_people_count": ("共 {p} 人。", "{p} persons."),
    "choice_n": ("{what}（{n} 人）", "{what} ({n})"),   # a list's choice with its persons (flows, simulation)
    "policy_people_expected": ("名单中测算下预计获补 {paid} 人，现行规则下获补 {now} 人（与上方测算结果同一口径）。",
                               "Of the persons listed, {paid} are expected to be paid as simulated and {now} are "
                               "paid under the rule in force (as in the result above)."),
}

ANALYSIS_COLUMNS |= {
    "outcome": ("与现行规则相比", "Against the rule in force"),
    "months_eligible_current": ("应享月数（现行）", "Months eligible (in force)"),
    "months_eligible_simulated": ("应享月数（测算）", "Months eligible (simulated)"),
    "months_paid_current": ("获补月数（现行）", "Months paid (in force)"),
    "months_paid_simulated": ("获补月数（测算，预计）", "Months paid (simulated, expected)"),
    "expected_paid": ("测算下获补（预计，0–1）", "Paid as simulated (expected, 0–1)"),
}

ANALYSIS_TEXT |= {
    # ---------------------------------------------------------------- decisions, channels, sources, census completion
    "chart.processing.decisions.title": ("各项目申请审批结果", "Decisions on applications per program"),
    "chart.processing.channels.title": ("申请渠道占比", "Applications by channel"),
    "chart.gaps.event_sources.title": ("状态变更的报送部门", "Who reported each status change"),
    "decision.approved": ("已批准", "Approved"),
    "decision.rejected": ("不予批准", "Rejected"),
    "decision.pending": ("审核中", "Pending"),
    "chart.decisions.axis": ("申请数（右侧为批准率）", "Applications (approval rate at the right)"),
    "chart.decisions.summary": ("{prefix}受理申请 {n} 件，已决定的批准率 {approval}，不予批准 {rejected} 件，"
                                "仍在审核中 {pending} 件；审核用时中位数（各项目）约 {days}。",
                                "{prefix}{n} applications: {approval} of those decided approved, {rejected} rejected, "
                                "{pending} still pending; median review time (across programs) about {days}."),
    "channel.online": ("线上", "Online"),
    "channel.window": ("窗口", "Window"),
    "channel.proxy": ("代办（四帮代办）", "Proxy (assisted)"),
    "channel.unknown": ("未填写", "Not recorded"),
    "chart.channels.axis": ("占本年申请", "Share of the year's applications"),
    "chart.channels.channel": ("渠道", "Channel"),
    "chart.channels.summary": ("{prefix}受理的 {n} 件申请中，{top}占 {share}。", "{prefix}of {n} applications, {top}: {share}."),
    "event.death": ("死亡", "Death"),
    "event.dibao_start": ("进入低保", "Dibao start"),
    "event.dibao_end": ("退出低保", "Dibao end"),
    "event.dibian_start": ("进入低边", "Marginal start"),
    "event.dibian_end": ("退出低边", "Marginal end"),
    "event.cert_issued": ("发证", "Certificate issued"),
    "event.cert_revoked": ("注销证件", "Certificate revoked"),
    "event.grade_change": ("等级变更", "Grade change"),
    "event.moved_out": ("迁出", "Moved out"),
    "source.unknown": ("未填写", "Not recorded"),
    "chart.event_sources.axis": ("变更条数", "Status changes"),
    "chart.event_sources.event": ("变更类型", "Change"),
    "chart.event_sources.source": ("报送部门", "Reported by"),
    "chart.event_sources.events": ("条数", "Changes"),
    "chart.event_sources.summary": ("{prefix}共 {n} 条状态变更，来自 {departments} 个部门，其中{top}占 {share}。",
                                    "{prefix}{n} status changes from {departments} departments; {top}: {share}."),
    "kpi_census_completion": ("普查完成率", "Census completion"),
    "help_census_completion": ("本年持证残疾人中，本年度动态更新调查状态为“已调查”的比例（已调查人数 / 持证残疾人数）。",
                               "Share of the year's certified persons surveyed in the year's census update "
                               "(persons surveyed / certified persons)."),
    "decisions_header": ("申请审批与渠道", "Decisions and channels"),
    "decisions_help": ("按申请日期所在年度统计；批准率 = 已批准 / 已决定（批准 + 不予批准）；审核用时为申请日到决定日之间的"
                       "工作日数（含调休），中位数；“审核中”为数据中仍未决定的申请（积压）。",
                       "By the year of submission; approval rate = approved / decided (approved + rejected); review "
                       "time = working days from submission to decision (official calendar), median; pending = "
                       "applications still undecided in the data (the backlog)."),
    "kpi_pending": ("审核中（积压）", "Pending (backlog)"),
    "kpi_approval_rate": ("批准率", "Approval rate"),
    "kpi_review_days": ("审核用时中位数", "Median review time"),
    "event_sources_header": ("状态变更从哪里来", "Where the status changes come from"),
}

# Reporting departments as loaded (Chinese) → English; others are shown as loaded.
SOURCE_LABELS = {"民政": "Civil affairs", "人社": "Human resources and social security", "公安": "Public security",
                 "残联": "Disabled Persons' Federation", "卫健": "Health commission", "医保": "Medical insurance"}

ANALYSIS_COLUMNS |= {
    "approved": ("已批准", "Approved"), "rejected": ("不予批准", "Rejected"), "pending": ("审核中", "Pending"),
    "approval_rate": ("批准率", "Approval rate"), "rejection_rate": ("不批准率", "Rejection rate"),
    "median_review_days": ("审核用时中位数（工作日）", "Median review time (working days)"),
    "event": ("变更类型", "Change"), "source": ("报送部门", "Reported by"), "events": ("条数", "Changes"),
    "application_share": ("占申请", "Share of applications"), "event_share": ("占该类变更", "Share of the kind"),
    "persons_surveyed": ("已调查人数", "Persons surveyed"), "census_completion": ("普查完成率", "Census completion"),
}

ANALYSIS_TEXT |= {
    "drill_hint_town": ("点击某个镇街的柱条或格子，整页即按该镇街筛选（网址随之更新）。",
                        "Click a town's bar to narrow the whole page to that town (the URL follows)."),
    "drill_hint_category": ("点击某个残疾类别的柱条或格子，整页即按该类别筛选（网址随之更新）。",
                            "Click a category's bar or cell to narrow the whole page to it (the URL follows)."),
    "drill_hint_program": ("点击某个项目的柱条，整页即按该项目筛选（网址随之更新）。",
                           "Click a program's bar to narrow the whole page to that program (the URL follows)."),
    "drill_hint_gap": ("点击某个缺口的柱条，即选中该缺口并显示其下方的人员名单。",
                       "Click a gap's bar to pick that gap and show the list of persons behind it below."),
    "drill_to_list": ("已选中缺口“{gap}”：其 {n} 人的名单见下方。", "Gap “{gap}” picked: the list of its {n} persons is below."),
    # the coverage page's list: the persons behind a cell of the heatmap or a town's bar
    "coverage_people_header": ("覆盖名单（已脱敏）", "Persons behind the coverage (masked)"),
    "coverage_people_header_full": ("覆盖名单（本辖区，含完整身份信息）",
                                    "Persons behind the coverage (your area, full identities)"),
    "coverage_people_help": ("持证人口中本年度已获发放或尚未覆盖的人员，按侧栏筛选和下方等级；"
                             "点击上方热力图的格子或镇街柱条，即选中该格或该镇街并显示其名单。",
                             "The certified persons paid this year or not yet covered, for the sidebar's filters "
                             "and the grade below; a click on a heatmap cell or a town's bar above picks it and "
                             "shows its list."),
    "coverage_list": ("名单", "List"),
    "coverage_list.not_covered": ("尚未覆盖", "Not yet covered"),
    "coverage_list.paid": ("已获发放", "Paid"),
    "coverage_list.all": ("全部持证人员", "All certified"),
    "coverage_people_count": ("共 {p} 人。", "{p} persons."),
    # the spend page's list (and the overview's 受益人数 tile): the persons paid by the chosen programs
    # the coverage page's list behind a priority group's count
    "priority_people_header": ("重点儿童名单（已脱敏）", "Priority children (masked)"),
    "priority_people_header_full": ("重点儿童名单（本辖区，含完整身份信息）", "Priority children (your area, full identities)"),
    "priority_people_help": ("所选群体中本年度符合条件的儿童（含未持证），以及是否已获康复项目发放（或侧栏所选项目）。",
                             "The children meeting the chosen group's criteria this year (certificate or not), and "
                             "whether a rehabilitation program (or the sidebar's programs) paid them."),
    "priority_list.all": ("全部", "All"),
    "priority_list.paid": ("已获发放", "Paid"),
    "priority_list.not_paid": ("尚未发放", "Not yet paid"),
    "paid_people_header": ("受益人员名单（已脱敏）", "Persons paid (masked)"),
    "paid_people_header_full": ("受益人员名单（本辖区，含完整身份信息）", "Persons paid (your area, full identities)"),
    "paid_people_help": ("本年度获得所选项目发放（发放所属期在本年度）的人员，按侧栏筛选，人数即受益人数；"
                         "点击上方项目柱条，即按该项目显示其名单。",
                         "The persons paid this year (payments for periods in the year) by the chosen programs, "
                         "for the sidebar's filters: as many as the persons paid; a click on a program's bar "
                         "above shows that program's list."),
    "to_paid_list": ("查看受益人员名单", "See the persons paid"),          # under the overview's 受益人数 tile
    "to_covered_list": ("查看已覆盖人员名单", "See the persons covered"),   # under its 覆盖 tile
    "to_certified_list": ("查看持证人员名单", "See the certified persons"),   # under its 持证残疾人 tile
    "paid_people_count": ("共 {p} 人。", "{p} persons."),
    "paid_drill_to_list": ("已选中{program}：{n} 人获得发放，名单见下方。",
                           "{program} picked: {n} persons paid; the list is below."),
    "coverage_drill_to_list": ("已选中{cell}：尚未覆盖 {unpaid} 人，已获发放 {paid} 人，名单见下方。",
                               "{cell} picked: {unpaid} not yet covered, {paid} paid; the list is below."),
}
