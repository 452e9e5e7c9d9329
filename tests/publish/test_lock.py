"""The lock `make` installs agrees with the hand-edited pins (README.md, Dependencies).

The Makefile installs requirements.lock only, so a pin changed in requirements.txt without regenerating
the lock would silently not be installed; these tests catch that drift.
"""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)", re.M)


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pins(text: str) -> dict[str, str]:
    return {_norm(n): v for n, v in PIN.findall(text)}


def test_every_top_level_pin_is_in_the_lock_at_the_same_version():
    top = _pins((ROOT / "requirements.txt").read_text(encoding="utf-8"))
    lock = _pins((ROOT / "requirements.lock").read_text(encoding="utf-8"))
    assert top, "requirements.txt has no pins"
    assert {n: v for n, v in top.items() if lock.get(n) != v} == {}


def test_every_locked_package_carries_a_hash_and_the_tools_are_locked():
    text = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    entries = re.split(r"\n(?=[A-Za-z0-9])", text[text.index("\n", text.index("uv pip compile")) + 1:])
    for entry in entries:
        assert "--hash=sha256:" in entry, entry.splitlines()[0]
    lock = _pins(text)
    for tool in ("pytest", "playwright", "nbmake", "import-linter", "ruff", "pip", "setuptools"):
        assert tool in lock, tool
