-- grain: one row per (gap, area) with at least one case, sorted by gap order then area
-- params: year (required); town, village, category (the person's current values, as census_gaps and
--   gap_people; optional), gap (optional, one key)
-- slot {{ area }}: town or village of mart_gap_cases, chosen through queries.AREA_LEVELS (never a value)
-- The counts are those of gap_people's rows grouped by area: persons = distinct persons, cases = rows
-- (for duplicate_id_number: distinct shared numbers), months and amount_yuan summed where the gap has
-- them (NULL otherwise).
with cases as (
    select g.*, k.sort_order
    from mart_gap_cases as g
    inner join gap_keys as k using (gap)
    where (g.year = $year or g.year is null)
        and ($town is null or g.town = $town)
        and ($village is null or g.village = $village)
        and ($category is null or g.category = $category)
        and ($gap is null or g.gap = $gap)
),

final as (
    select gap, {{ area }} as area, count(distinct person_id) as persons,
           case when gap = 'duplicate_id_number' then count(distinct case_group) else count(*) end as cases,
           case when gap in ('eligible_unpaid', 'late_start', 'medication_missed') then sum(months) end::double as months,
           case when gap in ('paid_after_death', 'paid_after_dibao_end', 'paid_after_revocation',
                             'paid_after_moved_out', 'duplicate_payment', 'wrong_living_amount',
                             'wrong_nursing_tier', 'tier_outside_age_band', 'rehab_over_cap') then sum(amount_yuan) end::double as amount_yuan,
           sort_order
    from cases
    group by gap, {{ area }}, sort_order
)

select * exclude (sort_order) from final order by sort_order, area nulls last
