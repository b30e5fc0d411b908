"""Strip: the HTML path and the text-dump path."""

from __future__ import annotations

import json

from conftest import make_source

from pipeline.config import PipelineConfig, StripConfig
from pipeline.document import Document
from pipeline.stages.registry import build_stage
from pipeline.stages.strip import BoilerplateStripper
from pipeline.stages.strip.cues import Cues
from pipeline.stages.strip.templates import find_template_lines

STRIPPER = build_stage("strip", PipelineConfig())
METADATA = build_stage("metadata", PipelineConfig())
cue_kind = Cues(StripConfig()).kind

PAGE = """<!DOCTYPE html>
<html><head><title>Site | A story</title>
<meta property="article:published_time" content="2011-11-16T09:00:00Z"></head>
<body>
<header><a href="/">Site</a><nav><ul><li><a href="/a">About</a></li><li><a href="/b">News</a></li></ul></nav></header>
<form action="/search"><label>Search</label><input name="q"><button>Go</button></form>
<main><article>
<h1>Conference in Moscow</h1>
<p>The first conference was held 14-15 November 2011 in Moscow, where leaders met.</p>
<figure><img src="a.jpg"><figcaption>Delegates in Moscow, November 2011</figcaption></figure>
<ul><li>Joint research on child protection across both countries.</li></ul>
<div class="share-buttons"><a href="#">Facebook</a> <a href="#">Twitter</a></div>
<p>Read <a href="/more">more</a> about the program and its partners here.</p>
</article></main>
<aside class="sidebar"><p>Related stories you may like</p></aside>
<footer><p>Contact Us | Privacy Policy</p><p>Copyright © 2015 Site. All rights reserved.</p></footer>
<script>alert("x")</script>
</body></html>"""


def _strip(content: str, content_format: str) -> Document:
    doc = Document(id="t", source=make_source(content), content=content, content_format=content_format)  # type: ignore[arg-type]
    return METADATA(STRIPPER(doc))


def test_html_keeps_the_article_and_drops_the_furniture() -> None:
    doc = _strip(PAGE, "html")
    kept = [(b.kind, doc.text[b.start : b.end]) for b in doc.blocks]
    assert kept == [
        ("heading", "Conference in Moscow"),
        ("paragraph", "The first conference was held 14-15 November 2011 in Moscow, where leaders met."),
        ("caption", "Delegates in Moscow, November 2011"),
        ("list_item", "Joint research on child protection across both countries."),
        ("paragraph", "Read more about the program and its partners here."),
    ]
    dropped = [(b.kind, b.text) for b in doc.boilerplate]
    assert ("navigation", "Site About News") in dropped
    assert ("form", "Search Go") in dropped
    assert ("share", "Facebook Twitter") in dropped
    assert ("other", "Related stories you may like") in dropped
    assert ("footer", "Contact Us | Privacy Policy Copyright © 2015 Site. All rights reserved.") in dropped
    assert "alert" not in doc.text and "alert" not in str(dropped)
    # The page's own headline, not its head's title (which carries the site's name).
    assert doc.title == "Conference in Moscow"
    assert doc.document_date == "2011-11-16"


def test_html_link_lists_are_navigation() -> None:
    html = "<body><div><p>A long paragraph of article text that goes on for a while.</p><ul><li><a href='/1'>One</a></li><li><a href='/2'>Two</a></li></ul></div></body>"
    doc = _strip(html, "html")
    assert [b.text for b in doc.boilerplate] == ["One", "Two"]
    assert doc.text == "A long paragraph of article text that goes on for a while."


DUMP = """Home     About     Contact     Donate
Programs
Our Work
Get Involved

Annual Report

The foundation opened three new offices this year and trained more than two hundred volunteers.

Volunteers at the Perm office, May 2012

- A first item that belongs to the article.
- A second item.

Terms of Use   Privacy Policy
(c) 2015 The Foundation"""


