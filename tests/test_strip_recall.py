"""Strip, HTML path: article text that lies beside the frame or inside its blocks is not lost."""

from __future__ import annotations

from conftest import make_source

from pipeline.config import PipelineConfig
from pipeline.document import Document
from pipeline.stages.registry import build_stage

STRIPPER = build_stage("strip", PipelineConfig())
BODY = (
    "The ferry company said on Monday that the new boats would run every hour, and that tickets would cost "
    "the same as last year for everyone who travels before nine."
)


def _strip(page: str) -> Document:
    doc = Document(id="t", source=make_source(page), content=page, content_format="html")  # type: ignore[arg-type]
    return STRIPPER(doc)


def _kept(doc: Document) -> list[str]:
    return [doc.text[b.start : b.end] for b in doc.blocks]


def _body_box(paragraphs: int) -> str:
    return "".join(f"<div><p>{BODY}</p></div>" for _ in range(paragraphs))


def test_a_lead_paragraph_beside_the_body_box_is_kept() -> None:
    lead = "Passengers on the island route will soon wait less: the harbour reopens after two years of works."
    page = f"""<html><body><nav><a href="/">Home</a> <a href="/news">News</a></nav>
    <div class="story"><p class="intro">{lead}</p><div class="body">{_body_box(8)}</div></div>
    <div class="more"><p>Another story about the weather that the site shows after the article, at length.</p></div>
    </body></html>"""
    doc = _strip(page)
    assert _kept(doc) == [lead] + [BODY] * 8
    assert ("other", "Another story about the weather that the site shows after the article, at length.") in {
        (b.kind, b.text) for b in doc.boilerplate
    }


def test_a_sidebar_before_the_body_is_no_lead() -> None:
    about = "I am a designer who writes about fabric, and this is my blog about sewing and the seaside."
    # The sidebar holds as much text as the story: a box of that size is layout, not furniture.
    archive = "".join(f'<li><a href="/{year}">Posts of {year}, all of them</a></li>' for year in range(1990, 2020))
    page = f"""<html><body><div class="wrap"><div class="sidebar"><p>{about}</p><ul>{archive}</ul></div>
    <div class="main">{_body_box(4)}</div></div></body></html>"""
    doc = _strip(page)
    assert _kept(doc) == [BODY] * 4
    assert about in {b.text for b in doc.boilerplate}


def test_a_short_label_before_the_body_box_is_still_dropped() -> None:
    page = f"""<html><body><div class="story"><p>Home / News / Harbour</p>
    <div class="body">{_body_box(6)}</div></div></body></html>"""
    assert _kept(_strip(page)) == [BODY] * 6


def test_the_frame_is_never_a_run_of_inline_text() -> None:
    # One long italic run holds all of the page's prose: the paragraph around it is the article.
    page = f"""<html><body><div class="post"><div class="p">Jane writes: <i>{BODY} {BODY}</i></div></div>
    <div class="sidebar"><p>A short note about the site and its authors, which runs to a sentence or so and nothing more.</p></div>
    </body></html>"""
    assert _strip(page).text == f"Jane writes: {BODY} {BODY}"


def test_hidden_parts_of_a_paragraph_are_dropped_as_hidden() -> None:
    page = f"""<html><body><article><p>Given a set of <span style="display:none">{{\\displaystyle N}}</span>
    objects, {BODY}</p><p>{BODY}<span hidden> Please leave this field empty.</span></p></article></body></html>"""
    doc = _strip(page)
    assert _kept(doc) == [f"Given a set of objects, {BODY}", BODY]
    assert [(b.kind, b.text) for b in doc.boilerplate] == [
        ("hidden", "{\\displaystyle N}"),
        ("hidden", "Please leave this field empty."),
    ]


def test_soft_hyphens_are_not_text() -> None:
    page = f"<html><body><article><p>Sans recherche auto&shy;nome, nous n\u2019a\u00advons rien. {BODY}</p></article></body></html>"
    assert _strip(page).text == f"Sans recherche autonome, nous n\u2019avons rien. {BODY}"


