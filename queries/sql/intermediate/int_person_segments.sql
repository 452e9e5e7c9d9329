-- grain: one row per person per state segment: a run of months [from_month, to_month) in which the
--        person's certificate, 低保 and 低边 states do not change (from the beginning of time to
--        9999-12-01, so payments for any period find their segment)
-- materialized: table
-- Why this table: the state of a person in month M is the state interval of int_state_events that
-- contains M, for three attributes. Joining those intervals onto every person-month (36M rows on a
-- 1,000,000-person district) or every payment (22M) three times made DuckDB build hash tables of the
-- big side (its estimate of a range join's output is poor) and peak at ~17 GB. The change points of
-- the three attributes are few (about one per event), so the three states are resolved here, on a
-- table about the size of persons, and the big tables join this one once (int_person_months expands
-- each segment over its months; int_payments looks up the period's segment).
-- * a segment starts at 0001-01-01 or at any attribute's effect month; it ends where the next starts.
-- * *_on / *_event / *_event_date: the deciding state of the attribute (NULL before its first toggle),
--   exactly as int_state_events holds it for every month of the segment.
-- * person constants the big tables need (cert_status, birth_date, first_month, death and move-out
--   dates) are carried along so that no person join happens on the big side.
with persons as (
    select * from stg_persons
),

person_dates as (
    select * from int_person_dates
),

state_events as (
    select * from int_state_events
),

points as (
    select person_id, date '0001-01-01' as from_month
    from persons
    union
    select person_id, effect_month as from_month
    from state_events
    where effect_month > date '0001-01-01'
),

segments as (
    select
        person_id,
        from_month,
        coalesce(
            lead(from_month) over (partition by person_id order by from_month),
            date '9999-12-01'
        ) as to_month
    from points
),

final as (
    select
        s.person_id,
        s.from_month,
        s.to_month,
        p.cert_status,
        d.birth_date,
        d.first_month,
        d.death_date,
        d.death_month,
        d.moved_out_date,
        d.moved_out_month,
        c.is_on as cert_on,
        c.deciding_event as cert_event,
        c.deciding_date as cert_event_date,
        b.is_on as dibao_on,
        b.deciding_event as dibao_event,
        b.deciding_date as dibao_event_date,
        n.is_on as dibian_on,
        n.deciding_event as dibian_event,
        n.deciding_date as dibian_event_date
    from segments as s
    left join persons as p using (person_id)
    left join person_dates as d using (person_id)
    left join state_events as c
        on c.person_id = s.person_id
        and c.attribute = 'cert'
        and s.from_month >= c.effect_month
        and s.from_month < c.next_effect_month
    left join state_events as b
        on b.person_id = s.person_id
        and b.attribute = 'dibao'
        and s.from_month >= b.effect_month
        and s.from_month < b.next_effect_month
    left join state_events as n
        on n.person_id = s.person_id
        and n.attribute = 'dibian'
        and s.from_month >= n.effect_month
        and s.from_month < n.next_effect_month
)

select * from final
