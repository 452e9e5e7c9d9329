-- grain: one row per (file, column_name, rule) of the rejected rows (table rejects), most rows first
-- params: none
with final as (
    select file, column_name, rule, count(*) as rows
    from rejects
    group by file, column_name, rule
)
select * from final order by rows desc, file, column_name, rule