def test_text_dump_path() -> None:
    doc = _strip(DUMP, "text")
    kept = [(b.kind, doc.text[b.start : b.end]) for b in doc.blocks]
    assert kept == [
        ("heading", "Annual Report"),
        (
            "paragraph",
            "The foundation opened three new offices this year and trained more than two hundred volunteers.",
        ),
        ("caption", "Volunteers at the Perm office, May 2012"),
        ("list_item", "- A first item that belongs to the article."),
        ("list_item", "- A second item."),
    ]
    assert [(b.kind, b.text) for b in doc.boilerplate] == [
        ("navigation", "Home About Contact Donate"),
        ("navigation", "Programs"),
        ("navigation", "Our Work"),
        ("navigation", "Get Involved"),
        ("footer", "Terms of Use Privacy Policy"),
        ("copyright", "(c) 2015 The Foundation"),
    ]
    assert doc.title == "Annual Report"


def test_hard_wrapped_paragraphs_are_joined() -> None:
    dump = "A paragraph that was wrapped by the tool which saved the page,\nso it goes on on this line and ends\nhere\n"
    doc = _strip(dump, "text")
    assert (
        doc.text
        == "A paragraph that was wrapped by the tool which saved the page, so it goes on on this line and ends here"
    )
    assert [b.kind for b in doc.blocks] == ["paragraph"]


def test_cues_only_judge_short_blocks() -> None:
    assert cue_kind("Privacy Policy") == "footer"
    assert cue_kind("Search") == "form"
    long_paragraph = "Our privacy policy changed in 2019 after a long search for a fair rule, " * 3
    assert cue_kind(long_paragraph) is None


def test_all_boilerplate_gives_empty_text() -> None:
    doc = _strip("Home     About     Contact\nCopyright 2020 Site", "text")
    assert doc.text == "" and doc.blocks == () and len(doc.boilerplate) == 2


PROSE = (
    "The harbour of the town reopened on Monday after three weeks of repairs to the sea wall, the port said. "
    "Fishing boats returned to their moorings in the afternoon, and the ferry resumes its crossings next week."
)
TEASER = "A teaser for another story that runs on for a sentence or two, long enough to read as prose on its own."


def test_html_keeps_only_the_frame_that_holds_the_articles_prose() -> None:
    # No nav, aside or class hints: only where the prose is tells the teasers from the story.
    page = f"""<html><body><div id="top"><h1>The harbour reopens</h1></div>
    <div><div><p>{PROSE}</p><p>{PROSE}</p><p>{PROSE}</p></div>
    <div><h3>Elsewhere</h3><p>{TEASER}</p></div></div></body></html>"""
    doc = _strip(page, "html")
    kept = [doc.text[b.start : b.end] for b in doc.blocks]
    assert kept == ["The harbour reopens", PROSE, PROSE, PROSE]
    assert [(b.kind, b.text) for b in doc.boilerplate] == [("other", "Elsewhere"), ("other", TEASER)]


def test_html_comments_never_become_the_article_however_long() -> None:
    comment = "I disagree with this reading of events entirely, and here is a long explanation of why I do. " * 3
    page = f"""<html><body><article><p>{PROSE}</p></article>
    <div class="comments">{"".join(f"<p>{comment}</p>" for _ in range(5))}</div></body></html>"""
    doc = _strip(page, "html")
    assert doc.text == PROSE
    assert {b.kind for b in doc.boilerplate} == {"comments"}


def test_text_dump_keeps_the_run_richest_in_prose_and_stops_at_comments() -> None:
    dump = "\n".join(
        [
            "Home",
            "News",
            "Sport",
            "",
            "The harbour reopens",
            "",
            PROSE,
            "",
            PROSE,
            "",
            "More stories",
            "",
            "Another headline somewhere",
            "",
            "3 Comments",
            "",
            TEASER + " " + TEASER,
        ]
    )
    doc = _strip(dump, "text")
    assert doc.text == "\n\n".join(["The harbour reopens", PROSE, PROSE])
    assert [b.kind for b in doc.boilerplate] == ["navigation"] * 3 + ["related", "other", "comments", "comments"]


