"""Contract rules as SQL: stage a prepared file, find every broken rule, load the good rows.

Each file goes through three set-based steps in DuckDB (no Python loop over rows):
1. stage: the raw text of every non-blank row with its row number as a person sees it;
2. rejects: one pass of row rules (required, types, enums, dates, ID numbers, …) producing a list of
   broken rules per row, then one query per unique key and per reference;
3. load: the rows with no broken rule, cast to the contract types and mapped to canonical values.
A row is therefore loaded or rejected, never both, and read = loaded + rejected by construction.

Every broken rule becomes one row of the `rejects` table: the rule key, the offending cell as `value`
(masked unless the column is known to hold no personal data), and the reason written twice,
`reason_zh` and `reason_en`, so that no reader has to take a bilingual sentence apart. The words of
each rule key are in RULES and are written to the `reject_rules` table of every load.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import NamedTuple

import duckdb

from contract import TABLES, Column, Table, idnumber, masking, sql_type
from loader.readers import (
    ENCODING_NAMES,
    MAX_CELL_CHARS,
    UNDECODABLE,
    ContractError,
    PreparedFile,
    empty_lines,
    normalise_header,
)


class RuleWords(NamedTuple):
    """A rule key in words, once in Chinese and once in English."""

    zh: str
    en: str


# rule key -> its words (table reject_rules, the dashboard's rule labels, docs)
RULES: dict[str, RuleWords] = {
    "required": RuleWords("必填项为空", "required value is empty"),
    "required_if_certified": RuleWords("持证人员必须填写残疾类别和等级", "category and grade are required when 持证"),
    "required_if_surveyed": RuleWords("已调查必须填写调查日期", "survey_date is required when surveyed"),
    "int": RuleWords("不是整数", "not a whole number"),
    "money": RuleWords("不是金额", "not an amount of money"),
    "money_decimals": RuleWords("金额最多两位小数", "money has more than 2 decimals"),
    "min_value": RuleWords("小于最小允许值", "below the minimum allowed"),
    "amount_positive": RuleWords("发放金额必须大于 0", "amount must be > 0"),
    "date": RuleWords("不是有效日期", "not a valid date"),
    "month": RuleWords("不是有效月份 YYYY-MM", "not a valid month"),
    "flag": RuleWords("应为 0 或 1", "must be 0 or 1"),
    "enum": RuleWords("不是允许的值", "not an accepted value"),
    "future_date": RuleWords("日期在未来", "date is in the future"),
    "date_order": RuleWords("日期早于申请日期", "date is before submitted_date"),
    "id_format": RuleWords("身份证号格式错误", "ID number is not 18 characters"),
    "id_old_15": RuleWords("15 位旧身份证号", "old 15-digit ID number"),
    "id_check_digit": RuleWords("身份证号校验位错误", "ID number check digit is wrong"),
    "id_birth_date": RuleWords("身份证号中的出生日期无效", "birth date inside the ID number is not a real date"),
    "id_birth_mismatch": RuleWords("身份证号中的出生日期与出生日期列不符",
                                   "ID number's birth date differs from birth_date"),
    "id_excel_number": RuleWords("身份证号被 Excel 存成数字，丢失位数",
                                 "ID number stored as a number by Excel, digits lost"),
    "column_count": RuleWords("该行列数多于表头", "row has more fields than the header"),
    "unique": RuleWords("编号重复", "duplicate key"),
    "unknown_person": RuleWords("人员编号在人员名册中不存在", "person_id not found in persons"),
    "rejected_person": RuleWords("该人员在人员名册中被拒绝", "the person's own row was rejected"),
    "unknown_program": RuleWords("项目编号在补贴项目中不存在", "program_id not found in programs"),
    "rejected_program": RuleWords("该项目在补贴项目中被拒绝", "the program's own row was rejected"),
    "unknown_application": RuleWords("申请编号在申请表中不存在", "application_id not found in applications"),
    "rejected_application": RuleWords("该申请在申请表中被拒绝", "the application's own row was rejected"),
    # rows and cells that cannot be read as written (find_unreadable)
    "csv_quote": RuleWords("引号不成对", "a quote is never closed"),
    "line_too_long": RuleWords("该行过长", "line too long"),
    "bad_bytes": RuleWords("含有不是 UTF-8 编码的字节", "bytes that are not UTF-8"),
    "undecodable": RuleWords("含有无法按文件编码（GB18030、Big5）解码的字节",
                             "bytes that do not decode in the file's encoding (GB18030, Big5)"),
    "nul_char": RuleWords("含有空字符 NUL", "contains a NUL character"),
    "formula_no_value": RuleWords("公式没有保存计算结果", "formula without a saved result"),
    "cell_error": RuleWords("单元格是 Excel 错误值", "an Excel error value"),
    "cell_too_long": RuleWords("单元格过长", "cell too long"),
}

# Extra columns (not in the contract) are never known to be safe: rejects.raw_row masks each one
# whole, by mask_name when its header says it is a name, by mask_id (all '*' below 15 characters)
# otherwise; guardian and payee names, phones, addresses and card numbers included.
MASK_NAME_HEADERS = {normalise_header(h) for h in ("name", "姓名", "名字")}

# comparisons the contract states between two date columns of one row
DATE_ORDER = {"applications": (("decided_date", "submitted_date"), ("first_paid_date", "submitted_date"))}

_TRIM = " \t\r\n\u3000\u00a0\ufeff"
_REF_NAMES = {"persons": "person", "programs": "program", "applications": "application"}
# tables some contract column refers to (derived from the contract, so a new reference is covered)
PARENT_TABLES = frozenset(c.refs[0] for t in TABLES.values() for c in t.columns if c.refs)
SMALL_FILE = 50_000  # rows; below this the parse query is not worth optimising
OVERFLOW = 16  # spare CSV fields read so that a row with too many fields is rejected, not fatal
VALUE_CHARS = 40  # characters of an offending cell kept in rejects.value
MAX_LINE_BYTES = 2_000_000  # a CSV line longer than this is rejected (line_too_long), not read
REPAIR_ROUNDS = 8  # rounds of finding unreadable lines (each may hide the next) before giving up on a file
# A line the reader cannot read is replaced, in a copy, by MARK + a code + its text without quotes, so
# that it is read as one row and rejected. MARK is a Unicode noncharacter: it never occurs in text.
MARK = "\ufdd0"
_UNREADABLE = {"UNQUOTED VALUE": "q", "LINE SIZE OVER MAXIMUM": "l", "INVALID ENCODING": "e"}
_MARKED = {
    "q": ("csv_quote", "该行有未闭合的引号（多余的双引号？），无法按 CSV 读取；请删除或补全该引号",
          "a quote in this row is never closed (a stray double quote?), so the row cannot be read as CSV; "
          "remove or close it"),
    "l": ("line_too_long", f"该行超过 {MAX_LINE_BYTES:,} 字节（异常长的单元格？），未读取",
          f"the row is longer than {MAX_LINE_BYTES:,} bytes (an oversized cell?) and was not read"),
    "e": ("bad_bytes", "该行含有不是 UTF-8 编码的字节（文件损坏，或混入了其他编码的文字）",
          "the row holds bytes that are not UTF-8 (a damaged file, or text in another encoding)"),
}

# SQL helpers, created once per connection as temporary macros (they never reach the database file).
MACROS = r"""
-- trimming is costly, so only values starting or ending with a blank are trimmed
create or replace temp macro ld_clean(x) as case
    when x = '' then null
    when ascii(x) in (@TRIMCODES@) or ascii(right(x, 1)) in (@TRIMCODES@) then nullif(trim(x, '@TRIM@'), '')
    else x end;
