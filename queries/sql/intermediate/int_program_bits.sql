-- grain: one row per program
-- materialized: table
-- Each program's bit in a set of programs held as one 128-bit number (UHUGEINT): bit i for the i-th
-- program by program_id. mart_coverage keeps the programs that paid a person in a year as such a set,
-- and an API filter (program, program_group) becomes the set of its programs, so "paid by a program
-- of the filter" is one AND per row instead of a semi-join with the year's paid persons.
-- A catalogue of more than 128 programs cannot be held so: the install stops with that message.
with programs as (
    select * from stg_programs
),

numbered as (
    select
        program_id,
        program_group,
        row_number() over (order by program_id) - 1 as bit_index
    from programs
),

final as (
    select
        program_id,
        program_group,
        case
            when bit_index < 128 then 1::uhugeint << bit_index::uhugeint
            else error('more than 128 programs: the program sets of mart_coverage hold 128 (int_program_bits)')
        end as bit
    from numbered
)

select * from final
