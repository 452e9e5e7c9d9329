-- grain: one row per (program of the simulated rule key, town, village, category) with an eligible or paid
--   person-month in the year, ordered by program_id, town, village, category
-- params: year, rule (required); branch, cert_statuses, requires_household, categories, grade_max,
--   grade_equals, min_age_months, max_age_months, share, dibao_standard, amount (optional: null = the
--   seed's value / no change); town, village, category (optional filters, null = all)
-- 政策测算: the rule as it stands (the seed) against the rule with one row of the seed changed or added, for
-- the programs whose rule key is $rule, in the year $year: the rows of the table macro
-- mart_policy_simulation_of (its header states the month-by-month evaluation, the take-up-as-today
-- assumption and the money of a month), one per (program, person), summed per cell;
-- policy_simulation_people lists the same rows, so a count and its list cannot differ.
-- cost_current / cost_simulated are the modelled costs; actual_spend is METRICS.md spend (every payment of
-- the programs for a period in the year, duplicates included) of the same cell.
with persons as (
    select s.*
    from mart_policy_simulation_of(
        ps_year := $year, ps_rule := $rule, ps_branch := $branch, ps_cert_statuses := $cert_statuses,
        ps_requires_household := $requires_household, ps_categories := $categories, ps_grade_max := $grade_max,
        ps_grade_equals := $grade_equals, ps_min_age_months := $min_age_months,
        ps_max_age_months := $max_age_months, ps_share := $share, ps_dibao_standard := $dibao_standard,
        ps_amount := $amount, ps_town := $town, ps_village := $village, ps_category := $category
    ) as s
),

cells as (
    select
        program_id,
        town,
        village,
        category,
        count(*) filter (where months_eligible_current > 0) as persons_eligible_current,
        count(*) filter (where months_eligible_simulated > 0) as persons_eligible_simulated,
        count(*) filter (where months_paid_current > 0) as persons_paid_current,
        sum(expected_person_paid) as persons_paid_simulated,
        sum(months_eligible_current) as person_months_eligible_current,
        sum(months_eligible_simulated) as person_months_eligible_simulated,
        sum(months_paid_current) as person_months_paid_current,
        sum(months_paid_simulated) as person_months_paid_simulated,
        coalesce(sum(cost_current), 0) as cost_current,
        coalesce(sum(cost_simulated), 0) as cost_simulated,
        sum(spend) as actual_spend,
        any_value(takeup_months) as takeup_months,
        any_value(takeup_persons) as takeup_persons
    from persons
    group by program_id, town, village, category
),

final as (
    select
        c.program_id,
        c.town,
        c.village,
        c.category,
        c.persons_eligible_current::bigint as persons_eligible_current,
        c.persons_eligible_simulated::bigint as persons_eligible_simulated,
        c.persons_paid_current::bigint as persons_paid_current,
        c.persons_paid_simulated::double as persons_paid_simulated,
        c.person_months_eligible_current::bigint as person_months_eligible_current,
        c.person_months_eligible_simulated::bigint as person_months_eligible_simulated,
        c.person_months_paid_current::bigint as person_months_paid_current,
        c.person_months_paid_simulated::double as person_months_paid_simulated,
        c.cost_current::double as cost_current,
        c.cost_simulated::double as cost_simulated,
        c.actual_spend::double as actual_spend,
        c.takeup_months,
        c.takeup_persons
    from cells as c
)

select * from final order by program_id, town, village, category
