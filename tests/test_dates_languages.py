"""Dates of pages in other languages: read with the language's month names and date order."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import make_source

from pipeline import api
from pipeline.config import DatesConfig
from pipeline.document import Document
from pipeline.records import Language
from pipeline.stages.date_languages import language_patterns
from pipeline.stages.dates import DateExtractor

EXTRACTOR = DateExtractor(DatesConfig())


def _values(text: str, code: str | None, document_date: str | None = None) -> list[tuple[str, str, str]]:
    doc = Document(
        id="t",
        source=make_source(text),
        content=text,
        content_format="text",
        text=text,
        document_date=document_date,
        language=Language(code=code, confidence=0.99) if code else None,
    )
    found = EXTRACTOR(doc).dates
    for date in found:
        assert text[date.start : date.end] == date.text
    return [(d.text, d.value, d.precision) for d in found]


@pytest.mark.parametrize(
    ("code", "text", "expected"),
    [
        (
            "fr",
            "Le 12 mars 2020, le gouvernement a fermé les écoles jusqu'au 1er avril 2020.",
            [("12 mars 2020", "2020-03-12", "day"), ("1er avril 2020", "2020-04-01", "day")],
        ),
        (
            "fr",
            "La loi, votée en février 2019, s'applique depuis le 03/04/2020.",
            [("février 2019", "2019-02", "month"), ("03/04/2020", "2020-04-03", "day")],
        ),
        (
            "de",
            "Die Wahl fand am 3. Oktober 2021 statt; das Ergebnis kam am 4. Okt. 2021.",
            [("3. Oktober 2021", "2021-10-03", "day"), ("4. Okt. 2021", "2021-10-04", "day")],
        ),
        (
            "de",
            "Seit März 2020 gilt die Regel, zuletzt geändert am 15.06.2021.",
            [("März 2020", "2020-03", "month"), ("15.06.2021", "2021-06-15", "day")],
        ),
        (
            "es",
            "El acuerdo se firmó el 5 de mayo de 2019 y entró en vigor en octubre de 2019.",
            [("5 de mayo de 2019", "2019-05-05", "day"), ("octubre de 2019", "2019-10", "month")],
        ),
        (
            "es",
            "Publicado el 7/8/2019 a las 10:00, actualizado 2019-08-09T12:30:00Z.",
            [("7/8/2019", "2019-08-07", "day"), ("2019-08-09T12:30:00Z", "2019-08-09", "day")],
        ),
        ("it", "Il decreto del 2 giugno 2020 è stato firmato.", [("2 giugno 2020", "2020-06-02", "day")]),
    ],
)
def test_dates_in_the_detected_language(code: str, text: str, expected: list[tuple[str, str, str]]) -> None:
    assert _values(text, code) == expected


@pytest.mark.parametrize(
    ("code", "text"),
    [
        # An abbreviation that is also a word ("mar", the sea) needs its period to be a month.
        ("es", "El mar 2020 fue el más cálido."),
        ("fr", "Il y avait 12 personnes et 2020 euros."),
        ("de", "Er war 3. im Rennen, mit 2021 Punkten."),
        ("fr", "Le 31 février 2020 n'existe pas."),
    ],
)
def test_no_date_from_ordinary_words_in_other_languages(code: str, text: str) -> None:
    assert _values(text, code) == []


def test_ranges_of_days_joined_by_a_dash() -> None:
    doc_dates = [
        (d.text, d.value, d.end_value)
        for text, code in (("Die Messe läuft vom 14.–16. Oktober 2021.", "de"), ("Du 30 juin - 2 juillet 2020.", "fr"))
        for d in EXTRACTOR(
            Document(
                id="t",
                source=make_source(text),
                content=text,
                content_format="text",
                text=text,
                language=Language(code=code, confidence=0.99),
            )
        ).dates
    ]
    assert doc_dates == [
        ("14.–16. Oktober 2021", "2021-10-14", "2021-10-16"),
        ("30 juin - 2 juillet 2020", "2020-06-30", "2020-07-02"),
    ]


def test_a_day_without_a_year_takes_the_nearest_year_of_the_document_date() -> None:
    # Written in March 2021: "1. Mai" is the coming May, "5 décembre" the last December.
    assert _values("Am 1. Mai wird gefeiert.", "de", "2021-03-10") == [("1. Mai", "2021-05-01", "day")]
    assert _values("Le 5 décembre, il a neigé.", "fr", "2021-03-10") == [("5 décembre", "2020-12-05", "day")]
    # No anchor, no value (and no clock).
    assert _values("Am 1. Mai wird gefeiert.", "de") == []


def test_a_foreign_page_keeps_absolute_dates_the_english_patterns_find() -> None:
    # Quoted English and bare years are dates on any page; English relative words are not read there.
    assert _values("Le rapport « Outlook, March 2020 » est paru last Friday, two days later.", "fr", "2021-03-10") == [
        ("March 2020", "2020-03", "month")
    ]
    assert _values("Den Chor leitete er bis zum Jahr 1982.", "de") == [("1982", "1982", "year")]


def test_the_language_reading_wins_where_both_read_the_same_words() -> None:
    # English would read "03/04/2020" month-first and take "November 2022" out of the German date.
    assert _values("Düsseldorf, 22. November 2022, und am 03/04/2020 und 05/06/98.", "de") == [
        ("22. November 2022", "2022-11-22", "day"),
        ("03/04/2020", "2020-04-03", "day"),
        ("05/06/98", "1998-06-05", "day"),
    ]


def test_english_and_undetected_documents_keep_the_english_reading() -> None:
    text = "It began on 3/4/2020, in March 2020."
    english = [("3/4/2020", "2020-03-04", "day"), ("March 2020", "2020-03", "month")]
    assert _values(text, "en") == english
    assert _values(text, None) == english


def test_languages_dateparser_does_not_know_keep_the_configured_reading() -> None:
    assert language_patterns("xx", ("en",)) is None
    assert language_patterns("en", ("en",)) is None
    assert _values("It began in March 2020.", "xx") == [("March 2020", "2020-03", "month")]


def test_month_day_year_and_month_first_numbers_in_a_language_that_writes_them() -> None:
    # Zulu writes month-day-year (dateparser's date order for "zu" is MDY).
    assert _values("Mashi 5, 2020 no 3/6/2020.", "zu") == [
        ("Mashi 5, 2020", "2020-03-05", "day"),
        ("3/6/2020", "2020-03-06", "day"),
    ]


GERMAN_PAGE = """<!DOCTYPE html>
<html lang="de"><head><meta charset="utf-8"><title>Stadtrat beschließt neuen Haushalt</title></head>
<body><nav><a href="/">Startseite</a> <a href="/politik">Politik</a></nav>
<article><h1>Stadtrat beschließt neuen Haushalt</h1>
<p>Der Stadtrat hat am 3. Oktober 2021 nach einer langen und teilweise hitzigen Debatte den neuen
Haushalt für das kommende Jahr beschlossen. Die Mehrheit der Fraktionen stimmte für den Entwurf,
den die Verwaltung im März 2021 vorgelegt hatte.</p>
<p>Die Bürgermeisterin erklärte nach der Sitzung, dass die Stadt in den nächsten Jahren vor allem in
Schulen, Radwege und den öffentlichen Nahverkehr investieren wolle. Die Opposition kritisierte, dass
die Schulden weiter steigen würden und die Rücklagen bis Ende des Jahres aufgebraucht seien.</p>
<p>Die nächste Sitzung des Rates ist für den 14.12.2021 angesetzt. Dann soll auch über die Gebühren
für Müllabfuhr und Abwasser entschieden werden, die seit dem 1. Januar 2019 unverändert geblieben sind.</p>
</article><footer>Impressum</footer></body></html>
"""


def test_a_german_page_gets_its_dates_in_a_whole_run(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "stadtrat.html").write_text(GERMAN_PAGE, encoding="utf-8")
    out = tmp_path / "out"
    assert api.run([raw], out, jobs=1).ok
    (record,) = [json.loads(line) for line in (out / "records.jsonl").read_text(encoding="utf-8").splitlines()]
    assert record["language"]["code"] == "de"
    assert [(d["text"], d["value"], d["precision"]) for d in record["dates"]] == [
        ("3. Oktober 2021", "2021-10-03", "day"),
        ("März 2021", "2021-03", "month"),
        ("14.12.2021", "2021-12-14", "day"),
        ("1. Januar 2019", "2019-01-01", "day"),
    ]
