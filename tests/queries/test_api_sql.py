"""queries/sql/api: the analyst API's SQL files (SQL-file-first, thin Python loader)."""
from __future__ import annotations

import re

import duckdb
import pytest

import queries
from queries import install


def api_files():
    return sorted(queries.API_SQL_DIR.glob("*.sql"))


def test_every_api_file_has_grain_and_params_headers_and_style():
    files = api_files()
    assert files, "no API queries found"
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert text.startswith("-- grain: "), f"{path.name} must start with '-- grain: …'"
        assert re.search(r"^-- params: ", text, re.M), f"{path.name} must state its parameters"
        body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("--"))
        assert not re.search(r"\b(SELECT|FROM|WHERE|JOIN|GROUP BY)\b", body), f"{path.name}: lowercase keywords"
        assert re.search(r"select \* (exclude \([a-z_, ]+\) )?from final( order by [^;]+)?\s*$", body), \
            f"{path.name} must end with 'select * from final' (and its order)"
        # an optional filter is a static predicate, never SQL assembled in Python
        for param in set(re.findall(r"\$([a-z_]+) is null", body)):
            assert re.search(rf"= \${param}\b", body), f"{path.name}: ${param} tested for null but never compared"


def test_api_files_are_not_installed_as_views():
    assert not set(install.sql_files()) & {p.stem for p in api_files()}
    assert all(p.parent.relative_to(install.SQL_DIR).parts[0] in install.VIEW_LAYERS
               for p in install.sql_files().values())


def test_every_python_api_query_has_its_file():
    import inspect

    src = inspect.getsource(queries)
    used = set(re.findall(r'_(?:run|values)\(con, "([a-z_]+)"', src))
    assert used == {p.stem for p in api_files()}, "an API file is unused or a call names no file"


def test_slots_take_allow_listed_column_names_only():
    sql = queries.api_sql("coverage_by", by="town")
    assert "c.town as value" in sql and "{{" not in sql
    with pytest.raises(ValueError, match="column name"):
        queries.api_sql("coverage_by", by="town; drop table persons")
    with pytest.raises(ValueError, match="slots"):
        queries.api_sql("coverage_by")
    with pytest.raises(ValueError, match="slots"):
        queries.api_sql("kpi_overview", by="town")
    for allowed in (queries.COVERAGE_BY, queries.INCIDENCE_BY, queries.AREA_LEVELS):
        for column in allowed.values():
            assert re.fullmatch(r"[a-z_]+", column)


def test_missing_parameter_is_an_error_not_all():
    con = duckdb.connect()
    with pytest.raises(ValueError, match="missing query parameters"):
        queries._run(con, "villages", {})
    with pytest.raises(ValueError, match="not allowed"):
        queries.coverage_by(con, year=2020, by="name")
