"""Chart titles, axis titles, legend names and summary sentences: key -> (Chinese, English).

Keys are `chart.<builder or chart id>.<what>`. Merged into `vocab.text.TEXT` (a key may live in only one file).

- `chart.<chart id>.title`: the one title of a registered chart (figure, page, PDF page, workbook index).
- `chart.<builder>.…`: the words of one builder in publish/figures.py; `chart.<what>` without a
  builder: words several builders share (the money axis, the year that opens a sentence).
- `{…}` fields are filled by the builder: numbers already formatted, names already labelled. In a
  hover text the fields receive plotly's `%{x}` placeholders, so no plotly braces appear here.
- Where word order differs between the languages, the whole sentence is one message (the fields
  move, the code does not).
"""
from __future__ import annotations

CHART_TEXT: dict[str, tuple[str, str]] = {
    # ---------------------------------------------------------------- titles (chart registry ids)
    "chart.overview.monthly_spend.title": ("月度发放金额", "Monthly spend"),
    "chart.overview.towns.title": ("各镇街发放金额排名", "Towns ranked by money paid"),
    "chart.coverage.heatmap.title": ("按类别和等级的覆盖率", "Coverage by category and grade"),
    "chart.coverage.town.title": ("按镇街的覆盖率", "Coverage by town"),
    "chart.coverage.sex.title": ("按性别的覆盖率", "Coverage by sex"),
    "chart.coverage.age_band.title": ("按年龄段的覆盖率", "Coverage by age band"),
    "chart.coverage.targeting.title": ("应享与实发（人月）", "Eligible vs paid (person-months)"),
    "chart.coverage.priority_children.title": ("重点儿童群体：人数与获补人数",
                                               "Priority children: persons and persons paid"),
    "chart.spend.programs.title": ("各补贴项目支出", "Spend per program"),
    "chart.spend.groups.title": ("按项目类别的支出", "Spend by program group"),
    "chart.spend.tiers.title": ("分档项目的档次结构（按支出）", "Tier mix of tiered programs (by spend)"),
    "chart.spend.incidence_category.title": ("受益归宿：按残疾类别", "Benefit incidence by category"),
    "chart.spend.incidence_town.title": ("受益归宿：按镇街", "Benefit incidence by town"),
    "chart.processing.medians.title": ("各项目办理时长中位数：改革前后",
                                       "Median processing time per program, before and after reform"),
    "chart.processing.distribution.title": ("办理时长分布（工作日）", "Distribution of processing time (working days)"),
    "chart.processing.routes.title": ("发放方式与办理时长", "Payment route and processing time"),
    "chart.processing.trips.title": ("按所需跑次的项目数：改革前后",
                                     "Programs by trips needed, before and after reform"),
    "chart.processing.materials.title": ("按所需材料数的项目数：改革前后",
                                         "Programs by materials needed, before and after reform"),
    "chart.gaps.overview.title": ("各类缺口涉及人数", "Persons behind each gap"),
    # gaps.by_town / gaps.by_village: {gap} = a gap's label or chart.gaps.all_gaps, {area} = chart.dim.town / village
    "chart.gaps.by_area.title": ("{gap}：按{area}", "{gap} by {area}"),
    "chart.gaps.all_gaps": ("全部缺口", "All gaps"),

    # ---------------------------------------------------------------- shared
    "chart.year_prefix": ("{year} 年", "In {year}, "),          # opens a summary sentence
    "chart.money_axis": ("支出（万元）", "Spend (¥10,000)"),     # axis title and table header
    "chart.all_zero": ("全部为 0", "All zero"),                 # note on a chart whose values are all 0
    "chart.share_pct": ("占比 %", "Share %"),
    "chart.cap_use_pct": ("封顶使用率 %", "Cap use %"),
    "chart.programs_count": ("项目数", "Programs"),
    "chart.hover.spend_persons": ("{spend} 万元，{persons} 人", "¥{spend} ×10k, {persons} persons"),
    "chart.median_of": ("{what}办理时长中位数 {median} 个工作日。", "{what}: median {median} working days."),
    # a breakdown in a sentence ("按{by}看" / "coverage by {by}"), as a table header, and counted
    "chart.dim.town": ("镇街", "town"),
    "chart.dim.town.plural": ("镇街", "towns"),
    "chart.dim.village": ("村社区", "village"),
    "chart.dim.village.plural": ("村社区", "villages"),
    "chart.dim.sex": ("性别", "sex"),
    "chart.dim.sex.column": ("性别", "Sex"),
    "chart.dim.age_band": ("年龄段", "age band"),
    "chart.dim.age_band.column": ("年龄段", "Age band"),
    "chart.dim.hukou": ("户籍", "hukou"),
    "chart.dim.hukou.column": ("户籍", "Hukou"),
    "chart.dim.category": ("残疾类别", "category"),
    "chart.dim.category.column": ("残疾类别", "Category"),
    "chart.dim.grade": ("残疾等级", "grade"),

    # ---------------------------------------------------------------- overview
    "chart.month_tick": ("{month} 月", "{abbr}"),               # {abbr} = Jan, Feb …
    "chart.monthly_spend.hover": ("支出 {spend} 万元<br>人数 {persons}", "Spend ¥{spend} ×10k<br>Persons {persons}"),
    "chart.monthly_spend.summary": ("{prefix} {month} 月发放金额最高（{top}），全年合计 {total}。",
                                    "{prefix}{month_name} had the highest spend ({top}); the year's total is {total}."),
    "chart.monthly_spend.persons_paid": ("受益人数", "Persons paid"),
    "chart.town_ranking.summary_one": ("{prefix}{town}发放金额 {money}。", "{prefix}{town} received {money}."),
    "chart.town_ranking.summary": ("{prefix}发放金额最多的镇街是{top}（{money}，占 {share}），"
                                   "最少的是{low}（占 {low_share}）。",
                                   "{prefix}{top} received the most ({money}, {share} of the total); "
                                   "{low} the least ({low_share})."),

    # ---------------------------------------------------------------- coverage
    "chart.coverage_heatmap.cell": ("{category}{grade}", "{category} {grade}"),
    "chart.coverage_heatmap.summary": ("{prefix}覆盖率最高的是{hi}（{hi_pct}），最低的是{lo}（{lo_pct}）。",
                                       "{prefix}coverage is highest for {hi} ({hi_pct}) "
                                       "and lowest for {lo} ({lo_pct})."),
    "chart.coverage_bars.summary_one": ("{prefix}{value}的覆盖率为 {pct}（{n} 人中 {paid} 人）。",
                                        "{prefix}coverage in {value} is {pct} ({paid} of {n})."),
    "chart.coverage_bars.summary": ("{prefix}按{by}看，覆盖率最高的是{hi}（{hi_pct}），最低的是{lo}（{lo_pct}）。",
                                    "{prefix}coverage by {by} ranges from {lo_pct} ({lo}) to {hi_pct} ({hi})."),
    "chart.targeting.eligible_paid": ("应享且已发", "Eligible and paid"),
    "chart.targeting.excluded": ("应享未发（漏保）", "Eligible, not paid (exclusion)"),
    "chart.targeting.included": ("不应享却发放（错保）", "Paid, not eligible (inclusion)"),
    "chart.targeting.axis": ("人月", "Person-months"),
    "chart.targeting.bar_label": ("漏保 {excluded}（{exclusion}）\n错保 {included}（{inclusion}）",
                                  "Exclusion {excluded} ({exclusion})\nInclusion {included} ({inclusion})"),
    "chart.targeting.program": ("{program}漏保率 {exclusion}、错保率 {inclusion}",
                                "{program}: exclusion error {exclusion}, inclusion error {inclusion}"),
    "chart.targeting.sep": ("；", "; "),                       # between the programs of the summary
    "chart.targeting.summary": ("{prefix}{programs}。", "{prefix}{programs}."),
    "chart.targeting.exclusion_pct": ("漏保率 %", "Exclusion error %"),
    "chart.targeting.inclusion_pct": ("错保率 %", "Inclusion error %"),
    "chart.targeting.eligible_persons": ("应享人数", "Eligible persons"),
    "chart.targeting.paid_persons": ("实发人数", "Paid persons"),
    "chart.priority_children.persons_paid": ("获补人数", "Persons paid"),
    "chart.priority_children.summary": ("{prefix}重点儿童群体 {n} 人中有 {paid} 人获得补助（{pct}），合计 {money}。",
                                        "{prefix}{paid} of {n} children in the priority groups were paid ({pct}), "
                                        "{money} in all."),

    # ---------------------------------------------------------------- spend
    "chart.spend_programs.summary": ("{prefix}支出最多的项目是{top}，占 {share}（合计 {total}）；"
                                     "{n} 个项目中 {paid} 个有发放。",
                                     "{prefix}the program with the highest spend is {top}, {share} of {total}; "
                                     "{paid} of {n} programs paid out."),
    "chart.spend_programs.id": ("项目编号", "ID"),
    "chart.spend_groups.summary": ("{prefix}{group}类项目支出最多，占 {share}（{money}）。",
                                   "{prefix}{group} programs take {share} of the money ({money})."),
    "chart.spend_tiers.tier": ("第 {tier} 档", "Tier {tier}"),
    "chart.spend_tiers.hover": ("{share} 的支出；{persons} 人；{spend} 万元；标准 {cap} 元；封顶使用 {cap_use}",
                                "{share} of spend; {persons} persons; ¥{spend} ×10k; cap ¥{cap}; cap use {cap_use}"),
    "chart.spend_tiers.axis": ("支出占比", "Share of the program's spend"),
    "chart.spend_tiers.summary": ("{prefix}共 {n} 个项目分档发放；封顶使用率最高的是{program}第 {tier} 档（{pct}）。",
                                  "{prefix}{n} programs pay in tiers; the fullest cap use is {program} tier {tier} "
                                  "({pct} of the cap)."),
    "chart.spend_tiers.summary_no_cap": ("共 {n} 个项目分档发放。", "{n} tiered programs."),
    "chart.spend_tiers.amount": ("标准/上限（元）", "Amount / cap (¥)"),
    "chart.spend_tiers.at_cap": ("达到上限人数", "Persons at cap"),
    "chart.incidence.axis": ("占全部支出", "Share of all money paid"),
    "chart.incidence.summary": ("{prefix}获得资金最多的{by}是{top}，占 {share}（{money}，{persons} 人）。",
                                "{prefix}{top} receives the largest share of the money: {share} ({money}, "
                                "{persons} persons)."),

    # ---------------------------------------------------------------- processing time
    "chart.processing_medians.hover": ("{period}: {days} 个工作日（{n} 件）",
                                       "{period}: {days} working days ({n} applications)"),
    "chart.processing_medians.summary_none": ("没有可比较的改革前后申请。",
                                              "No programs with applications both before and after reform."),
    "chart.processing_medians.summary": ("缩短最多的是{program}：中位数从 {before} 个工作日降到 {after} 个工作日；"
                                         "共 {n} 个项目可比较。",
                                         "The largest saving is for {program}: median {before} → {after} working days; "
                                         "{n} programs can be compared."),
    "chart.processing_medians.days_saved": ("节省工作日", "Days saved"),
    "chart.processing_distribution.summary": ("办理时长中位数从改革前的 {before} 个工作日降至改革后的 {after} 个工作日"
                                              "（共 {n} 件已发放申请）。",
                                              "Median processing time fell from {before} working days before the "
                                              "reform to {after} after ({n} paid applications)."),
    "chart.processing_distribution.summary_hidden": ("各阶段的申请过少，分布未公开。",
                                                     "Too few applications in each period: no distribution is published."),
    "chart.processing_distribution.hidden": ("{what}：申请过少，未绘制（{mark}）",
                                             "{what}: too few applications, not drawn ({mark})"),
    "chart.processing_distribution.all_routes": ("全部", "All routes"),
    "chart.processing_distribution.lowerfence": ("下须", "Lower whisker"),
    "chart.processing_distribution.upperfence": ("上须", "Upper whisker"),
    "chart.processing_distribution.q1": ("下四分位", "Q1"),
    "chart.processing_distribution.median": ("中位数", "Median"),
    "chart.processing_distribution.q3": ("上四分位", "Q3"),
    "chart.processing_distribution.mean": ("平均", "Mean"),
    "chart.processing_routes.hover": ("{days} 个工作日，{n} 件", "{days} working days, {n} applications"),
    "chart.processing_routes.axis": ("中位数（工作日）", "Median working days"),
    "chart.processing_routes.summary": ("直接打入个人账户的办理时长中位数为 {direct} 个工作日，"
                                        "比经镇街转发少 {diff} 个工作日。",
                                        "Paying straight into the person's account takes a median {direct} working "
                                        "days, {diff} fewer than paying via the town."),
    "chart.processing_routes.median": ("中位数（工作日）", "Median (days)"),
    "chart.processing_routes.mean": ("平均（工作日）", "Mean (days)"),
    # trips and materials: the unit for one, for several, and as the table header
    "chart.trips.one": ("次", "trip"),
    "chart.trips.many": ("次", "trips"),
    "chart.trips.column": ("次", "Trips"),
    "chart.materials.one": ("份", "document"),
    "chart.materials.many": ("份", "documents"),
    "chart.materials.column": ("份", "Documents"),
    "chart.count_bars.summary": ("改革后 {n} 个项目中 {zero} 个需 0 {units}、{at_most_one} 个最多 1 {units}"
                                 "（改革前分别为 {zero_before} 个和 {at_most_one_before} 个）；各项目各办一次合计减少 "
                                 "{saved} {units}。",
                                 "After the reform {zero} of {n} programs need 0 {units} and {at_most_one} at most 1 "
                                 "(before: {zero_before} and {at_most_one_before}); {saved} {units} fewer across one "
                                 "application to every program."),
    "chart.count_bars.before": ("改革前项目数", "Programs before"),
    "chart.count_bars.after": ("改革后项目数", "Programs after"),

    # ---------------------------------------------------------------- census gaps
    "chart.gaps_overview.other_gaps": ("普查、名册或资格缺口", "Census, registry or eligibility gap"),
    "chart.gaps_overview.payment_gaps": ("不应发放而发放", "Payment that should not be made"),
    "chart.gaps_overview.hover": ("{persons} 人，{cases} 条，{amount} 元",
                                  "{persons} persons, {cases} cases, ¥{amount}"),
    "chart.gaps_overview.all_hidden": ("各类缺口涉及人数均较少，公开版中已隐去。",
                                       "Every gap involves few persons; the counts are hidden in the public edition."),
    "chart.gaps_overview.none": ("没有发现缺口。", "No gaps found."),
    "chart.gaps_overview.summary": ("{prefix}涉及人数最多的缺口是{gap}（{persons} 人）；"
                                    "不应发放而发放的金额合计 {money}。",
                                    "{prefix}the largest gap is {gap} ({persons} persons); payments that should not "
                                    "have been made total {money}."),
    "chart.gaps_overview.key": ("代码", "Key"),
    "chart.gaps_by_area.summary": ("{gap}：{top}涉及人数最多（{persons} 人，共 {total} 人，分布在 {n} 个{area}）。",
                                   "{gap}: {top} has the most persons ({persons} of {total}) across {n} {areas}."),
}
