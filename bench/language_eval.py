"""Language detectors on the `lang` gold of trafilatura_eval_all, on the pipeline's article text.

For each page with a `lang`, the strip stage gives the article text; each detector names
its language. Accuracy over the pages where the detector answers, coverage (pages answered)
and seconds of detection. `lang` is approximate (stopword counts, see the benchmarks
README): the disagreements are printed so they can be looked at. Run:

    .venv/bin/python bench/language_eval.py [GOLD] [--show]
"""

from __future__ import annotations

import gzip
import importlib.util
import json
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from pipeline.config import StripConfig
from pipeline.document import Document
from pipeline.fingerprint import code_fingerprint
from pipeline.pagemeta import detect_language
from pipeline.records import Source

GOLD = Path(next((a for a in sys.argv[1:] if not a.startswith("--")), "../shared/benchmarks/boilerplate/trafilatura_eval_all.jsonl.gz"))
# The article texts are kept between runs, under the pipeline code's fingerprint: a change
# to the strip stage gives new texts.
CACHE = Path(f"/tmp/language_eval_texts-{code_fingerprint()[:16]}.json")


def article_texts() -> list[tuple[str, str, str]]:
    """(id, gold lang, article text) for every page with a lang; the texts are cached between runs."""
    if CACHE.is_file():
        return [tuple(row) for row in json.loads(CACHE.read_text(encoding="utf-8"))]  # type: ignore[misc]
    from pipeline.stages.strip import BoilerplateStripper

    strip = BoilerplateStripper(StripConfig())
    rows = []
    with gzip.open(GOLD, "rt", encoding="utf-8") as handle:
        pages = [json.loads(line) for line in handle]
    for page in pages:
        if not page.get("lang") or page["lang"] == "unknown":
            continue
        source = Source(path="x.html", sha256="0" * 64, format="html", encoding="utf-8", bytes=0)
        doc = strip(Document(id="x", source=source, content=page["html"], content_format="html"))
        rows.append((page["id"], page["lang"], doc.text))
    CACHE.write_text(json.dumps(rows), encoding="utf-8")
    return rows


def lingua_detector(low_accuracy: bool) -> Callable[[str], str | None]:
    from lingua import LanguageDetectorBuilder

    builder = LanguageDetectorBuilder.from_all_languages()
    detector = (builder.with_low_accuracy_mode() if low_accuracy else builder).build()

    def detect(text: str) -> str | None:
        values = detector.compute_language_confidence_values(text[:5000])
        if not values or values[0].value < 0.5:
            return None
        return values[0].language.iso_code_639_1.name.lower()

    return detect


def pipeline_detector(text: str) -> str | None:
    found = detect_language(text)
    return found.code if found else None


def main() -> None:
    rows = article_texts()
    print(f"{len(rows)} pages with a lang; gold: {dict(Counter(lang for _, lang, _ in rows).most_common())}")
    detectors: dict[str, Callable[[], Callable[[str], str | None]]] = {
        "py3langid (pipeline)": lambda: pipeline_detector,
        "lingua low-accuracy": lambda: lingua_detector(True),
        "lingua": lambda: lingua_detector(False),
    }
    for name, make in detectors.items():
        if name.startswith("lingua") and importlib.util.find_spec("lingua") is None:
            # lingua is not a dependency of the pipeline: install it beside to compare.
            print(f"  {name:22} skipped: lingua-language-detector is not installed")
            continue
        started = time.perf_counter()
        detect = make()
        detect("warm up the model with a sentence of English text")
        loaded = time.perf_counter() - started
        started = time.perf_counter()
        answers = [(doc_id, lang, detect(text)) for doc_id, lang, text in rows]
        seconds = time.perf_counter() - started
        answered = [(d, g, a) for d, g, a in answers if a is not None]
        right = sum(g == a for _, g, a in answered)
        print(
            f"  {name:22} accuracy {right / len(rows):.3f} ({right}/{len(rows)}; no answer counts as wrong),"
            f" {right / len(answered):.3f} of the {len(answered)} answered,"
            f" {seconds:.2f} s detection (+{loaded:.1f} s load)"
        )
        if "--show" in sys.argv:
            for doc_id, gold, got in answered:
                if gold != got:
                    print(f"      {gold} -> {got}  {doc_id}")


if __name__ == "__main__":
    main()
