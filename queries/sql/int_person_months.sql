-- grain: one row per person per month of the data range, from the person's first month (born on or
--        before day 1) to the last month of the data range
-- materialized: table
-- The state of a person in month M is their state on the first day of M (METRICS.md); events dated
-- inside M take effect from M+1 (int_status_events.effect_month).
-- * alive: no death has taken effect (death on 2020-03-20 → alive in March, dead from April).
--   Months after death are kept (alive = false) so that "dead from" figures can be read here.
-- * moved_out: a moved_out event has taken effect.
-- * cert_valid: cert_status is 持证 and the latest certificate state (int_state_events) is valid.
-- * cert_revoked: the latest certificate state is a revocation (distinguishes "revoked" from "not yet
--   issued").
-- * dibao / dibian: household state from dibao_start/_end and dibian_start/_end.
-- * age_months / age_years: whole months / whole years on day 1 of M (age_in_months macro).
-- persons.grade and category are current values for every month and live in stg_persons (not
-- repeated here to keep this ~36M-row table narrow on a 1,000,000-person district).
with persons as (
    select * from stg_persons
),

person_dates as (
    select * from int_person_dates
),

months as (
    select * from int_months
),

state_events as (
    select * from int_state_events
),

cert_states as (
    select person_id, effect_month, next_effect_month, is_on, deciding_event
    from state_events
    where attribute = 'cert'
),

dibao_states as (
    select person_id, effect_month, next_effect_month, is_on
    from state_events
    where attribute = 'dibao'
),

dibian_states as (
    select person_id, effect_month, next_effect_month, is_on
    from state_events
    where attribute = 'dibian'
),

spine as (
    select
        d.person_id,
        m.month,
        m.year,
        p.cert_status,
        d.birth_date,
        d.death_month,
        d.moved_out_month
    from person_dates as d
    inner join persons as p using (person_id)
    inner join months as m on m.month >= d.first_month
),

with_cert as (
    select
        s.*,
        c.is_on as cert_on,
        c.deciding_event as cert_event
    from spine as s
    left join cert_states as c
        on s.person_id = c.person_id
        and s.month >= c.effect_month
        and s.month < c.next_effect_month
),

with_dibao as (
    select
        s.*,
        b.is_on as dibao_on
    from with_cert as s
    left join dibao_states as b
        on s.person_id = b.person_id
        and s.month >= b.effect_month
        and s.month < b.next_effect_month
),

with_dibian as (
    select
        s.*,
        b.is_on as dibian_on
    from with_dibao as s
    left join dibian_states as b
        on s.person_id = b.person_id
        and s.month >= b.effect_month
        and s.month < b.next_effect_month
),

final as (
    select
        person_id,
        month,
        year,
        age_in_months(birth_date, month) as age_months,
        age_in_months(birth_date, month) // 12 as age_years,
        death_month is null or month < death_month as alive,
        moved_out_month is not null and month >= moved_out_month as moved_out,
        cert_status = '持证' and coalesce(cert_on, false) as cert_valid,
        coalesce(cert_event = 'cert_revoked' and not cert_on, false) as cert_revoked,
        coalesce(dibao_on, false) as dibao,
        coalesce(dibian_on, false) as dibian
    from with_dibian
)

select * from final
