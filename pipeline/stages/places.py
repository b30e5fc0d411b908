"""Places: resolve place mentions offline and group them into entities.

The entities stage passes on one unresolved place per surface form. This stage:

* reads a following US state or "D.C." ("Columbus, OH", "Washington, D.C.") as a place
  of its own (the state) that also picks the right city; a following country ("Baikal,
  Russia") likewise constrains the place before it;
* adds places the model missed inside a list of places ("Moscow, Perm, and St. Petersburg")
  when the gazetteer knows the name exactly;
* resolves each mention: countries by name; cities by their qualifier, then by the
  countries the document talks about, then by population; unknown names keep nulls;
* groups mentions by geonameid into one entity each, named by the gazetteer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar

from pipeline.document import Document
from pipeline.gazetteer import Gazetteer, GazetteerEntry, load_gazetteer
from pipeline.records import Mention, Place
from pipeline.stages.base import Stage

_QUALIFIER = re.compile(r"^(,?\s*)(D\.C\.|DC\b|[A-Z]{2}\b|[A-Z][a-z]+(?:\s[A-Z][a-z]+)?)")
# A qualifier inside one mention, as in the model's single span "Washington D.C.".
_INNER_QUALIFIER = re.compile(r"^(.+?),?\s+(D\.C\.|DC|[A-Z]{2})$")
_COUNTRY_AFTER = re.compile(r"^,\s*((?:the\s+)?[A-Z][\w.]*(?:\s+[A-Z][\w.]*){0,3})")
_ITEM = r"[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,2}"
_LIST_NEXT = re.compile(rf"^(?:,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+)({_ITEM})")
_LIST_PREVIOUS = re.compile(rf"({_ITEM})(?:,\s*|\s+(?:and|or)\s+)$")
# Enough passes for a list of any realistic length; each pass may add one item per side.
_MAX_LIST_PASSES = 10


@dataclass(frozen=True)
class _Located:
    """A place mention with what its context says about it."""

    start: int
    end: int
    name_end: int  # end of the name itself, before a qualifier inside the mention
    state: GazetteerEntry | None = None  # the US state (or D.C.) that qualifies this city
    country: GazetteerEntry | None = None  # the country named right after this place
    is_qualifier: bool = False  # this mention is the state qualifying the place before it


class PlaceResolver(Stage):
    """Resolve place mentions to gazetteer entries and group them."""

    name: ClassVar[str] = "places"
    version: ClassVar[str] = "1"

    def __init__(self, gazetteer: Gazetteer | None = None) -> None:
        self._gazetteer = gazetteer

    @property
    def gazetteer(self) -> Gazetteer:
        """The gazetteer, built on first use and shared across the process."""
        if self._gazetteer is None:
            self._gazetteer = load_gazetteer()
        return self._gazetteer

    def __call__(self, doc: Document) -> Document:
        """Replace the unresolved `doc.places` with resolved, grouped places."""
        text = doc.text
        spans = sorted({(m.start, m.end) for place in doc.places for m in place.mentions})
        spans = self._complete_lists(text, spans)
        located = self._with_qualifiers(text, spans)
        context = self._country_context(text, located)
        resolved = [(loc, self._resolve(text, loc, context)) for loc in located]
        return doc.model_copy(update={"places": _group(text, resolved)})

    def _complete_lists(self, text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """Add list items next to known places that the gazetteer knows exactly."""
        known = set(spans)
        for _ in range(_MAX_LIST_PASSES):
            added: set[tuple[int, int]] = set()
            for start, end in sorted(known):
                for span in (self._next_item(text, end), self._previous_item(text, start)):
                    if span is not None and not _overlaps(span, known | added):
                        added.add(span)
            if not added:
                break
            known |= added
        return sorted(known)

    def _next_item(self, text: str, end: int) -> tuple[int, int] | None:
        following = _LIST_NEXT.match(text[end : end + 80])
        return self._item_span(text, end + following.start(1), end + following.end(1)) if following else None

    def _previous_item(self, text: str, start: int) -> tuple[int, int] | None:
        offset = max(0, start - 80)
        preceding = _LIST_PREVIOUS.search(text[offset:start])
        return self._item_span(text, offset + preceding.start(1), offset + preceding.end(1)) if preceding else None

    def _item_span(self, text: str, start: int, end: int) -> tuple[int, int] | None:
        item = text[start:end]
        for candidate in (item, item.rstrip(".")):
            # Only a place's own name counts here, never one of its alternate names.
            entries = self.gazetteer.lookup(candidate, primary_only=True)
            if candidate and entries and entries[0].kind in ("city", "country"):
                return (start, start + len(candidate))
        return None

    def _with_qualifiers(self, text: str, spans: list[tuple[int, int]]) -> list[_Located]:
        """Read states and D.C. after cities, inside or after the mention, and countries after places."""
        located: dict[tuple[int, int], _Located] = {}
        for start, end in spans:
            if (start, end) in located:
                continue  # already read as the qualifier of the place before it
            name = text[start:end]
            inner = _INNER_QUALIFIER.match(name)
            inner_state = self.gazetteer.us_state(inner.group(2)) if inner else None
            if inner and inner_state is not None and self._has_city_in(inner.group(1), inner_state):
                located[(start, end)] = _Located(start, end, start + len(inner.group(1)), state=inner_state)
                continue
            qualifier = _QUALIFIER.match(text[end : end + 40])
            state = self.gazetteer.us_state(qualifier.group(2)) if qualifier else None
            if qualifier and state is not None and self._has_city_in(name, state):
                located[(start, end)] = _Located(start, end, end, state=state)
                state_span = (end + qualifier.start(2), end + qualifier.end(2))
                if not _overlaps(state_span, {s for s in spans if s != state_span}):
                    located[state_span] = _Located(*state_span, state_span[1], state=state, is_qualifier=True)
                continue
            country = self._country_after(text, end)
            located[(start, end)] = _Located(start, end, end, country=country if country and country.name != name else None)
        return sorted(located.values(), key=lambda loc: (loc.start, loc.end))

    def _country_after(self, text: str, end: int) -> GazetteerEntry | None:
        """The country named right after a place ("Baikal, Russia August 2011" gives Russia)."""
        following = _COUNTRY_AFTER.match(text[end : end + 60])
        if following is None:
            return None
        words = following.group(1).split()
        for count in range(len(words), 0, -1):
            country = self.gazetteer.country(" ".join(words[:count]))
            if country is not None:
                return country
        return None

    def _has_city_in(self, name: str, state: GazetteerEntry) -> bool:
        return any(
            e.kind == "city" and e.country_code == "US" and e.admin1 == state.admin1
            for e in self.gazetteer.lookup(name)
        )

    def _country_context(self, text: str, located: list[_Located]) -> set[str]:
        """The countries the document names, directly or through a place only they have."""
        found = set()
        for loc in located:
            code = "US" if loc.state is not None else self._unambiguous_country(text[loc.start : loc.name_end])
            if code is not None:
                found.add(code)
        return found

    def _unambiguous_country(self, name: str) -> str | None:
        entries = self.gazetteer.lookup(name)
        if entries and entries[0].kind == "country":
            return entries[0].country_code
        codes = {e.country_code for e in entries if e.country_code}
        return codes.pop() if len(codes) == 1 else None

    def _resolve(self, text: str, loc: _Located, context: set[str]) -> GazetteerEntry | None:
        name = text[loc.start : loc.name_end]
        if loc.is_qualifier:
            return loc.state
        entries = self.gazetteer.lookup(name)
        if loc.state is not None:
            entries = tuple(
                e for e in entries if e.kind == "city" and e.admin1 == loc.state.admin1 and e.country_code == "US"
            )
            return entries[0] if entries else None
        if loc.country is not None:
            entries = tuple(e for e in entries if e.country_code == loc.country.country_code)
        if not entries:
            return None
        if entries[0].kind == "country":
            return entries[0]
        if name.startswith("Washington") and re.match(r"^\s+[Ss]tate\b", text[loc.name_end : loc.name_end + 10]):
            state = self.gazetteer.us_state("Washington")
            return state or entries[0]
        same_kind = [e for e in entries if e.kind == entries[0].kind]
        # The best-known place of the name wins unless the document never names its country
        # but does name another candidate's: "Moscow" on a page about Idaho is Moscow, Idaho.
        top = same_kind[0]
        if top.country_code in context:
            return top
        return next((e for e in same_kind if e.country_code in context), top)


def _overlaps(span: tuple[int, int], spans: set[tuple[int, int]]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in spans)


def _group(text: str, resolved: list[tuple[_Located, GazetteerEntry | None]]) -> tuple[Place, ...]:
    groups: dict[tuple[object, ...], list[tuple[_Located, GazetteerEntry | None]]] = {}
    for loc, entry in resolved:
        if entry is not None:
            key: tuple[object, ...] = ("resolved", entry.geonameid)
        else:
            key = (
                "unresolved",
                text[loc.start : loc.name_end].casefold(),
                loc.country.country_code if loc.country else None,
            )
        groups.setdefault(key, []).append((loc, entry))
    places = []
    for members in groups.values():
        loc, entry = members[0]
        mentions = tuple(Mention(text=text[m.start : m.end], start=m.start, end=m.end) for m, _ in members)
        if entry is not None:
            place = Place(
                name=entry.name,
                kind=entry.kind,
                country_code=entry.country_code,
                geonameid=entry.geonameid,
                latitude=entry.latitude,
                longitude=entry.longitude,
                mentions=mentions,
            )
        else:
            surface = max((text[m.start : m.name_end] for m, _ in members), key=len)
            # A country stated right after the name ("Baikal, Russia") is known, not guessed.
            code = loc.country.country_code if loc.country else None
            place = Place(name=surface, kind="other", country_code=code, mentions=mentions)
        places.append(place)
    return tuple(sorted(places, key=lambda p: (p.mentions[0].start, p.mentions[0].end)))