def test_text_dump_article_ends_at_the_sites_own_line_once_most_prose_is_read() -> None:
    bio = "Jane Doe has covered the coast and its ports for the paper since the harbour last flooded, ten years ago."
    dump = "\n".join(
        [
            "The harbour reopens",
            "",
            PROSE,
            "",
            "Photograph by the port authority",
            "",
            PROSE,
            "",
            PROSE,
            "",
            "Share this article",
            "",
            bio,
            "",
            TEASER + " " + TEASER,
        ]
    )
    doc = _strip(dump, "text")
    # A photo credit also stands inside articles, so it ends nothing; the share line comes
    # after most of the prose, so what follows it is the site's, prose though it is.
    assert doc.text == "\n\n".join(["The harbour reopens", PROSE, PROSE, PROSE])
    assert [(b.kind, b.text) for b in doc.boilerplate] == [
        ("other", "Photograph by the port authority"),
        ("share", "Share this article"),
        ("other", bio),
        ("other", TEASER + " " + TEASER),
    ]
    # Before most of the prose, the same line is dropped and the article goes on after it.
    early = _strip(
        dump.replace(f"{PROSE}\n\n{PROSE}\n\nShare", f"{PROSE}\n\nShare", 1) + f"\n\n{PROSE}\n\n{PROSE}", "text"
    )
    assert early.text.endswith(f"{TEASER} {TEASER}\n\n{PROSE}\n\n{PROSE}")


def test_calls_to_action_are_boilerplate_even_as_sentences() -> None:
    assert cue_kind("Subscribe now to our weekly edition for the full story.") == "form"
    assert cue_kind("Follow The Gleaner on Twitter and Instagram for more updates from us.") == "share"
    assert cue_kind("This website uses cookies so that we can remember your preferences.") == "other"
    assert cue_kind("Related stories") == "related"
    assert cue_kind("Das könnte Sie auch interessieren") == "related"
    assert cue_kind("12 Kommentare") == "comments"
    assert cue_kind("Foto: Jane Doe") == "other"
    assert cue_kind("Release Date:") == "other"
    assert cue_kind("Main Data Source:") is None  # a heading of the article's own
    assert cue_kind("Jane Roe Jr. is a senior writer for The Harbour Gazette.") == "other"
    assert cue_kind("The company said its subscribers grew by a tenth over the year.") is None


def test_lines_repeated_across_a_batch_are_template() -> None:
    pages = [f"Home   Shop   Contact\nStory number {n} begins here.\nSubscribe to our letters" for n in range(6)]
    template = find_template_lines([*pages[:4], "Home  Shop   Contact"], min_documents=5)
    assert template == {"Home Shop Contact"}  # whitespace does not matter; four copies are too few for the rest
    assert find_template_lines(pages, min_documents=5) == {"Home Shop Contact", "Subscribe to our letters"}


def test_template_lines_are_dropped_wherever_they_stand() -> None:
    dump = f"The harbour reopens\n\n{PROSE}\n\nA Site Owned By Somebody Ltd\n\n{PROSE}"
    stripper = BoilerplateStripper(StripConfig(), template_lines=frozenset({"A Site Owned By Somebody Ltd"}))
    doc = stripper(Document(id="t", source=make_source(dump), content=dump, content_format="text"))
    assert [(b.kind, b.text) for b in doc.boilerplate] == [("navigation", "A Site Owned By Somebody Ltd")]
    assert doc.text == "\n\n".join(["The harbour reopens", PROSE, PROSE])
    assert "A Site Owned By Somebody Ltd" in _strip(dump, "text").text  # without the batch it reads as a heading


def test_an_internal_dtd_subset_is_not_text() -> None:
    page = f'<?xml version="1.0"?>\n<!DOCTYPE x [\n<!ENTITY a "aaa">\n]>\n<html><body><p>{PROSE}</p></body></html>'
    assert _strip(page, "html").text == PROSE


def test_a_repeated_dateline_is_not_template() -> None:
    dump = f"LONDON 1996-08-30\n\n{PROSE}"
    stripper = BoilerplateStripper(StripConfig(), template_lines=frozenset({"LONDON 1996-08-30"}))
    doc = stripper(Document(id="t", source=make_source(dump), content=dump, content_format="text"))
    assert doc.text.startswith("LONDON 1996-08-30")


# -- the classes of issue 15: pages the strip stage once got wrong --------------------------------


def _kept(doc: Document) -> list[str]:
    return [doc.text[b.start : b.end] for b in doc.blocks]


def test_reader_comments_marked_up_as_articles_are_comments() -> None:
    comment = "I have read this twice and I still think the council got the numbers wrong, as I said before. " * 2
    comments = "".join(
        f'<li><article class="comment-body"><footer>Reader {n} says:</footer><p>{comment}</p></article></li>'
        for n in range(6)
    )
    page = f"""<html><body><div class="entry"><h1>The harbour reopens</h1><p>{PROSE}</p></div>
    <ol class="comment-list">{comments}</ol></body></html>"""
    doc = _strip(page, "html")
    assert _kept(doc) == ["The harbour reopens", PROSE]
    assert {b.kind for b in doc.boilerplate} == {"comments"}


