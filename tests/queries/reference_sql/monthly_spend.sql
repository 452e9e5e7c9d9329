-- grain: one row per month of the year (all 12, zeros included), ordered by month
-- params: year (required); town, village, category, program, program_group (optional, null = all)
with months as (
    select unnest(generate_series(make_date($year, 1, 1)::timestamp,
                                  make_date($year, 12, 1)::timestamp, interval 1 month))::date as month
),

spend as (
    select period as month, sum(amount)::double as spend_yuan,
           count(distinct person_id) as persons_paid, count(*) as payments
    from mart_spend as s
    where s.year = $year
        and ($town is null or s.town = $town)
        and ($village is null or s.village = $village)
        and ($category is null or s.category = $category)
        and ($program is null or s.program_id = $program)
        and ($program_group is null or s.program_group = $program_group)
    group by period
),

final as (
    select m.month, coalesce(s.spend_yuan, 0)::double as spend_yuan,
           coalesce(s.persons_paid, 0) as persons_paid, coalesce(s.payments, 0) as payments
    from months as m
    left join spend as s using (month)
)

select * from final order by month
