-- grain: one row per (month M, case) that the month's check (每月核查, "不早也不晚") lists for M:
--        check 'stop' (停发), 'start' (启动发放) or 'retier' (调档/核定金额) of a monthly program's case
-- materialized: table
-- The seed's monthly control ("每月及时…获取…死亡人员等信息…同步启动或取消补贴发放") for the monthly
-- programs whose rule the seed knows (cycle monthly, programs.rule in eligibility_rules: the living and
-- the nursing subsidy). Eligibility is int_eligibility_months (METRICS.md: state on day 1 of M; an event
-- dated in M takes effect from M+1). "Paid in M" = a payment whose period is M; money counts the first
-- payment of each (person, program, period) only: the later ones are duplicate_payment cases of their own.
-- * stop: M is not an eligible month and the person is on the program's payroll in M or in M−1 (paid
--   for M, or for M−1 and so due to be paid for M). One case per run of ineligible months: the case
--   starts at run_start = the month after the last eligible month before M (or the first paid month when
--   the person was never eligible before M), so a death that went on being paid for three months is one
--   case listed in each of those months. reason = why the state no longer allows it at run_start, the
--   first that holds of: death, moved_out, cert_revoked (the certificate's latest state is a
--   revocation), no_certificate (not 持证 or not yet issued), household (living subsidy: neither 低保 nor
--   低边), outside_rule (alive, certified, in the district, but the category/grade/age is outside the
--   rule). since = the date of that event where the data has one (death, move, revocation, the 低保/低边
--   end), else NULL. amount_yuan = the money paid for M (NULL when M is not paid yet: stop it before
--   the payroll runs); months = M − run_start + 1.
-- * start: M is an eligible month with no payment for M. One case per run of consecutive eligible,
--   unpaid months (run_start = its first month; months = months waited up to and including M).
--   amount_yuan = the monthly amount owed for M where the rule states one (the living subsidy's 30% of
--   the 低保 standard; NULL for the nursing subsidy, whose amount is its tier's).
-- * retier: M is an eligible, paid month whose first payment's amount or tier differs from what the rule
--   and the person's state give: int_payments.is_wrong_living_amount / is_wrong_nursing_tier, the
--   definition of the gaps wrong_living_amount and wrong_nursing_tier (reason 'tier' when the recorded
--   tier is not int_payments.expected_tier, 'amount' otherwise). One case per run of consecutive such months;
--   amount_yuan = paid − expected for M (positive: overpaid, to recover; negative: underpaid, to pay).
-- case_key = check:program_id:person_id:YYYY-MM of run_start: built from the federation's own IDs, so
-- the same case has the same key after every load and the follow-up kept in the operational database
-- finds it again (access.cases).
with programs as (
    select program_id, rule
    from stg_programs
    where cycle = 'monthly'
        and rule in (select rule from eligibility_rules)
),

data_range as (
    select * from int_data_range
),

persons as (
    select * from stg_persons
),

person_months as (
    select * from int_person_months
),

segments as (
    select * from int_person_segments
),

person_dates as (
    select * from int_person_dates
),

targeting as (
    select * from mart_targeting
),

-- The (person, program) pairs that can have a case; every other pair's eligible months are exactly its
-- paid months and its payroll months, so the month-by-month work below reads only these (a few percent
-- of the 18M eligible and 18M paid person-months of a 1,000,000-person district). From the year masks
-- of mart_targeting (E, R: the same eligible and paid months as here): a start is a month of E \ R; a
-- stop a month of R or R shifted one month on (December into the next January) outside E; a re-tier a
-- first payment flagged wrong.
candidate_years as (
    select
        person_id,
        program_id,
        year,
        eligible_mask,
        paid_mask,
        lead(year) over (partition by person_id, program_id order by year) as next_year,
        lead(eligible_mask) over (partition by person_id, program_id order by year) as next_eligible_mask
    from targeting
),

candidates as (
    select distinct person_id, program_id
    from candidate_years
    where (eligible_mask & ~paid_mask) <> 0
        or ((paid_mask | (paid_mask << 1)) & ~eligible_mask & 4095) <> 0
        or ((paid_mask & 2048) <> 0
            and year < (select last_year from data_range)
            and not coalesce(next_year = year + 1 and (next_eligible_mask & 1) <> 0, false))
    union
    select person_id, program_id
    from int_payments
    where (is_wrong_living_amount or is_wrong_nursing_tier)
        and payment_rank = 1
),

first_payments as (
    select p.*
    from int_payments as p
    semi join candidates as c using (person_id, program_id)
    where p.program_id in (select program_id from programs)
        and p.payment_rank = 1
        and p.period between (select first_month from data_range) and (select last_month from data_range)
),

paid as (
    select
        person_id,
        program_id,
        period as month,
        amount,
        tier,
        expected_amount,
        expected_tier,
        is_wrong_living_amount,
        is_wrong_nursing_tier
    from first_payments
),

eligible as (
    select
        person_id,
        program_id,
        month,
        monthly_amount
    from int_eligibility_months
    semi join candidates using (person_id, program_id)
    where program_id in (select program_id from programs)
),

-- ---------------------------------------------------------------- stop
payroll_months as (
    select person_id, program_id, month from paid
    union
    select person_id, program_id, (month + interval 1 month)::date as month from paid
),

stop_months as (
    select c.person_id, c.program_id, c.month
    from payroll_months as c
    anti join eligible as e using (person_id, program_id, month)
    where c.month <= (select last_month from data_range)
),

first_paid as (
    select person_id, program_id, min(month) as first_paid_month
    from paid
    group by person_id, program_id
),

stop_runs as (
    select
        s.person_id,
        s.program_id,
        s.month,
        coalesce((e.month + interval 1 month)::date, f.first_paid_month) as run_start
    from stop_months as s
    asof left join eligible as e
        on s.person_id = e.person_id
        and s.program_id = e.program_id
        and s.month > e.month
    left join first_paid as f
        on f.person_id = s.person_id
        and f.program_id = s.program_id
),

stop_reasons as (
    select
        r.person_id,
        r.program_id,
        r.month,
        r.run_start,
        case
            when pm.person_id is null then 'outside_rule'
            when not pm.alive then 'death'
            when pm.moved_out then 'moved_out'
            when pm.cert_revoked then 'cert_revoked'
            when not pm.cert_valid then 'no_certificate'
            when pr.rule in (select rule from eligibility_rules where requires_household is not null)
                and not (pm.dibao or pm.dibian) then 'household'
            else 'outside_rule'
        end as reason
    from stop_runs as r
    left join programs as pr using (program_id)
    left join person_months as pm
        on pm.person_id = r.person_id
        and pm.month = r.run_start
),

stop_cases as (
    select
        'stop' as "check",
        s.person_id,
        s.program_id,
        s.month,
        s.run_start,
        s.reason,
        case s.reason
            when 'death' then d.death_date
            when 'moved_out' then d.moved_out_date
            when 'cert_revoked' then g.cert_event_date
            when 'household' then household_end_date(g.dibao_event, g.dibao_event_date, g.dibian_event,
                                                     g.dibian_event_date)
        end::date as since,
        p.amount as amount_yuan
    from stop_reasons as s
    left join paid as p using (person_id, program_id, month)
    left join person_dates as d using (person_id)
    left join segments as g
        on g.person_id = s.person_id
        and s.run_start >= g.from_month
        and s.run_start < g.to_month
),

-- ---------------------------------------------------------------- start
unpaid as (
    select
        e.person_id,
        e.program_id,
        e.month,
        e.monthly_amount,
        (year(e.month) * 12 + month(e.month))
            - row_number() over (partition by e.person_id, e.program_id order by e.month) as island
    from eligible as e
    anti join paid as p using (person_id, program_id, month)
),

start_cases as (
    select
        'start' as "check",
        person_id,
        program_id,
        month,
        min(month) over (partition by person_id, program_id, island) as run_start,
        'unpaid' as reason,
        null::date as since,
        monthly_amount as amount_yuan
    from unpaid
),

-- ---------------------------------------------------------------- retier
wrong as (
    select
        p.person_id,
        p.program_id,
        p.month,
        p.amount - p.expected_amount as difference,
        case when p.is_wrong_nursing_tier and p.tier is distinct from p.expected_tier then 'tier' else 'amount' end
            as reason,
        (year(p.month) * 12 + month(p.month))
            - row_number() over (partition by p.person_id, p.program_id order by p.month) as island
    from paid as p
    semi join eligible as e using (person_id, program_id, month)
    where p.is_wrong_living_amount or p.is_wrong_nursing_tier
),

retier_cases as (
    select
        'retier' as "check",
        person_id,
        program_id,
        month,
        min(month) over (partition by person_id, program_id, island) as run_start,
        reason,
        null::date as since,
        difference as amount_yuan
    from wrong
),

cases as (
    select * from stop_cases
    union all by name
    select * from start_cases
    union all by name
    select * from retier_cases
),

final as (
    select
        c.month,
        c."check",
        c."check" || ':' || c.program_id || ':' || c.person_id || ':' || strftime(c.run_start, '%Y-%m') as case_key,
        c.person_id,
        mask_id(p.id_number) as id_number_masked,
        mask_name(p.name) as name_masked,
        p.town,
        p.village,
        p.category,
        p.grade,
        c.program_id,
        c.run_start,
        ((year(c.month) - year(c.run_start)) * 12 + month(c.month) - month(c.run_start) + 1)::integer as months,
        c.reason,
        c.since,
        c.amount_yuan::decimal(14, 2) as amount_yuan
    from cases as c
    left join persons as p using (person_id)
)

select * from final
