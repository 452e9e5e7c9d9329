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
-- Computed from the counts of each working-day value (a few hundred distinct values however many
-- applications): the k-th smallest value is the value whose running count first exceeds k, so each
-- quantile is DuckDB's quantile_cont exactly (position (n - 1) × p, linear between its two neighbours)
-- without sorting millions of rows; the sums of whole days are exact, so the mean is avg's.
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

counts as materialized (
    select period, route, days, count(*) as c
    from applications
    group by period, route, days
),

routed as (
    select coalesce(sum(c) filter (where route in ('via_town', 'direct')), 0) > 0 as by_route
    from counts
),

box_counts as (
    select c.period, c.route, c.days, c.c
    from counts as c, routed as r
    where r.by_route and c.route in ('via_town', 'direct')
    union all
    select c.period, null as route, c.days, sum(c.c) as c
    from counts as c, routed as r
    where not r.by_route
    group by c.period, c.days
),

overall_counts as (
    select period, '_all' as route, days, sum(c) as c
    from counts
    group by period, days
),

running as (
    select period, route, days, c, part,
           sum(c) over (partition by part, period, route order by days rows unbounded preceding) as upto,
           sum(c) over (partition by part, period, route) as n,
           sum(days * c) over (partition by part, period, route) as total
    from (
        select period, route, days, c, 0 as part from box_counts
        union all
        select period, route, days, c, 1 as part from overall_counts
    )
),

-- the values at positions floor and ceil of (n - 1) × p (0-based) for p = 0.25, 0.5, 0.75
neighbours as (
    select part, period, route, any_value(n)::bigint as n, any_value(total) as total,
           min(days) filter (where upto > floor((n - 1) * 0.25)) as q1_lo,
           min(days) filter (where upto > ceil((n - 1) * 0.25)) as q1_hi,
           min(days) filter (where upto > floor((n - 1) * 0.5)) as q2_lo,
           min(days) filter (where upto > ceil((n - 1) * 0.5)) as q2_hi,
           min(days) filter (where upto > floor((n - 1) * 0.75)) as q3_lo,
           min(days) filter (where upto > ceil((n - 1) * 0.75)) as q3_hi
    from running
    group by part, period, route
),

quartiles as (
    select part, period, route, n,
           q1_lo + ((n - 1) * 0.25 - floor((n - 1) * 0.25)) * (q1_hi - q1_lo) as q1,
           q2_lo + ((n - 1) * 0.5 - floor((n - 1) * 0.5)) * (q2_hi - q2_lo) as median,
           q3_lo + ((n - 1) * 0.75 - floor((n - 1) * 0.75)) * (q3_hi - q3_lo) as q3,
           total / n as mean
    from neighbours
),

boxes as (
    select q.period, q.route, q.n, q.q1, q.median, q.q3,
           min(b.days) filter (where b.days >= q.q1 - 1.5 * (q.q3 - q.q1)) as lowerfence,
           max(b.days) filter (where b.days <= q.q3 + 1.5 * (q.q3 - q.q1)) as upperfence,
           q.mean
    from quartiles as q
    inner join box_counts as b on b.period = q.period and b.route is not distinct from q.route
    where q.part = 0
    group by q.period, q.route, q.n, q.q1, q.median, q.q3, q.mean
),

final as (
    select period, route, n, q1, median, q3, lowerfence, upperfence, mean, 0 as part
    from boxes
    union all
    select period, route, n, null, median, null, null, null, null, 1 as part
    from quartiles
    where part = 1
)

select * exclude (part) from final order by part, case period when 'before' then 0 else 1 end, case route when 'via_town' then 0 when 'direct' then 1 end
