"""The page suites: the strip stage on real pages, next to trafilatura, scored per dataset and language.

Two kinds of gold files hold whole HTML pages (see `../shared/benchmarks/README.md`):

* gold text (`html`, `gold_text`): the article text as annotators marked it. Scored as the
  scrapinghub article-extraction-benchmark scores it: tokens are `\\w+` matches, shingles
  are 4-token n-grams counted as a multiset; per page, precision is tp / (tp + fp) and recall
  tp / (tp + fn); precision is averaged over pages with any predicted shingle, recall over
  pages with any gold shingle, and F1 is the harmonic mean of the two averages. Dragnet's
  gold holds reader comments; its `gold_text_no_comments` is used where present, since
  comments are boilerplate for us.
* snippets (`html`, `keep`, `drop`): keep snippets found and drop snippets absent in the
  kept text, whitespace-normalised, as trafilatura's own evaluation counts them.

Each page is run through the strip stage as HTML and as a text dump of the same page (menus,
forms and footers still in it, `boilerplate.html_to_text_dump`), and through
`trafilatura.extract` with its default settings on the HTML (and on the text dump as a page
of paragraphs). Rows cover all pages, then each `dataset` and each `lang` the pages carry;
`empty` counts the pages with gold text (or keep snippets) whose extracted text is empty.
Pages are scored in worker processes (`jobs`); the rows do not depend on how many.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.config import PipelineConfig
from pipeline.evaluation.boilerplate import Tally, html_to_text_dump, text_dump_as_html
from pipeline.evaluation.gold import gold_document, read_gold
from pipeline.evaluation.report import EvalReport, ScoreRow, f1, ratio
from pipeline.stages.base import Stage
from pipeline.stages.registry import build_stage

_TOKEN = re.compile(r"\w+")
_SHINGLE = 4
# The systems, each a name and the path it reads, in the order rows are printed.
_OURS = (("pipeline", "html"), ("pipeline", "text dump"))
_BASELINES = (("trafilatura", "html"), ("trafilatura", "text dump"))
# Pages sent to a worker at a time: large enough that pickling is cheap, small enough to share out.
_CHUNK = 8


def shingles(text: str) -> Counter[tuple[str, ...]]:
    """The text's 4-token shingles as a multiset; a text of fewer tokens is one shorter shingle."""
    tokens = _TOKEN.findall(text)
    if len(tokens) < _SHINGLE:
        return Counter([tuple(tokens)]) if tokens else Counter()
    return Counter(tuple(tokens[i : i + _SHINGLE]) for i in range(len(tokens) - _SHINGLE + 1))


@dataclass(frozen=True)
class Overlap:
    """The shingle counts of one page for one system."""

    tp: int
    fp: int
    fn: int

    @classmethod
    def of(cls, predicted: str, gold: str) -> Overlap:
        """Compare a predicted text with the gold text."""
        ours, theirs = shingles(predicted), shingles(gold)
        tp = sum((ours & theirs).values())
        return cls(tp=tp, fp=sum(ours.values()) - tp, fn=sum(theirs.values()) - tp)


@dataclass
class OverlapTally:
    """Per-page shingle scores of one system on one slice, averaged as the benchmark does."""

    precision_sum: float = 0.0
    precision_pages: int = 0
    recall_sum: float = 0.0
    recall_pages: int = 0
    pages: int = 0
    empty: int = 0

    def add(self, overlap: Overlap) -> None:
        """Count one page."""
        self.pages += 1
        if overlap.tp + overlap.fp:
            self.precision_sum += overlap.tp / (overlap.tp + overlap.fp)
            self.precision_pages += 1
        if overlap.tp + overlap.fn:
            self.recall_sum += overlap.tp / (overlap.tp + overlap.fn)
            self.recall_pages += 1
            if overlap.tp + overlap.fp == 0:
                self.empty += 1

    def row(self, system: str, scope: str) -> ScoreRow:
        """The mean precision, mean recall and their F1."""
        precision = ratio(self.precision_sum, self.precision_pages)
        recall = ratio(self.recall_sum, self.recall_pages)
        return ScoreRow(
            system=system,
            scope=scope,
            scores={"precision": precision, "recall": recall, "f1": f1(precision, recall)},
            counts={"pages": self.pages, "empty": self.empty},
        )


@dataclass
class SnippetTally:
    """Snippet counts of one system on one slice, with the pages that came out empty."""

    tally: Tally = field(default_factory=Tally)
    pages: int = 0
    empty: int = 0

    def add(self, page: Tally, empty: bool) -> None:
        """Count one page."""
        self.pages += 1
        self.empty += empty
        self.tally.kept += page.kept
        self.tally.lost += page.lost
        self.tally.leaked += page.leaked
        self.tally.dropped += page.dropped

    def row(self, system: str, scope: str) -> ScoreRow:
        """Keep-recall, drop-rate, precision and F1, as the boilerplate suite reports them."""
        row = self.tally.row(system, scope)
        return row.model_copy(update={"counts": {**row.counts, "pages": self.pages, "empty": self.empty}})


