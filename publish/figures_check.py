"""Chart builders of issue 11: psychiatric medication monitoring (应服未服, the month's check page) and the
adequacy of the monthly programs (保障水平, the spend page). Conventions of `publish.figures`; words from
vocab/text_check.py."""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from publish.figures import Chart, _hover, _no_data, _plain, _year_prefix
from publish.style import BLUE, VERMILLION, base_layout
from vocab import Labels, fmt_int, fmt_pct


def medication(df: pd.DataFrame, L: Labels, *, title: str, year: Any = None) -> Chart:
    """Patients who collected their medicine and who missed it (应服未服), stacked per month, the month's
    share missed written above each bar (medication_adherence: month, prescribed_persons,
    dispensed_persons, missed_persons, missed_share)."""
    if df is None or df.empty or not df["prescribed_persons"].fillna(0).any():
        return _no_data(L)
    d = df.copy()
    d["month"] = pd.to_datetime(d["month"])
    d = d.sort_values("month")
    ticks = [L("chart.month_tick", month=m.month, abbr=m.strftime("%b")) for m in d["month"]]
    fig = go.Figure()
    for col, colour in (("dispensed_persons", BLUE), ("missed_persons", VERMILLION)):
        name = L(f"chart.check.medication.{col}")
        fig.add_bar(x=ticks, y=d[col], name=name, marker_color=colour,
                    hovertemplate=_hover("%{x}<br>" + name + " %{y:,}"))
    fig.add_scatter(x=ticks, y=d["prescribed_persons"], mode="text", showlegend=False, textposition="top center",
                    text=[fmt_pct(s) if pd.notna(s) else "" for s in d["missed_share"]], hoverinfo="skip")
    base_layout(fig, title, height=400)
    fig.update_layout(barmode="stack")
    fig.update_yaxes(title_text=L("chart.check.medication.axis"), tickformat=",d",
                     range=[0, float(d["prescribed_persons"].max()) * 1.15])
    missed, prescribed = float(d["missed_persons"].sum()), float(d["prescribed_persons"].sum())
    share = fmt_pct(missed / prescribed if prescribed else float("nan"))
    shown = pd.to_numeric(d["missed_persons"], errors="coerce").dropna()
    if shown.empty:   # the public edition hid every month's count: no month is named
        summary = L("chart.check.medication.summary_hidden", prefix=_year_prefix(year, L))
    else:
        worst = d.loc[shown.idxmax()]
        summary = L("chart.check.medication.summary", prefix=_year_prefix(year, L), share=share,
                    month=pd.Timestamp(worst["month"]).month, worst=fmt_int(worst["missed_persons"]))
    table = pd.DataFrame({
        L.column("month"): d["month"].dt.strftime("%Y-%m").to_numpy(),
        L("chart.check.medication.prescribed_persons"): d["prescribed_persons"].to_numpy(),
        L("chart.check.medication.dispensed_persons"): d["dispensed_persons"].to_numpy(),
        L("chart.check.medication.missed_persons"): d["missed_persons"].to_numpy(),
        L("chart.check.medication.missed_share"): (d["missed_share"] * 100).round(1).to_numpy(),
    })
    return Chart(fig, summary, table)


