"""The scores of one evaluation, and how they are printed."""

from __future__ import annotations

from pydantic import Field

from pipeline.records import FrozenModel


class ScoreRow(FrozenModel):
    """The scores of one system on one slice of the gold data (a type, a path)."""

    system: str
    scope: str
    scores: dict[str, float]
    counts: dict[str, int] = Field(default_factory=dict)


class EvalReport(FrozenModel):
    """What `pipeline eval` prints for one gold file."""

    suite: str
    gold: str
    documents: int
    rows: tuple[ScoreRow, ...]
    notes: tuple[str, ...] = ()


def ratio(numerator: float, denominator: float) -> float:
    """numerator / denominator, or 0.0 when there is nothing to divide."""
    return numerator / denominator if denominator else 0.0


def f1(precision: float, recall: float) -> float:
    """The harmonic mean of precision and recall."""
    return ratio(2 * precision * recall, precision + recall)


def format_report(report: EvalReport) -> str:
    """The report as an aligned plain-text table, one row per system and scope."""
    metric_names: list[str] = []
    for row in report.rows:
        metric_names.extend(name for name in row.scores if name not in metric_names)
    header = ["system", "scope", *metric_names]
    lines = [header]
    for row in report.rows:
        cells = [row.system, row.scope]
        cells += [f"{row.scores[name]:.3f}" if name in row.scores else "" for name in metric_names]
        lines.append(cells)
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    table = ["  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip() for line in lines]
    title = f"{report.suite}: {report.gold} ({report.documents} documents)"
    counts = [
        f"{row.system} / {row.scope}: " + ", ".join(f"{k} {v}" for k, v in row.counts.items())
        for row in report.rows
        if row.counts
    ]
    return "\n".join([title, *table, *counts, *report.notes]) + "\n"
