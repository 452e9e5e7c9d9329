"""政策测算 Policy simulation: change one row of the eligibility rule seed (or the 低保 standard) and see the
year's persons, person-months and cost against the rule in force and actual spend, by town and category.

The widgets only build the change (the keyword arguments of `queries.policy_simulation`, bound values);
the charts are the registry's `policy.*` charts for a Selection carrying that change, so the report pack
built from this page prints the same figures, with the take-up assumption as their scope note.
"""
from __future__ import annotations

import time
from dataclasses import replace

import pandas as pd
import streamlit as st

import queries
import vocab
from contract import CATEGORIES
from dashboard import state, store, ui
from publish import figures_policy

L = state.labels()
sel = state.filters()
scope = ui.fmt_scope(sel, L)
ui.header(L("policy_title", year=sel.year), scope, L)
st.caption(L("policy_intro"))

seed = queries.rule_seed()
catalog = store.programs()
rules = [r for r in dict.fromkeys(seed["rule"]) if r in set(catalog["rule"].dropna())]
if not rules:
    ui.empty(L, scope)
    st.stop()
NEW = "__new__"


def _rule_label(rule: str) -> str:
    names = L.programs(catalog[catalog["rule"] == rule])
    return f"{L.list_sep().join(names)} ({rule})"


def _int(text: str) -> int | None:
    return int(text) if text else None


left, right = st.columns(2)
with left:
    rule = st.selectbox(L("policy_rule"), rules, key="policy_rule", format_func=_rule_label)
    branches = seed[seed["rule"] == rule]
    branch = st.selectbox(L("policy_branch"), [*branches["branch"], NEW], key="policy_branch",
                          format_func=lambda b: L("policy_new_branch") if b == NEW else b)
    if branch == NEW:
        branch = st.text_input(L("policy_new_branch_name"), value="simulated", key="policy_branch_name").strip() \
            or "simulated"
        row = pd.Series({c: "" for c in seed.columns})
    else:
        row = branches[branches["branch"] == branch].iloc[0]
with right:
    change: dict = {}
    if row["amount_share_of_dibao"]:
        now = round(float(row["amount_share_of_dibao"]) * 100, 2)
        pct = st.number_input(L("policy_share"), min_value=1.0, max_value=100.0, value=now, step=1.0,
                              key="policy_share")
        if abs(pct - now) > 1e-9:
            change["share"] = round(pct / 100, 4)
    cats_now = [c for c in str(row["categories"]).split("|") if c]
    cats = st.multiselect(L("policy_categories"), list(CATEGORIES), default=cats_now,
                          key="policy_categories", format_func=lambda c: L.code("category", c))
    if cats != cats_now:
        change["categories"] = "|".join(cats)
    grades = ["", "1", "2", "3", "4"]
    keep = lambda g: g or L("policy_keep")  # noqa: E731
    gmax = st.selectbox(L("policy_grade_max"), grades, index=grades.index(str(row["grade_max"])),
                        key="policy_grade_max", format_func=keep)
    if gmax != str(row["grade_max"]):
        change["grade_max"] = _int(gmax)
    geq = st.selectbox(L("policy_grade_equals"), grades, index=grades.index(str(row["grade_equals"])),
                       key="policy_grade_equals", format_func=keep)
    if geq != str(row["grade_equals"]):
        change["grade_equals"] = _int(geq)
    dibao = st.number_input(L("policy_dibao"), min_value=0.0, value=None, step=10.0, key="policy_dibao")
    amount = st.number_input(L("policy_amount"), min_value=0.0, value=None, step=5.0, key="policy_amount")

args = {"rule": rule}
if change or branch not in set(branches["branch"]):
    args |= {"branch": branch, **change}
    if branch not in set(branches["branch"]):
        args.setdefault("cert_statuses", "持证")
if dibao:
    args["dibao_standard"] = float(dibao)
if amount:
    args["amount"] = float(amount)
sim = replace(sel, policy=tuple(sorted(args.items())))
st.info(L("policy_assumption"), icon=":material/info:")

t0 = time.perf_counter()
try:
    frame = store.run(queries.policy_simulation, year=sel.year, town=sel.town, village=sel.village,
                      category=sel.category, by="town", **args)
except ValueError as exc:  # a change the API refuses: say why
    st.warning(ui.md(exc), icon=":material/error:")
    st.stop()
seconds = time.perf_counter() - t0

st.header(L("policy_result"), anchor=False)
tot = figures_policy.policy_totals(frame) if not frame.empty else None
if tot is None:
    ui.empty(L, scope, payments=True)
else:
    for col, (label, value, delta) in zip(st.columns(4), [
        (L("policy_tile_persons"), vocab.fmt_int(round(tot["persons_paid_simulated"])),
         L.delta(round(tot["persons_paid_simulated"]), tot["persons_paid_current"])),
        (L("policy_tile_cost"), L.money(tot["cost_simulated"], short=True), None),
        (L("policy_tile_change"), figures_policy.signed_money(L, tot["change"]), None),
        (L("policy_tile_actual"), figures_policy.signed_money(L, tot["change_vs_actual"]), None),
    ]):
        with col:
            ui.metric(label, value, delta, labels=L)
    st.caption(L("policy_seconds", s=f"{seconds:.2f}"))

ui.chart("policy.by_town", sim, L)
ui.chart("policy.by_category", sim, L)

if tot is not None:
    st.download_button(L("policy_export"), data=figures_policy.policy_workbook(frame, args, L, scope),
                       file_name=f"policy_{sel.year}_{rule}.xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       key="policy_export", icon=":material/download:", on_click="ignore")

ui.report_pack(sim, L)   # the pack of this selection prints the two policy charts with the assumption
