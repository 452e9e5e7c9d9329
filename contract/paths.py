"""Where files live. Every path comes from here, never from the current directory."""
from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = ROOT / "data"
DEMO_SOURCE_DIR = DATA_DIR / "demo"          # contract files written by the demo generator
DEFAULT_DB = DATA_DIR / "subsidy.duckdb"


def db_path() -> Path:
    """The DuckDB file to use: $SUBSIDY_DB if set, else data/subsidy.duckdb."""
    env = os.environ.get("SUBSIDY_DB")
    return Path(env).expanduser().resolve() if env else DEFAULT_DB
