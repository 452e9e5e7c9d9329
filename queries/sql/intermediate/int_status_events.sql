-- grain: one row per status event
-- Adds the month from which an event takes effect. METRICS.md: an event dated inside month M (death,
-- dibao_end, cert_revoked, dibao_start, cert_issued, grade_change, moved_out …) takes effect from M+1,
-- so effect_month = first day of the month after event_date (also for an event dated on the 1st).
with events as (
    select * from stg_status_events
),

final as (
    select
        person_id,
        event,
        event_date,
        event_value,
        event_source,
        (date_trunc('month', event_date) + interval 1 month)::date as effect_month
    from events
)

select * from final
