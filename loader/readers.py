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
import functools
import io
import re
import unicodedata
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from python_calamine import CalamineError, load_workbook

from contract import TABLES, Table

HEADER_SCAN_ROWS = 10          # a title block above the header is at most this many rows
CHUNK = 4 * 1024 * 1024        # bytes per read when checking or transcoding an encoding
PLAUSIBLE = 0.9                # share of common characters a decoding needs to be believed (see _plausible)
PLAUSIBLE_SAMPLE = 200_000     # non-ASCII characters counted for that share (a decoding is judged early)
BAD_SPOTS = 10                 # a file that is UTF-8 but for this many bad spots (or 1 per 100 lines) is
                               # UTF-8 with damaged rows: those rows are rejected (rule bad_bytes)
MAX_CELL_CHARS = 1_000_000     # an XLSX cell longer than this is rejected (cell_too_long), not loaded
_CODECS = {"big5": "cp950"}    # encoding as reported -> Python codec (cp950: Big5 as Windows writes it)
ENCODING_NAMES = {"gb18030": "GB18030", "big5": "Big5", "utf-16": "UTF-16"}   # as a reason names them
# A byte that does not decode in a GB18030 or Big5 file becomes this character in the UTF-8 copy, and
# its row is rejected (rule undecodable). A Unicode noncharacter: it never occurs in text.
UNDECODABLE = "\ufdd1"


def _undecodable(exc: UnicodeError) -> tuple[str, int]:
    return UNDECODABLE, exc.end if isinstance(exc, UnicodeDecodeError) else exc.start + 1


codecs.register_error("loader_undecodable", _undecodable)


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
    workdir: Path | None = None            # the load's scratch folder (copies the loader writes go there)
    has_nul: bool = False                  # the file holds a NUL character somewhere (its rows are rejected)
    flags_column: int | None = None        # position of `__flags` (xlsx): `rule@position;…` per row
    repaired: int = 0                      # lines the reader replaced by a marked line (validate.stage)
    lines: int = 0                         # physical lines of csv_path (CSV sources)
    blank_lines: bool = False              # csv_path holds an empty line (rows below it are renumbered)
    undecodable: int = 0                   # spots that did not decode in `encoding` (their rows are rejected)


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
def _chunks(f) -> Iterator[bytes]:
    """The open binary file in CHUNK-sized reads; a read never ends between a CR and its LF."""
    while chunk := f.read(CHUNK):
        while chunk.endswith(b"\r"):
            more = f.read(1)
            if not more:
                break
            chunk += more
        yield chunk


@dataclass(frozen=True)
class ByteScan:
    """What one pass over a file's bytes found (memchr-speed checks beside the UTF-8 decode)."""

    utf8: bool                     # the whole file is valid UTF-8
    nul: bool                      # a NUL byte somewhere
    cr: bool                       # a CR somewhere (CRLF, or CR-only or mixed line endings)
    lines: int = 0                 # physical lines (LF-terminated, plus an unterminated last one)
    blank: bool = False            # an empty line somewhere (DuckDB's reader skips those)


def scan_bytes(path: Path) -> ByteScan:
    """One streaming pass: is the file UTF-8, does it hold a NUL, a CR, an empty line, how many lines?
    No per-line work in Python (byte counts and searches only)."""
    decoder = codecs.getincrementaldecoder("utf-8")(errors="strict")
    utf8, nul, cr, blank, lines, last = True, False, False, False, 0, b"\n"
    with path.open("rb") as f:
        for chunk in _chunks(f):
            if utf8:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    utf8 = False
            nul = nul or b"\x00" in chunk
            cr = cr or b"\r" in chunk
            blank = blank or b"\n\n" in chunk or b"\n\r\n" in chunk or (
                last == b"\n" and lines > 0 and chunk.startswith((b"\n", b"\r\n")))
            lines += chunk.count(b"\n")
            last = chunk[-1:]
    if utf8:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8 = False
    return ByteScan(utf8, nul, cr, lines + (last != b"\n"), blank)


