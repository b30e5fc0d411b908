"""Organizations: acronym definitions, grouping, relabelling, with the real model."""

from __future__ import annotations

from collections.abc import Iterator
from typing import cast

import pytest
from conftest import make_source
from spacy.language import Language
from spacy.tokens import Doc as SpacyDoc

from pipeline.config import EntitiesConfig, PipelineConfig
from pipeline.document import Document
from pipeline.gazetteer import load_gazetteer
from pipeline.nlp import load_ner_model
from pipeline.records import Block, Organization
from pipeline.runner import Pipeline
from pipeline.stages.entities import EntityRecognizer, find_acronym_definitions
from pipeline.stages.places import PlaceResolver
from pipeline.stages.registry import build_stage

RECOGNIZER = build_stage("entities", PipelineConfig())
PLACES = build_stage("places", PipelineConfig())
STRIPPER = build_stage("strip", PipelineConfig())


def _entities(text: str) -> Document:
    doc = Document(id="t", source=make_source(text), content=text, content_format="text")
    doc = RECOGNIZER(STRIPPER(doc))
    for entity in doc.organizations:
        for mention in entity.mentions:
            assert doc.text[mention.start : mention.end] == mention.text
    for span in doc.place_spans:
        assert doc.text[span.start : span.end] == span.text
    return doc


def _org(doc: Document, name: str) -> Organization:
    return next(o for o in doc.organizations if o.name == name)


@pytest.mark.parametrize(
    ("text", "long_form", "acronym"),
    [
        (
            "The Office of Juvenile Justice and Delinquency Prevention (OJJDP) met.",
            "Office of Juvenile Justice and Delinquency Prevention",
            "OJJDP",
        ),
        (
            "It joined the National Foundation for the Prevention of Cruelty to Children (NFPCC), a charity.",
            "National Foundation for the Prevention of Cruelty to Children",
            "NFPCC",
        ),
        (
            "The U.S.-Russia Bilateral Presidential Commission (BPC) was announced.",
            "Bilateral Presidential Commission",
            "BPC",
        ),
        (
            "Funding came from USAID (United States Agency for International Development).",
            "United States Agency for International Development",
            "USAID",
        ),
        ("The World Health Organization (WHO) said so.", "World Health Organization", "WHO"),
    ],
)
def test_acronym_definitions(text: str, long_form: str, acronym: str) -> None:
    found = [
        (text[d.long_form.start : d.long_form.end], text[d.acronym.start : d.acronym.end])
        for d in find_acronym_definitions(text)
    ]
    assert found == [(long_form, acronym)]


@pytest.mark.parametrize(
    "text",
    [
        "It was implemented by Eurasia Foundation (USA) last year.",
        "Prices rose (see TABLE) again.",
        "He said (OK) twice.",
    ],
)
def test_parentheses_that_define_nothing(text: str) -> None:
    assert find_acronym_definitions(text) == []


def test_acronym_ties_mentions_and_completes_truncated_names() -> None:
    doc = _entities(
        "The Office of Juvenile Justice and Delinquency Prevention (OJJDP) hosted a meeting.\n\n"
        "Later the Office of Juvenile Justice and Delinquency Prevention in the U.S. Department of Justice "
        "paid for it, and OJJDP said it would do so again."
    )
    office = _org(doc, "Office of Juvenile Justice and Delinquency Prevention")
    assert office.acronym == "OJJDP"
    assert [m.text for m in office.mentions] == [
        "Office of Juvenile Justice and Delinquency Prevention",
        "OJJDP",
        "Office of Juvenile Justice and Delinquency Prevention",
        "OJJDP",
    ]


def test_undefined_acronym_is_tied_to_a_long_form_it_spells() -> None:
    doc = _entities(
        "The program is sponsored by the US Agency for International Development and the Eurasia Foundation.\n\n"
        "Staff from USAID/Russia attended."
    )
    agency = next(o for o in doc.organizations if "USAID" in [m.text for m in o.mentions])
    assert agency.name == "US Agency for International Development"
    assert agency.acronym == "USAID"


