-- grain: one row per status event (the loaded `status_events` table)
-- Staging: rename/cast only. `event` keeps its contract code (dibao_start, dibao_end, dibian_start,
-- dibian_end, death, cert_issued, cert_revoked, grade_change, moved_out); `value` is the new grade
-- for grade_change events, which METRICS.md says are kept for the record only.
with source as (
    select * from status_events
),

final as (
    select
        person_id,
        event,
        event_date,
        value as event_value,
        source as event_source
    from source
)

select * from final