def test_hidden_copies_of_the_article_are_dropped_as_hidden() -> None:
    page = f"""<html><body><main><h1>The harbour reopens</h1><p>{PROSE}</p></main>
    <div style="display: none"><p>{PROSE}</p></div><div hidden><p>{PROSE}</p></div>
    <div aria-hidden="true"><p>{PROSE}</p></div></body></html>"""
    doc = _strip(page, "html")
    assert doc.text.count(PROSE) == 1
    assert [b.kind for b in doc.boilerplate] == ["hidden"] * 3


def test_a_page_revealed_by_script_is_not_hidden_as_a_whole() -> None:
    page = f'<html><body><div style="display:none"><h1>The harbour reopens</h1><p>{PROSE}</p></div></body></html>'
    assert _strip(page, "html").text == f"The harbour reopens\n\n{PROSE}"


def test_inline_elements_run_together_as_a_browser_shows_them() -> None:
    page = f'<html><body><p><span class="dropcap">W</span>hile the <b>harbour</b> was shut, {PROSE}</p></body></html>'
    assert _strip(page, "html").text == f"While the harbour was shut, {PROSE}"


def test_a_page_inside_one_form_is_not_a_form() -> None:
    page = f"""<html><body><form id="aspnetForm" action="page.aspx"><div class="menu"><a href="/">Home</a></div>
    <h1>The harbour reopens</h1><p>{PROSE}</p><p>{PROSE}</p>
    <div class="search"><input name="q"><button>Search</button></div></form></body></html>"""
    doc = _strip(page, "html")
    assert _kept(doc) == ["The harbour reopens", PROSE, PROSE]
    assert [(b.kind, b.text) for b in doc.boilerplate] == [("navigation", "Home"), ("form", "Search")]


def test_an_unclosed_title_does_not_swallow_the_page() -> None:
    page = f"<html><head><title>The harbour reopens<meta charset='utf-8'></head><body><p>{PROSE}</p></body></html>"
    doc = _strip(page, "html")
    assert doc.text == PROSE
    assert doc.title == "The harbour reopens"


def test_the_whole_marked_article_is_the_frame() -> None:
    # The steps hold most of the prose; the ingredients and the lead are still the recipe.
    steps = "".join(f"<li>{PROSE}</li>" for _ in range(4))
    page = f"""<html><body><nav><a href="/">Home</a></nav><article><h1>Cherry cake</h1>
    <p>A cake for a Sunday, with cherries.</p><ul class="ingredients"><li>250 g butter</li><li>5 eggs</li></ul>
    <ol class="steps">{steps}</ol></article><aside><p>{TEASER}</p></aside></body></html>"""
    doc = _strip(page, "html")
    assert _kept(doc)[:4] == ["Cherry cake", "A cake for a Sunday, with cherries.", "250 g butter", "5 eggs"]
    assert TEASER not in doc.text


def test_an_article_rendered_by_script_is_read_from_noscript() -> None:
    page = f"""<html><body><div class="post"><script type="text/template"><p>{PROSE}</p></script>
    <noscript><p>{PROSE}</p></noscript></div></body></html>"""
    assert _strip(page, "html").text == PROSE


def test_text_dumps_in_scripts_without_spaces_keep_their_sentences() -> None:
    sentence = "港の防波堤の修理が三週間続いた後、町の港は月曜日に再開したと港湾局が発表しました。"
    dump = f"ホーム\nニュース\nスポーツ\n\n港が再開\n\n{sentence * 2}\n\n{sentence}"
    doc = _strip(dump, "text")
    assert _kept(doc) == ["港が再開", sentence * 2, sentence]
    assert STRIPPER.cues.words(sentence) > StripConfig().short_line_words  # a line of characters, not one word


def test_long_unpunctuated_lines_are_not_prose() -> None:
    cloud = " ".join(f"Topic{n} Harbour{n} Ferry{n}" for n in range(20))
    dump = f"Tags\n\n{cloud}\n\n{cloud}\n\nThe harbour reopens\n\n{PROSE}"
    doc = _strip(dump, "text")
    assert doc.text == f"The harbour reopens\n\n{PROSE}"


