-- grain: one row per year (the loaded `parameters` table)
-- Staging: rename/cast only. The years listed here define the data range (ARCHITECTURE.md: January of
-- the first year through December of the last); dibao_standard is yuan per month.
with source as (
    select * from parameters
),

final as (
    select
        year::integer as year,
        dibao_standard::decimal(14, 2) as dibao_standard
    from source
)

select * from final
