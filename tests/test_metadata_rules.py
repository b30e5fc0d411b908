"""The metadata stage's rules for dates, authors and titles, each on a small page of its own."""

from __future__ import annotations

import lxml.html
import pytest
from lxml.html import HtmlElement

from pipeline.config import MetadataConfig, PipelineConfig, load_config
from pipeline.document import Document
from pipeline.pagemeta import article_title, page_byline, page_metadata, page_utc_offset
from pipeline.stages.registry import build_stage
from tests.conftest import make_source

BODY = "<p>The harbour board approved the new quay on Monday after two years of talks with the city.</p>"


def page(head: str = "", body: str = BODY) -> str:
    return f"<html><head><title>Quay approved</title>{head}</head><body><article>{body}</article></body></html>"


def published(html: str, url: str | None = None) -> str | None:
    found = page_metadata(html, url).published
    return found.value if found else None


def test_the_declared_publication_time_is_read_as_written_not_converted() -> None:
    head = '<meta property="article:published_time" content="2022-02-03T23:30:00+01:00">'
    assert published(page(head)) == "2022-02-03"  # UTC would make it the 3rd at 22:30, same day; as written


def test_the_publication_time_beats_the_modification_time() -> None:
    head = (
        '<meta name="date" content="2022-12-19T15:41:07+00:00">'
        '<meta property="article:modified_time" content="2022-12-19T15:41:07+00:00">'
        '<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2022-12-21T09:12:44+01:00",'
        ' "dateModified": "2022-12-19T15:41:07+00:00"}</script>'
    )
    assert published(page(head)) == "2022-12-21"


def test_a_utc_time_is_moved_to_the_zone_the_page_writes_its_times_in() -> None:
    head = (
        '<meta property="article:published_time" content="2022-11-06T23:00:00Z">'
        '<meta property="article:modified_time" content="2022-11-07T09:00:00+01:00">'
    )
    assert published(page(head)) == "2022-11-07"
    assert page_utc_offset(head) == 60


def test_a_utc_time_near_midnight_gives_way_to_the_day_the_page_shows() -> None:
    head = '<meta property="article:published_time" content="2019-10-18T22:04:00Z">'
    shown = '<p class="date">19.10.2019</p>' + BODY
    assert published(page(head, shown), url="https://example.org/2019/10/19/story") == "2019-10-19"
    # At noon UTC no writer's zone is on another day: the declared day stands.
    noon = '<meta property="article:published_time" content="2019-10-18T12:04:00Z">'
    assert published(page(noon, shown), url="https://example.org/2019/10/19/story") == "2019-10-18"


def test_a_placeholder_publication_date_is_not_believed() -> None:
    head = '<meta property="article:published_time" content="1970-01-01T00:00:00Z">'
    assert published(page(head)) != "1970-01-01"


@pytest.mark.parametrize(
    ("body", "author"),
    [
        ('<p>By <a rel="author" href="/people/17">Ada Marie Lindqvist</a></p>', "Ada Marie Lindqvist"),
        ('<span class="meta"><a href="https://blog.example/author/daniel">Daniel</a></span>', "Daniel"),
        ("<p><i>von Daniela Obers</i></p>", "Daniela Obers"),
        ("<div>par <span>Didier Roy</span>, 21 juin 2018</div>", "Didier Roy"),
        ('<div class="meta"><h5>Autor: </h5>Peter Roe/AB-C</div>', "Peter Roe"),
    ],
)
def test_bylines(body: str, author: str) -> None:
    assert page_metadata(page(body=body + BODY)).author == author


def test_no_byline_in_a_sentence_or_a_lowercase_phrase() -> None:
    long_sentence = "<p>By the end of the year the Harbour Board had approved the quay after many long meetings.</p>"
    assert page_metadata(page(body=long_sentence + "<p>von der Stadt gebaut</p>")).author is None
    assert (
        page_byline(lxml_tree("<div><a href='/author/x'>Read all 12 posts by this writer here</a></div>"), 80) is None
    )


def lxml_tree(html: str) -> HtmlElement:
    return lxml.html.fromstring(html)


def test_the_page_title_held_inside_a_longer_headline() -> None:
    headline = "Politics | Lakeside Park elects a new mayor"
    assert article_title("Lakeside Park elects a new mayor", [headline], "Twin Cities") == (
        "Lakeside Park elects a new mayor"
    )
    # A title of one or two words is too common to be told inside a headline.
    assert (
        article_title("Regentonne", ["Regentonne Regentonne selber bauen"], None)
        == "Regentonne Regentonne selber bauen"
    )


def test_the_settings_reach_the_metadata_stage_through_the_registry() -> None:
    text = "Le conseil municipal de Lyon a approuvé le nouveau budget après un long débat."
    doc = Document(id="t", source=make_source(text), content=text, content_format="text", text=text)
    assert build_stage("metadata", PipelineConfig())(doc).language is not None
    strict = PipelineConfig(metadata=MetadataConfig(min_language_letters=500))
    assert build_stage("metadata", strict)(doc).language is None
    assert load_config(overrides=["metadata.min_language_confidence=0.99"]).metadata.min_language_confidence == 0.99


def test_the_bylines_person_wins_over_the_site_named_as_author() -> None:
    head = '<meta name="author" content="Digitalcourage"><meta property="og:site_name" content="Digitalcourage">'
    body = "<p>Von Leena Simon</p>" + BODY
    assert page_metadata(page(head, body), url="https://digitalcourage.de/blog/x").author == "Leena Simon"
    person = '<meta name="author" content="Jane Miller"><meta property="og:site_name" content="Digitalcourage">'
    assert page_metadata(page(person, body), url="https://digitalcourage.de/blog/x").author == "Jane Miller"


def test_the_twitter_cards_written_by_names_the_author_when_the_page_has_no_byline() -> None:
    head = '<meta name="twitter:label1" content="Verfasst von"><meta name="twitter:data1" content="Karoline Herr">'
    assert page_metadata(page(head)).author == "Karoline Herr"
    other = '<meta name="twitter:label1" content="Reading time"><meta name="twitter:data1" content="Five Minutes">'
    assert page_metadata(page(other)).author is None


def test_a_byline_after_a_date_and_a_dash() -> None:
    body = "<div>05.02.2020 <span>- Redaktion: Eberhard Fuhr (Pressesprecher)</span></div>" + BODY
    assert page_metadata(page(body=body)).author == "Eberhard Fuhr"
