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
-- Built by expanding each state segment (int_person_segments: cert/低保/低边 states already resolved,
-- person constants carried along) over the months of the data range it covers: one streaming join
-- with the small months table, no hash table of person-months (the old spine joined three times
-- peaked at ~17 GB on 1,000,000 persons).
with segments as (
    select * from int_person_segments
),

months as (
    select * from int_months
),

expanded as (
    select
        s.person_id,
        m.month,
        m.year,
        s.cert_status,
        s.birth_date,
        s.death_month,
        s.moved_out_month,
        s.cert_on,
        s.cert_event,
        s.dibao_on,
        s.dibian_on
    from segments as s
    inner join months as m
        on m.month >= s.from_month
        and m.month < s.to_month
        and m.month >= s.first_month
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
    from expanded
)

select * from final
