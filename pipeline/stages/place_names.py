"""What the places stage knows about names: the one gazetteer, and the rules that read it in a text.

Every question asked of the gazetteer goes through a `PlaceNames`: the places stage's own
(resolving and finding places) and the few the entity stage must ask before it can group
organizations ("is this ORG span a country?", "is 'P.S.' a place code?"). So all place
knowledge lives on the places side, and one gazetteer serves both stages: the registry
builds one `PlaceNames` per chain of stages and gives it to each (`BuildContext`; `set_up`,
called by the stages' `setup`, loads the gazetteer once per process, and only when some
document is processed, so a re-run served from the cache does not load it).
"""

from __future__ import annotations

import re
from collections.abc import Collection

from pipeline.config import PlacesConfig
from pipeline.gazetteer import Gazetteer, load_gazetteer
from pipeline.lexicon import LOCATIVE_WORD, US_POSTAL_CODE
from pipeline.records import PlaceKind

_CITY: tuple[PlaceKind, ...] = ("city",)
# A locative word right before a name: "in Santa Fe", "from Miramar", "visiting the".
_LOCATIVE_BEFORE = re.compile(rf"\b(?:{LOCATIVE_WORD})[ ]+(?:the[ ]+)?$")
# A US state after a city: "Chillicothe, OH", "Miramar, California".
_STATE_AFTER = re.compile(rf",?[ ]+({US_POSTAL_CODE}|[A-Z][a-z]+(?: [A-Z][a-z]+)?)")
# A country or US state after a place and a comma: "Baikal, Russia", "Miramar, Florida";
# of two words the first may be enough ("Russia August 2011").
_QUALIFIER_AFTER = re.compile(r",[ ]+([A-Z][\w.]*(?: [A-Z][\w.]*)?)")
_POSTAL_CODE = re.compile(US_POSTAL_CODE)
_NAME_AND_COMMA_BEFORE = re.compile(r"[A-Z][a-z]+,[ ]+$")


class PlaceNames:
    """The gazetteer (built once per process, or given) and the name tests the stages share."""

    def __init__(self, config: PlacesConfig | None = None, gazetteer: Gazetteer | None = None) -> None:
        """Create it; the gazetteer is loaded by `set_up` or on first use unless given here.

        Args:
            config: The places settings (look-behind windows, the length of place codes).
            gazetteer: A gazetteer to use instead of the process's (`load_gazetteer`).
        """
        self.config = config or PlacesConfig()
        self._gazetteer = gazetteer

    def set_up(self) -> None:
        """Load the gazetteer now (once per process), not in the first document's time."""
        self.gazetteer  # noqa: B018 -- the property loads it

    @property
    def gazetteer(self) -> Gazetteer:
        """The gazetteer, loaded on first use and shared across the process."""
        if self._gazetteer is None:
            self._gazetteer = load_gazetteer(self.config.gazetteer)
        return self._gazetteer

    def is_place_name(self, name: str, kinds: Collection[PlaceKind] = ("country", "region", "city")) -> bool:
        """Whether `name` is the own name of a known place of one of `kinds` (see `Gazetteer.is_place_name`)."""
        return self.gazetteer.is_place_name(name, kinds)

    def is_country_or_region(self, name: str) -> bool:
        """Whether `name` is the own name of a country, a US state or a continent."""
        return self.gazetteer.is_country_or_region(name)

    def is_possible_place_code(self, code: str) -> bool:
        """Whether a name in capitals ("U.S.", "UAE", "P.S.") read as a place can be one.

        Place codes have at most `places.gazetteer.max_code_letters` letters and are then only
        places when the gazetteer knows them; longer capitals are acronyms, not place codes,
        and are left to the other rules.
        """
        if sum(c.isalpha() for c in code) > self.config.gazetteer.max_code_letters:
            return True
        return bool(self.gazetteer.lookup(code)) or self.gazetteer.us_state(code) is not None

    def is_qualified(self, text: str, end: int) -> bool:
        """Whether a country or US state follows a place ending at `end`, after a comma ("Baikal, Russia")."""
        match = _QUALIFIER_AFTER.match(text, end)
        return match is not None and (
            self.is_country_or_region(match.group(1)) or self.is_country_or_region(match.group(1).split(" ")[0])
        )

    def is_place_here(self, text: str, start: int, end: int) -> bool:
        """Whether the name at `text[start:end]` (read as an organization) is a place.

        A country or US state is one anywhere; a city where the words around say so ("in
        Santa Fe", "Chillicothe, OH"); a state's postal code after a city and a comma
        ("Lawrence, KS"). City names are too often company or family names ("Toyota",
        "Caldwell insurance") to overrule the model without such a cue.
        """
        surface = text[start:end]
        if self.is_country_or_region(surface):
            return True
        lookbehind = max(0, start - self.config.locative_lookbehind_chars)
        if not self.is_place_name(surface, kinds=_CITY):
            return (
                _POSTAL_CODE.fullmatch(surface) is not None
                and self.gazetteer.us_state(surface) is not None
                and _NAME_AND_COMMA_BEFORE.search(text, lookbehind, start) is not None
            )
        if _LOCATIVE_BEFORE.search(text, lookbehind, start):
            return True
        qualifier = _STATE_AFTER.match(text, end)
        return qualifier is not None and self.gazetteer.us_state(qualifier.group(1)) is not None
