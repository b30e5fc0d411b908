"""The article title rules (`pipeline.pagetitle`), each on a small page of its own."""

from __future__ import annotations

from pipeline.pagemeta import page_metadata

STORY = "<p>The harbour board closed the old quay on Monday after the storm broke two of its moorings.</p>"


def title_of(head: str, body: str, url: str | None = None) -> str | None:
    return page_metadata(f"<html><head>{head}</head><body>{body}{STORY}</body></html>", url).title


def test_a_heading_that_links_to_the_home_page_is_the_sites_logo_not_the_headline() -> None:
    head = "<title>Storm closes the old harbour : Gazette Archive | Since 2005</title>"
    body = '<h1><a href="https://gazette.example/">Gazette Archive</a></h1><h3>Storm closes the old harbour</h3>'
    assert title_of(head, body) == "Storm closes the old harbour"


def test_a_logo_linking_to_an_archived_home_page_is_still_the_logo() -> None:
    head = "<title>Gazette Blog - Storm closes the old harbour</title>"
    home = "https://archive.example/web/2008/http://gazette.example/"
    body = f'<h1><a href="{home}">Gazette Blog</a></h1><h2>Storm closes the old harbour</h2>'
    assert title_of(head, body) == "Storm closes the old harbour"


def test_the_kicker_above_a_headline_is_not_part_of_it() -> None:
    head = "<title>Storm damage: Harbour board closes the old quay | Gazette</title>"
    body = '<h1><span class="kicker">After the storm</span> Harbour board closes the old quay</h1>'
    assert title_of(head, body) == "Harbour board closes the old quay"
    # A heading of two inline words is one headline, not a kicker and a headline.
    assert title_of("<title>The best day</title>", "<h1>The <em>best</em> day</h1>") == "The best day"


def test_the_part_of_the_page_title_that_holds_the_sites_name_is_the_sites() -> None:
    head = (
        '<meta property="og:site_name" content="Protestant Youth Association">'
        "<title>Fair supply chains - Protestant Youth Association (pya)</title>"
    )
    assert title_of(head, "<h1>Fair supply chains</h1>") == "Fair supply chains"


def test_a_headline_is_found_in_the_page_title_word_for_word_not_letter_for_letter() -> None:
    head = '<meta property="og:title" content="A green deal is not enough - Movement25">'
    body = "<h1>€5</h1><h1>€10</h1><h2>A green deal is not enough</h2>"
    assert title_of(head, body) == "A green deal is not enough"


def test_the_page_titles_that_name_a_heading_beat_a_section_name() -> None:
    head = (
        '<meta property="og:title" content="Snow and the dog in winter">'
        '<meta property="og:title" content="Current news">'
        "<title>Snow and the dog in winter - Dog School</title>"
    )
    body = "<h2>Newsletter</h2><h3>Snow and the dog in winter</h3>"
    assert title_of(head, body) == "Snow and the dog in winter"


def test_a_drawings_title_is_not_one_of_the_pages_titles() -> None:
    head = "<title>Storm closes the old harbour - Gazette</title>"
    body = "<svg><title>Search</title></svg><h2>Search</h2><h2>Harbour board meets</h2>"
    assert title_of(head, body) == "Storm closes the old harbour"
