"""Places: gazetteer resolution, qualifiers, list context, grouping (no spaCy needed)."""

from __future__ import annotations

import re

import pytest
from conftest import make_source

from pipeline.document import Document
from pipeline.gazetteer import load_gazetteer, normalize_name
from pipeline.records import Mention, Place
from pipeline.stages.places import PlaceResolver

RESOLVER = PlaceResolver()


def _resolve(text: str, *surfaces: str) -> tuple[Place, ...]:
    """Resolve `text` with the given surfaces marked as unresolved places (every occurrence)."""
    places = []
    for surface in surfaces:
        mentions = tuple(
            Mention(text=surface, start=m.start(), end=m.end())
            for m in re.finditer(rf"(?<!\w){re.escape(surface)}(?!\w)", text)
        )
        places.append(Place(name=surface, kind="other", mentions=mentions))
    doc = Document(
        id="t", source=make_source(text), content=text, content_format="text", text=text, places=tuple(places)
    )
    resolved = RESOLVER(doc).places
    for place in resolved:
        for mention in place.mentions:
            assert text[mention.start : mention.end] == mention.text
    return resolved


def _by_mention(places: tuple[Place, ...], text: str) -> Place:
    return next(p for p in places if any(m.text == text for m in p.mentions))


@pytest.mark.parametrize(
    ("name", "code", "kind"),
    [
        ("U.S.", "US", "country"),
        ("USA", "US", "country"),
        ("the Russian Federation", "RU", "country"),
        ("Ohio", "US", "region"),
        ("St. Petersburg", "RU", "city"),
    ],
)
def test_gazetteer_lookup(name: str, code: str, kind: str) -> None:
    best = load_gazetteer().lookup(name)[0]
    assert (best.country_code, best.kind) == (code, kind)


def test_alternate_names_rank_below_own_names() -> None:
    gazetteer = load_gazetteer()
    assert gazetteer.lookup("Xinhua")[0].name == "Xinhua"
    assert gazetteer.lookup("Google", primary_only=True) == ()
    assert gazetteer.is_country_or_region("Russia") and not gazetteer.is_country_or_region("Toyota")


def test_a_single_span_with_its_state_inside() -> None:
    (place,) = _resolve("Summits in Washington D.C. were held.", "Washington D.C.")
    assert (place.geonameid, place.mentions[0].text) == (4140963, "Washington D.C.")


def test_codes_are_not_names() -> None:
    gazetteer = load_gazetteer()
    assert gazetteer.lookup("MOW") == () and gazetteer.lookup("LED") == ()  # airport codes among alternate names
    assert normalize_name("St. Petersburg") == normalize_name("Saint Petersburg")


def test_seed_sentence_with_qualifiers_and_a_missed_list_item() -> None:
    text = (
        "Experts gathered in Washington, D.C. and in Columbus, OH; New York, NY; and Los Angeles, CA. "
        "In turn, a U.S. delegation visited sites in Moscow, Perm, and St. Petersburg."
    )
    places = _resolve(
        text,
        "Washington",
        "D.C.",
        "Columbus",
        "OH",
        "New York",
        "NY",
        "Los Angeles",
        "U.S.",
        "Moscow",
        "St. Petersburg",
    )
    summary = [(p.name, p.kind, p.country_code, p.geonameid, [m.text for m in p.mentions]) for p in places]
    assert summary == [
        ("Washington", "city", "US", 4140963, ["Washington"]),
        ("District of Columbia", "region", "US", 4138106, ["D.C."]),
        ("Columbus", "city", "US", 4509177, ["Columbus"]),
        ("Ohio", "region", "US", 5165418, ["OH"]),
        ("New York City", "city", "US", 5128581, ["New York"]),
        ("New York", "region", "US", 5128638, ["NY"]),
        ("Los Angeles", "city", "US", 5368361, ["Los Angeles"]),
        ("California", "region", "US", 5332921, ["CA"]),
        ("United States", "country", "US", 6252001, ["U.S."]),
        ("Moscow", "city", "RU", 524901, ["Moscow"]),
        ("Perm", "city", "RU", 511196, ["Perm"]),
        ("Saint Petersburg", "city", "RU", 498817, ["St. Petersburg"]),
    ]
    assert all(p.latitude is not None and p.longitude is not None for p in places if p.kind == "city")


def test_document_context_picks_among_same_named_cities() -> None:
    russian = _by_mention(_resolve("Russia sent experts to Moscow.", "Russia", "Moscow"), "Moscow")
    assert russian.country_code == "RU"
    idaho = _resolve("The University of Idaho in Moscow, ID hosted the fair.", "Moscow")
    assert (idaho[0].country_code, idaho[0].geonameid, idaho[0].mentions[0].text) == ("US", 5601538, "Moscow")
    assert (idaho[1].name, idaho[1].mentions[0].text) == ("Idaho", "ID")
    # With no other clue the best-known place of the name wins.
    assert _resolve("They flew to St. Petersburg.", "St. Petersburg")[0].country_code == "RU"


def test_a_following_country_constrains_without_guessing() -> None:
    places = _resolve("The Forum in Baikal, Russia August 2011 was held.", "Baikal", "Russia")
    baikal, russia = places
    assert (baikal.name, baikal.kind, baikal.country_code, baikal.geonameid, baikal.latitude) == (
        "Baikal",
        "other",
        "RU",
        None,
        None,
    )
    assert (russia.kind, russia.country_code) == ("country", "RU")


def test_unknown_places_keep_nulls() -> None:
    (place,) = _resolve("They met at Xanadu Springs.", "Xanadu Springs")
    assert (place.kind, place.country_code, place.geonameid, place.latitude) == ("other", None, None, None)


def test_mentions_are_grouped_by_place() -> None:
    places = _resolve(
        "The U.S. and the United States and the US are one country; so is USA.", "U.S.", "United States", "US", "USA"
    )
    assert len(places) == 1
    assert [m.text for m in places[0].mentions] == ["U.S.", "United States", "US", "USA"]


def test_washington_state_is_a_region() -> None:
    (place,) = _resolve("Apples from Washington state are sold here.", "Washington")
    assert (place.kind, place.name) == ("region", "Washington")
