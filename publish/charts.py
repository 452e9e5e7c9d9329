"""The chart registry: every chart defined once, for the page, the report pack and the notebooks.

A chart's `ChartSpec` owns everything that decides what it shows:

- its data calls: typed `queries` functions with their fixed arguments (`by="town"`), each call's
  scope (`all_years=True`: the processing comparison uses every year, whatever the year filter) and
  any argument that depends on the selection (the gaps page's level and gap);
- the filters it honours, read from the API function's signature, and the ones it drops, which the
  page and the PDF name under the chart;
- when it applies (the by-village gap chart only once a town is chosen);
- its title (one message key, the same on the figure, the page, the PDF page and the workbook index);
- its builder (`publish.figures`), which takes the frames and a `vocab.Labels`.

`render(chart_id, selection, labels, run=…)` is the one way to obtain a chart's frames and figure:
the dashboard passes its cached `run`, the pack and notebooks a direct one (`direct_runner(con)`):

    import queries
    from publish import charts
    con = queries.connect()
    r = charts.render("coverage.heatmap", charts.Selection(year=2020), charts.labels("en"),
                      run=charts.direct_runner(con))
    r.chart.fig.show(); r.frames[0]   # the API frame behind it; r.sql_files names its SQL

In the public edition `render` applies small-count suppression (publish/suppress.py) to every frame
before the builder sees it and marks hidden points, so page, pack and notebook publish the same cells.
"""
from __future__ import annotations

import functools
import html
import inspect
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import queries
import vocab
from contract import masking
from publish import figures, figures_check, figures_decisions, figures_policy, figures_trends, suppress
from publish.figures import Chart
from vocab import Labels

__all__ = ["CHARTS", "ChartSpec", "Call", "Selection", "Rendered", "render", "labels", "direct_runner",
           "specs_for", "FILTERS", "build"]

FILTERS = ("year", "town", "village", "category", "program_group", "program")
# Row-level API results: never published as rows; the public pack carries the chart's aggregate instead.
MICRODATA = frozenset({"application_durations", "gap_people"})
REPO_ROOT = Path(queries.__file__).resolve().parents[1]

Runner = Callable[..., pd.DataFrame]   # run(fn, **kwargs) -> the frame of fn(con, **kwargs)


@dataclass(frozen=True)
class Selection:
    """What the reader picked: the sidebar filters plus the gaps page's gap (None = all)."""

    year: int | None = None
    town: str | None = None
    village: str | None = None
    category: str | None = None
    program_group: str | None = None
    gap: str | None = None
    # one program (its program_id): the spend page's bar click narrows every page to it (a FILTER)
    program: str | None = None
    # a policy simulation's change (the keyword arguments of queries.policy_simulation besides the filters,
    # or of queries.tier_simulation: program, tier, amount; as sorted (name, value) pairs); None = no
    # simulation asked, the policy charts do not apply
    policy: tuple[tuple[str, Any], ...] | None = None

    def filters(self) -> dict[str, Any]:
        """The six filters (None = all)."""
        return {name: getattr(self, name) for name in FILTERS}

    def previous_year(self) -> "Selection":
        """The same selection one year earlier."""
        return replace(self, year=None if self.year is None else self.year - 1)


@dataclass(frozen=True)
class Call:
    """One API call feeding a chart: a typed `queries` function, fixed arguments and its scope."""

    fn: Callable[..., pd.DataFrame]
    fixed: tuple[tuple[str, Any], ...] = ()
    all_years: bool = False                      # the year filter does not apply (every year)
    dynamic: Callable[[Selection], Mapping[str, Any]] | None = None   # arguments from the selection
    lookup: bool = False                         # names only (programs for labels): its filters are not the chart's

    @property
    def name(self) -> str:
        """The API function's name (`kpi_overview`)."""
        return self.fn.__name__

    @functools.cached_property
    def accepts(self) -> frozenset[str]:
        """Keyword parameters of the API function."""
        return frozenset(p for p in inspect.signature(self.fn).parameters if p != "con")

    def kwargs(self, sel: Selection) -> dict[str, Any]:
        """Arguments of the call for `sel`: the filters the function takes, then fixed and dynamic ones."""
        out = {k: v for k, v in sel.filters().items() if k in self.accepts}
        if self.all_years:
            out.pop("year", None)
        out.update(self.fixed)
        if self.dynamic is not None:
            out.update(self.dynamic(sel))
        return out

    def dropped(self, sel: Selection) -> list[str]:
        """Set filters this call does not follow (shown under the chart); none for a lookup."""
        if self.lookup:
            return []
        return [k for k, v in sel.filters().items()
                if v is not None and (k not in self.accepts or (self.all_years and k == "year"))]

    @property
    def sql_file(self) -> str:
        """The SQL file behind the call, relative to the repository (`queries/sql/api/coverage_by.sql`)."""
        path = getattr(self.fn, "sql_path", None)
        if path is None:
            return f"queries.{self.name}"
        variant = f"{self.name}_by_{dict(self.fixed).get('by')}"   # processing_times(by="route") has its own file
        if variant in getattr(self.fn, "sql_names", ()):
            path = self.fn.sql_paths[self.fn.sql_names.index(variant)]
        path = Path(path)
        return path.relative_to(REPO_ROOT).as_posix() if path.is_relative_to(REPO_ROOT) else str(path)

    def describe(self, sel: Selection | None = None) -> str:
        """'queries.coverage_by(con, by="town", **filters)' — for the workbook's index."""
        args = dict(self.fixed) if sel is None else {k: v for k, v in self.kwargs(sel).items() if k not in FILTERS}
        text = ", ".join(f"{k}={v!r}" for k, v in args.items())
        scope = ", all years" if self.all_years else ""
        return f"queries.{self.name}(con{', ' + text if text else ''}, **filters{scope})"


