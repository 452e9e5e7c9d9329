"""The vocabulary: every word the product shows, in Chinese (default) and English, from one place.

- UI messages (pages, report pack, PDF, chart titles and sentences): `vocab/text.py`, looked up with
  `t(key, lang, **fmt)`; a missing English text falls back to Chinese, a missing key to the key.
- Code labels (category, grade, sex, age band, route, cycle, program group, priority group, table
  names) and column labels: `vocab/codes.py`.
- Gap labels and definitions: the gap seed `queries/seeds/gap_keys.csv`, which the analytical layer
  reads (`queries.gap_catalog()`); `Labels(lang, gaps=...)` carries them to whoever draws.
- Numbers: `vocab/numbers.py` (万元, 个百分点, thousands separators).

`Labels` bundles all of it for one language; chart builders take a `Labels` instead of a language
and hold no text of their own. No Streamlit import; no first-party import but `contract`.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from contract import TABLES
from vocab.codes import (
    AGE_BAND_LABELS,
    CATEGORY_LABELS,
    COLUMN_LABELS,
    CYCLE_LABELS,
    GROUP_LABELS,
    HUKOU_LABELS,
    LABEL_COLUMNS,
    MONEY_COLUMNS,
    PERIOD_LABELS,
    PRIORITY_LABELS,
    RATIO_COLUMNS,
    ROUTE_LABELS,
    SEX_LABELS,
)
from vocab.numbers import (  # noqa: F401 - re-exported: vocab.fmt_int etc.
    _is_missing,
    fmt_days,
    fmt_delta,
    fmt_int,
    fmt_money,
    fmt_num,
    fmt_pct,
    fmt_pct_change,
    fmt_share,
    fmt_wan,
    fmt_yuan_exact,
)
from vocab.text import TEXT

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"
# each language named in itself (the language switch, the workbook)
LANGUAGE_NAMES = {"zh": "中文", "en": "English"}

__all__ = [
    "LANGS", "DEFAULT_LANG", "LANGUAGE_NAMES", "TEXT", "Labels", "Gap", "t", "column_label", "COLUMN_LABELS",
    "RATIO_COLUMNS", "LABEL_COLUMNS",
    "MONEY_COLUMNS", "category_label", "group_label", "grade_label", "value_label", "route_label", "period_label",
    "cycle_label", "priority_label", "program_name", "program_names", "scope_label", "table_label",
    "fmt_days", "fmt_delta", "fmt_int", "fmt_money", "fmt_num", "fmt_pct", "fmt_pct_change", "fmt_share", "fmt_wan",
    "fmt_yuan_exact",
]


def t(key: str, lang: str = DEFAULT_LANG, **fmt: Any) -> str:
    """The message `key` in `lang`, formatted with `fmt` (falls back to Chinese, then the key)."""
    pair = TEXT.get(key)
    if pair is None:
        return key.format(**fmt) if fmt else key
    text = pair[1] if lang == "en" and pair[1] else pair[0]
    return text.format(**fmt) if fmt else text


def column_label(name: str, lang: str = DEFAULT_LANG) -> str:
    """Header for the API column `name` (COLUMN_LABELS); unknown columns keep their API name."""
    pair = COLUMN_LABELS.get(name)
    return name if pair is None else pair[1] if lang == "en" else pair[0]


def _pair(mapping: dict[str, tuple[str, str]], code: Any, lang: str) -> str:
    pair = mapping.get(str(code))
    if pair is None:
        return str(code)
    return pair[1] if lang == "en" else pair[0]


def category_label(code: Any, lang: str = DEFAULT_LANG) -> str:
    """Disability category name ('视力' / 'Vision')."""
    return CATEGORY_LABELS.get(str(code), str(code)) if lang == "en" else str(code)


def group_label(code: Any, lang: str = DEFAULT_LANG) -> str:
    """Program group name ('康复' / 'Rehabilitation')."""
    return GROUP_LABELS.get(str(code), str(code)) if lang == "en" else str(code)


def grade_label(grade: Any, lang: str = DEFAULT_LANG) -> str:
    """Disability grade ('一级' / 'Grade 1')."""
    try:
        g = int(grade)
    except (TypeError, ValueError):
        return str(grade)
    return f"Grade {g}" if lang == "en" else f"{'一二三四'[g - 1]}级" if 1 <= g <= 4 else f"{g}级"


def value_label(by: str, value: Any, lang: str = DEFAULT_LANG) -> str:
    """Label of a breakdown value: `by` is category, grade, sex, age_band, hukou, town or village."""
    if by == "category":
        return category_label(value, lang)
    if by == "grade":
        return grade_label(value, lang)
    if by == "sex":
        return SEX_LABELS.get(str(value), str(value)) if lang == "en" else str(value)
    if by == "hukou":
        return HUKOU_LABELS.get(str(value), str(value)) if lang == "en" else str(value)
    if by == "age_band":
        return _pair(AGE_BAND_LABELS, value, lang)
    return str(value)  # towns and villages are proper names: kept as written


def route_label(code: Any, lang: str = DEFAULT_LANG) -> str:
    """Payment route ('直接到账' / 'Direct to account')."""
    return _pair(ROUTE_LABELS, code, lang)


def period_label(code: Any, lang: str = DEFAULT_LANG) -> str:
    """Before/after reform."""
    return _pair(PERIOD_LABELS, code, lang)


def cycle_label(code: Any, lang: str = DEFAULT_LANG) -> str:
    """Payment cycle (monthly/annual/per claim)."""
    return _pair(CYCLE_LABELS, code, lang)


def priority_label(code: Any, lang: str = DEFAULT_LANG) -> str:
    """Priority children group."""
    return _pair(PRIORITY_LABELS, code, lang)


_CJK_GLOSS = re.compile(r"\s*[(（][^()（）]*[\u3400-\u9fff][^()（）]*[)）]")


def program_name(name: Any, name_en: Any = None, lang: str = DEFAULT_LANG) -> str:
    """Program name in `lang`: the API's name_en in English when present, else the Chinese name."""
    if lang == "en" and isinstance(name_en, str) and name_en.strip():
        # some source files gloss the English with the Chinese term, "Day care (日间照料)": drop the gloss
        return _CJK_GLOSS.sub("", name_en).strip() or name_en
    return "" if name is None else str(name)


