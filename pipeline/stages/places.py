"""Places: resolve place mentions offline and group them into one entity per place.

The entities stage passes on the place mentions it found as typed spans
(`Document.place_spans`). This stage owns every use of the gazetteer (through
`PlaceNames`, which it shares with the entity stage) and:

* reads a following US state or "D.C." ("Columbus, OH", "Washington, D.C.") as the
  qualifier that picks the city; by default the state is then a place of its own ("OH" is
  a mention of Ohio), with `places.merge_state_qualifiers` it joins the city's mention
  ("Columbus, OH"); a following country ("Baikal, Russia") stays a mention of its own either way but
  says which country the place before it is in;
* adds places the model missed, when the gazetteer knows the name exactly: inside a
  coordinated list that already holds a place ("Moscow, Perm, and St. Petersburg"); after
  a locative word ("living in Noida"; after "to" or "the", or in lower case, only
  countries and US states); before the state that has such a city ("Saginaw, Michigan");
  a country or US state name standing on its own; the place of a news dateline ("MOSCOW
  1996-08-30");
* resolves every mention: countries by name; cities by their qualifier, then by the US
  states and countries the document names, then a city that dwarfs its namesakes;
  namesakes of like size in several countries with nothing to choose between them, and
  unknown names, keep nulls;
* groups the mentions of one place (same geonameid, or same name when unresolved).

The module is over 500 lines: finding, qualifying and resolving places read the same
surroundings of a mention through the same small helpers, and split apart they would pass
most of the document state between modules.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import ClassVar

from pipeline.config import PlacesConfig
from pipeline.document import Document
from pipeline.gazetteer import Gazetteer, GazetteerEntry
from pipeline.lexicon import LOCATIVE_WORD, MONTH_NAMES, MONTH_PREFIX, PLACE_NAME_ABBREVIATIONS, US_POSTAL_CODE
from pipeline.records import Mention, Place, PlaceKind
from pipeline.stages.base import Stage
from pipeline.stages.place_names import PlaceNames

Span = tuple[int, int]

# A capitalized word as places are written: "Perm", "St.", "U.S.", "D.C.", "Winston-Salem".
_WORD = r"[A-Z](?:[\w'’-]|\.(?=\w))*\.?"
_RUN = re.compile(rf"{_WORD}(?: {_WORD})*")
_RUN_BEFORE = re.compile(rf"(?<![\w.'’-])(?:{_WORD} )*{_WORD}$")
# List separators stay on one line: a block boundary ("\n\n") never continues a list.
_SEPARATOR = re.compile(r",[ ]+(?:(?:and|or)[ ]+)?|[ ]+(?:and|or)[ ]+")
_SEPARATOR_BEFORE = re.compile(r"(?:,[ ]+(?:(?:and|or)[ ]+)?|[ ]+(?:and|or)[ ]+)$")
# Words whose period is an abbreviation's, so a name goes on after them.
_ABBREVIATIONS = frozenset(f"{abbreviation}." for abbreviation in PLACE_NAME_ABBREVIATIONS)
_CONJUNCTION = re.compile(r"\b(?:and|or)\b")
# What may follow the last item of a two-item list ("Moscow and Perm."), so that "Moscow and
# Jackson said" does not make a city of a person.
_CLAUSE_END = re.compile(r"[.,;:!?)\]\"”]|\s*$|\n")
# A US state after a place: a postal code, plain or dotted ("OH", "N.Y.", "D.C."), or a name
# of up to three words.
_STATE = rf"{US_POSTAL_CODE}|[A-Z][a-z]+(?: [A-Z][a-z]+){{0,2}}"
_QUALIFIER = re.compile(rf"(,?[ ])({_STATE})")
_INTERNAL_QUALIFIER = re.compile(rf"(.+?),?[ ]({_STATE})")
_POSTAL_CODE = re.compile(US_POSTAL_CODE)
_STATE_AFTER = re.compile(r"[ ]+[Ss]tate\b")
_STATE_BEFORE = re.compile(r"\b[Ss]tate of[ ]+$")
# A capitalized run after a word that introduces a place: "in Noida", "from Baguio".
_LOCATIVE_RUN = re.compile(
    rf"\b(?P<word>{LOCATIVE_WORD})"
    rf"[ ]+(?P<the>the[ ]+)?(?P<name>{_WORD}(?: {_WORD})*|[a-z]+(?: [a-z]+)?(?=[ ]*[.,;:!?]|$))",
    re.MULTILINE,
)
# Up to three capitalized words, then a US state after a comma: "Bay Rd Saginaw, Michigan".
_NAME_BEFORE_STATE = re.compile(rf"(?P<name>{_WORD}(?: {_WORD}){{0,2}}),[ ](?P<state>{_STATE})(?![\w])")
_COUNTRY_OR_REGION: tuple[PlaceKind, ...] = ("country", "region")
# A dateline: up to three words in capitals opening a line, then a comma, "(", a dash or a
# date ("1996-08-30", "8/30", "Aug 30"); other numbers are scores and standings ("BOSTON 70 62").
_DATELINE = re.compile(
    r"^(?P<name>[A-Z][A-Z.'-]+(?: [A-Z][A-Z.'-]+){0,2})[ ]*(?=,|\(|[-–—][ ]|\d{4}-\d\d|\d{1,2}/\d{1,2}"
    rf"|{MONTH_PREFIX}[a-z]*\.?[ ]\d)",
    re.MULTILINE,
)
_MONTHS = frozenset(MONTH_NAMES)


@dataclass(frozen=True)
class _Located:
    """A place mention with what its surroundings say about it."""

    start: int
    end: int  # end of the place with its qualifier
    name_end: int  # end of the name itself
    state: GazetteerEntry | None = None  # the US state qualifying it ("OH", "D.C.")
    qualifier_start: int | None = None  # where a qualifier after the model's span starts
    stated_country: str | None = None  # country named right after it ("Baikal, Russia")
    state_phrase: bool = False  # "Washington state", "the state of Washington"


@dataclass(frozen=True)
class _Resolved:
    """One output mention and the place it names."""

    start: int
    end: int
    name: str  # the name as written, without a merged qualifier
    entry: GazetteerEntry | None
    stated_country: str | None  # for an unknown place: the country the text puts it in


@dataclass
class _Context:
    """What the document says about where it is."""

    countries: Counter[str] = field(default_factory=Counter)
    states: set[str] = field(default_factory=set)


class PlaceResolver(Stage):
    """Resolve place mentions to gazetteer entries and group them into places."""

    name: ClassVar[str] = "places"
    version: ClassVar[str] = "2"
    reads: ClassVar[frozenset[str]] = frozenset({"text", "place_spans", "organizations", "dates"})
    writes: ClassVar[frozenset[str]] = frozenset({"places"})

    def __init__(self, config: PlacesConfig | None = None, place_names: PlaceNames | None = None) -> None:
        """Create the stage.

        Args:
            config: The places settings (the defaults if None).
            place_names: The gazetteer and its name tests, shared with the entity stage (the
                registry gives both the same one); by default one over the process's gazetteer.
        """
        self.config = config or PlacesConfig()
        self.place_names = place_names or PlaceNames(self.config)

    def setup(self) -> None:
        """Build (or read back) the gazetteer before any document's time limit starts."""
        self.place_names.set_up()

    @property
    def gazetteer(self) -> Gazetteer:
        """The gazetteer of `place_names`, loaded on first use and shared across the process."""
        return self.place_names.gazetteer

    def __call__(self, doc: Document) -> Document:
        """Set `doc.places` from `doc.place_spans` and what the text adds: resolved, one per place."""
        text = doc.text
        spans = _non_overlapping((s.start, s.end) for s in doc.place_spans if 0 <= s.start < s.end <= len(text))
        taken = [(m.start, m.end) for organization in doc.organizations for m in organization.mentions]
        taken += [(d.start, d.end) for d in doc.dates]
        located = self._locate(text, spans)
        # Lists are read over merged mentions, so that "Columbus, OH" is one item, not two.
        found = self._discover(text, [(loc.start, loc.end) for loc in located], taken)
        if found:
            located = self._locate(text, _non_overlapping([*spans, *found]))
        context = self._context(text, located)
        resolved: list[_Resolved] = []
        for loc in located:
            entry = self._resolve(text, loc, context)
            name = text[loc.start : loc.name_end]
            stated = loc.stated_country or (loc.state.country_code if loc.state is not None else None)
            if loc.qualifier_start is None or self.config.merge_state_qualifiers:
                resolved.append(_Resolved(loc.start, loc.end, name, entry, stated))
            else:
                resolved.append(_Resolved(loc.start, loc.name_end, name, entry, stated))
                qualifier = text[loc.qualifier_start : loc.end]
                resolved.append(_Resolved(loc.qualifier_start, loc.end, qualifier, loc.state, None))
        return doc.model_copy(update={"places": _group(text, resolved)})

    # Finding places the model missed.

    def _discover(self, text: str, spans: list[Span], taken: list[Span]) -> list[Span]:
        """Find untagged places: items of lists of places and countries after a place."""
        known = set(spans)
        starts = {start: end for start, end in spans}
        ends = {end: start for start, end in spans}
        found: list[Span] = []
        for anchor in spans:
            items, coordinated = self._list_around(text, anchor, starts, ends, taken)
            new = [item for item, is_new in items if is_new]
            if coordinated and (len(items) > 2 or all(self._ends_clause(text, item[1]) for item in new)):
                found.extend(new)
            country = self._country_span_after(text, anchor, starts, taken)
            if country is not None:
                found.append(country)
        found.extend(self._after_locative_words(text, taken))
        found.extend(self._before_states(text, taken))
        found.extend(self._countries_and_states(text, taken))
        found.extend(self._datelines(text, taken))
        return [span for span in _non_overlapping(found) if span not in known and not _overlaps(span, spans)]

    def _datelines(self, text: str, taken: list[Span]) -> list[Span]:
        """The place of a news dateline: a line opening with a known name in capitals and
        then a date, a comma, a dash or a parenthesis ("MOSCOW 1996-08-30", "TEHRAN (AFP) -")."""
        found: list[Span] = []
        for match in _DATELINE.finditer(text):
            span = match.span("name")
            if not _overlaps(span, taken) and self.gazetteer.is_place_name(match.group("name")):
                found.append(span)
        return found

    def _countries_and_states(self, text: str, taken: list[Span]) -> list[Span]:
        """Untagged names of countries and US states standing on their own ("( Belarus )").

        Unlike a city's, such a name is hardly ever anything but the place. A name inside a
        longer capitalized run ("Georgia Tech") or written in capitals (a headline) is left.
        """
        found: list[Span] = []
        for match in _RUN.finditer(text):
            for run in _sentences(text, match.start(), match.end()):
                name = text[run[0] : run[1]]
                if (
                    not name.isupper()
                    and len(name.split(" ")) <= self.config.max_item_words
                    and self.gazetteer.is_place_name(name, kinds=_COUNTRY_OR_REGION)
                    and not _overlaps(run, taken)
                ):
                    found.append(run)
        return found

    def _before_states(self, text: str, taken: list[Span]) -> list[Span]:
        """Untagged US cities named with their state: "4783 Bay Rd Saginaw, Michigan".

        The last one to three capitalized words before the state that name a city of that
        state are the city; the state itself is then found as its qualifier.
        """
        found: list[Span] = []
        for match in _NAME_BEFORE_STATE.finditer(text):
            state = self.gazetteer.us_state(match.group("state"))
            if state is None:
                continue
            words = match.group("name").split(" ")
            for first in range(len(words)):
                name = " ".join(words[first:])
                span = (match.end("name") - len(name), match.end("name"))
                if self._city_in(name, state) is not None and not _overlaps(span, taken):
                    found.append(span)
                    break
        return found

    def _after_locative_words(self, text: str, taken: list[Span]) -> list[Span]:
        """Untagged known places right after "in", "from", "near" ...: "living in Noida".

        The whole capitalized run must be the own name of a city, country or region, so
        that "in Dallas Street" or "in New York Times" add nothing.
        """
        found: list[Span] = []
        for match in _LOCATIVE_RUN.finditer(text):
            run = _first_sentence(text, match.start("name"), match.end("name"))
            name = text[run[0] : run[1]]
            if len(name.split(" ")) > self.config.max_item_words or name in _MONTHS or _overlaps(run, taken):
                continue
            # "to" also makes infinitives and recipients ("forward to Brant"), "the" goes with
            # titles ("the Bush administration"), and a name in lower case may be a word:
            # there only a country or a US state counts ("going to mississippi").
            loose = match.group("word").lower() == "to" or match.group("the") or name.islower()
            kinds: tuple[PlaceKind, ...] = ("country", "region") if loose else ("country", "region", "city")
            if self.gazetteer.is_place_name(name, kinds=kinds):
                found.append(run)
        return found

    def _list_around(
        self, text: str, anchor: Span, starts: dict[int, int], ends: dict[int, int], taken: list[Span]
    ) -> tuple[list[tuple[Span, bool]], bool]:
        """The list an existing place belongs to: its items (and whether each is new), and
        whether the list is coordinated ("A, B, and C", "A and B")."""
        items: list[tuple[Span, bool]] = [(anchor, False)]
        coordinated = False
        position = anchor[1]
        while (separator := _SEPARATOR.match(text, position)) is not None:
            item_start = separator.end()
            if item_start in starts:
                item, is_new = (item_start, starts[item_start]), False
            else:
                run = _RUN.match(text, item_start)
                candidate = self._list_item(text, _first_sentence(text, run.start(), run.end()), taken) if run else None
                if candidate is None:
                    break
                item, is_new = candidate, True
            coordinated = coordinated or bool(_CONJUNCTION.search(separator.group()))
            items.append((item, is_new))
            position = item[1]
        position = anchor[0]
        while (
            separator := _SEPARATOR_BEFORE.search(text, max(0, position - self.config.list_lookbehind_chars), position)
        ) is not None:
            item_end = separator.start()
            if item_end in ends:
                item, is_new = (ends[item_end], item_end), False
            else:
                window_start = max(0, item_end - self.config.max_list_run_chars)
                run = _RUN_BEFORE.search(text, window_start, item_end)
                if run is not None and 0 < window_start == run.start():
                    break  # the run may go on before the window
                candidate = self._list_item(text, _last_sentence(text, run.start(), run.end()), taken) if run else None
                if candidate is None or candidate[1] != item_end:
                    break
                item, is_new = candidate, True
            coordinated = coordinated or bool(_CONJUNCTION.search(separator.group()))
            items.insert(0, (item, is_new))
            position = item[0]
        return items, coordinated

    def _list_item(self, text: str, run: Span, taken: list[Span]) -> Span | None:
        """The run if it is exactly the own name of a city or a country."""
        name = text[run[0] : run[1]]
        if len(name.split(" ")) > self.config.max_item_words or _overlaps(run, taken):
            return None
        entries = self.gazetteer.lookup(name, primary_only=True)
        return run if entries and entries[0].kind in ("city", "country") else None

    def _ends_clause(self, text: str, end: int) -> bool:
        return _CLAUSE_END.match(text, end) is not None

    def _country_span_after(self, text: str, anchor: Span, starts: dict[int, int], taken: list[Span]) -> Span | None:
        """An untagged country right after a place that is not itself a country ("Baikal, Russia")."""
        top = self._top(text[anchor[0] : anchor[1]])
        if top is not None and top.kind != "city":
            return None
        found = self._country_after(text, anchor[1])
        if found is None or found[0][0] in starts or _overlaps(found[0], taken):
            return None
        return found[0]

    def _country_after(self, text: str, end: int) -> tuple[Span, GazetteerEntry] | None:
        """The country named right after `end` (", Russia August 2011" gives Russia)."""
        if not text.startswith(", ", end):
            return None
        run = _RUN.match(text, end + 2)
        if run is None:
            return None
        start, run_end = _first_sentence(text, run.start(), run.end())
        words = text[start:run_end].split(" ")
        # Longest first: "United States" before "United"; "Russia August 2011" gives "Russia".
        for count in range(min(len(words), self.config.max_item_words + 1), 0, -1):
            name = " ".join(words[:count])
            country = self.gazetteer.country(name)
            if country is not None:
                return (start, start + len(name)), country
        return None

    # Reading each mention's surroundings.

    def _locate(self, text: str, spans: list[Span]) -> list[_Located]:
        """Merge a following state into each mention and note a following country."""
        located: list[_Located] = []
        absorbed_until = -1
        for index, (start, end) in enumerate(spans):
            if start < absorbed_until:
                continue  # the qualifier of the place before ("OH", "D.C.")
            name = text[start:end]
            merged = self._merge_qualifier(text, spans, index) or self._split_qualifier(text, start, end)
            if merged is not None:
                located.append(merged)
                absorbed_until = merged.end
                continue
            top = self._top(name)
            stated: str | None = None
            if top is None or top.kind == "city":
                country = self._country_after(text, end)
                if country is not None:
                    stated = country[1].country_code
                elif top is None:
                    stated = self._state_after(text, end)
            before = text[max(0, start - self.config.list_lookbehind_chars) : start]
            phrase = bool(_STATE_AFTER.match(text, end) or _STATE_BEFORE.search(before))
            located.append(_Located(start, end, end, stated_country=stated, state_phrase=phrase))
        return located

    def _merge_qualifier(self, text: str, spans: Sequence[Span], index: int) -> _Located | None:
        """Mention `index` with a following state merged in ("Columbus, OH"), if one follows.

        The state is merged when the gazetteer has a city of that name in it, or, for an
        unknown place, when it is written as a postal code after a comma ("Smallville, KS").
        """
        start, end = spans[index]
        match = _QUALIFIER.match(text, end)
        if match is None:
            return None
        name = text[start:end]
        separator, written = match.group(1), match.group(2)
        top = self._top(name)
        # Longest first: "New York" before "New", "Ohio Governor" falls back to "Ohio".
        words = written.split(" ")
        for count in range(len(words), 0, -1):
            qualifier = " ".join(words[:count])
            qualifier_end = match.start(2) + len(qualifier)
            if _runs_past(spans, index + 1, qualifier_end):
                continue  # a longer mention runs on past it ("New York City")
            state = self.gazetteer.us_state(qualifier)
            if state is None:
                continue
            if self._city_in(name, state) is not None or (
                top is None and separator.startswith(",") and _POSTAL_CODE.fullmatch(qualifier) and state.admin1 != "DC"
            ):
                return _Located(start, qualifier_end, end, state=state, qualifier_start=match.start(2))
        return None

    def _split_qualifier(self, text: str, start: int, end: int) -> _Located | None:
        """A mention that already holds its state ("Columbus, Ohio" tagged as one), unless
        the gazetteer knows the whole of it."""
        name = text[start:end]
        if self.gazetteer.lookup(name):
            return None
        match = _INTERNAL_QUALIFIER.fullmatch(name)
        if match is None:
            return None
        state = self.gazetteer.us_state(match.group(2))
        if state is None or self._city_in(match.group(1), state) is None:
            return None
        return _Located(start, end, start + len(match.group(1)), state=state)

    def _state_after(self, text: str, end: int) -> str | None:
        """ "US" if a US state's name follows the unknown place ("Smallville, Kansas")."""
        match = _QUALIFIER.match(text, end)
        if match is None or not match.group(1).startswith(","):
            return None
        state = self.gazetteer.us_state(match.group(2))
        return state.country_code if state is not None and state.admin1 != "DC" else None

    def _city_in(self, name: str, state: GazetteerEntry) -> GazetteerEntry | None:
        return next(
            (
                e
                for e in self.gazetteer.lookup(name)
                if e.kind == "city" and e.country_code == "US" and e.admin1 == state.admin1
            ),
            None,
        )

    def _top(self, name: str) -> GazetteerEntry | None:
        entries = self.gazetteer.lookup(name)
        return entries[0] if entries else None

    # Resolving.

    def _context(self, text: str, located: Iterable[_Located]) -> _Context:
        """The countries (counted per mention) and US states the document is sure about."""
        context = _Context()
        for loc in located:
            if loc.state is not None:
                context.states.add(loc.state.admin1 or "")
                context.countries["US"] += 1
                continue
            if loc.stated_country is not None:
                context.countries[loc.stated_country] += 1
            entries = self.gazetteer.lookup(text[loc.start : loc.name_end])
            if not entries:
                continue
            top = entries[0]
            if top.kind == "region" and top.country_code == "US" and top.admin1 is not None:
                context.states.add(top.admin1)
            code = _certain_country(entries, self.config.dominant_ratio)
            if code is not None and code != loc.stated_country:
                context.countries[code] += 1
        return context

    def _resolve(self, text: str, loc: _Located, context: _Context) -> GazetteerEntry | None:
        """The place a mention names, or None when the gazetteer cannot tell."""
        name = text[loc.start : loc.name_end]
        if loc.state is not None:
            return self._city_in(name, loc.state)
        entries = self.gazetteer.lookup(name)
        if not entries:
            return None
        # Said of a US state only when the text says so: a bare "Washington" in the news is the
        # capital (often standing for the US government), and the state is written "Washington
        # state" or "the state of Washington".
        if loc.state_phrase:
            state = self.gazetteer.us_state(name)
            if state is not None:
                return state
        top = entries[0]
        if top.kind != "city":
            return top
        cities = [e for e in entries if e.kind == "city"]
        if loc.stated_country is not None:
            # "Perm, Russia" picks Russia's Perm; a list ("Moscow, Germany and France") does not
            # place Moscow in Germany, so a country with no such city is ignored.
            in_country = [e for e in cities if e.country_code == loc.stated_country]
            if in_country:
                return in_country[0]
        in_states = [e for e in cities if e.country_code == "US" and e.admin1 in context.states]
        if in_states:
            return in_states[0]
        if _dominant(cities, self.config.dominant_ratio) or len({e.country_code for e in cities}) == 1:
            return cities[0]
        # max() keeps the first of equals, and cities come largest first.
        best = max(cities, key=lambda e: context.countries[e.country_code or ""])
        # Namesakes of like size in several countries and nothing in the text to choose
        # between them ("Santa Fe", "Newcastle"): the country would be a guess, so it stays open.
        return best if context.countries[best.country_code or ""] > 0 else None


