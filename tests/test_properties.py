"""Property-based tests: for any input, every stage returns valid state and keeps its offsets true.

Hypothesis runs derandomized (the same examples on every run, no example database), so CI
is deterministic; example counts are kept small where a stage is slow (spaCy).
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

import pytest
from conftest import make_source
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from pipeline.config import PipelineConfig
from pipeline.document import Document, PlaceSpan
from pipeline.errors import DocumentError
from pipeline.records import Mention, Record
from pipeline.stages.load import clean_text, decode_bytes
from pipeline.stages.registry import VALIDATE, BuildContext, build_stage, build_stages, run_stages

DETERMINISTIC = settings(
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=150,
    suppress_health_check=[HealthCheck.too_slow],
)
SLOW_STAGE = settings(DETERMINISTIC, max_examples=12)

STRIPPER = build_stage("strip", PipelineConfig())
DATES = build_stage("dates", PipelineConfig())
PLACES = build_stage("places", PipelineConfig())
VALIDATOR = VALIDATE.build(BuildContext(PipelineConfig()))

# Pieces that reach the stages' interesting paths: dates, names, places, cue phrases, layout.
VOCABULARY = [
    "14 July 2009",
    "July 2009",
    "2009",
    "14-15 November 2011",
    "03/04/2021",
    "yesterday",
    "last year",
    "the following day",
    "Friday",
    "in May",
    "1990s",
    "the Eurasia Foundation",
    "Eurasia Foundation (EF)",
    "EF",
    "the World Bank",
    "U.S.",
    "Moscow",
    "Columbus, OH",
    "Washington, D.C.",
    "Baikal, Russia",
    "St. Petersburg",
    "Perm",
    "Georgia",
    "Copyright © 2020",
    "All rights reserved",
    "Privacy Policy",
    "Share this",
    "Search",
    "Home   News   About",
    "Home | News | About",
    "- item",
    "1. item",
    "The",
    "met in",
    "said",
    ".",
    ",",
    ";",
    ":",
    "“",
    "”",
    "(",
    ")",
    " ",
    "  ",
    "\n",
    "\n\n",
    "\t",
    "é",
    "\u00a0",
    "😀",
    # Characters whose case mapping changes the length, and line breaks other than "\n".
    "İstanbul",
    "STRASSE",
    "straße",
    "ﬁnance",
    "ΣΊΣΥΦΟΣ",
    "\u2028",
    "\u2029",
    "\x85",
    "\u200d",
    "\u0301",
]
texts = st.one_of(
    st.text(max_size=300),
    st.lists(st.one_of(st.sampled_from(VOCABULARY), st.text(max_size=4)), max_size=60).map(" ".join),
    st.lists(st.sampled_from(VOCABULARY), max_size=80).map("".join),
)
TAGS = ["p", "div", "h1", "h2", "li", "ul", "nav", "footer", "header", "a", "span", "figcaption", "blockquote",
        "form", "article", "main", "aside", "table", "td", "script", "b"]  # fmt: skip


@st.composite
def html_pages(draw: st.DrawFn, depth: int = 0) -> str:
    parts = []
    for _ in range(draw(st.integers(0, 4))):
        if depth < 4 and draw(st.booleans()):
            tag = draw(st.sampled_from(TAGS))
            attributes = draw(st.sampled_from(["", ' class="menu"', ' role="navigation"', ' id="footer"', ' href="#"']))
            parts.append(f"<{tag}{attributes}>{draw(html_pages(depth + 1))}</{tag}>")
        else:
            parts.append(draw(texts).replace("<", "&lt;"))
    if draw(st.booleans()):
        parts.append(
            draw(st.sampled_from(["<p>", "</div>", "<!-- c", "&amp", "<br/>", "<![CDATA[x]]>", "<!DOCTYPE x>"]))
        )
    return "".join(parts)


def _document(content: str, content_format: str = "text") -> Document:
    return Document(id="t", source=make_source(content), content=content, content_format=content_format)  # type: ignore[arg-type]


def _stripped(text: str) -> Document:
    return STRIPPER(_document(clean_text(text)))


def _assert_blocks(doc: Document) -> None:
    for block in doc.blocks:
        assert 0 <= block.start < block.end <= len(doc.text)
        assert doc.text[block.start : block.end].strip()
    for before, after in pairwise(doc.blocks):
        assert before.end <= after.start


def _assert_mentions(text: str, mentions: Sequence[Mention], entity: str) -> None:
    assert mentions, entity
    for mention in mentions:
        assert 0 <= mention.start < mention.end <= len(text)
        assert text[mention.start : mention.end] == mention.text
    assert list(mentions) == sorted(mentions, key=lambda m: (m.start, m.end))


# -- load ------------------------------------------------------------------------------------


@DETERMINISTIC
@given(st.binary(max_size=2000))
def test_decoding_any_bytes_gives_clean_text_or_a_reason(data: bytes) -> None:
    try:
        text, encoding = decode_bytes(data)
    except DocumentError as error:
        assert str(error)
        return
    assert text == clean_text(text)  # no control characters, newlines normalized
    assert encoding


@DETERMINISTIC
@given(st.text(min_size=1, max_size=500), st.sampled_from(["utf-8", "utf-16", "utf-8-sig"]))
def test_text_in_a_unicode_encoding_reads_back_as_written(text: str, encoding: str) -> None:
    assume(text.strip() and "\x00" not in text)
    data = text.encode(encoding)
    assume(not data.startswith((b"\x1f\x8b", b"BZh", b"PK\x03\x04", b"%PDF-", b"GIF8", b"\x7fELF")))
    decoded, _ = decode_bytes(data)
    expected = clean_text(text[1:] if encoding == "utf-8" and text.startswith("\ufeff") else text)
    assert decoded == expected


# -- strip -----------------------------------------------------------------------------------


@DETERMINISTIC
@given(texts)
def test_strip_of_any_text_keeps_blocks_inside_the_text(text: str) -> None:
    doc = _stripped(text)
    _assert_blocks(doc)
    assert doc.title is None or doc.title.strip()


@DETERMINISTIC
@given(html_pages())
def test_strip_of_any_html_keeps_blocks_inside_the_text(page: str) -> None:
    doc = STRIPPER(_document(page, "html"))
    _assert_blocks(doc)
    assert all(piece.text.strip() for piece in doc.boilerplate)


# -- dates -----------------------------------------------------------------------------------


@DETERMINISTIC
@given(texts, st.one_of(st.none(), st.dates().map(lambda d: d.isoformat())))
def test_dates_point_at_their_text_in_any_text(text: str, document_date: str | None) -> None:
    doc = _stripped(text).model_copy(update={"document_date": document_date})
    dated = DATES(doc)
    for mention in dated.dates:
        assert dated.text[mention.start : mention.end] == mention.text
        assert mention.relative == (mention.anchor is not None)
    assert list(dated.dates) == sorted(dated.dates, key=lambda d: (d.start, d.end))


# -- entities (the real model: slow, so few examples) -----------------------------------------


@SLOW_STAGE
@given(texts)
def test_entities_point_at_their_text_in_any_text(text: str) -> None:
    doc = build_stage("entities", PipelineConfig())(_stripped(text))
    for entity in doc.organizations:
        _assert_mentions(doc.text, entity.mentions, entity.name)
    firsts = [e.mentions[0].start for e in doc.organizations]
    assert firsts == sorted(firsts)
    for span in doc.place_spans:
        assert doc.text[span.start : span.end] == span.text
    assert [(s.start, s.end) for s in doc.place_spans] == sorted((s.start, s.end) for s in doc.place_spans)


# -- places (mentions placed anywhere, not only where the model would put them) --------------


@DETERMINISTIC
@given(texts, st.lists(st.tuples(st.integers(0, 400), st.integers(1, 30)), max_size=8))
def test_places_from_any_mentions_point_at_their_text(text: str, spans: list[tuple[int, int]]) -> None:
    doc = _stripped(text)
    place_spans = tuple(
        PlaceSpan(text=doc.text[start : start + length], start=start, end=start + length, label="GPE")
        for start, length in spans
        if start + length <= len(doc.text)
    )
    resolved = PLACES(doc.model_copy(update={"place_spans": place_spans}))
    for place in resolved.places:
        _assert_mentions(resolved.text, place.mentions, place.name)
    firsts = [(p.mentions[0].start, p.mentions[0].end) for p in resolved.places]
    assert firsts == sorted(firsts)


# -- validate: the whole chain ---------------------------------------------------------------


@SLOW_STAGE
@given(st.one_of(texts, html_pages()), st.booleans())
def test_every_stage_together_gives_a_valid_record_or_a_reason(content: str, as_html: bool) -> None:
    config = PipelineConfig()
    doc = _document(clean_text(content), "html" if as_html else "text")
    doc = run_stages(build_stages(config), doc)
    try:
        record = VALIDATOR(doc)
    except DocumentError as error:  # allowed, but it must say why
        pytest.fail(f"a valid chain produced an invalid record: {error}")
    assert Record.model_validate_json(record.model_dump_json()) == record