def test_a_table_in_a_text_dump_is_data_not_a_menu() -> None:
    table = "Team P W D L Pts\n1 Rovers 34 25 5 80\n2 United 34 22 7 73\n3 Athletic 34 20 6 66"
    dump = f"Home\nNews\nSport\n\nThe final table\n\n{PROSE}\n\n{table}\n\n{PROSE}\n\nCopyright 2024 The Paper"
    doc = _strip(dump, "text")
    rows = [doc.text[b.start : b.end] for b in doc.blocks if b.kind == "table"]
    assert rows == table.split("\n")[1:]
    assert [b.kind for b in doc.boilerplate] == ["navigation"] * 3 + ["copyright"]


def test_a_list_of_teaser_articles_is_related_not_the_story() -> None:
    story = f"<div class='story'><h1>The harbour reopens</h1><p>{PROSE}</p></div>"
    teasers = "".join(f"<article><h3>Other story {n}</h3><p>{TEASER}</p></article>" for n in range(6))
    doc = _strip(f"<html><body>{story}<section>{teasers}</section></body></html>", "html")
    assert _kept(doc) == ["The harbour reopens", PROSE]
    assert {b.kind for b in doc.boilerplate} == {"related"}
    # One article that holds most of the prose among them is the story itself.
    articles = f"<article><h1>The harbour reopens</h1><p>{PROSE}</p><p>{PROSE}</p><p>{PROSE}</p></article>"
    three = "".join(f"<article><h3>Other story {n}</h3><p>{TEASER}</p></article>" for n in range(3))
    page = f"<html><body><main>{articles}{three}</main></body></html>"
    assert _strip(page, "html").text.startswith(f"The harbour reopens\n\n{PROSE}")


def test_text_dump_comments_that_out_write_the_article_still_end_it() -> None:
    comment = "I have read this twice and I still think the council got the numbers wrong, as I said before."
    dump = "\n\n".join(["The harbour reopens", PROSE, PROSE, "{ 40 comments… read them below or add one }"])
    dump += "\n\n" + "\n\n".join(f"Reader {n} says:\n{comment} {comment}" for n in range(40))
    doc = _strip(dump, "text")
    assert doc.text == "\n\n".join(["The harbour reopens", PROSE, PROSE])
    assert {b.kind for b in doc.boilerplate} == {"comments"}


def test_short_lines_after_the_last_sentence_are_bylines_and_empty_headings() -> None:
    page = f"""<html><body><article><h1>The harbour reopens</h1><p>{PROSE}</p>
    <p>Jane Doe</p><h3>Further information</h3></article></body></html>"""
    doc = _strip(page, "html")
    assert _kept(doc) == ["The harbour reopens", PROSE]
    assert [(b.kind, b.text) for b in doc.boilerplate] == [("other", "Jane Doe"), ("other", "Further information")]


def test_what_follows_a_stray_closing_body_tag_is_read() -> None:
    page = f"<html><body><table><tr><td><img src='a.gif'></td></tr></table></body><div><p>{PROSE}</p></div></html>"
    assert _strip(page, "html").text == PROSE


def test_a_frame_without_sentences_gives_way_to_the_pages_prose() -> None:
    # A long comma-separated category list is punctuated enough to locate the frame, but
    # holds no sentence: the article's paragraph outside it is the better guess.
    categories = ", ".join(f"Recipe category number {n} ({n * 7})" for n in range(30))
    page = f"""<html><body><div class="box">{categories}</div>
    <div class="post"><p>{PROSE}</p></div><div class="legal">Posted by Chef at 2:28 PM</div></body></html>"""
    doc = _strip(page, "html")
    assert _kept(doc) == [categories, PROSE]
    assert [(b.kind, b.text) for b in doc.boilerplate] == [("other", "Posted by Chef at 2:28 PM")]


def test_a_page_drawn_by_script_keeps_its_declared_article_body() -> None:
    data = json.dumps(
        {"@context": "https://schema.org", "@graph": [{"@type": "NewsArticle", "articleBody": f"{PROSE}\n{TEASER}"}]}
    )
    page = f"""<html><head><meta name="description" content="A short summary.">
    <script type="application/ld+json">{data}</script></head>
    <body><div id="root"><nav><a href="/">Home</a></nav></div></body></html>"""
    doc = _strip(page, "html")
    assert _kept(doc) == [PROSE, TEASER]
    assert [(b.kind, b.text) for b in doc.boilerplate] == [("navigation", "Home")]


