"""Finding, decoding and normalising a federation's contract files before DuckDB reads them.

Everything here turns whatever the federation exported (UTF-8 / BOM / GB18030 CSV, XLSX with a title
row, Chinese or English headers) into one shape: a UTF-8 CSV file plus a description of its columns,
so that the validation in `loader.validate` is a single vectorised SQL path for every input format.
Only headers and XLSX cells are handled in Python; CSV data rows never pass through Python except to be
transcoded (streamed in chunks) when they are not UTF-8.
"""
from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from charset_normalizer import from_path
from python_calamine import CalamineError, load_workbook

from contract import TABLES, Table

HEADER_SCAN_ROWS = 10          # a title block above the header is at most this many rows
CHUNK = 4 * 1024 * 1024        # bytes per read when checking or transcoding an encoding


class ContractError(Exception):
    """The folder does not meet the contract in a way only the user can fix (missing file or column,
    unreadable file). Its message is one line meant for the federation's staff, never a traceback."""


@dataclass
class SourceColumn:
    """One column of a prepared file: its position, the name it gets in DuckDB, and its origin."""

    position: int                  # 0-based position in the prepared CSV
    name: str                      # contract column name, or the kept header of an extra column
    contract: bool                 # True for a contract column, False for an extra (kept as VARCHAR)
    header: str                    # the header exactly as written in the file (for messages)


@dataclass
class PreparedFile:
    """A contract file made readable by DuckDB's CSV reader.

    csv_path is UTF-8; `skip` lines come before the first data row. Row numbers as a person sees them
    are `row_offset + ordinal` for CSV sources; converted XLSX files carry them in column `__row`.
    """

    table: str
    source: Path
    csv_path: Path
    file_format: str               # csv | xlsx
    encoding: str | None           # utf-8 | utf-8-sig | gb18030 | … ; None for xlsx
    columns: list[SourceColumn]
    width: int                     # number of fields in the prepared CSV's header
    skip: int
    delimiter: str = ","
    row_offset: int = 1
    row_column: int | None = None          # position of `__row` (xlsx)
    id_numeric_column: int | None = None   # position of `__id_numeric` (xlsx)
    has_data: bool = False                 # the first lines already show data rows below the header
    notes: list[str] = field(default_factory=list)


# ----------------------------------------------------------------------------------------- files
def locate(source: Path, table: str) -> Path | None:
    """The file holding `table` in `source` (`persons.csv` or `persons.xlsx`, any letter case).

    Both present is an error: the loader would otherwise have to guess which one is current."""
    found = [p for p in source.iterdir()
             if p.is_file() and p.stem.lower() == table and p.suffix.lower() in (".csv", ".xlsx")]
    if len(found) > 1:
        names = " 和 ".join(sorted(p.name for p in found))
        raise ContractError(f"{names} 同时存在，请只保留一个 (both {' and '.join(sorted(p.name for p in found))} "
                            f"are present for table {table}; keep one)")
    return found[0] if found else None


# -------------------------------------------------------------------------------------- headers
_UNIT_SUFFIX = re.compile(r"[(\[（【][^)\]）】]*[)\]）】]$")


def normalise_header(text: object) -> str:
    """Header text compared with the contract: NFKC (full-width → half-width), no whitespace at all,
    lower case, and a trailing unit in brackets dropped (`金额（元）` → `金额`)."""
    s = unicodedata.normalize("NFKC", str(text or ""))
    s = re.sub(r"\s+", "", s).lower()
    stripped = _UNIT_SUFFIX.sub("", s)
    return stripped or s


def header_lookup(table: Table) -> dict[str, str]:
    """Normalised header spelling → contract column name, for English names, Chinese names and aliases."""
    out: dict[str, str] = {}
    for col in table.columns:
        for spelling in (col.name, col.zh, *col.aliases):
            out[normalise_header(spelling)] = col.name
    return out


def _find_header(rows: list[list[str]], lookup: dict[str, str]) -> tuple[int, int, list[str | None]]:
    """Find the header block in the first rows: (first row, last row, contract name per column).

    The header is the row naming the most contract columns. Rows directly above or below it join the
    block when the columns they name are empty in it: that is how merged header cells look once a
    sheet is flattened (a cell merged over two rows keeps its text in the top row only)."""
    recognised = [[lookup.get(normalise_header(c)) for c in row] for row in rows]
    scores = [sum(1 for r in rec if r) for rec in recognised]
    if not scores or max(scores) == 0:
        return -1, -1, []
    best = scores.index(max(scores))

    def joins(i: int, names: list[str | None], texts: list[str]) -> bool:
        rec = recognised[i]
        if not any(rec):
            return False
        return all(not names[j] and not (j < len(texts) and str(texts[j]).strip())
                   for j, r in enumerate(rec) if r and j < len(names))

    # The header row sets the width: a longer data row among the scanned rows must not widen it.
    names: list[str | None] = list(recognised[best])
    texts = [str(c) for c in rows[best]]
    first = last = best
    for step in (-1, 1):
        i = best + step
        while 0 <= i < len(rows) and joins(i, names, texts):
            for j, r in enumerate(recognised[i]):
                if r:
                    if j >= len(names):
                        names.extend([None] * (j + 1 - len(names)))
                        texts.extend([""] * (j + 1 - len(texts)))
                    names[j] = r
                    texts[j] = str(rows[i][j])
            first, last = min(first, i), max(last, i)
            i += step
    return first, last, names


