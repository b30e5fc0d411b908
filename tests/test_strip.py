"""Strip: the HTML path and the text-dump path."""

from __future__ import annotations

from conftest import make_source

from pipeline.config import PipelineConfig, StripConfig
from pipeline.document import Document
from pipeline.stages.registry import build_stage
from pipeline.stages.strip import BoilerplateStripper, cue_kind
from pipeline.templates import find_template_lines

STRIPPER = build_stage("strip", PipelineConfig())

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
    return STRIPPER(doc)


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
    assert doc.title == "Site | A story"
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
    assert cue_kind("Privacy Policy", 8) == "footer"
    assert cue_kind("Search", 8) == "form"
    long_paragraph = "Our privacy policy changed in 2019 after a long search for a fair rule, " * 3
    assert cue_kind(long_paragraph, 8) is None


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
    assert {b.kind for b in doc.boilerplate} == {"other"}


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
    assert [b.kind for b in doc.boilerplate] == ["navigation"] * 3 + ["other"] * 4


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
    assert cue_kind("Subscribe now to our weekly edition for the full story.", 8) == "form"
    assert cue_kind("Follow The Gleaner on Twitter and Instagram for more updates from us.", 8) == "share"
    assert cue_kind("This website uses cookies so that we can remember your preferences.", 8) == "other"
    assert cue_kind("Related stories", 8) == "other"
    assert cue_kind("Release Date:", 8) == "other"
    assert cue_kind("Primary Funding Source:", 8) is None  # a heading of the article's own
    assert cue_kind("Perry Bacon Jr. is a senior writer for FiveThirtyEight.", 8) == "other"
    assert cue_kind("The company said its subscribers grew by a tenth over the year.", 8) is None


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