@dataclass(frozen=True)
class ChartSpec:
    """One chart: id, page, builder, data calls, builder options, scope note and when it applies."""

    id: str
    page: str
    builder: Callable[..., Chart]
    calls: tuple[Call, ...]
    options: tuple[tuple[str, Any], ...] = ()
    scope_note: str | None = None               # message key explaining a scope (e.g. all years)
    applies: Callable[[Selection], bool] = lambda sel: True
    drill: str | None = None                    # a click on a bar / cell narrows the page to that town or category
    drill_also: str | None = None               # and a heatmap cell's other axis (grade): the page's own choice

    def title(self, labels: Labels, sel: Selection | None = None) -> str:
        """The chart's one title (figure, page, PDF page and workbook index)."""
        if self.id.startswith("gaps.by_"):
            area = labels("chart.dim.village" if self.id.endswith("village") else "chart.dim.town")
            return labels("chart.gaps.by_area.title", gap=labels.gap(gap_of(sel or Selection())), area=area)
        return labels(f"chart.{self.id}.title")

    def dropped(self, sel: Selection) -> list[str]:
        """Set filters at least one of the chart's calls does not follow, in FILTERS order."""
        out: list[str] = []
        for call in self.calls:
            out += [d for d in call.dropped(sel) if d not in out]
        return [f for f in FILTERS if f in out]

    def sql_files(self) -> list[str]:
        """The SQL files behind the chart."""
        return list(dict.fromkeys(c.sql_file for c in self.calls))


@dataclass
class Rendered:
    """A chart for one selection: its frames (as published), the built chart and what it left out."""

    spec: ChartSpec
    selection: Selection
    title: str
    chart: Chart
    frames: list[pd.DataFrame]                  # API frames as the builder saw them (suppressed when public)
    raw: list[pd.DataFrame]                     # API frames as returned
    sups: list[suppress.Suppression | None]
    dropped: list[str]
    table: pd.DataFrame                         # the table to show (the published table when cells are hidden)
    public: bool = False
    k: int = suppress.DEFAULT_K
    notes: list[str] = field(default_factory=list)

    @property
    def hidden(self) -> int:
        """Cells hidden by the public edition."""
        return sum(s.n_hidden for s in self.sups if s is not None)

    @property
    def empty(self) -> bool:
        """True when there was nothing to draw."""
        return self.chart.empty

    @property
    def sql_files(self) -> list[str]:
        """The SQL files behind the chart."""
        return self.spec.sql_files()

    @property
    def dropped_note(self) -> list[str]:
        """The dropped filters the note under the chart names: the year is left to the scope note when
        the chart has one (the reform comparison says it uses every year)."""
        return [d for d in self.dropped if not (self.spec.scope_note and d == "year")]

    @property
    def fig(self):
        """The plotly figure (None when there was nothing to draw)."""
        return self.chart.fig

    @property
    def summary(self) -> str:
        """The one-sentence summary (the figure's accessible name and the PDF caption)."""
        return self.chart.summary


# ---------------------------------------------------------------- selection-dependent arguments
def gap_of(sel: Selection) -> str:
    """The gap the by-area charts show: the chosen one, else the gaps page's default (the seed's first)."""
    return sel.gap or queries.GAP_KEYS[0]


def _gap_area(sel: Selection) -> dict[str, Any]:
    return {"level": "village" if sel.town else "town", "gap": gap_of(sel)}


def _area_level(sel: Selection) -> dict[str, Any]:
    return {"level": "village" if sel.town else "town"}


def _town_chosen(sel: Selection) -> bool:
    return sel.town is not None


def _district(sel: Selection) -> bool:
    return sel.town is None


def _policy(sel: Selection) -> dict[str, Any]:
    return dict(sel.policy or ())


def _policy_asked(sel: Selection) -> bool:
    return sel.policy is not None and "rule" in dict(sel.policy)


def _tier_asked(sel: Selection) -> bool:
    # a tier amount changed: Selection.policy holds tier_simulation's program, tier and amount
    return sel.policy is not None and "tier" in dict(sel.policy) and "rule" not in dict(sel.policy)


def _spec(id_: str, builder, *calls: Call, scope_note: str | None = None, applies=None, drill: str | None = None,
          drill_also: str | None = None, **options) -> ChartSpec:
    return ChartSpec(id_, id_.split(".")[0], builder, tuple(calls), tuple(options.items()), scope_note,
                     applies or (lambda sel: True), drill, drill_also)


def _call(fn, *, all_years: bool = False, dynamic=None, lookup: bool = False, **fixed) -> Call:
    return Call(fn, tuple(fixed.items()), all_years, dynamic, lookup)


