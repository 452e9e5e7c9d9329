"""queries/sql/api: the analyst API's SQL files (SQL-file-first, thin Python loader)."""
from __future__ import annotations

import inspect
import re
from pathlib import Path

import duckdb
import pytest

import queries
from queries import _sql, install


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


def api_functions():
    """Public API functions of queries.__all__ (constants left out)."""
    return {name: getattr(queries, name) for name in queries.__all__ if inspect.isfunction(getattr(queries, name))}


# connect opens the file, gap_catalog reads the seed, is_demo reads load_info's answer: none runs SQL of its
# own (rule_seed, cached, is no plain function)
NO_SQL = {"connect", "gap_catalog", "is_demo"}


def test_every_api_function_points_at_the_sql_file_it_runs():
    functions = api_functions()
    assert NO_SQL < set(functions)
    for name, fn in functions.items():
        if name in NO_SQL:
            assert not hasattr(fn, "sql_path"), name
            continue
        path = fn.sql_path
        assert isinstance(path, Path) and path.is_absolute() and path.exists(), name
        assert path.parent == queries.API_SQL_DIR and path.stem == fn.sql_name, name
        assert path == fn.sql_paths[0] and all(p.exists() for p in fn.sql_paths), name
        # the docstring's first line names the file, as a reader sees it from the repository root
        first = fn.__doc__.strip().splitlines()[0]
        assert f"(queries/sql/api/{fn.sql_name}.sql)" in first, f"{name}: {first}"
        # the trail is true: the function runs exactly its files (plus the table_exists helper)
        ran = set(re.findall(r'\b(?:run|values)\(con, "([a-z_]+)"', inspect.getsource(fn)))
        assert ran - {"table_exists"} == set(fn.sql_names), name


def test_the_marker_keeps_the_real_function():
    fn = queries.kpi_overview
    assert fn.__module__ == "queries.api" and fn.__name__ == "kpi_overview"
    assert list(inspect.signature(fn).parameters) == ["con", "year", "town", "village", "category", "program",
                                                     "program_group"]
    assert inspect.getsourcefile(fn).endswith("queries/api.py")


def test_every_api_file_is_run_by_a_function():
    used = {n for fn in api_functions().values() for n in getattr(fn, "sql_names", ())} | {"table_exists"}
    assert used == {p.stem for p in api_files()}, "an API file is unused or a function names no file"


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
        _sql.run(con, "villages", {})
    with pytest.raises(ValueError, match="not allowed"):
        queries.coverage_by(con, year=2020, by="name")
