"""Where an article ends inside its frame: at the first line the site says in its own voice.

The frame of an HTML page often holds more than the story: after the last paragraph come
the author's bio, a newsletter box, "Related articles", a share bar and the reader comments,
all inside the same `article` or content `div`. A reader sees where the story stops: at the
first line that speaks for the site rather than about the story (a share prompt, "Related
Articles", a copyright line) once most of the story has been read, or at the line that opens
the comments ("12 Comments", "Leave a Reply") once some of it has. What follows is the
site's, however much prose it holds; it is dropped with the kind of the line that opened it.

The text path reads a dump the same way (`text.TextPath`); this is the HTML path's version,
over the pieces of the walk.
"""

from __future__ import annotations

import re

from pipeline.config import StripConfig
from pipeline.records import BoilerplateKind
from pipeline.stages.strip.cues import (
    CALLS_TO_ACTION,
    COMMENTS_START,
    INLINE_LABEL,
    PUNCTUATION,
    TEASER_PREFIX,
    YEAR,
    Cues,
)
from pipeline.stages.strip.pieces import Piece

# What a site says around its stories: these lines end an article. A copyright line ends it
# when it dates the site ("© 2020 ..."); "© Jane Doe" credits a picture.
# "Comment" alone is a button beside the byline or a share bar, not the start of the comments.
_ONE_COMMENT = re.compile(r"^\W*comment\W*$", re.IGNORECASE)
_SITE_KINDS: frozenset[BoilerplateKind] = frozenset(("share", "related", "footer"))


def end_at_site_voice(pieces: list[Piece], cues: Cues, config: StripConfig) -> list[Piece]:
    """The pieces, with what the frame keeps after the article's end dropped (see the module docstring).

    A line that recurs after more prose (a share bar or a "Comments" link under every post
    of a blog's front page) ends one post of several, not the page's article; a line with
    no prose after it ends nothing the tail trim does not (`HtmlPath._trim_tail`).
    """
    prose = [_prose_chars(piece, cues, config) for piece in pieces]
    total = sum(prose)
    page_end = config.page_end_min_prose_share * total
    comments = min(config.comments_min_prose_share * total, config.comments_min_prose_chars)
    last_at = {piece.text.lower(): index for index, piece in enumerate(pieces)}
    before = 0
    for index, piece in enumerate(pieces):
        # A line dropped for its structure (a button, a link) opens nothing.
        said = piece.drop_kind is None or piece.drop_kind == cues.kind(piece.text)
        if said and 0 < before < total and not any(prose[index : last_at[piece.text.lower()]]):
            kind = _ending_kind(piece.text, cues, before, page_end, comments)
            if kind is not None:
                return [*pieces[:index], *(_dropped(rest, kind) for rest in pieces[index:])]
        before += prose[index]
    return pieces


def _ending_kind(text: str, cues: Cues, before: int, page_end: float, comments: float) -> BoilerplateKind | None:
    """The kind of what a line opens if it ends the article after `before` characters of its prose.

    Only a label line ends it (short, no sentence): a sentence that mentions a newsletter is
    still the story's. Field names ("Ingredients:"), credits and links to one other story
    ("Read also: ...") stand inside articles too.
    """
    if not cues.is_title(text):
        return None
    if before > comments and COMMENTS_START.match(text) and not _ONE_COMMENT.match(text):
        return "comments"
    if before <= page_end or INLINE_LABEL.match(text) or TEASER_PREFIX.match(f"{text.rstrip(' :')}:"):
        return None
    kind = cues.kind(text)
    if kind in _SITE_KINDS or (kind == "copyright" and YEAR.search(text)):
        return kind
    # A subscription prompt speaks for the site; a heading that says "Search" may not.
    if kind == "form" and any(pattern.search(text) for pattern, _ in CALLS_TO_ACTION):
        return kind
    return None


def _prose_chars(piece: Piece, cues: Cues, config: StripConfig) -> int:
    """The characters of a kept piece that reads as prose: long, punctuated, no title and no cue."""
    text = piece.text
    if piece.drop_kind is not None or len(text) < config.prose_min_chars or PUNCTUATION.search(text) is None:
        return 0
    return 0 if cues.is_title(text) or cues.kind(text) is not None else len(text)


def _dropped(piece: Piece, kind: BoilerplateKind) -> Piece:
    return piece if piece.drop_kind is not None else Piece(piece.text, piece.block_kind, kind)
