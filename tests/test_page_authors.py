"""The author rules (`pipeline.pageauthor`), each on a small page of its own."""

from __future__ import annotations

from pipeline.pagemeta import page_metadata

STORY = "<p>The harbour board closed the old quay on Monday after the storm broke two of its moorings.</p>"


def author_of(head: str = "", body: str = "") -> str | None:
    html = f"<html><head><title>Quay closed</title>{head}</head><body><article>{body}{STORY}</article></body></html>"
    return page_metadata(html).author


def test_a_byline_split_over_elements_reads_as_one_and_ends_with_the_names_element() -> None:
    body = '<div><span>By</span><a href="/staff/jane">Jane Roe</a><span>Thursday, 3 May</span></div>'
    assert author_of(body=body) == "Jane Roe"


def test_a_link_marked_as_the_author_names_a_user_name_too_but_not_in_the_footer() -> None:
    assert author_of(body='<p>Posted by <a rel="author" href="/u/jane42">jane42</a></p>') == "jane42"
    footer = '<footer>Theme by <a rel="author" href="https://themes.example/">ThemeMaker</a></footer>'
    assert author_of(body="<p>Von Max Muster</p>" + footer) == "Max Muster"


def test_bylines_after_a_verb_of_writing_a_kind_of_piece_or_a_label_of_their_own() -> None:
    assert author_of(body="<div>Posted on September 21, 2020 by Jane Roe</div>") == "Jane Roe"
    assert author_of(body="<div>Ein Artikel von <strong>Pamela Roe</strong> | 27.01.2022</div>") == "Pamela Roe"
    assert author_of(body="<div><h5>Autor: </h5>Peter Roe/AB-C</div>") == "Peter Roe"


def test_a_date_and_a_name_after_a_dash() -> None:
    assert author_of(body='<p class="meta">11.12.2019 - Amelie Roe</p>') == "Amelie Roe"


def test_the_json_ld_author_of_any_kind_of_document() -> None:
    recipe = '{"@context": "https://schema.org", "@type": "Recipe", "name": "Cake", "author": {"@type": "Person", "name": "Kathrin"}}'
    assert author_of(head=f'<script type="application/ld+json">{recipe}</script>') == "Kathrin"


def test_the_byline_beats_a_name_guessed_from_markup_when_the_metadata_declares_none() -> None:
    body = '<p class="byline">Von Roland Roe</p><div class="comment"><span class="author">Wuff</span> says great</div>'
    assert author_of(body=body) == "Roland Roe"
