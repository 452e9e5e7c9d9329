"""Where files live, and who may read them. Every path comes from here, never from the current directory."""
from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = ROOT / "data"
DEMO_SOURCE_DIR = DATA_DIR / "demo"          # contract files written by the demo generator
DEFAULT_DB = DATA_DIR / "subsidy.duckdb"


def db_path() -> Path:
    """The DuckDB file to use: $SUBSIDY_DB if set, else data/subsidy.duckdb."""
    env = os.environ.get("SUBSIDY_DB")
    return Path(env).expanduser().resolve() if env else DEFAULT_DB


# The database, the temp and scratch files of a load and exported lists hold names and ID numbers:
# whatever the product writes is created readable and writable by its owner only (0600, folders 0700).
PRIVATE_UMASK = 0o077
PRIVATE_MODE = 0o600
_umask_lock = threading.Lock()
_umask_depth = 0
_umask_before = 0


@contextmanager
def private_files() -> Iterator[None]:
    """Files and folders created inside the block get no permission for group or others (umask 077).

    The umask belongs to the process, so the block is re-entrant and counted: the caller's umask comes
    back when the outermost block ends, even on an exception. DuckDB, tempfile and open() all honour it,
    so the loader's temp database and scratch files are private without each writer knowing."""
    global _umask_depth, _umask_before
    with _umask_lock:
        if _umask_depth == 0:
            _umask_before = os.umask(PRIVATE_UMASK)
        _umask_depth += 1
    try:
        yield
    finally:
        with _umask_lock:
            _umask_depth -= 1
            if _umask_depth == 0:
                os.umask(_umask_before)


def make_private(path: Path) -> None:
    """Mode 0600 for an existing file the product wrote (one written before private_files existed, or
    by a tool that ignores the umask); a missing file is left alone."""
    try:
        os.chmod(path, PRIVATE_MODE)
    except FileNotFoundError:
        pass
