-- grain: one row per (monthly program with a rule, person) of a flow from year_from to year, masked,
--   sorted by program_id, flow order, reason order, town, village, person_id
-- params: year, year_from (required: the flow from year_from to year); program, flow, reason (one
--   program, one flow of leaving / continuing / entering, one reason; null = all); town, village,
--   category (the person's current values; null = all)
-- The persons behind a count of program_flows: the same rows of the table macro mart_program_flows_of,
-- so the rows of a (program, flow, reason) are its persons and their money its spend_from / spend_to.
-- Identities masked (mask_id / mask_name, contract/masking.sql). spend_from / spend_to: the person's
-- spend from the program in year_from / year (0 when not paid that year).
with flows as (
    select f.*
    from mart_program_flows_of(
        pf_year := $year, pf_year_from := $year_from, pf_town := $town, pf_village := $village,
        pf_category := $category, pf_program := $program
    ) as f
    where ($flow is null or f.flow = $flow)
        and ($reason is null or f.reason = $reason)
),

final as (
    select
        f.person_id,
        mask_id(p.id_number) as id_number_masked,
        mask_name(p.name) as name_masked,
        p.town,
        p.village,
        p.category,
        p.grade,
        f.program_id,
        f.flow,
        f.reason,
        coalesce(f.spend_from, 0)::double as spend_from,
        coalesce(f.spend_to, 0)::double as spend_to,
        f.flow_order,
        f.reason_order
    from flows as f
    inner join stg_persons as p using (person_id)
)

select * exclude (flow_order, reason_order) from final order by program_id, flow_order, reason_order, town, village, person_id
