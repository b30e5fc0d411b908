"""The protocol every stage follows."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import ClassVar

from pipeline.document import Document


class Stage(ABC):
    """A pure transform of one document.

    A stage never reads files or the clock. It returns `doc.model_copy(update=...)` with the
    fields it produces and raises `DocumentError` for a document it cannot process.
    """

    name: ClassVar[str]
    # Bump when the stage's output changes for the same input; recorded in the manifest.
    version: ClassVar[str]

    @abstractmethod
    def __call__(self, doc: Document) -> Document:
        """Return the next state of `doc`."""
