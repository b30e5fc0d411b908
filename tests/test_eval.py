"""`pipeline eval`: each suite scores real stage output against a small gold file."""

from __future__ import annotations

import gzip
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from pipeline.cli import main
from pipeline.errors import PipelineError
from pipeline.evaluation import evaluate
from pipeline.evaluation.boilerplate import html_to_text_dump
from pipeline.evaluation.goldtext import shingles
from pipeline.evaluation.report import EvalReport

PAGE = """<html><head><title>Harbour news</title><script>var x = 1;</script></head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/about">About us</a></li><li><a href="/news">News</a></li></ul></nav>
<main><h1>The harbour reopens after the storm</h1>
<p>The harbour of the town reopened on Monday after three weeks of repairs to the sea wall, the port authority said.</p>
<p>Fishing boats returned to their moorings in the afternoon, and the ferry will resume its crossings next week.</p></main>
<footer><p>Copyright 2024 Harbour News. All rights reserved.</p></footer>
</body></html>"""


def _write_gold(path: Path, documents: list[dict[str, Any]]) -> Path:
    lines = "".join(json.dumps(d) + "\n" for d in documents)
    if path.suffix == ".gz":
        path.write_bytes(gzip.compress(lines.encode("utf-8")))
    else:
        path.write_text(lines, encoding="utf-8")
    return path


def _span(text: str, surface: str, **fields: str) -> dict[str, Any]:
    start = text.index(surface)
    return {"start": start, "end": start + len(surface), "text": surface, **fields}


def _row(report: EvalReport, system: str, scope: str) -> dict[str, float]:
    return next(r.scores for r in report.rows if r.system == system and r.scope == scope)


def test_boilerplate_suite_scores_both_paths_and_trafilatura(tmp_path: Path) -> None:
    gold = _write_gold(
        tmp_path / "pages.jsonl.gz",
        [
            {
                "id": "harbour",
                "html": PAGE,
                "keep": ["The harbour of the town reopened on Monday", "Fishing boats returned to their moorings"],
                "drop": ["About us", "All rights reserved."],
            }
        ],
    )
    report = evaluate(gold)
    assert report.suite == "boilerplate" and report.documents == 1
    for scope in ("html", "text dump"):
        assert _row(report, "pipeline", scope) == {"keep_recall": 1.0, "drop_rate": 1.0, "precision": 1.0, "f1": 1.0}
    assert _row(report, "trafilatura", "html")["keep_recall"] == 1.0


def test_boilerplate_suite_counts_a_leaked_snippet(tmp_path: Path) -> None:
    page = PAGE.replace("<footer>", "<div>").replace("</footer>", "</div>").replace("Copyright 2024 Harbour News.", "")
    gold = _write_gold(
        tmp_path / "pages.jsonl",
        [{"id": "p", "html": page, "keep": ["ferry will resume"], "drop": ["sea wall", "About us"]}],
    )
    scores = _row(evaluate(gold, baseline=False), "pipeline", "html")
    assert scores["drop_rate"] == 0.5  # "sea wall" is article text: a gold file that asks to drop it is not met
    assert scores["precision"] == 0.5
    assert [r.system for r in evaluate(gold, baseline=False).rows] == ["pipeline", "pipeline"]


def test_text_dump_keeps_menus_as_lines_and_drops_scripts() -> None:
    dump = html_to_text_dump(PAGE)
    assert "Home\nAbout us\nNews" in dump
    assert "var x" not in dump
    assert "\n\nThe harbour reopens after the storm\n\n" in dump


def test_temporal_suite_scores_extraction_and_values(tmp_path: Path) -> None:
    text = "The talks of 14 November 2011 ended. A year earlier, in 2010, they began. At 5 pm nothing happened."
    timexes = [
        _span(text, "14 November 2011", type="DATE", value="2011-11-14"),
        _span(text, "2010", type="DATE", value="2010"),
        _span(text, "5 pm", type="TIME", value="2011-11-14T17:00"),
    ]
    gold = _write_gold(tmp_path / "t.jsonl", [{"id": "t", "dct": "2011-11-20T10:00", "text": text, "timexes": timexes}])
    report = evaluate(gold)
    ours = _row(report, "pipeline", "DATE")
    assert ours["recall"] == 1.0 and ours["value_accuracy"] == 1.0
    naive = _row(report, "dateparser.search_dates", "DATE")
    assert naive["value_accuracy"] < 1.0  # it gives "2010" a made-up month and day


