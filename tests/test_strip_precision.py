"""Strip, HTML path: what stands inside the article's frame but is not the article.

Credit lines, date lines, and what follows the article's end inside its frame (comments,
"Related" lists, share bars, newsletter boxes) are dropped; the article around them is kept.
"""

from __future__ import annotations

from conftest import make_source

from pipeline.config import PipelineConfig
from pipeline.document import Document
from pipeline.stages.registry import build_stage

STRIPPER = build_stage("strip", PipelineConfig())

STORY = (
    "The new bridge over the river opened to traffic on Saturday morning, eleven months after work began. "
    "The mayor said the crossing would cut the drive between the two districts by a quarter of an hour."
)
MORE = (
    "Engineers will watch the deck through the winter, when frost and salt test the joints hardest. "
    "A second lane for bicycles is planned for next spring, once the council has approved its budget."
)
COMMENT = (
    "I drove across it this morning and it really is faster, though the signs at the north end are confusing. "
    "Somebody should fix them before there is an accident on the ramp."
)


def _strip(page: str) -> Document:
    doc = Document(id="t", source=make_source(page), content=page, content_format="html")
    return STRIPPER(doc)


def _kept(doc: Document) -> list[str]:
    return [doc.text[b.start : b.end] for b in doc.blocks]


def test_a_credit_line_is_dropped_even_inside_a_caption_or_a_paragraph() -> None:
    page = f"""<html><body><article><h1>The bridge opens</h1><p>{STORY}</p>
    <figure><img src="b.jpg"><figcaption>The bridge at dawn <span class="photo-credit">Jane Roe</span></figcaption></figure>
    <p>{MORE} <em class="copyright">© City Archive</em></p></article></body></html>"""
    doc = _strip(page)
    assert _kept(doc) == ["The bridge opens", STORY, "The bridge at dawn", MORE]
    assert [(b.kind, b.text) for b in doc.boilerplate] == [("other", "Jane Roe"), ("copyright", "© City Archive")]


def test_credits_that_are_most_of_the_frame_are_its_text() -> None:
    # A photo blog may mark up its only text as credits: there they are what the page says.
    slides = "".join(
        f'<div class="slide"><img src="{n}.jpg"><p class="credit">Slide {n}: the view from the new bridge.</p></div>'
        for n in range(4)
    )
    page = f"<html><body><article><h1>Bridge photos</h1>{slides}<p>{STORY}</p></article></body></html>"
    doc = _strip(page)
    assert "Slide 2: the view from the new bridge." in _kept(doc)


def test_a_block_that_is_a_date_is_a_date_line() -> None:
    page = f"""<html><body><article><h1>The bridge opens</h1>
    <p class="meta">Updated: <time datetime="2021-05-12T14:03">12 May 2021, 14:03</time></p>
    <p>{STORY} It opened on <time datetime="2021-05-08">8 May</time>, as planned.</p></article></body></html>"""
    doc = _strip(page)
    assert _kept(doc) == ["The bridge opens", f"{STORY} It opened on 8 May, as planned."]
    assert [(b.kind, b.text) for b in doc.boilerplate] == [("other", "Updated: 12 May 2021, 14:03")]


def test_the_comments_heading_ends_the_article_inside_its_frame() -> None:
    page = f"""<html><body><div class="content"><h1>The bridge opens</h1><p>{STORY}</p><p>{MORE}</p>
    <h3>2 Comments</h3><div><p>{COMMENT}</p></div><div><p>{COMMENT}</p></div></div></body></html>"""
    doc = _strip(page)
    assert _kept(doc) == ["The bridge opens", STORY, MORE]
    assert [b.kind for b in doc.boilerplate] == ["comments"] * 3


def test_a_related_label_after_most_of_the_article_ends_it() -> None:
    teaser = "The old ferry will make its last crossing at the end of the month, after ninety years of service."
    page = f"""<html><body><div class="post"><h1>The bridge opens</h1><p>{STORY}</p><p>{MORE}</p>
    <h4>You might also like</h4><p>{teaser}</p><p>{teaser}</p></div></body></html>"""
    doc = _strip(page)
    assert _kept(doc) == ["The bridge opens", STORY, MORE]
    assert [b.kind for b in doc.boilerplate] == ["related"] * 3


