-- grain: one row per person of the year's certified population in the cell (covered or not, as asked),
--   masked, sorted by town, village, category, grade, person_id
-- params: year (required); covered (true: the persons paid, false: not yet covered, null: both); town,
--   village, category, grade, sex, age_band, hukou (person filters); program, program_group (which
--   payments count as covering); each optional, null = all
-- The persons behind a count of coverage_by_category / coverage_by: the same rows of the table macro
-- mart_coverage_of, so len(rows) with covered = true is persons_paid of that cell, with false
-- certified_population − persons_paid. Identities masked (mask_id / mask_name, contract/masking.sql).
-- programs: the counted programs that paid the person in the year, program_id order, '|'-separated;
-- spend_yuan: their money for periods in the year (0 when not covered).
with cell as (
    select c.*
    from mart_coverage_of(
        cov_year := $year, cov_town := $town, cov_village := $village, cov_category := $category,
        cov_program := $program, cov_program_group := $program_group
    ) as c
    where ($covered is null or c.covered = $covered)
        and ($grade is null or c.grade = $grade)
        and ($sex is null or c.sex = $sex)
        and ($age_band is null or c.age_band = $age_band)
        and ($hukou is null or c.hukou = $hukou)
),

paid as (
    select
        s.person_id,
        string_agg(s.program_id, '|' order by s.program_id) as programs,
        sum(s.spend) as spend_yuan
    from mart_person_program_years as s
    semi join cell as c on c.person_id = s.person_id and c.covered
    where s.year = $year
        and ($program is null or s.program_id = $program)
        and ($program_group is null or s.program_group = $program_group)
    group by s.person_id
),

final as (
    select
        c.person_id,
        mask_id(p.id_number) as id_number_masked,
        mask_name(p.name) as name_masked,
        c.town,
        c.village,
        c.category,
        c.grade,
        c.sex,
        c.age_band,
        c.hukou,
        c.valid_months,
        c.covered,
        pd.programs,
        coalesce(pd.spend_yuan, 0)::double as spend_yuan
    from cell as c
    inner join stg_persons as p using (person_id)
    left join paid as pd using (person_id)
)

select * from final order by town, village, category, grade, person_id
