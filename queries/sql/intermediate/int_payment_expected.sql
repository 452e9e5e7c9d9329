-- grain: one row per payment (every loaded payment); the expected columns are NULL where the program's
--        amount and tiers cannot be checked (no rule with a share of the 低保 standard such as
--        living_subsidy, no tiers described by the tier_conditions seed)
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
-- * the person's attributes the conditions read (and int_payments carries: town, village, sex, hukou,
--   birth_date) come along, so the payments meet stg_persons once.
-- Cost: a view, read by int_payments as its payments (one pass over the payments, no join of two
-- payment-sized tables on payment_id: the 18M-row table this was on 1,000,000 persons took 40 s CPU
-- and int_payments' join to it more). The conditions are evaluated on a small domain, not on the
-- payments: the matched tier once per (program, person attributes, age) for every combination of the
-- persons' distinct attributes (62 on 1,000,000 persons) and every age the periods and birth dates
-- allow; the paid tier's age bounds once per (program, tier) and (program, tier, age). The window of
-- judged_month runs only over the annual / per-claim payments that are checked.
with payments as not materialized (
    select * from stg_payments
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

with_program as not materialized (
    select
        p.*,
        pr.cycle,
        pr.rule,
        s.share,
        s.share is not null or p.program_id in (select program_id from program_conditions) as is_checked,
        p.program_id in (select program_id from described_programs) as is_described
    from payments as p
    left join programs as pr using (program_id)
    left join rule_shares as s on s.rule = pr.rule
),

judged as (
    select w.*, case when w.is_checked then w.period end as judged_month
    from with_program as w
    where w.cycle = 'monthly' or not w.is_checked
    union all
    select w.*, min(w.period) over (partition by w.person_id, w.program_id, year(w.period)) as judged_month
    from with_program as w
    where w.is_checked and w.cycle is distinct from 'monthly'
),

with_person as (
    select
        j.*,
        ps.town,
        ps.village,
        ps.sex,
        ps.hukou,
        ps.birth_date,
        ps.cert_status,
        ps.category,
        ps.grade,
        ps.nursing_level,
        age_in_months(ps.birth_date, j.judged_month) // 12 as age_years
    from judged as j
    left join persons as ps using (person_id)
),

-- every age a payment can be judged at: between the youngest person on the first period and the
-- oldest on the last
ages as (
    select unnest(range(
        (select age_in_months(max(birth_date), (select min(period) from payments)) // 12 from persons),
        (select age_in_months(min(birth_date), (select max(period) from payments)) // 12 from persons) + 1
    )) as age_years
),

person_profiles as (
    select distinct cert_status, category, grade, nursing_level from persons
),

-- the matched tier of a program for a person's attributes and age: the one tier whose condition rows
-- admit both (NULL when none or several)
matched as (
    select
        program_id, cert_status, category, grade, nursing_level, age_years,
        case when count(distinct tier) filter (where admits) = 1 then min(tier) filter (where admits) end
            as matched_tier
    from (
        select
            c.program_id, c.tier, f.cert_status, f.category, f.grade, f.nursing_level, a.age_years,
            coalesce(
                (c.cert_statuses is null or list_contains(string_split(c.cert_statuses, '|'), f.cert_status))
                and (c.categories is null or list_contains(string_split(c.categories, '|'), f.category))
                and (c.grades is null or list_contains(string_split(c.grades, '|'), f.grade::varchar))
                and (c.nursing_levels is null
                     or list_contains(string_split(c.nursing_levels, '|'), f.nursing_level::varchar)),
                false
            )
            and coalesce(c.min_age_years, 0) <= a.age_years
            and a.age_years <= coalesce(c.max_age_years, 2147483647) as admits
        from program_conditions as c
        cross join person_profiles as f
        cross join ages as a
    )
    group by program_id, cert_status, category, grade, nursing_level, age_years
),

-- the recorded tier's age bounds: whether any of its rows has one, and the bands in words
paid_tier_bands as (
    select
        program_id,
        tier,
        bool_or(min_age_years is not null or max_age_years is not null) as has_age_bound,
        string_agg(distinct
            case
                when min_age_years is not null and max_age_years is not null
                    then min_age_years || '-' || max_age_years
                when min_age_years is not null then '>=' || min_age_years
                when max_age_years is not null then '<=' || max_age_years
            end, ', ' order by
            case
                when min_age_years is not null and max_age_years is not null
                    then min_age_years || '-' || max_age_years
                when min_age_years is not null then '>=' || min_age_years
                when max_age_years is not null then '<=' || max_age_years
            end) as tier_age_band
    from program_conditions
    group by program_id, tier
),

-- whether one of the recorded tier's rows admits the age
paid_tier_ages as (
    select
        c.program_id,
        c.tier,
        a.age_years,
        bool_or(coalesce(c.min_age_years, 0) <= a.age_years
                and a.age_years <= coalesce(c.max_age_years, 2147483647)) as admits_age
    from program_conditions as c
    cross join ages as a
    group by c.program_id, c.tier, a.age_years
),

final as (
    select
        w.payment_id,
        w.person_id,
        w.program_id,
        w.application_id,
        w.period,
        w.paid_date,
        w.amount,
        w.tier,
        w.route,
        w.town,
        w.village,
        w.sex,
        w.hukou,
        w.birth_date,
        w.cert_status,
        w.category,
        w.grade,
        w.judged_month,
        case when w.is_checked then w.age_years end as age_years,
        case when w.is_described then x.matched_tier end as expected_tier,
        case
            when w.share is not null then dibao_share_amount(par.dibao_standard, w.share)
            when w.cycle = 'monthly' and w.is_described then t.amount
        end::decimal(14, 2) as expected_amount,
        case
            when w.share is not null then 'dibao_share'
            when w.cycle = 'monthly' and w.is_described and t.amount is not null then 'tier'
        end as amount_basis,
        b.tier_age_band,
        coalesce(b.has_age_bound and not coalesce(g.admits_age, false) and w.age_years is not null, false)
            as is_outside_age_band
    from with_person as w
    left join matched as x
        on x.program_id = w.program_id
        and x.cert_status is not distinct from w.cert_status
        and x.category is not distinct from w.category
        and x.grade is not distinct from w.grade
        and x.nursing_level is not distinct from w.nursing_level
        and x.age_years = w.age_years
    left join paid_tier_bands as b on b.program_id = w.program_id and b.tier = w.tier
    left join paid_tier_ages as g on g.program_id = w.program_id and g.tier = w.tier and g.age_years = w.age_years
    left join parameters as par on par.year = year(w.period)
    left join program_tiers as t
        on t.program_id = w.program_id
        and t.tier = x.matched_tier
        and w.is_described
)

select * from final
