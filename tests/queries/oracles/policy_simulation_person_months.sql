-- TEST ORACLE, not installed and not part of the product: queries/sql/api/policy_simulation.sql as it was
-- before the simulation read month masks (commit 01aac60 … b3055b3): every person-month of the rule as it
-- stands (int_eligibility_months), simulated (int_eligibility_months_of, the month-by-month SQL) and paid
-- (int_payments) in one union. tests/queries/test_policy_simulation.py checks that the mask formulation
-- gives the same frames on the demo district (it ran 39–76 s on 1,000,000 persons; scripts/benchmark.py).
-- grain: one row per (program of the simulated rule key, town, village, category) with an eligible or paid
--   person-month in the year, ordered by program_id, town, village, category
-- params: year, rule (required); branch, cert_statuses, requires_household, categories, grade_max,
--   grade_equals, min_age_months, max_age_months, share, dibao_standard, amount (optional: null = the
--   seed's value / no change); town, village, category (optional filters, null = all)
-- 政策测算: the rule as it stands (int_eligibility_months, the seed) against the rule with one row of the
-- seed changed or added (int_eligibility_months_of with the same bound values: the same month-by-month
-- SQL), for the programs whose rule key is $rule, in the year $year.
-- Take-up as today (the assumption the page and the export state):
-- * a person-month eligible under the simulated rule that is paid today stays paid;
-- * one eligible under both rules and not paid today stays unpaid (who does not claim today, does not);
-- * one eligible only under the simulated rule is paid with the program's take-up rate today: eligible
--   and paid person-months / eligible person-months of the year under the rule as it stands, over the whole
--   district (not the filtered cell), and likewise persons (persons paid / persons eligible).
-- Money of a paid person-month: the rule's monthly amount where the rule has one (living subsidy: the 低保
-- standard × share, rounded to whole yuan; $dibao_standard replaces the year's standard); otherwise the
-- amount of that month's payment (its first payment: a month paid twice counts once), and for a month not
-- paid today $amount, or without it the mean amount of the program's eligible paid months today.
-- cost_current / cost_simulated are these modelled costs; actual_spend is METRICS.md spend (every payment of
-- the programs for a period in the year, duplicates included) of the same cell.
with rule_programs as (
    select program_id, name, name_en
    from stg_programs
    where rule = $rule
),

current_months as (
    select e.person_id, e.program_id, e.month, e.monthly_amount
    from int_eligibility_months as e
    where e.year = $year
        and e.program_id in (select program_id from rule_programs)
),

simulated_months as materialized (
    select s.person_id, s.program_id, s.month, s.monthly_amount
    from int_eligibility_months_of(
        sim_rule := $rule, sim_branch := $branch, sim_cert_statuses := $cert_statuses,
        sim_requires_household := $requires_household, sim_categories := $categories,
        sim_grade_max := $grade_max, sim_grade_equals := $grade_equals,
        sim_min_age_months := $min_age_months, sim_max_age_months := $max_age_months, sim_share := $share,
        only_year := $year, sim_dibao_standard := $dibao_standard
    ) as s
),

payments as (
    select person_id, program_id, period as month, amount, payment_rank
    from int_payments
    where year = $year
        and program_id in (select program_id from rule_programs)
),

paid_months as (
    select person_id, program_id, month, amount as paid_amount
    from payments
    where payment_rank = 1
),

months as materialized (
    select
        person_id,
        program_id,
        month,
        bool_or(src = 'current') as is_current,
        bool_or(src = 'simulated') as is_simulated,
        bool_or(src = 'paid') as is_paid,
        max(amount) filter (where src = 'current') as amount_current,
        max(amount) filter (where src = 'simulated') as amount_simulated,
        max(amount) filter (where src = 'paid') as paid_amount
    from (
        select person_id, program_id, month, monthly_amount as amount, 'current' as src from current_months
        union all
        select person_id, program_id, month, monthly_amount, 'simulated' from simulated_months
        union all
        select person_id, program_id, month, paid_amount, 'paid' from paid_months
    )
    group by person_id, program_id, month
),

take_up as (
    select
        program_id,
        (count(*) filter (where is_current and is_paid))::double / nullif(count(*) filter (where is_current), 0)
            as takeup_months,
        (count(distinct person_id) filter (where is_current and is_paid))::double
            / nullif(count(distinct person_id) filter (where is_current), 0) as takeup_persons,
        avg(paid_amount) filter (where is_current and is_paid)::double as mean_paid_amount
    from months
    group by program_id
),

valued as (
    select
        m.*,
        case when m.is_paid then 1.0 when m.is_current then 0.0 else coalesce(t.takeup_months, 0.0) end
            as expected_paid,
        coalesce(m.amount_current, m.paid_amount)::double as value_current,
        coalesce(m.amount_simulated, m.paid_amount, $amount, t.mean_paid_amount, 0)::double as value_simulated
    from months as m
    left join take_up as t using (program_id)
),

persons_months as (
    select
        v.person_id,
        v.program_id,
        p.town,
        p.village,
        p.category,
        count(*) filter (where v.is_current) as months_eligible_current,
        count(*) filter (where v.is_simulated) as months_eligible_simulated,
        count(*) filter (where v.is_current and v.is_paid) as months_paid_current,
        sum(v.expected_paid) filter (where v.is_simulated) as months_paid_simulated,
        sum(v.value_current) filter (where v.is_current and v.is_paid) as cost_current,
        sum(v.expected_paid * v.value_simulated) filter (where v.is_simulated) as cost_simulated,
        bool_or(v.is_simulated and v.is_paid) as paid_simulated,
        bool_or(v.is_current) as was_eligible
    from valued as v
    inner join stg_persons as p using (person_id)
    where ($town is null or p.town = $town)
        and ($village is null or p.village = $village)
        and ($category is null or p.category = $category)
    group by v.person_id, v.program_id, p.town, p.village, p.category
),

per_person as (
    select
        m.*,
        case
            when m.months_eligible_simulated = 0 then 0.0
            when m.paid_simulated then 1.0
            when m.was_eligible then 0.0
            else coalesce(t.takeup_persons, 0.0)
        end as expected_person_paid
    from persons_months as m
    left join take_up as t using (program_id)
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
        coalesce(sum(months_paid_simulated), 0) as person_months_paid_simulated,
        coalesce(sum(cost_current), 0) as cost_current,
        coalesce(sum(cost_simulated), 0) as cost_simulated
    from per_person
    group by program_id, town, village, category
),

spend as (
    select p.program_id, s.town, s.village, s.category, sum(p.amount)::double as actual_spend
    from payments as p
    inner join stg_persons as s using (person_id)
    where ($town is null or s.town = $town)
        and ($village is null or s.village = $village)
        and ($category is null or s.category = $category)
    group by p.program_id, s.town, s.village, s.category
),

final as (
    select
        coalesce(c.program_id, s.program_id) as program_id,
        coalesce(c.town, s.town) as town,
        coalesce(c.village, s.village) as village,
        coalesce(c.category, s.category) as category,
        coalesce(c.persons_eligible_current, 0)::bigint as persons_eligible_current,
        coalesce(c.persons_eligible_simulated, 0)::bigint as persons_eligible_simulated,
        coalesce(c.persons_paid_current, 0)::bigint as persons_paid_current,
        coalesce(c.persons_paid_simulated, 0)::double as persons_paid_simulated,
        coalesce(c.person_months_eligible_current, 0)::bigint as person_months_eligible_current,
        coalesce(c.person_months_eligible_simulated, 0)::bigint as person_months_eligible_simulated,
        coalesce(c.person_months_paid_current, 0)::bigint as person_months_paid_current,
        coalesce(c.person_months_paid_simulated, 0)::double as person_months_paid_simulated,
        coalesce(c.cost_current, 0)::double as cost_current,
        coalesce(c.cost_simulated, 0)::double as cost_simulated,
        coalesce(s.actual_spend, 0)::double as actual_spend,
        t.takeup_months,
        t.takeup_persons
    from cells as c
    full outer join spend as s
        on s.program_id = c.program_id
        and s.town is not distinct from c.town
        and s.village is not distinct from c.village
        and s.category is not distinct from c.category
    left join take_up as t on t.program_id = coalesce(c.program_id, s.program_id)
)

select * from final order by program_id, town, village, category
