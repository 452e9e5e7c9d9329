"""Calling the analyst API with the dashboard's filters (no Streamlit import).

The sidebar always carries four filters (year, town, category, program_group), but not every API
function accepts all of them (coverage_by_category has no program_group, processing_times no
category…). `call` passes only the filters a function declares and reports the ones it dropped, so a
page can say "this figure is not filtered by …" instead of silently ignoring a filter.
Only the functions listed in `ALLOWED` can be called by name.
"""
from __future__ import annotations

import inspect
from typing import Any

import queries

FILTERS = ("year", "town", "category", "program_group")

# Functions the dashboard may call by name (an allow-list: names can come from the chart registry).
ALLOWED = frozenset({
    "years", "towns", "villages", "programs", "kpi_overview", "monthly_spend", "coverage_by_category",
    "coverage_by", "targeting_errors", "priority_children", "spend_by_program", "spend_by_tier",
    "benefit_incidence", "processing_times", "application_durations", "reform_savings", "census_gaps",
    "census_gaps_by_area", "gap_people", "load_summary", "rejects_summary", "rejects", "load_info",
})


def function(name: str):
    """The API function `name` (ValueError when not in the allow-list)."""
    if name not in ALLOWED:
        raise ValueError(f"not an allowed API function: {name}")
    return getattr(queries, name)


def accepted(name: str) -> set[str]:
    """Keyword parameters API function `name` accepts."""
    params = inspect.signature(function(name)).parameters.values()
    if any(p.kind is p.VAR_KEYWORD for p in params):
        return set(FILTERS) | {p.name for p in params}
    return {p.name for p in params}


def split_kwargs(name: str, kwargs: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """(kwargs the function accepts, names of set filters it does not accept)."""
    ok = accepted(name)
    used = {k: v for k, v in kwargs.items() if k in ok}
    dropped = [k for k, v in kwargs.items() if k not in ok and v is not None]
    return used, dropped


def call(con, name: str, **kwargs: Any):
    """Call API function `name` on `con` with the kwargs it accepts (others are dropped)."""
    used, _ = split_kwargs(name, kwargs)
    return function(name)(con, **used)