_EMPTY_LINE = re.compile(rb"\n(?=\r?\n)")


def empty_lines(path: Path, after: int = 0) -> list[int]:
    """The 1-based numbers of the empty lines of a file (nothing, or a lone CR, before the LF) below
    line `after`, found chunk by chunk with a byte search (no loop over lines in Python)."""
    out: list[int] = []
    seen = 0                       # LFs before the current chunk
    last = b""
    with path.open("rb") as f:
        for chunk in _chunks(f):
            if last == b"\n" and chunk.startswith((b"\n", b"\r\n")):
                out.append(seen + 1)
            pos, count = 0, seen
            for m in _EMPTY_LINE.finditer(chunk):
                count += chunk.count(b"\n", pos, m.start() + 1)
                pos = m.start() + 1
                out.append(count + 1)
            seen += chunk.count(b"\n")
            last = chunk[-1:]
    return [n for n in out if n > after]


def _mixed_line_endings(path: Path) -> bool:
    """Not every line ends in CRLF (a file with a CR somewhere): CR-only, or CRLF mixed with LF or CR.
    DuckDB takes the line ending from the first line and cannot read such a file as one."""
    crlf = cr = lf = 0
    with path.open("rb") as f:
        for chunk in _chunks(f):
            crlf += chunk.count(b"\r\n")
            cr += chunk.count(b"\r")
            lf += chunk.count(b"\n")
    return not (crlf == cr == lf)


@functools.lru_cache(maxsize=None)
def _common_chars(encoding: str) -> frozenset[str]:
    """The characters of everyday Chinese text in `encoding`: the punctuation rows and the common hanzi
    (GB2312 rows A1, A3 and B0-F7; Big5 rows A1-A3 and the 5,401 common characters A440-C67E). Text
    decoded with the wrong one of the two is mostly rare characters, kana, Cyrillic or private use."""
    if encoding == "gb18030":
        codec, leads, trails = "gb2312", [0xA1, 0xA3, *range(0xB0, 0xF8)], list(range(0xA1, 0xFF))
    else:
        codec, leads, trails = "cp950", list(range(0xA1, 0xC7)), [*range(0x40, 0x7F), *range(0xA1, 0xFF)]
    out = set()
    for lead in leads:
        for trail in trails:
            if lead == 0xC6 and trail > 0x7E and codec == "cp950":
                continue  # C6A1 onwards: kana and symbols of some Big5 variants, not common characters
            try:
                out.add(bytes([lead, trail]).decode(codec))
            except UnicodeDecodeError:
                pass
    return frozenset(out)


_WIDE = re.compile(r"[^\x00-\x7f]")