create or replace temp macro ld_int(v) as case when regexp_full_match(v, '[+-]?[0-9]+(\.0*)?')
    then try_cast(regexp_extract(v, '^[+-]?[0-9]+') as integer) end;
create or replace temp macro ld_money_text(v) as regexp_replace(v, '[¥￥\s]', '', 'g');
-- money: the plain spelling (digits, optional point and decimals) is cast directly; only other
-- spellings (thousands separators, currency signs) go through the slower path. CASE, unlike
-- coalesce, evaluates a branch only for the rows that reach it.
create or replace temp macro ld_money(v) as case
    when regexp_full_match(v, '[+-]?[0-9]+(\.[0-9]*)?') then try_cast(v as decimal(14,2))
    -- a comma is a thousands separator only between groups of three digits: 12,34 is not 1234
    when regexp_full_match(ld_money_text(v), '[+-]?(([0-9]{1,3}(,[0-9]{3})+|[0-9]+)(\.[0-9]*)?|\.[0-9]+)')
        then try_cast(replace(ld_money_text(v), ',', '') as decimal(14,2)) end;
-- at most two decimals, trailing zeros allowed (string arithmetic: no regular expression needed)
create or replace temp macro ld_money_decimals_ok(v) as
    strpos(v, '.') = 0 or length(rtrim(v, '0')) - strpos(v, '.') <= 2;
-- a year written alone (1800-2199, optionally 2020.0 as a General cell saves it)
create or replace temp macro ld_is_year(v) as regexp_full_match(v, '(1[89]|2[01])[0-9]{2}(\.0*)?');
-- Every date spelling checks the year range (1900-2100) on the text or the serial number, so that
-- each macro names its input once: DuckDB inlines macros, and a value used twice is parsed twice.
create or replace temp macro ld_date_slow(v) as case
    when regexp_full_match(v, '(19[0-9]{2}|20[0-9]{2}|2100)[-/.年][0-9]{1,2}[-/.月][0-9]{1,2}日?'
                              '([ T][0-9]{1,2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?)?')
        then try_strptime(regexp_replace(regexp_extract(v, '^[0-9]{4}[-/.年][0-9]{1,2}[-/.月][0-9]{1,2}'),
                                         '[/.年月]', '-', 'g'), '%Y-%m-%d')::date
    when regexp_full_match(v, '(19[0-9]{2}|20[0-9]{2}|2100)[0-9]{4}') then try_strptime(v, '%Y%m%d')::date
    -- an Excel serial day number (1900 date system; serial 1 = 1900-01-01, 73415 = 2100-12-31), but
    -- never a bare year: 2020 is a year typed alone, not serial 2020 (1905-07-12)
    when regexp_full_match(v, '[0-9]{1,5}(\.[0-9]+)?') and not ld_is_year(v) and v::double between 1 and 73416
        then date '1899-12-30' + floor(v::double)::integer
    end;
-- The contract spelling YYYY-MM-DD takes a fast cast; every other accepted spelling the slow path.
create or replace temp macro ld_date(v) as case
    when length(v) = 10 and substr(v, 5, 1) = '-' and substr(v, 8, 1) = '-'
        then case when substr(v, 1, 4) between '1900' and '2100' then try_cast(v as date) end
    else ld_date_slow(v) end;
create or replace temp macro ld_month_slow(v) as case
    when regexp_full_match(v, '(19[0-9]{2}|20[0-9]{2}|2100)[-/.年][0-9]{1,2}月?')
        then try_strptime(regexp_replace(regexp_replace(v, '月$', ''), '[/.年]', '-', 'g') || '-1', '%Y-%m-%d')::date
    when regexp_full_match(v, '(19[0-9]{2}|20[0-9]{2}|2100)[0-9]{2}') then try_strptime(v || '01', '%Y%m%d')::date
    -- Excel turns a typed 2020-03 into the date 2020-03-01: accept a date on the first of a month
    when regexp_full_match(v, '[0-9]{4}[-/.年][0-9]{1,2}[-/.月]0?1日?([ T][0-9:.]+)?|[0-9]{6}01') then ld_date_slow(v)
    -- the same date as an Excel serial number (a General-format cell saved to CSV)
    when regexp_full_match(v, '[0-9]{1,5}(\.0+)?') and day(ld_date_slow(v)) = 1 then ld_date_slow(v)
    end;
create or replace temp macro ld_month(v) as case
    when length(v) = 7 and substr(v, 5, 1) = '-'
        then case when substr(v, 1, 4) between '1900' and '2100' then try_cast(v || '-01' as date) end
    else ld_month_slow(v) end;
create or replace temp macro ld_flag(v) as case lower(v)
    when '0' then 0 when '0.0' then 0 when '否' then 0 when 'n' then 0 when 'no' then 0 when 'false' then 0
    when '1' then 1 when '1.0' then 1 when '是' then 1 when 'y' then 1 when 'yes' then 1 when 'true' then 1
    end;
-- the offending cell as recorded in rejects.value: long junk is cut, it is only an example
create or replace temp macro ld_value(v) as left(v, @VALUE_CHARS@);
"""


def install_macros(con: duckdb.DuckDBPyConnection) -> None:
    """Create the parsing macros on a connection (temporary: nothing is written to the file) and the
    contract's masking macros `mask_id` / `mask_name` (contract/masking.sql), which rejects use."""
    codes = ", ".join(str(ord(ch)) for ch in _TRIM)
    con.execute(MACROS.replace("@TRIM@", _TRIM).replace("@TRIMCODES@", codes)
                .replace("@VALUE_CHARS@", str(VALUE_CHARS)))
    masking.install_macros(con)


