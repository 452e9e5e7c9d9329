"""Tables for people lists and their Excel download (no Streamlit import).

`gap_people_table` keeps only masked identity columns: whatever the API returns, a column called
id_number or name is never passed on.
"""
from __future__ import annotations

import io
from typing import Any

import pandas as pd

import vocab as i18n
from contract.masking import mask_id_like

UNMASKED = ("id_number", "name")


def gap_people_table(people: pd.DataFrame, programs: pd.DataFrame | None, lang: str = "zh") -> pd.DataFrame:
    """The follow-up list of one gap with labelled columns (masked ID and name only)."""
    zh = lang == "zh"
    d = people.drop(columns=[c for c in UNMASKED if c in people.columns]).copy()
    names: dict[str, str] = {}
    if programs is not None and not programs.empty:
        names = dict(zip(programs["program_id"], i18n.program_names(programs, lang)))
    since = pd.to_datetime(d.get("since"), errors="coerce") if "since" in d else pd.Series(pd.NaT, index=d.index)
    out = pd.DataFrame({
        ("人员编号" if zh else "Person ID"): d.get("person_id"),
        ("身份证号（脱敏）" if zh else "ID number (masked)"): d.get("id_number_masked"),
        ("姓名（脱敏）" if zh else "Name (masked)"): d.get("name_masked"),
        i18n.t("town", lang): d.get("town"),
        i18n.t("village", lang): d.get("village"),
        i18n.t("category", lang): [i18n.category_label(c, lang) if isinstance(c, str) else "" for c in d.get("category", [])],
        i18n.t("grade", lang): [i18n.grade_label(g, lang) if pd.notna(g) else "" for g in d.get("grade", [])],
        i18n.t("gap", lang): [i18n.gap_label(g, lang) for g in d.get("gap", [])],
        i18n.t("program", lang): [names.get(p, p if isinstance(p, str) else "") for p in d.get("program_id", [])],
        ("发放编号" if zh else "Payment ID"): d.get("payment_id"),
        ("问题说明" if zh else "What is wrong"): d["detail_zh"] if zh and "detail_zh" in d else d.get("detail"),
        ("起始时间" if zh else "Since"): since.dt.strftime("%Y-%m-%d").fillna("").to_numpy(),
        i18n.t("months", lang): d.get("months"),
        (i18n.t("amount", lang) + ("（元）" if zh else " (¥)")): pd.to_numeric(d.get("amount_yuan"), errors="coerce"),
    })
    # blank, not "None", where a column does not apply to the gap (no program for not_surveyed…)
    for col in out.columns:
        if out[col].dtype == object:
            out[col] = out[col].where(out[col].notna(), "")
    return out.reset_index(drop=True)


def gap_area_counts(people: pd.DataFrame, level: str = "town") -> pd.DataFrame:
    """census_gaps_by_area's columns computed from gap_people rows (for filters that function lacks).

    persons = distinct person_id, cases = rows (for duplicate_id_number: distinct masked numbers),
    months and amount_yuan summed; one row per (gap, area) with a case.
    """
    cols = ["gap", "area", "persons", "cases", "months", "amount_yuan"]
    if people is None or people.empty:
        return pd.DataFrame(columns=cols)
    d = people.rename(columns={level: "area"})
    rows = []
    for (gap, area), part in d.groupby(["gap", "area"], dropna=False):
        cases = part["id_number_masked"].nunique() if gap == "duplicate_id_number" else len(part)
        rows.append({"gap": gap, "area": area, "persons": part["person_id"].nunique(), "cases": cases,
                     "months": pd.to_numeric(part["months"], errors="coerce").sum(min_count=1),
                     "amount_yuan": pd.to_numeric(part["amount_yuan"], errors="coerce").sum(min_count=1)})
    return pd.DataFrame(rows, columns=cols)


def to_xlsx(sheets: dict[str, pd.DataFrame], meta: dict[str, Any] | None = None) -> bytes:
    """An .xlsx workbook: one sheet per frame (names cut to Excel's 31 characters), plus an info sheet."""
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="xlsxwriter") as xw:
        for name, frame in sheets.items():
            sheet = name[:31]
            frame.to_excel(xw, sheet_name=sheet, index=False)
            ws = xw.sheets[sheet]
            ws.freeze_panes(1, 0)
            for i, col in enumerate(frame.columns):
                width = max([len(str(col))] + [len(str(v)) for v in frame[col].head(200)]) + 2
                ws.set_column(i, i, min(max(width * 1.6 if any(ord(ch) > 255 for ch in str(col)) else width, 8), 50))
        if meta:
            info = pd.DataFrame({"key": list(meta), "value": [str(v) for v in meta.values()]})
            info.to_excel(xw, sheet_name="info", index=False)
    return buf.getvalue()


