"""数据质量 Data quality: when and from where the data was loaded, rows read / loaded / rejected per file,
rejects grouped by rule with masked examples, and every reject as a CSV for the people who fix the
source system. Numbers elsewhere rest only on the loaded rows: this page says how many were left out."""
from __future__ import annotations

import streamlit as st

from publish import tables
import vocab as i18n
from dashboard import store, ui
from vocab import t

lang = st.session_state.get("lang", i18n.DEFAULT_LANG)
zh = lang == "zh"
st.title(t("quality_title", lang))
st.caption(t("quality_help", lang))

totals = store.load_totals()
if totals is None:
    st.warning(t("quality_no_bookkeeping", lang), icon=":material/help:")
    st.stop()

share = i18n.fmt_share(totals.share_rejected)
if totals.rows_rejected:
    st.warning(t("quality_rejected", lang, n=i18n.fmt_int(totals.rows_rejected), total=i18n.fmt_int(totals.rows_read),
                 share=share), icon=":material/warning:")
else:
    st.success(t("quality_clean", lang, total=i18n.fmt_int(totals.rows_read)), icon=":material/check_circle:")

for col, (label, value) in zip(st.columns(4), [
    (t("kpi_rows_read", lang), i18n.fmt_int(totals.rows_read)),
    (t("kpi_rows_loaded", lang), i18n.fmt_int(totals.rows_loaded)),
    (t("kpi_rows_rejected", lang), i18n.fmt_int(totals.rows_rejected)),
    (t("kpi_reject_share", lang), share),
]):
    with col:
        ui.metric(label, value, lang=lang)

# ---------------------------------------------------------------- when and from where
st.subheader(t("load_header", lang))
INFO_LABELS = {  # load_info keys in words; unknown keys are shown as recorded
    "source": ("来源文件夹", "Source folder"), "loaded_at": ("入库时间", "Loaded at"),
    "data_date": ("数据截至（最晚发放日期）", "Data up to (latest payment date)"),
    "demo": ("演示数据", "Demo data"), "generator_seed": ("演示数据随机种子", "Demo generator seed"),
    "generator_persons": ("演示数据人数", "Demo generator persons"),
}
info = store.load_info()
st.dataframe(
    {("项目" if zh else "Item"): [INFO_LABELS.get(k, (k, k))[0 if zh else 1] for k in info],
     ("内容" if zh else "Value"): list(info.values())},
    hide_index=True, key="load_info_table",
)

# ---------------------------------------------------------------- per file
st.subheader(t("files_header", lang))
summary = store.fetch("load_summary")
files = summary.assign(share=summary["rows_rejected"] / summary["rows_read"].where(summary["rows_read"] > 0))
st.dataframe(
    {
        ("文件" if zh else "File"): files["file"],
        ("数据表" if zh else "Table"): [i18n.table_label(x, lang) for x in files["table_name"]],
        ("格式/编码" if zh else "Format / encoding"): files["file_format"].astype(str) + " / " + files["encoding"].astype(str),
        t("kpi_rows_read", lang): files["rows_read"],
        t("kpi_rows_loaded", lang): files["rows_loaded"],
        t("kpi_rows_rejected", lang): files["rows_rejected"],
        t("kpi_reject_share", lang): [i18n.fmt_pct(x, 1) if x == x else "" for x in files["share"]],
    },
    hide_index=True, key="load_files_table",
    column_config={t(k, lang): st.column_config.NumberColumn(format="localized")  # 59,065 not 59065
                   for k in ("kpi_rows_read", "kpi_rows_loaded", "kpi_rows_rejected")},
)

# ---------------------------------------------------------------- rejects
if totals.rows_rejected:
    st.subheader(t("rules_header", lang))
    rejects = store.fetch("rejects")
    st.dataframe(tables.rejects_by_rule(rejects, lang), hide_index=True, key="rejects_by_rule_table")
    st.download_button(
        t("rejects_download", lang), data=lambda: tables.to_csv_bom(tables.rejects_table(rejects, lang)),
        file_name="rejects.csv", mime="text/csv", key="rejects_csv", icon=":material/download:",
        on_click="ignore", help=t("rejects_download_help", lang),
    )
