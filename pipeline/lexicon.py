"""Words and patterns that several stages read the same way: months, weekdays, locative words, US postal codes.

One definition each, so that the date stage, the entity and place stages and the gazetteer
cannot drift apart (a month the date stage knows, the dateline rule of the place stage
knows too). Patterns are regular-expression source strings, to be placed inside larger
patterns; they hold no capturing groups, so group numbers around them do not move.
"""

from __future__ import annotations

# Every month by its English name with its abbreviations, in calendar order. "Sept" comes
# before "Sep" so that an alternation takes the longer one.
MONTHS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("January", ("Jan",)),
    ("February", ("Feb",)),
    ("March", ("Mar",)),
    ("April", ("Apr",)),
    ("May", ()),
    ("June", ("Jun",)),
    ("July", ("Jul",)),
    ("August", ("Aug",)),
    ("September", ("Sept", "Sep")),
    ("October", ("Oct",)),
    ("November", ("Nov",)),
    ("December", ("Dec",)),
)
MONTH_NAMES: tuple[str, ...] = tuple(name for name, _ in MONTHS)
# Month number by lower-case name or abbreviation: "january" and "jan" give 1, "sept" 9.
MONTH_NUMBERS: dict[str, int] = {
    form.lower(): number
    for number, (name, abbreviations) in enumerate(MONTHS, start=1)
    for form in (name, *abbreviations)
}
# A month's full name, capitalized: "January" ... "December".
MONTH_NAME = "(?:" + "|".join(MONTH_NAMES) + ")"
# A month as written in running text: capitalized ("may" and "march" in lower case are a verb
# and a walk), in full or abbreviated with an optional period ("Sept.", "Dec").
MONTH = (
    "(?:"
    + "|".join(MONTH_NAMES)
    + "|(?:"
    + "|".join(abbreviation for _, abbreviations in MONTHS for abbreviation in abbreviations)
    + r")\.?)"
)
# A month's first three letters ("Jan" ... "Dec", "May" included): what a month written in
# any length starts with, for patterns that then allow `[a-z]*`.
MONTH_PREFIX = "(?:" + "|".join(name[:3] for name in MONTH_NAMES) + ")"

WEEKDAY_NAMES: tuple[str, ...] = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
WEEKDAY = "(?:" + "|".join(WEEKDAY_NAMES) + ")"

# Words after which a capitalized name is a place: "in Santa Fe", "from Baguio", "visiting
# Noida". Each is matched with its first letter in either case.
LOCATIVE_WORDS: tuple[str, ...] = (
    "in",
    "near",
    "from",
    "to",
    "across",
    "throughout",
    "outside",
    "around",
    "within",
    "visit(?:ing|ed)?",
)
LOCATIVE_WORD = "|".join(f"[{word[0].upper()}{word[0]}]{word[1:]}" for word in LOCATIVE_WORDS)

# A US state's postal code as written after a city: "OH", or dotted, "N.Y.", "D.C.". The
# two-letter form must not run on into a longer word.
US_POSTAL_CODE = r"[A-Z]\.[A-Z]\.|[A-Z]{2}(?!\w)"

# Abbreviated words of place names and what they stand for: "St. Petersburg", "Mt. Vernon".
PLACE_NAME_ABBREVIATIONS: dict[str, str] = {"St": "Saint", "Ste": "Sainte", "Mt": "Mount", "Ft": "Fort"}
