"""Drawing helpers shared by the pages: KPI tiles, a chart with its summary, table and PNG download.

Every chart goes through `chart()`, so every chart gets the same four things: the figure (with the
summary as its accessible name), the one-sentence summary as text, the data table in an expander, and
a PNG download rendered on click (Chromium missing → the install advice, not a traceback).
"""
from __future__ import annotations

import os
from typing import Any

import pandas as pd
import streamlit as st

from publish import charts, suppress
import vocab as i18n
from dashboard import state
from vocab import t

RATIO_COLUMNS = {"coverage", "share", "exclusion_error", "inclusion_error", "cap_use", "zero_trip_share", "missed_share"}


def empty(lang: str, scope: str, payments: bool = False) -> None:
    """The plain 'nothing to show' message."""
    st.info(t("no_payments" if payments else "no_data", lang, scope=scope), icon=":material/info:")


def metric(label: str, value: str, delta: str | None = None, *, help: str | None = None,
           inverse: bool = False, prev_year: Any = None, lang: str = "zh") -> None:
    """One KPI tile; `inverse` when a decrease is good (processing days)."""
    unchanged = delta is not None and delta.startswith("±")
    st.metric(label, value, delta, delta_color="off" if unchanged else "inverse" if inverse else "normal",
              delta_arrow="off" if unchanged else "auto", help=help, border=True,
              delta_description=t("vs_prev", lang, year=prev_year) if delta is not None and prev_year else None)


def filter_note(dropped: list[str], lang: str) -> None:
    """Caption naming the set filters a figure does not follow."""
    if not dropped:
        return
    names = {"town": t("town", lang), "category": t("category", lang), "program_group": t("program_group", lang),
             "year": t("year", lang)}
    sep = "、" if lang == "zh" else ", "
    st.caption(t("not_filtered_by", lang, what=sep.join(names.get(d, d) for d in dropped)))


def _png_or_advice(fig) -> bytes:
    return charts.to_png(fig)


def chart(chart_id: str, frames: list[pd.DataFrame], lang: str, *, year: Any = None, scope: str = "",
          dropped: list[str] | None = None, table_inline: bool = False,
          column_config: dict | None = None) -> charts.Chart:
    """Build registered chart `chart_id` from `frames` and draw it with summary, table and PNG button.

    `table_inline` shows the table open under the chart (when the table is the point, e.g. all 33
    programs) instead of in an expander.
    """
    spec = charts.CHARTS[chart_id]
    sups: list[suppress.Suppression | None] = [None] * len(frames)
    raw = list(frames)
    if state.public():
        # the public edition: hidden counts become gaps in the chart and "<5" / "*" in the table
        sups = [publish(call.fn, df) for call, df in zip(spec.calls, raw)] + [None] * (len(raw) - len(spec.calls))
        frames = [suppress.masked_numeric(df, sup.hidden) if sup is not None else df for df, sup in zip(raw, sups)]
    built = charts.build(chart_id, frames, lang=lang, year=year)
    hidden = sum(sup.n_hidden for sup in sups if sup is not None)
    if hidden and not built.empty:
        from publish import pack as export

        for df, sup in zip(raw, sups):
            if sup is not None:
                export.mark_hidden_points(built.fig, df, sup, lang, state.PUBLIC_K)
        built.summary += export.TEXT[lang]["summary_public"]
    table = next((published_table(sup, lang) for sup in sups if sup is not None and sup.n_hidden), built.table)
    if table is not built.table:
        column_config = None  # the published table has the API's columns, not the builder's
    with st.container(border=True, key=f"box_{chart_id.replace('.', '_')}"):
        if built.empty:
            st.markdown(f"**{spec.title(lang)}**")
            if hidden:  # not "no data": every figure is below k, so the public table says "<5" instead
                st.caption(t("public_all_hidden", lang, k=state.PUBLIC_K))
                st.dataframe(table, hide_index=True, key=f"df_{chart_id}")
            else:
                empty(lang, scope)
            return built
        st.plotly_chart(built.fig, key=f"chart_{chart_id}", theme=None, alt=built.summary,
                        config={"displaylogo": False, "locale": "zh-CN" if lang == "zh" else "en"})
        st.markdown(built.summary)
        filter_note(dropped or [], lang)
        if table_inline:
            st.dataframe(table, hide_index=True, key=f"df_{chart_id}", column_config=column_config)
        else:
            # lazy: the grid is only sent when the reader opens it (a page of collapsed grids costs the
            # browser seconds to lay out on a slow machine); opening reruns from the cache
            expander = st.expander(t("table_view", lang), key=f"table_{chart_id}", on_change="rerun")
            if expander.open:
                with expander:
                    st.dataframe(table, hide_index=True, key=f"df_{chart_id}", column_config=column_config)
        problems = _export_problems(lang, os.environ.get("BROWSER_PATH"))
        if problems:
            st.caption(" ".join(problems))
        else:
            fig = built.fig
            st.download_button(
                t("download_png", lang), data=lambda: _png_or_advice(fig), file_name=f"{chart_id}.png",
                mime="image/png", key=f"png_{chart_id}", icon=":material/download:", on_click="ignore",
            )
    return built


