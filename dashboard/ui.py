"""Drawing helpers shared by the pages: KPI tiles, a registered chart with its summary, table, source
and PNG download, and the report-pack button.

Every chart goes through `chart()`, which asks `publish.charts.render` for it (through `store.rendered`,
shared by the sessions of one scope) — the same function the
report pack calls — and draws what it returns: the figure (with the summary as its accessible name),
the one-sentence summary, the filters it does not follow, its scope note, the data table in an
expander naming the SQL file behind it, and a PNG download rendered on click.

Streamlit reads every st.markdown / st.caption / st.info body and every metric label as Markdown (with
its own :color[…], :material/…: and $math$). Text that comes from the data (a town, village or program
name inside a summary or a scope) goes through `md` first, so it is shown as the characters it is.
"""
from __future__ import annotations

import datetime as dt
import functools
import io
import json
import os
import re
import zipfile
from collections.abc import Callable
from typing import Any

import streamlit as st

import vocab
from contract import CATEGORIES
from dashboard import a11y, auth, state, store
from publish import pack, tables
from publish.charts import Rendered, Selection
from publish.kpis import KpiTile
from publish.render import check_export_prerequisites, to_png
from publish.style import html_text

# What can start Markdown inside a line (links and images need "[", emphasis, code, HTML tags and
# entities, Streamlit's :red[…] / :material/…: directives, $math$) is escaped with a backslash; digits,
# ",", ".", "%" and "-" are left alone, so numbers read the same in the source. A list or heading
# marker only opens a block at the start, and line breaks are folded, so only the start needs it.
# GFM also turns "http://…", "www.…" and "a@b.c" into links after parsing, in the text itself, where no
# backslash is left: a WORD JOINER (U+2060, invisible, no line break) goes into each of them.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~$:&@!])")
_MD_BLOCK = re.compile(r"^(?:([-+])|(\d+)([.)])(?=\s|$))")   # "- x", "---", "1. x" (not "52.3%")
_MD_WWW = re.compile(r"(?i)\b(www)(?=\.)")
WORD_JOINER = "\u2060"


def md(text: object) -> str:
    """`text` (loaded from the data: a town, village or program name, a sentence naming them) escaped
    for Streamlit's Markdown, so it shows as the characters it is: no link, image, emphasis, HTML or
    directive; line breaks become spaces (a name cannot open a new block)."""
    s = _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).splitlines()).strip())
    s = _MD_BLOCK.sub(lambda m: "\\" + m.group(1) if m.group(1) else m.group(2) + "\\" + m.group(3), s)
    s = _MD_WWW.sub(r"\1" + WORD_JOINER, s)
    return s.replace("\\://", "\\:" + WORD_JOINER + "//").replace("\\@", WORD_JOINER + "\\@")


def empty(labels: vocab.Labels, scope: str, payments: bool = False) -> None:
    """The plain 'nothing to show' message (`scope` is plain text: it may name a town)."""
    st.info(labels("no_payments" if payments else "no_data", scope=md(scope)), icon=":material/info:")


def metric(label: str, value: str, delta: str | None = None, *, help: str | None = None,
           inverse: bool = False, prev_year=None, labels: vocab.Labels | None = None) -> None:
    """One KPI tile; `inverse` when a decrease is good (processing days)."""
    labels = labels or state.labels()
    unchanged = delta is not None and delta.startswith("±")
    st.metric(label, value, delta, delta_color="off" if unchanged else "inverse" if inverse else "normal",
              delta_arrow="off" if unchanged else "auto", help=help, border=True,
              delta_description=labels("vs_prev", year=prev_year) if delta is not None and prev_year else None)


def tiles(items: list[KpiTile], labels: vocab.Labels, prev_year=None, per_row: int = 4,
          under: dict[str, Callable[[], None]] | None = None) -> None:
    """KPI tiles from `publish.kpis`, `per_row` to a row; `under[column]` draws below that column's tile
    (a button to the list of persons behind its count)."""
    for start in range(0, len(items), per_row):
        for col, tile in zip(st.columns(per_row), items[start:start + per_row]):
            with col:
                metric(tile.label, tile.value, tile.delta, help=tile.help, inverse=tile.inverse, prev_year=prev_year,
                       labels=labels)
                if under and tile.column in under:
                    under[tile.column]()


def filter_note(dropped: list[str], labels: vocab.Labels) -> None:
    """Caption naming the set filters a figure does not follow."""
    if dropped:
        st.caption(labels("not_filtered_by", what=labels.list_sep().join(labels(d) for d in dropped)))


