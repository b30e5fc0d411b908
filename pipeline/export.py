"""Analysis tables of an output folder: `pipeline export OUT --format parquet|csv`.

Four tables, each with one FIXED Arrow schema whatever the records hold, so that the
tables of two runs (or shards) concatenate even when one of them has only empty or null
values in a column (Arrow would otherwise type such a column `null`, and readers such as
Hugging Face `datasets` refuse to cast it to the other shard's `string`):

- `documents`: one row per record (id, url, title, published, language, text, counts);
- `dates`: one row per date mention, with its ISO value and the first and last day it
  covers as `date32` columns (`start_date`, `end_date`);
- `organizations` and `places`: one row per mention, with the entity's name and details.

Records are read from `records.jsonl` in batches, so memory stays flat for large outputs.
Each table is written to a temporary file and renamed into place.
"""

from __future__ import annotations

import calendar
import datetime
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from pipeline.errors import ErrorCode, PipelineError
from pipeline.writer import RECORDS_FILE

TableFormat = Literal["parquet", "csv"]
# Records per Arrow batch (and Parquet row group); a few MB of text at typical sizes.
BATCH_RECORDS = 1000

DOCUMENTS = pa.schema(
    [
        ("id", pa.string()),
        ("url", pa.string()),
        ("title", pa.string()),
        ("published", pa.string()),
        ("published_precision", pa.string()),
        ("published_date", pa.date32()),
        ("author", pa.string()),
        ("site_name", pa.string()),
        ("language", pa.string()),
        ("language_confidence", pa.float64()),
        ("source_path", pa.string()),
        ("source_format", pa.string()),
        ("text", pa.string()),
        ("characters", pa.int64()),
        ("blocks", pa.int32()),
        ("dates", pa.int32()),
        ("organizations", pa.int32()),
        ("places", pa.int32()),
    ]
)
DATES = pa.schema(
    [
        ("id", pa.string()),
        ("text", pa.string()),
        ("start", pa.int64()),
        ("end", pa.int64()),
        ("value", pa.string()),
        ("end_value", pa.string()),
        ("precision", pa.string()),
        ("start_date", pa.date32()),
        ("end_date", pa.date32()),
        ("relative", pa.bool_()),
        ("anchor", pa.string()),
    ]
)
ORGANIZATIONS = pa.schema(
    [
        ("id", pa.string()),
        ("name", pa.string()),
        ("acronym", pa.string()),
        ("text", pa.string()),
        ("start", pa.int64()),
        ("end", pa.int64()),
    ]
)
PLACES = pa.schema(
    [
        ("id", pa.string()),
        ("name", pa.string()),
        ("kind", pa.string()),
        ("country_code", pa.string()),
        ("geonameid", pa.int64()),
        ("latitude", pa.float64()),
        ("longitude", pa.float64()),
        ("text", pa.string()),
        ("start", pa.int64()),
        ("end", pa.int64()),
    ]
)
TABLES: dict[str, pa.Schema] = {
    "documents": DOCUMENTS,
    "dates": DATES,
    "organizations": ORGANIZATIONS,
    "places": PLACES,
}


def period_bounds(value: str) -> tuple[datetime.date, datetime.date]:
    """The first and last day an ISO value at year, month or day precision covers."""
    parts = [int(part) for part in value.split("-")]
    if len(parts) == 1:
        return datetime.date(parts[0], 1, 1), datetime.date(parts[0], 12, 31)
    if len(parts) == 2:
        last = calendar.monthrange(parts[0], parts[1])[1]
        return datetime.date(parts[0], parts[1], 1), datetime.date(parts[0], parts[1], last)
    day = datetime.date(parts[0], parts[1], parts[2])
    return day, day


