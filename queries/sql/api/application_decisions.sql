-- grain: one row per {{ by }} value (program_id or channel) with an application submitted in the year,
--   ordered by value
-- params: year (required); town, village, category, program, program_group (optional, null = all)
-- slot: by (program_id, channel or all_applications = one row for all, from queries.api.DECISIONS_BY)
-- Application decisions of the applications submitted in the year (int_applications, the contract's
-- decision approved / rejected / pending): approval_rate = approved / decided and rejection_rate =
-- rejected / decided (decided = approved + rejected; NULL when none is decided); pending = still
-- 审核中 in the data (the backlog); median_review_days = continuous median of the working days d with
-- submitted_date < d <= decided_date over decided applications with a decided_date (calendar_days with the
-- official 调休 calendar, as the processing time); application_share = the value's applications / all
-- applications of the result (the channel shares: online / window / 代办 proxy). A missing channel is its
-- own value (NULL).
with applications as (
    select a.*, 'all' as all_applications, s.workday_seq as submitted_seq, d.workday_seq as decided_seq
    from int_applications as a
    left join calendar_days as s on s.day = a.submitted_date
    left join calendar_days as d on d.day = a.decided_date
    where a.year = $year
        and ($town is null or a.town = $town)
        and ($village is null or a.village = $village)
        and ($category is null or a.category = $category)
        and ($program is null or a.program_id = $program)
        and ($program_group is null or a.program_group = $program_group)
),

grouped as (
    select
        {{ by }} as value,
        count(*) as applications,
        count(*) filter (where decision = 'approved') as approved,
        count(*) filter (where decision = 'rejected') as rejected,
        count(*) filter (where decision = 'pending') as pending,
        quantile_cont(decided_seq - submitted_seq, 0.5) filter (
            where decision in ('approved', 'rejected') and decided_seq is not null
        )::double as median_review_days
    from applications
    group by {{ by }}
),

final as (
    select
        value,
        applications,
        approved,
        rejected,
        pending,
        approved::double / nullif(approved + rejected, 0)::double as approval_rate,
        rejected::double / nullif(approved + rejected, 0)::double as rejection_rate,
        median_review_days,
        applications::double / nullif(sum(applications) over (), 0)::double as application_share
    from grouped
)

select * from final order by value nulls last