q = queries
CHARTS: dict[str, ChartSpec] = {s.id: s for s in (
    _spec("overview.monthly_spend", figures.monthly_spend, _call(q.monthly_spend)),
    _spec("overview.towns", figures.town_ranking, _call(q.benefit_incidence, by="town"), drill="town"),
    _spec("overview.trends", figures_trends.kpi_trends, _call(q.kpi_trends, all_years=True),
          _call(q.programs, lookup=True), scope_note="trends_all_years"),
    _spec("overview.gap_trends", figures_trends.gap_trends, _call(q.gap_trends, all_years=True),
          _call(q.programs, lookup=True), scope_note="trends_all_years"),
    _spec("coverage.heatmap", figures.coverage_heatmap, _call(q.coverage_by_category), drill="category",
          drill_also="grade"),
    _spec("coverage.town", figures.coverage_bars, _call(q.coverage_by, by="town"), by="town", drill="town"),
    _spec("coverage.sex", figures.coverage_bars, _call(q.coverage_by, by="sex"), by="sex"),
    _spec("coverage.age_band", figures.coverage_bars, _call(q.coverage_by, by="age_band"), by="age_band"),
    _spec("coverage.targeting", figures.targeting, _call(q.targeting_errors)),
    _spec("coverage.priority_children", figures.priority_children, _call(q.priority_children)),
    _spec("coverage.flows", figures_trends.program_flows, _call(q.program_flows)),
    _spec("spend.programs", figures.spend_programs, _call(q.spend_by_program), drill="program"),
    _spec("spend.groups", figures.spend_groups, _call(q.spend_by_program)),
    _spec("spend.tiers", figures.spend_tiers, _call(q.spend_by_tier), _call(q.programs, lookup=True)),
    _spec("spend.adequacy", figures_check.adequacy, _call(q.adequacy), _call(q.programs, lookup=True)),
    _spec("spend.incidence_category", figures.incidence, _call(q.benefit_incidence, by="category"), by="category",
          drill="category"),
    _spec("spend.incidence_town", figures.incidence, _call(q.benefit_incidence, by="town"), by="town", drill="town"),
    _spec("processing.medians", figures.processing_medians, _call(q.processing_times, all_years=True, by="program"),
          scope_note="processing_all_years"),
    _spec("processing.distribution", figures.processing_distribution, _call(q.duration_stats, all_years=True),
          scope_note="processing_all_years"),
    _spec("processing.routes", figures.processing_routes, _call(q.processing_times, all_years=True, by="route"),
          scope_note="processing_all_years"),
    _spec("processing.decisions", figures_decisions.decisions, _call(q.application_decisions, by="program")),
    _spec("processing.channels", figures_decisions.channels, _call(q.application_decisions, by="channel")),
    _spec("processing.trips", figures.processing_trips, _call(q.programs)),
    _spec("processing.materials", figures.processing_materials, _call(q.programs)),
    _spec("gaps.overview", figures.gaps_overview, _call(q.census_gaps), drill="gap"),
    _spec("gaps.event_sources", figures_decisions.event_sources, _call(q.status_event_sources)),
    _spec("gaps.by_town", figures.gaps_by_area, _call(q.census_gaps_by_area, dynamic=_gap_area), level="town",
          applies=_district, drill="town"),
    _spec("gaps.by_village", figures.gaps_by_area, _call(q.census_gaps_by_area, dynamic=_gap_area), level="village",
          applies=_town_chosen),
    _spec("policy.by_town", figures_policy.policy_costs, _call(q.policy_simulation, by="town", dynamic=_policy),
          by="town", scope_note="policy_assumption", applies=_policy_asked, drill="town"),
    _spec("policy.by_category", figures_policy.policy_costs,
          _call(q.policy_simulation, by="category", dynamic=_policy), by="category", scope_note="policy_assumption",
          applies=_policy_asked, drill="category"),
    _spec("policy.tier_by_town", figures_policy.policy_costs, _call(q.tier_simulation, by="town", dynamic=_policy),
          by="town", current="chart.policy.tier_current", scope_note="policy_tier_assumption", applies=_tier_asked,
          drill="town"),
    _spec("policy.tier_by_category", figures_policy.policy_costs,
          _call(q.tier_simulation, by="category", dynamic=_policy), by="category", current="chart.policy.tier_current",
          scope_note="policy_tier_assumption", applies=_tier_asked, drill="category"),
    _spec("check.medication", figures_check.medication, _call(q.medication_adherence)),
    _spec("check.medication_areas", figures_check.medication_areas, _call(q.medication_by_area, dynamic=_area_level)),
)}
KPI_CALL = _call(q.kpi_overview)        # the KPI tiles (publish.kpis), with `applications` (kpi_frame)
SAVINGS_CALL = _call(q.reform_savings)   # the processing page's tiles
del q


def specs_for(sel: Selection, page: str | None = None) -> list[ChartSpec]:
    """The charts that apply to `sel` (of one page, or all), in registry order."""
    return [s for s in CHARTS.values() if (page is None or s.page == page) and s.applies(sel)]


# ---------------------------------------------------------------- running the calls
def direct_runner(con) -> Runner:
    """run(fn, **kwargs) calling the API on `con`, each distinct call once (the pack shares frames)."""
    memo: dict[tuple, pd.DataFrame] = {}

    def run(fn, **kwargs):
        key = (fn.__name__, tuple(sorted(kwargs.items())))
        if key not in memo:
            memo[key] = fn(con, **kwargs)
        return memo[key]

    return run


@functools.lru_cache(maxsize=2)
def labels(lang: str) -> Labels:
    """The vocabulary for `lang` with the gap seed's labels."""
    return Labels.from_catalog(lang, queries.gap_catalog())


# ---------------------------------------------------------------- the public edition
def publication(call: Call, frame: pd.DataFrame, run: Runner, k: int, sel: Selection,
                kwargs: Mapping[str, Any] | None = None) -> suppress.Suppression | None:
    """Suppression of one call's frame for the public edition (None for row-level or empty frames),
    consistent with every view of a coarser selection (rule 8 of publish/suppress.py, `hidden_before`)."""
    if frame is None or frame.empty or call.name in MICRODATA:
        return None
    return published(call.name, frame, run=run, k=k, sel=sel, kwargs=call.kwargs(sel) if kwargs is None else kwargs)


