-- grain: one row per (person, survey year) (the loaded `census` table)
-- Staging: rename/cast only. Need flags are 0/1 (NULL = not recorded, treated as "need not stated").
with source as (
    select * from census
),

final as (
    select
        person_id,
        survey_year::integer as survey_year,
        survey_status,
        survey_date,
        need_rehab::integer as need_rehab,
        need_device::integer as need_device,
        need_education::integer as need_education,
        need_employment::integer as need_employment,
        need_care::integer as need_care,
        need_medical_insurance::integer as need_medical_insurance,
        income_per_capita::decimal(14, 2) as income_per_capita
    from source
)

select * from final
