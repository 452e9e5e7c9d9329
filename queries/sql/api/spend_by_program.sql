-- grain: one row per program of the catalog (narrowed by program / program_group), zero rows
--   included, ordered by program_id
-- params: year (required); town, village, category, program, program_group (optional, null = all)
with catalog as (
    select *
    from stg_programs as p
    where ($program is null or p.program_id = $program)
        and ($program_group is null or p.program_group = $program_group)
),

person_program as (
    select program_id, person_id, spend, payments, max_tier as tier, paid_months as months
    from mart_person_program_years as s
    where s.year = $year
        and ($town is null or s.town = $town)
        and ($village is null or s.village = $village)
        and ($category is null or s.category = $category)
        and ($program is null or s.program_id = $program)
        and ($program_group is null or s.program_group = $program_group)
),

tier_counts as (
    select program_id, count(*) as tiers from stg_program_tiers group by program_id
),

capped as (
    select pp.*,
           case when pr.cycle = 'monthly' then t.amount * pp.months else t.amount end as cap
    from person_program as pp
    inner join catalog as pr using (program_id)
    left join stg_program_tiers as t on t.program_id = pp.program_id and t.tier = pp.tier
),

per_program as (
    select program_id, sum(spend)::double as spend_yuan, count(*) as persons,
           sum(payments) as payments,
           (sum(spend) filter (where cap is not null) / nullif(sum(cap), 0))::double as cap_use
    from capped
    group by program_id
),

final as (
    select c.program_id, c.name, c.name_en, c.program_group, c.cycle,
           coalesce(p.spend_yuan, 0)::double as spend_yuan,
           coalesce(p.persons, 0) as persons,
           coalesce(p.persons, 0) as person_times,
           coalesce(p.payments, 0)::bigint as payments,
           (p.spend_yuan / nullif(p.persons, 0))::double as avg_per_person,
           coalesce(t.tiers, 0) as tiers,
           p.cap_use
    from catalog as c
    left join per_program as p using (program_id)
    left join tier_counts as t using (program_id)
)

select * from final order by program_id