def published(fn: str, frame: pd.DataFrame | None, *, run: Runner, k: int, sel: Selection,
              kwargs: Mapping[str, Any] | None = None,
              inherited: frozenset | None = None) -> suppress.Suppression | None:
    """The public edition of API frame `fn` (called with `kwargs`, by default the selection's filters)
    as published for `sel`: its own suppression lines plus what views of coarser selections hid
    (`inherited`, by default `hidden_before(sel)`): those cells stay hidden here, and a line whose total
    is one of them gets a hidden cell of its own."""
    if frame is None or frame.empty:
        return None
    kwargs = dict(sel.filters() if kwargs is None else kwargs)
    lines = None
    if fn == "census_gaps_by_area" and kwargs.get("level") == "village":
        # village figures also add up to the town figures published in the by-town chart
        frame = with_town(frame, run, kwargs.get("town"))
        lines = [("gap",), ("gap", "town")]
    if inherited is None:
        inherited = hidden_before(sel, run, k)
    inherited = _other_years(fn, frame, sel, run, k, inherited)
    extra = totals = None
    if inherited:
        extra, totals = _inherited_cells(fn, kwargs, frame, lines, inherited)
    return suppress.suppress_api_frame(fn, frame, k=k, lines=lines, extra_hidden=extra, hidden_totals=totals)


# ---------------------------------------------------------------- one suppression across selections
# A cell is identified by what it counts and under which filters: the measure (columns of different API
# functions that count the same thing share one) and its coordinates (the call's filters plus the row's
# own keys, e.g. the town of a by-town row). The same quantity under the same filters is the same number
# wherever it is shown, so a cell hidden in one view is hidden in every view of a narrower selection.
DIMENSIONS = ("year", "town", "village", "category", "program_group", "program", "gap")
_SAME = {
    "certified": {"kpi_overview": "certified_population", "coverage_by": "certified_population",
                  "coverage_by_category": "certified_population"},
    "covered": {"kpi_overview": "persons_covered", "coverage_by": "persons_paid",
                "coverage_by_category": "persons_paid"},
    "coverage": {"kpi_overview": "coverage", "coverage_by": "coverage", "coverage_by_category": "coverage"},
    "paid": {"kpi_overview": "persons_paid", "benefit_incidence": "persons"},
    "spend": {"kpi_overview": "spend_yuan", "benefit_incidence": "spend_yuan", "spend_by_program": "spend_yuan",
              "monthly_spend": "spend_yuan"},
    "person_times": {"kpi_overview": "person_times", "spend_by_program": "person_times"},
    "payments": {"kpi_overview": "payments", "spend_by_program": "payments", "monthly_spend": "payments"},
    **{f"gap_{c}": {"census_gaps": c, "census_gaps_by_area": c, "gap_trends": c}
       for c in ("persons", "cases", "months", "amount_yuan")},
}
# each year of kpi_trends is exactly that year's kpi_overview (queries/sql/api/kpi_trends.sql)
for _m, _cols in list(_SAME.items()):
    if "kpi_overview" in _cols:
        _cols["kpi_trends"] = _cols["kpi_overview"]
MEASURES: dict[tuple[str, str], str] = {(fn, col): m for m, cols in _SAME.items() for fn, col in cols.items()}
# filters a measure does not depend on (the certified population is the same whichever programs pay)
IGNORES = {"certified": frozenset({"program_group", "program"})}
# per API function, frame column -> the dimension its value is ("by" / "level": the call's argument)
ROW_DIMENSIONS: dict[str, dict[str, str]] = {
    "coverage_by": {"value": "by"}, "benefit_incidence": {"value": "by"},
    "coverage_by_category": {"category": "category", "grade": "grade"},
    "census_gaps": {"gap": "gap"}, "census_gaps_by_area": {"gap": "gap", "area": "level", "town": "town"},
    "spend_by_program": {"program_id": "program", "program_group": "program_group"},
    "spend_by_tier": {"program_id": "program", "tier": "tier"}, "monthly_spend": {"month": "month"},
    "priority_children": {"group": "priority_group"}, "targeting_errors": {"program_id": "program"},
    "processing_times": {"program_id": "program", "route": "route"},
    "duration_stats": {"period": "period", "route": "route"},
    "kpi_trends": {"year": "year"}, "gap_trends": {"year": "year", "gap": "gap"},
    "program_flows": {"program_id": "program", "flow": "flow", "reason": "reason"},
    "application_decisions": {"value": "by"}, "status_event_sources": {"event": "event", "source": "source"},
    "policy_simulation": {"program_id": "program", "town": "town", "village": "village", "category": "category"},
    "tier_simulation": {"program_id": "program", "tier": "tier", "town": "town", "village": "village",
                        "category": "category"},
    "medication_adherence": {"month": "month"}, "medication_by_area": {"area": "level"},
    "adequacy": {"program_id": "program"},
}


def measure(fn: str, col: str) -> str:
    """What column `col` of API function `fn` counts (shared by columns that count the same thing)."""
    return MEASURES.get((fn, col), f"{fn}.{col}")


def quantity(fn: str, col: str, coords: Mapping[str, Any]) -> tuple:
    """The identity of a published number: (measure, its coordinates), hashable."""
    m = measure(fn, col)
    skip = IGNORES.get(m, frozenset())
    return m, frozenset((d, v) for d, v in coords.items() if d not in skip and v is not None)


def _base(kwargs: Mapping[str, Any]) -> dict[str, Any]:
    return {d: kwargs[d] for d in DIMENSIONS if kwargs.get(d) is not None}


def _row_dims(fn: str, kwargs: Mapping[str, Any]) -> dict[str, str]:
    dims = {}
    for col, dim in ROW_DIMENSIONS.get(fn, {}).items():
        dims[col] = kwargs.get(dim) if dim in ("by", "level") else dim
    return {c: d for c, d in dims.items() if d}


def _value(v):
    return v.item() if hasattr(v, "item") else v


