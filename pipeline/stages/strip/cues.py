"""The cue lexicon: what the words of a block or line say it is (a footer, a share bar, a menu item).

Both paths judge blocks with these cues. Thresholds come from `StripConfig`, so a `Cues`
is built once per stage from its configuration.
"""

from __future__ import annotations

import re
from functools import lru_cache

from pipeline.config import StripConfig
from pipeline.records import BlockKind, BoilerplateKind

COPYRIGHT = re.compile(r"^\s*(?:copyright\b|©|\(c\)\s*\d{4})|all rights reserved|©\s*\d{4}", re.IGNORECASE)
FOOTER_PHRASES = re.compile(
    r"\b(?:privacy policy|privacy notice|terms of (?:use|service)|term of use|terms and conditions|terms & conditions|"
    r"contact us|cookie (?:policy|settings|preferences)|site ?map|accessibility statement|follow us)\b",
    re.IGNORECASE,
)
SHARE_PHRASES = re.compile(
    r"\b(?:share (?:this|on|to)|share via|tweet this|email this|print this|share on facebook|pin it)\b|^\s*share\s*:?\s*$",
    re.IGNORECASE,
)
FORM_PHRASES = re.compile(
    r"\b(?:search|select an?|log ?in|sign (?:in|up)|subscribe|submit|password|user ?name|"
    r"newsletter|enter your|e-?mail address|required field)\b",
    re.IGNORECASE,
)
# Sentences a site says to its readers rather than about the story: subscription and
# newsletter prompts, cookie notices, comment rules, follow-us lines, "related" teasers.
_CALL_TO_ACTION_PATTERNS: tuple[tuple[str, BoilerplateKind], ...] = (
    (
        r"\b(?:subscribe|sign up|register)\b.{0,40}\b(?:now|today|newsletters?|for free|to (?:our|get|receive))\b",
        "form",
    ),
    (
        r"\bnewsletters?\b.{0,60}\b(?:inbox|sign up|subscribe)\b|\b(?:inbox|sign up|subscribe)\b.{0,60}\bnewsletters?\b",
        "form",
    ),
    (r"\byour email address will not be published\b|\brequired fields are marked\b", "form"),
    (
        r"\balready (?:a )?(?:subscriber|member)\b|\bsubscribe to (?:continue|read|view|access)\b|"
        r"\bplease subscribe\b|\bto (?:view|read|continue reading) the (?:full|whole|rest of the) (?:story|article)\b",
        "form",
    ),
    (r"\bcookies?\b.{0,80}\b(?:enable|disable|accept|consent|preferences|this (?:web)?site)\b", "other"),
    (
        r"\bcomments? (?:are|is|will be|may be) (?:moderated|reviewed|republished|published)\b|\bleave a (?:reply|comment)\b",
        "other",
    ),
    (
        r"\b(?:follow|keep up with) (?:us|me|[A-Z][\w@]*(?: [A-Z][\w@]*)*) on "
        r"(?:twitter|facebook|instagram|linkedin|youtube)\b",
        "share",
    ),
    (r"\bdownload (?:the|our) [\w ]{0,30}\bapps?\b", "other"),
    (r"\byour inbox\b|\bpush notifications\b", "form"),
    (
        r"\b(?:purchase|buy) (?:\w+ )?through (?:\w+ )?links\b|\baffiliate (?:links?|commissions?|programs?)\b|"
        r"\badvertising disclos|\bmay (?:earn|receive) (?:an? )?(?:\w+ )?(?:commission|compensation)\b",
        "other",
    ),
    (r"^\s*(?:©|copyright\b|\(c\)\s*\d{4})", "copyright"),
    # An author's bio line under the article: "Jane Doe is a senior writer for ...".
    (
        r"^(?-i:(?:[A-Z][\w.'’-]*\s){1,4})(?:is|was) (?:a|an|the)\b[^.]{0,80}?\b"
        r"(?:writer|reporter|editor|correspondent|journalist|columnist|contributor|author)\b",
        "other",
    ),
)
CALLS_TO_ACTION = tuple((re.compile(pattern, re.IGNORECASE), kind) for pattern, kind in _CALL_TO_ACTION_PATTERNS)
# Labels a page puts around an article: teaser headings, credits, bylines of reading time.
PAGE_LABEL = re.compile(
    r"^\s*(?:advertisement|sponsored(?: content)?|related(?: (?:stories|articles|posts|content|links))?|"
    r"more (?:stories|news|from|on)\b.*|you (?:may|might) also like\b.*|recommended(?: for you)?|"
    r"explore further|read (?:more|next|also)\b.*|filed under\b.*|(?:photo(?:graph)?|image) (?:by|credit)\b.*|"
    r"credits?|comments?|\d+ comments?|view comments|\d+ min(?:ute)? read|"
    r"(?:next|previous|prev|older|newer) (?:post|article|story|page)s?\b.*|most (?:popular|read|viewed|shared)\b.*|"
    r"(?:recent|latest|top|popular|trending) (?:stories|posts|news|articles)\b.*|trending\b.*|"
    r"print(?: this)?(?: recipe| article| page)?|staff writer|sorted by\b.*)\s*:?\s*$",
    re.IGNORECASE,
)
# A field name with no value after it: "Tags:", "Release Date:", "Credit:".
BARE_LABEL = re.compile(r"^\s*[A-Z][\w-]*(?: [\w-]+)?\s?:\s*$")
# "Read more: <another story's title>" and its kin introduce links to other pages.
TEASER_PREFIX = re.compile(r"^\s*(?:read (?:more|next|also)|see also|also read|related|more)\s*[:|»›]", re.IGNORECASE)
# Labels that stand inside articles as well as around them: photo credits, advertisement
# slots, links to one other story.
INLINE_LABEL = re.compile(
    r"^\s*(?:(?:photo(?:graph)?|image) (?:by|credit)|advertisement|sponsored|read (?:more|next|also)|see also|also read)\b",
    re.IGNORECASE,
)
# Where a page's comment section begins: "12 Comments", "3 responses to ...", "Leave a Reply".
COMMENTS_START = re.compile(
    r"^(?:\d+\s+(?:comments?|responses?|replies)\b|(?:leave a (?:reply|comment)|comments?)\s*:?$)", re.I
)
# Items of a menu row in a text dump are set apart by runs of spaces, tabs or bars.
MENU_ROW_GAP = re.compile(r"\t|[^\S\n]{3,}|\s[|•·»]\s")
SENTENCE_END = re.compile(r"[.!?…:;][\"'”’)\]]*$")
LIST_MARKER = re.compile(r"^(?:[-*•·◦‣▪]|\d{1,3}[.)])\s+")
YEAR = re.compile(r"\b(?:1[89]|20)\d{2}\b")
ISO_DAY = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
MONTH = re.compile(r"\b(?:January|February|March|April|May|June|July|August|September|October|November|December)\b")
_TITLE_WORD = re.compile(r"[A-Za-z][\w'’.-]*")
_MINOR_TITLE_WORDS = frozenset("a an and as at by for from in of on or the to with".split())
# Each path asks about a line two or three times (scoring the article span, then classifying
# the line); the cues were two thirds of the stage's time.
_CACHE_SIZE = 4096