def chart(chart_id: str, sel: Selection, labels: vocab.Labels, *, table_inline: bool = False,
          column_config: dict | None = None) -> Rendered:
    """Draw registered chart `chart_id` for `sel` with summary, notes, table, source and PNG button.

    `table_inline` shows the table open under the chart (when the table is the point, e.g. all 33
    programs) instead of in an expander.
    """
    public = state.public()
    r = store.rendered(chart_id, sel, labels, public=public, k=state.PUBLIC_K)
    table = r.table
    if table is not r.chart.table:
        column_config = None  # the published table has the API's columns, not the builder's
    with st.container(border=True, key=f"box_{chart_id.replace('.', '_')}"):
        if r.empty:
            st.markdown(f"**{md(r.title)}**")
            if r.hidden:  # not "no data": every figure is below k, so the public table says "<5" instead
                st.caption(labels("public_all_hidden", k=state.PUBLIC_K))
                st.dataframe(table, hide_index=True, key=f"df_{chart_id}")
            else:
                empty(labels, labels.scope(sel.year, sel.town, sel.category, sel.program_group, village=sel.village))
            return r
        # a filter drills while it is "all"; the gaps page's gap is always one, and a click picks another
        drill = r.spec.drill if r.spec.drill and (r.spec.drill in PAGE_DRILLS or getattr(sel, r.spec.drill) is None) \
            else None
        also = r.spec.drill_also if drill is not None else None
        clicks = {} if drill is None else dict(
            on_select=functools.partial(_on_drill, f"chart_{chart_id}", drill, drill_labels(drill, labels),
                                        also, drill_labels(also, labels) if also else None),
            selection_mode="points")
        st.plotly_chart(r.chart.fig, key=f"chart_{chart_id}", theme=None, alt=r.chart.summary,
                        config=a11y.plotly_config(labels.lang), **clicks)
        if drill is not None:
            st.caption(labels(f"drill_hint_{drill}"))
        st.markdown(md(r.chart.summary))  # names towns and programs: text, not Markdown
        filter_note(r.dropped_note, labels)
        if r.spec.scope_note:
            years = store.years()
            st.caption(labels(r.spec.scope_note, first=min(years), last=max(years)))
        source = labels("sql_source", files=labels.list_sep().join(f"`{f}`" for f in r.sql_files))
        if table_inline:
            st.dataframe(table, hide_index=True, key=f"df_{chart_id}", column_config=column_config)
            st.caption(source)
        else:
            # lazy: the grid is only sent when the reader opens it (a page of collapsed grids costs the
            # browser seconds to lay out on a slow machine); opening reruns from the cache
            expander = st.expander(labels("table_view"), key=f"table_{chart_id}", on_change="rerun")
            if expander.open:
                with expander:
                    st.dataframe(table, hide_index=True, key=f"df_{chart_id}", column_config=column_config)
                    st.caption(source)
        problems = _export_problems(labels.lang, os.environ.get("BROWSER_PATH"))
        if problems:
            st.caption(" ".join(problems))
        else:
            # the chart file the pack writes (its edition footnote: a PNG shared on its own says 内部版 / 公开版)
            st.download_button(
                labels("download_png"), data=lambda: to_png(pack.drawn(r, labels, public, state.PUBLIC_K)[0]),
                file_name=f"{chart_id}.png",
                mime="image/png", key=f"png_{chart_id}", icon=":material/download:", on_click="ignore",
            )
    return r


# ---------------------------------------------------------------- the persons behind a count
MAX_ROWS_SHOWN = 2000   # a list shows its first rows on the page, every row in its Excel file