def cell_quantities(fn: str, kwargs: Mapping[str, Any], frame: pd.DataFrame,
                    columns: list[str] | None = None) -> dict[tuple[Any, str], tuple]:
    """{(row label, column): quantity} for every number of an API frame (see `quantity`), or for the
    cells of `columns` (of a published frame, whose hidden cells are marks)."""
    base, dims = _base(kwargs), _row_dims(fn, kwargs)
    keyed = [c for c in dims if c in frame.columns]
    values = columns if columns is not None else [
        c for c in frame.columns if c not in dims and pd.api.types.is_numeric_dtype(frame[c])]
    out = {}
    for i, row in zip(frame.index, frame[keyed].itertuples(index=False, name=None)):
        coords = base | {dims[c]: _value(v) for c, v in zip(keyed, row)}
        for col in values:
            out[(i, col)] = quantity(fn, col, coords)
    return out


def _inherited_cells(fn: str, kwargs: Mapping[str, Any], frame: pd.DataFrame, lines, inherited: frozenset):
    """(cells of `frame` hidden in a coarser view, {column: lines whose total is hidden}) for rule 8."""
    cols = {c: j for j, c in enumerate(frame.columns)}
    rows = {i: n for n, i in enumerate(frame.index)}
    mask = np.zeros(frame.shape, dtype=bool)
    for (i, col), key in cell_quantities(fn, kwargs, frame).items():
        if key in inherited:
            mask[rows[i], cols[col]] = True
    base, dims = _base(kwargs), _row_dims(fn, kwargs)
    lines = suppress.API_LINES.get(fn, [()]) if lines is None else lines
    own = suppress.API_COLUMN_LINES.get(fn, {})
    totals: dict[str, list[tuple]] = {}
    for col in frame.columns:
        if col in dims or not pd.api.types.is_numeric_dtype(frame[col]):
            continue
        for keys in own.get(col, lines):
            keys = tuple(keys)
            groups = [()] if not keys else list(dict.fromkeys(frame[list(keys)].itertuples(index=False, name=None)))
            for values in groups:
                coords = base | {dims[c]: _value(v) for c, v in zip(keys, values) if c in dims}
                if quantity(fn, col, coords) in inherited:
                    totals.setdefault(col, []).append((keys, tuple(values)))
    extra = pd.DataFrame(mask, index=frame.index, columns=frame.columns) if mask.any() else None
    return extra, totals


def _other_years(fn: str, frame: pd.DataFrame, sel: Selection, run: Runner, k: int, inherited: frozenset):
    """A frame with a row per year (the trends): each year's row is that year's figure of this selection,
    so it also hides what that year's coarser views hid (the district's by-town table of 2019 …)."""
    if "year" not in ROW_DIMENSIONS.get(fn, {}) or "year" not in frame.columns or sel.year is None:
        return inherited
    for year in sorted(set(frame["year"].dropna().astype(int)) - {sel.year}):
        inherited = inherited | hidden_before(replace(sel, year=year), run, k)
    return inherited


def coarser(sel: Selection) -> list[Selection]:
    """The selections one step coarser than `sel`: without its village (or its town, when no village
    is chosen), without its category, without its program group. The year stays."""
    out = []
    if sel.village is not None:
        out.append(replace(sel, village=None))
    elif sel.town is not None:
        out.append(replace(sel, town=None))
    if sel.category is not None:
        out.append(replace(sel, category=None))
    if sel.program_group is not None:
        out.append(replace(sel, program_group=None))
    return out


def published_calls(sel: Selection) -> list[tuple[Call, dict[str, Any]]]:
    """Every API call whose frame the public edition publishes for `sel` with its arguments: each
    chart's calls (the by-area gap charts for every gap: the reader may pick any), the KPI tiles'
    frame and the reform savings tiles."""
    out: dict[tuple, tuple[Call, dict[str, Any]]] = {}
    for spec in specs_for(replace(sel, gap=None)):
        for call in spec.calls:
            if call.lookup or call.name in MICRODATA:
                continue
            gaps = queries.GAP_KEYS if call.dynamic is _gap_area else [None]
            for gap in gaps:
                kwargs = call.kwargs(replace(sel, gap=gap))
                out.setdefault((call.name, tuple(sorted(kwargs.items()))), (call, kwargs))
    for call in (KPI_CALL, SAVINGS_CALL):
        kwargs = call.kwargs(sel)
        out.setdefault((call.name, tuple(sorted(kwargs.items()))), (call, kwargs))
    return list(out.values())


def kpi_frame(run: Runner, year: int, filters: Mapping[str, Any]) -> pd.DataFrame | None:
    """The kpi_overview frame of `year` under `filters` with `applications`: the paid applications of
    the year with working days, the records behind median_processing_days (the same rows as its SQL;
    from processing_times by route under the same filters)."""
    f = {key: v for key, v in filters.items() if key != "year"}
    frame = run(queries.kpi_overview, year=year, **f)
    if frame is None or frame.empty:
        return frame
    routes = run(queries.processing_times, year=year, by="route", **f)
    return frame.assign(applications=int(routes["applications"].sum()) if not routes.empty else 0)


def _frame(call: Call, run: Runner, kwargs: Mapping[str, Any]) -> pd.DataFrame | None:
    if call is KPI_CALL:
        return kpi_frame(run, kwargs["year"], kwargs)
    return run(call.fn, **kwargs)


_HIDDEN: dict[tuple, frozenset] = {}
_HIDDEN_MAX = 512


def _data_version(run: Runner) -> tuple:
    """What identifies the loaded database (its load_info rows) and the area the runner may read (a
    signed-in caseworker's runner lists only their towns and villages: their views are not another
    reader's); () when the database was not built by the loader."""
    info = run(queries.load_info)
    if info is None or info.empty:
        return ()
    return (tuple(map(tuple, info.astype(str).to_numpy())), tuple(run(queries.towns)),
            tuple(run(queries.villages)))


