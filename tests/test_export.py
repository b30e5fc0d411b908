"""`pipeline export`: analysis tables with one fixed schema, read back with pandas and DuckDB."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipeline import api
from pipeline.cli import main
from pipeline.export import TABLES, period_bounds

NEWS = "The Eurasia Foundation met in Moscow on 14-15 November 2011 and again in July 2009.\n"
EMPTY = "Nothing here names a date, a place or an organization at all.\n"


@pytest.fixture(scope="module")
def output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    raw = tmp_path_factory.mktemp("raw")
    (raw / "news.txt").write_text(NEWS, encoding="utf-8")
    (raw / "empty.txt").write_text(EMPTY, encoding="utf-8")
    out = raw.parent / "out"
    assert api.run([raw], out, jobs=1).ok
    return out


def test_period_bounds() -> None:
    assert period_bounds("2012") == (datetime.date(2012, 1, 1), datetime.date(2012, 12, 31))
    assert period_bounds("2012-02") == (datetime.date(2012, 2, 1), datetime.date(2012, 2, 29))
    assert period_bounds("2012-02-03") == (datetime.date(2012, 2, 3), datetime.date(2012, 2, 3))


def test_parquet_tables_read_back_with_pandas_and_duckdb(output: Path, tmp_path: Path) -> None:
    target = tmp_path / "tables"
    assert main(["export", str(output), "--format", "parquet", "--to", str(target)]) == 0
    documents = pd.read_parquet(target / "documents.parquet")
    assert list(documents["id"]) == ["empty", "news"]
    assert list(documents["dates"]) == [0, 2]
    dates = pd.read_parquet(target / "dates.parquet")
    assert list(dates["value"]) == ["2011-11-14", "2009-07"]
    assert dates["start_date"].tolist() == [datetime.date(2011, 11, 14), datetime.date(2009, 7, 1)]
    assert dates["end_date"].tolist() == [datetime.date(2011, 11, 15), datetime.date(2009, 7, 31)]
    places = duckdb.sql(f"SELECT name, text, country_code FROM '{target / 'places.parquet'}'").fetchall()
    assert places == [("Moscow", "Moscow", "RU")]
    orgs = duckdb.sql(f"SELECT id, name FROM '{target / 'organizations.parquet'}'").fetchall()
    assert orgs == [("news", "Eurasia Foundation")]


def test_every_table_keeps_its_schema_even_when_empty(output: Path, tmp_path: Path) -> None:
    """Two shards, one with only empty and null fields, concatenate (the schemas are the same)."""
    shard = tmp_path / "shard"
    shard.mkdir()
    lines = (output / "records.jsonl").read_text(encoding="utf-8").splitlines()
    (shard / "records.jsonl").write_text(lines[0] + "\n", encoding="utf-8")  # "empty": no mentions at all
    assert main(["export", str(shard), "--to", str(tmp_path / "a")]) == 0
    assert main(["export", str(output), "--to", str(tmp_path / "b")]) == 0
    for name, schema in TABLES.items():
        first, second = (
            pq.read_table(tmp_path / "a" / f"{name}.parquet"),
            pq.read_table(tmp_path / "b" / f"{name}.parquet"),
        )
        assert first.schema == second.schema == schema
        assert pa.concat_tables([first, second]).num_rows == first.num_rows + second.num_rows
    both = duckdb.sql(
        f"SELECT count(*) FROM read_parquet(['{tmp_path / 'a' / 'dates.parquet'}', '{tmp_path / 'b' / 'dates.parquet'}'])"
    )
    assert both.fetchall() == [(2,)]


def test_csv_tables(output: Path, tmp_path: Path) -> None:
    assert main(["export", str(output), "--format", "csv", "--to", str(tmp_path / "csv")]) == 0
    dates = pd.read_csv(tmp_path / "csv" / "dates.csv")
    assert list(dates["text"]) == ["14-15 November 2011", "July 2009"]
    assert list(dates["end_date"]) == ["2011-11-15", "2009-07-31"]
    documents = duckdb.sql(f"SELECT id, characters FROM read_csv('{tmp_path / 'csv' / 'documents.csv'}')").fetchall()
    assert documents == [("empty", len(EMPTY.strip())), ("news", len(NEWS.strip()))]


def test_export_of_a_folder_without_records_is_a_usage_error(tmp_path: Path) -> None:
    assert main(["export", str(tmp_path)]) == 2


def test_run_without_docs_writes_only_records_and_manifest(tmp_path: Path) -> None:
    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    (raw / "news.txt").write_text(NEWS, encoding="utf-8")
    assert main(["run", str(raw), "--out", str(out), "--jobs", "1"]) == 0
    assert (out / "docs" / "news.json").is_file()
    assert main(["run", str(raw), "--out", str(out), "--jobs", "1", "--no-docs"]) == 0
    assert not (out / "docs" / "news.json").exists()
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8"))["docs"] is False
    assert api.validate_output(out) == []
    assert json.loads((out / "records.jsonl").read_text(encoding="utf-8"))["id"] == "news"
