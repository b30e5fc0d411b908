"""Which stages serve which languages: the entity stages read English only.

The organization and place stages run an English spaCy model; on a page in another
language it would still find "entities", and they would be guesses (DESIGN.md: a stage
that cannot serve a document leaves its field empty and says why). `LanguageGate` wraps
such a stage: a document whose detected language the stage does not serve passes through
with empty `organizations` and `places`, and `entity_note` gives the manifest's note.

A document without a detected language (too little text to tell) is served as before.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pipeline.document import Document
from pipeline.stages.base import Stage


def serves(languages: Sequence[str], language_code: str | None) -> bool:
    """Tell whether a stage that reads `languages` serves a document detected as `language_code`."""
    return language_code is None or language_code in languages


def entity_note(languages: Sequence[str], language: Any) -> str | None:
    """The manifest note of a record whose entities were not looked for, else None.

    Args:
        languages: The languages the entity model reads.
        language: The record's `language`: a `Language`, its JSON object, or None.
    """
    code = language.get("code") if isinstance(language, dict) else getattr(language, "code", None)
    if serves(languages, code):
        return None
    return (
        f"organizations and places not extracted: the text is in {code!r},"
        f" the entity model reads {', '.join(repr(lang) for lang in languages)} only"
    )


class LanguageGate(Stage):
    """A stage that runs only on documents in the languages it serves; others get empty entities."""

    def __init__(self, stage: Stage, languages: Sequence[str]) -> None:
        self.stage = stage
        self.languages = tuple(languages)
        # The wrapped stage's name and version: the gate adds no stage of its own to the manifest.
        self.name = stage.name  # type: ignore[misc]
        self.version = stage.version  # type: ignore[misc]

    def __call__(self, doc: Document) -> Document:
        """Run the wrapped stage, or clear the entity fields of a document in another language."""
        if serves(self.languages, doc.language.code if doc.language is not None else None):
            return self.stage(doc)
        return doc.model_copy(update={"organizations": (), "places": ()})
