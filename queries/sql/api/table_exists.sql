-- grain: one row: whether a table of that name exists (the load bookkeeping tables are optional)
-- params: table_name (required)
with final as (
    select count(*) > 0 as table_exists from duckdb_tables() where table_name = $table_name
)
select * from final
