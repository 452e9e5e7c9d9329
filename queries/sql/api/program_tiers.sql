-- grain: one row per (program, tier) of the loaded program_tiers table, ordered by program_id, tier
-- params: program (optional, null = every program)
-- The tier catalogue: what a tier pays (amount: the monthly standard of a monthly program, the yearly cap
-- of an annual / per-claim one, DATA_CONTRACT.md), its condition text and its program's cycle. The
-- choices of a simulated tier amount (tier_simulation) and the check of its arguments.
with tiers as (
    select * from stg_program_tiers
),

programs as (
    select * from stg_programs
),

final as (
    select t.program_id, p.name, p.name_en, p.cycle, t.tier, t.amount::double as amount, t.tier_condition as condition
    from tiers as t
    inner join programs as p using (program_id)
    where $program is null or t.program_id = $program
)

select * from final order by program_id, tier