def test_ner_suite_scores_organizations_as_org_and_places_as_loc(tmp_path: Path) -> None:
    text = "The World Health Organization met in Geneva on Monday.\nOfficials from Kenya attended."
    entities = [
        _span(text, "World Health Organization", label="ORG"),
        _span(text, "Geneva", label="LOC"),
        _span(text, "Kenya", label="LOC"),
    ]
    gold = _write_gold(tmp_path / "n.jsonl", [{"id": "n", "text": text, "entities": entities}])
    report = evaluate(gold)
    assert _row(report, "pipeline", "LOC")["f1"] == 1.0
    assert _row(report, "pipeline", "ORG")["f1"] == 1.0
    assert {r.system for r in report.rows} == {"pipeline", "bare spaCy"}


def test_unknown_gold_format_is_a_clear_error(tmp_path: Path) -> None:
    gold = _write_gold(tmp_path / "x.jsonl", [{"id": "x", "words": []}])
    with pytest.raises(PipelineError, match="E501"):
        evaluate(gold)
    assert main(["eval", str(tmp_path / "missing.jsonl")]) == 2


def test_cli_prints_json_reports(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = "It opened in July 2009."
    timexes = [_span(text, "July 2009", type="DATE", value="2009-07")]
    gold = _write_gold(tmp_path / "t.jsonl", [{"id": "t", "dct": "2010-01-01", "text": text, "timexes": timexes}])
    assert main(["eval", str(gold), "--json", "--no-baseline"]) == 0
    [report] = json.loads(capsys.readouterr().out)
    assert report["suite"] == "temporal"
    assert report["rows"][0]["scores"]["f1"] == 1.0


def test_shingles_are_four_token_ngrams_and_a_short_text_is_one() -> None:
    assert shingles("The harbour, reopened on Monday!") == Counter(
        {("The", "harbour", "reopened", "on"): 1, ("harbour", "reopened", "on", "Monday"): 1}
    )
    assert shingles("Harbour reopens") == Counter({("Harbour", "reopens"): 1})
    assert shingles(" ... ") == Counter()


def test_goldtext_suite_scores_each_dataset_and_reads_dragnet_without_comments(tmp_path: Path) -> None:
    article = (
        "The harbour reopens after the storm\n"
        "The harbour of the town reopened on Monday after three weeks of repairs to the sea wall, the port authority"
        " said.\nFishing boats returned to their moorings in the afternoon, and the ferry will resume its crossings"
        " next week."
    )
    pages = [
        {"id": "a/1", "dataset": "a", "html": PAGE, "gold_text": article},
        {
            "id": "dragnet/1",
            "dataset": "dragnet",
            "html": PAGE,
            "gold_text": article + "\nA reader wrote a long comment under the story about the ferry times.",
            "gold_text_no_comments": article,
        },
        {
            "id": "b/1",
            "dataset": "b",
            "html": PAGE,
            "gold_text": "Something else entirely, written about another town.",
        },
    ]
    report = evaluate(_write_gold(tmp_path / "g.jsonl", pages), baseline=False, jobs=1)
    assert report.suite == "goldtext" and report.documents == 3
    assert _row(report, "pipeline", "html [a]") == {"precision": 1.0, "recall": 1.0, "f1": 1.0}
    assert _row(report, "pipeline", "html [dragnet]")["f1"] == 1.0
    assert _row(report, "pipeline", "html [b]")["f1"] == 0.0
    overall = _row(report, "pipeline", "html")
    assert overall["precision"] == pytest.approx(2 / 3) and overall["recall"] == pytest.approx(2 / 3)


def test_snippet_suite_has_rows_per_language(tmp_path: Path) -> None:
    page = {"id": "p", "html": PAGE, "keep": ["ferry will resume"], "drop": ["About us"]}
    gold = _write_gold(tmp_path / "l.jsonl", [{**page, "lang": "en"}, {**page, "id": "q", "lang": None}])
    report = evaluate(gold, baseline=False, jobs=2)
    assert {r.scope for r in report.rows} >= {"html", "html [lang:en]", "html [lang:unknown]", "text dump [lang:en]"}
    assert _row(report, "pipeline", "html [lang:en]")["f1"] == 1.0
