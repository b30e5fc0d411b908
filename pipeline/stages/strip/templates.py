"""Template lines: what a site prints on every page, found by repetition across a batch.

A text dump keeps no markup, but a batch of pages from one site repeats its menus, search
forms and footers word for word on every page, while article text almost never repeats. A
line that stands in at least `min_documents` documents of the batch is template, and the
strip stage drops it wherever it appears.

The set depends on the whole batch, so it is part of what a record was made from: the run
hashes it into the manifest (and into the cache key), and a batch change that alters the set
reprocesses the documents it concerns.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections import Counter
from collections.abc import Iterable

from pipeline.document import Document
from pipeline.stages.base import BatchFacts, BatchLearner

# Longer lines are paragraphs; a repeated paragraph is rare and not worth the memory.
_MAX_LINE_CHARS = 300


def template_key(line: str) -> str:
    """The form a line is compared in: whitespace collapsed, ends trimmed."""
    return " ".join(line.split())  # the same as collapsing `\s+` and stripping, three times faster


def find_template_lines(texts: Iterable[str], min_documents: int) -> frozenset[str]:
    """The lines (as `template_key`s) that occur in at least `min_documents` of `texts`.

    Each text counts a line once however often it repeats it, so a page that repeats a
    heading does not make it template on its own.
    """
    learner = TemplateLearner(min_documents)
    for text in texts:
        learner.see_text(text)
    return learner.lines()


class TemplateLearner(BatchLearner):
    """The strip stage's batch learner: counts the lines of every text dump of the batch."""

    def __init__(self, min_documents: int) -> None:
        self.min_documents = min_documents
        self._documents: Counter[str] = Counter()

    def see(self, doc: Document) -> None:
        """Count the lines of a text dump; HTML pages keep their template in their markup."""
        if doc.content_format == "text":
            self.see_text(doc.content)

    def see_text(self, text: str) -> None:
        """Count each line of `text` once, however often it repeats it."""
        self._documents.update(
            {key for key in (template_key(line) for line in text.split("\n")) if 0 < len(key) <= _MAX_LINE_CHARS}
        )

    def lines(self) -> frozenset[str]:
        """The lines seen in at least `min_documents` texts."""
        return frozenset(line for line, count in self._documents.items() if count >= self.min_documents)

    def learned(self, facts: BatchFacts) -> BatchFacts:
        """`facts` with the batch's template lines."""
        return dataclasses.replace(facts, template_lines=self.lines())


def template_hash(lines: frozenset[str]) -> str:
    """A stable digest of a template set, for the manifest and the cache key."""
    digest = hashlib.sha256()
    for line in sorted(lines):
        digest.update(line.encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest()
