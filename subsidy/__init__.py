"""The command line: the top layer, which wires the others together.

    python -m subsidy build --demo [--persons N]        simulate the demo district, load it, install the views
    python -m subsidy build --source DIR [--force]      load a folder of contract files, install the views
    python -m subsidy generate --out DIR                write a simulated district's contract files only
    python -m subsidy export --year 2020 --out DIR      the annual-report pack (charts, workbook, PDF)

Nothing below this package imports it (import-linter contracts in pyproject.toml).
"""
