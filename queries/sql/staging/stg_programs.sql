-- grain: one row per subsidy program (the loaded `programs` table)
-- Staging: rename/cast only: the contract column "group" (a reserved word) becomes program_group and
-- "rule" becomes rule (an empty rule means the program has no eligibility figures, only spend).
with source as (
    select * from programs
),

final as (
    select
        program_id,
        name,
        name_en,
        "group" as program_group,
        cycle,
        nullif(trim("rule"), '') as rule,
        trips_before::integer as trips_before,
        trips_after::integer as trips_after,
        materials_before::integer as materials_before,
        materials_after::integer as materials_after,
        reform_date
    from source
)

select * from final
