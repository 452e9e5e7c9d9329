"""The layout the docs describe is the layout the code has: import contracts and lint, run in the suite.

- import-linter (contracts in pyproject.toml): layers point one way (subsidy | dashboard → publish →
  queries | loader | simulator | vocab → contract); only the dashboard imports Streamlit; the
  contract imports no first-party package.
- ruff (config in pyproject.toml), including PLC0415: imports at the top of a file.
- No first-party module reaches a package by a name string (the old `api.call(con, "kpi_overview")`).
"""
from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PACKAGES = ("contract", "vocab", "loader", "simulator", "queries", "publish", "dashboard", "subsidy")


def _run(*cmd: str) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_import_contracts_are_kept():
    proc = _run(str(BIN / "lint-imports"), "--no-cache")
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert "0 broken" in proc.stdout
    # the three contracts of pyproject.toml were all checked (a renamed package would silently drop one)
    assert proc.stdout.count(" KEPT") == 3


def test_ruff_finds_nothing():
    proc = _run(str(BIN / "ruff"), "check", "--no-cache", *PACKAGES, "scripts", "tests")
    assert proc.returncode == 0, proc.stdout[-6000:]


def test_every_layer_is_a_package_with_a_docstring():
    for name in PACKAGES:
        init = ROOT / name / "__init__.py"
        assert init.exists(), f"{name}/ is not a package"
        text = init.read_text(encoding="utf-8").lstrip()
        assert text.startswith('"""'), f"{name}/__init__.py: say what the layer is for in its docstring"


def test_data_folder_holds_no_code():
    code = [p for p in (ROOT / "data").rglob("*.py")]
    assert not code, f"data/ is for generated files only: {code}"


def test_no_string_dispatch_to_the_api():
    """Pages and the pack call typed functions (`queries.kpi_overview`), never a function by its name."""
    offenders = []
    for pkg in ("publish", "dashboard", "subsidy"):
        for path in (ROOT / pkg).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            for needle in ("getattr(queries, name", "api.call(", "split_kwargs("):
                if needle in text:
                    offenders.append(f"{path.relative_to(ROOT)}: {needle}")
    assert not offenders


def test_every_module_the_makefile_runs_exists():
    """`make run` / `make demo` / `make bench` name modules and scripts that exist (a renamed module must
    not break the README's promise)."""
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    modules = set(re.findall(r"-m ([a-z_][a-z0-9_.]*)", text)) - {"venv", "pip", "pytest"}
    assert {"subsidy"} <= modules
    for name in modules:
        assert importlib.util.find_spec(name) is not None, f"Makefile runs python -m {name}: no such module"
    for script in re.findall(r"(scripts/[\w./-]+\.(?:py|sh))", text):
        assert (ROOT / script).is_file(), script