def table_rows(record: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The rows one record gives each table (a pure function of the record's JSON)."""
    published = record.get("published") or {}
    language = record.get("language") or {}
    text = record.get("text", "")
    document = {
        "id": record["id"],
        "url": record.get("url"),
        "title": record.get("title"),
        "published": published.get("value"),
        "published_precision": published.get("precision"),
        "published_date": period_bounds(published["value"])[0] if published.get("value") else None,
        "author": record.get("author"),
        "site_name": record.get("site_name"),
        "language": language.get("code"),
        "language_confidence": language.get("confidence"),
        "source_path": record["source"]["path"],
        "source_format": record["source"]["format"],
        "text": text,
        "characters": len(text),
        "blocks": len(record.get("blocks", ())),
        "dates": len(record.get("dates", ())),
        "organizations": len(record.get("organizations", ())),
        "places": len(record.get("places", ())),
    }
    dates = []
    for date in record.get("dates", ()):
        start_date = period_bounds(date["value"])[0]
        end_date = period_bounds(date.get("end_value") or date["value"])[1]
        dates.append(
            {
                "id": record["id"],
                "text": date["text"],
                "start": date["start"],
                "end": date["end"],
                "value": date["value"],
                "end_value": date.get("end_value"),
                "precision": date["precision"],
                "start_date": start_date,
                "end_date": end_date,
                "relative": date.get("relative", False),
                "anchor": date.get("anchor"),
            }
        )
    organizations = [
        {"id": record["id"], "name": org["name"], "acronym": org.get("acronym"), **_mention(mention)}
        for org in record.get("organizations", ())
        for mention in org["mentions"]
    ]
    places = [
        {
            "id": record["id"],
            "name": place["name"],
            "kind": place["kind"],
            "country_code": place.get("country_code"),
            "geonameid": place.get("geonameid"),
            "latitude": place.get("latitude"),
            "longitude": place.get("longitude"),
            **_mention(mention),
        }
        for place in record.get("places", ())
        for mention in place["mentions"]
    ]
    return {"documents": [document], "dates": dates, "organizations": organizations, "places": places}


def _mention(mention: dict[str, Any]) -> dict[str, Any]:
    return {"text": mention["text"], "start": mention["start"], "end": mention["end"]}


def export_tables(out_dir: Path, target: Path, table_format: TableFormat) -> list[Path]:
    """Write the four tables of the output folder `out_dir` into `target`.

    Returns:
        The paths written, one per table (`documents.parquet`, ..., or `.csv`).

    Raises:
        PipelineError: `out_dir` has no `records.jsonl` (E401), or a line of it is not a record (E402).
    """
    records_path = out_dir / RECORDS_FILE
    if not records_path.is_file():
        raise PipelineError(
            ErrorCode.NOT_AN_OUTPUT,
            f"{str(out_dir)!r} has no {RECORDS_FILE}; is it an output folder of `pipeline run`?",
        )
    target.mkdir(parents=True, exist_ok=True)
    paths = {name: target / f"{name}.{table_format}" for name in TABLES}
    temporaries = {name: path.with_name(f".{path.name}.{os.getpid()}.tmp") for name, path in paths.items()}
    writers = {name: _writer(temporaries[name], schema, table_format) for name, schema in TABLES.items()}
    try:
        for batch in _batches(records_path):
            rows: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLES}
            for record in batch:
                for name, table_rows_ in table_rows(record).items():
                    rows[name].extend(table_rows_)
            for name, schema in TABLES.items():
                writers[name].write_table(pa.Table.from_pylist(rows[name], schema=schema))
    except BaseException:
        for name, writer in writers.items():
            writer.close()
            temporaries[name].unlink(missing_ok=True)
        raise
    for name, writer in writers.items():
        writer.close()
        os.replace(temporaries[name], paths[name])
    return list(paths.values())


def _writer(path: Path, schema: pa.Schema, table_format: TableFormat) -> pq.ParquetWriter | pa_csv.CSVWriter:
    if table_format == "parquet":
        return pq.ParquetWriter(path, schema)
    return pa_csv.CSVWriter(path, schema)


def _batches(records_path: Path) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    yielded = False
    with records_path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            try:
                record = json.loads(line)
                _ = record["id"], record["source"]["path"]
            except (ValueError, KeyError, TypeError) as error:
                raise PipelineError(
                    ErrorCode.INVALID_OUTPUT_RECORD, f"{RECORDS_FILE}:{number} is not a record: {error!r}"
                ) from error
            batch.append(record)
            if len(batch) == BATCH_RECORDS:
                yield batch
                batch, yielded = [], True
    if batch or not yielded:  # an empty output still gets its (empty) tables
        yield batch
