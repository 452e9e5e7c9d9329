"""The loader: contract files (CSV/XLSX) → a new DuckDB file with every row loaded or rejected.

Imports only the contract (`contract`); it knows nothing of the analytical views, which the build
command (`subsidy.build`) installs through `build_database(..., before_swap=...)`.
"""
