"""The text path: a plain-text dump of a page, with no markup left.

Blocks are the blank-line separated groups of lines. The article is the run of groups
richest in prose; a group of many short, unpunctuated lines before the first or after the
last paragraph is a menu; rows of items spaced apart are menus wherever they stand; the
cues catch forms, footers, share bars and copyright lines; and lines the batch's documents
share (`pipeline.stages.strip.templates`) are the site's template.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from pipeline.config import StripConfig
from pipeline.records import BlockKind, BoilerplateKind
from pipeline.stages.strip.cues import (
    COMMENT_FIELD,
    COMMENT_RULES,
    COMMENTS_START,
    COMMENTS_TAB,
    INLINE_LABEL,
    ISO_DAY,
    LIST_MARKER,
    MONTH,
    PUNCTUATION,
    RIGHTS_NOTICE,
    SITE_LINES,
    YEAR,
    Cues,
    heading_or_caption,
)
from pipeline.stages.strip.pieces import Piece, collapse
from pipeline.stages.strip.templates import template_key

# An HTML tag as it stands in page source: "<div class=\"x\">", "</p>".
MARKUP_TAG = re.compile(r"</?[A-Za-z][\w-]*(?:\s[^<>]{0,300})?/?>")


class TextPath:
    """Split a text dump into kept and dropped pieces."""

    def __init__(self, config: StripConfig, cues: Cues, template_lines: frozenset[str]) -> None:
        """Bind the settings, the cues and the batch's template lines."""
        self.config = config
        self.cues = cues
        self.template_lines = template_lines

    def pieces(self, content: str) -> Iterator[Piece]:
        """The dump's blocks in order, each kept or dropped with a kind."""
        groups = _line_groups(content)
        # Each group's prose score, read by both the comments and the article search (once: it
        # was most of this path's time).
        scores = [sum(self._line_score(line) for line in lines) for lines in groups]
        comments = self._comments_start(groups, scores)
        first, last = self._article_span(groups, comments, scores)
        for index, lines in enumerate(groups):
            outside_article = index < first or index > last
            # Rows of a table (standings, schedules) are short too, but they are data, not a menu.
            short_lines = sum(self.cues.is_short_line(line) and not self.cues.is_data_row(line) for line in lines)
            is_menu = (
                outside_article
                and len(lines) >= self.config.menu_min_lines
                and short_lines >= self.config.menu_short_share * len(lines)
            )
            pieces = self._classify_group(lines, is_menu)
            if outside_article and not (index == first - 1 and self._is_headline_group(lines)):
                kind: BoilerplateKind = "comments" if index >= comments else "other"
                pieces = (p if p.drop_kind else Piece(p.text, p.block_kind, kind) for p in pieces)
            yield from _fields_between_form_lines(list(pieces))

    def _comments_start(self, groups: list[list[str]], scores: list[int]) -> int:
        """The first group of the readers' comments ("12 Comments", "Leave a Reply"); past the end if none.

        Comments can out-write the article; they are never part of it. A "Comments" link
        beside the byline is not where they start: some of the article's prose must come first,
        `comments_min_prose_share` of the page's or `comments_min_prose_chars`, whichever is less.
        """
        start = _first_marked_group(
            [[] if self._is_tab_row(lines) else lines for lines in groups],
            scores,
            0,
            len(groups) - 1,
            self.config.comments_min_prose_share,
            self._starts_comments,
            self.config.comments_min_prose_chars,
        )
        return len(groups) if start is None else start

    def _starts_comments(self, line: str) -> bool:
        """A heading of the comments ("12 Comments", "Leave a Reply"), or a sentence or link about
        their rules, which stand where they begin. A paragraph that opens with "Reader comments
        on ..." is prose about comments, not their start.
        """
        if COMMENT_FIELD.match(line) or (
            self.cues.words(line) > self.config.call_to_action_max_factor * self.config.short_line_words
        ):
            return False
        return bool(COMMENTS_START.match(line) or COMMENT_RULES.search(line))

    def _is_tab_row(self, lines: list[str]) -> bool:
        """A row of tabs or buttons that names the comments among other short labels ("Article",
        "Video", "Comments"; "3 responses", "Like", "Comment"): it links to them, wherever they are.

        Such rows stand above the article as often as below it, so none of their lines start the comments.
        """
        return (
            len(lines) > 1
            and any(COMMENTS_TAB.match(line) for line in lines)
            and all(self.cues.is_short_line(line) for line in lines)
        )

    def _article_span(self, groups: list[list[str]], comments: int, scores: list[int]) -> tuple[int, int]:
        """The first and last group of the article: the run of groups richest in prose.

        Each group scores its characters of prose (long sentence lines) minus the characters
        of its menu, title and label lines; the run with the highest sum is the article, as the
        body of a page is where prose outweighs menus, teasers and footers. With no long prose at all, the
        article runs from the first to the last line that reads as a sentence.
        """
        scores = scores[:comments]
        best, best_span = 0, (-1, -2)
        running, start = 0, 0
        for index, score in enumerate(scores):
            if running <= 0:
                running, start = 0, index
            running += score
            if running > best:
                best, best_span = running, (start, index)
        if best > 0:
            first, last = best_span
            # Short sentences and captions right after the last paragraph still belong to it.
            while last + 1 < len(scores) and scores[last + 1] == 0:
                last += 1
            return first, self._page_end(groups, scores, first, last)
        sentences = [i for i, lines in enumerate(groups[:comments]) if any(self._is_prose(line) for line in lines)]
        return (sentences[0], sentences[-1]) if sentences else (len(groups), -1)

    def _page_end(self, groups: list[list[str]], scores: list[int], first: int, last: int) -> int:
        """Where the article ends: before the first line the site says in its own voice (a
        share bar, a newsletter prompt, "Related Articles", a copyright line) once most of
        its prose has been read; else at `last`.

        What follows such a line is the site's, however much prose it holds: author bios,
        summaries of other stories, comment rules. Labels that also stand inside articles
        (photo credits, advertisement slots, links to one other story) never end one.
        """
        end = _first_marked_group(
            groups,
            scores,
            first,
            last,
            self.config.page_end_min_prose_share,
            lambda line: (
                (self.cues.kind(line) is not None and not INLINE_LABEL.match(line) and not COMMENT_FIELD.match(line))
                or SITE_LINES.search(line) is not None
            ),
        )
        return last if end is None else end - 1

    def _line_score(self, line: str) -> int:
        """Long punctuated prose counts for the article, menus and labels against it; short or
        unpunctuated sentences, dated captions and table rows are neutral."""
        if self._is_markup(line):
            # Page source left in the dump, or a code sample inside the article: neither
            # locates the article, nor breaks it apart.
            return 0
        if self._is_prose(line):
            # Prose is punctuated: a long line with no stop or comma at all (a tag cloud, a
            # list of categories) does not count for the article, nor against it.
            long = len(line) >= self.config.prose_min_chars and PUNCTUATION.search(line) is not None
            if long and (RIGHTS_NOTICE.search(line) or SITE_LINES.search(line)):
                # The site's legal notice and a post's filing line read as prose, but it is the site speaking.
                return -len(line)
            return len(line) if long else 0
        if (heading_or_caption(line) == "caption" or self.cues.is_data_row(line)) and self.cues.kind(line) is None:
            return 0
        return -len(line)

    def _is_markup(self, line: str) -> bool:
        """A line that is mostly HTML tags: page source left in the dump (a script's template) or a code sample.

        Its tags are punctuated and long, so it would read as the longest prose of the page.
        """
        if "<" not in line:
            return False
        tags = sum(len(tag) for tag in MARKUP_TAG.findall(line))
        return tags >= self.config.markup_min_share * len(line)

    def _is_headline_group(self, lines: list[str]) -> bool:
        # The headline and its deck stand just before the first paragraph.
        return len(lines) <= self.config.headline_max_lines and all(self.cues.is_title(line) for line in lines)

    def _is_prose(self, line: str) -> bool:
        return self._reads_as_prose(line) and not self._is_template(line)

    def _reads_as_prose(self, line: str) -> bool:
        return (
            not self.cues.is_title(line)
            and not self.cues.is_menu_row(line)
            and self.cues.kind(line) is None
            and not self._is_markup(line)
        )

    def _is_template(self, line: str) -> bool:
        if not self.template_lines or template_key(line) not in self.template_lines:
            return False
        # A long sentence found in many documents is a syndicated story, not the site's
        # template; a dated line is a dateline ("LONDON 1996-08-30"), which wires repeat.
        if ISO_DAY.search(line) or (MONTH.search(line) and YEAR.search(line)):
            return False
        return len(line) < self.config.prose_min_chars or not self._reads_as_prose(line)

    def _classify_group(self, lines: list[str], is_menu: bool) -> Iterator[Piece]:
        paragraph: list[str] = []
        for line in lines:
            dropped = self.cues.kind(line) or ("navigation" if self.cues.is_menu_row(line) else None)
            if dropped is None and self._is_template(line):
                dropped = "navigation" if self.cues.is_short_line(line) else "other"
            if dropped is None and is_menu:
                dropped = "navigation"
            continues = bool(paragraph) and line[:1].islower()
            if dropped is None and (continues or not self.cues.is_title(line)) and not LIST_MARKER.match(line):
                # Hard-wrapped text: consecutive long lines form one paragraph, and so does a
                # short last line that goes on in lower case.
                paragraph.append(line)
                continue
            if paragraph:
                yield Piece(collapse(" ".join(paragraph)), _paragraph_kind(paragraph[0]))
                paragraph = []
            if dropped is not None:
                yield Piece(collapse(line), drop_kind=dropped)
            elif LIST_MARKER.match(line):
                yield Piece(collapse(line), "list_item")
            elif self.cues.is_data_row(line):
                yield Piece(collapse(line), "table")
            else:
                yield Piece(collapse(line), heading_or_caption(line))
        if paragraph:
            yield Piece(collapse(" ".join(paragraph)), _paragraph_kind(paragraph[0]))


