"""One vocabulary: every message key the code asks for exists, in Chinese and in English.

A key that is not in vocab.TEXT would show the key itself on screen (t() falls back to it), so the
pages, the pack and the figures are scanned for the literal keys they look up.
"""
from __future__ import annotations

import re
from pathlib import Path

import vocab

ROOT = Path(__file__).resolve().parents[1]
LOOKUP = re.compile(r"""\b(?:L|labels|labels_|t|self)\(\s*["']([a-z_][a-z0-9_]*(?:\.[a-z0-9_]+)*)["']""")


def _keys_used() -> dict[str, str]:
    out = {}
    for pkg in ("dashboard", "publish", "subsidy", "vocab"):
        for path in (ROOT / pkg).rglob("*.py"):
            for key in LOOKUP.findall(path.read_text(encoding="utf-8")):
                if key not in vocab.LANGS:  # charts.labels("en") takes a language, not a key
                    out.setdefault(key, str(path.relative_to(ROOT)))
    return out


def test_every_key_the_code_looks_up_exists_in_both_languages():
    used = _keys_used()
    assert len(used) > 100  # the scan found the lookups
    missing = {k: where for k, where in used.items() if k not in vocab.TEXT}
    assert not missing, missing
    for key in used:
        zh, en = vocab.TEXT[key]
        assert zh.strip() or key.endswith(".value"), key
        assert en.strip(), key


def test_chart_titles_exist_for_every_registered_chart():
    from publish.charts import CHARTS

    for chart_id in CHARTS:
        if not chart_id.startswith("gaps.by_"):
            assert f"chart.{chart_id}.title" in vocab.TEXT, chart_id
