-- grain: one row per contract table (table load_comparison, in the order the loader wrote it): its rows
--        in the database the last load replaced and in this one; empty when it replaced none
-- params: none
-- shrunk (fewer than half of the rows remain, so the load needed --force) is the loader's verdict,
-- written by the same load (loader/load.py, SHRINK).
with compared as (
    select table_name, rows_before, rows_after, shrunk
    from load_comparison
),

final as (
    select
        table_name,
        rows_before,
        rows_after,
        rows_after - rows_before as change,
        case when rows_before > 0 then (rows_after - rows_before)::double / rows_before end as change_share,
        shrunk
    from compared
)

select * from final
