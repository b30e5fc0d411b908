"""Which changed documents a diff report shows: narrowing by field and id, limits, samples.

The counts of a diff always cover every document; a selection only decides which documents
are shown in full, so a reviewer can read the date changes alone (`--only dates`), one site
(`--id 'news/*'`), a few per section (`--limit 5`) or a random sample to check by hand
(`--sample 20 --seed 7`).

The sample is the N matching documents whose hash of (seed, id) is smallest: the same seed
gives the same sample on every run and in every format, it can be drawn while documents
stream past (a heap of N), and a document's chance of being drawn does not depend on
which other documents exist.
"""

from __future__ import annotations

import fnmatch
import hashlib
import heapq
from collections.abc import Iterable
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from pipeline.diff import DocumentDiff

OnlyField = Literal["text", "boilerplate", "dates", "organizations", "places"]
ONLY_FIELDS: tuple[OnlyField, ...] = ("text", "boilerplate", "dates", "organizations", "places")


class Selection(BaseModel):
    """What to show of a diff; the default shows everything.

    Attributes:
        only: Show only documents where one of these fields changed, and only those fields.
        ids: A shell-style pattern (`fnmatch`) the document id must match.
        limit: At most this many documents per section (added, removed, each stage).
        sample: Show a reproducible random sample of this many matching documents.
        seed: The sample's seed.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    only: tuple[OnlyField, ...] = ()
    ids: str | None = None
    limit: int | None = Field(default=None, ge=1)
    sample: int | None = Field(default=None, ge=1)
    seed: int = 0

    def matches(self, document: DocumentDiff) -> bool:
        """Whether a document that differs is selected (before sampling and limits)."""
        if self.ids is not None and not fnmatch.fnmatchcase(document.id, self.ids):
            return False
        if not self.only:
            return True
        return any(_changed(document, name) for name in self.only)

    def matches_input(self, record_id: str | None) -> bool:
        """Whether a manifest input is listed: its id matches `ids` (every input without it)."""
        return self.ids is None or (record_id is not None and fnmatch.fnmatchcase(record_id, self.ids))

    def narrow(self, document: DocumentDiff) -> DocumentDiff:
        """The document with only the fields asked for by `only` (all of them without it)."""
        if not self.only:
            return document
        update: dict[str, object] = {"title": None}
        for name in ONLY_FIELDS:
            if name not in self.only:
                update[name] = None if name in ("text", "boilerplate") else ()
        return document.model_copy(update=update)

    def sample_rank(self, record_id: str) -> str:
        """The document's place in the sample's order: smaller is drawn first."""
        return hashlib.sha256(f"{self.seed}\0{record_id}".encode()).hexdigest()


def select(documents: Iterable[DocumentDiff], selection: Selection) -> list[DocumentDiff]:
    """The selected documents, narrowed, sampled when asked, in id order (limits not applied)."""
    matching = (selection.narrow(document) for document in documents if selection.matches(document))
    if selection.sample is None:
        return list(matching)
    drawn = heapq.nsmallest(selection.sample, matching, key=lambda document: selection.sample_rank(document.id))
    return sorted(drawn, key=lambda document: document.id)


def limit_sections(documents: Iterable[DocumentDiff], limit: int | None) -> list[DocumentDiff]:
    """The first `limit` documents of each section (see `section_of`), in the order given."""
    if limit is None:
        return list(documents)
    shown: dict[str, int] = {}
    kept = []
    for document in documents:
        section = section_of(document)
        if shown.get(section, 0) < limit:
            shown[section] = shown.get(section, 0) + 1
            kept.append(document)
    return kept


def section_of(document: DocumentDiff) -> str:
    """The section a document is listed in: "added", "removed", or the stage that changed first."""
    if document.change == "changed":
        return document.stage or "other"
    return document.change


def _changed(document: DocumentDiff, name: OnlyField) -> bool:
    if name == "text":
        return document.text is not None
    if name == "boilerplate":
        return document.boilerplate is not None
    changes: tuple[object, ...] = getattr(document, name)
    return bool(changes)
