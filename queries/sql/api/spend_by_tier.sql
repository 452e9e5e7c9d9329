-- grain: one row per (program, tier): every tier of program_tiers for the selected programs plus
--   every (program, tier) found on payments but missing there; ordered by program_id, tier
-- params: year (required); town, village, category, program, program_group (optional, null = all)
with catalog as (
    select *
    from stg_programs as p
    where ($program is null or p.program_id = $program)
        and ($program_group is null or p.program_group = $program_group)
),

tiers as (
    select t.* from stg_program_tiers as t where t.program_id in (select program_id from catalog)
),

person_tier as (
    select program_id, tier, person_id, spend, paid_months as months
    from mart_person_tier_years as s
    where s.year = $year
        and ($town is null or s.town = $town)
        and ($village is null or s.village = $village)
        and ($category is null or s.category = $category)
        and ($program is null or s.program_id = $program)
        and ($program_group is null or s.program_group = $program_group)
),

capped as (
    select pt.*, t.amount,
           case when c.cycle = 'monthly' then t.amount * pt.months else t.amount end as cap
    from person_tier as pt
    inner join catalog as c using (program_id)
    left join tiers as t on t.program_id = pt.program_id and t.tier = pt.tier
),

per_tier as (
    select program_id, tier, count(*) as persons, sum(spend)::double as spend_yuan,
           (sum(spend) / nullif(sum(cap), 0))::double as cap_use,
           count(*) filter (where spend >= cap) as persons_at_cap
    from capped
    group by program_id, tier
),

keys as (
    select program_id, tier from tiers
    union
    select program_id, tier from per_tier
),

final as (
    select k.program_id, k.tier, t.amount::double as amount, t.tier_condition as condition,
           coalesce(p.persons, 0) as persons, coalesce(p.spend_yuan, 0)::double as spend_yuan,
           p.cap_use, coalesce(p.persons_at_cap, 0) as persons_at_cap
    from keys as k
    left join tiers as t on t.program_id = k.program_id and t.tier = k.tier
    left join per_tier as p on p.program_id = k.program_id and p.tier is not distinct from k.tier
)

select * from final order by program_id, tier nulls last