def _refused(exc: Exception) -> bool:
    """The runner refused the call for the signed-in reader's scope (access.AccessDenied / ScopeError):
    a view this reader cannot see. (publish does not import access: the layers are independent.)"""
    return type(exc).__name__ in ("AccessDenied", "ScopeError")


def hidden_at(sel: Selection, run: Runner, k: int = suppress.DEFAULT_K) -> frozenset:
    """The quantities hidden in some view of `sel` or of a coarser selection (memoised per database)."""
    sel = replace(sel, gap=None)
    version = _data_version(run)
    key = (version or id(run), sel, k)
    if key in _HIDDEN:
        return _HIDDEN[key]
    inherited = hidden_before(sel, run, k)
    out = set(inherited)
    for call, kwargs in published_calls(sel):
        try:
            frame = _frame(call, run, kwargs)
        except Exception as exc:
            if _refused(exc):
                continue
            raise
        sup = published(call.name, frame, run=run, k=k, sel=sel, kwargs=kwargs, inherited=inherited)
        if sup is None or not sup.n_hidden:
            continue
        dims = _row_dims(call.name, kwargs)
        columns = [c for c in sup.hidden.columns if c not in dims and sup.hidden[c].any()]
        for (i, col), q in cell_quantities(call.name, kwargs, sup.frame, columns).items():
            if bool(sup.hidden.loc[i, col]):
                out.add(q)
    if version:   # a database without load records cannot be told from the next: not kept
        if len(_HIDDEN) >= _HIDDEN_MAX:
            _HIDDEN.clear()
        _HIDDEN[key] = frozenset(out)
    return frozenset(out)


def hidden_before(sel: Selection, run: Runner, k: int = suppress.DEFAULT_K) -> frozenset:
    """The quantities hidden in some view of a selection coarser than `sel` (rule 8): what `sel`'s own
    views must hide too, and the totals whose lines need a hidden cell."""
    out: set = set()
    for c in coarser(replace(sel, gap=None)):
        out |= hidden_at(c, run, k)
    return frozenset(out)


_DIGITS = r"[0-9０-９]{4}"


def public_text(frame: pd.DataFrame | None) -> pd.DataFrame | None:
    """A frame's loaded text (town, village and program names, tier conditions…) as the public edition
    shows it: every ID-number, phone and bank-card shape masked (contract.masking.mask_personal, the
    loader's detector), so a phone number typed into a village name is never published. Numbers and
    text without four digits in a row are left as they are."""
    if frame is None or frame.empty:
        return frame
    out = None
    for col in frame.columns:
        values = frame[col]
        if not (values.dtype == object or pd.api.types.is_string_dtype(values)):
            continue
        if values.astype(str).str.contains(_DIGITS, regex=True, na=False).any():
            out = frame.copy() if out is None else out
            out[col] = masking.mask_personal_series(values)
    return frame if out is None else out


def with_town(frame: pd.DataFrame, run: Runner, town: str | None) -> pd.DataFrame:
    """A village-level gap frame with each village's town (a name used in two towns gets None)."""
    if frame.empty or "town" in frame.columns:
        return frame
    towns = [town] if town else run(queries.towns)
    owner: dict[str, str | None] = {}
    for t in towns:
        for v in run(queries.villages, town=t):
            owner[v] = None if v in owner and owner[v] != t else t
    out = frame.copy()
    out.insert(out.columns.get_loc("area") + 1, "town", out["area"].map(owner))
    return out


# Columns of an API frame that have no column label of their own (the box statistics of duration_stats):
# their header is the builder's word; coded values (period, route, priority group) show their labels.
_TABLE_HEADERS = {"n": "applications"} | {
    s: f"chart.processing_distribution.{s}" for s in ("q1", "median", "q3", "mean", "lowerfence", "upperfence")}
_CODED = {"period": "period", "route": "route", "group": "priority"}
# coded columns every published table shows as labels (the gap by the seed's label)
_LABELLED = {"gap": "gap", "cycle": "cycle", "grade": "grade", "category": "category",
             "program_group": "program_group", "sex": "sex", "hukou": "hukou", "age_band": "age_band",
             # words of messages (program_flows' direction and reason, a status change) and the
             # reporting department (status_event_sources), as their charts label them
             "flow": "flow", "reason": "flow.reason", "event": "event", "source": "source"}


# the breakdowns (`by`) whose `value` column holds codes
_VALUE_KINDS = frozenset({"channel", "sex", "age_band", "hukou", "category", "grade"})


def _value_label(by: str, v, labels_: Labels):
    return figures_decisions.channel_label(v, labels_) if by == "channel" else labels_.code(by, v)


def _label(kind: str, v, labels_: Labels):
    if v is None or (isinstance(v, float) and pd.isna(v)) or v is pd.NA:
        return v
    if kind in ("flow", "flow.reason", "event"):
        return labels_(f"{kind}.{v}")
    if kind == "source":
        return figures_decisions.source_label(v, labels_)
    return labels_.gap(v) if kind == "gap" else labels_.code(kind, v)


def _code_text(kind: str, v, labels_: Labels):
    if not isinstance(v, str):
        return v
    if kind == "route" and v == "_all":
        return labels_("chart.processing_distribution.all_routes")
    return labels_.code(kind, v)


