-- grain: one row per (program of the simulated rule key, person) eligible under the rule as it stands or
--   as simulated, or paid by the program in the year, within the person filters
-- materialized: macro
-- params: ps_year, ps_rule, ps_branch, ps_cert_statuses, ps_requires_household, ps_categories, ps_grade_max,
--   ps_grade_equals, ps_min_age_months, ps_max_age_months, ps_share, ps_dibao_standard, ps_amount, ps_town,
--   ps_village, ps_category
-- The one definition of a policy simulation's persons (policy_simulation counts these rows,
-- policy_simulation_people lists them): the rule as it stands (the seed) against the rule with one row
-- of the seed changed or added (int_eligibility_rules_of with the bound values), for the programs whose
-- rule key is ps_rule, in the year ps_year. Eligibility is the month-by-month SQL of the seed
-- (int_rule_months_of): each branch's months per person as a 12-bit mask (int_rule_branch_years), a row
-- whose conditions changed evaluated again by int_rule_months_of (only_changed), the months of the rule =
-- the OR of its branches' masks (as int_eligibility_months_of ORs the branches met in a month), payments
-- per person and month (int_rule_paid_years).
-- Take-up as today (the assumption the page and the export state):
-- * a person-month eligible under the simulated rule that is paid today stays paid;
-- * one eligible under both rules and not paid today stays unpaid (who does not claim today, does not);
-- * one eligible only under the simulated rule is paid with the program's take-up rate today: eligible
--   and paid person-months / eligible person-months of the year under the rule as it stands, over the whole
--   district (not the filtered persons), and likewise persons (persons paid / persons eligible): a person
--   eligible only under the simulated rule counts as that rate of a person paid (expected_person_paid).
-- Money of a paid person-month: the rule's monthly amount where the rule has one (living subsidy: the 低保
-- standard × share, rounded to whole yuan, the largest of the branches met that month; ps_dibao_standard
-- replaces the year's standard); otherwise the amount of that month's payment (its first payment: a month
-- paid twice counts once), and for a month not paid today ps_amount, or without it the mean amount of the
-- program's eligible paid months today. Sums in exact decimals.
-- outcome: gained (eligible only as simulated), lost (only as it stands), kept (under both), outside (under
-- neither: paid today all the same; their money is actual spend only). spend: METRICS.md spend of the
-- program for the person (every payment for a period in the year, duplicates included).
-- Called with no argument: no rule, no row.
with rule_programs as (
    select program_id
    from stg_programs
    where rule = ps_rule
),

standard as (
    select dibao_standard
    from stg_parameters
    where year = ps_year
),

-- the rule key's branches as they stand and with the row changed or added; each branch's monthly amount
-- (NULL without a share of the 低保 standard); evaluated: a simulated row whose conditions changed
branches as (
    select
        'current' as side,
        r.branch,
        false as evaluated,
        dibao_share_amount((select dibao_standard from standard), r.amount_share_of_dibao)::decimal(14, 2)
            as amount
    from int_eligibility_rules_of() as r
    where r.rule = ps_rule
    union all
    select
        'simulated' as side,
        r.branch,
        r.conditions_changed as evaluated,
        dibao_share_amount(
            coalesce(ps_dibao_standard::decimal(14, 2), (select dibao_standard from standard)), r.amount_share_of_dibao
        )::decimal(14, 2) as amount
    from int_eligibility_rules_of(
        sim_rule := ps_rule, sim_branch := ps_branch, sim_cert_statuses := ps_cert_statuses,
        sim_requires_household := ps_requires_household, sim_categories := ps_categories,
        sim_grade_max := ps_grade_max, sim_grade_equals := ps_grade_equals,
        sim_min_age_months := ps_min_age_months, sim_max_age_months := ps_max_age_months, sim_share := ps_share
    ) as r
    where r.rule = ps_rule
),

seed_masks as (
    select b.branch, b.person_id, b.month_mask
    from int_rule_branch_years as b
    where b.year = ps_year and b.rule = ps_rule
),

changed_masks as (
    select m.branch, m.person_id, bit_or(1 << (month(m.month) - 1))::integer as month_mask
    from int_rule_months_of(
        sim_rule := ps_rule, sim_branch := ps_branch, sim_cert_statuses := ps_cert_statuses,
        sim_requires_household := ps_requires_household, sim_categories := ps_categories,
        sim_grade_max := ps_grade_max, sim_grade_equals := ps_grade_equals,
        sim_min_age_months := ps_min_age_months, sim_max_age_months := ps_max_age_months, sim_share := ps_share,
        only_year := ps_year, only_changed := true
    ) as m
    group by m.branch, m.person_id
),

branch_masks as (
    select 'current' as side, branch, person_id, month_mask from seed_masks
    union all
    select 'simulated' as side, branch, person_id, month_mask
    from seed_masks
    where branch not in (select branch from branches where side = 'simulated' and evaluated)
    union all
    select 'simulated' as side, branch, person_id, month_mask from changed_masks
),