def _ends_sentence(word: str) -> bool:
    """Whether a word's final period ends a sentence rather than an abbreviation ("U.S.", "St.")."""
    return word.endswith(".") and "." not in word[:-1] and word not in _ABBREVIATIONS


def _first_sentence(text: str, start: int, end: int) -> Span:
    """The part of a capitalized run up to the first sentence end, without its period."""
    position = start
    for word in text[start:end].split(" "):
        if _ends_sentence(word):
            return (start, position + len(word) - 1)
        position += len(word) + 1
    return (start, end)


def _sentences(text: str, start: int, end: int) -> list[Span]:
    """The parts of a capitalized run between sentence ends ("WINS. Ohio" gives "WINS", "Ohio")."""
    parts = []
    while start < end:
        part = _first_sentence(text, start, end)
        parts.append(part)
        start = part[1] + 2  # past the period and the space
    return parts


def _last_sentence(text: str, start: int, end: int) -> Span:
    """The part of a capitalized run after its last sentence end ("Perm. Kazan" gives "Kazan")."""
    words = text[start:end].split(" ")
    position = start
    for word in words[:-1]:
        position += len(word) + 1
        if _ends_sentence(word):
            start = position
    return (start, end)


def _certain_country(entries: Sequence[GazetteerEntry], dominant_ratio: int) -> str | None:
    """The country a name is in whatever it names, if the name alone tells."""
    top = entries[0]
    if top.kind != "city":
        return top.country_code
    cities = [e for e in entries if e.kind == "city"]
    if len({e.country_code for e in cities}) == 1 or _dominant(cities, dominant_ratio):
        return top.country_code
    return None


