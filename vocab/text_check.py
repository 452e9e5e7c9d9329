"""Messages of the month's check (每月核查), the worklist and the recovery ledger: key -> (Chinese, English)."""
from __future__ import annotations

CHECK_TEXT: dict[str, tuple[str, str]] = {
    "page_check": ("每月核查", "Monthly check"),
    "check.title": ("{month} 每月核查", "Monthly check {month}"),
    "check.intro": ("“不早也不晚”：每月核对按月发放项目（生活补贴、护理补贴）的名单。状态按每月 1 日计，"
                    "当月发生的死亡、低保退出、注销、迁出等自次月起生效。",
                    "Neither early nor late: each month the payroll of the monthly programs (living and nursing "
                    "subsidy) is checked against each person's state on day 1 of the month; a death, dibao end, "
                    "revocation or move out dated in a month counts from the next month."),
    "check.month": ("核查月份", "Month"),
    "check.month_option": ("{year} 年 {month} 月", "{year}-{month:02d}"),
    "check.stop": ("停发名单", "Stop list"),
    "check.start": ("启动发放名单", "Start list"),
    "check.retier": ("调档名单", "Re-tier list"),
    "check.stop_help": ("在本月或上月发放名单中、但自本月起状态已不允许发放的人员：应立即停发，已发的追回。", "On the payroll this month or last month, but their state no longer allows it from this "
                        "month: stop the payment and recover what was paid."),
    "check.start_help": ("本月符合条件但本月未发放的人员：应启动发放并补发，“已等待月数”含本月。", "Eligible this month but not paid for it: start the payment and pay the arrears; "
                         "months waited include this month."),
    "check.retier_help": ("本月已发放、但金额或档次与规则和本人状态不符的人员：差额为正应追回，为负应补发。", "Paid this month at another amount or tier than the rule and the person's state give: "
                          "a positive difference is to be recovered, a negative one to be paid."),
    "check.public": ("公开版不显示核查名单、待办事项和追回台账，只显示服药监测的统计（少于 5 人的数字已隐藏）。",
                     "The public edition shows no list, case or ledger of the monthly check: only the medication "
                     "figures (counts below 5 hidden)."),
    "check.none": ("{month} 无需处理。", "Nothing to do for {month}."),
    "check.tile_cases": ("{check} · 人数", "{check} · persons"),
    "check.tile_paid": ("本月仍发放 · 笔数", "Still paid this month · payments"),
    "check.to_list": ("查看{check}", "Show the {check}"),
    "check.lists_header": ("{month}的名单", "The lists of {month}"),
    "check.tile_money": ("本月涉及金额", "Money this month"),
    "check.reason": ("原因", "Reason"),
    "check.reason.death": ("死亡", "Death"),
    "check.reason.moved_out": ("迁出", "Moved out"),
    "check.reason.cert_revoked": ("残疾人证注销", "Certificate revoked"),
    "check.reason.no_certificate": ("无有效残疾人证", "No valid certificate"),
    "check.reason.household": ("低保/低边退出", "Left dibao/dibian"),
    "check.reason.outside_rule": ("类别或等级不符合规则", "Category or grade outside the rule"),
    "check.reason.unpaid": ("符合条件未发放", "Eligible, not paid"),
    "check.reason.amount": ("金额不符", "Wrong amount"),
    "check.reason.tier": ("档次不符", "Wrong tier"),
    "check.run_start": ("起始月份", "From month"),
    "check.months_stop": ("已持续月数", "Months so far"),
    "check.months_start": ("已等待月数", "Months waited"),
    "check.months_retier": ("已持续月数", "Months so far"),
    "check.amount_stop": ("本月已发（元）", "Paid this month (¥)"),
    "check.amount_start": ("本月应发（元）", "Due this month (¥)"),
    "check.amount_retier": ("本月差额（元）", "Difference this month (¥)"),
    "check.case_amount": ("本案合计（元）", "Case total (¥)"),
    "check.paid_this_month": ("本月是否已发", "Paid this month"),
    "check.in_time": ("已按时停发，无需处理", "Stopped in time: nothing to do"),
    "check.list_count": ("共 {n} 项，涉及 {p} 人。", "{n} cases, {p} persons."),
    # the worklist and its follow-up
    "case.header": ("待办事项与跟进", "Worklist and follow-up"),
    "case.help": ("每个事项有固定编号，重新导入数据后跟进记录仍在；新数据中不再出现的事项标记为“数据已消除”，不会删除。", "Every case keeps its key across loads, so its follow-up survives every rebuild; a case the new "
                  "data no longer shows is marked resolved by data, never deleted."),
    "case.days_open": ("已开放天数", "Days open"),
    "case.overdue": ("超期（>30 天）", "Overdue (> 30 days)"),
    "case.item": ("事项类型", "Case type"),
    "case.save": ("保存修改", "Save changes"),
    "case.saved": ("已保存 {n} 项修改。", "{n} changes saved."),
    "case.nothing_changed": ("没有修改。", "Nothing changed."),
    "case.read_only": ("您的角色只能查看跟进情况，不能修改。", "Your role can view the follow-up but not change it."),
    "case.download": ("下载待办表（Excel，可填写后上传）", "Download the worklist (Excel, fill in and upload)"),
    "case.upload": ("上传已填写的待办表", "Upload the filled-in worklist"),
    "case.upload_help": ("只处理“处理状态”“已追回金额”“备注”三列有改动的行；任何一行有误则整表不导入。", "Only rows whose status, recovered amount or note changed are applied; one wrong row and "
                         "nothing is applied."),
    "case.upload_applied": ("已从 {file} 导入 {n} 项修改。", "{n} changes applied from {file}."),
    "case.upload_refused": ("{file} 未导入（{n} 处错误），请修改后重新上传：", "{file} was not applied ({n} errors): fix and upload again:"),
    "case.errors_refused": ("修改未保存（{n} 处错误）：", "Nothing was saved ({n} errors):"),
    "case.no_open": ("本辖区暂无待办事项。", "No open case in this area."),
    "case.stop": ("停发", "Stop"),
    "case.start": ("启动发放", "Start"),
    "case.retier": ("调档", "Re-tier"),
    # the recovery ledger
    "ledger.header": ("追回台账", "Recovery ledger"),
    "ledger.help": ("多发金额 = 停发事项中已发的金额、调档事项中多发的差额、重复发放等；待追回 = 多发 − 已追回。"
                    "超期事项（待核实超过 30 天）排在最前。",
                    "Overpaid = money paid in stop cases, the overpaid difference of re-tier cases, duplicate "
                    "payments and the like; outstanding = overpaid − recovered. Overdue cases (pending for more "
                    "than 30 days) come first."),
    "ledger.by_town": ("按镇街", "By town"),
    "ledger.by_month": ("按月份", "By month"),
    "ledger.by_item": ("按事项类型", "By case type"),
    "ledger.overpaid": ("多发金额（元）", "Overpaid (¥)"),
    "ledger.recovered": ("已追回（元）", "Recovered (¥)"),
    "ledger.outstanding": ("待追回（元）", "Outstanding (¥)"),
    "ledger.owed": ("应补发（元）", "Owed (¥)"),
    "ledger.cases": ("事项数", "Cases"),
    "ledger.open": ("未办结", "Open"),
    "ledger.overdue_cases": ("超期", "Overdue"),
    "ledger.month": ("月份", "Month"),
    # the overview's banner
    "banner.after_death": ("{month} 新增死亡后仍发放 {n} 笔、{money}，请到“每月核查”处理。", "{month}: {n} payments ({money}) paid after death; see the monthly check."),
    "banner.check": ("{month} 每月核查：停发 {stop} 人，启动发放 {start} 人，调档 {retier} 人。", "Monthly check {month}: {stop} to stop, {start} to start, {retier} to re-tier."),
    # 应服未服
    "medication.header": ("精神障碍患者服药监测（应服未服）", "Psychiatric medication monitoring (missed medication)"),
    "medication.help": ("应服 = 当月有处方；已取药 = 当月取药；应服未服 = 有处方而未取药。连续两个月及以上未取药的患者列入待办事项。", "Prescribed = a prescription that month; collected = medicine collected; missed = "
                        "prescribed, not collected. Patients who missed two or more consecutive months go to the "
                        "worklist."),
    # charts (publish/figures_check.py)
    "chart.spend.adequacy.title": ("按月发放项目保障水平（占当年低保标准）", "Adequacy of the monthly programs (share of the dibao standard)"),
    "chart.spend.adequacy.bar": ("{share}（每人每月 {yuan} 元）", "{share} (¥{yuan} a person a month)"),
    "chart.spend.adequacy.hover": ("占低保标准 {share}", "{share} of the dibao standard"),
    "chart.spend.adequacy.axis": ("每人每月发放额占低保标准", "Paid per person a month, share of the dibao standard"),
    "chart.spend.adequacy.part": ("{program} {share}", "{program} {share}"),
    "chart.spend.adequacy.summary": ("{prefix}按月发放项目每人每月发放额占低保标准（{standard} 元/月）：{parts}。", "{prefix}money paid per person a month as a share of the dibao standard "
                                     "(¥{standard} a month): {parts}."),
    "chart.spend.adequacy.monthly_yuan": ("每人每月发放（元）", "Paid per person a month (¥)"),
    "chart.spend.adequacy.standard": ("低保标准（元/月）", "dibao standard (¥ a month)"),
    "chart.spend.adequacy.pct": ("保障水平（%）", "Adequacy (%)"),
    "chart.check.medication.title": ("应服药患者每月取药情况", "Patients due to take medication, by month"),
    "chart.check.medication.prescribed_persons": ("应服人数", "Prescribed"),
    "chart.check.medication.dispensed_persons": ("已取药", "Collected"),
    "chart.check.medication.missed_persons": ("应服未服", "Missed"),
    "chart.check.medication.missed_share": ("未服比例（%）", "Share missed (%)"),
    "chart.check.medication.axis": ("人数", "Persons"),
    "chart.check.medication.summary_hidden": ("{prefix}各月应服未服人数较少，公开版不显示。",
                                              "{prefix}the monthly counts of missed medication are small: the public "
                                              "edition does not show them."),
    "chart.check.medication_areas.title": ("各地应服未服比例", "Medication missed, by area"),
    "chart.check.medication_areas.axis": ("未取药人月占应服人月", "Missed person-months, share of prescribed"),
    "chart.check.medication_areas.hover": ("未取药 {share}（{missed} / {prescribed} 人月）", "{share} missed ({missed} of {prescribed} person-months)"),
    "chart.check.medication_areas.summary": ("{prefix}{area}应服未服比例最高（{share}），全部合计 {overall}。", "{prefix}{area} missed the most ({share}); overall {overall}."),
    "chart.check.medication_areas.prescribed_months": ("应服人月", "Prescribed person-months"),
    "chart.check.medication_areas.missed_months": ("未取药人月", "Missed person-months"),
    "chart.check.medication_areas.missed_persons": ("曾未取药人数", "Patients who missed a month"),
    "chart.check.medication.summary": ("{prefix}应服药患者中平均每月 {share} 未取药；{month} 月未取药人数最多（{worst} 人）。", "{prefix}on average {share} of patients due to take medication did not "
                                       "collect it in a month; most in month {month} ({worst} persons)."),
}
