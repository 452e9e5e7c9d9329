-- grain: one row per (town, village, category) with a person paid at tier $tier of program $program in
--   the year, ordered by town, village, category
-- params: year, program, tier, amount (required: the simulated amount of that tier); town, village,
--   category (optional filters, null = all)
-- 政策测算, a tier amount changed: program_tiers.amount of one (program, tier) replaced by $amount, costed
-- for the year $year from the persons paid at that tier today (mart_person_tier_years: the tier recorded
-- on the payments). Take-up as today (the assumption the page and the export state): the same persons
-- are paid at the same tier for the same months; nobody enters or leaves the tier because its amount
-- changed.
-- * monthly program (amount = the monthly standard): cost = person-months paid at the tier × the amount;
--   cost_current with program_tiers.amount, cost_simulated with $amount.
-- * annual / per-claim program (amount = the yearly cap per person, DATA_CONTRACT.md): claims as today,
--   capped at the cap: cost = Σ over persons of least(the person's payments at the tier in the year, cap);
--   a raised cap pays no claim that was not made (persons_at_cap_current tells how many claimed up to
--   today's cap, whose claims a higher cap might raise), a lowered cap cuts each person's year at it.
-- * a person counts as paid under the simulation when their simulated money is above zero (amount 0 =
--   the tier abolished: nobody paid at it).
-- actual_spend is METRICS.md spend of the tier in the cell (every payment at that tier for a period in
-- the year, duplicates included).
with tier as (
    select p.program_id, p.cycle, t.tier, t.amount::double as amount_current
    from stg_program_tiers as t
    inner join stg_programs as p using (program_id)
    where t.program_id = $program and t.tier = $tier
),

person_tier as (
    select s.person_id, s.town, s.village, s.category, s.spend::double as spend, s.paid_months
    from mart_person_tier_years as s
    where s.year = $year
        and s.program_id = $program
        and s.tier = $tier
        and ($town is null or s.town = $town)
        and ($village is null or s.village = $village)
        and ($category is null or s.category = $category)
),

costed as (
    select
        p.*,
        t.cycle,
        t.amount_current,
        case when t.cycle = 'monthly' then p.paid_months * t.amount_current else least(p.spend, t.amount_current) end
            as cost_current,
        case when t.cycle = 'monthly' then p.paid_months * $amount::double else least(p.spend, $amount::double) end
            as cost_simulated,
        t.cycle <> 'monthly' and p.spend >= t.amount_current as at_cap_current
    from person_tier as p
    cross join tier as t
),

final as (
    select
        $program as program_id,
        $tier::integer as tier,
        any_value(cycle) as cycle,
        town,
        village,
        category,
        count(*)::bigint as persons_paid_current,
        (count(*) filter (where cost_simulated > 0))::double as persons_paid_simulated,
        sum(paid_months)::bigint as person_months_paid_current,
        coalesce(sum(paid_months) filter (where cost_simulated > 0), 0)::double as person_months_paid_simulated,
        sum(cost_current)::double as cost_current,
        sum(cost_simulated)::double as cost_simulated,
        sum(spend)::double as actual_spend,
        (count(*) filter (where at_cap_current))::bigint as persons_at_cap_current,
        any_value(amount_current) as amount_current,
        $amount::double as amount_simulated
    from costed
    group by town, village, category
)

select * from final order by town, village, category
