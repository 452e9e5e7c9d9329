-- grain: one row per (reform period, payment route) box of working days, then one '_all' row per
--   period; before then after, routes via_town then direct, the '_all' rows last
-- params: year (submission year; optional, null = all years); town, village, category, program,
--   program_group (optional, null = all) — the rows of application_durations under the same filters
-- Box statistics of the processing-time distribution (the chart draws precomputed boxes: a large
-- district has millions of applications), the same numbers publish.figures.summarize_durations gives:
-- * rows: paid applications with a working_days value and period before / after.
-- * boxes per (period, route) over applications whose first payment names a route; when no application
--   names one, one box per period over all its applications (route NULL).
-- * q1, median, q3: continuous quantiles (linear interpolation, numpy's default percentile);
--   lowerfence = the smallest value >= q1 - 1.5 × IQR, upperfence = the largest value <= q3 + 1.5 × IQR
--   (IQR = q3 - q1), i.e. the whisker ends; mean; n = applications.
-- * '_all' rows: n and the continuous median of every application of the period, whatever its route;
--   the other statistics NULL.
with applications as (
    select a.reform_period as period, a.route, a.working_days::double as days
    from mart_processing as a
    where a.working_days is not null
        and a.reform_period in ('before', 'after')
        and ($year is null or a.year = $year)
        and ($town is null or a.town = $town)
        and ($village is null or a.village = $village)
        and ($category is null or a.category = $category)
        and ($program is null or a.program_id = $program)
        and ($program_group is null or a.program_group = $program_group)
),

routed as (
    select count(*) filter (where route in ('via_town', 'direct')) > 0 as by_route
    from applications
),

box_rows as (
    select a.period, a.route, a.days
    from applications as a, routed as r
    where r.by_route and a.route in ('via_town', 'direct')
    union all
    select a.period, null as route, a.days
    from applications as a, routed as r
    where not r.by_route
),

quartiles as (
    select period, route, count(*) as n,
           quantile_cont(days, 0.25) as q1, quantile_cont(days, 0.5) as median,
           quantile_cont(days, 0.75) as q3, avg(days) as mean
    from box_rows
    group by period, route
),

boxes as (
    select q.period, q.route, q.n, q.q1, q.median, q.q3,
           min(b.days) filter (where b.days >= q.q1 - 1.5 * (q.q3 - q.q1)) as lowerfence,
           max(b.days) filter (where b.days <= q.q3 + 1.5 * (q.q3 - q.q1)) as upperfence,
           q.mean
    from quartiles as q
    inner join box_rows as b on b.period = q.period and b.route is not distinct from q.route
    group by q.period, q.route, q.n, q.q1, q.median, q.q3, q.mean
),

overall as (
    select period, '_all' as route, count(*) as n, quantile_cont(days, 0.5) as median
    from applications
    group by period
),

final as (
    select period, route, n, q1, median, q3, lowerfence, upperfence, mean, 0 as part
    from boxes
    union all
    select period, route, n, null, median, null, null, null, null, 1 as part
    from overall
)

select * exclude (part) from final order by part, case period when 'before' then 0 else 1 end, case route when 'via_town' then 0 when 'direct' then 1 end
