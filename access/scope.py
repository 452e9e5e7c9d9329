"""The one rule every dashboard query passes through: a principal sees its own area, and only what its
role allows (`enforce`). The dashboard's data door (`dashboard.store.run`) and the report pack call it,
so no page can forget it; a direct call with another area raises `ScopeError`.

Each `queries` API function falls in one class, named here (a new API function that is in none is
refused for everyone until it is classified: `tests/access/test_scope.py` lists them all):

- AREA: takes `town` (and `village`) filters: a caseworker's area is put in, another area raises.
  A village caseworker is refused a function that cannot be limited to a village (no `village`).
- REFERENCE: the same for every area (years, the program catalogue, gap definitions, load facts).
- AREA_LISTS: the lists of towns and villages, cut to the principal's area (`restrict`).
- LOAD_TOTALS: row counts of the last load (the "rows rejected" banner); no person, no area.
- QUALITY: rejected rows of every area (masked): roles with the quality right only.
- PERSON_LISTS: persons behind a gap, a coverage count, a count of persons paid, a priority group, a flow
  of a monthly program, a policy simulation or the month's check (masked); roles with the list right only,
  within their area.
"""
from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from typing import Any

import queries
from access.roles import AccessDenied, Principal, ScopeError

REFERENCE = frozenset({"years", "programs", "program_tiers", "gap_catalog", "gap_definitions", "load_info",
                       "check_months"})
AREA_LISTS = frozenset({"towns", "villages"})
# personal_text: which name columns hold a personal shape, and how many rows (no value, no area)
LOAD_TOTALS = frozenset({"load_summary", "rejects_summary", "load_comparison", "personal_text"})
QUALITY = frozenset({"rejects"})
PERSON_LISTS = frozenset({"gap_people", "coverage_people", "paid_people", "priority_children_people", "flow_people",
                          "policy_simulation_people", "month_check", "worklist"})


def _params(fn: Callable) -> Mapping[str, inspect.Parameter]:
    return inspect.signature(fn).parameters


def is_area_function(fn: Callable) -> bool:
    """True when `fn` takes a `town` filter (its rows can be limited to an area)."""
    return "town" in _params(fn)


def classify(fn: Callable) -> str:
    """The class of API function `fn` (see the module docstring); "unclassified" when none applies."""
    name = fn.__name__
    for label, names in (("reference", REFERENCE), ("area_lists", AREA_LISTS), ("load_totals", LOAD_TOTALS),
                         ("quality", QUALITY), ("person_lists", PERSON_LISTS)):
        if name in names:
            return label
    return "area" if is_area_function(fn) else "unclassified"


def _area(kwargs: dict[str, Any], key: str, mine: str | None, principal: Principal, fn: Callable) -> None:
    asked = kwargs.get(key)
    if asked not in (None, "", mine):
        raise ScopeError(f"{principal.username} ({principal.role}) may not read {fn.__name__} for "
                         f"{key} {asked!r}: the account covers {principal.village or principal.town}")
    kwargs[key] = mine


def enforce(principal: Principal | None, fn: Callable, kwargs: Mapping[str, Any]) -> dict[str, Any]:
    """The arguments `fn` may run with for `principal`: its area put in, or AccessDenied / ScopeError.

    `fn` must be a `queries` API function. Nobody signed in → AccessDenied.
    """
    if principal is None:
        raise AccessDenied(f"{fn.__name__}: nobody is signed in")
    if getattr(queries, fn.__name__, None) is not fn:
        raise AccessDenied(f"not a queries API function: {fn!r}")
    rights = principal.rights
    kind = classify(fn)
    out = dict(kwargs)
    if kind in ("reference", "load_totals"):
        return out
    if kind == "quality":
        if not rights.quality:
            raise AccessDenied(f"{principal.role} may not read rejected rows ({fn.__name__})")
        return out
    if kind == "unclassified":
        raise AccessDenied(f"{fn.__name__} is not classified in access/scope.py")
    if kind == "person_lists" and not rights.lists:
        raise AccessDenied(f"{principal.role} may not see person lists ({fn.__name__})")
    if kind in ("area", "person_lists") and not rights.data:
        raise AccessDenied(f"{principal.role} may not read the analytical views ({fn.__name__})")
    if not principal.scoped:
        return out
    params = _params(fn)
    if "town" in params:
        _area(out, "town", principal.town, principal, fn)
    if kind == "area_lists":  # cut to the village afterwards (restrict)
        return out
    if principal.village is not None:
        if "village" in params:
            _area(out, "village", principal.village, principal, fn)
        else:
            raise ScopeError(f"{fn.__name__} cannot be limited to a village ({principal.username} covers "
                             f"{principal.village} only)")
    return out


def restrict(principal: Principal | None, fn: Callable, result: Any) -> Any:
    """The result of an AREA_LISTS call cut to the principal's area (towns → its town, villages → its
    village); every other result unchanged."""
    if principal is None or not principal.scoped or fn.__name__ not in AREA_LISTS:
        return result
    mine = principal.town if fn.__name__ == "towns" else principal.village
    if mine is None:  # a town caseworker's villages: already limited to the town by enforce
        return result
    return [x for x in result if x == mine]


def scoped(principal: Principal | None, run: Callable[..., Any]) -> Callable[..., Any]:
    """`run(fn, **kwargs)` (a runner: the dashboard's cached fetch, or `publish.charts.direct_runner`)
    held to `principal`: its arguments through `enforce`, its result through `restrict`."""

    def scoped_run(fn: Callable, **kwargs: Any) -> Any:
        return restrict(principal, fn, run(fn, **enforce(principal, fn, kwargs)))

    return scoped_run