def _plausible(path: Path, encoding: str, *, lenient: bool = False) -> float | None:
    """The share of the first PLAUSIBLE_SAMPLE non-ASCII characters that are common characters of
    `encoding` (see _common_chars), or None when the file does not decode strictly as `encoding`.

    `lenient`: bytes that do not decode are allowed where they are few (BAD_SPOTS, or 1 per 100 lines:
    a damaged row, whose row the reader rejects); None when there are more."""
    decoder = codecs.getincrementaldecoder(_CODECS.get(encoding, encoding))(
        errors="loader_undecodable" if lenient else "strict")
    common = _common_chars(encoding)
    seen = hits = spots = lines = 0
    try:
        with path.open("rb") as f:
            while chunk := f.read(CHUNK):
                text = decoder.decode(chunk)
                lines += chunk.count(b"\n")
                if lenient:
                    spots += text.count(UNDECODABLE)
                if seen < PLAUSIBLE_SAMPLE:
                    wide = [ch for ch in _WIDE.findall(text) if ch != UNDECODABLE][: PLAUSIBLE_SAMPLE - seen]
                    seen += len(wide)
                    hits += sum(1 for ch in wide if ch in common)
            spots += decoder.decode(b"", final=True).count(UNDECODABLE)
    except UnicodeDecodeError:
        return None
    if spots > max(BAD_SPOTS, lines // 100):
        return None
    return hits / seen if seen else 1.0


def _utf8_bad_spots(path: Path) -> tuple[int, int]:
    """(spots that do not decode as UTF-8, lines) of a file."""
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    spots = lines = 0
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            spots += decoder.decode(chunk).count("\ufffd")
            lines += chunk.count(b"\n")
        spots += decoder.decode(b"", final=True).count("\ufffd")
    return spots, lines


def detect_encoding(path: Path, scan: ByteScan | None = None) -> str:
    """The text encoding of a CSV, judged from its bytes (never from its name), or ContractError.

    A BOM settles it; otherwise strict UTF-8. A file that is not UTF-8 is GB18030 (a superset of GBK,
    what Chinese Excel writes) or Big5 only when it decodes strictly as that encoding *and* reads as
    Chinese text in it (PLAUSIBLE): Big5 bytes mostly decode as GB18030 too, into rare characters.
    Failing both, a file that is UTF-8 but for a few bad spots (BAD_SPOTS) stays UTF-8 and the reader
    rejects the damaged rows (one bad byte must not turn a whole file into cp1250). Then a GB18030 or
    Big5 file with a few bytes that do not decode (read leniently, _plausible): those rows are rejected
    (rule undecodable), the rest loads. Anything else is refused: a guess would load wrong text."""
    with path.open("rb") as f:
        head = f.read(4)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    bom = head.startswith(codecs.BOM_UTF8)
    scan = scan or scan_bytes(path)
    if scan.utf8:
        return "utf-8-sig" if bom else "utf-8"
    if not bom:
        shares = {enc: share for enc in ("gb18030", "big5")
                  if (share := _plausible(path, enc)) is not None and share >= PLAUSIBLE}
        if shares:  # the better reading wins; GB18030 (the contract's) on a tie
            return max(shares, key=lambda enc: (shares[enc], enc == "gb18030"))
    spots, lines = _utf8_bad_spots(path)
    if spots <= max(BAD_SPOTS, lines // 100):
        return "utf-8-sig" if bom else "utf-8"
    if not bom:
        shares = {enc: share for enc in ("gb18030", "big5")
                  if (share := _plausible(path, enc, lenient=True)) is not None and share >= PLAUSIBLE}
        if shares:
            return max(shares, key=lambda enc: (shares[enc], enc == "gb18030"))
    raise ContractError(f"{path.name}: 无法确定文件编码（不是 UTF-8、GB18030/GBK 或 Big5），请另存为 UTF-8 后重新载入 "
                        f"(cannot tell the text encoding with confidence: not UTF-8, GB18030/GBK or Big5; "
                        f"save the file as UTF-8 and load again)")


def transcode(path: Path, encoding: str, out: Path) -> int:
    """Stream `path` from `encoding` to UTF-8 in `out` (no BOM), chunk by chunk. A byte that does not
    decode becomes UNDECODABLE (its row is rejected); returns how many there were."""
    decoder = codecs.getincrementaldecoder(_CODECS.get(encoding, encoding))(errors="loader_undecodable")
    spots = 0
    with path.open("rb") as src, out.open("w", encoding="utf-8", newline="") as dst:
        while chunk := src.read(CHUNK):
            text = decoder.decode(chunk)
            spots += text.count(UNDECODABLE)
            dst.write(text)
        text = decoder.decode(b"", final=True)
        dst.write(text)
    return spots + text.count(UNDECODABLE)


def normalise_newlines(path: Path, out: Path) -> Path:
    """Stream a file into `out` with every line ending (CRLF, CR, LF) written as LF. Bytes, not text:
    a BOM and a damaged byte pass through unchanged (the reader rejects that row later)."""
    with path.open("rb") as src, out.open("wb") as dst:
        for chunk in _chunks(src):
            dst.write(chunk.replace(b"\r\n", b"\n").replace(b"\r", b"\n"))
    return out


def _sniff_delimiter(line: str) -> str:
    counts = {d: line.count(d) for d in (",", "\t", ";", "|")}
    best = max(counts, key=counts.get)
    return best if counts[best] > 0 else ","


# ------------------------------------------------------------------------------------------ CSV
def prepare_csv(table: Table, path: Path, workdir: Path) -> PreparedFile:
    """Detect the encoding, transcode to UTF-8 if needed, give every line an LF ending if the file
    mixes line endings (or uses CR only), find the header block and name the columns."""
    scan = scan_bytes(path)
    encoding = detect_encoding(path, scan)
    csv_path = path
    undecodable = 0
    if encoding not in ("utf-8", "utf-8-sig"):
        csv_path = workdir / f"{table.name}.utf8.csv"
        undecodable = transcode(path, encoding, csv_path)
        scan = scan_bytes(csv_path)
    if scan.cr and _mixed_line_endings(csv_path):
        # DuckDB takes the line ending from the first line and cannot read a file that mixes CRLF
        # and LF (a title pasted above an export) or ends lines with CR alone: rewrite it with LF.
        out = workdir / f"{table.name}.lf.csv"
        normalise_newlines(csv_path, out)
        if csv_path != path:
            csv_path.unlink()
        csv_path = out
        scan = scan_bytes(csv_path)   # CR-only endings turned into LF: its lines and empty lines
    # A UTF-8 BOM sits in front of the header, which DuckDB skips (skip >= 1), so it needs no copy.
    # A damaged byte is the reader's to reject row by row: the header scan must not fail on it.
    with csv_path.open("r", encoding="utf-8-sig", errors="replace", newline="") as f:
        head_text = f.read(256 * 1024)
    first_line = head_text.splitlines()[0] if head_text else ""
    delimiter = _sniff_delimiter(first_line)
    reader = csv.reader(io.StringIO(head_text), delimiter=delimiter)
    rows: list[list[str]] = []
    try:
        for row in reader:
            rows.append(row)
            if len(rows) >= HEADER_SCAN_ROWS:
                break
    except csv.Error:
        pass  # an oversized cell or a stray quote below the header: the reader rejects that row
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
                        delimiter=delimiter, row_offset=last + 1, has_data=has_data, workdir=workdir,
                        has_nul=scan.nul, lines=scan.lines, blank_lines=scan.blank, undecodable=undecodable)


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


_FORMULA_OR_ERROR = re.compile(rb"<(?:\w+:)?f[\s>/]|\st=\"e\"")
_CELL_REF = re.compile(r"([A-Z]+)([0-9]+)")
_REL_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def _first_sheet_part(z: zipfile.ZipFile) -> str | None:
    """The zip member holding the workbook's first sheet (the one calamine reads as index 0)."""
    book = ET.fromstring(z.read("xl/workbook.xml"))
    sheet = next((e for e in book.iter() if e.tag.rsplit("}", 1)[-1] == "sheet"), None)
    if sheet is None:
        return None
    rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    target = next((e.get("Target") for e in rels.iter() if e.get("Id") == sheet.get(_REL_ID)), None)
    if not target:
        return None
    part = PurePosixPath(target.lstrip("/") if target.startswith("/") else f"xl/{target}")
    parts: list[str] = []
    for piece in part.parts:  # resolve "../" the way a zip path means it
        if piece == "..":
            parts = parts[:-1]
        elif piece != ".":
            parts.append(piece)
    return "/".join(parts)


def unreadable_cells(path: Path) -> dict[tuple[int, int], str]:
    """{(Excel row, 0-based column): rule} for the cells of the first sheet that calamine reads as empty
    although they are not: a formula with no saved result (formula_no_value) and an Excel error value
    such as #DIV/0! or #N/A (cell_error).

    A workbook written by a program (openpyxl, some exporters) keeps a formula but no result until
    Excel recalculates and saves it; a blank is not the value the sheet shows. A result that is an
    empty string (t="str") is a real result. The sheet is first searched for a formula tag or an
    error cell at C speed; only a sheet that has one is parsed."""
    try:
        with zipfile.ZipFile(path) as z:
            part = _first_sheet_part(z)
            if part is None or part not in z.namelist():
                return {}
            with z.open(part) as f:
                tail, found = b"", False
                while chunk := f.read(CHUNK):
                    if _FORMULA_OR_ERROR.search(tail + chunk):
                        found = True
                        break
                    tail = chunk[-16:]
            if not found:
                return {}
            cells: dict[tuple[int, int], str] = {}
            row_no, col_no = 0, -1
            with z.open(part) as f:
                for event, elem in ET.iterparse(f, events=("start", "end")):
                    tag = elem.tag.rsplit("}", 1)[-1]
                    if event == "start":
                        if tag == "row":
                            row_no = int(elem.get("r") or row_no + 1)
                            col_no = -1
                        continue
                    if tag == "c":
                        ref = _CELL_REF.fullmatch(elem.get("r") or "")
                        if ref:
                            col_no = functools.reduce(lambda n, ch: n * 26 + ord(ch) - 64, ref.group(1), 0) - 1
                            row_no = int(ref.group(2))
                        else:
                            col_no += 1
                        children = {child.tag.rsplit("}", 1)[-1]: child for child in elem}
                        value = children.get("v")
                        if elem.get("t") == "e":
                            cells[(row_no, col_no)] = "cell_error"
                        elif ("f" in children and elem.get("t") not in ("str", "inlineStr")
                                and (value is None or not (value.text or "").strip())):
                            cells[(row_no, col_no)] = "formula_no_value"
                        elem.clear()
                    elif tag == "row":
                        elem.clear()
            return cells
    except (zipfile.BadZipFile, KeyError, ET.ParseError, ValueError):
        return {}  # calamine reports an unreadable workbook itself


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
    unreadable = unreadable_cells(path)
    out = workdir / f"{table.name}.xlsx.csv"
    with out.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow([f"c{j}" for j in range(width)] + ["__row", "__id_numeric", "__flags"])
        for i in range(last + 1, len(rows)):
            row = rows[i]
            cells = [_cell_text(c) for c in row[:width]] + [""] * max(0, width - len(row))
            # cells the reader cannot take as written, as `rule@position` (validate.find_unreadable)
            flags = ([f"{unreadable[(i + 1, j)]}@{j}" for j in range(width) if (i + 1, j) in unreadable]
                     if unreadable else [])
            for j, text in enumerate(cells):
                if len(text) > MAX_CELL_CHARS:
                    cells[j] = ""
                    flags.append(f"cell_too_long@{j}")
            if not flags and not any(c.strip() for c in cells):
                continue  # an empty sheet row carries no data; it is not a row read
            numeric = id_pos is not None and id_pos < len(row) and _lost_digits(row[id_pos])
            w.writerow(cells + [str(i + 1), "1" if numeric else "", ";".join(flags)])
    return PreparedFile(table=table.name, source=path, csv_path=out, file_format="xlsx", encoding=None,
                        columns=cols, width=width + 3, skip=1, row_column=width, id_numeric_column=width + 1,
                        workdir=workdir, flags_column=width + 2)


def prepare(table_name: str, path: Path, workdir: Path) -> PreparedFile:
    """Prepare one contract file (CSV or XLSX) for the SQL validation."""
    table = TABLES[table_name]
    if path.suffix.lower() == ".xlsx":
        return prepare_xlsx(table, path, workdir)
    return prepare_csv(table, path, workdir)
