-- grain: one row per month of the year (all 12, zeros included), ordered by month
-- params: year (required); town, village, category, program, program_group (optional, null = all)
-- Reads mart_spend_cube's month rows at the level of the program filters: persons paid of a month are
-- the sum of the cells' distinct persons (a person has one town, village and category).
with months as (
    select unnest(generate_series(make_date($year, 1, 1)::timestamp,
                                  make_date($year, 12, 1)::timestamp, interval 1 month))::date as month
),

spend as (
    select month, sum(spend)::double as spend_yuan,
           sum(persons)::bigint as persons_paid, sum(payments)::bigint as payments
    from mart_spend_cube as s
    where s.year = $year
        and s.month is not null
        and s.program_level = spend_cube_level($program, $program_group)
        and ($town is null or s.town = $town)
        and ($village is null or s.village = $village)
        and ($category is null or s.category = $category)
        and ($program is null or s.program_id = $program)
        and ($program_group is null or s.program_group = $program_group)
    group by month
),

final as (
    select m.month, coalesce(s.spend_yuan, 0)::double as spend_yuan,
           coalesce(s.persons_paid, 0) as persons_paid, coalesce(s.payments, 0) as payments
    from months as m
    left join spend as s using (month)
)

select * from final order by month
