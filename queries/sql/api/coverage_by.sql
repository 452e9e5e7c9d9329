-- grain: one row per value of the chosen dimension in the year's certified population, sorted by value
-- params: year (required); town, village, category (person filters), program, program_group
--   (which payments count as covering; optional, null = all)
-- slot {{ by }}: a column of mart_coverage chosen through queries.COVERAGE_BY (never a value)
-- The persons and whether each is covered: the table macro mart_coverage_of (one definition with
-- coverage_by_category and the list behind a count, coverage_people).
with counts as (
    select c.{{ by }} as value,
           count(*) as certified_population,
           count(*) filter (where c.covered) as persons_paid
    from mart_coverage_of(
        cov_year := $year, cov_town := $town, cov_village := $village, cov_category := $category,
        cov_program := $program, cov_program_group := $program_group
    ) as c
    group by c.{{ by }}
),

-- coverage = persons_paid / certified_population as a double (NULL, i.e. NaN, when the population is 0)
final as (
    select value, certified_population, persons_paid,
           persons_paid::double / nullif(certified_population, 0)::double as coverage
    from counts
)

select * from final order by value nulls last
