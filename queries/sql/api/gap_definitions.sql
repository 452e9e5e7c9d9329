-- grain: one row per METRICS.md gap key (the gap_keys seed), in sort_order
-- params: none
with final as (
    select gap, sort_order, label_zh, label_en, definition, definition_zh
    from gap_keys
)

select * from final order by sort_order
