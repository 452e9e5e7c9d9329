-- grain: one row per person per program per month in which the person is eligible
-- materialized: table
-- Eligibility of a program = the OR of the branches of its rule key (programs.rule → seed
-- eligibility_rules). Programs with an empty rule, or a rule key the seed does not know, have no
-- eligibility rows (METRICS.md: "Programs without a rule have no eligibility figures, only spend").
-- monthly_amount: for rules with amount_share_of_dibao (living_subsidy: 30%), the year's 低保 standard ×
-- share, rounded to whole yuan (half away from zero, exact decimal arithmetic); NULL otherwise (the
-- nursing tier depends on program_tiers conditions held as free text).
-- branches: the rule branches met that month, '|'-separated (why the person is eligible).
with rule_months as (
    select * from int_rule_months
),

programs as (
    select * from stg_programs
),

parameters as (
    select * from stg_parameters
),

rules as (
    select rule, branch, amount_share_of_dibao from eligibility_rules
),

joined as (
    select
        m.person_id,
        pr.program_id,
        m.month,
        m.year,
        m.branch,
        round(par.dibao_standard * r.amount_share_of_dibao::decimal(6, 4), 0) as monthly_amount
    from rule_months as m
    inner join programs as pr on pr.rule = m.rule
    inner join rules as r on r.rule = m.rule and r.branch = m.branch
    left join parameters as par on par.year = m.year
),

final as (
    select
        person_id,
        program_id,
        month,
        any_value(year) as year,
        array_to_string(list_sort(list(branch)), '|') as branches,
        max(monthly_amount)::decimal(14, 2) as monthly_amount
    from joined
    group by person_id, program_id, month
)

select * from final
