"""Which stages serve which languages: the entity stages read English only.

The organization and place stages run an English spaCy model; on a page in another
language it would still find "entities", and they would be guesses (DESIGN.md: a stage
that cannot serve a document leaves its field empty and says why). `LanguageGate` wraps
such a stage: a document whose detected language the stage does not serve passes through
with empty `organizations` and `places`, and `entity_note` gives the manifest's note.

A document without a detected language (too little text to tell) is served as before.

`date_reading` and `month_names` tell the dates stage how to read a page's dates in its
detected language (dateparser's own language data: month names, day-month order).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any, NamedTuple

from dateparser.languages.loader import default_loader

from pipeline.document import Document
from pipeline.stages.base import Stage


class DateReading(NamedTuple):
    """The dateparser settings that depend on a document's language."""

    languages: tuple[str, ...]
    date_order: str


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

        self.reads = stage.reads | {"language"}  # type: ignore[misc]
        self.writes = stage.writes  # type: ignore[misc]

    def setup(self) -> None:
        """Set up the wrapped stage."""
        self.stage.setup()

    @property
    def batched(self) -> bool:
        """A batch call where the wrapped stage has one of its own."""
        return self.stage.batched

    def __call__(self, doc: Document) -> Document:
        """Run the wrapped stage, or clear the entity fields of a document in another language."""
        if self._serves(doc):
            return self.stage(doc)
        return self._cleared(doc)

    def process_batch(self, docs: Sequence[Document]) -> list[Document]:
        """The wrapped stage's batch call on the documents it serves; the others cleared, in order."""
        served = [doc for doc in docs if self._serves(doc)]
        done = iter(self.stage.process_batch(served))
        return [next(done) if self._serves(doc) else self._cleared(doc) for doc in docs]

    def _serves(self, doc: Document) -> bool:
        return serves(self.languages, doc.language.code if doc.language is not None else None)

    @staticmethod
    def _cleared(doc: Document) -> Document:
        return doc.model_copy(update={"organizations": (), "places": ()})


_MONTH_KEYS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)


@functools.cache
def date_reading(language_code: str | None, default_languages: tuple[str, ...], default_order: str) -> DateReading:
    """How the dates of a document in `language_code` are read: dateparser's languages and date order.

    For the dates stage: a page detected as French is parsed with `languages=["fr"]` and
    day-month-year order ("12 mars 2020", "03/04/2020" is 3 April); a language dateparser
    does not know, and a document without a detected language, keep the configured defaults.
    """
    if language_code is None or language_code in default_languages:
        return DateReading(default_languages, default_order)
    try:
        info = default_loader.get_locale(language_code).info
    except (KeyError, ValueError):
        return DateReading(default_languages, default_order)
    order = info.get("date_order", "DMY")
    return DateReading((language_code,), order if order in ("DMY", "MDY", "YMD") else "DMY")


@functools.cache
def month_names(language_code: str) -> tuple[tuple[str, ...], ...]:
    """The names (and abbreviations) of the twelve months in a language, from dateparser's data.

    For the dates stage's candidate patterns, which know English month names only; empty
    tuples for a language dateparser does not know.
    """
    try:
        info = default_loader.get_locale(language_code).info
    except (KeyError, ValueError):
        return tuple(() for _ in _MONTH_KEYS)
    return tuple(tuple(name for name in info.get(key, ()) if isinstance(name, str)) for key in _MONTH_KEYS)