def program_names(frame, lang: str = DEFAULT_LANG) -> list[str]:
    """Program names of a frame with `name` (and optionally `name_en`) columns."""
    en = frame["name_en"] if "name_en" in frame.columns else [None] * len(frame)
    return [program_name(n, e, lang) for n, e in zip(frame["name"], en)]


def scope_label(year: Any = None, town: Any = None, category: Any = None, group: Any = None,
                lang: str = DEFAULT_LANG, village: Any = None) -> str:
    """Human description of a filter selection ('2020 年 · 城关街道 · 肢体')."""
    parts = []
    if year is not None:
        parts.append(f"{year}" if lang == "en" else f"{year} 年")
    parts.append(str(town) if town else t("district", lang))
    if village:
        parts.append(str(village))
    if category:
        parts.append(category_label(category, lang))
    if group:
        parts.append(group_label(group, lang))
    return " · ".join(parts)


def table_label(table: Any, lang: str = DEFAULT_LANG) -> str:
    """A contract table's name ('payments' -> '发放记录'), kept as is in English."""
    spec = TABLES.get(str(table))
    return str(spec.zh) if lang == "zh" and spec is not None else str(table)




@dataclass(frozen=True)
class Gap:
    """One row of the gap seed, in one language."""

    key: str
    label: str
    definition: str
    case_kind: str = ""


