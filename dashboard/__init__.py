"""The Streamlit dashboard: `streamlit run dashboard/app.py` (or `make run`).

- `app.py`   the entry script: st.navigation over `views/*.py`, language, sidebar filters, database checks
- `views/`   one page each (not `pages/`, which would switch Streamlit into its legacy multipage mode)
- `store.py` the one cached door to the data: `store.run(queries.<fn>, **kwargs)`
- `state.py` the sidebar filters and their mirror in the URL
- `ui.py`    draws a registered chart (`publish.charts.render`), KPI tiles and the report-pack button

Pages read widgets and draw; every number comes from `queries` through `publish`, never from SQL here.
"""