def published_table(sup: suppress.Suppression, labels_: Labels, by: str | None = None) -> pd.DataFrame:
    """The published frame with labelled columns and formatted numbers ("<5" and "*" kept as text); the
    `value` column of a call by a coded breakdown (`by`: a channel, sex, age band…) as its labels."""
    out = sup.frame.copy()
    box = "q1" in out.columns
    for col in out.columns:
        if col == "value" and by in _VALUE_KINDS:
            out[col] = [v if isinstance(v, float) and pd.isna(v) else _value_label(by, v, labels_) for v in out[col]]
        elif col in _CODED:
            out[col] = [_code_text(_CODED[col], v, labels_) for v in out[col]]
        elif col in _LABELLED:
            out[col] = [_label(_LABELLED[col], v, labels_) for v in out[col]]
        elif col in vocab.RATIO_COLUMNS:
            out[col] = [v if isinstance(v, str) else vocab.fmt_pct(v) for v in out[col]]
        elif pd.api.types.is_float_dtype(sup.frame[col]) or out[col].dtype == object:
            out[col] = [v if isinstance(v, str) or not isinstance(v, float) else vocab.fmt_num(v, 1)
                        for v in out[col]]
    out.columns = [labels_.column(_TABLE_HEADERS[c]) if c == "n" else labels_(_TABLE_HEADERS[c])
                   if box and c in _TABLE_HEADERS else labels_.column(c) for c in out.columns]
    return out


# ---------------------------------------------------------------- the one way to a chart
def render(chart_id: str, sel: Selection, labels_: Labels, *, run: Runner, public: bool = False,
           k: int = suppress.DEFAULT_K) -> Rendered:
    """Frames and figure of chart `chart_id` for `sel`: what the page draws and the pack prints."""
    spec = CHARTS[chart_id]
    raw = [run(c.fn, **c.kwargs(sel)) for c in spec.calls]
    sups: list[suppress.Suppression | None] = [None] * len(raw)
    frames = list(raw)
    shown = raw
    if public:
        sups = [publication(c, df, run, k, sel) for c, df in zip(spec.calls, raw)]
        # suppression is decided on the frames as returned (a cell's identity includes its labels);
        # what is drawn and printed is their public text
        shown = [public_text(df) for df in raw]
        for s in sups:
            if s is not None:
                s.frame = public_text(s.frame)
        frames = [suppress.masked_numeric(df, s.hidden) if s is not None else df for df, s in zip(shown, sups)]
    title = spec.title(labels_, sel)
    chart = figures.honest_shapes(spec.builder(*frames, labels_, title=title, year=sel.year, **dict(spec.options)),
                                  labels_)
    out = Rendered(spec, sel, title, chart, frames, raw, sups, spec.dropped(sel), chart.table, public, k)
    if out.hidden:
        if not chart.empty:
            for call, df, s in zip(spec.calls, shown, sups):
                if s is not None:
                    framed = with_town(df, run, sel.town) if "town" in s.frame.columns and "town" not in df else df
                    mark_hidden_points(chart.fig, framed, s, labels_, k)
            chart.summary += labels_("report.summary_public")
        out.table = next(published_table(s, labels_, dict(c.kwargs(sel)).get("by"))
                         for c, s in zip(spec.calls, sups) if s is not None and s.n_hidden)
    return out


# ---------------------------------------------------------------- hidden points on a public chart
def _labels_for_row(row: pd.Series, labels_: Labels) -> set[str]:
    """Every label under which a builder may have drawn this frame row (to find its bar or cell)."""
    out: set[str] = set()
    for col, v in row.items():
        if isinstance(v, str) or col == "grade":
            out.add(str(v))
            out.add(labels_.gap(v))
            for kind in ("category", "grade", "sex", "age_band", "hukou", "route", "priority", "program_group"):
                out.add(labels_.code(kind, v))
    if "name" in row.index:
        out.add(labels_.program(row.get("name"), row.get("name_en")))
    return {x.replace("<br>", "") for x in out if x}


def mark_hidden_points(fig, frame: pd.DataFrame, sup: suppress.Suppression, labels_: Labels, k: int) -> None:
    """Write "<k" / "*" on the chart where a hidden value would have been drawn.

    The builders draw hidden values as gaps (NaN) and label them "—"; this finds the frame row behind
    each bar not drawn (or each such label) by its category label and writes "<k" when that row holds
    a primary-suppressed count, "*" otherwise, as the bar's text and as a note where the bar would
    start (after the stack when bars are stacked), so a hidden value never looks like a 0 (a 0 is
    written "0", figures.honest_shapes). Heatmap cells are matched by both of their labels and marked
    in the drawn text layer.
    """
    hidden_rows = sup.hidden.any(axis=1)
    if not hidden_rows.any():
        return
    primary_rows = sup.primary.any(axis=1)
    if {"period", "route", "q1"} <= set(frame.columns):
        mark_hidden_boxes(fig, frame, hidden_rows, primary_rows, labels_, k)
        return
    rows = [(_labels_for_row(frame.loc[i], labels_), bool(primary_rows.loc[i])) for i in frame.index[hidden_rows]]
    small, other = suppress.small_label(k), suppress.SECONDARY_MARK

    def marker(*names: str) -> str | None:
        # the figure's labels are HTML-escaped loaded text (style.html_text); the frame's are raw
        want = {html.unescape(str(x).replace("<br>", "")) for x in names}
        for cand, is_primary in rows:
            if want <= cand:
                return small if is_primary else other
        return None

    notes: dict[tuple, list[str]] = {}   # one note per bar place: (axes, horizontal, category, slot) -> marks
    stacked = fig.layout.barmode in ("stack", "relative")
    bars = [t for t in fig.data if t.type == "bar"]
    slots = _group_slots(fig, bars)
    ends: dict[tuple, float] = {}        # a stack's end per (axes, category): a mark goes after it
    for trace in fig.data:
        if trace.type == "heatmap" and trace.text is not None:
            _mark_heatmap(fig, trace, marker)
            continue
        horizontal = getattr(trace, "orientation", None) == "h"
        cats = trace.y if horizontal else trace.x
        if cats is None:
            continue
        if trace.type == "bar":
            # a bar not drawn (NaN) whose row is hidden: whatever its text, plotly draws nothing there
            values = figures.bar_values(trace)
            axes = (trace.xaxis or "x", trace.yaxis or "y")
            had_text = trace.text is not None and not isinstance(trace.text, str)
            text = list(trace.text) if had_text else [""] * len(cats)
            marked = False
            for i, lab in enumerate(cats):
                if figures._finite(values[i]):
                    ends[(axes, lab)] = ends.get((axes, lab), 0.0) + float(values[i]) if stacked else 0.0
                    continue
                m = marker(lab)
                if m:
                    text[i], marked = m, True
                    notes.setdefault((axes, horizontal, lab, slots.get(id(trace))), []).append(m)
            if had_text or marked:
                trace.text = text
            continue
        if getattr(trace, "text", None) is None or isinstance(trace.text, str):
            continue
        text = list(trace.text)
        for i, (lab, tx) in enumerate(zip(cats, text)):
            if tx in ("—", "", None, "nan"):
                m = marker(lab)
                if m:
                    text[i] = m
        trace.text = text
    # plotly draws no label for a missing bar, so the mark goes beside the axis as a note (after the
    # stack's end when the bars are stacked); the hidden value itself stays NaN (nothing hidden is
    # plotted). Bars of several series at one place share one note.
    for ((xref, yref), horizontal, lab, slot), marks in notes.items():
        at = ends.get(((xref, yref), lab), 0.0)
        # bars side by side: the mark over its own bar's slot (a category axis takes the category's
        # index plus the slot's offset)
        place = lab if slot is None else slot[0].index(lab) + slot[1]
        pos = dict(x=at, y=place, xanchor="left", xshift=4) if horizontal else \
            dict(x=place, y=at, yanchor="bottom", yshift=2)
        fig.add_annotation(text=" ".join(dict.fromkeys(marks)), showarrow=False, font=dict(color="#333"),
                           xref=xref, yref=yref, **pos)


