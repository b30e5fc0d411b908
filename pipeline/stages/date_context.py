"""What the words around a date say about it: the tense of its clause, and whether a number is a year.

Two questions the date stage cannot answer from the expression alone, answered here from its
context with word lists, as HeidelTime and SUTime do for news. No tagger: the verb group is
marked by a few closed-class words and by verb endings, and spaCy's tagger (with its tok2vec)
took 0.85x the CPU time of NER on the TimeBank texts, where the whole date stage may take
0.25x; reading the tense with these lists was 4% of the date stage's own time in a profile.

* `tense_near`: is the clause a date stands in about the past or the future? "The council
  will meet on Friday" points at the coming Friday, "the council met on Friday" at the last
  one; "the talks resume in October" (present for a scheduled event) says neither.
* `year_by_context`: is a bare four-digit number a year? "a 2008 survey", "her 2014
  campaign", "in 2016 approved" are years; "rose to 1900 by evening" and "2000 volunteers"
  are counts. The shape of the number decides nothing; its neighbours do.
"""

from __future__ import annotations

import re
from typing import Literal

Tense = Literal["past", "future"]

# Words that put their clause in the future: modals, and adjectives and verbs of schedules
# ("was planned for early March" is still to come). "could" is left out: it is as often the
# past of "can" ("could not be reached Wednesday").
_FUTURE_WORDS = frozenset(
    "will 'll shall would must should might can may planned planning scheduled due payable effective expire "
    "expires upcoming coming next soon tomorrow".split()
)
# Words that take an infinitive of what is still to happen: "plans to", "is to meet", "decided to admit".
_INTENT_BEFORE_TO = frozenset(
    "is are be have has going set plan plans planned planning intend intends intended aims hopes hope hoped "
    "want wants wanted decided agreed voted promised pledged vowed expected expects expect supposed likely "
    "ready scheduled about".split()
)
# Present forms of "be" stop the search without a tense: "the dividend is payable Jan. 2" is
# near, whichever side of the anchor.
_PRESENT_WORDS = frozenset("is are am".split())
# Forms of "be" before a participle: the participle is passive and the auxiliary carries the tense.
_PASSIVE_AUXILIARIES = frozenset("be been being is are am was were".split())
# Irregular past forms (regular ones end in -ed) and the words of a perfect or of a past reference.
_PAST_WORDS = frozenset(
    "was were had did has have said told since recently began came went took made gave found left saw got held "
    "fell rose won lost met sent spent built brought bought thought caught fought sought struck stood sold paid "
    "led fled shot ran wrote spoke broke chose drove flew grew knew threw drew became kept felt meant heard hung "
    "sank rang forgot ate arose bore wore tore swore froze stole shook withdrew underwent undertook overtook "
    "overthrew oversaw".split()
)
# Words ending in -ed that are not past forms.
_NOT_PAST_ED = frozenset(
    "need speed indeed bed red hundred united proceed exceed succeed feed seed breed shed weed greed deed reed "
    "sacred naked wicked kindred aged beloved".split()
)
# Before an -ed word these make it an adjective: "a still unspecified date", "the injured man".
_ARTICLES = frozenset("the a an his her its their our my your".split())
_WORD = re.compile(r"[A-Za-z]+(?:[-'][A-Za-z]+)*|'ll")
# A clause ends at sentence punctuation followed by space, at a semicolon, a colon or a line break.
_CLAUSE_END = re.compile(r"(?<![A-Z])[.!?](?=\s)|[;:\n]")


def tense_near(text: str, start: int, end: int, window_words: int) -> Tense | None:
    """The tense of the clause around text[start:end]: the nearest marker before it, else after it.

    Looks at most `window_words` words on each side and never past the clause's end.
    Present tense and clauses with no marker give None: the caller then goes by distance.
    """
    before_text = text[max(0, start - 12 * window_words) : start]
    cut = [m.end() for m in _CLAUSE_END.finditer(before_text)]
    # One word more than the window: a marker's own previous word ("be paid") is read too.
    before = _WORD.findall(before_text[cut[-1] if cut else 0 :])[-window_words - 1 :]
    for index in range(len(before) - 1, max(-1, len(before) - window_words - 1), -1):
        found = _marker(before, index)
        if found is not None:
            return None if found == "present" else found
    after_text = text[end : end + 12 * window_words]
    stop = _CLAUSE_END.search(after_text)
    after = _WORD.findall(after_text[: stop.start() if stop else len(after_text)])[:window_words]
    for index in range(len(after)):
        found = _marker(after, index)
        if found is not None:
            return None if found == "present" else found
    return None


def _marker(words: list[str], index: int) -> Tense | Literal["present"] | None:
    """The tense `words[index]` marks in its clause, if it marks one."""
    word = words[index]
    if word == "May":
        return None  # the month, not the modal
    lower = word.lower()
    following = words[index + 1].lower() if index + 1 < len(words) else ""
    previous = words[index - 1].lower() if index > 0 else ""
    if (
        lower in _FUTURE_WORDS
        or (following == "to" and lower in _INTENT_BEFORE_TO)
        or (lower, following) in (("to", "be"), ("as", "soon"))
    ):
        return "future"
    if lower in _PRESENT_WORDS:
        return "present"
    past_form = lower in _PAST_WORDS or (
        len(lower) > 3 and lower.endswith("ed") and lower not in _NOT_PAST_ED and word[0].islower()
    )
    # An -ed word after "be" is passive (the auxiliary carries the tense); after an article
    # or with "un-" it is an adjective ("a still unspecified date").
    if past_form and previous not in _PASSIVE_AUXILIARIES and previous not in _ARTICLES and not lower.startswith("un"):
        return "past"
    return None


