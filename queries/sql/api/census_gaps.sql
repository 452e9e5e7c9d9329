-- grain: one row per gap key of the seed gap_keys (all 21, zeros included), in gap_keys.sort_order
-- params: year (required; duplicate_id_number cases have no year and count in every year); town,
--   village, category (the person's current values; optional, null = all)
with cases as (
    select *
    from mart_gap_cases as g
    where (g.year = $year or g.year is null)
        and ($town is null or g.town = $town)
        and ($village is null or g.village = $village)
        and ($category is null or g.category = $category)
),

per_gap as (
    select gap, count(distinct person_id) as persons,
           case when gap = 'duplicate_id_number' then count(distinct case_group) else count(*) end as cases,
           sum(months) as months, sum(amount_yuan)::double as amount_yuan
    from cases
    group by gap
),

final as (
    select k.gap, coalesce(p.persons, 0) as persons, coalesce(p.cases, 0) as cases,
           case when k.gap in ('eligible_unpaid', 'late_start', 'medication_missed') then coalesce(p.months, 0) end::double as months,
           case when k.gap in ('paid_after_death', 'paid_after_dibao_end', 'paid_after_revocation',
                               'paid_after_moved_out', 'duplicate_payment', 'wrong_living_amount',
                               'wrong_nursing_tier', 'tier_outside_age_band', 'rehab_over_cap') then coalesce(p.amount_yuan, 0) end::double as amount_yuan,
           k.sort_order
    from gap_keys as k
    left join per_gap as p using (gap)
)

select * exclude (sort_order) from final order by sort_order
