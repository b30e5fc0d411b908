"""The command line: every subcommand documented, `python -m pipeline`, validate and schema."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO

from pipeline.cli import main


@pytest.mark.parametrize("command", ["run", "validate", "schema"])
def test_every_subcommand_has_help_with_an_example(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([command, "--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert "example:" in out and f"pipeline {command}" in out


def test_python_dash_m_runs_the_cli(tmp_path: Path) -> None:
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "a.txt").write_text("The Eurasia Foundation met in Moscow in July 2009.\n")
    result = subprocess.run(
        [sys.executable, "-m", "pipeline", "run", str(tmp_path / "raw"), "--out", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "1 inputs: 1 ok, 0 failed, 0 skipped" in result.stderr
    record = json.loads((tmp_path / "out" / "records.jsonl").read_text())
    assert record["id"] == "a" and record["dates"][0]["value"] == "2009-07"


def test_validate_reports_a_broken_record(seed_run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(seed_run)]) == 0
    broken = tmp_path / "broken"
    broken.mkdir()
    lines = (seed_run / "records.jsonl").read_text(encoding="utf-8").splitlines()
    record = json.loads(lines[0])
    record["dates"][0]["start"] += 1
    (broken / "records.jsonl").write_text(json.dumps(record) + "\n" + lines[1] + "\n", encoding="utf-8")
    (broken / "manifest.json").write_text((seed_run / "manifest.json").read_text(encoding="utf-8"), encoding="utf-8")
    assert main(["validate", str(broken)]) == 1
    out = capsys.readouterr().out
    assert "records.jsonl:1:" in out and "reads" in out
    assert "docs/003_72cd0d0011ff537b.json: missing" in out
    assert "counts.ok is 2, records.jsonl has 1" in out


def test_schema_to_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "--out", "-"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["title"] == "Record" and "places" in schema["properties"]
