"""The publication date rules (`pipeline.pagedate`, `pipeline.pagemeta`), each on a small page of its own."""

from __future__ import annotations

from pipeline.pagemeta import page_metadata

STORY = "<p>The harbour board closed the old quay on Monday after the storm broke two of its moorings.</p>"


def published(head: str = "", body: str = "") -> str | None:
    html = f"<html><head><title>Quay closed</title>{head}</head><body>{body}{STORY}</body></html>"
    found = page_metadata(html).published
    return found.value if found else None


def test_the_date_shown_under_the_headline_beats_a_date_in_the_head() -> None:
    head = '<meta name="date" content="2020-04-30">'
    body = '<h1>Quay closed</h1><ul><li class="date">Von Jane Roe | 29.04.2020, 12:01 Uhr</li></ul>'
    assert published(head, body) == "2020-04-29"


def test_a_date_under_the_headline_marked_as_an_update_is_not_the_publication() -> None:
    head = '<meta property="article:published_time" content="2022-01-12T07:40:00+01:00">'
    body = "<h1>Quay closed</h1><p>Aktualisiert am 24.01.2022, 08:15 Uhr</p>"
    assert published(head, body) == "2022-01-12"


def test_a_labelled_publication_date_on_its_own_line() -> None:
    body = "<h2>Quay closed</h2>" + STORY * 3 + "<p>Letzte Änderung: 28.10.2023<br>Erschienen am: 02.11.2023</p>"
    assert published(body=body) == "2023-11-02"


def test_labelled_dates_in_the_list_of_other_articles_do_not_count() -> None:
    head = '<meta property="article:published_time" content="2022-01-26T10:00:00+01:00">'
    body = (
        '<aside><ul><li><a href="/x">Other story</a> <span>veröffentlicht am Januar 19, 2022</span></li></ul></aside>'
    )
    assert published(head, body) == "2022-01-26"


def test_a_day_stored_as_midnight_east_of_greenwich_is_that_day() -> None:
    head = '<meta property="article:published_time" content="2022-11-06T23:00:00.000Z">'
    assert published(head) == "2022-11-07"


def test_a_dateline_just_above_the_headline_when_none_is_under_it() -> None:
    head = '<meta name="date" content="2020-02-12">'
    body = '<div><div class="timedata">05.02.2020 - Redaktion</div><h1>Quay closed</h1></div>'
    assert published(head, body) == "2020-02-05"


def test_a_numeric_date_spaced_out_is_read_day_first() -> None:
    body = "<h1>Quay closed</h1><p>Von Jane Roe 4. 2. 2022</p>"
    assert published(body=body) == "2022-02-04"
