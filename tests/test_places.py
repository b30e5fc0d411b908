"""Places and the gazetteer, with the real gazetteer and documents built by hand (no spaCy)."""

from __future__ import annotations

import marshal
import re
from itertools import pairwise
from pathlib import Path

import pytest

from pipeline import build_cache
from pipeline import gazetteer as gazetteer_module
from pipeline.config import GazetteerConfig, PipelineConfig, PlacesConfig
from pipeline.document import Document, PlaceSpan
from pipeline.gazetteer import load_gazetteer, normalize_name
from pipeline.records import Mention, Organization, Place, Record, Source
from pipeline.stages.place_names import PlaceNames
from pipeline.stages.places import PlaceResolver
from pipeline.stages.registry import build_stage

SOURCE = Source(path="t.txt", sha256="0" * 64, format="text", encoding="utf-8", bytes=1)
SEPARATE = build_stage("places", PipelineConfig())
MERGED = build_stage("places", PipelineConfig(places=PlacesConfig(merge_state_qualifiers=True)))

SEED_TEXT = (
    "Experts gathered in Washington, D.C. and in Columbus, OH; New York, NY; and Los Angeles, CA. "
    "In turn, a U.S. delegation visited sites in Moscow, Perm, and St. Petersburg."
)
# What the model tagged in SEED_TEXT: "CA" and "Perm" are missing.
SEED_SURFACES = (
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

Summary = list[tuple[str, str, str | None, int | None, list[str]]]


def _document(text: str, surfaces: tuple[str, ...], organizations: tuple[str, ...] = ()) -> Document:
    """A document whose place spans are every whole-word occurrence of `surfaces`."""

    def mentions(surface: str) -> tuple[Mention, ...]:
        found = re.finditer(rf"(?<!\w){re.escape(surface)}(?!\w)", text)
        return tuple(Mention(text=surface, start=m.start(), end=m.end()) for m in found)

    spans = tuple(PlaceSpan(text=m.text, start=m.start, end=m.end, label="GPE") for s in surfaces for m in mentions(s))
    orgs = tuple(Organization(name=o, mentions=mentions(o)) for o in organizations)
    return Document(
        id="t", source=SOURCE, content=text, content_format="text", text=text, place_spans=spans, organizations=orgs
    )


def _resolve(
    text: str, *surfaces: str, resolver: PlaceResolver = SEPARATE, organizations: tuple[str, ...] = ()
) -> tuple[Place, ...]:
    """Resolve `text` and check the output contract on the way."""
    places = resolver(_document(text, surfaces, organizations)).places
    # The record validator checks offsets against the text and the ordering of mentions and places.
    Record(id="t", source=SOURCE, text=text, places=places)
    spans = sorted((m.start, m.end) for p in places for m in p.mentions)
    assert all(end <= start for (_, end), (start, _) in pairwise(spans)), "overlapping mentions"
    return places


def _summary(places: tuple[Place, ...]) -> Summary:
    return [(p.name, p.kind, p.country_code, p.geonameid, [m.text for m in p.mentions]) for p in places]


def _by_mention(places: tuple[Place, ...], text: str) -> Place:
    return next(p for p in places if any(m.text == text for m in p.mentions))


# The gazetteer.


@pytest.mark.parametrize(
    ("name", "geonameid", "kind"),
    [
        ("U.S.", 6252001, "country"),
        ("US", 6252001, "country"),
        ("U.S.A.", 6252001, "country"),
        ("United States of America", 6252001, "country"),
        ("the Russian Federation", 2017370, "country"),
        ("Russia", 2017370, "country"),
        ("U.K.", 2635167, "country"),
        ("Great Britain", 2635167, "country"),
        ("Ohio", 5165418, "region"),
        ("Europe", 6255148, "region"),
        ("St. Petersburg", 498817, "city"),
        ("Saint-Petersburg", 498817, "city"),
        ("Kiev", 703448, "city"),  # an alternate name: no city is called that itself
        ("Washington D.C.", 4140963, "city"),
        ("Sao Paulo", 3448439, "city"),
    ],
)
def test_lookup_finds_the_best_known_place_first(name: str, geonameid: int, kind: str) -> None:
    best = load_gazetteer().lookup(name)[0]
    assert (best.geonameid, best.kind) == (geonameid, kind)


def test_codes_and_common_words_are_not_places() -> None:
    gazetteer = load_gazetteer()
    # Airport codes among GeoNames' alternate names, and the pronoun "us".
    for name in ("MOW", "LED", "PEE", "us", "Us"):
        assert gazetteer.lookup(name) == (), name
    assert gazetteer.us_state("IN") is not None and gazetteer.us_state("in") is None
    states = [gazetteer.us_state(code) for code in ("OH", "D.C.", "Ohio")]
    assert [state.name if state else None for state in states] == ["Ohio", "District of Columbia", "Ohio"]


def test_own_names_hide_alternate_names() -> None:
    gazetteer = load_gazetteer()
    # Hong Kong lists "Victoria" among its alternate names; cities called Victoria come first.
    assert all(e.name == "Victoria" for e in gazetteer.lookup("Victoria"))
    assert gazetteer.lookup("Kiev", primary_only=True) == ()
    assert gazetteer.is_place_name("Russia") and gazetteer.is_place_name("Perm")
    assert not gazetteer.is_place_name("Kiev")
    assert gazetteer.is_country_or_region("Russia") and gazetteer.is_country_or_region("Ohio")
    assert not gazetteer.is_country_or_region("Moscow")


def test_coordinates_are_never_invented() -> None:
    gazetteer = load_gazetteer()
    for entry in (gazetteer.country("Russia"), gazetteer.us_state("OH")):
        assert entry is not None and (entry.latitude, entry.longitude) == (None, None)
    europe, moscow = gazetteer.lookup("Europe")[0], gazetteer.lookup("Moscow")[0]
    assert europe.latitude is not None and moscow.latitude is not None


def test_normalize_name() -> None:
    assert normalize_name("St. Petersburg") == normalize_name("Saint Petersburg") == "saint petersburg"
    assert normalize_name("U.S.") == normalize_name("US") == "us"
    assert normalize_name("the  Russian   Federation") == "russian federation"
    assert normalize_name("São Paulo") == "sao paulo"


def test_the_gazetteer_is_built_once() -> None:
    assert load_gazetteer() is load_gazetteer()


# The stage.


def test_seed_sentence_states_as_places_of_their_own() -> None:
    places = _resolve(SEED_TEXT, *SEED_SURFACES)
    assert _summary(places) == [
        ("Washington, D.C.", "city", "US", 4140963, ["Washington"]),
        ("District of Columbia", "region", "US", 4138106, ["D.C."]),
        ("Columbus", "city", "US", 4509177, ["Columbus"]),
        ("Ohio", "region", "US", 5165418, ["OH"]),
        ("New York City", "city", "US", 5128581, ["New York"]),
        ("New York", "region", "US", 5128638, ["NY"]),
        ("Los Angeles", "city", "US", 5368361, ["Los Angeles"]),
        ("California", "region", "US", 5332921, ["CA"]),  # not tagged by the model
        ("United States", "country", "US", 6252001, ["U.S."]),
        ("Moscow", "city", "RU", 524901, ["Moscow"]),
        ("Perm", "city", "RU", 511196, ["Perm"]),  # found in the list
        ("Saint Petersburg", "city", "RU", 498817, ["St. Petersburg"]),
    ]
    cities = [p for p in places if p.kind == "city"]
    assert all(p.latitude is not None and p.longitude is not None for p in cities)
    assert all(p.latitude is None for p in places if p.kind in ("country", "region"))


def test_seed_sentence_with_merged_qualifiers() -> None:
    places = _resolve(SEED_TEXT, *SEED_SURFACES, resolver=MERGED)
    assert _summary(places)[:4] == [
        ("Washington, D.C.", "city", "US", 4140963, ["Washington, D.C."]),
        ("Columbus", "city", "US", 4509177, ["Columbus, OH"]),
        ("New York City", "city", "US", 5128581, ["New York, NY"]),
        ("Los Angeles", "city", "US", 5368361, ["Los Angeles, CA"]),
    ]
    assert [p.name for p in places[4:]] == ["United States", "Moscow", "Perm", "Saint Petersburg"]


@pytest.mark.parametrize(
    ("text", "surface", "geonameid"),
    [
        ("Summits in Washington D.C. were held.", "Washington D.C.", 4140963),
        ("Summits in Washington DC were held.", "Washington", 4140963),
        ("The fair in Columbus, Ohio was held.", "Columbus, Ohio", 4509177),
        ("They met in Moscow, ID last year.", "Moscow", 5601538),
        ("They met in St. Petersburg, FL last year.", "St. Petersburg", 4171563),
    ],
)
def test_a_state_picks_the_city(text: str, surface: str, geonameid: int) -> None:
    for resolver in (SEPARATE, MERGED):
        assert _resolve(text, surface, resolver=resolver)[0].geonameid == geonameid


def test_a_state_is_not_read_across_a_block_or_into_a_longer_mention() -> None:
    places = _resolve("Experts from Columbus\n\nOH is a code.", "Columbus", resolver=MERGED)
    assert _summary(places) == [("Columbus", "city", "US", 4509177, ["Columbus"])]
    places = _resolve("Brooklyn, New York City is large.", "Brooklyn", "New York City", resolver=MERGED)
    assert [m.text for p in places for m in p.mentions] == ["Brooklyn", "New York City"]


def test_a_following_country_constrains_without_guessing() -> None:
    text = "BPC Child Protection Sub-group Meeting in Baikal, Russia August 2011"
    for surfaces in (("Baikal", "Russia"), ("Baikal",)):  # the country is added when untagged
        baikal, russia = _resolve(text, *surfaces)
        assert (baikal.name, baikal.kind, baikal.country_code, baikal.geonameid, baikal.latitude) == (
            "Baikal",
            "other",
            "RU",
            None,
            None,
        )
        assert (russia.kind, russia.geonameid, russia.mentions[0].text) == ("country", 2017370, "Russia")


def test_an_unknown_place_after_a_postal_code_is_in_the_us() -> None:
    (place,) = _resolve("Farmers of Smallvile, KS came too.", "Smallvile", resolver=MERGED)
    assert (place.name, place.kind, place.country_code, place.geonameid, place.mentions[0].text) == (
        "Smallvile",
        "other",
        "US",
        None,
        "Smallvile, KS",
    )


def test_unknown_places_keep_nulls() -> None:
    (place,) = _resolve("They met at Xanadu Springs and at Xanadu Springs again.", "Xanadu Springs")
    assert (place.name, place.kind, place.country_code, place.geonameid, place.latitude, place.longitude) == (
        "Xanadu Springs",
        "other",
        None,
        None,
        None,
        None,
    )
    assert len(place.mentions) == 2


def test_mentions_of_one_place_are_grouped() -> None:
    text = "The U.S. and the United States and the US are one country; so is USA. Russia is not."
    places = _resolve(text, "USA", "Russia", "U.S.", "United States", "US")
    assert [(p.name, [m.text for m in p.mentions]) for p in places] == [
        ("United States", ["U.S.", "United States", "US", "USA"]),
        ("Russia", ["Russia"]),
    ]


@pytest.mark.parametrize(
    ("text", "kind", "geonameid"),
    [
        ("Officials in Washington said no.", "city", 4140963),
        ("Apples from Washington state are sold here.", "region", 5815135),
        ("Apples from the state of Washington are sold here.", "region", 5815135),
    ],
)
def test_washington_is_the_capital_unless_the_text_says_state(text: str, kind: str, geonameid: int) -> None:
    (place,) = _resolve(text, "Washington")
    assert (place.kind, place.geonameid) == (kind, geonameid)


@pytest.mark.parametrize(
    ("text", "surfaces", "mention", "code"),
    [
        # The country the document names decides between similar namesakes.
        ("Canada and its cities: Hamilton grew.", ("Canada", "Hamilton"), "Hamilton", "CA"),
        ("New Zealand and its cities: Hamilton grew.", ("New Zealand", "Hamilton"), "Hamilton", "NZ"),
        # A state named anywhere in the document decides too.
        ("Moscow, ID is small. Moscow has a university.", ("Moscow",), "Moscow", "US"),
        ("Birmingham, Alabama grew. Birmingham is in the South.", ("Birmingham", "Alabama"), "Birmingham", "US"),
        # A city that dwarfs its namesakes is not moved by a page full of US places.
        ("A U.S. delegation from the US visited Moscow.", ("U.S.", "US", "Moscow"), "Moscow", "RU"),
    ],
)
def test_document_context(text: str, surfaces: tuple[str, ...], mention: str, code: str) -> None:
    places = _resolve(text, *surfaces)
    assert {p.country_code for p in places if any(m.text == mention for m in p.mentions)} == {code}


def test_only_coordinated_lists_give_new_places() -> None:
    def found(text: str, *surfaces: str, organizations: tuple[str, ...] = ()) -> list[str]:
        places = _resolve(text, *surfaces, organizations=organizations)
        return [m.text for p in places for m in p.mentions if m.text not in surfaces]

    assert found("They toured Moscow and Perm.", "Moscow") == ["Perm"]
    assert found("They toured Perm, Kazan, and Moscow in May.", "Moscow") == ["Perm", "Kazan"]
    assert found("They toured Russia, China or India.", "Russia") == ["China", "India"]
    # Not a coordinated list, a person after "and", a new sentence, a longer name, an organization.
    assert found("They toured Moscow, Perm was next.", "Moscow") == []
    assert found("Officials in Moscow and Jackson said so.", "Moscow") == []
    assert found("They toured Moscow. Perm and Omsk came later.", "Moscow") == []
    assert found("Moscow and Perm State University signed.", "Moscow") == []
    assert found("Moscow and Perm Motors agreed.", "Moscow", organizations=("Perm Motors",)) == []


def test_offsets_survive_unusual_text() -> None:
    text = "Über-experts met in Moscow, Perm, and St. Petersburg.\n\nThen «Russia» and the U.S. and São Paulo."
    places = _resolve(text, "Moscow", "Russia", "U.S.", "São Paulo")
    for place in places:
        for mention in place.mentions:
            assert text[mention.start : mention.end] == mention.text
    assert [p.name for p in places] == ["Moscow", "Perm", "Saint Petersburg", "Russia", "United States", "São Paulo"]


def test_output_does_not_depend_on_input_order() -> None:
    forward = _document(SEED_TEXT, SEED_SURFACES)
    backward = forward.model_copy(update={"place_spans": tuple(reversed(forward.place_spans))})
    assert SEPARATE(forward).places == SEPARATE(backward).places == PlaceResolver()(forward).places


def test_resolved_documents_pass_through_unchanged() -> None:
    once = SEPARATE(_document(SEED_TEXT, SEED_SURFACES))
    assert SEPARATE(once).places == once.places


def test_known_places_after_locative_words_are_found() -> None:
    def found(text: str, organizations: tuple[str, ...] = ()) -> list[tuple[str, str | None]]:
        return [(m.text, p.country_code) for p in _resolve(text, organizations=organizations) for m in p.mentions]

    assert found("They moved to Fiji last year and now live in Kollam with friends.") == [
        ("Fiji", "FJ"),
        ("Kollam", "IN"),
    ]
    assert found("Birds from the Netherlands winter near Baguio.") == [("Netherlands", "NL"), ("Baguio", "PH")]
    # In lower case only a country or a US state counts.
    assert found("i have to go to mississippi.") == [("mississippi", "US")]
    assert found("the shop is in reading.") == []
    # Not after "to" (a verb or a person), nor after "the" (a title), nor a month, a longer
    # name, an unknown name or an organization.
    assert found("Go ahead and forward it to Jackson if you are ready.") == []
    assert found("He is close to the Jackson administration.") == []
    assert found("We met in March and in Dallas Street and in Xanadu.") == []
    assert found("It was in Perm Motors.", organizations=("Perm Motors",)) == []


def test_a_city_before_its_state_is_found() -> None:
    places = _resolve("HAS MOVED TO 4783 Bay Rd Saginaw, Michigan 48604")
    assert _summary(places) == [
        ("Saginaw", "city", "US", 5007989, ["Saginaw"]),
        ("Michigan", "region", "US", 5001836, ["Michigan"]),
    ]
    # The state picks the namesake (Saginaw, Texas), and a name no city of the state has is not taken.
    assert _summary(_resolve("They sold the Saginaw, Texas lot."))[0][:4] == ("Saginaw", "city", "US", 4724642)
    assert [m.text for p in _resolve("They sold the Saginaw, Ohio lot.") for m in p.mentions] == ["Ohio"]


@pytest.mark.parametrize(
    ("text", "surfaces", "expected"),
    [
        # Namesakes of like size in Argentina and the US, and nothing to choose: no guess.
        ("A gallery in Santa Fe opened.", ("Santa Fe",), ("Santa Fe", "other", None, None)),
        ("In Argentina, a gallery in Santa Fe opened.", ("Argentina", "Santa Fe"), ("Santa Fe", "city", "AR", 3836277)),
        ("A gallery in Santa Fe, New Mexico opened.", ("Santa Fe",), ("Santa Fe", "city", "US", 5490263)),
    ],
)
def test_ambiguous_cities_need_the_text_to_choose(
    text: str, surfaces: tuple[str, ...], expected: tuple[str, str, str | None, int | None]
) -> None:
    place = _by_mention(_resolve(text, *surfaces), "Santa Fe")
    assert (place.name, place.kind, place.country_code, place.geonameid) == expected


def test_countries_and_states_standing_alone_are_places() -> None:
    places = _resolve("Wilson Kipketer ( Denmark ) won in Georgia Tech colours. OHIO WINS. Ohio is proud.")
    assert [(m.text, p.kind, p.country_code) for p in places for m in p.mentions] == [
        ("Denmark", "country", "DK"),
        ("Ohio", "region", "US"),
    ]


def test_datelines_name_places() -> None:
    text = "MOSCOW 1996-08-30\nTEHRAN (AFP) - The fair opened.\nBOSTON 70 62 .530\nSOCCER - ROMANIA BEAT LITHUANIA"
    places = _resolve(text)
    assert [(m.text, p.name, p.country_code) for p in places for m in p.mentions] == [
        ("MOSCOW", "Moscow", "RU"),
        ("TEHRAN", "Tehran", "IR"),
    ]


def test_the_build_cache_gives_the_gazetteer_it_was_built_from(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(build_cache.CACHE_DIR_VARIABLE, str(tmp_path))
    built = gazetteer_module.build_gazetteer()
    path = gazetteer_module.cache_file()
    assert path is not None and path.parent == tmp_path and not path.exists()
    load = gazetteer_module._load.__wrapped__  # without the per-process memo
    stored = load(GazetteerConfig())
    assert path.is_file()
    read = load(GazetteerConfig())
    assert type(read._names).__name__ == "_PackedIndex"  # read from the file, not built again
    assert read.to_tables() == built.to_tables() == stored.to_tables()
    for name in ("Moscow", "Kiev", "U.S.", "St. Petersburg", "Zürich", "Victoria", "Ohio", "Nowhere"):
        assert read.lookup(name) == built.lookup(name), name
        assert read.lookup(name, primary_only=True) == built.lookup(name, primary_only=True), name
    assert read.us_state("OH") == built.us_state("OH")


def test_a_damaged_build_cache_is_built_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(build_cache.CACHE_DIR_VARIABLE, str(tmp_path))
    path = gazetteer_module.cache_file()
    assert path is not None
    path.write_bytes(b"\x00not marshal")
    gazetteer = gazetteer_module._load.__wrapped__(GazetteerConfig())
    assert gazetteer.lookup("Moscow")[0].country_code == "RU"
    content = path.read_bytes()
    assert gazetteer_module.Gazetteer.from_tables(marshal.loads(content[32:])).to_tables() == gazetteer.to_tables()
    path.write_bytes(content[:-1000])  # torn: the digest no longer matches, so it is built again
    assert gazetteer_module._load.__wrapped__(GazetteerConfig()).to_tables() == gazetteer.to_tables()
    assert path.read_bytes() == content
    monkeypatch.setenv(build_cache.CACHE_DIR_VARIABLE, "")
    assert gazetteer_module.cache_file() is None


def test_the_gazetteer_settings_decide_what_it_holds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert load_gazetteer().lookup("New York")[0].kind == "city"  # a major city before the state
    settings = GazetteerConfig(major_city_population=10**9, major_capital_country_population=10**10)
    assert gazetteer_module.build_gazetteer(settings).lookup("New York")[0].kind == "region"
    monkeypatch.setenv(build_cache.CACHE_DIR_VARIABLE, str(tmp_path))
    assert gazetteer_module.cache_file(settings) != gazetteer_module.cache_file()  # built and kept apart


def test_the_places_stage_reads_the_gazetteer_it_is_given() -> None:
    gazetteer = gazetteer_module.Gazetteer()
    atlantis = gazetteer_module.GazetteerEntry("Atlantis", "city", "GR", 1, 36.4, 25.4, population=5)
    gazetteer.add("Atlantis", atlantis)
    resolver = PlaceResolver(place_names=PlaceNames(gazetteer=gazetteer))
    places = _resolve("Ships sailed from Atlantis and Moscow.", "Moscow", resolver=resolver)
    # Atlantis is found after "from" in the given gazetteer; Moscow is not in it.
    assert _summary(places) == [
        ("Atlantis", "city", "GR", 1, ["Atlantis"]),
        ("Moscow", "other", None, None, ["Moscow"]),
    ]
