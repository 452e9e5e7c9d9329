"""数据质量 Data quality: when and from where the data was loaded, rows read / loaded / rejected per file,
rejects grouped by rule with masked examples, and every reject as a CSV for the people who fix the
source system. Numbers elsewhere rest only on the loaded rows: this page says how many were left out."""
from __future__ import annotations

import streamlit as st

import queries
from contract import TABLES
from dashboard import auth, state, store, ui
from publish import tables
from vocab import fmt_int, fmt_pct, fmt_share

L = state.labels()
st.title(L("quality_title"), anchor=False)
st.caption(L("quality_help"))

totals = store.load_totals()
if totals is None:
    st.warning(L("quality_no_bookkeeping"), icon=":material/help:")
    st.stop()

share = fmt_share(totals.share_rejected)
if totals.rows_rejected:
    st.warning(L("quality_rejected", n=fmt_int(totals.rows_rejected), total=fmt_int(totals.rows_read), share=share),
               icon=":material/warning:")
else:
    st.success(L("quality_clean", total=fmt_int(totals.rows_read)), icon=":material/check_circle:")

for col, (label, value) in zip(st.columns(4), [
    (L("kpi_rows_read"), fmt_int(totals.rows_read)),
    (L("kpi_rows_loaded"), fmt_int(totals.rows_loaded)),
    (L("kpi_rows_rejected"), fmt_int(totals.rows_rejected)),
    (L("kpi_reject_share"), share),
]):
    with col:
        ui.metric(label, value, labels=L)

# ---------------------------------------------------------------- when and from where
st.header(L("load_header"), anchor=False)
info = store.load_info()
st.dataframe(
    {L("quality.item"): [L(f"load_info.{k}") if f"load_info.{k}" in L.known else k for k in info],
     L("quality.value"): [L("report.yes") if v == "true" else L("report.no") if v == "false" else v
                          for v in info.values()]},
    hide_index=True, key="load_info_table",
)

# ---------------------------------------------------------------- per file
st.header(L("files_header"), anchor=False)
summary = store.run(queries.load_summary)
files = summary.assign(share=summary["rows_rejected"] / summary["rows_read"].where(summary["rows_read"] > 0))
st.dataframe(
    {
        L("quality.file"): files["file"],
        L("quality.table"): [L.code("table", x) for x in files["table_name"]],
        L("quality.format"): files["file_format"].astype(str) + " / " + files["encoding"].astype(str),
        L("kpi_rows_read"): files["rows_read"],
        L("kpi_rows_loaded"): files["rows_loaded"],
        L("kpi_rows_rejected"): files["rows_rejected"],
        L("kpi_reject_share"): [fmt_pct(x, 1) if x == x else "" for x in files["share"]],
    },
    hide_index=True, key="load_files_table",
    column_config={L(k): st.column_config.NumberColumn(format="localized")  # 59,065 not 59065
                   for k in ("kpi_rows_read", "kpi_rows_loaded", "kpi_rows_rejected")},
)

# ---------------------------------------------------------------- against the database this load replaced
comparison = store.run(queries.load_comparison)
if not comparison.empty:
    st.header(L("compare_header"), anchor=False)
    st.caption(L("compare_help"))
    shrunk = comparison[comparison["shrunk"].astype(bool)]
    if not shrunk.empty:
        st.warning(L("quality_shrunk", tables=L.list_sep().join(
            f"{L.code('table', r.table_name)} {fmt_int(r.rows_before)} → {fmt_int(r.rows_after)}"
            for r in shrunk.itertuples())), icon=":material/warning:")
    st.dataframe(
        {
            L("quality.table"): [L.code("table", x) for x in comparison["table_name"]],
            L("compare.before"): comparison["rows_before"],
            L("compare.after"): comparison["rows_after"],
            L("compare.change"): [fmt_pct(x, 1) for x in comparison["change_share"]],  # — when none before
            L("compare.shrunk"): [L("compare.yes") if s else "" for s in comparison["shrunk"].astype(bool)],
        },
        hide_index=True, key="load_comparison_table",
        column_config={L(k): st.column_config.NumberColumn(format="localized")
                       for k in ("compare.before", "compare.after")},
    )

# ---------------------------------------------------------------- personal shapes in published names
personal = store.run(queries.personal_text)
if not personal.empty:
    st.warning(L("quality_personal_text", where=L.list_sep().join(
        L("quality_personal_text.where", table=L.code("table", r.table_name),
          column=TABLES[r.table_name].column(r.column_name).zh if L.zh else r.column_name, rows=fmt_int(r.rows))
        for r in personal.itertuples())), icon=":material/privacy_tip:")

# ---------------------------------------------------------------- rejects
if totals.rows_rejected:
    st.header(L("rules_header"), anchor=False)
    rejects = store.run(queries.rejects)
    st.dataframe(tables.rejects_by_rule(rejects, L), hide_index=True, key="rejects_by_rule_table")

    audited = auth.recorder("download", page="quality", what="rejects.csv", detail=f"{len(rejects)} rows")

    def rejects_csv() -> bytes:   # runs when the file is fetched: nothing here may read the session
        audited()
        return tables.to_csv_bom(tables.rejects_table(rejects, L))

    st.download_button(
        L("rejects_download"), data=rejects_csv,
        file_name="rejects.csv", mime="text/csv", key="rejects_csv", icon=":material/download:",
        on_click="ignore", help=L("rejects_download_help"),
    )
