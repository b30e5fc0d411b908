"""Scoring of the boilerplate suite, and the text dump of an HTML page (`goldtext` runs both).

Keep snippets must survive, drop snippets must go.

Each page is scored twice with our strip stage, once as HTML and once as a text dump of
the same page (menus, forms and footers still in it, as a browser's "save as text" writes
them), and twice with trafilatura: on the HTML, and on the text dump wrapped as a page of
paragraphs (it reads only HTML). Counting follows trafilatura's own
evaluation: a keep snippet found is a true positive, one missing a false negative; a drop
snippet found is a false positive, one absent a true negative.
"""

from __future__ import annotations

import html
import re
import warnings
from dataclasses import dataclass

from bs4 import BeautifulSoup, XMLParsedAsHTMLWarning
from bs4.element import NavigableString

from pipeline.evaluation.report import ScoreRow, f1, ratio
from pipeline.stages.strip import INVISIBLE_TAGS

_WHITESPACE = re.compile(r"\s+")
# Elements a browser renders as their own paragraph, and those it puts on a line of their own.
_PARAGRAPH_TAGS = frozenset(
    "address article aside blockquote dl fieldset figure footer form h1 h2 h3 h4 h5 h6 header hr main nav ol p pre "
    "section table ul".split()
)
_LINE_TAGS = frozenset("br dd div dt figcaption li option tr caption legend label".split())
_PARAGRAPH_MARK, _LINE_MARK = "\ue000", "\ue001"  # private-use: never in a page, never whitespace
_BREAKS = re.compile(" ?[\ue000\ue001][\ue000\ue001 ]*")


@dataclass
class Tally:
    """Snippet counts of one system on one path."""

    kept: int = 0
    lost: int = 0
    leaked: int = 0
    dropped: int = 0

    def add(self, text: str, keep: list[str], drop: list[str]) -> None:
        """Count the snippets of one page against the text a system kept."""
        normalized = normalize(text)
        for snippet in keep:
            if normalize(snippet) in normalized:
                self.kept += 1
            else:
                self.lost += 1
        for snippet in drop:
            if normalize(snippet) in normalized:
                self.leaked += 1
            else:
                self.dropped += 1

    def row(self, system: str, scope: str) -> ScoreRow:
        """The scores: keep-recall, drop-rate, precision and F1 (of precision and keep-recall)."""
        keep_recall = ratio(self.kept, self.kept + self.lost)
        precision = ratio(self.kept, self.kept + self.leaked)
        return ScoreRow(
            system=system,
            scope=scope,
            scores={
                "keep_recall": keep_recall,
                "drop_rate": ratio(self.dropped, self.dropped + self.leaked),
                "precision": precision,
                "f1": f1(precision, keep_recall),
            },
            counts={"kept": self.kept, "lost": self.lost, "leaked": self.leaked, "dropped": self.dropped},
        )


def normalize(text: str) -> str:
    """Collapse every run of whitespace to one space, so line wrapping never decides a match."""
    return _WHITESPACE.sub(" ", text).strip()


def html_to_text_dump(page: str) -> str:
    """Render a page as text the way a browser's "save as text" does, menus and footers included.

    Paragraph-level elements are set apart by blank lines and line-level ones by line breaks;
    other whitespace collapses to one space, as a browser renders it. Scripts, styles and
    the head are not text a reader sees.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        soup = BeautifulSoup(page, "lxml")
    for tag in soup.find_all(INVISIBLE_TAGS):
        tag.decompose()
    for tag in soup.find_all(True):
        if tag.name in _PARAGRAPH_TAGS:
            mark = _PARAGRAPH_MARK
        elif tag.name in _LINE_TAGS:
            mark = _LINE_MARK
        else:
            continue
        tag.insert_before(NavigableString(mark))
        tag.append(NavigableString(mark))
    text = _WHITESPACE.sub(" ", soup.get_text().replace(_PARAGRAPH_MARK, f" {_PARAGRAPH_MARK} "))
    # Breaks that meet merge into the strongest of them, as nested blocks do on screen.
    text = _BREAKS.sub(lambda m: "\n\n" if _PARAGRAPH_MARK in m.group() else "\n", text)
    return text.strip() + "\n"


def text_dump_as_html(dump: str) -> str:
    """A text dump as the simplest page trafilatura reads: one paragraph per blank-line group."""
    paragraphs = (f"<p>{html.escape(group)}</p>" for group in dump.split("\n\n") if group.strip())
    return f"<html><body>{''.join(paragraphs)}</body></html>"
