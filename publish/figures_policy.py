"""Chart builders of the analyses added by issue 14 (policy simulation, trends, flows, decisions): pure
functions from the API's DataFrames to plotly Figures, with the conventions of `publish.figures` (a
`Chart` with figure, summary and table; every word a message of vocab/text_analysis.py; loaded text
through `style.html_text`; colours from `publish.style`). Kept in their own module so the shared
builders file stays small.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from contract import CATEGORIES
from publish import tables
from publish.figures import Chart, _hover, _no_data, _plain, _year_prefix
from publish.style import BLUE, SLATE, VERMILLION, base_layout
from vocab import Labels, fmt_int, fmt_num

# the counts and money of a simulation frame, in table order; a tier change (tier_simulation) has no
# eligibility columns (who is paid at a tier is who is paid today), so builders use those present
TOTAL_COLUMNS = ("persons_eligible_current", "persons_eligible_simulated", "persons_paid_current",
                 "persons_paid_simulated", "person_months_eligible_current", "person_months_eligible_simulated",
                 "person_months_paid_current", "person_months_paid_simulated", "cost_current", "cost_simulated",
                 "change", "actual_spend", "change_vs_actual")


def signed_money(L: Labels, yuan: float) -> str:
    """'+131.43 万元' / '-45 元': the change with its sign."""
    text = L.money(abs(yuan))
    return ("+" if yuan > 0 else "-" if yuan < 0 else "±") + text


def policy_totals(df: pd.DataFrame) -> pd.Series:
    """The district (or filtered) totals of a policy_simulation frame: its counts and money summed over
    the rows (persons of different towns or categories are different persons)."""
    return df[[c for c in TOTAL_COLUMNS if c in df.columns]].sum()


def policy_costs(df: pd.DataFrame, L: Labels, *, title: str, year: Any = None, by: str = "town",
                 current: str = "chart.policy.current") -> Chart:
    """Cost under the rule in force and simulated, with actual spend, per town or category
    (policy_simulation or tier_simulation by=town / category; `current` names today's bars)."""
    if df is None or df.empty:
        return _no_data(L)
    d = df.groupby(by, dropna=False, as_index=False).sum(numeric_only=True)
    if by == "category":
        d["_o"] = d[by].map({v: i for i, v in enumerate(CATEGORIES)}).fillna(99)
        d = d.sort_values("_o", ascending=False)
    else:
        d = d.sort_values("cost_simulated", ascending=True)
    names = [L.code(by, v) if by == "category" else ("—" if pd.isna(v) else v) for v in d[by]]
    y = _plain(names)
    fig = go.Figure()
    for col, key, color in (("cost_current", current, SLATE),
                            ("cost_simulated", "chart.policy.simulated", BLUE)):
        fig.add_bar(y=y, x=d[col] / 10_000, orientation="h", name=L(key), marker_color=color,
                    text=[fmt_num(v / 10_000, 1) for v in d[col]], textposition="outside", cliponaxis=False,
                    hovertemplate=_hover("%{y}<br>" + L(key) + " %{x:,.2f}"))
    fig.add_scatter(y=y, x=d["actual_spend"] / 10_000, mode="markers", name=L("chart.policy.actual"),
                    marker=dict(symbol="diamond", size=11, color=VERMILLION),
                    hovertemplate=_hover("%{y}<br>" + L("chart.policy.actual") + " %{x:,.2f}"))
    base_layout(fig, title, height=max(340, 80 + 46 * len(d)))
    fig.update_layout(barmode="group")
    top = float(np.nanmax(d[["cost_current", "cost_simulated", "actual_spend"]].to_numpy())) / 10_000
    fig.update_xaxes(title_text=L("chart.money_axis"), tickformat=",.2~f", range=[0, top * 1.2 + 1e-9])
    tot = policy_totals(df)
    program = L.list_sep().join(dict.fromkeys(L.programs(df.drop_duplicates("program_id"))))
    summary = L("chart.policy.summary", prefix=_year_prefix(year, L), program=program,
                sim=L.money(tot["cost_simulated"]), change=signed_money(L, tot["change"]),
                cur=L.money(tot["cost_current"]), vs_actual=signed_money(L, tot["change_vs_actual"]),
                persons=fmt_int(round(tot["persons_paid_simulated"])), persons_now=fmt_int(tot["persons_paid_current"]))
    d = d.iloc[::-1]
    shown = [c for c in TOTAL_COLUMNS if c in d.columns and c not in ("person_months_eligible_current",
                                                                      "person_months_eligible_simulated")]
    rounding = {"persons_paid_simulated": 1, "person_months_paid_simulated": 1}
    table = pd.DataFrame({
        L.column(by): [L.code(by, v) if by == "category" else v for v in d[by]],
        **{L.column(c): (d[c].round(rounding[c]) if c in rounding else d[c].round(0) if "cost" in c
                         or c in ("change", "actual_spend", "change_vs_actual") else d[c]).to_numpy() for c in shown},
    })
    return Chart(fig, summary, table)


def change_text(change: dict) -> str:
    """The change simulated as the export and the persons' list name it: 'rule=…, branch=…, share=0.35'."""
    return ", ".join(f"{k}={v}" for k, v in change.items())


def policy_workbook(frame: pd.DataFrame, change: dict, L: Labels, scope: str,
                    assumption: str = "policy_assumption") -> bytes:
    """The simulation as an Excel workbook: the API frame with labelled headers, and a notes sheet naming
    the change simulated, the take-up assumption (message key `assumption`: policy_tier_assumption for a
    tier amount) and the scope (the export states the assumption too)."""
    notes = pd.DataFrame({L("policy_change_desc"): [change_text(change),
                                                    L(assumption), scope]})
    # the product's one workbook writer: frozen header, autofilter, dates as dates, no formula
    return tables.to_xlsx({L("policy_sheet_result"): frame.rename(columns=L.column), L("policy_sheet_notes"): notes},
                          labels=L)
