-- grain: one row per value of the chosen dimension among the persons paid in the year, sorted by value
-- params: year (required); town, village, category, program, program_group (optional, null = all)
-- slot {{ by }}: a column of mart_person_program_years chosen through queries.INCIDENCE_BY (never a value)
-- share = the value's spend / all spend under the same filters (the sum of the rows' spend_yuan), a
-- double; NULL (NaN) when all spend is 0.
with spend as (
    select s.{{ by }} as value, sum(spend)::double as spend_yuan,
           count(distinct person_id) as persons
    from mart_person_program_years as s
    where s.year = $year
        and ($town is null or s.town = $town)
        and ($village is null or s.village = $village)
        and ($category is null or s.category = $category)
        and ($program is null or s.program_id = $program)
        and ($program_group is null or s.program_group = $program_group)
    group by s.{{ by }}
),

final as (
    select value, spend_yuan,
           spend_yuan / nullif(sum(spend_yuan) over (), 0) as share,
           persons
    from spend
)

select * from final order by value nulls last
