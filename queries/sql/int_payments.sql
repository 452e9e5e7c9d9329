-- grain: one row per payment (every loaded payment, whatever its period)
-- materialized: table
-- Payment facts: the payment, its program, the person's current attributes, and the person's state in
-- the payment's period month (state on day 1 of the period; events take effect the month after their
-- date), computed straight from the events so that periods outside the data range work too.
-- * year = year of the period (METRICS.md: spend and 人次 of a year are by period, not paid_date).
-- * age_band: whole years on 1 January of that year (ARCHITECTURE.md: "of January for a yearly
--   figure"): 0-6, 7-17, 18-59, 60+.
-- * is_paid_after_death: a death has taken effect in the period (death 2020-03-20 → periods from
--   2020-04 on). All programs.
-- * is_paid_after_dibao_end: the program's rule requires a 低保/低边 household (living_subsidy, read
--   from the rule seed) and in the period the household is neither 低保 nor 低边 — literally
--   METRICS.md's condition, so a payment before any 低保 start counts as well.
-- * is_paid_after_revocation: the certificate's latest state in the period is a revocation that has
--   taken effect (a re-issue ends the condition). All programs.
-- * payment_rank / is_duplicate: order among payments of the same (person, program, period) by
--   paid_date then payment_id; every payment beyond the first is a duplicate (METRICS.md). For yearly
--   programs the key is the period month as recorded (the contract's period).
-- *_since: the date the condition started (death date, the 低保/低边 end, the revocation, the first
--   payment's paid_date) for the caseworker list.
with payments as (
    select * from stg_payments
),

programs as (
    select * from stg_programs
),

persons as (
    select * from stg_persons
),

person_dates as (
    select * from int_person_dates
),

state_events as (
    select * from int_state_events
),

household_rules as (
    select distinct rule
    from eligibility_rules
    where requires_household is not null
),

cert_states as (
    select person_id, effect_month, next_effect_month, is_on, deciding_event, deciding_date
    from state_events
    where attribute = 'cert'
),

dibao_states as (
    select person_id, effect_month, next_effect_month, is_on, deciding_event, deciding_date
    from state_events
    where attribute = 'dibao'
),

dibian_states as (
    select person_id, effect_month, next_effect_month, is_on, deciding_event, deciding_date
    from state_events
    where attribute = 'dibian'
),

duplicate_groups as (
    -- only (person, program, period) keys paid more than once need ranking: a hash aggregate over all
    -- payments is far cheaper than a window sorted over every payment on a large district
    select
        person_id,
        program_id,
        period,
        min(paid_date) as first_paid_date_in_period
    from payments
    group by person_id, program_id, period
    having count(*) > 1
),

duplicate_ranks as (
    select
        p.payment_id,
        g.first_paid_date_in_period,
        row_number() over (
            partition by p.person_id, p.program_id, p.period
            order by p.paid_date, p.payment_id
        ) as payment_rank
    from payments as p
    inner join duplicate_groups as g using (person_id, program_id, period)
),

ranked as (
    select
        p.*,
        coalesce(r.payment_rank, 1) as payment_rank,
        coalesce(r.first_paid_date_in_period, p.paid_date) as first_paid_date_in_period
    from payments as p
    left join duplicate_ranks as r using (payment_id)
),

with_cert as (
    select
        r.*,
        c.is_on as cert_on,
        c.deciding_event as cert_event,
        c.deciding_date as cert_event_date
    from ranked as r
    left join cert_states as c
        on r.person_id = c.person_id
        and r.period >= c.effect_month
        and r.period < c.next_effect_month
),

with_dibao as (
    select
        r.*,
        b.is_on as dibao_on,
        b.deciding_event as dibao_event,
        b.deciding_date as dibao_event_date
    from with_cert as r
    left join dibao_states as b
        on r.person_id = b.person_id
        and r.period >= b.effect_month
        and r.period < b.next_effect_month
),

with_dibian as (
    select
        r.*,
        b.is_on as dibian_on,
        b.deciding_event as dibian_event,
        b.deciding_date as dibian_event_date
    from with_dibao as r
    left join dibian_states as b
        on r.person_id = b.person_id
        and r.period >= b.effect_month
        and r.period < b.next_effect_month
),

final as (
    select
        s.payment_id,
        s.person_id,
        s.program_id,
        s.application_id,
        s.period,
        year(s.period)::integer as year,
        s.paid_date,
        s.amount,
        s.tier,
        s.route,
        pr.program_group,
        pr.cycle,
        pr.rule,
        p.town,
        p.village,
        p.sex,
        p.hukou,
        p.cert_status,
        p.category,
        p.grade,
        age_band(age_in_months(p.birth_date, make_date(year(s.period)::integer, 1, 1)) // 12) as age_band,
        s.payment_rank,
        s.payment_rank > 1 as is_duplicate,
        d.death_month is not null and s.period >= d.death_month as is_paid_after_death,
        coalesce(
            pr.rule in (select rule from household_rules)
            and not (coalesce(s.dibao_on, false) or coalesce(s.dibian_on, false)),
            false
        ) as is_paid_after_dibao_end,
        coalesce(s.cert_event = 'cert_revoked' and not s.cert_on, false) as is_paid_after_revocation,
        d.death_date,
        greatest(
            case when s.dibao_event = 'dibao_end' then s.dibao_event_date end,
            case when s.dibian_event = 'dibian_end' then s.dibian_event_date end
        ) as household_end_date,
        case when s.cert_event = 'cert_revoked' and not s.cert_on then s.cert_event_date end as revocation_date,
        s.first_paid_date_in_period
    from with_dibian as s
    left join programs as pr using (program_id)
    left join persons as p using (person_id)
    left join person_dates as d using (person_id)
)

select * from final
