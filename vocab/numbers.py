"""Number formatting the Chinese way (万元, 个百分点) and the English way; '—' for a missing value."""
from __future__ import annotations

import math
from typing import Any

DEFAULT_LANG = "zh"

def _is_missing(x: Any) -> bool:
    try:
        return x is None or (isinstance(x, float) and math.isnan(x)) or bool(x != x)
    except (TypeError, ValueError):
        return False


def fmt_int(x: Any) -> str:
    """Whole number with thousands separators ('14,536'); '—' when missing."""
    if _is_missing(x):
        return "—"
    return f"{round(float(x)):,}"


def fmt_num(x: Any, digits: int = 1) -> str:
    """Number with `digits` decimals and thousands separators; '—' when missing."""
    if _is_missing(x):
        return "—"
    return f"{float(x):,.{digits}f}"


def fmt_money(yuan: Any, lang: str = DEFAULT_LANG, wan_from: float = 100_000, short: bool = False) -> str:
    """Money the Chinese way: '4,012.35 万元' from 10 万 up, else '8,500 元'.

    English: '¥40.12 m' from a million up, else '¥8,500'. `short` (KPI tiles): whole 万元 from
    1,000 万 up ('4,970 万元'), one decimal of a million in English ('¥49.7 m').
    """
    if _is_missing(yuan):
        return "—"
    v = float(yuan)
    if lang == "en":
        if abs(v) >= 1_000_000:
            return f"¥{v / 1e6:,.1f} m" if short and abs(v) >= 10_000_000 else f"¥{v / 1e6:,.2f} m"
        return f"¥{v:,.0f}"
    if abs(v) >= wan_from:
        return f"{v / 10_000:,.0f} 万元" if short and abs(v) >= 10_000_000 else f"{v / 10_000:,.2f} 万元"
    return f"{v:,.0f} 元"


def fmt_yuan_exact(yuan: Any, lang: str = DEFAULT_LANG) -> str:
    """The exact amount in yuan with fen ('49,703,812.34 元' / '¥49,703,812.34')."""
    if _is_missing(yuan):
        return "—"
    return f"¥{float(yuan):,.2f}" if lang == "en" else f"{float(yuan):,.2f} 元"


def fmt_wan(yuan: Any) -> str:
    """Money in 万元 without the unit ('4,012.35'), for axes and tables headed 万元."""
    return "—" if _is_missing(yuan) else f"{float(yuan) / 10_000:,.2f}"


def fmt_pct(x: Any, digits: int = 1) -> str:
    """Fraction 0–1 as a percentage ('52.3%'); '—' when missing."""
    if _is_missing(x):
        return "—"
    return f"{float(x) * 100:.{digits}f}%"


def fmt_days(x: Any, lang: str = DEFAULT_LANG, short: bool = False) -> str:
    """Working days ('12.5 个工作日' / '12.5 working days'; `short` English for tiles: '12.5 days')."""
    if _is_missing(x):
        return "—"
    v = float(x)
    s = f"{v:,.0f}" if v == int(v) else f"{v:,.1f}"
    if lang == "en":
        return f"{s} days" if short else f"{s} working days"
    return f"{s} 个工作日"


def fmt_delta(cur: Any, prev: Any, kind: str = "int", lang: str = DEFAULT_LANG) -> str | None:
    """Signed change cur − prev, formatted like the value ('+1,203', '+2.1 个百分点'); None if unknown."""
    if _is_missing(cur) or _is_missing(prev):
        return None
    d = float(cur) - float(prev)
    # ASCII minus: st.metric reads a leading "-" as a decrease; "±" marks no change
    sign = "+" if d > 0 else "-" if d < 0 else "±"
    a = abs(d)
    if kind == "money":
        return sign + fmt_money(a, lang)
    if kind == "pct":
        return f"{sign}{a * 100:.1f} " + ("pp" if lang == "en" else "个百分点")
    if kind == "days":
        return sign + fmt_days(a, lang)
    if kind == "num":
        return f"{sign}{a:,.1f}"
    return f"{sign}{a:,.0f}"


def fmt_pct_change(cur: Any, prev: Any) -> str | None:
    """Relative change as '+12.3%' (None when unknown or prev is 0)."""
    if _is_missing(cur) or _is_missing(prev) or float(prev) == 0:
        return None
    r = float(cur) / float(prev) - 1
    return f"{'+' if r >= 0 else '-'}{abs(r) * 100:.1f}%"




def fmt_share(x: Any) -> str:
    """A share that may be tiny but not zero ('12.2%', '0.05%', '<0.01%'): never rounds a loss to 0."""
    if _is_missing(x):
        return "—"
    x = float(x)
    if 0 < x < 0.0001:
        return "<0.01%"
    return fmt_pct(x, 2 if 0 < x < 0.001 else 1)
