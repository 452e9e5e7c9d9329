-- grain: one row per person
-- Single-valued lifetime dates of a person, derived from persons and status_events:
-- * first_month: the first month whose first day is on or after birth_date (a person exists in month M
--   when born on or before day 1 of M; a baby born on 2020-05-10 first appears in June 2020).
-- * death_date / death_month: the earliest death event and the month it takes effect (M+1). Several
--   death events (a data error) use the earliest.
-- * moved_out_month: the earliest moved_out event's effect month. The contract has no "moved in"
--   event, so moving out is final.
with persons as (
    select * from stg_persons
),

events as (
    select * from int_status_events
),

person_events as (
    select
        person_id,
        min(event_date) filter (where event = 'death') as death_date,
        min(effect_month) filter (where event = 'death') as death_month,
        min(event_date) filter (where event = 'moved_out') as moved_out_date,
        min(effect_month) filter (where event = 'moved_out') as moved_out_month
    from events
    group by person_id
),

final as (
    select
        p.person_id,
        p.birth_date,
        case
            when day(p.birth_date) = 1 then p.birth_date
            else (date_trunc('month', p.birth_date) + interval 1 month)::date
        end as first_month,
        e.death_date,
        e.death_month,
        e.moved_out_date,
        e.moved_out_month
    from persons as p
    left join person_events as e using (person_id)
)

select * from final