def medication_areas(df: pd.DataFrame, L: Labels, *, title: str, year: Any = None) -> Chart:
    """Share of prescribed person-months not collected (应服未服) by town, or by village of the chosen
    town, highest at the top (medication_by_area: area, prescribed_persons, prescribed_months,
    missed_months, missed_share, missed_persons)."""
    if df is None or df.empty or not df["prescribed_months"].fillna(0).any():
        return _no_data(L)
    d = df.sort_values("missed_share", ascending=True)
    share = pd.to_numeric(d["missed_share"], errors="coerce")
    fig = go.Figure(go.Bar(
        y=_plain(d["area"]), x=share, orientation="h", marker_color=VERMILLION, cliponaxis=False,
        text=[fmt_pct(s) if pd.notna(s) else "" for s in share], textposition="outside",
        customdata=np.stack([d["missed_months"], d["prescribed_months"]], axis=-1),
        hovertemplate=_hover("%{y}<br>", L("chart.check.medication_areas.hover", share="%{x:.1%}",
                                           missed="%{customdata[0]:,}", prescribed="%{customdata[1]:,}")),
    ))
    base_layout(fig, title, legend=False, height=max(320, 60 + 30 * len(d)))
    fig.update_xaxes(tickformat=".0%", title_text=L("chart.check.medication_areas.axis"),
                     range=[0, max(float(share.max()) * 1.25, 0.02)])
    top = d.iloc[-1]
    months, prescribed = float(d["missed_months"].sum()), float(d["prescribed_months"].sum())
    overall = months / prescribed if prescribed else float("nan")
    summary = L("chart.check.medication_areas.summary", prefix=_year_prefix(year, L), area=_plain([top["area"]])[0],
                share=fmt_pct(top["missed_share"]), overall=fmt_pct(overall))
    d = d.iloc[::-1]
    table = pd.DataFrame({
        L.column("area"): d["area"].to_numpy(),
        L("chart.check.medication.prescribed_persons"): d["prescribed_persons"].to_numpy(),
        L("chart.check.medication_areas.prescribed_months"): d["prescribed_months"].to_numpy(),
        L("chart.check.medication_areas.missed_months"): d["missed_months"].to_numpy(),
        L("chart.check.medication.missed_share"): (pd.to_numeric(d["missed_share"], errors="coerce") * 100)
        .round(1).to_numpy(),
        L("chart.check.medication_areas.missed_persons"): d["missed_persons"].to_numpy(),
    })
    return Chart(fig, summary, table)


def adequacy(df: pd.DataFrame, programs: pd.DataFrame, L: Labels, *, title: str, year: Any = None) -> Chart:
    """保障水平 of the monthly programs: money paid per person-month as a share of the year's 低保
    standard, one bar per program, the yuan a month written beside it (adequacy + programs for names)."""
    if df is None or df.empty or not df["persons"].fillna(0).any():
        return _no_data(L)
    d = df.merge(programs[["program_id", "name"] + (["name_en"] if "name_en" in programs else [])],
                 on="program_id", how="left")
    d = d[d["persons"] > 0].sort_values("adequacy")
    names = L.programs(d)
    share = pd.to_numeric(d["adequacy"], errors="coerce")
    fig = go.Figure(go.Bar(
        y=names, x=share, orientation="h", marker_color=BLUE, cliponaxis=False, textposition="outside",
        text=[L("chart.spend.adequacy.bar", share=fmt_pct(s), yuan=fmt_int(round(y)) if pd.notna(y) else "—")
              for s, y in zip(share, d["monthly_yuan"])],
        hovertemplate=_hover("%{y}<br>", L("chart.spend.adequacy.hover", share="%{x:.1%}")),
    ))
    base_layout(fig, title, legend=False, height=max(260, 110 + 60 * len(d)))
    fig.update_xaxes(tickformat=".0%", title_text=L("chart.spend.adequacy.axis"),
                     range=[0, max(float(share.max()) * 1.35, 0.1)])
    standard = float(d["dibao_standard"].dropna().iloc[0]) if d["dibao_standard"].notna().any() else float("nan")
    summary = L("chart.spend.adequacy.summary", prefix=_year_prefix(year, L), standard=fmt_int(standard),
                parts=L.list_sep().join(L("chart.spend.adequacy.part", program=n, share=fmt_pct(s))
                                        for n, s in zip(names[::-1], share[::-1])))
    table = pd.DataFrame({
        L.column("name"): names[::-1],
        L.column("persons"): d["persons"].to_numpy()[::-1],
        L("chart.spend.adequacy.monthly_yuan"): d["monthly_yuan"].round(2).to_numpy()[::-1],
        L("chart.spend.adequacy.standard"): d["dibao_standard"].to_numpy()[::-1],
        L("chart.spend.adequacy.pct"): (share * 100).round(1).to_numpy()[::-1],
    })
    return Chart(fig, summary, table)