def test_a_page_drawn_by_script_adds_its_description_when_it_says_more_than_the_page() -> None:
    notice = "Your browser is out of date. Please update it."
    page = f"""<html><head><meta property="og:description" content="{PROSE}"></head>
    <body><div id="root"></div><div class="notice">{notice}</div></body></html>"""
    assert _kept(_strip(page, "html")) == [notice, PROSE]
    shorter = page.replace(PROSE, "A port.")
    assert _strip(shorter, "html").text == notice


def test_a_page_that_shows_its_article_ignores_its_declared_one() -> None:
    data = json.dumps({"@type": "Article", "articleBody": TEASER})
    page = f"""<html><head><script type="application/ld+json">{data}</script></head>
    <body><article><h1>The harbour reopens</h1><p>{PROSE}</p></article></body></html>"""
    assert _kept(_strip(page, "html")) == ["The harbour reopens", PROSE]


def test_a_class_hinted_box_that_holds_most_of_its_article_lays_it_out() -> None:
    # "sidebar" in a layout class name says how the story is laid out, not that it is a sidebar.
    page = f"""<html><body><div class="main"><article><h1>The harbour reopens</h1>
    <div class="row sidebar-layout"><div class="col"><p>{PROSE}</p><p>{PROSE}</p></div></div></article>
    <div class="slider"><p>{TEASER}</p></div></div>
    <div class="sidebar"><p>{TEASER}</p></div></body></html>"""
    doc = _strip(page, "html")
    assert _kept(doc) == ["The harbour reopens", PROSE, PROSE]
    assert TEASER not in doc.text


def test_a_list_of_teaser_cards_is_related_not_the_story() -> None:
    cards = "".join(
        f'<li><a href="/s{n}"><img src="s{n}.jpg"></a><h3><a href="/s{n}">Another story {n}</a></h3><p>{TEASER}</p></li>'
        for n in range(5)
    )
    page = f"""<html><body><div id="main"><section><h1>The harbour reopens</h1><p>{PROSE}</p></section>
    <ul class="stream">{cards}</ul></div></body></html>"""
    doc = _strip(page, "html")
    assert _kept(doc) == ["The harbour reopens", PROSE]
    assert {b.kind for b in doc.boilerplate} == {"related"}


def test_a_list_of_points_with_headings_but_no_links_stays_in_the_article() -> None:
    points = "".join(f"<li><h3>Point {n}</h3><p>{TEASER}</p></li>" for n in range(4))
    page = f"<html><body><article><h1>The harbour reopens</h1><p>{PROSE}</p><ol>{points}</ol></article></body></html>"
    assert _strip(page, "html").text.count(TEASER) == 4


def test_german_page_labels_have_their_kinds() -> None:
    # A reading list's heading, an empty comment section, the box about the writer, a print link.
    assert cue_kind("Zum Weiterlesen") == "related"
    assert cue_kind("Bisher keine Kommentare") == "comments"
    assert cue_kind("No comments yet") == "comments"
    assert cue_kind("Über den Autor") == "other"
    assert cue_kind("Artikel drucken") == "other"


def test_the_cells_of_a_table_in_the_article_are_table_blocks() -> None:
    rows = "".join(f"<tr><td>{n}</td><td>Rovers {n}</td><td>{80 - 7 * n}</td></tr>" for n in range(1, 4))
    table = f"<table><tr><th>Pos</th><th>Team</th><th>Pts</th></tr>{rows}</table>"
    page = f"<html><body><nav><a href='/'>Home</a></nav><article><h1>The table</h1><p>{PROSE}</p>{table}<p>{PROSE}</p></article></body></html>"
    doc = _strip(page, "html")
    cells = [doc.text[b.start : b.end] for b in doc.blocks if b.kind == "table"]
    assert cells == ["Pos", "Team", "Pts", "1", "Rovers 1", "73", "2", "Rovers 2", "66", "3", "Rovers 3", "59"]
    assert [b.kind for b in doc.blocks if b.kind != "table"] == ["heading", "paragraph", "paragraph"]
