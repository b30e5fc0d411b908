"""`pipeline eval`: score the stages against gold data, next to a baseline run in the same command.

Four suites, told apart by the fields of the gold file (see `../shared/benchmarks/README.md`):

* `goldtext` (`html`, `gold_text`) and `boilerplate` (`html`, `keep`, `drop`): the strip stage
  on each page as HTML and as a text dump of the same page, next to trafilatura, per dataset
  and per language (`pipeline.evaluation.goldtext`).
* `temporal` (`timexes`, `dct`): the date stage, next to `dateparser.search_dates`.
* `ner` (`entities`): the entity and place stages, next to bare spaCy.

Every suite returns an `EvalReport`: rows of scores per system, in a fixed order, so two
runs of the same code on the same gold file print the same table.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.config import PipelineConfig
from pipeline.errors import ErrorCode, PipelineError
from pipeline.evaluation.gold import detect_suite
from pipeline.evaluation.report import EvalReport, format_report

__all__ = ["EvalReport", "evaluate", "format_report"]


def evaluate(
    gold: Path,
    config: PipelineConfig | None = None,
    limit: int | None = None,
    baseline: bool = True,
    progress: bool = False,
    jobs: int | None = None,
) -> EvalReport:
    """Score the pipeline on one gold file.

    Args:
        gold: A gold JSONL file (optionally gzip-compressed) in one of the benchmark formats.
        config: The pipeline configuration to score (defaults when None).
        limit: Score only the first `limit` documents (for quick checks).
        baseline: Also run the suite's baseline system on the same documents.
        progress: Show a progress bar on standard error.
        jobs: Worker processes for the page suites (default: one per CPU).

    Raises:
        PipelineError: The file is missing or is not in a known gold format (E501).
    """
    config = config or PipelineConfig()
    suite = detect_suite(gold)
    if suite in ("goldtext", "boilerplate"):
        from pipeline.evaluation.goldtext import evaluate_pages

        return evaluate_pages(gold, config, limit, baseline, progress, jobs)
    if suite == "temporal":
        from pipeline.evaluation.temporal import evaluate_temporal

        return evaluate_temporal(gold, config, limit, baseline, progress)
    if suite == "ner":
        from pipeline.evaluation.ner import evaluate_ner

        return evaluate_ner(gold, config, limit, baseline, progress)
    raise PipelineError(ErrorCode.BAD_GOLD_FILE, f"{gold}: not a gold file of a known suite")
