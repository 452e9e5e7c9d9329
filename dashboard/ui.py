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

from dashboard import charts, i18n
from dashboard.i18n import t


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
    built = charts.build(chart_id, frames, lang=lang, year=year)
    with st.container(border=True, key=f"box_{chart_id.replace('.', '_')}"):
        if built.empty:
            st.markdown(f"**{spec.title(lang)}**")
            empty(lang, scope)
            return built
        st.plotly_chart(built.fig, key=f"chart_{chart_id}", theme=None, alt=built.summary,
                        config={"displaylogo": False, "locale": "zh-CN" if lang == "zh" else "en"})
        st.markdown(built.summary)
        filter_note(dropped or [], lang)
        if table_inline:
            st.dataframe(built.table, hide_index=True, key=f"df_{chart_id}", column_config=column_config)
        else:
            # lazy: the grid is only sent when the reader opens it (a page of collapsed grids costs the
            # browser seconds to lay out on a slow machine); opening reruns from the cache
            table = st.expander(t("table_view", lang), key=f"table_{chart_id}", on_change="rerun")
            if table.open:
                with table:
                    st.dataframe(built.table, hide_index=True, key=f"df_{chart_id}", column_config=column_config)
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
