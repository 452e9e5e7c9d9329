-- grain: one row per key of the loader's load_info table (source, loaded_at, demo seed/persons, data
--        date), in the order the loader wrote them (a small table scanned in insertion order)
-- params: none
with final as (
    select key, value
    from load_info
)

select * from final