def _fields_between_form_lines(pieces: list[Piece]) -> list[Piece]:
    """Menu lines between two form lines are that form's fields ("Female Male" under "Select a Country")."""
    form_positions = [i for i, piece in enumerate(pieces) if piece.drop_kind == "form"]
    if len(form_positions) < 2:
        return pieces
    first, last = form_positions[0], form_positions[-1]
    return [
        Piece(p.text, p.block_kind, "form") if first < i < last and p.drop_kind == "navigation" else p
        for i, p in enumerate(pieces)
    ]


def _first_marked_group(
    groups: list[list[str]],
    scores: list[int],
    first: int,
    last: int,
    share: float,
    is_marker: Callable[[str], bool],
    enough: int | None = None,
) -> int | None:
    """The first of `groups[first..last]` with a line `is_marker` accepts that comes after more
    than `share` of the prose (the positive `scores`) of those groups, or after `enough`
    characters of it; None if there is none."""
    total_prose = sum(max(0, score) for score in scores[first : last + 1])
    needed = share * total_prose if enough is None else min(share * total_prose, enough)
    prose_before = 0
    for index in range(first, last + 1):
        if prose_before > needed and any(is_marker(line) for line in groups[index]):
            return index
        prose_before += max(0, scores[index])
    return None


def _line_groups(content: str) -> list[list[str]]:
    groups: list[list[str]] = [[]]
    for line in content.split("\n"):
        if line.strip():
            groups[-1].append(line.strip())
        elif groups[-1]:
            groups.append([])
    return [group for group in groups if group]


def _paragraph_kind(first_line: str) -> BlockKind:
    # Mail-style quoting is the one quote marker a text dump keeps.
    return "quote" if first_line.startswith(">") else "paragraph"
