-- grain: one row per area (town, or village of the chosen town) with a prescribed patient in the year,
--   sorted by missed_share descending then area
-- params: year (required); town, village (optional, the person's current area)
-- slot {{ area }}: town or village of mart_medication_months, chosen through queries.AREA_LEVELS
-- 应服未服 by area (mart_medication_months: prescribed person-months in the district's care).
-- prescribed_persons = distinct patients prescribed in some month of the year; prescribed_months =
-- their prescribed person-months; missed_months = those not collected; missed_share = missed_months /
-- prescribed_months; missed_persons = patients who missed at least one month.
with months as (
    select * from mart_medication_months
    where year = $year
        and ($town is null or town = $town)
        and ($village is null or village = $village)
),

final as (
    select
        {{ area }} as area,
        count(distinct person_id) as prescribed_persons,
        count(*) as prescribed_months,
        count(*) filter (where missed) as missed_months,
        (count(*) filter (where missed))::double / count(*)::double as missed_share,
        count(distinct person_id) filter (where missed) as missed_persons
    from months
    group by {{ area }}
)

select * from final order by missed_share desc, area nulls last