def _group_slots(fig, bars: list) -> dict[int, tuple[tuple, float]]:
    """Bars drawn side by side (barmode group): per trace, the category order of its axis and the
    offset of its slot from the category's centre (plotly: the group is 1 − bargap wide)."""
    if fig.layout.barmode != "group" or len(bars) < 2:
        return {}
    horizontal = bars[0].orientation == "h"
    axis = fig.layout.yaxis if horizontal else fig.layout.xaxis
    if axis.categoryorder == "array" and axis.categoryarray is not None:
        order = list(axis.categoryarray)
    else:
        order = list(dict.fromkeys(c for t in bars for c in ((t.y if horizontal else t.x) or [])))
    gap = 0.2 if fig.layout.bargap is None else fig.layout.bargap
    width = (1 - gap) / len(bars)
    sign = -1 if horizontal else 1   # a horizontal group's first trace is drawn at the bottom of its slot
    return {id(t): (tuple(order), sign * (j - (len(bars) - 1) / 2) * width) for j, t in enumerate(bars)}


def _mark_heatmap(fig, trace, marker) -> None:
    """Hidden cells of a heatmap: the mark in the cell's text and in the drawn text layer (a cell with
    nothing written would read as a cell without data)."""
    text = [list(r) for r in trace.text]
    marks = []
    for yi, ylab in enumerate(trace.y or []):
        for xi, xlab in enumerate(trace.x or []):
            v = trace.z[yi][xi]
            if v is None or (isinstance(v, float) and math.isnan(v)):
                m = marker(ylab, xlab)
                if m:
                    text[yi][xi] = m
                    marks.append((xlab, ylab, m))
    trace.text = text
    if not marks:
        return
    layer = next((t for t in fig.data if t.type == "scatter" and t.mode == "text"), None)
    if layer is None:
        fig.add_scatter(x=[], y=[], text=[], mode="text", textfont=dict(size=13, color=[]), hoverinfo="skip",
                        showlegend=False)
        layer = fig.data[-1]
    colours = layer.textfont.color
    colours = list(colours) if colours is not None and not isinstance(colours, str) else \
        [colours or "#000000"] * len(layer.x or [])
    layer.update(x=list(layer.x or []) + [c[0] for c in marks], y=list(layer.y or []) + [c[1] for c in marks],
                 text=list(layer.text or []) + [c[2] for c in marks], textfont_color=colours + ["#222222"] * len(marks))


def mark_hidden_boxes(fig, frame: pd.DataFrame, hidden: pd.Series, primary: pd.Series, labels_: Labels,
                      k: int) -> None:
    """Say which boxes of a distribution (duration_stats) are not drawn because the public edition hides
    them: one line per box in the plot's top-left corner, with "<k" (fewer than k applications) or "*"."""
    lines = []
    for i in frame.index[hidden]:
        period, route = frame.loc[i, "period"], frame.loc[i, "route"]
        if route == "_all":
            continue
        what = labels_.code("period", period) + ("" if pd.isna(route) else " · " + labels_.code("route", route))
        mark = suppress.small_label(k) if bool(primary.loc[i]) else suppress.SECONDARY_MARK
        lines.append(labels_("chart.processing_distribution.hidden", what=what, mark=mark))
    if lines:
        fig.add_annotation(text="<br>".join(lines), xref="paper", yref="paper", x=0.01, y=0.99, xanchor="left",
                           yanchor="top", showarrow=False, align="left", font=dict(color="#333"))


def build(con, chart_id: str, *, lang: str = "zh", public: bool = False, k: int = suppress.DEFAULT_K,
          **selection: Any) -> Rendered:
    """Chart `chart_id` for a notebook: `charts.build(con, "coverage.heatmap", year=2020, town="…")`.

    The same `render` the dashboard and the pack use, on a direct connection; `selection` takes the
    fields of `Selection` (year, town, village, category, program_group, gap).
    """
    return render(chart_id, Selection(**selection), labels(lang), run=direct_runner(con), public=public, k=k)
