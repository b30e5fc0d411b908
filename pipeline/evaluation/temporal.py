"""The temporal suite: DATE expressions of TimeBank/AQUAINT at year, month or day precision.

Extraction is scored by overlap: a found date that overlaps a scored gold date is a true
positive; one that overlaps no gold expression at all is a false positive (one that
overlaps a gold expression outside the scored set, such as a time of day, counts neither
way). Value accuracy is the share of matched gold dates whose value the system got right;
value F1 (TempEval-3's) is extraction F1 times value accuracy.
A range ("between 1994 and 1997") is one date of ours and two of the gold's: a gold date
that lies in its second half is compared with its end value.
The baseline is what people glue together by hand: `dateparser.search_dates` over the
text, with the document date as its relative base.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.config import PipelineConfig
from pipeline.evaluation.gold import as_article, gold_document, read_gold
from pipeline.evaluation.report import EvalReport, ScoreRow, f1, ratio
from pipeline.stages.registry import build_stage

SCORED_VALUE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


@dataclass(frozen=True)
class FoundDate:
    """A date a system found: its span and ISO value."""

    start: int
    end: int
    value: str
    end_value: str | None = None

    def value_at(self, start: int, end: int) -> str:
        """The value that speaks for text[start:end]: the end value where that is a range's second half."""
        return self.end_value if self.end_value and start >= (self.start + self.end) / 2 else self.value


@dataclass
class Tally:
    """Extraction and value counts of one system."""

    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0
    values_right: int = 0

    def add(self, found: Iterable[FoundDate], gold: list[dict[str, Any]], scored: list[dict[str, Any]]) -> None:
        """Count one document's found dates against its gold expressions."""
        found = list(found)
        for date in found:
            if not any(_overlaps(date, g) for g in gold):
                self.false_positives += 1
        for expected in scored:
            matches = [d for d in found if _overlaps(d, expected)]
            if not matches:
                self.false_negatives += 1
                continue
            self.true_positives += 1
            best = min(matches, key=lambda d: abs(d.start - expected["start"]) + abs(d.end - expected["end"]))
            self.values_right += best.value_at(int(expected["start"]), int(expected["end"])) == expected["value"]

    def row(self, system: str) -> ScoreRow:
        """Precision, recall and F1 of extraction, and value accuracy on matched dates."""
        precision = ratio(self.true_positives, self.true_positives + self.false_positives)
        recall = ratio(self.true_positives, self.true_positives + self.false_negatives)
        value_accuracy = ratio(self.values_right, self.true_positives)
        return ScoreRow(
            system=system,
            scope="DATE",
            scores={
                "precision": precision,
                "recall": recall,
                "f1": f1(precision, recall),
                "value_accuracy": value_accuracy,
                # TempEval-3's value score: finding a date and valuing it right, in one figure.
                "value_f1": f1(precision, recall) * value_accuracy,
            },
            counts={
                "true_positives": self.true_positives,
                "false_positives": self.false_positives,
                "false_negatives": self.false_negatives,
                "values_right": self.values_right,
            },
        )


def evaluate_temporal(
    gold: Path, config: PipelineConfig, limit: int | None, baseline: bool, progress: bool = False
) -> EvalReport:
    """Score the date stage, and `dateparser.search_dates`, on every document of `gold`."""
    extractor = build_stage("dates", config)
    ours, naive = Tally(), Tally()
    documents = 0
    for item in read_gold(gold, limit, progress):
        documents += 1
        timexes = list(item["timexes"])
        scored = [t for t in timexes if t.get("type") == "DATE" and SCORED_VALUE.match(str(t.get("value", "")))]
        dct = str(item["dct"])[:10] if item.get("dct") else None  # some carry a time of day
        doc = as_article(gold_document(str(item["id"]), item["text"], "text", dct))
        found = (FoundDate(d.start, d.end, d.value, d.end_value) for d in extractor(doc).dates)
        ours.add(found, timexes, scored)
        if baseline:
            naive.add(search_dates_baseline(item["text"], dct, config.dates.languages), timexes, scored)
    rows = [ours.row("pipeline")]
    if baseline:
        rows.append(naive.row("dateparser.search_dates"))
    return EvalReport(
        suite="temporal",
        gold=str(gold),
        documents=documents,
        rows=tuple(rows),
        notes=("scored: DATE timexes with values YYYY, YYYY-MM or YYYY-MM-DD; dct given as the document date",),
    )


def search_dates_baseline(text: str, dct: str | None, languages: tuple[str, ...]) -> list[FoundDate]:
    """The naive glue: `search_dates` with the document date as base; spans found by searching the text.

    search_dates gives no offsets, so each returned string is located after the previous one.
    Its values are always full days, as its datetimes are.
    """
    from dateparser.search import search_dates

    base = dt.datetime.fromisoformat(dct) if dct else dt.datetime(2000, 1, 1)
    results = search_dates(text, languages=list(languages), settings={"RELATIVE_BASE": base}) or []
    found: list[FoundDate] = []
    position = 0
    for expression, moment in results:
        start = text.find(expression, position)
        if start < 0:
            continue
        position = start + len(expression)
        found.append(FoundDate(start, position, moment.date().isoformat()))
    return found


def _overlaps(found: FoundDate, gold: dict[str, Any]) -> bool:
    return found.start < int(gold["end"]) and int(gold["start"]) < found.end
