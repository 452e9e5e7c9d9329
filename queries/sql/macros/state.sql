-- State macros (the events of a person's state segment, int_person_segments).
-- household_end_date(dibao_event, dibao_event_date, dibian_event, dibian_event_date): the date the
--   household left 低保/低边 — the later of the segment's dibao_end and dibian_end events, NULL when its
--   latest household events are no end. The one definition of "since" for paid_after_dibao_end
--   (int_payments) and the month's check's stop reason 'household' (mart_month_check).
create or replace macro household_end_date(dibao_event, dibao_event_date, dibian_event, dibian_event_date) as
    greatest(
        case when dibao_event = 'dibao_end' then dibao_event_date end,
        case when dibian_event = 'dibian_end' then dibian_event_date end
    );