def test_labels_that_stand_inside_articles_do_not_end_them() -> None:
    # A field name and a link to one other story stand inside articles too.
    page = f"""<html><body><div class="post"><h1>The bridge opens</h1><p>{STORY}</p><p>{MORE}</p>
    <p>Read also: the ferry's last crossing</p><p>Costs:</p><p>{COMMENT}</p></div></body></html>"""
    doc = _strip(page)
    assert COMMENT in _kept(doc)


def test_a_line_under_every_post_of_a_front_page_ends_none_of_them() -> None:
    posts = "".join(
        f'<div class="post"><h2>Post {n}</h2><p>{STORY}</p><p>{MORE}</p><div>Share this: Facebook Twitter</div></div>'
        for n in range(3)
    )
    doc = _strip(f'<html><body><div class="content">{posts}</div></body></html>')
    assert doc.text.count(STORY) == 3


def test_a_small_teaser_box_that_links_elsewhere_is_related() -> None:
    teaser = "The old ferry will make its last crossing at the end of the month, after ninety years of service."
    page = f"""<html><body><article><h1>The bridge opens</h1><p>{STORY}</p>
    <div class="news-teaser"><a href="/ferry">The ferry's last crossing</a><p>{teaser}</p></div>
    <p>{MORE}</p><div class="author-box"><p>Jane Roe writes about the city's roads and bridges for us.</p></div>
    </article></body></html>"""
    doc = _strip(page)
    assert _kept(doc) == ["The bridge opens", STORY, MORE]
    assert [b.kind for b in doc.boilerplate] == ["related", "other"]


def test_a_page_of_teaser_boxes_keeps_them() -> None:
    # A list of offers or an index page is all cards: there they are what the page says.
    offer = "Full time. We are looking for a clerk to answer calls and file the mail of our busy office."
    boxes = "".join(f'<div class="job-teaser"><a href="/j{n}">Office clerk {n}</a> {offer}</div>' for n in range(5))
    doc = _strip(f"<html><body><h1>Jobs</h1>{boxes}</body></html>")
    assert doc.text.count(offer) == 5


def test_the_lead_pictures_caption_goes_and_captions_among_the_paragraphs_stay() -> None:
    page = f"""<html><body><article><h1>The bridge opens</h1>
    <figure><img src="lead.jpg"><figcaption><p>The bridge from the east bank</p></figcaption></figure>
    <p>{STORY}</p><figure><img src="deck.jpg"><figcaption>Step two: the deck is laid.</figcaption></figure>
    <p>{MORE}</p></article></body></html>"""
    doc = _strip(page)
    assert [(b.kind, doc.text[b.start : b.end]) for b in doc.blocks] == [
        ("heading", "The bridge opens"),
        ("paragraph", STORY),
        ("caption", "Step two: the deck is laid."),
        ("paragraph", MORE),
    ]
    assert [(b.kind, b.text) for b in doc.boilerplate] == [("other", "The bridge from the east bank")]


def test_a_caption_that_credits_its_picture_is_its_legend() -> None:
    # "... © Jane Roe", "(Foto: Stadtarchiv)": a legend written for the picture, in any language.
    page = f"""<html><body><article><h1>The bridge opens</h1><p>{STORY}</p>
    <figure><img src="deck.jpg"><figcaption>The deck in June. © Jane Roe</figcaption></figure>
    <p>{MORE}</p><figure><img src="alt.jpg"><figcaption>Die alte Brücke (Foto: Stadtarchiv)</figcaption></figure>
    <figure><img src="map.jpg"><figcaption>Step two: the deck is laid.</figcaption></figure></article></body></html>"""
    doc = _strip(page)
    assert _kept(doc) == ["The bridge opens", STORY, MORE, "Step two: the deck is laid."]
    assert [(b.kind, b.text) for b in doc.boilerplate] == [
        ("other", "The deck in June. © Jane Roe"),
        ("other", "Die alte Brücke (Foto: Stadtarchiv)"),
    ]
