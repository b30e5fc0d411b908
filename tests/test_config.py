"""Settings from a TOML file and --set, checked by the configuration models; --version, -v and -q."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline import __version__
from pipeline.cli import main
from pipeline.config import CONFIG_ERROR, PipelineConfig, load_config, settings_help
from pipeline.errors import PipelineError

ARTICLE = "The World Bank opened an office in Columbus, OH in March 2010 to plan the programme.\n"


def _toml(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "settings.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_file_and_overrides_set_typed_values_the_last_one_winning(tmp_path: Path) -> None:
    path = _toml(tmp_path, '[places]\nmerge_state_qualifiers = true\n[dates]\nlanguages = ["en", "de"]\n')
    config = load_config(
        path, ["entities.batch_size=16", "dates.date_order=DMY", "places.merge_state_qualifiers=false"]
    )
    assert config.places.merge_state_qualifiers is False
    assert config.dates.languages == ("en", "de")
    assert (config.entities.batch_size, config.dates.date_order) == (16, "DMY")
    assert config.strip == PipelineConfig().strip  # what nothing sets keeps its default
    assert load_config() == PipelineConfig()
    assert load_config(None, ['dates.date_order="YMD"']).dates.date_order == "YMD"  # TOML string or bare word


@pytest.mark.parametrize(
    ("file_text", "overrides", "named"),
    [
        ("", ["places.merge_qualifiers=true"], "places.merge_qualifiers: unknown setting"),
        ("[place]\nmerge_state_qualifiers = true\n", [], "place: unknown setting"),
        ("", ["entities.batch_size=0"], "entities.batch_size: Input should be greater than 0"),
        ("", ["places.merge_state_qualifiers=maybe"], "places.merge_state_qualifiers: Input should be a valid boolean"),
        ("[strip]\nregion_share = 2\n", [], "strip.region_share: Input should be less than or equal to 1"),
        ("", ["batch_size=16"], "expected SECTION.KEY=VALUE"),
        ("", ["entities.batch_size.x=1"], "entities.batch_size: Input should be a valid integer"),
        ("[entities\n", [], "is not TOML"),
    ],
)
def test_a_bad_setting_is_a_usage_error_naming_its_key(
    tmp_path: Path, file_text: str, overrides: list[str], named: str
) -> None:
    path = _toml(tmp_path, file_text)
    with pytest.raises(PipelineError) as raised:
        load_config(path, overrides)
    assert raised.value.code == CONFIG_ERROR
    assert named in str(raised.value)


def test_a_missing_configuration_file_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", str(tmp_path), "--config", str(tmp_path / "absent.toml")]) == 2
    assert f"cannot read configuration file {tmp_path / 'absent.toml'}" in capsys.readouterr().err


def test_help_lists_every_setting_with_its_default(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["run", "--help"])
    assert done.value.code == 0
    shown = capsys.readouterr().out
    defaults = PipelineConfig().model_dump(mode="json")
    for section, values in defaults.items():
        for key, value in values.items():
            if key == "gazetteer":  # an inner section: its settings are listed one by one
                for inner, default in value.items():
                    assert f"  {section}.gazetteer.{inner} = {json.dumps(default)}  (" in shown
            else:
                assert f"  {section}.{key} = {json.dumps(value)}  (" in shown
    assert settings_help() in shown
    assert "Blocks per model batch" in shown  # a setting's docstring is its description


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out.startswith(f"pipeline {__version__} ")


@pytest.fixture
def raw(tmp_path: Path) -> Path:
    folder = tmp_path / "raw"
    folder.mkdir()
    (folder / "a.txt").write_text(ARTICLE, encoding="utf-8")
    return folder


def test_set_changes_the_records_and_the_manifest(
    raw: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plain, merged = tmp_path / "plain", tmp_path / "merged"
    assert main(["run", str(raw), "--out", str(plain), "--jobs", "1"]) == 0
    assert (
        main(["run", str(raw), "--out", str(merged), "--jobs", "1", "--set", "places.merge_state_qualifiers=true"]) == 0
    )

    def mentions(out: Path) -> list[str]:
        record = json.loads((out / "records.jsonl").read_text(encoding="utf-8"))
        return [m["text"] for p in record["places"] for m in p["mentions"]]

    assert "Columbus, OH" not in mentions(plain)
    assert "Columbus, OH" in mentions(merged)
    manifest = json.loads((merged / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["config"]["places"]["merge_state_qualifiers"] is True
    assert manifest["config_hash"] == load_config(None, ["places.merge_state_qualifiers=true"]).config_hash()
    capsys.readouterr()


def test_quiet_keeps_only_errors_and_verbose_logs_the_settings(
    raw: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    (raw / "big.txt").write_text(ARTICLE * 20, encoding="utf-8")
    # The second file is over the size limit set here: one failure, reported even with -q.
    assert main(["-q", "run", str(raw), "--out", str(out), "--jobs", "1", "--set", "load.max_bytes=1000"]) == 1
    quiet = capsys.readouterr().err
    assert "failed: big.txt:" in quiet
    assert "inputs:" not in quiet
    assert main(["run", str(raw), "--out", str(out), "--jobs", "1", "-v", "--set", "load.max_bytes=1000"]) == 1
    verbose = capsys.readouterr().err
    assert "changed settings: load.max_bytes=1000" in verbose
    assert "code fingerprint " in verbose
    assert "2 inputs: 1 ok, 1 failed" in verbose
