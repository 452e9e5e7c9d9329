-- The one masking rule (docs/ARCHITECTURE.md, Masking). Every layer runs this file through
-- contract.masking.install_macros: the loader (rejects.raw_row, rejects.value), the views
-- (queries/install.py) and Python callers (contract.masking.mask_id / mask_name / mask_series /
-- mask_personal, which evaluate these macros on a private DuckDB connection). Nothing else spells the
-- rule out, nor the detector of personal shapes (mask_personal, at the end of this file).
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

-- personal shapes in any text: the detector for cells whose column is not known to be safe (the
-- extra columns of a file, free text, a rejected row), used by the loader (rejects.value, raw_row,
-- reasons) and by every reader (contract.masking.mask_personal / find_personal run these macros).
-- personal_pattern() matches, leftmost first (so a longer reading wins over a shorter one inside it):
--   [0-9]{17}[Xx]([0-9]{2})?             an ID number ending in X, or a 20-character 残疾证号 with it
--                                         inside (ID number + category digit + grade digit);
--   [0-9]{11,}                           any run of 11 or more digits: an ID number (15 or 18), a
--                                         残疾证号 (20), a bank card (16-19), a mobile (11) or a landline
--                                         written with its area code;
--   [0-9]{4}([ -][0-9]{4}){3}(…)?        a bank card in groups of four;
--   [0-9]{6}[ -][0-9]{8}[ -][0-9]{3}…    an ID number in its three groups;
--   (\+?86[ -]?)?1[3-9]…                 a mobile written 3-4-4, with or without +86;
--   \(?0[0-9]{2,3}\)?[ -]?[0-9]{7,8}     a landline with its area code (0571-88123456, (010)12345678).
-- Full-width digits count as digits. Dates (2020-01-15), amounts (1,234.50), row numbers and the
-- federation's short keys (P001, F000123) match none of these.
-- local_phone_pattern(): a local number without its area code, 8 digits standing alone (not inside a
-- longer run of digits, not next to a decimal point), first digit 2-9 (local numbers never start with
-- 0 or 1), and not a date written YYYYMMDD (20200315 stays; 20201332 is not a date, so it is masked).
-- Its second group is the number; mask_local_phones(x) masks each with mask_id (all '*': 8 < 15).
-- mask_personal(x): x with every match replaced by mask_id(match), so the same rule hides it
-- ('13812345678' -> 11 '*', '6222021234567890123' -> '6222*************23'); text without a match is
-- returned unchanged; NULL stays NULL. chr(1) marks the matches while they are masked, so it is
-- dropped from the text (a control character no contract value holds).
create or replace macro personal_pattern() as
    '[0-9０-９]{17}[Xx]([0-9０-９]{2})?|[0-9０-９]{11,}|[0-9０-９]{4}([ -][0-9０-９]{4}){3}([ -]?[0-9０-９]{1,3})?|[0-9０-９]{6}[ -][0-9０-９]{8}[ -][0-9０-９]{3}[0-9０-９Xx]|(\+?86[ -]?)?1[3-9][0-9０-９]([ -][0-9０-９]{4}){2}|\(?0[0-9０-９]{2,3}\)?[ -]?[0-9０-９]{7,8}';

create or replace macro local_phone_pattern() as
    '(^|[^0-9０-９.])([3-9３-９][0-9０-９]{7}|[2２][1-9１-９][0-9０-９]{6}|[2２][0０][0-9０-９]{2}(?:[0０][0０][0-9０-９]{2}|1[3-9][0-9]{2}|[2-9][0-9]{3}|(?:0[1-9]|1[0-2])(?:00|3[2-9]|[4-9][0-9])))($|[^0-9０-９.])';

-- twice: two numbers separated by one character share it as their boundary, and a match takes it
create or replace macro mask_local_phones(x) as
    regexp_replace(regexp_replace(x, local_phone_pattern(), '\1********\3', 'g'),
                   local_phone_pattern(), '\1********\3', 'g');

create or replace macro mask_personal(x) as
    case
        when x is null then null
        when not regexp_matches(x, personal_pattern()) then mask_local_phones(x)
        else mask_local_phones(array_to_string(
            list_transform(
                string_split(regexp_replace(replace(x, chr(1), ''), personal_pattern(), chr(1) || '\0' || chr(1), 'g'),
                             chr(1)),
                lambda part, i: case when i % 2 = 0 then mask_id(part) else part end),
            ''))
    end;
