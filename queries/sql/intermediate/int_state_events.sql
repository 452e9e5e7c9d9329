-- grain: one row per (person, attribute, effect month) where attribute is cert, dibao or dibian
-- The state of the three switching attributes after all events taking effect in that month. A person's
-- state in month M is the row with effect_month <= M < next_effect_month (an interval join downstream:
-- equi-join on person_id plus a range, which DuckDB runs as a hash join; an ASOF join was ~300× slower
-- here). next_effect_month is 9999-12-01 for the last row of a person and attribute.
-- * dibao: on from the month after dibao_start until the month after dibao_end (METRICS.md); dibian
--   likewise with dibian_start / dibian_end.
-- * cert: the certificate is valid from the month after cert_date or a cert_issued event, until a
--   cert_revoked takes effect; a later cert_issued makes it valid again. A person with no cert_date
--   whose first certificate event is not a cert_issued (no events, or a revocation first) held the
--   certificate from before the data: an implicit issue at 1900-01-01 ("valid from the start of the
--   data"). Only persons with cert_status 持证 can have a valid certificate (applied downstream).
-- Choice where METRICS.md is silent: several events of one attribute in the same effect month resolve
-- to the latest event_date; on the same date an end/revocation wins over a start/issue (a payment is
-- never justified by an ambiguous record). Two events of the same date and direction (cert_date and
-- cert_issued) tie-break on the event name, so that every build resolves them the same way.
with events as (
    select * from int_status_events
),

persons as (
    select * from stg_persons
),

toggles as (
    select person_id, 'dibao' as attribute, effect_month, event_date, event, event = 'dibao_start' as is_on
    from events
    where event in ('dibao_start', 'dibao_end')
    union all
    select person_id, 'dibian' as attribute, effect_month, event_date, event, event = 'dibian_start' as is_on
    from events
    where event in ('dibian_start', 'dibian_end')
    union all
    select person_id, 'cert' as attribute, effect_month, event_date, event, event = 'cert_issued' as is_on
    from events
    where event in ('cert_issued', 'cert_revoked')
    union all
    select
        person_id,
        'cert' as attribute,
        (date_trunc('month', cert_date) + interval 1 month)::date as effect_month,
        cert_date as event_date,
        'cert_date' as event,
        true as is_on
    from persons
    where cert_date is not null
),

cert_firsts as (
    select
        person_id,
        min(event_date) filter (where event = 'cert_issued') as first_issued,
        min(event_date) filter (where event = 'cert_revoked') as first_revoked
    from events
    group by person_id
),

implicit_issues as (
    select
        p.person_id,
        'cert' as attribute,
        date '1900-01-01' as effect_month,
        null::date as event_date,
        'implicit_issue' as event,
        true as is_on
    from persons as p
    left join cert_firsts as f using (person_id)
    where p.cert_date is null
        and (f.first_issued is null or f.first_revoked < f.first_issued)
),

all_toggles as (
    select * from toggles
    union all
    select * from implicit_issues
),

ranked as (
    select
        *,
        row_number() over (
            partition by person_id, attribute, effect_month
            order by event_date desc nulls last, is_on asc, event
        ) as rank_in_month
    from all_toggles
),

final as (
    select
        person_id,
        attribute,
        effect_month,
        coalesce(
            lead(effect_month) over (partition by person_id, attribute order by effect_month),
            date '9999-12-01'
        ) as next_effect_month,
        is_on,
        event as deciding_event,
        event_date as deciding_date
    from ranked
    where rank_in_month = 1
)

select * from final
