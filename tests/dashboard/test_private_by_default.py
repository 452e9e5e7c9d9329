"""Private by default (issue 9, "Personal data"): the dashboard listens on this machine only unless
configured otherwise, and every file the command line writes is readable by its owner only."""
from __future__ import annotations

import os
import re
import stat
import subprocess
import tomllib
from pathlib import Path

import subsidy.__main__ as cli

ROOT = Path(__file__).resolve().parents[2]


def test_streamlit_config_binds_to_localhost():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["address"] == "127.0.0.1"


def test_make_run_binds_to_localhost_unless_told():
    def command(*args: str) -> str:
        out = subprocess.run(["make", "-n", "run", *args], cwd=ROOT,
                             capture_output=True, text=True, check=True).stdout
        (line,) = [ln for ln in out.splitlines() if "streamlit run" in ln]
        return line

    assert re.search(r"--server\.address 127\.0\.0\.1\b", command())
    assert re.search(r"--server\.address 10\.0\.0\.5\b", command("ADDRESS=10.0.0.5"))


def test_every_command_writes_private_files(tmp_path, monkeypatch):
    """`python -m subsidy generate` (the demo's personal-looking files) under the caller's umask 022."""
    def fake_generate(out, persons, seed):
        Path(out).mkdir(parents=True, exist_ok=True)
        (Path(out) / "persons.csv").write_text("person_id\n", encoding="utf-8")
        return {"persons": 0, "seed": seed, "seconds": 0, "bytes": 0, "rows": {}, "faults": {}}

    monkeypatch.setattr(cli, "generate", fake_generate)
    before = os.umask(0o022)
    try:
        assert cli.main(["generate", "--out", str(tmp_path / "demo")]) == 0
        after = tmp_path / "after.txt"
        after.write_text("x")
    finally:
        os.umask(before)
    assert stat.S_IMODE((tmp_path / "demo" / "persons.csv").stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "demo").stat().st_mode) == 0o700
    assert stat.S_IMODE(after.stat().st_mode) == 0o644   # the caller's umask is back