def q(name: str) -> str:
    """A quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def lit(text: str) -> str:
    """A SQL string literal (for constant texts we write ourselves, never for data values)."""
    return "'" + text.replace("'", "''") + "'"


# --------------------------------------------------------------------------------------- staging
def _csv_options(prep: PreparedFile, n: int) -> str:
    """read_csv options for the prepared file with `n` VARCHAR columns f0…f<n-1>."""
    columns = "{" + ", ".join(f"'f{j}': 'VARCHAR'" for j in range(n)) + "}"
    return (f"header = false, skip = {prep.skip}, auto_detect = false, columns = {columns}, "
            f"delim = {lit(prep.delimiter)}, quote = '\"', escape = '\"', strict_mode = true, "
            f"max_line_size = {MAX_LINE_BYTES}")


def stage(con: duckdb.DuckDBPyConnection, prep: PreparedFile, name: str) -> int:
    """Read the prepared CSV into temp table `name`: raw text per column, `__row`, `__over`, and
    `__bad` / `__flags` for what find_unreadable rejects.

    Returns the number of rows read (blank rows excluded: they carry no data). A line DuckDB cannot
    read is replaced by a marked line first (_mark_unreadable_lines), so that it is one rejected row."""
    table = TABLES[prep.table]
    width = prep.width

    def read(tolerant: bool) -> int:
        n = width + (OVERFLOW if tolerant else 0)
        by_pos = {c.position: c for c in prep.columns}
        select = []
        if prep.row_column is not None:
            select.append(f"cast(f{prep.row_column} as integer) as __row")
            select.append(f"f{prep.id_numeric_column} = '1' as __idnum")
        else:
            # DuckDB keeps file order through a parallel CSV scan (preserve_insertion_order, checked
            # on 5 million rows), so the ordinal plus the header's last line is the row a person sees
            select.append(f"cast(row_number() over () + {prep.row_offset} as integer) as __row")
            select.append("false as __idnum")
        present = set()
        for j in range(len(prep.columns)):
            c = by_pos[j]
            alias = q(c.name) if c.contract else f"__x{j}"
            present.add(c.name)
            cell = f"f{j}"
            if j == 0 and prep.repaired:  # a marked line: MARK, its code, then its first cell
                cell = f"case when starts_with(f0, {lit(MARK)}) then nullif(substr(f0, 3), '') else f0 end"
            select.append(f"{cell} as {alias}")
        for col in table.columns:
            if col.name not in present:
                select.append(f"null::varchar as {q(col.name)}")
        if tolerant:
            over = ", ".join(f"f{j}" for j in range(width, n))
            select.append(f"concat_ws('', {over}) <> '' as __over")
        else:
            select.append("false as __over")
        select.append(f"case when starts_with(f0, {lit(MARK)}) then substr(f0, 2, 1) end as __bad"
                      if prep.repaired else "null::varchar as __bad")
        flags = f"nullif(f{prep.flags_column}, '')" if prep.flags_column is not None else "null::varchar"
        select.append(f"{flags} as __flags")
        data_cols = [f"f{j}" for j in range(len(prep.columns))]
        if prep.flags_column is not None:  # a row whose only cells are unreadable is still a row read
            data_cols.append(f"f{prep.flags_column}")
        blank = f"ld_clean(concat({', '.join(data_cols)})) is null"
        opts = _csv_options(prep, n)
        if tolerant:
            opts += ", null_padding = true, parallel = false"
        # blank rows stay until the rows are numbered (a blank row is a line too), then go
        con.execute(f"""
            create or replace temp table {name} as
            select {', '.join(select)}, {blank} as __blank
            from read_csv({lit(str(prep.csv_path))}, {opts})
        """)
        return con.execute(f"select count(*) filter (where not __blank) from {name}").fetchone()[0]

    def read_all() -> int:
        try:
            return read(tolerant=False)
        except duckdb.Error:
            pass
        # Most files never get here. Lines DuckDB cannot read at all are marked first; then rows with
        # too many or too few fields (or line breaks inside quotes) need the slower, single-threaded
        # tolerant reader.
        expected = _mark_unreadable_lines(con, prep)
        n = None
        if prep.repaired:
            try:
                n = read(tolerant=False)
            except duckdb.Error:
                n = None
        if n is None:
            try:
                n = read(tolerant=True)
            except duckdb.Error as exc:
                first = str(exc).splitlines()[0][:200]
                raise ContractError(f"{prep.source.name}: CSV 格式错误，无法读取 (malformed CSV: {first})") from None
        if n < expected:
            # the single-threaded reader can swallow lines after a quote it misreads: never silently
            raise ContractError(f"{prep.source.name}: CSV 格式错误，部分行无法可靠读取，请另存为标准 CSV "
                                f"(malformed CSV: {expected - n} rows could not be read reliably; "
                                f"save the file again as a standard CSV)")
        return n

    n = read_all()
    if prep.row_column is None:
        for _ in range(REPAIR_ROUNDS):
            records = con.execute(f"select count(*) from {name}").fetchone()[0]
            empties = empty_lines(prep.csv_path, prep.skip) if prep.blank_lines else []
            # a record spanning lines (a line break inside quotes) makes the count of records fall short
            # of the lines: two stray quotes pair up so, or a legitimate multi-line cell does
            multiline = records < prep.lines - prep.skip - len(empties)
            if multiline and _mark_paired_quotes(prep):
                n = read_all()
                continue
            if empties or multiline:
                _number_physical_lines(con, prep, name, empties, multiline)
            break
    con.execute(f"delete from {name} where __blank; alter table {name} drop column __blank")
    if n == 0 and prep.has_data:
        # a guard, not a path we know to take: data rows seen by Python but none read by DuckDB
        raise ContractError(f"{prep.source.name}: 无法读取数据行，请另存为标准 CSV "
                            f"(no data rows could be read; save the file again as a standard CSV)")
    return n


def _number_physical_lines(con: duckdb.DuckDBPyConnection, prep: PreparedFile, name: str, empties: list[int],
                           multiline: bool) -> None:
    """Give every staged row the number of the line it starts on, as an editor shows the file: the
    reader's ordinal counts neither the empty lines it skips nor the extra lines of a cell holding a
    line break. Runs only for a file that has either.

    A record's ordinal position plus the extra lines of the records before it is its line number
    without empty lines (`__base`); each empty line whose count of non-empty lines before it is below
    that number moves it down one (an ASOF join on the list of empty lines)."""
    fields = [q(c.name) if c.contract else f"__x{c.position}" for c in prep.columns]
    con.execute("create or replace temp table __ld_empty (n bigint, k bigint)")
    if empties:
        # the i-th empty line (from 1) at line e has e - i non-empty lines above it
        con.executemany("insert into __ld_empty values (?, ?)", [[e - i, i] for i, e in enumerate(empties, 1)])
    base = "__row"
    if multiline:
        text = f"concat_ws(chr(31), {', '.join(f'coalesce({f}, {lit(chr(0x1f))})' for f in fields)})"
        pieces = f"string_split({text}, chr(10))"
        # line breaks inside the cells, less the empty lines among them (those are in __ld_empty already)
        extra = (f"len({pieces}) - 1 - len(list_filter({pieces}[2:-2], lambda x: x = '' or x = chr(13)))")
        before = "over (order by __row rows between unbounded preceding and 1 preceding)"
        base = f"__row + coalesce(sum({extra}) {before}, 0)"
    con.execute(f"""
        create or replace temp table {name} as
        with s as (select *, {base} as __base from {name}),
             e as (select n, max(k) as k from __ld_empty group by n)
        select s.* exclude (__base) replace (cast(s.__base + coalesce(e.k, 0) as integer) as __row)
        from s asof left join e on s.__base > e.n
        order by s.__base
    """)
    con.execute("drop table __ld_empty")


def _mark_paired_quotes(prep: PreparedFile) -> int:
    """Mark (see _mark_unreadable_lines) both lines of every pair of stray quotes that the CSV reader
    read as one cell spanning lines, and return how many lines were marked.

    A quote opened in one row and closed in a later one swallows the rows between into one cell, and
    the reader reports no error. It is told apart from a legitimate cell holding a line break by the
    lines themselves: read without quotes, every line of such a span has exactly the header's number
    of fields (a row of its own), while a real multi-line cell splits its row's fields over its lines.
    Only files whose records span lines get here; the lines are scanned once, in Python."""
    delim = prep.delimiter.encode()
    width = len(prep.columns)
    marks: dict[int, str] = {}
    with prep.csv_path.open("rb") as f:
        offset, span, open_quote = 0, [], False
        for i, line in enumerate(f):
            start, offset = offset, offset + len(line)
            if i < prep.skip:
                continue
            fields = line.rstrip(b"\r\n").count(delim) + 1
            span.append((start, fields))
            if line.count(b'"') % 2:
                open_quote = not open_quote
            if open_quote:
                continue
            if len(span) > 1 and all(n == width for _, n in span):
                for at in (span[0][0], span[-1][0]):
                    marks[at + 1] = "q"          # _line_at takes 1-based positions
            span = []
    if marks:
        _write_marked(prep, marks)
    return len(marks)


def _unreadable_lines(con: duckdb.DuckDBPyConnection, prep: PreparedFile) -> tuple[dict[int, str], int]:
    """One parallel pass that skips and records faulty lines: {byte position DuckDB gives for each
    line it cannot read at all: code of _UNREADABLE}, and the rows it could read (blank ones included:
    a lower bound for the final read, whose blank rows are dropped the same way).

    Rows with too many or too few fields are not in the dict: the tolerant reader reads them."""
    errors, scans = "__ld_csv_errors", "__ld_csv_scans"
    con.execute(f"drop table if exists {errors}; drop table if exists {scans}")
    opts = (_csv_options(prep, prep.width) + ", ignore_errors = true, store_rejects = true, "
            f"rejects_table = {lit(errors)}, rejects_scan = {lit(scans)}")
    data_cols = ", ".join(f"f{j}" for j in range(len(prep.columns)))
    # fetchall, not fetchone: DuckDB writes the rejects table only once the result is consumed
    ((good,),) = con.execute(f"select count(*) filter (where ld_clean(concat({data_cols})) is not null) "
                             f"from read_csv({lit(str(prep.csv_path))}, {opts})").fetchall()
    types = ", ".join(lit(t) for t in _UNREADABLE)
    rows = con.execute(f"select line_byte_position, any_value(error_type) from {errors} "
                       f"where error_type in ({types}) group by all order by 1").fetchall()
    miscounted = con.execute(f"select count(distinct line) from {errors} where error_type not in ({types}) "
                             f"and ld_clean(replace(csv_line, {lit(prep.delimiter)}, '')) is not null"
                             ).fetchone()[0]
    con.execute(f"drop table if exists {errors}; drop table if exists {scans}")
    return {int(pos): _UNREADABLE[kind] for pos, kind in rows}, good + miscounted


def _line_at(f, hint: int) -> tuple[int, int]:
    """(start, end) of the physical line DuckDB reports at byte `hint` (1-based in the versions we
    know; 0-based accepted too): the line starts at the file's start or right after an LF; `end` is
    the position of its line ending (CR of a CRLF, LF, or the end of the file)."""
    start = None
    for cand in (hint - 1, hint):
        if cand == 0:
            start = 0
            break
        if cand > 0:
            f.seek(cand - 1)
            if f.read(1) == b"\n":
                start = cand
                break
    if start is None:  # not at a line start: take the line around the position
        lo = max(0, hint - 65536)
        f.seek(lo)
        back = f.read(hint - lo)
        start = lo + back.rfind(b"\n") + 1
    f.seek(start)
    end = start
    while block := f.read(65536):
        cut = block.find(b"\n")
        if cut >= 0:
            end += cut
            break
        end += len(block)
    if end > start:  # a CRLF stays whole: the marked line keeps the file's line ending
        f.seek(end - 1)
        if f.read(1) == b"\r":
            end -= 1
    return start, end


def _mark_unreadable_lines(con: duckdb.DuckDBPyConnection, prep: PreparedFile) -> int:
    """Replace, in a copy, every line DuckDB cannot read (a quote never closed, a line over
    MAX_LINE_BYTES, bytes that are not UTF-8) by MARK + its code + its text without quotes (cut to the
    header's width; nothing of an oversized line), so that it becomes one row, rejected by
    find_unreadable, instead of failing the file or swallowing the rows after it. A quote never closed
    hides the faulty lines after it, so the search repeats on the copy until none is left.

    Returns the rows the final read must find at least (see _unreadable_lines)."""
    for _ in range(REPAIR_ROUNDS):
        lines, expected = _unreadable_lines(con, prep)
        if not lines:
            return expected
        _write_marked(prep, lines)
    raise ContractError(f"{prep.source.name}: CSV 格式错误，无法读取的行太多 "
                        f"(malformed CSV: too many lines that cannot be read)")


def _write_marked(prep: PreparedFile, lines: dict[int, str]) -> None:
    """Write a copy of the prepared CSV with the lines at the given positions ({1-based byte position
    of the line: code}) marked, and make it the file to read."""
    mark = MARK.encode()
    delim = prep.delimiter.encode()
    data_fields = len(prep.columns)
    out = (prep.workdir or prep.csv_path.parent) / f"{prep.table}.marked-{prep.repaired}.csv"
    with prep.csv_path.open("rb") as src, out.open("wb") as dst:
        done = 0
        for hint, code in sorted(lines.items()):
            start, end = _line_at(src, hint)
            if start < done:
                continue  # two reports for one line
            src.seek(done)
            _copy(src, dst, start - done)
            if code == "l":
                payload = b""
            else:
                src.seek(start)
                text = src.read(end - start).decode("utf-8", errors="replace").replace('"', "")
                payload = delim.join(text.encode().split(delim)[:data_fields])
            dst.write(mark + code.encode() + payload)
            done = end
            prep.repaired += 1
        src.seek(done)
        _copy(src, dst, None)
    if prep.workdir is not None and prep.csv_path.parent == prep.workdir:
        prep.csv_path.unlink(missing_ok=True)  # an earlier copy of ours, not the federation's file
    prep.csv_path = out


def _copy(src, dst, size: int | None) -> None:
    """Copy `size` bytes (all the rest when None) from `src` to `dst` in blocks."""
    while size is None or size > 0:
        block = src.read(4 * 1024 * 1024 if size is None else min(size, 4 * 1024 * 1024))
        if not block:
            return
        dst.write(block)
        if size is not None:
            size -= len(block)


# ------------------------------------------------------------------------------------ expressions
def _enum_case(col: Column, v: str) -> str:
    """CASE mapping every accepted spelling to its canonical value: exact spellings first (cheap), then
    case-insensitively with `1.0` read as `1` (what Excel makes of a typed 1)."""
    key = f"lower(regexp_replace({v}, '^([0-9]+)\\.0+$', '\\1'))"
    seen: dict[str, object] = {}
    for spelling, canon in col.values.items():
        k = str(spelling).lower()
        if k in seen and seen[k] != canon:
            raise ValueError(f"{col.name}: {spelling!r} maps to two values")
        seen[k] = canon

    def sql(canon: object) -> str:
        return str(canon) if isinstance(canon, int) else lit(str(canon))

    exact = " ".join(f"when {lit(str(k))} then {sql(c)}" for k, c in col.values.items())
    loose = " ".join(f"when {lit(k)} then {sql(c)}" for k, c in seen.items())
    return f"(case {v} {exact} else (case {key} {loose} end) end)"


def _accepted(col: Column) -> str:
    shown = []
    for spelling in col.values:
        if spelling.lower() != spelling and spelling.lower() in col.values:
            continue
        shown.append(spelling)
    return "/".join(shown[:20])


def parse_expr(col: Column, v: str) -> str:
    """SQL expression: the canonical typed value of contract column `col` from its cleaned text `v`."""
    if col.name == "id_number":
        return f"upper({v})"
    return {
        "text": v,
        "int": f"ld_int({v})",
        "money": f"ld_money({v})",
        "date": f"ld_date({v})",
        "month": f"ld_month({v})",
        "flag": f"ld_flag({v})",
        "enum": _enum_case(col, v) if col.values else v,
    }[col.kind]


def value_expr(col: Column, raw: str) -> str:
    """SQL expression: the canonical typed value of contract column `col` from its raw text `raw`."""
    return parse_expr(col, f"ld_clean({raw})")


def parse(con: duckdb.DuckDBPyConnection, table: Table, prep: PreparedFile, stage_name: str, parsed: str) -> None:
    """Materialise every value once, typed: `p_<col>` (canonical value or NULL) and `h_<col>` (the
    cell had text). The rules and the final insert read this table, so each value is parsed once."""
    cols = ["__row", "__idnum as q_idnum", "__over as q_over"]
    inner = ["__row", "__idnum", "__over"]
    for i, col in enumerate(table.columns):
        inner.append(f"ld_clean({q(col.name)}) as c{i}")
        cols.append(f"{parse_expr(col, f'c{i}')} as {q('p_' + col.name)}")
        cols.append(f"c{i} is not null as {q('h_' + col.name)}")
        if col.kind == "money":
            # the cast to DECIMAL(14,2) rounds, so the decimals are counted on the text
            cols.append(f"ld_money_decimals_ok(c{i}) as {q('d_' + col.name)}")
    for c in prep.columns:
        if not c.contract:
            inner.append(f"ld_clean(__x{c.position}) as __x{c.position}")
            cols.append(f"__x{c.position}")
    unreadable = " where __bad is null" if prep.repaired else ""  # rejected by find_unreadable alone
    sql = (f"create or replace temp table {parsed} as "
           f"select {', '.join(cols)} from (select {', '.join(inner)} from {stage_name}{unreadable})")
    rows = con.execute(f"select count(*) from {stage_name}").fetchone()[0]
    if rows < SMALL_FILE:
        # Optimising this wide expression tree (inlined macros, enum CASEs) costs ~0.2 s, more than
        # evaluating it on a small file; the plan is a plain projection either way.
        con.execute("set enable_optimizer = false")
        try:
            con.execute(sql)
        finally:
            con.execute("set enable_optimizer = true")
    else:
        con.execute(sql)


@dataclass(frozen=True)
class Check:
    """One rule decided by a row alone, as SQL: when it is broken and what is recorded when it is.

    `broken` reads the parsed table only (`p_x`, `h_x`, `q_x`: cheap, evaluated for every row);
    `zh`, `en` (the reason in each language) and `value` (the offending cell, masked where personal)
    may also read the raw text `ld_clean(s."x")` and are evaluated only for the rows that broke it."""

    column: str | None
    rule: str
    broken: str
    zh: str
    en: str
    value: str = "null::varchar"


def _shown(table: Table, col: Column, v: str) -> str:
    """SQL: the cell `v` of `col` as recorded in rejects.value. Shown as written only where the column
    is known to hold no personal data (a typed value, or a key or reference the federation assigns);
    otherwise masked by the contract's rule (contract/masking.sql): a name by mask_name, anything
    else by mask_id, which hides every character of a value shorter than 15."""
    v = f"ld_value({v})"
    if col.kind != "text" or col.unique or col.refs:
        return v
    if table.name == "persons" and col.name == "name":
        return f"mask_name({v})"
    return f"mask_id({v})"


def _row_rules(table: Table, today: dt.date) -> list[Check]:
    """Every rule decided by one row alone, with its reason in Chinese and in English."""
    rules: list[Check] = []
    zh = {c.name: c.zh for c in table.columns}

    def p(name: str) -> str:
        return q("p_" + name)

    def raw(name: str) -> str:
        return f"ld_clean(s.{q(name)})"

    for col in table.columns:
        name, label = col.name, f"{col.zh}({col.name})"
        h, pv, shown = q("h_" + name), p(name), _shown(table, col, raw(name))

        def add(rule: str, broken: str, words_zh: str, words_en: str) -> None:
            rules.append(Check(name, rule, broken, lit(f"{label} {words_zh}"), lit(f"{name}: {words_en}"), shown))

        def add_if(rule: str, broken: str, words_zh: str, words_en: str, cond: str, cond_zh: str,
                   cond_en: str) -> None:
            # the reason for the rows where `cond` (on the raw text) holds names what went wrong
            def either(this: str, that: str) -> str:
                return f"case when {cond} then {lit(this)} else {lit(that)} end"
            rules.append(Check(name, rule, broken, either(f"{label} {cond_zh}", f"{label} {words_zh}"),
                               either(f"{name}: {cond_en}", f"{name}: {words_en}"), shown))

        if col.required:
            rules.append(Check(name, "required", f"not {h}", lit(f"{label} 为必填项，不能为空"),
                               lit(f"{name}: required, but empty")))
        if name == "id_number":
            continue  # its own rules below
        broken = f"{h} and {pv} is null"
        if col.kind == "int":
            add("int", broken, "不是整数", "not a whole number")
        elif col.kind == "money":
            add_if("money", broken, "不是金额（元）", "not an amount in yuan", f"contains({raw(name)}, ',')",
                   "不是金额：逗号只能用作千位分隔符（如 1,234.50），小数请用小数点",
                   "not an amount: a comma only separates thousands (1,234.50); write decimals with a point")
        elif col.kind == "date":
            add_if("date", broken, "不是有效日期（应为 YYYY-MM-DD）", "not a valid date (YYYY-MM-DD)",
                   f"ld_is_year({raw(name)})", "只有年份，不是完整日期（应为 YYYY-MM-DD）",
                   "a year alone is not a date (YYYY-MM-DD)")
        elif col.kind == "month":
            add_if("month", broken, "不是有效月份（应为 YYYY-MM）", "not a valid month (YYYY-MM)",
                   f"ld_is_year({raw(name)})", "只有年份，不是月份（应为 YYYY-MM）",
                   "a year alone is not a month (YYYY-MM)")
        elif col.kind == "flag":
            add("flag", broken, "应为 0 或 1", "must be 0 or 1")
        elif col.kind == "enum" and col.values:
            accepted = _accepted(col)
            add("enum", broken, f"不在允许范围内，应为 {accepted}", f"not an accepted value ({accepted})")
        if col.kind == "money":
            add("money_decimals", f"{pv} is not null and not {q('d_' + name)}", "金额最多两位小数",
                "money has more than 2 decimals")
        if col.min_value is not None and col.kind in ("int", "money"):
            m = col.min_value
            limit = int(m) if float(m).is_integer() else m
            add("min_value", f"{pv} < {m}", f"不能小于 {limit}", f"must be >= {limit}")
    if table.name == "payments":
        rules.append(Check("amount", "amount_positive", f"{p('amount')} <= 0",
                           lit("金额(amount) 必须大于 0（冲销不入库）"),
                           lit("amount: must be > 0 (reversals are not loaded)"),
                           _shown(table, table.column("amount"), raw("amount"))))
    if table.name == "persons":
        rules.append(Check("birth_date", "future_date", f"{p('birth_date')} > date {lit(today.isoformat())}",
                           lit("出生日期(birth_date) 在未来"), lit("birth_date: in the future"),
                           _shown(table, table.column("birth_date"), raw("birth_date"))))
        for name in ("category", "grade"):
            rules.append(Check(name, "required_if_certified", f"{p('cert_status')} = '持证' and not {q('h_' + name)}",
                               lit(f"持证人员必须填写{zh[name]}({name})"),
                               lit(f"{name}: required when cert_status is 持证")))
        rules.extend(_id_rules(p("id_number"), p("birth_date"),
                               _shown(table, table.column("id_number"), raw("id_number"))))
    if table.name == "census":
        rules.append(Check("survey_date", "required_if_surveyed",
                           f"{p('survey_status')} = 'surveyed' and not \"h_survey_date\"",
                           lit("已调查必须填写调查日期(survey_date)"),
                           lit("survey_date: required when survey_status is surveyed")))
    for later, earlier in DATE_ORDER.get(table.name, ()):
        a, b = p(later), p(earlier)
        rules.append(Check(later, "date_order", f"{a} < {b}",
                           f"{lit(f'{zh[later]}({later}) 早于{zh[earlier]}({earlier}) ')} || {b}::varchar",
                           f"{lit(later + ': before ' + earlier + ' ')} || {b}::varchar",
                           _shown(table, table.column(later), raw(later))))
    rules.append(Check(None, "column_count", "q_over", lit("该行字段数多于表头，可能有未加引号的逗号"),
                       lit("row has more fields than the header (an unquoted comma?)")))
    return rules


def _id_rules(v: str, birth: str, shown: str) -> list[Check]:
    """ID-number rules on the parsed (trimmed, upper-case) number `v`. Reasons never quote the number
    itself (it is personal data); `shown` is the cell masked by mask_id, for rejects.value."""
    well_formed = f"regexp_full_match({v}, '[0-9]{{17}}[0-9X]')"
    old15 = f"regexp_full_match({v}, '[0-9]{{15}}')"
    embedded = f"try_strptime(substr({v}, 7, 8), '%Y%m%d')::date"

    def check(rule: str, broken: str, zh: str, en: str) -> Check:
        return Check("id_number", rule, broken, zh, en, shown)

    return [
        check("id_excel_number", "q_idnum",
              lit("身份证号被 Excel 存成数字，丢失位数，请将该列设为文本后重新导出"),
              lit("id_number: stored as a number by Excel, digits lost; format the column as text and export again")),
        check("id_old_15", f"not q_idnum and {old15}",
              lit("15 位旧身份证号，请换成 18 位新号码"),
              lit("id_number: old 15-digit number; give the 18-character one")),
        check("id_format", f"not q_idnum and {v} is not null and not {well_formed} and not {old15}",
              f"'身份证号应为 18 位（17 位数字加校验位），此处为 ' || length({v})::varchar || ' 位或含非法字符'",
              f"'id_number: must be 17 digits plus a check character; this one has ' || length({v})::varchar || "
              f"' characters or a character not allowed'"),
        check("id_check_digit",
              f"not q_idnum and {well_formed} and right({v}, 1) <> {idnumber.sql_check_digit(v)}",
              lit("身份证号校验位错误（GB 11643），可能录入有误"),
              lit("id_number: the check digit is wrong (GB 11643); probably a typing error")),
        check("id_birth_date",
              f"not q_idnum and {well_formed} and ({embedded} is null or year({embedded}) < 1900)",
              lit("身份证号中的出生日期不是有效日期"),
              lit("id_number: the birth date inside it is not a real date")),
        check("id_birth_mismatch",
              f"not q_idnum and {well_formed} and {embedded} is not null and {birth} is not null "
              f"and {embedded} <> {birth}",
              f"'身份证号中的出生日期 ' || {embedded}::varchar || ' 与出生日期(birth_date) ' || {birth}::varchar "
              f"|| ' 不一致'",
              f"'id_number: its birth date ' || {embedded}::varchar || ' differs from birth_date ' "
              f"|| {birth}::varchar"),
    ]


# ---------------------------------------------------------------------------------------- checks
def find_rejects(con: duckdb.DuckDBPyConnection, table: Table, stage_name: str, parsed: str, rej: str,
                 today: dt.date) -> None:
    """Fill temp table `rej(__row, column_name, rule, value, reason_zh, reason_en)` with every broken
    rule of every row."""
    con.execute(f"create or replace temp table {rej} (__row integer, column_name varchar, rule varchar, "
                f"value varchar, reason_zh varchar, reason_en varchar)")
    rules = _row_rules(table, today)
    # One cheap pass finds the rows breaking any rule; only those get their reasons spelled out, and
    # each rule's condition is evaluated once more for them (__b<i>), not once per recorded field.
    anything = " or ".join(f"coalesce({c.broken}, false)" for c in rules)
    hits = ", ".join(f"coalesce({c.broken}, false) as __b{i}" for i, c in enumerate(rules))
    items = ", ".join(
        "{" + f"'hit': __b{i}, 'column_name': {lit(c.column) if c.column else 'null::varchar'}, "
        f"'rule': {lit(c.rule)}, 'value': case when __b{i} then {c.value} end, "
        f"'reason_zh': case when __b{i} then {c.zh} end, 'reason_en': case when __b{i} then {c.en} end" + "}"
        for i, c in enumerate(rules)
    )
    con.execute(f"""
        insert into {rej}
        select __row, err.column_name, err.rule, err.value, err.reason_zh, err.reason_en from (
            select __row, unnest(list_filter([{items}], lambda e: e.hit)) as err
            from (select *, {hits} from {parsed} where {anything}) f
            join {stage_name} s using (__row)
        )
    """)
    keys = [(c.name,) for c in table.columns if c.unique]
    if table.unique_together:
        keys.append(table.unique_together)
    for key in keys:
        kcols = ", ".join(f"{q('p_' + k)} as k{i}" for i, k in enumerate(key))
        knames = ", ".join(f"k{i}" for i in range(len(key)))
        notnull = " and ".join(f"k{i} is not null" for i in range(len(key)))
        # keys are assigned by the federation (never personal), so the value is shown as written
        shown = " || ' / ' || ".join(f"k{i}::varchar" for i in range(len(key)))
        zh_key = " + ".join(f"{table.column(k).zh}({k})" for k in key)
        con.execute(f"""
            insert into {rej}
            with k as (select __row, {kcols} from {parsed}),
                 dup as (select {knames}, min(__row) as first_row from k where {notnull}
                         group by all having count(*) > 1)
            select k.__row, {lit(', '.join(key))}, 'unique', ld_value({shown}),
                   {lit(zh_key + ' 重复，与第 ')} || dup.first_row::varchar || ' 行相同',
                   {lit(', '.join(key) + ': duplicate of row ')} || dup.first_row::varchar
            from k join dup using ({knames})
            where k.__row <> dup.first_row
        """)
    for col in table.columns:
        if not col.refs:
            continue
        parent, pcol = col.refs
        kind = _REF_NAMES[parent]
        head_zh = f"{col.zh}({col.name}) 在{TABLES[parent].zh}({parent})中"
        con.execute(f"""
            insert into {rej}
            select s.__row, {lit(col.name)},
                   case when seen.k is not null then 'rejected_{kind}' else 'unknown_{kind}' end,
                   ld_value(s.v),
                   case when seen.k is not null then {lit(head_zh + '的那一行被拒绝')}
                        else {lit(head_zh + '不存在')} end,
                   case when seen.k is not null then {lit(col.name + ': its row in ' + parent + ' was rejected')}
                        else {lit(col.name + ': not found in ' + parent)} end
            from (select __row, {q('p_' + col.name)} as v from {parsed}) s
            anti join {parent} p on p.{q(pcol)} = s.v
            left join __keys_{parent} seen on seen.k = s.v
            where s.v is not null
        """)


def find_unreadable(con: duckdb.DuckDBPyConnection, table: Table, prep: PreparedFile, stage_name: str,
                    rej: str) -> None:
    """Add to `rej` what could not be read as written, once find_rejects has filled it: marked lines
    (a quote never closed, an oversized line, bytes that are not UTF-8: the whole row, no column),
    XLSX cells flagged by the reader (a formula without a saved result, an Excel error value, an
    oversized cell: calamine reads the first two as empty) and cells
    holding a NUL character. Each query runs only for a file that has such rows."""
    if prep.repaired:
        rule = " ".join(f"when {lit(code)} then {lit(r)}" for code, (r, _, _) in _MARKED.items())
        zh = " ".join(f"when {lit(code)} then {lit(words)}" for code, (_, words, _) in _MARKED.items())
        en = " ".join(f"when {lit(code)} then {lit(words)}" for code, (_, _, words) in _MARKED.items())
        con.execute(f"""
            insert into {rej}
            select __row, null, case __bad {rule} end, null, case __bad {zh} end, case __bad {en} end
            from {stage_name} where __bad is not null
        """)
    labels = {c.position: (c.name, f"{table.column(c.name).zh}({c.name})" if c.contract else c.name)
              for c in prep.columns}
    if prep.flags_column is not None:
        words = {
            "formula_no_value": ("是公式，但文件中没有保存它的计算结果；请在 Excel 中打开、保存后再导出",
                                 "a formula whose result is not saved in the file; open and save it in Excel, "
                                 "then export again"),
            "cell_error": ("是 Excel 错误值（如 #DIV/0!、#N/A），不是数据；请在源表中修正公式后再导出",
                           "an Excel error value (#DIV/0!, #N/A, …), not data; fix the formula in the sheet and "
                           "export again"),
            "cell_too_long": (f"单元格超过 {MAX_CELL_CHARS:,} 个字符，未读取",
                              f"the cell is longer than {MAX_CELL_CHARS:,} characters and was not read"),
        }
        column = " ".join(f"when {pos} then {lit(name)}" for pos, (name, _) in labels.items())
        zh = " ".join(f"when {pos} then {lit(label)}" for pos, (_, label) in labels.items())
        en = " ".join(f"when {pos} then {lit(name)}" for pos, (name, _) in labels.items())
        rule_zh = " ".join(f"when {lit(r)} then {lit(w[0])}" for r, w in words.items())
        rule_en = " ".join(f"when {lit(r)} then {lit(w[1])}" for r, w in words.items())
        con.execute(f"""
            insert into {rej}
            select __row, case pos {column} end, rule, null,
                   (case pos {zh} end) || ' ' || (case rule {rule_zh} end),
                   (case pos {en} end) || ': ' || (case rule {rule_en} end)
            from (select __row, split_part(flag, '@', 1) as rule, split_part(flag, '@', 2)::integer as pos
                  from (select __row, unnest(string_split(__flags, ';')) as flag
                        from {stage_name} where __flags is not null))
        """)
        # the cell reads as empty; "required" or "not a date" would only say so again
        flagged = ", ".join(lit(r) for r in words)
        con.execute(f"""
            delete from {rej} r where r.rule not in ({flagged}) and exists (
                select 1 from {rej} f where f.rule in ({flagged}) and f.__row = r.__row
                                        and f.column_name = r.column_name)
        """)
    if prep.undecodable:
        enc = ENCODING_NAMES.get(prep.encoding or "", prep.encoding or "")
        why_zh = f" 含有无法按 {enc} 解码的字节（文件损坏，或混入了其他编码的文字）"
        why_en = f": bytes that do not decode as {enc} (a damaged file, or text in another encoding)"
        for c in prep.columns:
            src = q(c.name) if c.contract else f"__x{c.position}"
            name, label = labels[c.position]
            con.execute(f"""
                insert into {rej}
                select __row, {lit(name)}, 'undecodable', null,
                       {lit(label + why_zh)}, {lit(name + why_en)}
                from {stage_name} where contains({src}, {lit(UNDECODABLE)})
            """)
    if prep.has_nul:
        for c in prep.columns:
            src = q(c.name) if c.contract else f"__x{c.position}"
            name, label = labels[c.position]
            con.execute(f"""
                insert into {rej}
                select __row, {lit(name)}, 'nul_char', null,
                       {lit(label + ' 含有空字符（NUL），文件可能已损坏')},
                       {lit(name + ': contains a NUL character (a damaged file?)')}
                from {stage_name} where contains({src}, chr(0))
            """)


def load_good_rows(con: duckdb.DuckDBPyConnection, table: Table, prep: PreparedFile, parsed: str,
                   rej: str) -> int:
    """Insert the rows with no broken rule into the contract table; returns how many."""
    targets = [q(c.name) for c in table.columns]
    exprs = [q("p_" + c.name) for c in table.columns]
    for c in prep.columns:
        if c.contract:
            continue
        j = c.position
        # an extra column with no header and no value anywhere is an artefact of the export
        if c.name.startswith("extra_") and not c.header:
            if con.execute(f"select count(__x{j}) from {parsed}").fetchone()[0] == 0:
                continue
        con.execute(f"alter table {table.name} add column {q(c.name)} varchar")
        targets.append(q(c.name))
        exprs.append(f"__x{j}")
    # The parsed table is in file order already (insertion order is preserved), so no sort is needed;
    # with nothing rejected (the usual case for a big file) the anti join is skipped too.
    rejected_any = con.execute(f"select count(*) > 0 from {rej}").fetchone()[0]
    keep = (f"anti join (select distinct __row from {rej}) r on r.__row = s.__row" if rejected_any else "")
    return con.execute(f"""
        insert into {table.name} ({', '.join(targets)})
        select {', '.join(exprs)} from {parsed} s {keep}
    """).fetchone()[0]


def record_rejects(con: duckdb.DuckDBPyConnection, prep: PreparedFile, stage_name: str, rej: str) -> int:
    """Copy the broken rules into `rejects` with the raw row as JSON, masked by the contract's macros
    (contract/masking.sql); returns the rows rejected.

    Only the contract's own columns are known: persons' id_number and name are masked by mask_id and
    mask_name, the others keep their text with every ID-number, phone and bank-card shape in it masked
    (mask_personal: a phone typed into a village). A column the contract does not know is masked
    whole (MASK_NAME_HEADERS). The offending value and the reasons go through mask_personal too, so a
    card number typed into an amount is not shown either."""
    pairs = []
    for c in prep.columns:
        src = f"s.{q(c.name)}" if c.contract else f"s.__x{c.position}"
        personal = c.contract and prep.table == "persons"
        if not c.contract:
            val = f"mask_name({src})" if normalise_header(c.header) in MASK_NAME_HEADERS else f"mask_id({src})"
        elif personal and c.name == "id_number":
            val = f"mask_id({src})"
        elif personal and c.name == "name":
            val = f"mask_name({src})"
        else:
            val = f"mask_personal({src})"
        pairs.append(f"{lit(c.name)}, {val}")
    con.execute(f"""
        insert into rejects (file, row_number, column_name, rule, value, reason_zh, reason_en, raw_row)
        select {lit(prep.source.name)}, r.__row, r.column_name, r.rule, mask_personal(r.value),
               mask_personal(r.reason_zh), mask_personal(r.reason_en),
               json_object({', '.join(pairs)})::varchar
        from {rej} r join {stage_name} s using (__row)
        order by r.__row, r.rule, r.column_name
    """)
    return con.execute(f"select count(distinct __row) from {rej}").fetchone()[0]


def record_rules(con: duckdb.DuckDBPyConnection) -> None:
    """Write the words of every rule key (RULES) to `reject_rules(rule, label_zh, label_en)`, so that
    a reader of the database can name a rule without importing the loader."""
    con.executemany("insert into reject_rules values (?, ?, ?)",
                    [[rule, words.zh, words.en] for rule, words in RULES.items()])


def remember_keys(con: duckdb.DuckDBPyConnection, table: Table, parsed: str) -> None:
    """Keep every key the file named (loaded or not), so children can say 'rejected' vs 'unknown'."""
    key = q("p_" + next(c.name for c in table.columns if c.unique))
    con.execute(f"create or replace temp table __keys_{table.name} as "
                f"select distinct {key} as k from {parsed} where {key} is not null")


def empty_keys(con: duckdb.DuckDBPyConnection, table_name: str) -> None:
    """An empty key list for a parent table with no file (optional tables)."""
    con.execute(f"create or replace temp table __keys_{table_name} (k varchar)")


__all__ = ["RULES", "RuleWords", "install_macros", "stage", "find_rejects", "find_unreadable", "load_good_rows",
           "record_rejects", "record_rules", "remember_keys", "empty_keys", "value_expr", "sql_type"]
