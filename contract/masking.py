"""The masking rule for ID numbers and names, defined once in `masking.sql` beside this file.

SQL callers run the file on their connection (`install_macros(con)`) and call `mask_id(x)` /
`mask_name(x)`. Python callers get the same macros evaluated on a private in-memory DuckDB
connection (`mask_id`, `mask_name`, `mask_series`), so there is no second implementation of the rule
to drift from the first.

The detector of personal shapes is in the same file: `mask_personal(x)` hides every ID-number, phone
and bank-card shape inside any text (the ID inside a 20-digit 残疾证号 too) with `mask_id`, and
`personal_pattern()` is its one regular expression. Python callers use `mask_personal` and
`find_personal` (the shapes found, for tests and guards); the loader calls the macro on rejected rows.

The rule (first 4 and last 2 characters of an ID number, first character of a name; shorter values
hidden entirely) and its short-value cases are written down in masking.sql.
"""
from __future__ import annotations

import threading
from functools import lru_cache
from pathlib import Path
from typing import Any

import duckdb

SQL_PATH = Path(__file__).resolve().with_name("masking.sql")
# kind -> macro name: the allow-list that keeps the macro name out of caller-supplied text
MACROS = {"id": "mask_id", "id_number": "mask_id", "name": "mask_name", "personal": "mask_personal"}

_lock = threading.Lock()
_con: duckdb.DuckDBPyConnection | None = None


@lru_cache(maxsize=1)
def macro_sql() -> str:
    """The text of masking.sql (the `create or replace macro` statements)."""
    return SQL_PATH.read_text(encoding="utf-8")


def install_macros(con: duckdb.DuckDBPyConnection) -> None:
    """Create (or replace) the macros `mask_id(x)` and `mask_name(x)` on the DuckDB connection `con`."""
    con.execute(macro_sql())


def _private() -> duckdb.DuckDBPyConnection:
    # Opened on first use, not at import (no work at import time); callers hold _lock.
    global _con
    if _con is None:
        con = duckdb.connect(":memory:")
        install_macros(con)
        _con = con
    return _con


def _apply(kind: str, values: list[str | None]) -> list[str | None]:
    """The macro for `kind` applied to every value, in order, on the private connection."""
    macro = MACROS[kind]
    with _lock:  # one DuckDB connection must not run two statements at once from two threads
        row = _private().execute(f"select list_transform($v::varchar[], lambda x: {macro}(x))",
                                 {"v": values}).fetchone()
    return row[0]


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def mask_id(value: Any) -> str | None:
    """An ID number masked by the SQL macro `mask_id` (`3301************2X`; see masking.sql)."""
    return _apply("id", [_text(value)])[0]


def mask_name(value: Any) -> str | None:
    """A name masked by the SQL macro `mask_name` (`张*`, `欧阳娜娜` → `欧***`; see masking.sql)."""
    return _apply("name", [_text(value)])[0]


def mask_series(series: Any, kind: str) -> Any:
    """A pandas Series masked element-wise by the macro for `kind` ("id" / "id_number" or "name"),
    in one query; missing values stay missing (None). Index and name are kept."""
    missing = series.isna().tolist()
    values = [None if gone else str(v) for v, gone in zip(series.tolist(), missing)]
    masked = _apply(kind, values) if values else []
    # Built with the series' own class so that this module does not import pandas (0.36 s) for the
    # loader, which never needs it.
    return type(series)(masked, index=series.index, name=series.name, dtype=object)


def mask_personal(text: Any) -> Any:
    """`text` with every ID-number, phone and bank-card shape masked by the SQL macro `mask_personal`
    (`电话13812345678` → `电话***********`; see masking.sql for the shapes).

    For any text whose column is not known to be safe (an extra column, free text, a reason); a value
    that is not a string is returned as it is."""
    if not isinstance(text, str):
        return text
    return _apply("personal", [text])[0]


def mask_personal_series(series: Any) -> Any:
    """A pandas Series of text with `mask_personal` applied element-wise in one query; values that
    are not strings (numbers, missing) are kept as they are. Index and name are kept."""
    values = series.tolist()
    texts = [v for v in values if isinstance(v, str)]
    masked = iter(_apply("personal", texts) if texts else [])
    out = [next(masked) if isinstance(v, str) else v for v in values]
    return type(series)(out, index=series.index, name=series.name, dtype=object)


def find_personal(text: Any) -> list[str]:
    """Every personal shape in `text` (the matches of `personal_pattern()`, in order, then the 8-digit
    local numbers of `local_phone_pattern()`); [] for text without one or a value that is not a string."""
    if not isinstance(text, str):
        return []
    with _lock:
        row = _private().execute(
            "select regexp_extract_all($t, personal_pattern()) || regexp_extract_all("
            "regexp_replace($t, personal_pattern(), ' ', 'g'), local_phone_pattern(), 2)", {"t": text}).fetchone()
    return row[0]


__all__ = ["SQL_PATH", "install_macros", "mask_id", "mask_name", "mask_series", "mask_personal",
           "mask_personal_series", "find_personal", "macro_sql"]