def _dominant(cities: Sequence[GazetteerEntry], ratio: int) -> bool:
    """Whether the first city is `ratio` times larger than any namesake (`places.dominant_ratio`)."""
    if len(cities) == 1:
        return True
    runner_up = max(e.population for e in cities[1:])
    return cities[0].population >= ratio * max(runner_up, 1)


def _runs_past(spans: Sequence[Span], first: int, position: int) -> bool:
    """Whether a span from `first` on starts before `position` and ends after it."""
    # Sorted and disjoint: the scan stops at the first span that starts at `position` or later.
    index = first
    while index < len(spans) and spans[index][0] < position:
        if spans[index][1] > position:
            return True
        index += 1
    return False


def _non_overlapping(spans: Iterable[Span]) -> list[Span]:
    """The spans sorted, keeping the longer of two that start together and the earlier of
    two that overlap."""
    kept: list[Span] = []
    for start, end in sorted(set(spans), key=lambda s: (s[0], -s[1])):
        if not kept or start >= kept[-1][1]:
            kept.append((start, end))
    return kept


def _overlaps(span: Span, spans: Iterable[Span]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in spans)


def _group(text: str, resolved: list[_Resolved]) -> tuple[Place, ...]:
    """One place per geonameid (per case-folded name when unresolved), sorted by first mention."""
    groups: dict[tuple[str, object], list[_Resolved]] = {}
    for item in resolved:
        key: tuple[str, object] = (
            ("geonameid", item.entry.geonameid) if item.entry is not None else ("name", item.name.casefold())
        )
        groups.setdefault(key, []).append(item)
    places = []
    for members in groups.values():
        members.sort(key=lambda item: (item.start, item.end))
        mentions = tuple(Mention(text=text[m.start : m.end], start=m.start, end=m.end) for m in members)
        entry = members[0].entry
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
            # The longest surface form; the first of equals, as the mentions are in text order.
            surface = max((m.name for m in members), key=len)
            # A country stated in the text ("Baikal, Russia") is known, not guessed; mentions
            # that disagree leave it open.
            stated = {m.stated_country for m in members if m.stated_country is not None}
            code = stated.pop() if len(stated) == 1 else None
            place = Place(name=surface, kind="other", country_code=code, mentions=mentions)
        places.append(place)
    return tuple(sorted(places, key=lambda p: (p.mentions[0].start, p.mentions[0].end)))
