"""Entry script: `streamlit run dashboard/app.py`.

Routes with st.navigation to the pages in dashboard/views/ (not `pages/`: that folder name would switch
a real server into the legacy multipage mode). Draws what every page shares: the language switch, the
sign-in (dashboard/auth.py; nothing of the data before it), the pages the role may see, the sidebar
filters mirrored in the URL, and the "database missing" message. Each page view goes to the audit log.
"""
from __future__ import annotations

import json
import os
import time
from pathlib import Path

import duckdb
import streamlit as st

import queries
import vocab
from access import AccessDenied, Role
from dashboard import a11y, auth, state, store, ui
from vocab import t

VIEWS = Path(__file__).resolve().parent / "views"
PAGES = (  # (file, url path, title key, icon, the right it needs: a field of access.Role)
    ("overview.py", "overview", "page_overview", ":material/dashboard:", "data"),
    ("coverage.py", "coverage", "page_coverage", ":material/groups:", "data"),
    ("spend.py", "spend", "page_spend", ":material/payments:", "data"),
    ("processing.py", "processing", "page_processing", ":material/timer:", "data"),
    ("gaps.py", "gaps", "page_gaps", ":material/person_search:", "data"),
    ("check.py", "check", "page_check", ":material/checklist:", "lists"),
    ("policy.py", "policy", "page_policy", ":material/calculate:", "data"),
    ("quality.py", "quality", "page_quality", ":material/fact_check:", "quality"),
    ("admin.py", "admin", "page_admin", ":material/admin_panel_settings:", "admin"),
)


def pages_for(rights: Role) -> list[tuple[str, str, str, str, str]]:
    """The PAGES rows a role may open, in menu order (an administrator starts on the accounts page)."""
    return sorted((p for p in PAGES if getattr(rights, p[4])), key=lambda p: p[4] != "admin")


def main() -> None:
    """One run of the app; with $DASHBOARD_TIMING set, prints the run's duration (scripts/measure_pages.py)."""
    if not os.environ.get("DASHBOARD_TIMING"):
        _main()
        return
    t0 = time.perf_counter()
    try:
        _main()
    finally:
        page = st.session_state.get("_timing_page", "?")
        print(json.dumps({"dashboard_run": page, "seconds": round(time.perf_counter() - t0, 3)}), flush=True)


def _main() -> None:
    """The shared frame (language, sign-in, navigation, filters, database checks), then the selected page."""
    st.set_page_config(page_title="区残联惠残补助绩效看板", page_icon=":material/accessible:", layout="wide")
    state.start_run()
    brand = st.sidebar.container()  # filled once the language is known, but shown above the switch
    lang = state.language()
    brand.markdown(f"**{t('app_title', lang)}**")
    try:
        store.connection()
    except store.DatabaseMissing as exc:
        st.title(t("app_title", lang))
        st.warning(f"**{t('db_missing_title', lang)}**\n\n{t('db_missing', lang, path=exc)}",
                   icon=":material/database:")
        st.code("make run\n# 或 / or\n.venv/bin/python -m subsidy build --demo", language="bash")
        return
    except Exception as exc:  # noqa: BLE001 - a corrupt or locked file: say so instead of a traceback
        st.title(t("app_title", lang))
        st.warning(t("db_error", lang, path=store.db_file(), error=exc), icon=":material/database:")
        return
    principal = auth.gate(lang)
    if principal is None:
        a11y.document(lang, t("auth.title", lang))   # the sign-in page in its language, with its title
        return  # the URL's filters wait for after sign-in
    auth.sidebar(principal, lang)
    allowed = pages_for(principal.rights)
    if not allowed:
        st.warning(t("auth.no_pages", lang))
        return
    pages = {path: st.Page(VIEWS / f, title=t(title, lang), icon=icon, url_path=path, default=(i == 0))
             for i, (f, path, title, icon, _) in enumerate(allowed)}
    nav = st.navigation(list(pages.values()))
    page = nav.url_path or allowed[0][1]
    st.session_state["_timing_page"] = page
    try:
        sel = state.sidebar_filters(lang)
        a11y.frame(lang, nav.title, state.public(), state.PUBLIC_K)  # lang, title, styles, edition banner
        if page != "quality" and "quality" in pages:
            incomplete_data_banner(pages["quality"], lang)
        if page == "overview" and "check" in pages and not state.public():
            month_check_banner(pages["check"], lang, sel)
        if principal.scoped:
            st.caption(t("auth.scope_note", lang, area=auth.area_text(principal.town, principal.village, lang)))
        auth.record_view(page, {**sel.filters(), "year": sel.year, "public": state.public()})
        nav.run()
    except (duckdb.CatalogException, duckdb.BinderException) as exc:
        # the API's views changed since this database was built: say how to rebuild, not a traceback
        st.warning(t("db_stale", lang, path=store.db_file(), error=str(exc).splitlines()[0]),
                   icon=":material/database:")
        st.code(".venv/bin/python -m subsidy build --demo   # make demo", language="bash")
    except AccessDenied as exc:
        auth.record("denied", page=page, detail=str(exc)[:500])
        st.error(t("auth.denied", lang, what=type(exc).__name__), icon=":material/block:")
    st.session_state.pop(ui.DRILLED, None)   # a click's mark lives for the run it caused
    state.sync_url()


def incomplete_data_banner(quality_page, lang: str) -> None:
    """One line above every page when the load rejected rows: the share left out, linking to 数据质量."""
    totals = store.load_totals()
    if totals is None or not totals.rows_rejected:
        return
    share = vocab.fmt_share(totals.share_rejected)
    with st.container(key="incomplete_data_banner"):
        label = t("banner_rejected", lang, n=vocab.fmt_int(totals.rows_rejected), share=share)
        st.page_link(quality_page, label=f":orange[**{label}**]", icon=":material/warning:")


def month_check_banner(check_page, lang: str, sel) -> None:
    """One line on the overview: the data's last month's payments after death (or, when there are none,
    the month's check in numbers), linking to 每月核查. The reader's area, as every figure."""
    months = store.run(queries.check_months)
    if not months:
        return
    month = months[-1]
    summary = store.run(queries.month_check_summary, month=month, town=sel.town, village=sel.village,
                        category=sel.category)
    text = t("check.month_option", lang, year=month.year, month=month.month)
    death = summary[(summary["check"] == "stop") & (summary["reason"] == "death")]
    paid = int(death["paid_cases"].sum())
    if paid:
        label = t("banner.after_death", lang, month=text, n=vocab.fmt_int(paid),
                  money=vocab.fmt_money(float(death["amount_yuan"].sum()), lang))
        icon = ":material/error:"
    else:
        persons = summary.groupby("check")["persons"].sum()
        counts = {c: vocab.fmt_int(int(persons.get(c, 0))) for c in queries.CHECKS}
        label = t("banner.check", lang, month=text, **counts)
        icon = ":material/checklist:"
    with st.container(key="month_check_banner"):
        st.page_link(check_page, label=f"**{label}**", icon=icon)


main()
