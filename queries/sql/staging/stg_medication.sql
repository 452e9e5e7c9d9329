-- grain: one row per (person, month) of the loaded `medication` table (psychiatric medication
--        monitoring, 服药监测; optional in the contract: install.py creates it empty when absent)
-- Staging: rename/cast only. month is the DATE of the month's first day; prescribed (应服) and
-- dispensed (已取药) are 0/1 flags, read as booleans (NULL = 0: not recorded is not a prescription).
with source as (
    select * from medication
),

final as (
    select
        person_id,
        month::date as month,
        coalesce(prescribed::integer, 0) = 1 as prescribed,
        coalesce(dispensed::integer, 0) = 1 as dispensed
    from source
)

select * from final
