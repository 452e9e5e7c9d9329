"""Chart builders for data loaded and shown nowhere before issue 14: decisions on applications (approval
and rejection, review time, the pending backlog), the channels applications come through, and the
department that reported each status change. Conventions of `publish.figures`; words from
vocab/text_analysis.py; loaded text (a department's name) through `style.html_text`.
"""
from __future__ import annotations

from typing import Any

import pandas as pd
import plotly.graph_objects as go

from publish.figures import Chart, _hover, _no_data, _plain, _program_width, _wrap_label, _year_prefix
from publish.style import BLUE, BROWN, GREEN, PALETTE, VERMILLION, base_layout
from vocab import Labels, fmt_int, fmt_pct
from vocab.text_analysis import SOURCE_LABELS

DECISION_COLORS = {"approved": GREEN, "rejected": VERMILLION, "pending": BROWN}


def _totals(d: pd.DataFrame) -> dict[str, float]:
    approved, rejected = float(d["approved"].sum()), float(d["rejected"].sum())
    decided = approved + rejected
    return dict(applications=float(d["applications"].sum()), approved=approved, rejected=rejected,
                pending=float(d["pending"].sum()), approval=approved / decided if decided else float("nan"))


def decisions(df: pd.DataFrame, L: Labels, *, title: str, year: Any = None) -> Chart:
    """Approved / rejected / pending applications per program, the approval rate written beside each bar
    (application_decisions by=program)."""
    if df is None or df.empty or not df["applications"].fillna(0).any():
        return _no_data(L)
    d = df.sort_values("applications", ascending=True)
    labels = [_wrap_label(s, _program_width(L)) for s in L.programs(d)]
    fig = go.Figure()
    for col in ("approved", "rejected", "pending"):
        fig.add_bar(y=labels, x=d[col], orientation="h", name=L(f"decision.{col}"), marker_color=DECISION_COLORS[col],
                    hovertemplate=_hover("%{y}<br>" + L(f"decision.{col}") + " %{x:,}"))
    fig.add_scatter(y=labels, x=d["applications"], mode="text", showlegend=False, textposition="middle right",
                    text=[" " + fmt_pct(v) for v in d["approval_rate"]], hoverinfo="skip")
    base_layout(fig, title, height=max(380, 90 + 26 * len(d)))
    fig.update_layout(barmode="stack")
    fig.update_xaxes(title_text=L("chart.decisions.axis"), tickformat=",d",
                     range=[0, float(d["applications"].max()) * 1.15])
    t = _totals(d)
    days = pd.to_numeric(d["median_review_days"], errors="coerce")
    summary = L("chart.decisions.summary", prefix=_year_prefix(year, L), n=fmt_int(t["applications"]),
                approval=fmt_pct(t["approval"]), rejected=fmt_int(t["rejected"]), pending=fmt_int(t["pending"]),
                days="—" if days.isna().all() else L.days(float(days.median())))
    d = d.iloc[::-1]
    table = pd.DataFrame({
        L.column("name"): L.programs(d),
        L.column("applications"): d["applications"].to_numpy(),
        L("decision.approved"): d["approved"].to_numpy(),
        L("decision.rejected"): d["rejected"].to_numpy(),
        L("decision.pending"): d["pending"].to_numpy(),
        L.column("approval_rate"): (d["approval_rate"] * 100).round(1).to_numpy(),
        L.column("median_review_days"): d["median_review_days"].to_numpy(),
    })
    return Chart(fig, summary, table)


