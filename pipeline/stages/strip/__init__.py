"""Strip boilerplate: keep what a reader of the page calls the article, and say what was dropped.

Two paths share one cue lexicon (`cues`):

* `html`: HTML pages, judged by structure (`tags`), prose and cues;
* `text`: plain-text dumps of pages, judged by lines, prose and cues.

An HTML page whose frame keeps no sentence falls back on its prose outside the frame, or on
the article it declares in its head (`declared`).

Kept blocks are joined with a blank line into the record's `text` (`pieces.assemble`);
every block's offsets point into that text, and every dropped piece has a kind. Title and
publication date are the metadata stage's (`pipeline.stages.metadata`).
"""

from __future__ import annotations

from typing import ClassVar

from pipeline.config import PipelineConfig, StripConfig
from pipeline.document import Document
from pipeline.stages.base import BatchLearner, Stage
from pipeline.stages.strip.cues import Cues
from pipeline.stages.strip.html import HtmlPath
from pipeline.stages.strip.parse import parse_html
from pipeline.stages.strip.pieces import assemble, dropped
from pipeline.stages.strip.tags import INVISIBLE_TAGS
from pipeline.stages.strip.templates import TemplateLearner
from pipeline.stages.strip.text import TextPath

__all__ = ["INVISIBLE_TAGS", "BoilerplateStripper"]


class BoilerplateStripper(Stage):
    """Remove menus, forms, footers, share bars and copyright lines; keep the article."""

    name: ClassVar[str] = "strip"
    version: ClassVar[str] = "8"
    reads: ClassVar[frozenset[str]] = frozenset({"content", "content_format"})
    writes: ClassVar[frozenset[str]] = frozenset({"text", "blocks", "boilerplate"})

    @classmethod
    def batch_learner(cls, config: PipelineConfig, documents: int) -> BatchLearner | None:
        """Template discovery: the lines the batch's text dumps share (`pipeline.stages.strip.templates`).

        A batch of fewer than `strip.template_min_documents` documents has no template lines.
        """
        minimum = config.strip.template_min_documents
        return TemplateLearner(minimum) if documents >= minimum else None

    def __init__(self, config: StripConfig, template_lines: frozenset[str] = frozenset()) -> None:
        """Set up the stage.

        Args:
            config: The stage's settings.
            template_lines: Lines of text dumps that repeat across many documents of the batch
                (see `pipeline.stages.strip.templates`): the site's template, dropped wherever they stand.
        """
        self.config = config
        self.template_lines = template_lines
        self.cues = Cues(config)
        self._html = HtmlPath(config, self.cues)
        self._text = TextPath(config, self.cues, template_lines)

    def __call__(self, doc: Document) -> Document:
        """Split `doc.content` into kept blocks and dropped boilerplate."""
        if doc.content_format == "html":
            pieces = list(self._html.pieces(parse_html(doc.content)))
        else:
            pieces = list(self._text.pieces(doc.content))
        text, blocks = assemble(pieces)
        return doc.model_copy(update={"text": text, "blocks": blocks, "boilerplate": dropped(pieces)})
