"""Fixtures of the query tests: the tiny hand-worked district (tests/contract_fixtures.write_district)."""
from __future__ import annotations

import pytest

import queries
from subsidy.build import build_database
from tests.contract_fixtures import write_district


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    """A read-only connection to the tiny district, built once per test module."""
    root = tmp_path_factory.mktemp("tiny")
    db = root / "subsidy.duckdb"
    build_database(write_district(root / "src"), db)
    c = queries.connect(db)
    yield c
    c.close()
