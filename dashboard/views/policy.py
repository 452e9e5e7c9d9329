"""政策测算 Policy simulation: change one row of the eligibility rule seed (or the 低保 standard), or the amount
of one tier, and see the year's persons, person-months and cost against the rule in force and actual
spend, by town and category; under them the persons the changed rule gains, loses or keeps
(queries.policy_simulation_people with the same bound change: masked, a caseworker's own area in full, none
for the public edition, audited).

The widgets only build the change (the keyword arguments of `queries.policy_simulation`, bound values);
the charts are the registry's `policy.*` charts for a Selection carrying that change, so the report pack
built from this page prints the same figures, with the take-up assumption as their scope note. A tier
amount goes through `queries.tier_simulation` and the `policy.tier_*` charts, whose scope note states that
assumption (claims as today, capped at a new cap).
"""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace

import pandas as pd
import streamlit as st

import queries
import vocab
from contract import CATEGORIES
from dashboard import state, store, ui
from publish import figures_policy, tables

L = state.labels()
sel = state.filters()
scope = ui.fmt_scope(sel, L)
ui.header(L("policy_title", year=sel.year), scope, L)
st.caption(L("policy_intro"))

seed = queries.rule_seed()
catalog = store.programs()
rules = [r for r in dict.fromkeys(seed["rule"]) if r in set(catalog["rule"].dropna())]
NEW = "__new__"
MODES = ("rule", "tier")


def _simulate(fn, args: dict, assumption: str):
    """(frame, the Selection carrying the change, seconds) of `fn` (policy_ or tier_simulation) for the
    sidebar's filters, after the assumption is stated; None (and the API's reason shown) when refused."""
    sim = replace(sel, policy=tuple(sorted(args.items())))
    st.info(L(assumption), icon=":material/info:")
    t0 = time.perf_counter()
    try:
        frame = store.run(fn, year=sel.year, town=sel.town, village=sel.village, category=sel.category, by="town",
                          **args)
    except ValueError as exc:  # a change the API refuses: say why
        st.warning(ui.md(exc), icon=":material/error:")
        return None
    return frame, sim, time.perf_counter() - t0


def _result(frame: pd.DataFrame, sim, seconds: float, args: dict, chart_ids: tuple[str, str], assumption: str,
            file_name: str, people: Callable[[], None] | None = None) -> None:
    """Tiles, the two registry charts, the workbook, the persons behind them (`people`) and the pack of a
    simulation's frame."""
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
    for chart_id in chart_ids:
        ui.chart(chart_id, sim, L)
    if tot is not None:
        st.download_button(L("policy_export"), data=figures_policy.policy_workbook(frame, args, L, scope, assumption),
                           file_name=file_name,
                           mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                           key="policy_export", icon=":material/download:", on_click="ignore")
    if people is not None and tot is not None:
        people()
    ui.report_pack(sim, L)   # the pack of this selection prints the two policy charts with the assumption


def _tier_section() -> None:
    """A tier amount changed: pick the program, the tier and its new amount (bound values)."""
    tiers = store.run(queries.program_tiers)
    if tiers.empty:
        st.info(L("policy_no_tiers"), icon=":material/info:")
        return
    names = dict(zip(tiers["program_id"], L.programs(tiers)))
    left, right = st.columns(2)
    with left:
        program = st.selectbox(L("policy_tier_program"), list(dict.fromkeys(tiers["program_id"])),
                               key="policy_tier_program", format_func=lambda p: f"{names[p]} ({p})")
        own = tiers[tiers["program_id"] == program].set_index("tier")
        tier = st.selectbox(L("policy_tier"), [int(t) for t in own.index], key="policy_tier",
                            format_func=lambda t: L("policy_tier_label", tier=t, amount=L.money(own.at[t, "amount"]),
                                                    condition=own.at[t, "condition"] or "—"))
    monthly = own.at[tier, "cycle"] == "monthly"
    with right:
        # the key carries program and tier, so a new pick starts from that tier's amount in force
        amount = st.number_input(L("policy_tier_amount_monthly" if monthly else "policy_tier_amount_cap"),
                                 min_value=0.0, value=float(own.at[tier, "amount"]), step=10.0 if monthly else 500.0,
                                 key=f"policy_tier_amount_{program}_{tier}")
    args = {"program": program, "tier": int(tier), "amount": float(amount)}
    done = _simulate(queries.tier_simulation, args, "policy_tier_assumption")
    if done is not None:
        _result(*done, args, ("policy.tier_by_town", "policy.tier_by_category"), "policy_tier_assumption",
                f"policy_{sel.year}_{program}_tier{tier}.xlsx")


mode = st.radio(L("policy_mode"), MODES if rules else MODES[1:], key="policy_mode", horizontal=True,
                format_func=lambda m: L(f"policy_mode_{m}"))
if mode == "tier":
    _tier_section()
    st.stop()


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
done = _simulate(queries.policy_simulation, args, "policy_assumption")
if done is None:
    st.stop()

OUTCOMES = ("all", *queries.POLICY_OUTCOMES)   # which persons of the simulation: policy_simulation_people(outcome=…)


def _people() -> None:
    """The persons the simulated rule gains, loses or keeps (queries.policy_simulation_people with the same
    bound change), audited through ui.person_list; none for the public edition or role."""
    who = store.principal()
    st.subheader(L("policy_people_header_full" if who.rights.unmasked else "policy_people_header"), anchor=False)
    st.caption(L("policy_people_help"))
    if state.public() or not who.rights.lists:
        st.info(L("public_no_list"), icon=":material/visibility_off:")
        return
    # every person of the simulation once (cached); a choice is its rows of one outcome, its count in the option
    everyone = store.run(queries.policy_simulation_people, year=sel.year, town=sel.town, village=sel.village,
                         category=sel.category, **args)
    counts = everyone["outcome"].value_counts()
    outcome = state.url_select(
        L("policy_people_list"), OUTCOMES, key="poutcome", default="all", url_default="all", lang=L.lang,
        format_func=lambda o: L("choice_n", what=L(f"policy_outcome.{o}"),
                                n=vocab.fmt_int(len(everyone) if o == "all" else int(counts.get(o, 0)))))
    rows = everyone if outcome == "all" else everyone[everyone["outcome"] == outcome]
    what = L(f"policy_outcome.{outcome}")
    if rows.empty:
        ui.empty(L, f"{what} · {scope}")
        return
    st.caption(L("policy_people_expected", paid=vocab.fmt_num(rows["expected_paid"].sum()),   # 0.5: not "0"
                 now=vocab.fmt_int(int((rows["months_paid_current"] > 0).sum()))))
    area = "".join(f"_{x}" for x in (sel.town, sel.village, sel.category) if x)
    ui.person_list(rows, lambda r, full: tables.policy_people_table(r, catalog, L, full=full), L,
                   page="policy", what=f"policy_simulation_people:{rule}:{outcome}",
                   filters={**sel.filters(), "year": sel.year, "outcome": outcome, **args},
                   count="policy_people_count", file_name=f"policy_people_{sel.year}_{rule}_{outcome}{area}.xlsx",
                   sheet=L("policy_people_header"), meta={L("policy_people_list"): what, L("scope"): scope,
                                                           L("policy_change_desc"): figures_policy.change_text(args),
                                                           L("definition"): L("policy_assumption")},
                   key="policy_people")


_result(*done, args, ("policy.by_town", "policy.by_category"), "policy_assumption", f"policy_{sel.year}_{rule}.xlsx",
        people=_people)