def channels(df: pd.DataFrame, L: Labels, *, title: str, year: Any = None) -> Chart:
    """Share of the year's applications by channel: online, window, 代办 (application_decisions by=channel)."""
    if df is None or df.empty or not df["applications"].fillna(0).any():
        return _no_data(L)
    d = df.copy()
    d["label"] = [channel_label(v, L) for v in d["value"]]
    d = d.sort_values("application_share", ascending=True)
    fig = go.Figure(go.Bar(
        y=_plain(d["label"]), x=d["application_share"], orientation="h", marker_color=BLUE,
        text=[f"{fmt_pct(s)}（{fmt_int(n)}）" if L.zh else f"{fmt_pct(s)} ({fmt_int(n)})"
              for s, n in zip(d["application_share"], d["applications"])],
        textposition="outside", cliponaxis=False, hovertemplate=_hover("%{y}<br>%{x:.1%}"),
    ))
    base_layout(fig, title, legend=False, height=max(260, 90 + 50 * len(d)))
    fig.update_xaxes(tickformat=".0%", title_text=L("chart.channels.axis"),
                     range=[0, min(1.0, float(d["application_share"].max()) * 1.3 + 0.02)])
    top = d.iloc[-1]
    summary = L("chart.channels.summary", prefix=_year_prefix(year, L), top=top["label"],
                share=fmt_pct(top["application_share"]), n=fmt_int(d["applications"].sum()))
    d = d.iloc[::-1]
    table = pd.DataFrame({
        L("chart.channels.channel"): d["label"].to_numpy(),
        L.column("applications"): d["applications"].to_numpy(),
        L.column("application_share"): (d["application_share"] * 100).round(1).to_numpy(),
        L.column("approval_rate"): (d["approval_rate"] * 100).round(1).to_numpy(),
        L.column("median_review_days"): d["median_review_days"].to_numpy(),
    })
    return Chart(fig, summary, table)


def channel_label(channel: Any, L: Labels) -> str:
    """An application channel's name (online, window, proxy) in this language; others as loaded."""
    if isinstance(channel, str) and f"channel.{channel}" in L.known:
        return L(f"channel.{channel}")
    return L("channel.unknown") if pd.isna(channel) else str(channel)


def source_label(source: Any, L: Labels) -> str:
    """A reporting department's name in this language (known departments translated, others as loaded)."""
    if source is None or (isinstance(source, float) and pd.isna(source)):
        return L("source.unknown")
    return str(source) if L.zh else SOURCE_LABELS.get(str(source), str(source))


def event_sources(df: pd.DataFrame, L: Labels, *, title: str, year: Any = None) -> Chart:
    """Status changes of the year per kind, stacked by the department that reported them
    (status_event_sources)."""
    if df is None or df.empty:
        return _no_data(L)
    d = df.copy()
    d["event_label"] = [L(f"event.{e}") for e in d["event"]]
    d["source_label"] = [source_label(s, L) for s in d["source"]]
    order = d.groupby("event_label")["events"].sum().sort_values().index.tolist()
    fig = go.Figure()
    for i, (src, part) in enumerate(d.groupby("source_label", sort=True)):
        part = part.set_index("event_label").reindex(order)
        fig.add_bar(y=_plain(order), x=part["events"], orientation="h", name=_plain([src])[0],
                    marker_color=PALETTE[i % len(PALETTE)],
                    hovertemplate=_hover("%{y}<br>" + _plain([src])[0] + " %{x:,}"))
    base_layout(fig, title, height=max(320, 90 + 34 * len(order)))
    fig.update_layout(barmode="stack")
    fig.update_xaxes(title_text=L("chart.event_sources.axis"), tickformat=",d")
    by_source = d.groupby("source_label")["events"].sum().sort_values(ascending=False)
    summary = L("chart.event_sources.summary", prefix=_year_prefix(year, L), n=fmt_int(d["events"].sum()),
                top=by_source.index[0],
                share=fmt_pct(by_source.iloc[0] / by_source.sum() if by_source.sum() else None),
                departments=fmt_int(len(by_source)))
    table = pd.DataFrame({
        L("chart.event_sources.event"): d["event_label"].to_numpy(),
        L("chart.event_sources.source"): d["source_label"].to_numpy(),
        L("chart.event_sources.events"): d["events"].to_numpy(),
        L("persons"): d["persons"].to_numpy(),
        L.column("event_share"): (d["event_share"] * 100).round(1).to_numpy(),
    })
    return Chart(fig, summary, table)