@st.cache_data(show_spinner=False, ttl=300)
def _export_problems(lang: str, browser_path: str | None) -> list[str]:
    """Install advice when PNG export cannot work (checked every few minutes, not every rerun).

    `browser_path` ($BROWSER_PATH) is part of the cache key: it changes where Chromium is looked for.
    """
    try:
        return charts.export_problems(lang)
    except Exception as exc:  # noqa: BLE001 - an unexpected check failure must not break the page
        return [f"{t('png_unavailable', lang)} ({exc})"]


def header(title: str, scope: str, lang: str) -> None:
    """Page title and the scope line (year · town · category · group)."""
    st.title(title)
    st.caption(f"{t('scope', lang)}：{scope}" if lang == "zh" else f"{t('scope', lang)}: {scope}")


def fmt_scope(f, lang: str, village: str | None = None) -> str:
    """Scope text of Filters `f`."""
    return i18n.scope_label(f.year, f.town, f.category, f.program_group, lang, village=village)


# ---------------------------------------------------------------- public edition (small-count suppression)
def publish(fn: str, df: pd.DataFrame | None) -> suppress.Suppression | None:
    """Suppression of API frame `fn` for the public edition (None for row-level data or an empty frame)."""
    from publish import pack as export

    if df is None or df.empty or fn in export.MICRODATA:
        return None
    return export.suppress_for_publication(fn, df, state.PUBLIC_K)


def published_table(sup: suppress.Suppression, lang: str) -> pd.DataFrame:
    """The published frame with labelled columns and formatted numbers ("<5" and "*" kept as text)."""
    from publish import pack as export

    out = sup.frame.copy()
    for col in out.columns:
        if col in RATIO_COLUMNS:
            out[col] = [v if isinstance(v, str) else i18n.fmt_pct(v) for v in out[col]]
        elif pd.api.types.is_float_dtype(sup.frame[col]) or out[col].dtype == object:
            out[col] = [v if isinstance(v, str) or not isinstance(v, float) else i18n.fmt_num(v, 1)
                        for v in out[col]]
    return export.localise_columns(out, lang)


def shown(sup: suppress.Suppression | None, col: str, formatted: str, row: int = 0) -> tuple[str, bool]:
    """(text to show, hidden?) for cell (row, col): the "<5" / "*" mark when the public edition hides it."""
    if sup is None or col not in sup.hidden.columns or not bool(sup.hidden[col].iloc[row]):
        return formatted, False
    return str(sup.frame[col].iloc[row]), True


# ---------------------------------------------------------------- annual-report pack
PACK_KEY = "pack_zip"  # session state: (selection, zip bytes) of the last pack made in this session


def report_pack(f, lang: str) -> None:
    """The 年度报告包 section: a button that makes the export pack for the current selection, language
    and edition with a progress bar, then offers the zip. Without Chromium or the CJK font: the advice."""
    import io
    import zipfile

    from publish import pack as export
    from dashboard import store

    public = state.public()
    st.subheader(t("pack_header", lang))
    st.caption(t("pack_help", lang, public=t("pack_public", lang) if public else ""))
    problems = _pack_problems(lang, os.environ.get("BROWSER_PATH"))
    if problems:
        st.warning("\n\n".join(problems), icon=":material/build:")
        return
    selection = (f.year, lang, public, f.town, f.category, f.program_group)
    if st.button(t("pack_build", lang), key="pack_build", icon=":material/folder_zip:"):
        bar = st.progress(0.0, text=t("pack_build", lang))

        def progress(done: int, total: int, label: str) -> None:
            bar.progress(min(done / max(total, 1), 1.0), text=t("pack_progress", lang, label=label, done=done, total=total))

        try:
            data = export.build_pack_zip(store.connection(), int(f.year), lang=lang, public=public, k=state.PUBLIC_K,
                                         progress=progress, town=f.town, category=f.category,
                                         program_group=f.program_group)
        except Exception as exc:  # noqa: BLE001 - say what failed; the page stays usable
            bar.empty()
            st.warning(t("pack_failed", lang, error=exc), icon=":material/error:")
            return
        bar.empty()
        st.session_state[PACK_KEY] = (selection, data)
    saved = st.session_state.get(PACK_KEY)
    if not saved or saved[0] != selection:
        return
    data = saved[1]
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = zf.namelist()
    st.success(t("pack_ready", lang, n=len(names), size=f"{len(data) / 1e6:.1f} MB"), icon=":material/check_circle:")
    st.download_button(
        t("pack_download", lang), data=data, mime="application/zip", key="pack_download", icon=":material/download:",
        file_name=f"report_{f.year}_{lang}{'_public' if public else ''}.zip", on_click="ignore",
    )


@st.cache_data(show_spinner=False, ttl=300)
def _pack_problems(lang: str, browser_path: str | None) -> list[str]:
    """check_export_prerequisites() (Chromium, CJK font), re-checked every few minutes."""
    from publish.render import check_export_prerequisites

    return check_export_prerequisites(lang)
