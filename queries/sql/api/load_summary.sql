-- grain: one row per loaded file (table load_files), by table_name, file
-- params: none
with final as (
    select file, table_name, rows_read, rows_loaded, rows_rejected, source_dir, file_format,
           encoding, loaded_at
    from load_files
)
select * from final order by table_name, file
