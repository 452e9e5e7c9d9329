"""The publishing layer: what the dashboard shows and the annual report prints, defined once.

- `charts`  the chart registry and `render`, the one way to a chart's frames and figure
- `figures` pure builders: API frames + `vocab.Labels` → plotly figure, summary, table
- `style`   fonts, colour-blind-safe palettes, the common layout
- `suppress` small-count suppression (the public edition)
- `kpis`    the headline KPI tiles of the overview page and the report's KPI page
- `tables`  people lists and reject lists for the screen, Excel and CSV
- `pack`, `report_pdf`, `render`  the report pack (PNG/SVG/PDF, workbook, combined PDF) with kaleido

Imports `queries`, `vocab` and `contract`; never Streamlit, the dashboard or the command line.
"""