class Cues:
    """The cue judgements of one configuration, each cached per line."""

    def __init__(self, config: StripConfig) -> None:
        """Bind the cue thresholds of `config`."""
        self.config = config
        self.kind = lru_cache(maxsize=_CACHE_SIZE)(self._kind)
        self.is_title_like = lru_cache(maxsize=_CACHE_SIZE)(self._is_title_like)

    def _kind(self, text: str) -> BoilerplateKind | None:
        """Classify a block by the words it carries: copyright, footer, share, form or other; else None.

        Only short blocks are judged by cues: a paragraph that mentions a privacy policy or a
        search is still a paragraph. Calls to action (subscription prompts, cookie notices,
        affiliate disclosures, bio lines) are sentences, so they are judged up to
        `call_to_action_max_factor` times the short-line length.
        """
        short_words = self.config.short_line_words
        words = len(text.split())
        if words <= self.config.call_to_action_max_factor * short_words:
            for pattern, kind in CALLS_TO_ACTION:
                if pattern.search(text):
                    return kind
        if words > self.config.cue_max_factor * short_words:
            return None
        if COPYRIGHT.search(text):
            return "copyright"
        footer_hits = len(FOOTER_PHRASES.findall(text))
        if footer_hits >= 2 or (footer_hits == 1 and words <= short_words):
            return "footer"
        if SHARE_PHRASES.search(text) and words <= short_words:
            return "share"
        if (PAGE_LABEL.match(text) and words <= short_words) or (
            BARE_LABEL.match(text) and words <= self.config.bare_label_max_words
        ):
            return "other"
        if TEASER_PREFIX.match(text):
            return "other"
        if FORM_PHRASES.search(text) and words <= short_words and not SENTENCE_END.search(text):
            return "form"
        return None

    def is_menu_row(self, line: str) -> bool:
        """Tell whether a text line is a row of menu items set apart by wide gaps."""
        items = [item for item in MENU_ROW_GAP.split(line.strip()) if item.strip()]
        return len(items) >= self.config.menu_row_min_items and all(
            len(item.split()) <= self.config.menu_row_item_max_words for item in items
        )

    def is_short_line(self, line: str) -> bool:
        """A line of few words that does not end a sentence: a heading, a caption or a menu item."""
        return len(line.split()) <= self.config.short_line_words and not SENTENCE_END.search(line)

    def _is_title_like(self, line: str) -> bool:
        """A longer line that still reads as a title: no closing punctuation, mostly capitalized words.

        Headlines and photo captions run to fifteen words or more; sentences end with a stop
        and are mostly lower case.
        """
        words = [w for w in _TITLE_WORD.findall(line) if w.lower() not in _MINOR_TITLE_WORDS]
        too_long = len(line.split()) > self.config.title_max_factor * self.config.short_line_words
        if not words or too_long or SENTENCE_END.search(line):
            return False
        capitalized = sum(w[0].isupper() for w in words)
        return bool(capitalized >= self.config.title_capitalized_share * len(words))

    def is_title(self, line: str) -> bool:
        """A short line or a title-like one: a heading rather than prose."""
        return self.is_short_line(line) or self.is_title_like(line)


def heading_or_caption(line: str) -> BlockKind:
    """Name a short kept line: a caption when it dates something, else a heading.

    Photo captions on news and project pages carry the event's date ("February 2011 Meeting
    in Moscow"); section headings rarely do.
    """
    return "caption" if YEAR.search(line) and MONTH.search(line) else "heading"