def test_country_labelled_as_organization_becomes_a_place() -> None:
    doc = _entities("Russia signed the agreement with Kidsave International and Hunter College in 2012.")
    assert "Russia" not in {m.text for o in doc.organizations for m in o.mentions}
    assert "Russia" in {s.text for s in doc.place_spans}  # handed to the places stage


def test_nothing_is_found_in_boilerplate() -> None:
    doc = _entities(
        "Home     About ICMEC     Supporters     Global Partners\nContact Us Privacy Policy Term of Use Follow ICMEC"
    )
    assert doc.text == "" and doc.organizations == () and doc.place_spans == ()


def _lines(text: str) -> Document:
    """Run the recognizer and the resolver on `text` taken as an article, one block per line."""
    blocks, position = [], 0
    for line in text.split("\n"):
        if line.strip():
            blocks.append(Block(kind="paragraph", start=position, end=position + len(line)))
        position += len(line) + 1
    doc = Document(
        id="t", source=make_source(text), content=text, content_format="text", text=text, blocks=tuple(blocks)
    )
    return PLACES(RECOGNIZER(doc))


def _organizations(doc: Document) -> list[str]:
    return [m.text for o in doc.organizations for m in o.mentions]


def _places(doc: Document) -> list[tuple[str, str, str | None]]:
    return [(m.text, p.kind, p.country_code) for p in doc.places for m in p.mentions]


def test_a_name_read_as_a_person_elsewhere_is_not_an_organization() -> None:
    # The model reads the lone "Natasha" as an ORG and "Natasha Lee" as a PERSON.
    doc = _lines("Natasha is the best photographer we have ever worked with.\nNatasha Lee took the photos.")
    assert "Natasha" not in _organizations(doc)


def test_a_place_qualified_by_its_country_survives_a_person_reading() -> None:
    # "Baikal" is read once as a PERSON and once as a GPE: a tie, but ", Russia" settles it.
    doc = _lines("ICMEC travelled to Baikal and gave presentations.\nThe Child Welfare Forum in Baikal, Russia.")
    assert [m for m in _places(doc) if m[0] == "Baikal"] == [("Baikal", "other", "RU")]


@pytest.mark.parametrize(
    "text",
    [
        "Great Family Fun\nWe spent the day at the zoo with staff from the Acme Corporation.",
        "Quick and Cheap\nWe spent the day at the zoo with staff from the Acme Corporation.",
    ],
)
def test_a_title_case_heading_is_not_an_organization(text: str) -> None:
    assert _organizations(_lines(text)) == ["Acme Corporation"]


@pytest.mark.parametrize(
    "text",
    [
        "Please send it to kent.shoemaker@ae.ge.com today.",
        "Email: franz371...@gmail.com",
        "I looked up the pictures on Seattlepi.com today.",
        "Out of the 650k est stolen works of art, 70k still remain missing.",
    ],
)
def test_addresses_file_names_and_lower_case_are_not_organizations(text: str) -> None:
    assert _organizations(_lines(text)) == []