def test_the_lead_follows_the_headline() -> None:
    notice = "This site would like to store data about your visit so that it can show you offers you may like."
    lead = "Passengers on the island route will soon wait less: the harbour reopens after two years of works."
    page = f"""<html><body><div class="page"><p>{notice}</p><h1>The harbour reopens</h1><p>{lead}</p>
    <div class="body">{_body_box(12)}</div></div></body></html>"""
    doc = _strip(page)
    assert _kept(doc) == ["The harbour reopens", lead] + [BODY] * 12
    assert notice in {b.text for b in doc.boilerplate}


def test_a_linked_sentence_in_the_frame_is_prose_not_navigation() -> None:
    linked = (
        'She replaces <a href="/people/jane">Jane Doe, who had run the harbour office for eight years</a>, '
        "and starts in May."
    )
    menu = '<a href="/a">Harbour news</a> <a href="/b">Ferry times</a>'
    page = f"<html><body><article><p>{BODY}</p><p>{linked}</p><p>{menu}</p><p>{BODY}</p></article></body></html>"
    doc = _strip(page)
    assert _kept(doc) == [
        BODY,
        "She replaces Jane Doe, who had run the harbour office for eight years, and starts in May.",
        BODY,
    ]
    assert ("navigation", "Harbour news Ferry times") in {(b.kind, b.text) for b in doc.boilerplate}


def test_prose_in_a_script_without_spaces_is_counted_by_what_it_says() -> None:
    # Forty characters of Chinese say as much as a long English sentence: the article is the
    # box of such paragraphs, not the longer English blurb beside it.
    story = "".join(
        f"<p>今年的秋天来得很晚，山上的枫叶直到十二月才慢慢变红，游客们在周末{n}次来到这里拍照。</p>" for n in range(6)
    )
    blurb = (
        "<p>" + "This blog is about travel, food and photography, written by two friends from the coast. " * 3 + "</p>"
    )
    page = f'<html><body><div class="story">{story}</div><div class="about">{blurb}</div></body></html>'
    doc = _strip(page)
    assert doc.text.count("枫叶") == 6
    assert "This blog is about travel" not in doc.text


def _strip_text(dump: str) -> Document:
    doc = Document(id="t", source=make_source(dump), content=dump, content_format="text")  # type: ignore[arg-type]
    return STRIPPER(doc)


def test_page_source_left_in_a_text_dump_is_not_the_article() -> None:
    # A script's template, left as text: long and full of stops, it out-scored the article.
    template = " ".join(
        f'<div class="suggestion block-{n}" data-type="search.results"><span class="label">Results, {n}.</span></div>'
        for n in range(12)
    )
    dump = "\n\n".join(["Home\nNews\nSport", template, "The harbour reopens", BODY, BODY, BODY])
    doc = _strip_text(dump)
    assert doc.text == "\n\n".join(["The harbour reopens", BODY, BODY, BODY])
    assert template in {b.text for b in doc.boilerplate}


def test_a_code_sample_inside_a_text_dump_article_does_not_split_it() -> None:
    code = '<script src="lib.js" data-cover></script> <div id="qunit"></div> <div id="qunit-fixture"></div>'
    dump = "\n\n".join(["Home\nNews\nSport", BODY, code, BODY])
    assert _strip_text(dump).text == "\n\n".join([BODY, code, BODY])


def test_ruby_glosses_are_not_words_of_the_text() -> None:
    page = (
        "<html><body><article><p><ruby>法律<rt>ほうりつ</rt></ruby>では<ruby>専門家<rp>(</rp><rt>せんもんか</rt>"
        f"<rp>)</rp></ruby>が子どもの育て方を教えます。{BODY}</p></article></body></html>"
    )
    doc = _strip(page)
    assert doc.text == f"法律では専門家が子どもの育て方を教えます。{BODY}"
    assert [(b.kind, b.text) for b in doc.boilerplate] == [
        ("other", "ほうりつ"),
        ("other", "("),
        ("other", "せんもんか"),
        ("other", ")"),
    ]
