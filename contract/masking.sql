-- The one masking rule (docs/ARCHITECTURE.md, Masking). Every layer runs this file through
-- contract.masking.install_macros: the loader (rejects.raw_row, rejects.value), the views
-- (queries/install.py) and Python callers (contract.masking.mask_id / mask_name / mask_series,
-- which evaluate these macros on a private DuckDB connection). Nothing else spells the rule out.
--
-- id_number: the first 4 and the last 2 characters kept, every other character '*'
--   ('330106195003150033' -> '3301************33', 15 digits -> '3301*********12').
--   Shorter than 15 characters (the old 15-digit number is the shortest real one): every character
--   '*', because keeping 6 characters would show more than the 40 % a 15-digit number shows
--   ('12345' -> '*****', a 14-character value -> 14 '*'). NULL stays NULL, '' stays ''.
-- name: the first character kept, every other one '*' ('张三' -> '张*', '欧阳娜娜' -> '欧***').
--   A one-character value is all '*' ('王' -> '*'): keeping it would show the whole value.
--   NULL stays NULL, '' stays ''.
-- Lengths count characters (Unicode code points), as Python's len() does.

create or replace macro mask_id(x) as
    case
        when x is null then null
        when length(x) < 15 then repeat('*', length(x))
        else left(x, 4) || repeat('*', length(x) - 6) || right(x, 2)
    end;

create or replace macro mask_name(x) as
    case
        when x is null then null
        when length(x) <= 1 then repeat('*', length(x))
        else left(x, 1) || repeat('*', length(x) - 1)
    end;
