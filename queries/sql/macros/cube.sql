-- Pre-aggregation macros.
-- spend_cube_level(program, program_group): the program_level of mart_spend_cube's rows that answer a
--   query with these filters (NULL = no filter): 0 = one program, 1 = one program group, 3 = every
--   program. The one definition of that choice: kpi_overview and monthly_spend call it.
create or replace macro spend_cube_level(program, program_group) as
    case when program is not null then 0 when program_group is not null then 1 else 3 end;