@pytest.mark.parametrize(
    ("text", "places"),
    [
        # One ORG span over a connecting word: the parts that are places become places.
        (
            "Private buses run between Noida and Greater Noida every hour.",
            [("Noida", "city", "IN"), ("Greater Noida", "city", "IN")],
        ),
        ("Going to Fiji and i can not wait?", [("Fiji", "country", "FJ")]),
        (
            "I recommend Bay View if you are looking for Accommodation in Camps Bay.",
            [("Camps Bay", "other", None)],
        ),
        # A building or feature word at the end; nothing in the gazetteer, so nulls.
        (
            "Cheap restraunts close to Orchestra Hall in Chicago?",
            [("Orchestra Hall", "other", None), ("Chicago", "city", "US")],
        ),
        # A state's code read as an ORG after a city and a comma; the city is then the state's.
        ("We opened a gallery in Santa Fe, NM last year.", [("Santa Fe", "city", "US"), ("NM", "region", "US")]),
        # A city read as an ORG before its state.
        (
            "People who live in or around the Chillicothe, OH area.",
            [("Chillicothe", "city", "US"), ("OH", "region", "US")],
        ),
        # A street named after a place is a street.
        ("There is a happy hour tonight on Dallas Street.", [("Dallas Street", "other", None)]),
    ],
)
def test_organizations_that_are_places(text: str, places: list[tuple[str, str, str | None]]) -> None:
    doc = _lines(text)
    assert _places(doc) == places
    assert _organizations(doc) == []


def test_quotes_around_a_name_are_not_part_of_it() -> None:
    doc = _entities('The “Eurasia Foundation” – a partner – met the "World Health Organization" in Geneva last year.')
    assert [o.name for o in doc.organizations] == ["Eurasia Foundation", "World Health Organization"]


def test_a_repeated_block_is_read_by_the_model_once() -> None:
    byline = "By Jane Doe, Reuters, in Moscow"
    story = "The Eurasia Foundation met in Moscow to plan the exchange programme. " * 5  # too long to remember
    read: list[str] = []
    nlp = load_ner_model(EntitiesConfig().model)

    class CountingModel:
        def pipe(self, texts: list[str], batch_size: int) -> Iterator[SpacyDoc]:
            read.extend(texts)
            return nlp.pipe(texts, batch_size=batch_size)

    recognizer = EntityRecognizer(EntitiesConfig(), nlp=cast(Language, CountingModel()))
    first = recognizer._read_blocks([byline, story, byline])
    second = recognizer._read_blocks([story, byline])
    assert read == [byline, story, story]  # the short block once; the long one is not kept
    assert first[0] == first[2] == second[1] and first[1] == second[0]
    assert [(e.label, byline[e.start : e.end]) for e in first[0]] == [(e.label_, e.text) for e in nlp(byline).ents]


def test_one_gazetteer_serves_both_stages_of_a_run() -> None:
    pipeline = Pipeline(PipelineConfig())
    stages = [getattr(s, "stage", s) for s in pipeline.chain.stages]  # the entity stages sit inside a LanguageGate
    recognizer = next(s for s in stages if isinstance(s, EntityRecognizer))
    resolver = next(s for s in stages if isinstance(s, PlaceResolver))
    assert recognizer.place_names is resolver.place_names
    pipeline.setup()
    assert resolver.gazetteer is load_gazetteer()


def test_the_batch_call_reads_a_whole_chunk_in_one_model_pass_and_gives_the_same_documents() -> None:
    texts = [
        "The Eurasia Foundation met in Moscow in July 2009.",
        "Delegates of the World Bank met in Columbus, Ohio.",
        "The Office of Juvenile Justice and Delinquency Prevention (OJJDP) funds the programme in Texas.",
    ]
    docs = [
        STRIPPER(Document(id=f"t{n}", source=make_source(text), content=text, content_format="text"))
        for n, text in enumerate(texts)
    ]
    passes: list[list[str]] = []
    nlp = load_ner_model(EntitiesConfig().model)

    class CountingModel:
        def pipe(self, texts: list[str], batch_size: int) -> Iterator[SpacyDoc]:
            passes.append(list(texts))
            return nlp.pipe(texts, batch_size=batch_size)

    recognizer = EntityRecognizer(EntitiesConfig(), nlp=cast(Language, CountingModel()))
    together = recognizer.process_batch(docs)
    assert len(passes) == 1 and len(passes[0]) == len(texts)  # every block of the chunk, in one pass
    assert together == [RECOGNIZER(doc) for doc in docs]
    assert [o.name for o in together[2].organizations] == ["Office of Juvenile Justice and Delinquency Prevention"]
