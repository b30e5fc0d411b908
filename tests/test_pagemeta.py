"""Page metadata and language in the record; entities only for the languages the model reads."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest
from dateparser.date import DateDataParser

from pipeline import api
from pipeline.pagemeta import article_title, detect_language, page_metadata
from pipeline.records import Language, PublishedDate
from pipeline.stages.languages import DateReading, date_reading, entity_note, month_names

ARTICLE_PAGE = """<html><head>
<title>Harbour board approves the new quay | The Coastal Gazette</title>
<meta property="og:site_name" content="The Coastal Gazette">
<meta name="author" content="Jane Miller">
<meta property="article:published_time" content="2019-04-02T08:00:00+00:00">
<link rel="canonical" href="https://gazette.example/news/quay">
</head><body><article><h1>Harbour board approves the new quay</h1>
<p>The harbour board approved the new quay on Monday after two years of talks with the city
council, the port authority and the fishing cooperative. Work starts next spring.</p>
</article></body></html>"""

FRENCH = (
    "Le conseil municipal de Lyon a approuvé le nouveau budget le 12 mars 2020 après un long débat."
    " La Banque de France et la Société Générale ont salué cette décision importante pour la ville."
)
GERMAN = (
    "Der Stadtrat von Hamburg hat am 3. Oktober 2021 den neuen Haushalt beschlossen. Die Deutsche Bank"
    " und die Handelskammer begrüßten die Entscheidung, die lange umstritten war."
)
ENGLISH = "The Eurasia Foundation met in Moscow on 14 July 2009 to plan the exchange programme with the council."
CHINESE = "北京市政府今天宣布了新的城市发展计划，该计划将在未来五年内实施，涉及交通、住房和环境保护等多个方面。"


def test_page_metadata_reads_the_pages_own_metadata() -> None:
    meta = page_metadata(ARTICLE_PAGE)
    assert meta.published == PublishedDate(value="2019-04-02", precision="day")
    assert meta.author == "Jane Miller"
    assert meta.site_name == "The Coastal Gazette"
    assert meta.url == "https://gazette.example/news/quay"
    assert meta.title is not None and meta.title.startswith("Harbour board approves the new quay")


def test_a_known_url_wins_over_the_canonical_link() -> None:
    assert page_metadata(ARTICLE_PAGE, url="http://crawl.example/q").url == "http://crawl.example/q"


def test_no_publication_date_after_the_fetch_date_is_believed() -> None:
    later = ARTICLE_PAGE.replace("2019-04-02", "2030-01-05")
    assert page_metadata(later).published == PublishedDate(value="2030-01-05", precision="day")  # no clock
    assert page_metadata(later, fetch_date="2021-06-01").published is None


def test_a_page_without_metadata_gives_nothing() -> None:
    meta = page_metadata("<html><body><p>Just a paragraph of words.</p></body></html>")
    assert (meta.published, meta.author, meta.site_name, meta.url) == (None, None, None, None)


@pytest.mark.parametrize(("text", "code"), [(FRENCH, "fr"), (GERMAN, "de"), (ENGLISH, "en"), (CHINESE, "zh")])
def test_detect_language(text: str, code: str) -> None:
    found = detect_language(text)
    assert found is not None and found.code == code and 0.5 <= found.confidence <= 1


def test_too_little_text_has_no_language() -> None:
    assert detect_language("2021 - 12 - 3") is None
    assert detect_language("") is None


def test_entity_note() -> None:
    assert entity_note(("en",), Language(code="en", confidence=0.99)) is None
    assert entity_note(("en",), None) is None
    assert "'fr'" in (entity_note(("en",), {"code": "fr", "confidence": 0.9}) or "")


@pytest.fixture(scope="module")
def languages_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    raw = tmp_path_factory.mktemp("languages") / "raw"
    raw.mkdir()
    for name, text in (("fr", FRENCH), ("de", GERMAN), ("en", ENGLISH), ("zh", CHINESE)):
        (raw / f"{name}.txt").write_text(text + "\n", encoding="utf-8")
    (raw / "article.html").write_text(ARTICLE_PAGE, encoding="utf-8")
    out = raw.parent / "out"
    assert api.run([raw], out, jobs=1).ok
    return out


def _records(out: Path) -> dict[str, dict[str, object]]:
    lines = (out / "records.jsonl").read_text(encoding="utf-8").splitlines()
    return {record["id"]: record for record in map(json.loads, lines)}


def test_pages_in_other_languages_get_no_entities_and_a_note(languages_output: Path) -> None:
    records = _records(languages_output)
    manifest = json.loads((languages_output / "manifest.json").read_text(encoding="utf-8"))
    notes = {entry["id"]: entry.get("note") for entry in manifest["inputs"]}
    for code in ("fr", "de", "zh"):
        assert records[code]["language"]["code"] == code  # type: ignore[index]
        assert records[code]["organizations"] == [] and records[code]["places"] == []
        assert f"'{code}'" in notes[code] and "not extracted" in notes[code]
    assert records["en"]["language"]["code"] == "en"  # type: ignore[index]
    assert [p["name"] for p in records["en"]["places"]] == ["Moscow"]  # type: ignore[index]
    assert notes["en"] is None


def test_html_pages_carry_their_metadata_in_the_record(languages_output: Path) -> None:
    record = _records(languages_output)["article"]
    assert record["published"] == {"value": "2019-04-02", "precision": "day"}
    assert record["author"] == "Jane Miller" and record["site_name"] == "The Coastal Gazette"
    assert record["url"] == "https://gazette.example/news/quay"
    assert list(record)[:9] == ["id", "source", "url", "title", "published", "author", "site_name", "language", "text"]


def test_the_note_survives_a_cached_rerun(languages_output: Path) -> None:
    before = (languages_output / "manifest.json").read_bytes()
    raw = languages_output.parent / "raw"
    summary = api.run([raw], languages_output, jobs=1)
    assert summary.reused == 5
    assert (languages_output / "manifest.json").read_bytes() == before


@pytest.mark.parametrize(
    ("code", "expression", "value"),
    [("fr", "12 mars 2020", "2020-03-12"), ("de", "3. Oktober 2021", "2021-10-03"), ("fr", "03/04/2020", "2020-04-03")],
)
def test_dates_read_in_the_detected_language(code: str, expression: str, value: str) -> None:
    """What the dates stage gets from `date_reading`: dateparser reads the page's own language."""
    reading = date_reading(code, ("en",), "MDY")
    assert reading.languages == (code,) and reading.date_order == "DMY"
    settings = {"RELATIVE_BASE": datetime.datetime(2000, 1, 1), "DATE_ORDER": reading.date_order}
    parsed = DateDataParser(languages=list(reading.languages), settings=settings).get_date_data(expression)
    assert parsed.date_obj is not None and parsed.date_obj.date().isoformat() == value


