-- grain: one row per payment of a program whose amount or tiers the project can check: a rule with a
--        share of the 低保 standard (living_subsidy) or tiers described by the tier_conditions seed
-- materialized: table
-- What a payment should have been, for the amount and tier checks (wrong_living_amount,
-- wrong_nursing_tier, tier_outside_age_band in int_payments) and the month check's re-tier list.
-- * The seed tier_conditions holds each tier's condition as data (one row per OR-branch): keyed by a
--   rule key (every program with that programs.rule: nursing_subsidy) or by a program_id (the demo
--   catalogue's rehab programs XM03/XM04/XM05/XM08/XM12); a program with rows of its own ignores its
--   rule key's rows. Only tiers the program has in program_tiers count. A program or tier absent
--   from the seed is not checked (NULLs here, never a case).
-- * judged_month: the month whose state decides the tier — the period for a monthly program; for an
--   annual / per-claim program the first period of the person's payments of that program in the year
--   (all claims of one person-program-year are one episode at one tier, chosen when it starts; the
--   simulator does the same). age_years = whole years on day 1 of judged_month; cert_status,
--   category, grade and nursing_level are the person's current values (METRICS.md).
-- * expected_tier: the one tier of the program whose condition the person meets in judged_month,
--   computed only when every tier of the program (program_tiers) has a condition in the seed; NULL when
--   none or several match (no tier can be named: no case).
-- * expected_amount / amount_basis: 'dibao_share' — the rule's share of the period year's 低保
--   standard, rounded to whole yuan (macro dibao_share_amount, the same definition as
--   int_eligibility_months' monthly_amount; NULL when the rule's branches disagree on the share);
--   'tier' — for a monthly program without such a share, program_tiers.amount of expected_tier (the
--   monthly standard). NULL otherwise (an annual / per-claim tier amount is a yearly cap, not a due
--   amount: see rehab_over_cap).
-- * tier_age_band / is_outside_age_band: for a payment whose recorded tier has an age bound in any of
--   its seed rows ('<=17', '>=18', '18-59'), true when age_years fits none of that tier's rows' bands
--   (only the age is judged here; the other conditions are the tier check's).
-- Cost: the conditions are evaluated once per distinct (program, recorded tier, cert_status, category,
-- grade, nursing_level, age) profile — a few thousand on any district — and joined back to the
-- payments, instead of once per payment and condition row (2.7 → 0.9 s on the demo's 300,000 payments).
with payments as not materialized (
    select payment_id, person_id, program_id, period, amount, tier from stg_payments
),

programs as (
    select * from stg_programs
),

persons as (
    select * from stg_persons
),

parameters as (
    select * from stg_parameters
),

program_tiers as (
    select * from stg_program_tiers
),

rules as (
    select * from eligibility_rules
),

conditions as (
    select * from tier_conditions
),

rule_shares as (
    select rule, min(amount_share_of_dibao) as share
    from rules
    where amount_share_of_dibao is not null
    group by rule
    having min(amount_share_of_dibao) = max(amount_share_of_dibao)
),

own_condition_programs as (
    select distinct program_id from conditions where program_id is not null
),

program_conditions as (
    select pr.program_id, c.tier, c.cert_statuses, c.categories, c.grades, c.nursing_levels,
           c.min_age_years, c.max_age_years
    from programs as pr
    inner join conditions as c
        on c.program_id = pr.program_id
        or (c.program_id is null and c.rule = pr.rule
            and pr.program_id not in (select program_id from own_condition_programs))
    inner join program_tiers as t on t.program_id = pr.program_id and t.tier = c.tier
),

described_programs as (
    select t.program_id
    from program_tiers as t
    left join (select distinct program_id, tier from program_conditions) as c using (program_id, tier)
    group by t.program_id
    having count(*) = count(c.tier)
),

checked as (
    select p.*, pr.cycle, pr.rule, s.share
    from payments as p
    inner join programs as pr using (program_id)
    left join rule_shares as s on s.rule = pr.rule
    where s.share is not null
        or p.program_id in (select distinct program_id from program_conditions)
),

judged as (
    select
        c.*,
        case
            when c.cycle = 'monthly' then c.period
            else min(c.period) over (partition by c.person_id, c.program_id, year(c.period))
        end as judged_month
    from checked as c
),

with_person as (
    select
        j.*,
        ps.cert_status,
        ps.category,
        ps.grade,
        ps.nursing_level,
        age_in_months(ps.birth_date, j.judged_month) // 12 as age_years
    from judged as j
    left join persons as ps using (person_id)
),

-- the conditions depend on the program, the recorded tier and the person's attributes and age only:
-- evaluated once per distinct profile (a few thousand on any district), not once per payment
profiles as (
    select distinct program_id, tier, cert_status, category, grade, nursing_level, age_years
    from with_person
),

-- every (profile, condition row) of the profile's program, with what the row admits
row_checks as (
    select
        f.*,
        c.tier as condition_tier,
        c.tier = f.tier as is_paid_tier,
        c.min_age_years is not null or c.max_age_years is not null as has_age_bound,
        coalesce(c.min_age_years, 0) <= f.age_years
            and f.age_years <= coalesce(c.max_age_years, 2147483647) as admits_age,
        coalesce(
            (c.cert_statuses is null or list_contains(string_split(c.cert_statuses, '|'), f.cert_status))
            and (c.categories is null or list_contains(string_split(c.categories, '|'), f.category))
            and (c.grades is null or list_contains(string_split(c.grades, '|'), f.grade::varchar))
            and (c.nursing_levels is null or list_contains(string_split(c.nursing_levels, '|'), f.nursing_level::varchar)),
            false
        ) as admits_person,
        case
            when c.min_age_years is not null and c.max_age_years is not null
                then c.min_age_years || '-' || c.max_age_years
            when c.min_age_years is not null then '>=' || c.min_age_years
            when c.max_age_years is not null then '<=' || c.max_age_years
        end as age_band_text
    from profiles as f
    inner join program_conditions as c on c.program_id = f.program_id
),

per_profile as (
    select
        program_id, tier, cert_status, category, grade, nursing_level, age_years,
        case
            when count(distinct condition_tier) filter (where admits_person and admits_age) = 1
                then min(condition_tier) filter (where admits_person and admits_age)
        end as matched_tier,
        bool_or(has_age_bound) filter (where is_paid_tier) as paid_tier_has_age_bound,
        coalesce(bool_or(admits_age) filter (where is_paid_tier), false) as paid_tier_admits_age,
        string_agg(distinct age_band_text, ', ' order by age_band_text) filter (where is_paid_tier) as tier_age_band
    from row_checks
    group by program_id, tier, cert_status, category, grade, nursing_level, age_years
),

final as (
    select
        w.payment_id,
        w.judged_month,
        w.age_years,
        case when w.program_id in (select program_id from described_programs) then x.matched_tier end
            as expected_tier,
        case
            when w.share is not null then dibao_share_amount(par.dibao_standard, w.share)
            when w.cycle = 'monthly' and w.program_id in (select program_id from described_programs)
                then t.amount
        end::decimal(14, 2) as expected_amount,
        case
            when w.share is not null then 'dibao_share'
            when w.cycle = 'monthly' and w.program_id in (select program_id from described_programs)
                and t.amount is not null then 'tier'
        end as amount_basis,
        x.tier_age_band,
        coalesce(x.paid_tier_has_age_bound and not x.paid_tier_admits_age and w.age_years is not null, false)
            as is_outside_age_band
    from with_person as w
    left join per_profile as x
        on x.program_id = w.program_id
        and x.tier is not distinct from w.tier
        and x.cert_status is not distinct from w.cert_status
        and x.category is not distinct from w.category
        and x.grade is not distinct from w.grade
        and x.nursing_level is not distinct from w.nursing_level
        and x.age_years is not distinct from w.age_years
    left join parameters as par on par.year = year(w.period)
    left join program_tiers as t
        on t.program_id = w.program_id
        and t.tier = x.matched_tier
        and w.program_id in (select program_id from described_programs)
)

select * from final
