"""The state a document carries from stage to stage.

A `Document` is frozen: each stage returns `doc.model_copy(update={...})` with the fields
it produces. The fields that end up in the output use the contract types from
`pipeline.records`, so the validate stage only has to assemble and check them; the others
(`place_spans`, `unresolved_dates`) are what one stage hands to a later one.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from pipeline.records import (
    Block,
    Boilerplate,
    DateMention,
    FrozenModel,
    Language,
    Organization,
    Place,
    PublishedDate,
    Source,
)

ContentFormat = Literal["text", "html"]
# The model's label of a place span: GPE and LOC as spaCy gives them, ORG for a span the model
# read as an organization and the entity stage as a place ("Russia signed ...").
PlaceLabel = Literal["GPE", "LOC", "ORG"]


class PlaceSpan(FrozenModel):
    """A place mention the entity stage found, for the places stage to resolve.

    Attributes:
        text: The mention as written, `Document.text[start:end]`.
        start: Offset of its first character in `Document.text` (code points).
        end: Offset after its last character.
        label: The model's label for it (see `PlaceLabel`).
    """

    text: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    label: PlaceLabel


class Document(FrozenModel):
    """One document moving through the pipeline.

    Attributes:
        id: The record id (source path relative to the input root, without extension).
        source: Provenance of the input, written to the record as is.
        content: The decoded input (HTML markup or plain text); never changed by stages.
        content_format: How `content` is to be read by the strip stage.
        document_date: The date the document is known to carry (JSONL `date`, HTML meta or
            `<time>`, or a sidecar `NAME.meta.json`), as YYYY-MM-DD; anchors relative dates.
        url: The page's URL (JSONL `url`, WARC target URI, else the page's canonical link).
        fetch_date: When a crawler fetched the page (WARC-Date), as YYYY-MM-DD: anchors
            relative dates when the page has no date of its own.
        metadata: The JSONL line's `metadata` object, carried as given (not in the record).
        title: The page title, when the source gives one.
        published: The page's own publication date (meta tags, JSON-LD, `<time>`).
        author: The page's author, from its metadata.
        site_name: The site's name, from its metadata.
        language: The language of `text`, with the detector's confidence.
        text: The article text once boilerplate is removed.
        place_spans: Place mentions from the entity stage, in text order; the places stage
            resolves them into `places`.
        unresolved_dates: Relative date expressions with nothing to anchor them (no document
            date, no earlier date in the text): left out of `dates`, counted in the manifest.
    """

    id: str = Field(min_length=1)
    source: Source
    content: str
    content_format: ContentFormat
    document_date: str | None = Field(default=None, pattern=r"^\d{4}-\d{2}-\d{2}$")
    url: str | None = None
    fetch_date: str | None = Field(default=None, pattern=r"^\d{4}-\d{2}-\d{2}$")
    metadata: dict[str, Any] | None = None
    title: str | None = None
    published: PublishedDate | None = None
    author: str | None = None
    site_name: str | None = None
    language: Language | None = None
    text: str = ""
    blocks: tuple[Block, ...] = ()
    boilerplate: tuple[Boilerplate, ...] = ()
    dates: tuple[DateMention, ...] = ()
    organizations: tuple[Organization, ...] = ()
    place_spans: tuple[PlaceSpan, ...] = ()
    places: tuple[Place, ...] = ()
    unresolved_dates: int = Field(default=0, ge=0)