@dataclass(frozen=True)
class Labels:
    """Every word a chart, page or export needs, in one language.

    `gaps` are the gap seed's rows in seed order (`Labels.from_catalog(lang, queries.gap_catalog())`).
    Calling the object looks up a message: `L("kpi_spend")`, `L("no_data", scope="…")`.
    """

    lang: str = DEFAULT_LANG
    gaps: tuple[Gap, ...] = ()
    _by_key: Mapping[str, Gap] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.lang not in LANGS:
            raise ValueError(f"lang must be one of {LANGS}, not {self.lang!r}")
        object.__setattr__(self, "_by_key", {g.key: g for g in self.gaps})

    @classmethod
    def from_catalog(cls, lang: str, catalog: Iterable[Mapping[str, Any]] | Any) -> "Labels":
        """Labels with the gap seed `catalog`: rows or a DataFrame with gap, label_zh, label_en, definition,
        definition_zh (and case_kind)."""
        rows = catalog.to_dict("records") if hasattr(catalog, "to_dict") else list(catalog)
        en = lang == "en"
        gaps = tuple(Gap(str(r["gap"]), str(r["label_en"] if en else r["label_zh"]),
                         str(r["definition"] if en else r["definition_zh"]), str(r.get("case_kind") or ""))
                     for r in rows)
        return cls(lang, gaps)

    @property
    def zh(self) -> bool:
        """True for Chinese."""
        return self.lang == "zh"

    def __call__(self, key: str, **fmt: Any) -> str:
        return t(key, self.lang, **fmt)

    @property
    def known(self) -> Mapping[str, Any]:
        """The message keys (for `key in labels.known`)."""
        return TEXT

    # gaps (from the seed)
    @property
    def gap_keys(self) -> tuple[str, ...]:
        """Gap keys in seed (METRICS.md) order."""
        return tuple(g.key for g in self.gaps)

    def gap(self, key: Any) -> str:
        """The seed's label of gap `key` (the key itself when unknown)."""
        g = self._by_key.get(str(key))
        return g.label if g else str(key)

    def gap_definition(self, key: Any) -> str:
        """The seed's one-sentence definition of gap `key`."""
        g = self._by_key.get(str(key))
        return g.definition if g else ""

    # codes and columns
    def code(self, kind: str, value: Any) -> str:
        """Label of a coded value: kind is category, grade, sex, hukou, age_band, town, village, route,
        period, cycle, priority, program_group or table."""
        if kind in ("program_group", "group"):
            return group_label(value, self.lang)
        if kind == "route":
            return route_label(value, self.lang)
        if kind == "period":
            return period_label(value, self.lang)
        if kind == "cycle":
            return cycle_label(value, self.lang)
        if kind == "priority":
            return priority_label(value, self.lang)
        if kind == "table":
            return table_label(value, self.lang)
        return value_label(kind, value, self.lang)

    def column(self, name: str) -> str:
        """Header of the API column `name`."""
        return column_label(name, self.lang)

    def program(self, name: Any, name_en: Any = None) -> str:
        """A program's name in this language."""
        return program_name(name, name_en, self.lang)

    def programs(self, frame) -> list[str]:
        """Program names of a frame with name (and name_en) columns."""
        return program_names(frame, self.lang)

    def scope(self, year: Any = None, town: Any = None, category: Any = None, group: Any = None,
              village: Any = None) -> str:
        """'2020 年 · 城关街道 · 肢体'."""
        return scope_label(year, town, category, group, self.lang, village=village)

    # numbers in this language
    def money(self, yuan: Any, short: bool = False) -> str:
        """fmt_money in this language."""
        return fmt_money(yuan, self.lang, short=short)

    def days(self, x: Any, short: bool = False) -> str:
        """fmt_days in this language."""
        return fmt_days(x, self.lang, short=short)

    def delta(self, cur: Any, prev: Any, kind: str = "int") -> str | None:
        """fmt_delta in this language."""
        return fmt_delta(cur, prev, kind, self.lang)

    def list_sep(self) -> str:
        """'、' in Chinese, ', ' in English."""
        return "、" if self.zh else ", "

    def colon(self) -> str:
        """'：' in Chinese, ': ' in English."""
        return "：" if self.zh else ": "
