-- grain: one row per person per program per month in which the person is eligible
-- materialized: macro
-- params: sim_rule, sim_branch, sim_cert_statuses, sim_requires_household, sim_categories, sim_grade_max,
--   sim_grade_equals, sim_min_age_months, sim_max_age_months, sim_share, only_year, sim_dibao_standard
-- A table macro: with no argument the rule seed as it stands (int_eligibility_months materialises that
-- call, reading the materialised int_rule_months); with sim_rule the rule months of the simulated rule
-- key (int_rule_months_of with the changed row) and only the programs of that key; sim_dibao_standard
-- replaces the 低保 standard of every year (a simulation asks for one year, only_year).
-- Eligibility of a program = the OR of the branches of its rule key (programs.rule → seed
-- eligibility_rules). Programs with an empty rule, or a rule key the seed does not know, have no
-- eligibility rows (METRICS.md: "Programs without a rule have no eligibility figures, only spend").
-- monthly_amount: for rules with amount_share_of_dibao (living_subsidy: 30%), the year's 低保 standard ×
-- share, rounded to whole yuan (macro dibao_share_amount, sql/macros/money.sql, which a payment's
-- expected amount in int_payment_expected uses too); NULL otherwise (the nursing subsidy's amount is its
-- tier's, see int_payment_expected and the tier_conditions seed).
-- branches: the rule branches met that month, '|'-separated (why the person is eligible).
-- The branches met are aggregated as a bit mask (one bit per branch of the rule, in branch order) and
-- spelled out once per distinct (rule, mask) afterwards: a fixed-size aggregate state instead of a
-- list per person-month (18M groups on a 1,000,000-person district). install.validate_rules keeps a
-- rule under 63 branches.
with rule_months as (
    select * from int_rule_months
    where sim_rule is null
        and (only_year is null or year = only_year)
    union all
    select *
    from int_rule_months_of(
        sim_rule := sim_rule, sim_branch := sim_branch, sim_cert_statuses := sim_cert_statuses,
        sim_requires_household := sim_requires_household, sim_categories := sim_categories,
        sim_grade_max := sim_grade_max, sim_grade_equals := sim_grade_equals,
        sim_min_age_months := sim_min_age_months, sim_max_age_months := sim_max_age_months, sim_share := sim_share,
        only_year := only_year
    )
    where sim_rule is not null
),

programs as (
    select * from stg_programs
),

parameters as (
    select * from stg_parameters
),

rules as (
    select
        rule,
        branch,
        amount_share_of_dibao,
        (1::bigint << (row_number() over (partition by rule order by branch) - 1)::integer) as branch_bit
    from int_eligibility_rules_of(
        sim_rule := sim_rule, sim_branch := sim_branch, sim_cert_statuses := sim_cert_statuses,
        sim_requires_household := sim_requires_household, sim_categories := sim_categories,
        sim_grade_max := sim_grade_max, sim_grade_equals := sim_grade_equals,
        sim_min_age_months := sim_min_age_months, sim_max_age_months := sim_max_age_months, sim_share := sim_share
    )
),

joined as (
    select
        m.person_id,
        pr.program_id,
        pr.rule,
        m.month,
        m.year,
        r.branch_bit,
        dibao_share_amount(coalesce(sim_dibao_standard::decimal(14, 2), par.dibao_standard), r.amount_share_of_dibao)
            as monthly_amount
    from rule_months as m
    inner join programs as pr on pr.rule = m.rule
    inner join rules as r on r.rule = m.rule and r.branch = m.branch
    left join parameters as par on par.year = m.year
),

grouped as (
    select
        person_id,
        program_id,
        month,
        any_value(rule) as rule,
        any_value(year) as year,
        bit_or(branch_bit) as branch_mask,
        max(monthly_amount)::decimal(14, 2) as monthly_amount
    from joined
    group by person_id, program_id, month
),

branch_names as (
    select
        m.rule,
        m.branch_mask,
        array_to_string(list_sort(list(r.branch)), '|') as branches
    from (select distinct rule, branch_mask from grouped) as m
    inner join rules as r
        on r.rule = m.rule
        and (m.branch_mask & r.branch_bit) <> 0
    group by m.rule, m.branch_mask
),

final as (
    select
        g.person_id,
        g.program_id,
        g.month,
        g.year,
        b.branches,
        g.monthly_amount
    from grouped as g
    inner join branch_names as b on b.rule = g.rule and b.branch_mask = g.branch_mask
)

select * from final
