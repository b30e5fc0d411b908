"""The output contract: the record written for every document (schema version 2).

Field names and their order are binding (see DESIGN.md); `docs/<id>.json` keeps keys in
the order they are declared here. Every offset is a character offset into the record's
own `text`, end exclusive, and the `Record` validator checks that invariant for every
span so that no record with a broken offset can be written.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

SCHEMA_VERSION = 2
# Written into the exported JSON Schema, so a reader of a record knows which contract it follows.
SCHEMA_ID = f"urn:pipeline:record:v{SCHEMA_VERSION}"
JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"

SourceFormat = Literal["text", "html", "jsonl", "warc"]
BlockKind = Literal["heading", "paragraph", "caption", "list_item", "quote", "table", "other"]
BoilerplateKind = Literal[
    "navigation", "form", "footer", "copyright", "share", "comments", "related", "hidden", "other"
]
Precision = Literal["year", "month", "day"]
PlaceKind = Literal["country", "region", "city", "other"]

# ISO 8601 at year, month or day precision; the precision field says which one applies.
ISO_DATE_PATTERN = r"^\d{4}(-\d{2}(-\d{2})?)?$"


class FrozenModel(BaseModel):
    """Base for every contract model: immutable, and unknown fields are an error."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Source(FrozenModel):
    """Where a record came from.

    For JSONL inputs `sha256` and `bytes` describe the document's own line, so that a
    document's hash changes only when that document changes.
    """

    path: str = Field(description="Input path relative to the input root, with '/' separators.")
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    format: SourceFormat
    encoding: str
    bytes: int = Field(ge=0)


class PublishedDate(FrozenModel):
    """The page's own publication date, at the precision the page gives it."""

    value: str = Field(pattern=ISO_DATE_PATTERN)
    precision: Precision

    @model_validator(mode="after")
    def _value_matches_precision(self) -> PublishedDate:
        if len(self.value) != {"year": 4, "month": 7, "day": 10}[self.precision]:
            raise ValueError(f"value {self.value!r} does not have {self.precision} precision")
        return self


class Language(FrozenModel):
    """The language of the article text, as the detector found it."""

    code: str = Field(pattern=r"^[a-z]{2}$", description="ISO 639-1 code.")
    confidence: float = Field(ge=0, le=1, description="The detector's probability for this language.")


class Block(FrozenModel):
    """One kept block of the article, as a slice of `text`."""

    kind: BlockKind
    start: int = Field(ge=0)
    end: int = Field(ge=0)


class Boilerplate(FrozenModel):
    """A removed piece of the page and why it was removed."""

    kind: BoilerplateKind
    text: str


class Mention(FrozenModel):
    """One occurrence of an entity in `text`."""

    text: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)


class DateMention(FrozenModel):
    """A date expression with its normalized ISO value at its true precision."""

    text: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    value: str = Field(pattern=ISO_DATE_PATTERN)
    precision: Precision
    end_value: str | None = Field(default=None, pattern=ISO_DATE_PATTERN)
    relative: bool = False
    anchor: str | None = Field(
        default=None, description="Text of the date or document date a relative expression was resolved against."
    )

    @model_validator(mode="after")
    def _value_matches_precision(self) -> DateMention:
        expected_length = {"year": 4, "month": 7, "day": 10}[self.precision]
        for field_name, value in (("value", self.value), ("end_value", self.end_value)):
            if value is not None and len(value) != expected_length:
                raise ValueError(f"{field_name} {value!r} does not have {self.precision} precision")
        if self.end_value is not None and self.end_value < self.value:
            raise ValueError(f"end_value {self.end_value} is before value {self.value}")
        if self.relative != (self.anchor is not None):
            raise ValueError("a relative date needs an anchor, and only a relative date has one")
        return self


class Organization(FrozenModel):
    """An organization with all of its mentions; `name` is its most complete form."""

    name: str
    acronym: str | None = None
    aliases: tuple[str, ...] = ()
    mentions: tuple[Mention, ...] = Field(min_length=1)


class Place(FrozenModel):
    """A place with all of its mentions, resolved offline where the gazetteer knows it."""

    name: str
    kind: PlaceKind
    country_code: str | None = Field(default=None, pattern=r"^[A-Z]{2}$")
    geonameid: int | None = None
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)
    mentions: tuple[Mention, ...] = Field(min_length=1)


class Record(FrozenModel):
    """Everything extracted from one document."""

    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        json_schema_extra={"$schema": JSON_SCHEMA_DIALECT, "$id": SCHEMA_ID, "schema_version": SCHEMA_VERSION},
    )

    id: str = Field(min_length=1)
    source: Source
    url: str | None = Field(default=None, description="The page's URL (JSONL url, WARC target URI, canonical link).")
    title: str | None = None
    published: PublishedDate | None = None
    author: str | None = None
    site_name: str | None = None
    language: Language | None = None
    text: str
    blocks: tuple[Block, ...] = ()
    boilerplate: tuple[Boilerplate, ...] = ()
    dates: tuple[DateMention, ...] = ()
    organizations: tuple[Organization, ...] = ()
    places: tuple[Place, ...] = ()

    @model_validator(mode="after")
    def _offsets_point_into_text(self) -> Record:
        text_length = len(self.text)
        for block in self.blocks:
            if not 0 <= block.start < block.end <= text_length:
                raise ValueError(f"block {block.start}:{block.end} is outside text of length {text_length}")
        if [b.start for b in self.blocks] != sorted(b.start for b in self.blocks):
            raise ValueError("blocks are not sorted by start")
        spans: list[DateMention | Mention] = list(self.dates)
        for organization in self.organizations:
            spans.extend(organization.mentions)
        for place in self.places:
            spans.extend(place.mentions)
        for span in spans:
            if self.text[span.start : span.end] != span.text or span.start >= span.end:
                raise ValueError(
                    f"span {span.start}:{span.end} reads {self.text[span.start : span.end]!r}, not {span.text!r}"
                )
        if [d.start for d in self.dates] != sorted(d.start for d in self.dates):
            raise ValueError("dates are not sorted by start")
        for label, entities in (("organizations", self.organizations), ("places", self.places)):
            for entity in entities:
                if list(entity.mentions) != sorted(entity.mentions, key=lambda m: (m.start, m.end)):
                    raise ValueError(f"mentions of {entity.name!r} are not sorted by start")
            firsts = [(e.mentions[0].start, e.mentions[0].end) for e in entities]
            if firsts != sorted(firsts):
                raise ValueError(f"{label} are not sorted by first mention")
        return self