def _columns(table: Table, path: Path, header_rows: list[list[str]], names: list[str | None]) -> list[SourceColumn]:
    """Name every column of the file: contract columns by their contract name, the others kept."""
    width = len(names)
    texts = []
    for j in range(width):
        # the visible header of column j is the last non-empty text in the header block
        text = ""
        for row in header_rows:
            if j < len(row) and str(row[j]).strip():
                text = str(row[j]).strip()
        texts.append(text)
    cols: list[SourceColumn] = []
    seen: dict[str, str] = {}
    contract_names = {c.name for c in table.columns}
    for j in range(width):
        name = names[j]
        if name:
            if name in seen:
                raise ContractError(
                    f"{path.name}: 列 {name} 出现两次（{seen[name]} 和 {texts[j]}） "
                    f"(column {name} appears twice: {seen[name]!r} and {texts[j]!r})")
            seen[name] = texts[j]
            cols.append(SourceColumn(j, name, True, texts[j]))
            continue
        kept = unicodedata.normalize("NFKC", texts[j]).strip() or f"extra_{j + 1}"
        base, n = kept, 2
        while kept in seen or kept in contract_names or kept.startswith("__"):
            kept = f"{base}_{n}"
            n += 1
        seen[kept] = texts[j]
        cols.append(SourceColumn(j, kept, False, texts[j]))
    return cols


def _check_required(table: Table, path: Path, cols: list[SourceColumn]) -> None:
    present = {c.name for c in cols if c.contract}
    for col in table.columns:
        if col.required and col.name not in present:
            raise ContractError(f"{path.name}: 缺少必需列 {col.name}（{col.zh}） "
                                f"(missing required column {col.name} / {col.zh})")