@dataclass(frozen=True)
class PageResult:
    """One page's scores for every system, and the slices it belongs to."""

    groups: tuple[str, ...]
    overlaps: dict[tuple[str, str], Overlap] = field(default_factory=dict)
    snippets: dict[tuple[str, str], tuple[Tally, bool]] = field(default_factory=dict)


def evaluate_pages(
    gold: Path,
    config: PipelineConfig,
    limit: int | None,
    baseline: bool,
    progress: bool = False,
    jobs: int | None = None,
) -> EvalReport:
    """Score the strip stage on each page as HTML and as a text dump, next to trafilatura."""
    extract_note = None
    if baseline:
        baseline, extract_note = _trafilatura_note()
    systems = _OURS + (_BASELINES if baseline else ())
    workers = max(1, jobs if jobs is not None else (os.cpu_count() or 1))
    results = _results(read_gold(gold, limit, progress), config, baseline, workers)
    overlap_tallies: dict[tuple[str, str, str], OverlapTally] = {}
    snippet_tallies: dict[tuple[str, str, str], SnippetTally] = {}
    documents = 0
    for result in results:
        documents += 1
        for group in ("", *result.groups):
            for system, overlap in result.overlaps.items():
                overlap_tallies.setdefault((group, *system), OverlapTally()).add(overlap)
            for system, (counts, empty) in result.snippets.items():
                snippet_tallies.setdefault((group, *system), SnippetTally()).add(counts, empty)
    tallies: dict[tuple[str, str, str], OverlapTally | SnippetTally] = {**overlap_tallies, **snippet_tallies}
    groups = sorted({group for group, _, _ in tallies}, key=lambda g: (g != "", g))
    rows = [
        tallies[(group, *system)].row(system[0], system[1] + (f" [{group}]" if group else ""))
        for group in groups
        for system in systems
        if (group, *system) in tallies
    ]
    suite = "goldtext" if overlap_tallies else "boilerplate"
    return EvalReport(
        suite=suite,
        gold=str(gold),
        documents=documents,
        rows=tuple(rows),
        notes=(extract_note,) if extract_note else (),
    )


def _results(
    pages: Iterator[dict[str, Any]], config: PipelineConfig, baseline: bool, workers: int
) -> Iterator[PageResult]:
    if workers == 1:
        _set_up(config, baseline)
        yield from map(score_page, pages)
        return
    with ProcessPoolExecutor(workers, initializer=_set_up, initargs=(config, baseline)) as pool:
        yield from pool.map(score_page, pages, chunksize=_CHUNK)


# One stripper (and trafilatura's extract) per worker process, built by `_set_up`.
_WORKER: dict[str, Any] = {}


def _set_up(config: PipelineConfig, baseline: bool) -> None:
    _WORKER["stripper"] = build_stage("strip", config)
    _WORKER["extract"] = _trafilatura_extract() if baseline else None


def score_page(page: dict[str, Any]) -> PageResult:
    """Run every system on one page and score what each kept (in a worker process)."""
    stripper: Stage = _WORKER["stripper"]
    extract: Callable[[str], str | None] | None = _WORKER["extract"]
    html = str(page["html"])
    dump = html_to_text_dump(html)
    texts = {
        ("pipeline", "html"): stripper(gold_document(str(page["id"]), html, "html")).text,
        ("pipeline", "text dump"): stripper(gold_document(str(page["id"]), dump, "text")).text,
    }
    if extract is not None:
        texts[("trafilatura", "html")] = extract(html) or ""
        texts[("trafilatura", "text dump")] = extract(text_dump_as_html(dump)) or ""
    groups = tuple(
        f"{key}:{page.get(key) or 'unknown'}" if key == "lang" else str(page[key])
        for key in ("dataset", "lang")
        if key in page
    )
    if "gold_text" in page:
        gold_text = str(page.get("gold_text_no_comments") or page["gold_text"])
        return PageResult(groups, overlaps={system: Overlap.of(text, gold_text) for system, text in texts.items()})
    keep, drop = list(page["keep"]), list(page["drop"])
    snippets: dict[tuple[str, str], tuple[Tally, bool]] = {}
    for system, text in texts.items():
        tally = Tally()
        tally.add(text, keep, drop)
        snippets[system] = (tally, bool(keep) and not text.strip())
    return PageResult(groups, snippets=snippets)


def _trafilatura_extract() -> Callable[[str], str | None] | None:
    try:
        import trafilatura
    except ImportError:
        return None

    def extract(html: str) -> str | None:
        return trafilatura.extract(html)

    return extract


def _trafilatura_note() -> tuple[bool, str]:
    """Whether trafilatura is there to run, and the note that says what ran."""
    try:
        import trafilatura
    except ImportError:
        return False, "trafilatura is not installed (it comes with the test extra): no baseline rows"
    version = getattr(trafilatura, "__version__", "?")
    return True, (
        f"trafilatura {version}: trafilatura.extract with its default settings, on the HTML and on the text dump"
        " given as one paragraph per blank-line group"
    )
