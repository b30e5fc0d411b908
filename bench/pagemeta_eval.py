"""Page metadata against the `meta` gold of trafilatura_eval_all, next to trafilatura's extract_metadata.

The pipeline's figures are those users get: each page goes through the strip and metadata
stages as `pipeline run` builds them (`pipeline.stages.registry`), and the record's `title`,
`published` and `author` are scored. trafilatura's `extract_metadata` reads the same pages
in the same run.

Title (case and punctuation folded, equal), publication date (same day), author (either
contains the other, folded), each over the pages whose gold has the field. The pages are
also split in two halves by a hash of their URL: rules are studied on the `dev` half and
judged on the `held` half; and by the page's `lang` (`en`, `de`, the `other` languages and
pages without one), so that a rule is seen to help in each. Run:

    .venv/bin/python bench/pagemeta_eval.py [../shared/benchmarks/boilerplate/trafilatura_eval_all.jsonl.gz]
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import sys
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path

import lxml.html
from trafilatura.metadata import extract_metadata

from pipeline.config import PipelineConfig
from pipeline.document import Document
from pipeline.records import Source
from pipeline.stages.registry import build_stages, run_stages

GOLD = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/benchmarks/boilerplate/trafilatura_eval_all.jsonl.gz")


def fold(value: object) -> str:
    if isinstance(value, list):  # a few gold entries list several authors
        value = " ".join(str(v) for v in value)
    text = unicodedata.normalize("NFKC", value if isinstance(value, str) else "").casefold()
    return " ".join(re.findall(r"\w+", text))


def title_ok(gold: object, got: str | None) -> bool:
    return fold(gold) == fold(got)


def date_ok(gold: object, got: str | None) -> bool:
    return bool(got) and str(gold)[:10] == (got or "")[:10]


def author_ok(gold: object, got: str | None) -> bool:
    a, b = fold(gold), fold(got)
    return bool(a and b) and (a in b or b in a)


CHECKS: dict[str, Callable[[object, str | None], bool]] = {"title": title_ok, "date": date_ok, "author": author_ok}


def half(url: str) -> str:
    """`dev` or `held`: a fixed split of the pages by a hash of their URL."""
    return "dev" if hashlib.sha256(url.encode()).digest()[0] % 2 == 0 else "held"


def language(page: dict[str, object]) -> str:
    """`en`, `de` or `other`: the page's `lang` in the gold."""
    lang = page.get("lang")
    return lang if lang in ("en", "de") else "other"


def pipeline_document(page: dict[str, object], number: int) -> Document:
    """The page as the load stage gives it: HTML content with its URL."""
    html = str(page["html"])
    source = Source(path=f"{number}.html", sha256="0" * 64, format="html", encoding="utf-8", bytes=len(html.encode()))
    return Document(id=str(number), source=source, content=html, content_format="html", url=str(page["id"]))


def main() -> None:
    with gzip.open(GOLD, "rt", encoding="utf-8") as handle:
        pages = [json.loads(line) for line in handle]
    pages = [page for page in pages if page.get("meta")]
    stages = build_stages(PipelineConfig(), upto="metadata")
    for stage in stages:
        stage.setup()
    scores: dict[tuple[str, str, str], list[bool]] = {}
    seconds = {"trafilatura": 0.0, "pipeline": 0.0}
    for number, page in enumerate(pages):
        gold, html, url = page["meta"], page["html"], page["id"]
        started = time.perf_counter()
        theirs = extract_metadata(lxml.html.fromstring(html.encode("utf-8")), default_url=url)
        seconds["trafilatura"] += time.perf_counter() - started
        started = time.perf_counter()
        record = run_stages(stages, pipeline_document(page, number))
        seconds["pipeline"] += time.perf_counter() - started
        got = {
            "trafilatura": {"title": theirs.title, "date": theirs.date, "author": theirs.author},
            "pipeline": {
                "title": record.title,
                "date": record.published.value if record.published else None,
                "author": record.author,
            },
        }
        for system, values in got.items():
            for field, value in values.items():
                if gold.get(field):
                    ok = CHECKS[field](gold[field], value)
                    for split in ("all", half(url), language(page)):
                        scores.setdefault((system, split, field), []).append(ok)
    print(f"{len(pages)} pages with meta gold ({GOLD.name}); pipeline = strip + metadata stages")
    for system in ("trafilatura", "pipeline"):
        for split in ("all", "dev", "held", "en", "de", "other"):
            cells = []
            for field in CHECKS:
                v = scores.get((system, split, field), [])
                cells.append(f"{field} {sum(v) / max(len(v), 1):.3f} ({sum(v)}/{len(v)})")
            timing = f"  [{seconds[system]:.1f} s]" if split == "all" else ""
            print(f"  {system:12} {split:5} " + "  ".join(cells) + timing)


if __name__ == "__main__":
    main()