# ------------------------------------------------------------------------------------- encoding
def _decodes(path: Path, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    try:
        with path.open("rb") as f:
            while chunk := f.read(CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def detect_encoding(path: Path) -> str:
    """The text encoding of a CSV, judged from its bytes (never from its name).

    A BOM settles it; otherwise strict UTF-8, then strict GB18030 (a superset of GBK, what Chinese
    Excel writes), then charset-normalizer's best guess for anything else."""
    with path.open("rb") as f:
        head = f.read(4)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if _decodes(path, "utf-8"):
        return "utf-8"
    if _decodes(path, "gb18030"):
        return "gb18030"
    best = from_path(path).best()
    if best is None:
        raise ContractError(f"{path.name}: 无法识别文件编码 (cannot tell the text encoding; save as UTF-8 or GB18030)")
    return best.encoding


def transcode(path: Path, encoding: str, out: Path) -> None:
    """Stream `path` from `encoding` to UTF-8 in `out` (no BOM), chunk by chunk."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    with path.open("rb") as src, out.open("w", encoding="utf-8", newline="") as dst:
        while chunk := src.read(CHUNK):
            dst.write(decoder.decode(chunk))
        dst.write(decoder.decode(b"", final=True))


def normalise_newlines(path: Path, out: Path) -> Path:
    """Stream a UTF-8 file into `out` with every line ending (CRLF, CR, LF) written as LF."""
    with (path.open("r", encoding="utf-8-sig", newline=None) as src,
          out.open("w", encoding="utf-8", newline="\n") as dst):
        while chunk := src.read(CHUNK):
            dst.write(chunk)
    return out


def _sniff_delimiter(line: str) -> str:
    counts = {d: line.count(d) for d in (",", "\t", ";", "|")}
    best = max(counts, key=counts.get)
    return best if counts[best] > 0 else ","


# ------------------------------------------------------------------------------------------ CSV
def prepare_csv(table: Table, path: Path, workdir: Path) -> PreparedFile:
    """Detect the encoding, transcode to UTF-8 if needed, find the header block and name the columns."""
    encoding = detect_encoding(path)
    csv_path = path
    if encoding not in ("utf-8", "utf-8-sig"):
        csv_path = workdir / f"{table.name}.utf8.csv"
        transcode(path, encoding, csv_path)
    # A UTF-8 BOM sits in front of the header, which DuckDB skips (skip >= 1), so it needs no copy.
    with csv_path.open("r", encoding="utf-8-sig" if encoding == "utf-8-sig" else "utf-8", newline="") as f:
        head_text = f.read(256 * 1024)
    if "\r\n" in head_text and re.search(r"(?<!\r)\n", head_text):
        # DuckDB takes the line ending from the first line and silently reads nothing from a file
        # that mixes CRLF and LF (a title pasted above an export): rewrite it with LF throughout.
        csv_path = normalise_newlines(csv_path, workdir / f"{table.name}.lf.csv")
        head_text = head_text.replace("\r\n", "\n")
    first_line = head_text.splitlines()[0] if head_text else ""
    delimiter = _sniff_delimiter(first_line)
    reader = csv.reader(io.StringIO(head_text), delimiter=delimiter)
    rows: list[list[str]] = []
    for row in reader:
        rows.append(row)
        if len(rows) >= HEADER_SCAN_ROWS:
            break
    if not rows:
        raise ContractError(f"{path.name}: 文件为空 (the file is empty)")
    first, last, names = _find_header(rows, header_lookup(table))
    if first < 0:
        raise ContractError(f"{path.name}: 找不到表头，前 {HEADER_SCAN_ROWS} 行没有任何合同列名 "
                            f"(no header row: none of the first {HEADER_SCAN_ROWS} rows names a contract column)")
    cols = _columns(table, path, rows[first:last + 1], names)
    _check_required(table, path, cols)
    if any("\n" in c or "\r" in c for row in rows[: last + 1] for c in row):
        raise ContractError(f"{path.name}: 表头单元格内有换行 (a header cell contains a line break)")
    has_data = any(any(c.strip() for c in row) for row in rows[last + 1:])
    return PreparedFile(table=table.name, source=path, csv_path=csv_path, file_format="csv",
                        encoding=encoding, columns=cols, width=len(cols), skip=last + 1,
                        delimiter=delimiter, row_offset=last + 1, has_data=has_data)


# ----------------------------------------------------------------------------------------- XLSX
def _cell_text(value: object) -> str:
    """An XLSX cell as the text a person would have typed: dates ISO, whole numbers without `.0`."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        # Excel arithmetic leaves 219.29999999999998 where the cell shows 219.3
        return f"{round(value, 6):.6f}".rstrip("0").rstrip(".")
    return str(value)


def _lost_digits(value: object) -> bool:
    """An ID number typed into Excel as a number: more than 15 digits cannot survive a double."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and abs(value) >= 1e15


def prepare_xlsx(table: Table, path: Path, workdir: Path) -> PreparedFile:
    """Flatten the first sheet into a UTF-8 CSV with the Excel row number of every data row."""
    try:
        wb = load_workbook(str(path))
        sheet = wb.get_sheet_by_index(0)
        # skip_empty_area=False keeps row i of the list at Excel row i + 1
        rows = sheet.to_python(skip_empty_area=False)
    except (CalamineError, OSError, ValueError) as exc:
        raise ContractError(f"{path.name}: 无法读取 Excel 文件 "
                            f"(cannot read the workbook: {type(exc).__name__})") from None
    texts = [[_cell_text(c) for c in row] for row in rows[:HEADER_SCAN_ROWS]]
    if not rows:
        raise ContractError(f"{path.name}: 第一个工作表为空 (the first sheet is empty)")
    first, last, names = _find_header(texts, header_lookup(table))
    if first < 0:
        raise ContractError(f"{path.name}: 找不到表头，前 {HEADER_SCAN_ROWS} 行没有任何合同列名 "
                            f"(no header row: none of the first {HEADER_SCAN_ROWS} rows names a contract column)")
    # Cells right of the header with data still belong to a column (unlike CSV, a sheet cannot shift
    # values sideways), so they become extra columns named by their position.
    data_width = max((max((j + 1 for j, c in enumerate(row) if _cell_text(c).strip()), default=0)
                      for row in rows[last + 1:]), default=0)
    names = names + [None] * max(0, data_width - len(names))
    cols = _columns(table, path, texts[first:last + 1], names)
    _check_required(table, path, cols)
    id_pos = next((c.position for c in cols if c.contract and c.name == "id_number"), None)
    width = len(cols)
    out = workdir / f"{table.name}.xlsx.csv"
    with out.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow([f"c{j}" for j in range(width)] + ["__row", "__id_numeric"])
        for i in range(last + 1, len(rows)):
            row = rows[i]
            cells = [_cell_text(c) for c in row[:width]] + [""] * max(0, width - len(row))
            if not any(c.strip() for c in cells):
                continue  # an empty sheet row carries no data; it is not a row read
            numeric = id_pos is not None and id_pos < len(row) and _lost_digits(row[id_pos])
            w.writerow(cells + [str(i + 1), "1" if numeric else ""])
    return PreparedFile(table=table.name, source=path, csv_path=out, file_format="xlsx", encoding=None,
                        columns=cols, width=width + 2, skip=1, row_column=width, id_numeric_column=width + 1)


def prepare(table_name: str, path: Path, workdir: Path) -> PreparedFile:
    """Prepare one contract file (CSV or XLSX) for the SQL validation."""
    table = TABLES[table_name]
    if path.suffix.lower() == ".xlsx":
        return prepare_xlsx(table, path, workdir)
    return prepare_csv(table, path, workdir)
