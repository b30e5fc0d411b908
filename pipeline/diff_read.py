"""Reading two output folders' records side by side, in id order.

Both `records.jsonl` files are sorted by id, so they are read line by line and merge-joined:
memory holds one record of each side at a time. The id is read from the head of each line,
and a record is validated when it is first used, so a line that is the same on both sides
(an unchanged document, most of a typical diff) is validated once.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from pipeline.errors import ErrorCode, PipelineError
from pipeline.records import Record
from pipeline.stages.validate import describe_validation_error
from pipeline.writer import RECORDS_FILE


def iter_record_pairs(old_dir: Path, new_dir: Path) -> Iterator[tuple[Record | None, Record | None]]:
    """The records of both folders paired by id (None on the side that lacks it), in id order.

    Both folders are checked before the first pair is produced, so a bad folder is reported
    before any output is written.

    Raises:
        PipelineError: See `diff_outputs`.
    """
    pairs = merge_join(read_lines(old_dir), read_lines(new_dir))
    return ((old.record() if old else None, new.record() if new else None) for old, new in pairs)


def read_records(out_dir: Path) -> Iterator[Record]:
    """Stream the validated records of an output folder, checking they are sorted by unique id.

    The folder is checked at once; lines are read as the iterator is consumed.

    Raises:
        PipelineError: See `diff_outputs`.
    """
    return (line.record() for line in read_lines(out_dir))


def read_lines(out_dir: Path) -> Iterator[RecordLine]:
    """The lines of an output folder's records, checked for sorted unique ids as they are read."""
    path = out_dir / RECORDS_FILE
    if not out_dir.is_dir():
        raise PipelineError(
            ErrorCode.NOT_AN_OUTPUT, f"{str(out_dir)!r} is not a folder; give two output folders of `pipeline run`"
        )
    if not path.is_file():
        raise PipelineError(
            ErrorCode.NOT_AN_OUTPUT,
            f"{str(out_dir)!r} has no {RECORDS_FILE}; is it an output folder of `pipeline run`?",
        )
    return _stream_records(path)


@dataclass
class RecordLine:
    """One line of `records.jsonl`: its id, and its record validated on first use."""

    id: str
    text: str
    path: Path
    number: int
    validated: Record | None = None

    def record(self) -> Record:
        """The line's record.

        Raises:
            PipelineError: The line is not a valid record (E402).
        """
        if self.validated is None:
            self.validated = _validate(self.text, self.path, self.number)
            if self.validated.id != self.id:
                raise PipelineError(
                    ErrorCode.INVALID_OUTPUT_RECORD, f"{self.path}:{self.number}: the record names two ids"
                )
        return self.validated


# How the writer starts every line (`id` comes first in the schema): the id can be read
# without parsing the rest, so that a line found unchanged on both sides is validated once.
_ID_PREFIX = '{"id":'
_DECODER = json.JSONDecoder()


def _line_id(text: str, path: Path, number: int) -> tuple[str, Record | None]:
    """The id of a record line; the record too when the whole line had to be parsed for it."""
    if text.startswith(_ID_PREFIX):
        try:
            record_id, _end = _DECODER.raw_decode(text, len(_ID_PREFIX))
        except ValueError:
            pass
        else:
            if isinstance(record_id, str):
                return record_id, None
    record = _validate(text, path, number)
    return record.id, record


def _validate(text: str, path: Path, number: int) -> Record:
    try:
        return Record.model_validate_json(text)
    except ValidationError as error:
        raise PipelineError(
            ErrorCode.INVALID_OUTPUT_RECORD, f"{path}:{number}: {describe_validation_error(error)}"
        ) from error


def _stream_records(path: Path) -> Iterator[RecordLine]:
    previous: str | None = None
    with path.open(encoding="utf-8", newline="\n") as handle:
        number = 0
        while True:
            number += 1
            try:
                text = handle.readline()
            except UnicodeDecodeError as error:
                raise PipelineError(
                    ErrorCode.INVALID_OUTPUT_RECORD, f"{path}:{number}: not UTF-8 ({error.reason})"
                ) from error
            if not text:
                return
            record_id, record = _line_id(text, path, number)
            if previous is not None and record_id <= previous:
                raise PipelineError(
                    ErrorCode.UNSORTED_OUTPUT,
                    f"{path}:{number}: id {record_id!r} comes after {previous!r}; ids must be sorted and unique",
                )
            previous = record_id
            yield RecordLine(record_id, text, path, number, record)


def merge_join(
    olds: Iterator[RecordLine], news: Iterator[RecordLine]
) -> Iterator[tuple[RecordLine | None, RecordLine | None]]:
    old = next(olds, None)
    new = next(news, None)
    while old is not None or new is not None:
        if new is None or (old is not None and old.id < new.id):
            yield old, None
            old = next(olds, None)
        elif old is None or new.id < old.id:
            yield None, new
            new = next(news, None)
        else:
            yield old, new
            old = next(olds, None)
            new = next(news, None)
