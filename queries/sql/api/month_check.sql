-- grain: one row per case the month's check lists for month $month (mart_month_check), masked, with the
--   case's follow-up totals (mart_worklist), sorted by check, town, village, person_id, program_id
-- params: month (required, a month's first day), check (optional: stop, start, retier), town, village,
--   category (optional, the person's current values)
-- follow_up: the case is a worklist case (mart_worklist); a stop case of a month before the data's last
-- whose months were never paid is not (the payroll stopped in time). case_months / case_amount_yuan:
-- the whole case's months and money (mart_worklist.months / amount_yuan).
with listed as (
    select * from mart_month_check
    where month = $month
        and ($check is null or "check" = $check)
        and ($town is null or town = $town)
        and ($village is null or village = $village)
        and ($category is null or category = $category)
),

cases as (
    select case_key, months, amount_yuan from mart_worklist
),

final as (
    select
        l.case_key,
        l."check",
        l.reason,
        l.person_id,
        l.id_number_masked,
        l.name_masked,
        l.town,
        l.village,
        l.category,
        l.grade,
        l.program_id,
        l.run_start,
        l.months,
        l.since,
        l.amount_yuan::double as amount_yuan,
        c.case_key is not null as follow_up,
        c.months as case_months,
        c.amount_yuan::double as case_amount_yuan
    from listed as l
    left join cases as c using (case_key)
)

select * from final order by "check", town, village, person_id, program_id
