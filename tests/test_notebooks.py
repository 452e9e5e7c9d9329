"""Every analyst notebook runs top to bottom against the demo district without an error.

Each notebook runs with its own folder as the working directory (as `pytest --nbmake` does) and
finds the database through $SUBSIDY_DB; the repository is importable through the venv's .pth file
(Makefile), so the notebooks carry no sys.path hacks.
"""
from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

pytestmark = pytest.mark.slow
NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))


def test_there_are_at_least_five_notebooks():
    assert len(NOTEBOOKS) >= 5


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs(path, demo_db, tmp_path, monkeypatch):
    monkeypatch.setenv("SUBSIDY_DB", str(demo_db))
    monkeypatch.setenv("EXPORT_DIR", str(tmp_path))   # notebook 04 writes its follow-up list here
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert not cell.outputs and cell.get("execution_count") is None, f"{path.name}: outputs not stripped"
            assert "sys.path" not in cell.source, f"{path.name}: no sys.path hacks"
    client = NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}})
    client.execute()   # raises CellExecutionError with the failing cell and traceback