def test_date_reading_keeps_the_defaults_when_it_cannot_do_better() -> None:
    assert date_reading(None, ("en",), "MDY") == DateReading(("en",), "MDY")
    assert date_reading("en", ("en",), "MDY") == DateReading(("en",), "MDY")
    assert date_reading("zz", ("en",), "MDY") == DateReading(("en",), "MDY")


def test_month_names_come_from_dateparser() -> None:
    assert "mars" in month_names("fr")[2] and "oktober" in month_names("de")[9]
    assert month_names("zz") == ((),) * 12


@pytest.mark.parametrize(
    ("title", "h1", "h2", "site", "expected"),
    [
        ("Storm closes the harbour - The Coastal Gazette", [], [], None, "Storm closes the harbour"),
        ("Gazette | Storm closes the harbour today", [], [], "Gazette", "Storm closes the harbour today"),
        (
            "Storm closes the harbour – more rain due | Gazette",
            ["Storm closes the harbour – more rain due"],
            [],
            None,
            "Storm closes the harbour – more rain due",
        ),
        (
            # The site's name in `h1` (a logo linking home is left out before, `test_page_titles`).
            "Four Years » Blog » Small integers in Python",
            ["Four Years"],
            ["Small integers in Python"],
            "Four Years",
            "Small integers in Python",
        ),
        (
            "Old ferries might be worth keeping | Site",
            ["Wait, are old ferries actually worth keeping?"],
            [],
            None,
            "Wait, are old ferries actually worth keeping?",
        ),
        ("Harbour news", ["Weather"], [], None, "Harbour news"),
        (None, ["The only headline"], [], None, "The only headline"),
    ],
)
def test_article_title(title: str | None, h1: list[str], h2: list[str], site: str | None, expected: str) -> None:
    assert article_title(title, h1, site, h2) == expected
