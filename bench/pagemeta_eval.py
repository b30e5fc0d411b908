"""Page metadata against the `meta` gold of trafilatura_eval_all, next to trafilatura's extract_metadata.

Title (case and punctuation folded, equal), publication date (same day), author (either
contains the other, folded), each over the pages whose gold has the field. Run:

    .venv/bin/python bench/pagemeta_eval.py [../shared/benchmarks/boilerplate/trafilatura_eval_all.jsonl.gz]
"""

from __future__ import annotations

import gzip
import json
import re
import sys
import time
import unicodedata
import warnings
from collections.abc import Callable
from pathlib import Path

import lxml.html
from bs4 import BeautifulSoup, XMLParsedAsHTMLWarning
from trafilatura.metadata import extract_metadata

from pipeline.pagemeta import page_metadata
from pipeline.stages.strip import html_title

warnings.filterwarnings("ignore", category=XMLParsedAsHTMLWarning)
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


def main() -> None:
    with gzip.open(GOLD, "rt", encoding="utf-8") as handle:
        pages = [json.loads(line) for line in handle]
    pages = [page for page in pages if page.get("meta")]
    systems: dict[str, dict[str, list[bool]]] = {}
    seconds: dict[str, float] = {"trafilatura": 0.0, "pipeline": 0.0, "strip-title": 0.0}
    for page in pages:
        gold, html, url = page["meta"], page["html"], page["id"]
        started = time.perf_counter()
        tree = lxml.html.fromstring(html.encode("utf-8"))
        theirs = extract_metadata(tree, default_url=url)
        seconds["trafilatura"] += time.perf_counter() - started
        started = time.perf_counter()
        ours = page_metadata(html, url)
        seconds["pipeline"] += time.perf_counter() - started
        started = time.perf_counter()
        strip_title = html_title(BeautifulSoup(html, "lxml"))
        seconds["strip-title"] += time.perf_counter() - started
        got = {
            "trafilatura": {"title": theirs.title, "date": theirs.date, "author": theirs.author},
            "pipeline": {
                "title": ours.title,
                "date": ours.published.value if ours.published else None,
                "author": ours.author,
            },
            "strip-title": {"title": strip_title},
        }
        for system, values in got.items():
            for field, value in values.items():
                if gold.get(field):
                    systems.setdefault(system, {}).setdefault(field, []).append(CHECKS[field](gold[field], value))
    print(f"{len(pages)} pages with meta gold ({GOLD.name})")
    for system, fields in systems.items():
        cells = [f"{field} {sum(v) / len(v):.3f} ({sum(v)}/{len(v)})" for field, v in fields.items()]
        print(f"  {system:12} " + "  ".join(cells) + f"  [{seconds[system]:.1f} s]")


if __name__ == "__main__":
    main()