# ---------------------------------------------------------------- data quality
def reason_text(reason_zh: Any, reason_en: Any, value: Any, lang: str = "zh") -> str:
    """The loader's reason in the UI language, with the offending cell it found (rejects.value).

    Chinese: '康复需求(need_rehab) 应为 0 或 1：「2」'; English: 'need_rehab: must be 0 or 1 («2»)'.
    The loader stores the two languages and the value in separate columns, so nothing is split here;
    ID-number-like runs are masked either way (mask_id_like, a second guard)."""
    zh = lang != "en"
    text = reason_zh if zh else reason_en
    text = "" if _missing(text) else str(text)
    if not _missing(value):
        text += f"：「{value}」" if zh else f" («{value}»)"
    return mask_id_like(text)


def _missing(x: Any) -> bool:
    return x is None or (isinstance(x, float) and x != x) or x is pd.NA


def _rule_words(d: pd.DataFrame, lang: str) -> list[str]:
    """The rule of each reject in words, from the label_zh / label_en columns of queries.rejects
    (table reject_rules); the rule key where the load recorded no words for it."""
    labels = d.get("label_en" if lang == "en" else "label_zh", pd.Series(None, index=d.index, dtype=object))
    return [str(rule) if _missing(label) else str(label) for rule, label in zip(d["rule"], labels)]


def rejects_table(rejects: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """Every broken rule of every rejected row with its reason (queries.rejects), labelled for the
    people who fix the source system."""
    zh = lang == "zh"
    d = rejects if rejects is not None else pd.DataFrame(
        columns=["file", "row_number", "column_name", "rule", "label_zh", "label_en", "value",
                 "reason_zh", "reason_en", "raw_row"])
    out = pd.DataFrame({
        ("文件" if zh else "File"): d["file"].astype(str),
        ("行号" if zh else "Row"): pd.to_numeric(d["row_number"], errors="coerce").astype("Int64"),
        ("列" if zh else "Column"): d["column_name"].fillna("").astype(str),
        ("规则" if zh else "Rule"): d["rule"].astype(str),
        ("规则说明" if zh else "Rule in words"): _rule_words(d, lang),
        ("原因" if zh else "Reason"): [reason_text(a, b, v, lang)
                                       for a, b, v in zip(d["reason_zh"], d["reason_en"], d["value"])],
        ("原始行（已脱敏）" if zh else "Row as read (masked)"):
            [mask_id_like(x) for x in d["raw_row"].fillna("").astype(str)],
    })
    return out.reset_index(drop=True)


def rejects_by_rule(rejects: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """One row per (file, column, rule): rows rejected by it and the first such row as a masked example."""
    zh = lang == "zh"
    cols = [("文件" if zh else "File"), ("列" if zh else "Column"), ("规则说明" if zh else "Rule"),
            ("行数" if zh else "Rows"), ("示例行号" if zh else "Example row"), ("示例原因" if zh else "Example reason"),
            ("示例原始行（已脱敏）" if zh else "Example row as read (masked)")]
    if rejects is None or rejects.empty:
        return pd.DataFrame(columns=cols)
    d = rejects.assign(column_name=rejects["column_name"].fillna(""), words=_rule_words(rejects, lang))
    rows = []
    for (file, column, rule), part in d.groupby(["file", "column_name", "rule"], sort=False):
        first = part.sort_values("row_number").iloc[0]
        rows.append([file, column, f"{first['words']} ({rule})", part["row_number"].nunique(),
                     int(first["row_number"]),
                     reason_text(first["reason_zh"], first["reason_en"], first["value"], lang),
                     mask_id_like(str(first["raw_row"] or ""))])
    out = pd.DataFrame(rows, columns=cols)
    return out.sort_values([cols[3], cols[0]], ascending=[False, True], kind="stable").reset_index(drop=True)


def to_csv_bom(frame: pd.DataFrame) -> bytes:
    """CSV in UTF-8 with a byte-order mark, so Excel opens Chinese text correctly."""
    return frame.to_csv(index=False).encode("utf-8-sig")
