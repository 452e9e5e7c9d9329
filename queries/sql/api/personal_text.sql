-- grain: one row per (table, column) of loaded text that the pages and the public edition print (town
--        and village names, program names, tier conditions) where at least one value holds an
--        ID-number, phone or bank-card shape (mask_personal, contract/masking.sql)
-- params: none
-- Distinct values are checked (a few hundred names), each counted with the rows that hold it.
with cells as (
    select 'persons' as table_name, 'town' as column_name, town as text, count(*) as n
    from persons group by town
    union all
    select 'persons', 'village', village, count(*) from persons group by village
    union all
    select 'programs', 'name', name, count(*) from programs group by name
    union all
    select 'programs', 'name_en', name_en, count(*) from programs group by name_en
    union all
    select 'program_tiers', 'condition', condition, count(*) from program_tiers group by condition
),

final as (
    select table_name, column_name, sum(n)::bigint as rows
    from cells
    where text is not null and mask_personal(text) <> text
    group by table_name, column_name
)

select * from final order by table_name, column_name
