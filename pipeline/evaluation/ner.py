"""The NER suite: organizations scored as ORG and places as LOC, by exact span.

Our entity and place stages run on the gold text itself (one block per line, so the spans
keep the gold offsets); every mention of every organization counts as an ORG span and every
mention of every place as a LOC span. The baseline is bare spaCy: the same model with its
whole pipeline, ORG entities as ORG and GPE/LOC entities as LOC.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from spacy.language import Language

from pipeline.config import PipelineConfig
from pipeline.evaluation.gold import as_article, gold_document, read_gold
from pipeline.evaluation.report import EvalReport, ScoreRow, f1, ratio
from pipeline.stages.registry import build_stages, run_stages

SCORED_TYPES = ("LOC", "ORG")
BASELINE_LABELS = {"ORG": "ORG", "GPE": "LOC", "LOC": "LOC"}

Span = tuple[int, int, str]


class Tally:
    """Exact-span counts per type of one system."""

    def __init__(self) -> None:
        self.true_positives: Counter[str] = Counter()
        self.false_positives: Counter[str] = Counter()
        self.false_negatives: Counter[str] = Counter()

    def add(self, found: Iterable[Span], gold: Iterable[Span]) -> None:
        """Count one document's spans (start, end, type)."""
        found_set, gold_set = set(found), set(gold)
        for _, _, label in found_set & gold_set:
            self.true_positives[label] += 1
        for _, _, label in found_set - gold_set:
            self.false_positives[label] += 1
        for _, _, label in gold_set - found_set:
            self.false_negatives[label] += 1

    def rows(self, system: str) -> list[ScoreRow]:
        """One row per scored type: precision, recall, F1."""
        rows = []
        for label in SCORED_TYPES:
            tp, fp, fn = self.true_positives[label], self.false_positives[label], self.false_negatives[label]
            precision, recall = ratio(tp, tp + fp), ratio(tp, tp + fn)
            rows.append(
                ScoreRow(
                    system=system,
                    scope=label,
                    scores={"precision": precision, "recall": recall, "f1": f1(precision, recall)},
                    counts={"true_positives": tp, "false_positives": fp, "false_negatives": fn},
                )
            )
        return rows


def evaluate_ner(
    gold: Path, config: PipelineConfig, limit: int | None, baseline: bool, progress: bool = False
) -> EvalReport:
    """Score the entity and place stages, and bare spaCy, on every document of `gold`."""
    stages = build_stages(config, start="entities", upto="places")
    bare = _bare_spacy(config.entities.model) if baseline else None
    ours, naive = Tally(), Tally()
    documents = 0
    for item in read_gold(gold, limit, progress):
        documents += 1
        expected = [(int(e["start"]), int(e["end"]), str(e["label"])) for e in item["entities"]]
        expected = [span for span in expected if span[2] in SCORED_TYPES]
        doc = run_stages(stages, as_article(gold_document(str(item["id"]), item["text"], "text")))
        found = [(m.start, m.end, "ORG") for o in doc.organizations for m in o.mentions]
        found += [(m.start, m.end, "LOC") for p in doc.places for m in p.mentions]
        ours.add(found, expected)
        if bare is not None:
            ents = bare(item["text"]).ents
            naive.add(
                ((e.start_char, e.end_char, BASELINE_LABELS[e.label_]) for e in ents if e.label_ in BASELINE_LABELS),
                expected,
            )
    rows = ours.rows("pipeline") + (naive.rows("bare spaCy") if bare is not None else [])
    return EvalReport(suite="ner", gold=str(gold), documents=documents, rows=tuple(rows))


def _bare_spacy(model: str) -> Language:
    import spacy

    return spacy.load(model)