def person_list(rows, to_table: Callable[..., Any], labels: vocab.Labels, *, page: str, what: str,
                filters: dict[str, Any], count: str, file_name: str, sheet: str, meta: dict[str, Any],
                key: str) -> None:
    """A list of persons behind a number (a gap's cases, a coverage cell's persons): full names and ID numbers
    of a caseworker's own area (access.reveal), masked for everyone else; audited when shown (once per
    content) and when downloaded; the first MAX_ROWS_SHOWN rows on the page, all in the Excel file.

    `rows` is the API's masked frame (one row per case, with person_id); `to_table(rows, full)` labels it
    (publish.tables); `count` is the message key of its count line ({n} rows, {p} persons)."""
    unmasked = store.principal().rights.unmasked
    if unmasked:  # a caseworker: full names and ID numbers of persons in the own area only
        rows = rows.merge(store.identities(rows["person_id"]), on="person_id", how="left")
        st.caption(labels("people.unmasked_note"))
    table = to_table(rows, unmasked)
    n_persons = int(rows["person_id"].nunique())
    auth.record_once("list", page=page, filters=filters, what=what, persons=n_persons, unmasked=unmasked)
    st.markdown(labels(count, n=f"{len(rows):,}", p=f"{n_persons:,}"))
    if len(table) > MAX_ROWS_SHOWN:
        st.caption(labels("gap_list_truncated", n=f"{MAX_ROWS_SHOWN:,}"))
    st.dataframe(table.head(MAX_ROWS_SHOWN), hide_index=True, key=f"{key}_table")
    meta = {**meta, labels("generated"): dt.datetime.now().replace(microsecond=0)}
    audited = auth.recorder("download", page=page, filters=filters, what=file_name, persons=n_persons,
                            unmasked=unmasked)

    def workbook() -> bytes:   # runs when the file is fetched: nothing here may read the session
        audited()
        return tables.to_xlsx({sheet: table}, meta, labels=labels)

    st.download_button(
        labels("download_xlsx"), data=workbook, file_name=file_name,
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key=f"{key}_xlsx",
        icon=":material/download:", on_click="ignore",
    )


# ---------------------------------------------------------------- click to filter (drill)
# a chart's drill dimension -> its widget key (the sidebar's filters; the gaps page's gap)
DRILL_KEYS = {"town": "town", "category": "category", "program": "program", "gap": "gap", "grade": "grade"}
PAGE_DRILLS = frozenset({"gap"})   # a page-level choice that always has a value: a click picks another
# session state: the dimension the click before this run set (the page may bring its list into view); the app
# clears it at the end of the run, so it is never left over for another page
DRILLED = "_drilled"


def _drill_texts(dim: str, labels: vocab.Labels) -> list[tuple[str, list[str]]]:
    """(value, the texts a chart may draw it as) for every value of `dim`."""
    if dim == "town":
        return [(v, [v]) for v in store.towns()]
    if dim == "category":
        return [(v, [v, labels.code(dim, v)]) for v in CATEGORIES]
    if dim == "gap":
        return [(g, [labels.gap(g)]) for g in labels.gap_keys]
    if dim == "grade":   # the page's choice holds the grade as text ("1"…"4", as in the URL)
        return [(str(g), [labels.code("grade", g)]) for g in (1, 2, 3, 4)]
    catalog = store.programs()
    return [(row.program_id, [shown, row.name, row.name_en if isinstance(row.name_en, str) else row.name])
            for row, shown in zip(catalog.itertuples(), labels.programs(catalog))]


def drill_labels(dim: str, labels: vocab.Labels) -> dict[str, str]:
    """Every label under which a chart may draw a town, category, program or gap (as loaded, translated,
    HTML-escaped by the builders, line breaks removed) -> the value it stands for."""
    out: dict[str, str] = {}
    for v, texts in _drill_texts(dim, labels):
        for text in texts:
            for shown in (str(text), html_text(str(text))):
                out[shown.replace("<br>", "")] = v
    return out


def drill_value(event, mapping: dict[str, str]) -> str | None:
    """The filter value behind the first selected point of a plotly selection event (its label on the y or
    x axis: horizontal bars and heatmap rows are on y), None when no point names one."""
    try:
        points = event["selection"]["points"]
    except (KeyError, TypeError):
        return None
    for point in points or []:
        for axis in ("y", "x"):
            label = point.get(axis) if hasattr(point, "get") else None
            if isinstance(label, str) and label.replace("<br>", "") in mapping:
                return mapping[label.replace("<br>", "")]
    return None


def _on_drill(chart_key: str, dim: str, mapping: dict[str, str], also: str | None = None,
              also_mapping: dict[str, str] | None = None) -> None:
    """Selection callback: narrow the sidebar filter to the clicked town / category (the URL follows at the
    end of the run, state.sync_url), and set the page's `also` choice from the cell's other axis (a heatmap
    cell's grade). Runs before the next script run, so the widgets take the values."""
    event = st.session_state.get(chart_key)
    value = drill_value(event, mapping)
    if value is not None:
        st.session_state[DRILL_KEYS[dim]] = value
        st.session_state[DRILLED] = dim
        other = drill_value(event, also_mapping) if also else None
        if other is not None:
            st.session_state[DRILL_KEYS[also]] = other


