"""The exported JSON Schema matches the models, and the models reject bad records."""

from __future__ import annotations

import json

import pytest
from conftest import REPO, make_source
from pydantic import ValidationError

from pipeline.api import record_schema
from pipeline.records import DateMention, Mention, Organization, Record


def test_committed_schema_is_in_sync() -> None:
    committed = json.loads((REPO / "schemas" / "record.schema.json").read_text(encoding="utf-8"))
    assert committed == record_schema(), "run `make schema` (pipeline schema) and commit the result"


def test_unknown_fields_are_rejected() -> None:
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        Record(id="a", source=make_source(), text="", surprise=1)  # type: ignore[call-arg]


def test_offsets_must_point_at_the_mention() -> None:
    organization = Organization(name="ICMEC", mentions=(Mention(text="ICMEC", start=1, end=6),))
    with pytest.raises(ValidationError, match="reads"):
        Record(id="a", source=make_source(), text="ICMEC hosted", organizations=(organization,))


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"value": "2009-07-01", "precision": "month"}, "does not have month precision"),
        ({"value": "2009-07", "precision": "month", "end_value": "2009-06"}, "before value"),
        ({"value": "2009", "precision": "year", "relative": True}, "needs an anchor"),
        ({"value": "July 2009", "precision": "month"}, "pattern"),
    ],
)
def test_date_values_are_checked(fields: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        DateMention(text="July 2009", start=0, end=9, **fields)  # type: ignore[arg-type]


def test_records_are_frozen() -> None:
    record = Record(id="a", source=make_source(), text="")
    with pytest.raises(ValidationError):
        record.text = "changed"  # type: ignore[misc]