-- per person and side: the months eligible (OR of the branches) and each month's amount (the largest of
-- the branches met that month)
eligible as (
    select
        m.side,
        m.person_id,
        bit_or(m.month_mask) as month_mask,
        list(struct_pack(mask := m.month_mask, amount := b.amount)) filter (where b.amount is not null) as levels
    from branch_masks as m
    inner join branches as b on b.side = m.side and b.branch = m.branch
    group by m.side, m.person_id
),

eligible_persons as (
    select
        person_id,
        coalesce(max(month_mask) filter (where side = 'current'), 0) as c_mask,
        coalesce(max(month_mask) filter (where side = 'simulated'), 0) as s_mask,
        any_value(levels) filter (where side = 'current') as c_levels,
        any_value(levels) filter (where side = 'simulated') as s_levels
    from eligible
    group by person_id
),

eligible_programs as (
    select
        r.program_id,
        e.person_id,
        e.c_mask,
        e.s_mask,
        month_amounts(e.c_levels) as c_amounts,
        month_amounts(e.s_levels) as s_amounts
    from eligible_persons as e
    cross join rule_programs as r
),

paid as (
    select program_id, person_id, paid_mask, paid_amounts, spend
    from int_rule_paid_years
    where year = ps_year
        and program_id in (select program_id from rule_programs)
),

-- one row per (program, person) eligible under either rule or paid: c, s, p = the month masks eligible as
-- it stands, eligible simulated, paid
joined as materialized (
    select
        coalesce(e.program_id, p.program_id) as program_id,
        coalesce(e.person_id, p.person_id) as person_id,
        coalesce(e.c_mask, 0) as c,
        coalesce(e.s_mask, 0) as s,
        coalesce(p.paid_mask, 0) as p,
        e.c_amounts,
        e.s_amounts,
        p.paid_amounts,
        coalesce(p.spend, 0) as spend
    from eligible_programs as e
    full outer join paid as p on p.program_id = e.program_id and p.person_id = e.person_id
),

take_up as (
    select
        program_id,
        sum(bit_count(c & p))::double / nullif(sum(bit_count(c)), 0) as takeup_months,
        (count(*) filter (where c & p <> 0))::double / nullif(count(*) filter (where c <> 0), 0) as takeup_persons,
        sum(mask_sum(c & p, paid_amounts, null))::double / nullif(sum(bit_count(c & p)), 0) as mean_paid_amount
    from joined
    group by program_id
),

persons_months as (
    select
        j.person_id,
        j.program_id,
        p.town,
        p.village,
        p.category,
        bit_count(j.c) as months_eligible_current,
        bit_count(j.s) as months_eligible_simulated,
        bit_count(j.c & j.p) as months_paid_current,
        bit_count(j.s & j.p) as months_paid_kept,
        -- months newly eligible and unpaid: paid at the take-up rate
        j.s & ~j.c & ~j.p as new_mask,
        mask_sum(j.c & j.p, j.c_amounts, j.paid_amounts) as cost_current,
        mask_sum(j.s & j.p, j.s_amounts, j.paid_amounts) as cost_simulated_paid,
        j.s & j.p <> 0 as paid_simulated,
        j.c <> 0 as was_eligible,
        j.s_amounts,
        j.spend
    from joined as j
    inner join stg_persons as p using (person_id)
    where (ps_town is null or p.town = ps_town)
        and (ps_village is null or p.village = ps_village)
        and (ps_category is null or p.category = ps_category)
),

per_person as (
    select
        m.*,
        coalesce(t.takeup_months, 0.0) as rate,
        coalesce(mask_sum(m.new_mask, m.s_amounts, null), 0)
            + mask_nulls(m.new_mask, m.s_amounts) * coalesce(ps_amount::decimal(14, 2), t.mean_paid_amount, 0)
            as value_new,
        case
            when m.months_eligible_simulated = 0 then 0.0
            when m.paid_simulated then 1.0
            when m.was_eligible then 0.0
            else coalesce(t.takeup_persons, 0.0)
        end as expected_person_paid
    from persons_months as m
    left join take_up as t using (program_id)
),

final as (
    select
        p.*,
        case
            when p.months_eligible_simulated > 0 and not p.was_eligible then 'gained'
            when p.months_eligible_simulated = 0 and p.was_eligible then 'lost'
            when p.was_eligible then 'kept'
            else 'outside'
        end as outcome,
        p.months_paid_kept + p.rate * bit_count(p.new_mask) as months_paid_simulated,
        coalesce(p.cost_simulated_paid, 0) + p.rate * p.value_new as cost_simulated,
        t.takeup_months,
        t.takeup_persons
    from per_person as p
    left join take_up as t using (program_id)
)

select * from final