def scroll_to(anchor: str) -> None:
    """Bring the element with id `anchor` (a header's anchor) into view once this run has drawn it."""
    target = json.dumps(anchor)
    st.html("<script>setTimeout(() => { const el = document.getElementById(%s); "
            "if (el) el.scrollIntoView({block: 'start'}); }, 300);</script>" % target, unsafe_allow_javascript=True)


@st.cache_data(show_spinner=False, ttl=300)
def _export_problems(lang: str, browser_path: str | None) -> list[str]:
    """Install advice when PNG export or the pack cannot work (Chromium, CJK font), re-checked every
    few minutes, not every rerun. `browser_path` ($BROWSER_PATH) is part of the cache key."""
    try:
        return check_export_prerequisites(lang)
    except Exception as exc:  # noqa: BLE001 - an unexpected check failure must not break the page
        return [f"{vocab.t('png_unavailable', lang)} ({exc})"]


def header(title: str, scope: str, labels: vocab.Labels) -> None:
    """Page title and the scope line (year · town · category · group; the town's name escaped)."""
    st.title(title, anchor=False)
    scope_caption(scope, labels)


def scope_caption(scope: str, labels: vocab.Labels) -> None:
    """The scope line under a title; `scope` is plain text (ui.fmt_scope) and may name a town."""
    st.caption(f"{labels('scope')}{labels.colon()}{md(scope)}")


def fmt_scope(sel: Selection, labels: vocab.Labels) -> str:
    """Scope text of selection `sel`."""
    text = labels.scope(sel.year, sel.town, sel.category, sel.program_group, village=sel.village)
    if sel.program:   # the program filter: its name, as the sidebar shows it
        catalog = store.programs()
        names = dict(zip(catalog["program_id"], labels.programs(catalog)))
        text += f" · {names.get(sel.program, sel.program)}"
    return text


# ---------------------------------------------------------------- annual-report pack
PACK_KEY = "pack_zip"  # session state: (selection, zip bytes) of the last pack made in this session


def report_pack(sel: Selection, labels: vocab.Labels) -> None:
    """The 年度报告包 section: a button that makes the export pack for the current selection, language
    and edition with a progress bar, then offers the zip. Without Chromium or the CJK font: the advice."""
    public = state.public()
    st.header(labels("pack_header"), anchor=False)
    st.caption(labels("pack_help", public=labels("pack_public") if public else ""))
    problems = _export_problems(labels.lang, os.environ.get("BROWSER_PATH"))
    if problems:
        st.warning("\n\n".join(problems), icon=":material/build:")
        return
    selection = (sel.year, labels.lang, public, sel)
    if st.button(labels("pack_build"), key="pack_build", icon=":material/folder_zip:"):
        bar = st.progress(0.0, text=labels("pack_build"))

        def progress(done: int, total: int, label: str) -> None:
            text = labels("pack_progress", label=md(label), done=done, total=total)
            bar.progress(min(done / max(total, 1), 1.0), text=text)

        try:
            data = pack.build_pack_zip(store.connection(), int(sel.year), lang=labels.lang, public=public,
                                       k=state.PUBLIC_K, progress=progress, town=sel.town, village=sel.village,
                                       category=sel.category, program_group=sel.program_group,
                                       policy=sel.policy, program=sel.program, run=store.run,
                                       render=store.rendered)   # the charts the pages built, not built again
        except Exception as exc:  # noqa: BLE001 - say what failed; the page stays usable
            bar.empty()
            st.warning(labels("pack_failed", error=md(exc)), icon=":material/error:")
            return
        bar.empty()
        auth.record("pack", page="overview", filters={**sel.filters(), "year": sel.year, "public": public},
                    what=f"report_{sel.year}_{labels.lang}{'_public' if public else ''}.zip")
        st.session_state[PACK_KEY] = (selection, data)
    saved = st.session_state.get(PACK_KEY)
    if not saved or saved[0] != selection:
        return
    data = saved[1]
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = zf.namelist()
    st.success(labels("pack_ready", n=len(names), size=f"{len(data) / 1e6:.1f} MB"), icon=":material/check_circle:")
    st.download_button(
        labels("pack_download"), data=data, mime="application/zip", key="pack_download", icon=":material/download:",
        file_name=f"report_{sel.year}_{labels.lang}{'_public' if public else ''}.zip", on_click="ignore",
    )

