"""`python -m subsidy export` with a simulated change (政策测算): the command line builds the Selection's
`policy` the 政策测算 page builds, so a report writer gets the same pack; a bad change is refused in one
line before anything is written. The pack runs on the tiny hand-typed district (tests/contract_fixtures.py),
whose numbers tests/dashboard/test_policy_page.py works out by hand (NS tier 2 at 300 a month: +60 元;
the living subsidy at 35 %: +144 元).
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from publish import charts
from publish.render import missing_packages
from subsidy import export
from tests.contract_fixtures import write_district

ROOT = Path(__file__).resolve().parents[2]
needs_chromium = pytest.mark.skipif(bool(missing_packages()), reason="export needs chromium and fonts-wqy-microhei")


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    export.add_arguments(parser)
    return parser.parse_args(["--year", "2020", "--out", "x", *argv])


def _run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "subsidy", "export", *args], cwd=ROOT, capture_output=True,
                          text=True, env=dict(os.environ), timeout=900)


@pytest.fixture(scope="module")
def tiny_db(tmp_path_factory):
    from subsidy.build import build_database

    root = tmp_path_factory.mktemp("export_policy")
    build_database(write_district(root / "src"), root / "subsidy.duckdb")
    return root / "subsidy.duckdb"


def test_the_command_line_builds_the_pages_selection():
    # the tuples tests/dashboard/test_policy_page.py's page builds for the same two changes
    assert export.policy_of(parse("--policy-rule", "living_subsidy", "--policy-branch", "dibao_or_dibian",
                                  "--policy-share", "0.35")) == (
        ("branch", "dibao_or_dibian"), ("rule", "living_subsidy"), ("share", 0.35))
    assert export.policy_of(parse("--tier-program", "NS", "--tier", "2", "--tier-amount", "300")) == (
        ("amount", 300.0), ("program", "NS"), ("tier", 2))
    # a new branch is of certified persons unless said otherwise (as on the page); the 低保 standard is no row
    assert export.policy_of(parse("--policy-rule", "nursing_subsidy", "--policy-branch", "grade_3_vision",
                                  "--policy-categories", "视力", "--policy-grade-equals", "3",
                                  "--policy-dibao-standard", "1000")) == (
        ("branch", "grade_3_vision"), ("categories", "视力"), ("cert_statuses", "持证"), ("dibao_standard", 1000.0),
        ("grade_equals", 3), ("rule", "nursing_subsidy"))
    assert export.policy_of(parse()) is None


@pytest.mark.parametrize("argv, message", [
    (("--tier-program", "NS", "--tier", "2"), "--tier-amount"),
    (("--tier-program", "NS", "--tier", "2", "--tier-amount", "1", "--policy-rule", "living_subsidy"), "not both"),
    (("--policy-share", "0.35",), "--policy-rule"),
])
def test_an_incomplete_change_is_refused(argv, message):
    with pytest.raises(ValueError, match=message):
        export.policy_of(parse(*argv))


@needs_chromium
@pytest.mark.parametrize("argv, message", [
    (("--tier-program", "NS", "--tier", "9", "--tier-amount", "300"), "tier=9"),
    (("--tier-program", "NS", "--tier", "2", "--tier-amount", "-1"), "zero or more"),
    (("--policy-rule", "no_rule"), "rule="),
    (("--tier-program", "NS", "--tier", "2"), "--tier-amount"),
])
def test_a_bad_change_exits_1_in_one_line_before_any_file(tiny_db, tmp_path, argv, message):
    proc = _run_cli("--year", "2020", "--out", str(tmp_path / "x"), "--db", str(tiny_db), *argv)
    assert proc.returncode == 1, proc.stderr[-2000:]
    assert message in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "x").exists()


@pytest.mark.slow
@needs_chromium
def test_a_tier_change_from_the_command_line_is_the_pages_pack(tiny_db, tmp_path):
    out = tmp_path / "pack"
    proc = _run_cli("--year", "2020", "--out", str(out), "--db", str(tiny_db), "--formats", "svg", "--quiet",
                    "--tier-program", "NS", "--tier", "2", "--tier-amount", "300")
    assert proc.returncode == 0, proc.stderr[-3000:]
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    ids = [c["id"] for c in manifest["charts"]]
    assert {"policy.tier_by_town", "policy.tier_by_category"} <= set(ids)
    assert not {"policy.by_town", "policy.by_category"} & set(ids)
    L = charts.labels("zh")
    pdf = next(out.glob("*.pdf"))
    text = "".join(p.extract_text() for p in PdfReader(pdf).pages).replace("\n", "").replace(" ", "")
    assert L("policy_tier_assumption").replace(" ", "") in text                  # the assumption, printed
    assert "测算内容：amount=300.0,program=NS,tier=2" in text                        # and what was simulated
    summary = next(c for c in manifest["charts"] if c["id"] == "policy.tier_by_town")
    assert "+60 元" in json.dumps(summary, ensure_ascii=False)                     # 2 months × (300 − 270)
