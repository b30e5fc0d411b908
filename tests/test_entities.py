"""Organizations: acronym definitions, grouping, relabelling, with the real model."""

from __future__ import annotations

import pytest
from conftest import make_source

from pipeline.config import EntitiesConfig, StripConfig
from pipeline.document import Document
from pipeline.records import Organization
from pipeline.stages.entities import EntityRecognizer, find_acronym_definitions
from pipeline.stages.strip import BoilerplateStripper

RECOGNIZER = EntityRecognizer(EntitiesConfig())


def _entities(text: str) -> Document:
    doc = Document(id="t", source=make_source(text), content=text, content_format="text")
    doc = EntityRecognizer(EntitiesConfig())(BoilerplateStripper(StripConfig())(doc))
    for entity in (*doc.organizations, *doc.places):
        for mention in entity.mentions:
            assert doc.text[mention.start : mention.end] == mention.text
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
    assert "Russia" in {m.text for p in doc.places for m in p.mentions}


def test_nothing_is_found_in_boilerplate() -> None:
    doc = _entities(
        "Home     About ICMEC     Supporters     Global Partners\nContact Us Privacy Policy Term of Use Follow ICMEC"
    )
    assert doc.text == "" and doc.organizations == () and doc.places == ()