# --- years ---------------------------------------------------------------------------------

# After these a number is a year whatever follows: "fiscal 1989 sales", "since 1998 prices".
_STRONG_YEAR_CUES = frozenset(
    "since during until till circa early late mid spring summer autumn fall winter fiscal year".split()
)
# After these a number is a year unless a counted noun follows: "in 2016 approved" vs "in 2000 homes".
_WEAK_YEAR_CUES = frozenset("in by of from before after between through for due around both".split())
# Determiners and possessives make an attributive year: "a 2008 survey", "her 2014 campaign".
_DETERMINERS = frozenset("the a an his her its their our my your this that these those".split())
# Nouns that count without a plural -s: "2000 people", "1900 feet".
_COUNT_NOUNS = frozenset("people men women children feet police staff personnel cattle head yen".split())
# Words that end in -s without being plural nouns.
_NOT_PLURAL = frozenset(
    "was has is its his this thus as us yes always perhaps whereas towards afterwards besides across news "
    "does goes means less unless plus".split()
)
_PREVIOUS_WORD = re.compile(r"([A-Za-z]+)('s|')?\W*$")
_ADJECTIVE_AFTER_DETERMINER = re.compile(
    r"\b(?:the|a|an|his|her|its|their|our|my|your|this|that)\s+[a-z]{3,}(?<!ing)\s+$", re.IGNORECASE
)
_NEXT_WORD = re.compile(r"^\s*([A-Za-z]+)")
_NEXT_WORD_AFTER_NUMBER = re.compile(r"^\s*(?:and|or|to|-|–)\s*\d[\d,]*\s+([A-Za-z]+)")
_YEAR_BEFORE_CONJUNCTION = re.compile(r"\b(\d{4})\s+(?:and|or|to|through|until)\s+$")
# Words that number things: "page 1999", "room 2010", "flight 1972".
_NUMBERING_WORDS = frozenset("page pages p pp room rooms route flight model number no vol volume chapter item".split())


def year_by_context(text: str, start: int, end: int, round_multiple: int, years: tuple[int, int]) -> bool:
    """Tell whether the four-digit number at text[start:end] is a year, from the words around it.

    `round_multiple`: a number that is a multiple of it ("1500", "2000") and counts a plural
    noun is a count even after a determiner ("the 2000 volunteers"), where "the 1992
    protests" is a year. `years` is the window of years a text can name.
    """
    before, after = text[max(0, start - 30) : start], text[end : end + 30]
    if before.endswith(("$", "€", "£", "#", "No. ", "no. ", "+", ".", ",")) or re.match(r"^[.,:/]\d", after):
        return False
    if re.match(r"^\s*(?:%|percent|per\b)", after) or re.search(r"\d\s*$", before):
        return False
    previous_match = _PREVIOUS_WORD.search(before)
    previous = previous_match.group(1).lower() if previous_match else ""
    possessive = previous_match is not None and previous_match.group(2) is not None
    if previous in _NUMBERING_WORDS:
        return False
    # What the number counts may follow a second number: "between 1500 and 2000 volunteers".
    next_match = _NEXT_WORD.match(after) or _NEXT_WORD_AFTER_NUMBER.match(after)
    next_word = next_match.group(1) if next_match else ""
    counts = next_word.islower() and _is_counted_noun(next_word)
    if previous in _STRONG_YEAR_CUES:
        return True
    # "her 2014 campaign", and with an adjective between: "his unsuccessful 1996 campaign".
    if previous in _DETERMINERS or possessive or _ADJECTIVE_AFTER_DETERMINER.search(before):
        return not counts or int(text[start:end]) % round_multiple != 0
    if counts:
        return False
    if previous in _WEAK_YEAR_CUES:
        return True
    # "in 2009 and 2010": a conjunction continues a list of years.
    earlier_year = _YEAR_BEFORE_CONJUNCTION.search(before)
    if earlier_year and years[0] <= int(earlier_year.group(1)) <= years[1]:
        return True
    # A year standing at the end of a sentence or in brackets: "... was founded 1998." / "(2009)".
    return re.match(r"^\s*(?:[.;:)\]]|$)", after) is not None and not re.search(r"[\d,]\s*$", before)


def _is_counted_noun(word: str) -> bool:
    """Tell whether a lower-case word after a number reads as what it counts ("volunteers", "people")."""
    if word in _COUNT_NOUNS:
        return True
    return len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")) and word not in _NOT_PLURAL


def reads_as_count(text: str, start: int, end: int) -> bool:
    """Tell whether the numbers at text[start:end] read as an amount: money, a percentage, a counted noun."""
    before, after = text[max(0, start - 30) : start], text[end : end + 30]
    if before.endswith(("$", "€", "£", "#", "+")) or re.match(r"^\s*(?:%|percent|per\b)", after):
        return True
    previous = _PREVIOUS_WORD.search(before)
    if previous and previous.group(1).lower() in _NUMBERING_WORDS:
        return True
    next_match = _NEXT_WORD.match(after)
    return next_match is not None and next_match.group(1).islower() and _is_counted_noun(next_match.group(1))
