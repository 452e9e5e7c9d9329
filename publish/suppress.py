"""Small-count suppression for anything published (pure pandas, no Streamlit).

Disability data about a few people in one village or one (category, grade) cell can identify them,
so published tables and charts hide small counts (statistical disclosure control, k = 5 by default,
as OpenSPP / UNICEF HOPE do for disability data).

Rules (the choices are documented here because the annual report cites them):

1. Primary suppression: a count c with 0 < c < k is shown as "<k" (e.g. "<5").
   Zero is NOT suppressed: a zero names nobody, and statistical offices (ONS, ABS) conventionally
   publish structural zeros. Pass ``suppress_zero=True`` to hide zeros as well.
2. Secondary (complementary) suppression: a table's counts add up to totals that are published
   elsewhere (the district total in the KPIs, a category total in another chart). Wherever exactly one
   cell of such a "line" is hidden, it could be worked out by subtraction, so a second cell of that line
   is hidden too: the smallest remaining count that is above zero (hiding a zero would not protect
   anything: total − shown cells would still equal the small count). This repeats until every line
   with a hidden cell has at least two, because a complementary cell can leave a crossing line
   with a single hidden cell. Secondary cells are shown as "*" (their value may be large, so "<5"
   would be wrong).
3. Nested counts: a count that is a subset of another (persons paid ⊂ certified population) also
   discloses their difference. If 0 < whole − part < k, the part is hidden ("*") and treated like a
   primary cell for the complementary step.
4. Derived values: a ratio, share, average or amount computed from a hidden count is hidden ("*"),
   and so is a value computed from a hidden derived value (an average from a hidden amount).
5. Sums within a row: where one column is the sum of others in the same row (eligible person-months =
   eligible and paid + excluded), a row whose equation holds exactly one hidden cell would give it
   away, so a second cell of that equation is hidden (the smallest non-zero one), like a line.
6. Distributions: box statistics (quartiles, median, mean, whisker ends) drawn from fewer than k
   records are hidden with their record count; a chart says where a box is missing.
7. Column lines: where one column adds up along other groups than the table's counts (money paid in
   each month adds up to the year's spend on the KPI page; persons paid in a month do not), that column
   gets complementary suppression along its own lines, also when it is a derived amount.
8. Across selections: narrowing the selection (a town, a village, a category, a program group) turns
   cells of the coarser view into totals — a town's "*" in the district's by-town table is that town's
   KPI tile once the town is chosen. A value hidden in any view of a coarser selection is hidden in
   every view that shows it (`extra_hidden`), and a line whose total is such a value holds a hidden
   cell of its own (`hidden_totals`), so the total is not the sum of what is shown either.
   publish.charts works out which cells those are (the same quantity under the same filters).

A "line" is a set of rows that share the values of some key columns, e.g. for a long table of
(category, grade, count): ``lines=[(), ("category",), ("grade",)]`` — the whole column (the grand
total), every category across grades, every grade across categories. ``()`` alone (the default)
protects just against the grand total.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

DEFAULT_K = 5
SECONDARY_MARK = "*"

# Columns that hold person counts in the API's frames, and the values derived from them.
# Used by `suppress_frame` when the caller does not say which columns are which.
COUNT_COLUMNS = (
    "certified_population", "persons_paid", "persons_covered", "persons", "person_times",
    "eligible_persons", "paid_persons", "applications", "applications_before", "applications_after",
    "cases", "persons_at_cap", "payments",
    "eligible_person_months", "paid_person_months", "eligible_paid_person_months",
    "excluded_person_months", "included_person_months",
    "n",   # duration_stats: applications behind a box
    # policy_simulation (persons of a cell under the rule in force and simulated; expected paid persons)
    "persons_eligible_current", "persons_eligible_simulated", "persons_paid_current", "persons_paid_simulated",
    "person_months_eligible_current", "person_months_eligible_simulated", "person_months_paid_current",
    "person_months_paid_simulated", "persons_at_cap_current",
    # application_decisions, status_event_sources, kpi_overview's census completion
    "approved", "rejected", "pending", "events", "persons_surveyed",
    # medication_adherence (应服未服): patients of a month
    "prescribed_persons", "dispensed_persons", "missed_persons", "prescribed_months", "missed_months",
)
# derived column -> the counts it is computed from (hidden if any of them is hidden)
DERIVED_COLUMNS = {
    "coverage": ("persons_paid", "certified_population", "persons_covered"),
    "exclusion_error": ("eligible_person_months", "excluded_person_months"),
    "inclusion_error": ("paid_person_months", "included_person_months"),
    "spend_yuan": ("persons", "persons_paid", "paid_persons", "payments"),
    "share": ("persons", "spend_yuan"),            # share × the published total = the amount
    "amount_yuan": ("persons", "cases"),
    "avg_per_person": ("persons", "spend_yuan"),   # average × persons = the amount
    "cap_use": ("persons", "spend_yuan"),
    "median_days": ("applications",),
    "mean_days": ("applications",),
    "median_days_before": ("applications_before",),
    "median_days_after": ("applications_after",),
    "working_days_saved": ("applications_before", "applications_after"),
    "months": ("persons", "cases"),
    # box statistics of duration_stats: a distribution drawn from fewer than k records is not published
    "q1": ("n",), "median": ("n",), "q3": ("n",), "lowerfence": ("n",), "upperfence": ("n",), "mean": ("n",),
    # reform_savings and the KPI median (publish.kpis adds the count of applications behind it)
    "working_days_saved_total": ("applications",), "trips_saved_total": ("applications",),
    "materials_saved_total": ("applications",), "median_processing_days": ("applications",),
    # policy_simulation: a cell's money tells its persons' amounts
    "cost_current": ("persons_paid_current",), "actual_spend": ("persons_paid_current",),
    "cost_simulated": ("persons_paid_simulated", "persons_eligible_simulated"),
    "change": ("persons_paid_current", "persons_paid_simulated"),
    "change_vs_actual": ("persons_paid_current", "persons_paid_simulated"),
    "spend_from": ("persons",), "spend_to": ("persons",),
    "approval_rate": ("approved", "rejected"), "rejection_rate": ("approved", "rejected"),
    "median_review_days": ("applications",), "application_share": ("applications",), "event_share": ("events",),
    "census_completion": ("persons_surveyed", "certified_population"),
    "missed_share": ("missed_persons", "prescribed_persons", "missed_months", "prescribed_months"),
    "adequacy": ("persons",), "monthly_yuan": ("persons",),    # an average amount tells a lone person's
}
# Suppression lines per API table : along which groups do the counts add
# up to a published total? () = the column total (district figure); [] = rows are not additive
# (programs, gaps and priority groups overlap: one person counts in several), primary only.
API_LINES: dict[str, list[tuple[str, ...]]] = {
    "coverage_by_category": [(), ("category",), ("grade",)],
    "coverage_by": [()],
    "benefit_incidence": [()],
    "spend_by_tier": [("program_id",)],
    "processing_times": [()],
    # boxes of a period add up to its '_all' row (same table); a route's boxes to the route's total
    # (processing_times by route); the '_all' rows to the total of every application
    "duration_stats": [("period",), ("route",)],
    "census_gaps_by_area": [("gap",)],
    "census_gaps": [],
    "targeting_errors": [],
    "priority_children": [],
    "spend_by_program": [],
    "monthly_spend": [],
    "kpi_overview": [],
    "programs": [],
    "policy_simulation": [("program_id",)],   # towns (categories) of a program add up to its total
    "tier_simulation": [("program_id",)],     # likewise, for the one tier
    "kpi_trends": [],   # one row per year: persons overlap across years
    "gap_trends": [],
    "program_flows": [("program_id",)],   # the reasons of a program add up to its persons paid in either year
    "application_decisions": [()],         # programs (channels) partition the year's applications
    "status_event_sources": [("event",)],  # departments of one kind of change add up to its total
    "medication_adherence": [],             # one row per month: the same patients month after month
    "adequacy": [],                         # one row per monthly program: persons overlap
    "medication_by_area": [()],             # towns (villages) partition the district's (town's) patients
}
# Per API table, a column that adds up along other groups than the table's counts (rule 7): column -> lines.
API_COLUMN_LINES: dict[str, dict[str, list[tuple[str, ...]]]] = {
    # persons paid in a month overlap across months; payments and money add up to the year's figures
    "monthly_spend": {"payments": [()], "spend_yuan": [()]},
    # a person is paid by several programs, but (person, program) pairs, payments and money add up to
    # the district's and each program group's KPI figures (the program-group filter)
    "spend_by_program": {"person_times": [(), ("program_group",)], "payments": [(), ("program_group",)],
                         "spend_yuan": [(), ("program_group",)]},
}
# Amounts that add up along a table's lines like its counts (rule 8 gives them complementary cells when
# the line's total is hidden); a share of the column total of an amount is hidden with that total.
AMOUNTS = frozenset({"spend_yuan", "amount_yuan", "months"})
TOTAL_SHARES = {"share": "spend_yuan"}
# part -> whole: the part is a subset of the whole, so their difference is a count too
NESTED_COLUMNS = {
    "persons_paid": "certified_population",
    "persons_covered": "certified_population",
    "eligible_paid_person_months": "eligible_person_months",
    "persons_at_cap": "persons",
    "persons_surveyed": "certified_population",
}
# Per API table where a part has another whole than NESTED_COLUMNS says.
API_NESTED: dict[str, dict[str, str]] = {
    # persons paid of a priority group ⊂ its members: 9 members, 8 paid names the 1 unpaid child
    "priority_children": {"persons_paid": "persons"},
    # persons paid by any program include children without a certificate: not a part of the certified
    # population (persons_covered is, and is hidden when the difference is small)
    "kpi_overview": {"persons_covered": "certified_population"},
    "kpi_trends": {"persons_covered": "certified_population"},   # each year is that year's kpi_overview
}
# Sums within a row (rule 5): total column -> the columns it is the sum of.
API_SUMS: dict[str, list[tuple[str, tuple[str, ...]]]] = {
    "targeting_errors": [
        ("eligible_person_months", ("eligible_paid_person_months", "excluded_person_months")),
        ("paid_person_months", ("eligible_paid_person_months", "included_person_months")),
    ],
    # a month's patients: those who collected + those who missed (one hidden gives away the other)
    "medication_adherence": [("prescribed_persons", ("dispensed_persons", "missed_persons"))],
}


def small_label(k: int = DEFAULT_K) -> str:
    """The text shown in place of a primary-suppressed count: "<5" for k = 5."""
    return f"<{k}"


@dataclass
class Suppression:
    """Outcome of suppressing one table.

    frame: the table for publication (hidden cells as "<k" or "*", other cells unchanged)
    hidden: bool frame, True where a cell is hidden (count or derived)
    primary / secondary: bool frames for the count cells by rule
    exposed_totals: (column, line keys, key values) of lines whose only non-zero cell is hidden, so
        their published total equals the hidden count; a publisher must not print that total.
    """

    frame: pd.DataFrame
    hidden: pd.DataFrame
    primary: pd.DataFrame
    secondary: pd.DataFrame
    exposed_totals: list[tuple] = field(default_factory=list)

    @property
    def n_hidden(self) -> int:
        """Number of hidden cells (counts and derived values)."""
        return int(self.hidden.to_numpy().sum())


def _lines(df: pd.DataFrame, lines: Iterable[Sequence[str]]):
    """Yield (keys, key values, row labels) for every line of the table."""
    for keys in lines:
        keys = tuple(keys)
        if not keys:
            yield keys, (), df.index
            continue
        for values, sub in df.groupby(list(keys), sort=False, dropna=False):
            yield keys, values, sub.index


def suppression_masks(
    df: pd.DataFrame,
    count_col: str,
    *,
    k: int = DEFAULT_K,
    lines: Iterable[Sequence[str]] = ((),),
    suppress_zero: bool = False,
    extra_primary: pd.Series | None = None,
    small: bool = True,
    hidden_totals: Iterable[tuple] = (),
    _groups: dict | None = None,
) -> tuple[pd.Series, pd.Series, list[tuple]]:
    """Primary and secondary suppression of one count column.

    Returns (primary, secondary, exposed_totals): two bool Series on df.index and the lines whose total
    would reveal a hidden count (see `Suppression`). `extra_primary` marks further cells to hide from
    the start (nested counts); they are reported as secondary because their own value is not small.
    `small=False`: no primary suppression (an amount of money, hidden only through `extra_primary`).
    `hidden_totals`: (line keys, key values) of lines whose total is not published either (hidden at a
    coarser selection, rule 8): the total counts as one hidden cell of its line, so such a line gets a
    hidden cell of its own and the total cannot be read off as the sum of the line.
    NaN counts are treated as not published and never chosen.
    """
    values = _numbers(df[count_col])
    lower = -np.inf if suppress_zero else 0
    with np.errstate(invalid="ignore"):
        primary = ~np.isnan(values) & (values > lower) & (values < k) & small
    hidden = primary.copy()
    if extra_primary is not None:
        # hidden from the start like a primary cell, but labelled "*": its own value is not small
        extra = extra_primary if isinstance(extra_primary, np.ndarray) else \
            extra_primary.reindex(df.index, fill_value=False).astype(bool).to_numpy()
        hidden |= extra
    lines = tuple(tuple(x) for x in lines)
    if _groups is None or lines not in _groups:
        groups = _line_groups(df, lines)
        if _groups is not None:
            _groups[lines] = groups
    else:
        groups = _groups[lines]
    exposed = _complement(values, hidden, groups, hidden_totals, count_col)
    return pd.Series(primary, index=df.index), pd.Series(hidden & ~primary, index=df.index), exposed


def _numbers(series: pd.Series) -> np.ndarray:
    """A column as floats (NaN where it holds no number: a mark, a missing value)."""
    return pd.to_numeric(series, errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def _complement(values: np.ndarray, hidden: np.ndarray, groups, hidden_totals, col: str) -> list[tuple]:
    """Rules 2 and 8 on one column, in place on `hidden`: every line with exactly one hidden cell (its
    hidden total counting as one) gets another, the smallest non-zero count. Returns the exposed totals."""
    with np.errstate(invalid="ignore"):
        positive = ~np.isnan(values) & (values > 0)
    closed = {(tuple(keys), tuple(v)) for keys, v in hidden_totals}
    exposed: list[tuple] = []
    changed = True
    while changed:
        changed = False
        for keys, key_values, pos in groups:
            shut = (keys, key_values) in closed
            n = int(hidden[pos].sum())
            if n + shut != 1:
                if shut and n == 1 and not (~hidden[pos] & positive[pos]).any():
                    # its only non-zero cell is hidden, and so is its total (the same number)
                    item = (col, keys, key_values)
                    if item not in exposed:
                        exposed.append(item)
                continue
            candidates = pos[~hidden[pos] & positive[pos]]
            if candidates.size == 0:
                item = (col, keys, key_values)
                if item not in exposed:
                    exposed.append(item)
                continue
            # the smallest non-zero count; ties go to the first row, so the result is deterministic
            hidden[candidates[np.argmin(values[candidates])]] = True
            changed = True
    return exposed


def _line_groups(df: pd.DataFrame, lines: Iterable[Sequence[str]]) -> list[tuple[tuple, tuple, np.ndarray]]:
    """(keys, key values, row positions) of every line, the finest lines first: once every row and
    column of a cross-table holds 0 or >= 2 hidden cells, so does the grand total, and no extra cell
    is spent on it."""
    out = []
    for keys, values, idx in _lines(df, sorted((tuple(x) for x in lines), key=len, reverse=True)):
        values = values if isinstance(values, tuple) else (values,)
        out.append((keys, tuple(values), df.index.get_indexer(idx)))
    return out


def _sum_complements(nums: dict[str, np.ndarray], hidden: dict[str, np.ndarray], sums, exposed: list[tuple],
                     index: pd.Index) -> bool:
    """Rule 5: in every row, an equation total = part + part… with exactly one hidden cell gets a second
    one (its smallest non-zero shown cell). Returns True when a cell was hidden."""
    changed = False
    for total, parts in sums:
        cells = [c for c in (total, *parts) if c in hidden]
        if len(cells) < 2:
            continue
        values = np.column_stack([nums[c] for c in cells])
        for r in np.flatnonzero(np.column_stack([hidden[c] for c in cells]).sum(axis=1) == 1):
            shut = np.array([hidden[c][r] for c in cells])
            with np.errstate(invalid="ignore"):
                ok = ~shut & ~np.isnan(values[r]) & (values[r] > 0)
            if not ok.any():
                item = (total, ("row",), (index[r],))
                if item not in exposed:
                    exposed.append(item)
                continue
            pick = np.flatnonzero(ok)[np.argmin(values[r][ok])]
            hidden[cells[pick]][r] = True
            changed = True
    return changed


def suppress_table(
    df: pd.DataFrame,
    count_cols: Sequence[str],
    *,
    k: int = DEFAULT_K,
    lines: Iterable[Sequence[str]] = ((),),
    derived: Mapping[str, Sequence[str]] | None = None,
    nested: Mapping[str, str] | None = None,
    column_lines: Mapping[str, Iterable[Sequence[str]]] | None = None,
    sums: Sequence[tuple[str, Sequence[str]]] = (),
    suppress_zero: bool = False,
    secondary_mark: str = SECONDARY_MARK,
    extra_hidden: pd.DataFrame | None = None,
    hidden_totals: Mapping[str, Iterable[tuple]] | None = None,
) -> Suppression:
    """Suppress small counts in a table for publication.

    count_cols: columns holding counts of people (or person-months, cases…), each suppressed
        separately along `lines` (see the module docstring).
    derived: column -> counts (or derived values) it is computed from; hidden where any of those is hidden.
    nested: part column -> whole column (part ⊂ whole); the part is hidden when 0 < whole − part < k.
    column_lines: column -> its own lines instead of `lines` (rule 7); a derived column listed here gets
        complementary suppression along them.
    sums: (total, parts) equations within a row (rule 5).
    extra_hidden: bool frame of cells hidden from the start whatever their value (rule 8: hidden in a
        view of a coarser selection); shown as "<k" when small, "*" otherwise.
    hidden_totals: column -> (line keys, key values) of its lines whose total is hidden (rule 8); a
        derived amount with such a line gets complementary suppression along `lines`, and a share of
        a hidden total (TOTAL_SHARES) is hidden in every row.
    Returns a `Suppression` whose `frame` has object dtype in the affected columns.
    """
    derived = dict(derived or {})
    nested = dict(nested or {})
    column_lines = {c: [tuple(x) for x in v] for c, v in (column_lines or {}).items()}
    count_cols = [c for c in count_cols if c in df.columns]
    lines = [tuple(x) for x in lines]
    totals = {c: [(tuple(keys), tuple(v)) for keys, v in t] for c, t in (hidden_totals or {}).items()}
    n = len(df)
    nums = {c: _numbers(df[c]) for c in df.columns}
    primary = {c: np.zeros(n, dtype=bool) for c in df.columns}
    hidden = {c: np.zeros(n, dtype=bool) for c in df.columns}
    if extra_hidden is not None:
        extra = extra_hidden.reindex(index=df.index, columns=df.columns, fill_value=False).astype(bool)
        for c in df.columns:
            hidden[c] |= extra[c].to_numpy()
    for share, amount in TOTAL_SHARES.items():
        if share in df.columns and ((), ()) in totals.get(amount, ()):
            hidden[share] |= df[share].notna().to_numpy()   # share × the total = the amount
    with np.errstate(invalid="ignore"):
        for col in count_cols:
            values = nums[col]
            primary[col] = ~np.isnan(values) & (values > (-np.inf if suppress_zero else 0)) & (values < k)
            hidden[col] |= primary[col]
            whole = nested.get(col)
            if whole in df.columns:
                diff = nums[whole] - values
                hidden[col] |= ~np.isnan(diff) & (diff > 0) & (diff < k)
    value_cols = [c for c in derived if c in df.columns and c not in count_cols]
    # one fixpoint over every rule: a cell hidden by one (a sum in a row) can leave a line of another
    # (its column) with a single hidden cell, and a hidden amount hides the average drawn from it
    exposed: list[tuple] = []
    groups: dict = {}   # the lines' row positions, worked out once per table

    def line_groups(own):
        own = tuple(own)
        if own not in groups:
            groups[own] = _line_groups(df, own)
        return groups[own]

    changed = True
    while changed:
        changed, exposed = False, []
        for col in count_cols:
            before = int(hidden[col].sum())
            exposed.extend(_complement(nums[col], hidden[col], line_groups(column_lines.get(col, lines)),
                                       totals.get(col, ()), col))
            changed |= int(hidden[col].sum()) != before
        changed |= _sum_complements(nums, hidden, [(t, p) for t, p in sums if t in count_cols], exposed, df.index)
        for col in value_cols:
            src = [c for c in derived[col] if c in df.columns and c != col]
            grown = hidden[col].copy()
            for c in src:
                grown |= hidden[c]
            own_lines = column_lines.get(col, lines if totals.get(col) and col in AMOUNTS else None)
            if own_lines is not None:
                exposed.extend(_complement(nums[col], grown, line_groups(own_lines), totals.get(col, ()), col))
            if (grown & ~hidden[col]).any():
                hidden[col] = grown
                changed = True
    hidden_df = pd.DataFrame(hidden, index=df.index, columns=df.columns)
    primary_df = pd.DataFrame(primary, index=df.index, columns=df.columns)
    secondary_df = hidden_df & ~primary_df

    out = df.copy()
    for col in df.columns:
        if not hidden[col].any():
            continue
        out[col] = out[col].astype(object)
        out.loc[primary_df[col], col] = small_label(k)
        out.loc[secondary_df[col], col] = secondary_mark
    return Suppression(out, hidden_df, primary_df, secondary_df, exposed)


def suppress_frame(
    df: pd.DataFrame,
    *,
    k: int = DEFAULT_K,
    lines: Iterable[Sequence[str]] = ((),),
    count_cols: Sequence[str] | None = None,
    derived: Mapping[str, Sequence[str]] | None = None,
    nested: Mapping[str, str] | None = None,
    column_lines: Mapping[str, Iterable[Sequence[str]]] | None = None,
    sums: Sequence[tuple[str, Sequence[str]]] = (),
    extra_hidden: pd.DataFrame | None = None,
    hidden_totals: Mapping[str, Iterable[tuple]] | None = None,
) -> Suppression:
    """`suppress_table` with the API's column conventions (COUNT_COLUMNS, DERIVED_COLUMNS, NESTED_COLUMNS).

    The call the dashboard's "public" toggle makes on any API frame:
    ``suppress_frame(df, k=5).frame``.
    """
    counts = list(count_cols) if count_cols is not None else [c for c in COUNT_COLUMNS if c in df.columns]
    return suppress_table(
        df,
        counts,
        k=k,
        lines=lines,
        derived=DERIVED_COLUMNS if derived is None else derived,
        nested=NESTED_COLUMNS if nested is None else nested,
        column_lines=column_lines,
        sums=sums,
        extra_hidden=extra_hidden,
        hidden_totals=hidden_totals,
    )


def masked_numeric(df: pd.DataFrame, hidden: pd.DataFrame) -> pd.DataFrame:
    """The numeric table with hidden cells set to NaN: what a chart of published data may plot."""
    out = df.copy()
    for col in df.columns:
        if col in hidden.columns and hidden[col].any() and pd.api.types.is_numeric_dtype(df[col]):
            out[col] = out[col].astype(float).mask(hidden[col])
    return out


def suppress_api_frame(fn: str, df: pd.DataFrame, *, k: int = DEFAULT_K, lines=None,
                       extra_hidden: pd.DataFrame | None = None,
                       hidden_totals: Mapping[str, Iterable[tuple]] | None = None) -> Suppression:
    """Suppress a frame returned by API function `fn` along that table's lines (API_LINES, or `lines`).

    The call behind the dashboard's "public" toggle: ``suppress_api_frame("coverage_by", df).frame``
    is the table to show, ``masked_numeric(df, s.hidden)`` the frame to chart. `extra_hidden` and
    `hidden_totals` carry what views of coarser selections hid (rule 8, publish.charts.publication).
    """
    return suppress_frame(df, k=k, lines=API_LINES.get(fn, [()]) if lines is None else lines,
                          nested=API_NESTED.get(fn), column_lines=API_COLUMN_LINES.get(fn),
                          sums=API_SUMS.get(fn, ()), extra_hidden=extra_hidden, hidden_totals=hidden_totals)
