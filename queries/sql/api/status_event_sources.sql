-- grain: one row per (event, reporting department) with an event dated in the year, ordered by event, source
-- params: year (required); town, village, category (optional, null = all; the person's current values)
-- Which department reported each status change (status_events.source: 民政, 人社, 公安, 残联 …; NULL when the
-- file leaves it empty): events dated in the year and the distinct persons they concern. event_share =
-- the department's events / all events of that kind in the year.
with events as (
    select e.event, e.event_source as source, e.person_id
    from stg_status_events as e
    inner join stg_persons as p using (person_id)
    where year(e.event_date) = $year
        and ($town is null or p.town = $town)
        and ($village is null or p.village = $village)
        and ($category is null or p.category = $category)
),

grouped as (
    select event, source, count(*) as events, count(distinct person_id) as persons
    from events
    group by event, source
),

final as (
    select
        event,
        source,
        events,
        persons,
        events::double / nullif(sum(events) over (partition by event), 0)::double as event_share
    from grouped
)

select * from final order by event, source nulls last
