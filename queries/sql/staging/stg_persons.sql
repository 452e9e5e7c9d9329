-- grain: one row per person (the loaded `persons` table)
-- Staging: selects the contract columns of `persons` by name so that extra columns a district adds
-- (kept by the loader as VARCHAR) never leak into the marts. No logic: values are already canonical
-- (sex 男/女, cert_status 持证/评定表/疑似, category 视力…多重, grade 1–4) after the loader.
-- persons.grade and persons.category are the current values and hold for every month (METRICS.md).
with source as (
    select * from persons
),

final as (
    select
        person_id,
        id_number,
        name,
        sex,
        birth_date,
        town,
        village,
        hukou,
        cert_status,
        category,
        grade::integer as grade,
        cert_date,
        nursing_level::integer as nursing_level
    from source
)

select * from final
