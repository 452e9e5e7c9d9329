-- grain: one row per month of the year (all 12, zeros included), ordered by month
-- params: year (required); town, village (the person's current area; optional, null = all)
-- Reads mart_medication_months (prescribed person-months in the district's care). missed_share =
-- missed_persons / prescribed_persons, a double, NULL (NaN) when nobody was prescribed.
with months as (
    select unnest(generate_series(make_date($year, 1, 1)::timestamp,
                                  make_date($year, 12, 1)::timestamp, interval 1 month))::date as month
),

counts as (
    select
        m.month,
        count(distinct m.person_id) as prescribed_persons,
        count(distinct m.person_id) filter (where m.dispensed) as dispensed_persons,
        count(distinct m.person_id) filter (where m.missed) as missed_persons
    from mart_medication_months as m
    where m.year = $year
        and ($town is null or m.town = $town)
        and ($village is null or m.village = $village)
    group by m.month
),

final as (
    select
        s.month,
        coalesce(c.prescribed_persons, 0) as prescribed_persons,
        coalesce(c.dispensed_persons, 0) as dispensed_persons,
        coalesce(c.missed_persons, 0) as missed_persons,
        c.missed_persons::double / nullif(c.prescribed_persons, 0)::double as missed_share
    from months as s
    left join counts as c using (month)
)

select * from final order by month
