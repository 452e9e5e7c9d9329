-- grain: one row per (monthly program with a rule, flow, reason) with at least one person, ordered by
--   program_id, flow order, reason order
-- params: year, year_from (required: the flow from year_from to year); town, village, category, program
--   (optional, null = all; the person's current town, village and category)
-- Flows in and out of each monthly program between two years, in persons paid: the rows of the table
-- macro mart_program_flows_of (its header defines continuing, leaving and entering and every reason),
-- counted; flow_people lists the same rows, so a count and its list cannot differ.
-- Money: spend_from / spend_to = METRICS.md spend of the persons of the row in year_from / year.
with flows as (
    select f.*
    from mart_program_flows_of(
        pf_year := $year, pf_year_from := $year_from, pf_town := $town, pf_village := $village,
        pf_category := $category, pf_program := $program
    ) as f
),

final as (
    select
        program_id,
        flow,
        reason,
        count(*) as persons,
        coalesce(sum(spend_from), 0)::double as spend_from,
        coalesce(sum(spend_to), 0)::double as spend_to,
        any_value(flow_order) as flow_order,
        any_value(reason_order) as reason_order
    from flows
    group by program_id, flow, reason
)

select * exclude (flow_order, reason_order) from final order by program_id, flow_order, reason_order
