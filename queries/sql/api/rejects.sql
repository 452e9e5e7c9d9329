-- grain: one row per rejected row (table rejects), by file, row_number
-- params: file (optional, null = every file)
with final as (
    select file, row_number, column_name, rule, reason, raw_row
    from rejects as r
    where ($file is null or r.file = $file)
)
select * from final order by file, row_number
