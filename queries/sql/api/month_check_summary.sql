-- grain: one row per (check, reason) the month's check finds in month $month (no row for none),
--   in check order stop, start, retier, then reason
-- params: month (required), town, village, category (optional)
-- cases = listed cases; persons = distinct persons; paid_cases = cases paid for the month (a stop
-- case paid for M is money paid after the state ended it); amount_yuan = the month's money of the cases
-- (stop: paid for M; start: owed for M where the rule states the amount; retier: paid − expected).
with listed as (
    select * from mart_month_check
    where month = $month
        and ($town is null or town = $town)
        and ($village is null or village = $village)
        and ($category is null or category = $category)
),

final as (
    select
        "check",
        reason,
        count(*) as cases,
        count(distinct person_id) as persons,
        count(amount_yuan) as paid_cases,
        coalesce(sum(amount_yuan), 0)::double as amount_yuan
    from listed
    group by "check", reason
)

select * from final order by case "check" when 'stop' then 1 when 'start' then 2 else 3 end, reason
