"""Spreadsheets the product writes: loaded text stays text (defined once, used by `publish` for lists,
workbooks and CSV, and by `access.cases` for the follow-up workbook).

A cell starting with `=`, `+`, `-` or `@` is read as a formula (or a DDE call) by Excel, LibreOffice and
Google Sheets; a village called `=HYPERLINK(…)` must stay the text it was loaded as.
"""
from __future__ import annotations

from typing import Any

import pandas as pd

# A cell starting with one of these is read as a formula (or a DDE call) by Excel, LibreOffice and
# Google Sheets when a CSV is opened; a tab or carriage return in front hides the sign from a reader.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def formula_safe(value: Any) -> Any:
    """Text a spreadsheet would take for a formula (`=HYPERLINK(…)`, `+1`, `-2+3`, `@SUM(1)`, `=**`)
    with an apostrophe in front, which spreadsheets read as "this is text" and people read past;
    anything else, numbers included, as it is."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def excel_writer(target: Any) -> pd.ExcelWriter:
    """A pandas ExcelWriter (xlsxwriter) for every workbook the product writes: a string is always
    written as a string cell, never turned into a formula (`=…`) or a hyperlink (`http://…`), so a
    loaded name is shown exactly as loaded and nothing in it runs."""
    return pd.ExcelWriter(target, engine="xlsxwriter",
                          engine_kwargs={"options": {"strings_to_formulas": False, "strings_to_urls": False}})


def quote_formula_text(ws: Any, frame: pd.DataFrame, text_format: Any, first_row: int = 1) -> None:
    """Mark the string cells of `frame` (written at `first_row` of worksheet `ws`) that look like a
    formula with Excel's quote prefix (`text_format`, {"quote_prefix": True}): shown as written, and
    still text if someone edits the cell and presses Enter."""
    for j, col in enumerate(frame.columns):
        values = frame[col]
        if not is_text(values):
            continue
        for i, v in enumerate(values):
            if isinstance(v, str) and v.startswith(FORMULA_START):
                ws.write_string(first_row + i, j, v, text_format)


def is_text(values: pd.Series) -> bool:
    """True for a column that may hold text (object or pandas' string dtype), not for numbers or dates."""
    return values.dtype == object or pd.api.types.is_string_dtype(values)
