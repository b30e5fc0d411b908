"""The cue lexicon: what the words of a block or line say it is (a footer, a share bar, a menu item).

Both paths judge blocks with these cues. Thresholds come from `StripConfig`, so a `Cues`
is built once per stage from its configuration.
"""

from __future__ import annotations

import re
from functools import lru_cache

from pipeline.config import StripConfig
from pipeline.lexicon import MONTH_NAME
from pipeline.records import BlockKind, BoilerplateKind

COPYRIGHT = re.compile(r"^\s*(?:copyright\b|©|\(c\)\s*\d{4})|all rights reserved|©\s*\d{4}", re.IGNORECASE)
FOOTER_PHRASES = re.compile(
    r"\b(?:privacy policy|privacy notice|terms of (?:use|service)|term of use|terms and conditions|terms & conditions|"
    r"contact us|cookie (?:policy|settings|preferences)|site ?map|accessibility statement|follow us)\b",
    re.IGNORECASE,
)
SHARE_PHRASES = re.compile(
    r"\b(?:share (?:this|on|to|it)|share via|tweet this|email this|print this|share on facebook|pin it)\b|^\s*share\s*:?\s*$|"
    # de, fr, es, it, pl, nl: "Jetzt teilen!", "Artikel teilen", "Partager :"; "Like this:" under a post
    r"\b(?:jetzt|artikel|beitrag|seite) teilen\b|^\W*(?:teilen(?: mit)?|partager|compartir|condividi|udostępnij|delen|"
    r"gefällt mir|like this)\W*$",
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
# Labels a page puts around an article, in the languages most pages are written in (English,
# German, French, Spanish, Portuguese, Italian, Polish, Dutch): headings of teaser lists, of
# comment sections, credits, reading times. Each is matched as the whole of a short block.
_RELATED_LABELS = (
    r"related(?: (?:stories|articles|posts|content|links))?|more (?:stories|news|from|on)\b.*|"
    r"you (?:may|might) also like\b.*|recommended(?: for you)?|explore further|read (?:more|next|also)\b.*|"
    r"(?:next|previous|prev|older|newer) (?:post|article|story|page)s?\b.*|most (?:popular|read|viewed|shared)\b.*|"
    r"(?:recent|latest|top|popular|trending) (?:stories|posts|news|articles)\b.*|trending\b.*|"
    # de
    r"(?:ähnliche|verwandte|weitere|neueste) (?:beiträge|artikel|themen|nachrichten)\b.*|mehr (?:zum|aus|von|zu)\b.*|"
    r"(?:das|dies) könnte (?:sie|dich) (?:auch )?interessieren\b.*|auch interessant\b.*|lesen sie (?:auch|mehr)\b.*|"
    r"(?:zum )?weiterlesen|meistgelesen\b.*|(?:am )?meist(?:en)? gelesen\b.*|"
    # fr, es, pt, it
    r"(?:à )?lire (?:aussi|également|la suite)\b.*|sur le même sujet|dans la même rubrique|articles? similaires|"
    r"les plus lus\b.*|lea (?:también|más)\b.*|leer más|te puede interesar\b.*|(?:noticias|artículos) relacionad[oa]s|"
    r"lo más leído|veja também|leia (?:também|mais)|leggi anche|articoli correlati|i più letti|"
    # pl, nl
    r"czytaj (?:także|też|więcej)\b.*|zobacz (?:też|także)\b.*|najczęściej czytane|lees (?:ook|meer)\b.*|"
    r"gerelateerde artikelen|meest gelezen"
)
_COMMENTS_LABELS = (
    r"comments?|\d+ comments?|view comments|no comments(?: yet)?|(?:\d+ |letzte |(?:bisher |noch )?keine )?kommentare?|(?:\d+ )?commentaires?|"
    r"(?:\d+ )?comentarios?|(?:\d+ )?komentarze?|(?:\d+ )?commenti|(?:\d+ )?reacties"
)
_OTHER_LABELS = (
    r"advertisement|sponsored(?: content)?|anzeige|werbung|publicité|publicidad|publicidade|pubblicità|reklama|"
    r"advertentie|filed under\b.*|(?:photo(?:graph)?|image) (?:by|credit)\b.*|credits?|\d+ min(?:ute)? read|"
    r"print(?: this)?(?: recipe| article| page)?|(?:rezept |artikel |seite |beitrag )?drucken|imprimer|staff writer|"
    r"sorted by\b.*|about the author|über (?:den|die) autor(?:in)?"
)
_LABEL_KINDS: tuple[tuple[str, BoilerplateKind], ...] = (
    (_RELATED_LABELS, "related"),
    (_COMMENTS_LABELS, "comments"),
    (_OTHER_LABELS, "other"),
)
PAGE_LABELS = tuple((re.compile(rf"^\s*(?:{labels})\s*:?\s*$", re.IGNORECASE), kind) for labels, kind in _LABEL_KINDS)
# A field name with no value after it: "Tags:", "Release Date:", "Credit:".
BARE_LABEL = re.compile(r"^\s*[A-Z][\w-]*(?: [\w-]+)?\s?:\s*$")
# "Read more: <another story's title>" and its kin introduce links to other pages.
TEASER_PREFIX = re.compile(
    r"^\s*(?:read (?:more|next|also)|see also|also read|related|more|lesen sie auch|lire aussi|lea también|"
    r"leia também|leggi anche|czytaj (?:także|też))\s*[:|»›]",
    re.IGNORECASE,
)
# A credit line: "Photo: Jane Doe", "Foto: dpa", "Source: Reuters".
CREDIT = re.compile(
    r"^\s*\(?(?:photo|foto|bild(?:er)?|image|imagen|abbildung|credit|crédito|source|quelle|źródło|fuente|fonte)s?\s*:",
    re.IGNORECASE,
)
# A picture's credit anywhere in its caption: a copyright sign, a credit label ("Foto: dpa",
# "(Photo: Jane Doe)") or a stock-photo agency. A caption that credits its picture is the
# picture's legend, written for the picture rather than as part of the story.
PICTURE_CREDIT = re.compile(
    r"©|\b(?:photo|foto|bild|image|quelle|source|credit|crédito|fuente|fonte|źródło)s?\s*:|"
    r"\b(?:getty ?images|istock(?:photo)?|shutterstock|stock\.adobe|adobe ?stock|fotolia|unsplash|pixabay|"
    r"picture[ -]alliance|imago images)\b",
    re.IGNORECASE,
)
# Labels that stand inside articles as well as around them: photo credits, advertisement
# slots, links to one other story.
INLINE_LABEL = re.compile(
    r"^\s*\(?(?:(?:photo(?:graph)?|image) (?:by|credit)|advertisement|sponsored|anzeige|werbung|read (?:more|next|also)|"
    r"see also|also read|photo|foto|bild|credit|source|quelle)\b",
    re.IGNORECASE,
)
# Where a page's comment section begins: "12 Comments", "Comments (12)", "3 responses to ...",
# "8 thoughts on ...", "{ 74 comments... read them below or add one }", "Leave a Reply".
_COMMENT_WORDS = (
    r"comments?|responses?|replies|thoughts? on|kommentare?|commentaires?|comentarios?|komentarze?|commenti|reacties"
)
COMMENTS_START = re.compile(
    rf"^(?:[{{(\s]*\d+\s+(?:{_COMMENT_WORDS})\b|(?:comments?|kommentare|commentaires|comentarios|komentarze|commenti)"
    r"\s*(?:\(\d+\)|»|:)?\s*$|(?:leave a (?:reply|comment)|post a comment|add (?:a|your) comment|reader comments|"
    r"discuss this (?:post|article|story)|there (?:are|is) \d+ comments?|\d+ users? responded|schreibe einen kommentar|"
    r"laisser un commentaire|deja un comentario)\b)",
    re.IGNORECASE,
)
# "Comments" as a bare label: a tab beside "Article" and "Video", or a button beside "Like". (In the
# singular it is a reply form's field beside "Name" and "Email".)
COMMENTS_TAB = re.compile(
    r"^\s*(?:comments|kommentare|commentaires|comentarios|komentarze|commenti|reacties)\s*:?\s*$", re.IGNORECASE
)
# The site's rules for its comments stand where they begin: "The following comments are owned by
# whoever posted them", "Please read our comment policy".
COMMENT_RULES = re.compile(
    r"\bthe following comments\b|\bcomments? (?:are|is) (?:owned|the (?:property|responsibility))\b|"
    r"\bcomment(?:s|ing)? (?:policy|guidelines|rules)\b",
    re.IGNORECASE,
)
# A site's legal notice states its rights with a year or in so many words, however long it runs
# ("NHL.com is the official web site of ... (c) 2012. All Rights Reserved.").
RIGHTS_NOTICE = re.compile(r"\ball rights reserved\b|©\s*\d{4}|\bcopyright\s*(?:©\s*)?\d{4}", re.IGNORECASE)
# Lines a site writes under every post or beside it: the post's filing lines ("This entry was posted
# in News. Bookmark the permalink.", "You can follow any responses to this entry through the RSS 2.0
# feed.") and the heading of its blurb about itself ("About this blog").
SITE_LINES = re.compile(
    r"^\s*about (?:this|the|our) (?:blog|site|website|author|column|newsletter)s?\s*:?\s*$|"
    r"^\s*about (?:us|me|the authors?)\s*:?\s*$|\bbookmark the permalink\b|"
    r"\bfollow any (?:responses|comments) to this (?:entry|post)\b|\byou can leave a response\b",
    re.IGNORECASE,
)
# "Comment" in the singular, alone, names one field (of a reply form, a table's column), not the section.
COMMENT_FIELD = re.compile(
    r"^\s*(?:comment|kommentar|commentaire|comentario|komentarz|commento)\s*:?\s*$", re.IGNORECASE
)
# Items of a menu row in a text dump are set apart by runs of spaces, tabs or bars.
MENU_ROW_GAP = re.compile(r"\t|[^\S\n]{3,}|\s[|•·»]\s")
# Sentence ends of any script: Latin stops, the ideographic and full-width stops of Chinese and
# Japanese, and closing quotes or brackets after them.
SENTENCE_END = re.compile(r"[.!?…:;。！？．｡][\"'”’)\]」』）】]*$")
# Sentence ends inside a block: a stop followed by a space, a closing mark or the block's end.
SENTENCE_ENDS = re.compile(r"[.!?…。！？．｡](?=[\s\"'”’)\]」』）】]|$)")
# Prose is punctuated: a long line with no stop or comma at all is a tag cloud or a list of names.
PUNCTUATION = re.compile(r"[.,;:!?…。、，！？．｡]")
# Scripts written without spaces between words (Thai, Lao, Myanmar, Khmer, Japanese kana,
# Chinese characters): there a line's length is counted in characters.
_UNSPACED = re.compile(r"[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
LIST_MARKER = re.compile(r"^(?:[-*•·◦‣▪]|\d{1,3}[.)])\s+")
YEAR = re.compile(r"\b(?:1[89]|20)\d{2}\b")
ISO_DAY = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
MONTH = re.compile(rf"\b{MONTH_NAME}\b")
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

    def words(self, text: str) -> int:
        """The words of a text: its space-separated tokens, plus one per `unspaced_chars_per_word`
        characters of a script written without spaces."""
        unspaced = len(_UNSPACED.findall(text))
        return len(text.split()) + (unspaced // self.config.unspaced_chars_per_word if unspaced else 0)

    def prose_length(self, text: str) -> float:
        """A text's length in characters of a spaced script: a character of a script written without
        spaces counts `unspaced_char_weight` times (a 40-character Chinese sentence says as much as a
        120-character English one)."""
        unspaced = len(_UNSPACED.findall(text))
        return len(text) + (self.config.unspaced_char_weight - 1) * unspaced

    @staticmethod
    def has_unspaced(text: str) -> bool:
        """Whether a text holds any character of a script written without spaces."""
        return _UNSPACED.search(text) is not None

    def _kind(self, text: str) -> BoilerplateKind | None:
        """Classify a block by the words it carries: copyright, footer, share, form or other; else None.

        Only short blocks are judged by cues: a paragraph that mentions a privacy policy or a
        search is still a paragraph. Calls to action (subscription prompts, cookie notices,
        affiliate disclosures, bio lines) are sentences, so they are judged up to
        `call_to_action_max_factor` times the short-line length.
        """
        short_words = self.config.short_line_words
        words = self.words(text)
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
        if words <= short_words:
            for pattern, kind in PAGE_LABELS:
                if pattern.match(text):
                    return kind
            if CREDIT.match(text):
                return "other"
        if BARE_LABEL.match(text) and words <= self.config.bare_label_max_words:
            return "other"
        if TEASER_PREFIX.match(text):
            return "related"
        if FORM_PHRASES.search(text) and words <= short_words and not SENTENCE_END.search(text):
            return "form"
        return None

    def is_menu_row(self, line: str) -> bool:
        """Tell whether a text line is a row of menu items set apart by wide gaps."""
        items = [item for item in MENU_ROW_GAP.split(line.strip()) if item.strip()]
        return (
            len(items) >= self.config.menu_row_min_items
            and not self.is_data_row(line)
            and all(self.words(item) <= self.config.menu_row_item_max_words for item in items)
        )

    def is_data_row(self, line: str) -> bool:
        """A row of a table: several of its items are numbers (a standings line, a timetable entry)."""
        tokens = line.split()
        numbers = sum(any(c.isdigit() for c in token) for token in tokens)
        return numbers >= 2 and numbers >= self.config.data_row_min_number_share * len(tokens)

    def is_short_line(self, line: str) -> bool:
        """A line of few words that does not end a sentence: a heading, a caption or a menu item."""
        return self.words(line) <= self.config.short_line_words and not SENTENCE_END.search(line)

    def _is_title_like(self, line: str) -> bool:
        """A longer line that still reads as a title: no closing punctuation, mostly capitalized words.

        Headlines and photo captions run to fifteen words or more; sentences end with a stop
        and are mostly lower case.
        """
        words = [w for w in _TITLE_WORD.findall(line) if w.lower() not in _MINOR_TITLE_WORDS]
        too_long = self.words(line) > self.config.title_max_factor * self.config.short_line_words
        if not words or too_long or SENTENCE_END.search(line):
            return False
        capitalized = sum(w[0].isupper() for w in words)
        return bool(capitalized >= self.config.title_capitalized_share * len(words))

    def reads_as_sentences(self, text: str) -> bool:
        """A block of running sentences: long enough, no title, no cue, and sentence ends often enough.

        A long run of menu entries or tags has a stop or two in hundreds of words; prose has
        one every few dozen words.
        """
        if self.prose_length(text) < self.config.prose_min_chars or self.is_title(text) or self.kind(text) is not None:
            return False
        sentences = len(SENTENCE_ENDS.findall(text))
        return sentences > 0 and self.words(text) <= self.config.fallback_max_words_per_sentence * sentences

    def is_title(self, line: str) -> bool:
        """A short line or a title-like one: a heading rather than prose."""
        return self.is_short_line(line) or self.is_title_like(line)


def heading_or_caption(line: str) -> BlockKind:
    """Name a short kept line: a caption when it dates something, else a heading.

    Photo captions on news and project pages carry the event's date ("February 2011 Meeting
    in Moscow"); section headings rarely do.
    """
    return "caption" if YEAR.search(line) and MONTH.search(line) else "heading"
