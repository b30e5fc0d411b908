"""The text of a changed document for the HTML report, marked in place.

Words removed from OLD text come back in `<del>` where they stood and words inserted are
wrapped in `<ins>` (word by word, difflib); every date, organization and place mention is in
a `<mark>`, added, changed and removed ones labelled, with a short note beside a changed
one (`value "2011-11-13" → "2011-11-19"`). Every piece of text is escaped here: HTML
characters, control characters and bidirectional overrides.
"""

from __future__ import annotations

import html
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from pydantic import JsonValue

from pipeline.diff import DocumentDiff, EntityKind
from pipeline.diff_text import show_value, word_diff
from pipeline.diff_words import TextAlignment, escape_controls, narrowed_stretches
from pipeline.records import Record


@dataclass
class TextEdits:
    """Word-level edits from OLD text to NEW: inserted ranges of NEW, removed OLD stretches placed in NEW."""

    inserted: list[tuple[int, int]] = field(default_factory=list)
    # (NEW offset it stood before, OLD start, OLD end)
    removed: list[tuple[int, int, int]] = field(default_factory=list)
    old_text: str = ""


def text_edits(alignment: TextAlignment) -> TextEdits:
    """Where NEW text differs from OLD, word by word (lines aligned, narrowed, then words within)."""
    old, new = alignment.old, alignment.new
    edits = TextEdits(old_text=old)
    for old_start, old_end, new_start, new_end in narrowed_stretches(alignment):
        old_position, new_position = old_start, new_start
        # A long rewrite comes back as one removal and one insertion (see `word_diff`).
        for kind, text in word_diff(old[old_start:old_end], new[new_start:new_end]):
            if kind == "equal":
                old_position += len(text)
                new_position += len(text)
            elif kind == "delete":
                edits.removed.append((new_position, old_position, old_position + len(text)))
                old_position += len(text)
            else:
                edits.inserted.append((new_position, new_position + len(text)))
                new_position += len(text)
    return edits


@dataclass
class Marks:
    """What the entity changes add to the text: statuses, notes, and removed mentions to mark."""

    statuses: dict[tuple[EntityKind, int, int], str] = field(default_factory=dict)
    notes: dict[tuple[EntityKind, int, int], str] = field(default_factory=dict)
    # Removed entities' mentions that still stand in NEW text: (start, end, kind).
    removed_in_new: list[tuple[int, int, EntityKind]] = field(default_factory=list)
    # Removed entities' mentions in OLD text, shown inside removed stretches: (start, end, kind).
    removed_in_old: list[tuple[int, int, EntityKind]] = field(default_factory=list)


def highlight(
    record: Record,
    statuses: dict[tuple[EntityKind, int, int], str],
    default_status: str = "",
    edits: TextEdits | None = None,
    marks: Marks | None = None,
) -> str:
    """The record's text, escaped, with its mentions in `<mark>` and the text's edits in place.

    Mentions nest ("U.S." inside "U.S.-Russia Bilateral Presidential Commission"); one that
    crosses the end of an enclosing mention is cut at that end so the markup stays well formed.
    Inserted words are wrapped in `<ins>` and removed ones put back in `<del>` at the finest
    level, inside the marks, so they never break the nesting.

    Args:
        record: The record whose text and mentions are shown.
        statuses: "added", "changed" or "removed" for (kind, start, end) of mentions of such entities.
        default_status: The status of every other mention.
        edits: Words inserted into and removed from the text (none by default).
        marks: Notes shown after changed mentions, and removed mentions to mark.
    """
    edits = edits or TextEdits()
    marks = marks or Marks()
    spans: list[tuple[int, int, EntityKind]] = [(date.start, date.end, "date") for date in record.dates]
    for organization in record.organizations:
        spans.extend((m.start, m.end, "organization") for m in organization.mentions)
    for place in record.places:
        spans.extend((m.start, m.end, "place") for m in place.mentions)
    spans.extend(marks.removed_in_new)
    spans.sort(key=lambda span: (span[0], -span[1], span[2]))
    text = _Plain(record.text, edits, marks.removed_in_old)
    # Most texts in a diff did not change (a date's value did): no edit to look for.
    render: Callable[[int, int], str] = (
        text.render if edits.removed or edits.inserted else lambda start, end: escape_text(record.text[start:end])
    )
    out: list[str] = []
    open_marks: list[tuple[int, str]] = []  # (end, what follows the closing tag)
    position = 0
    for start, end, kind in spans:
        while open_marks and open_marks[-1][0] <= start:
            closing_end, note = open_marks.pop()
            out.append(render(position, closing_end) + "</mark>" + note)
            position = closing_end
        out.append(render(position, start))
        out.append(text.render_removed_at(start))  # before the mark: "<del>Ohio</del><mark>Georgia"
        position = start
        status = statuses.get((kind, start, end), default_status)
        label = f"{kind} {status}".strip()
        clipped_end = min(end, open_marks[-1][0]) if open_marks else end
        said = marks.notes.get((kind, start, end))
        out.append(f'<mark class="{label}" title="{label}">')
        open_marks.append((clipped_end, f'<span class="note">{_escape(said)}</span>' if said else ""))
    while open_marks:
        closing_end, note = open_marks.pop()
        out.append(render(position, closing_end) + "</mark>" + note)
        position = closing_end
    out.append(render(position, len(record.text)))
    out.append(text.render_removed_at_end())
    return "".join(out)


class _Plain:
    """Renders stretches of the text in increasing order, with insertions and removals in place."""

    def __init__(self, text: str, edits: TextEdits, removed_mentions: Sequence[tuple[int, int, EntityKind]]) -> None:
        self.text = text
        self.edits = edits
        self.removed_mentions = sorted(removed_mentions)
        self._next_removed = 0
        self._next_inserted = 0

    def render(self, start: int, end: int) -> str:
        """`text[start:end]`, escaped, with the edits that fall in it.

        Calls come in text order over adjacent stretches, so both edit lists are walked once.
        """
        if start >= end:
            return ""
        removed, inserted = self.edits.removed, self.edits.inserted
        while self._next_inserted < len(inserted) and inserted[self._next_inserted][1] <= start:
            self._next_inserted += 1
        if (self._next_removed == len(removed) or removed[self._next_removed][0] >= end) and (
            self._next_inserted == len(inserted) or inserted[self._next_inserted][0] >= end
        ):
            return escape_text(self.text[start:end])  # the common case: no edit here
        removals: dict[int, list[tuple[int, int]]] = {}
        while self._next_removed < len(removed) and removed[self._next_removed][0] < end:
            at, old_start, old_end = removed[self._next_removed]
            removals.setdefault(max(at, start), []).append((old_start, old_end))
            self._next_removed += 1
        while self._next_inserted < len(inserted) and inserted[self._next_inserted][1] <= start:
            self._next_inserted += 1
        overlapping = []
        index = self._next_inserted
        while index < len(inserted) and inserted[index][0] < end:
            overlapping.append((max(inserted[index][0], start), min(inserted[index][1], end)))
            index += 1
        points = sorted({start, end, *removals, *(cut for span in overlapping for cut in span)})
        out: list[str] = []
        for left, right in itertools.pairwise(points):
            out.extend(self._deleted(old_start, old_end) for old_start, old_end in removals.get(left, ()))
            piece = escape_text(self.text[left:right])
            inside = any(a <= left and right <= b for a, b in overlapping)
            out.append(f"<ins>{piece}</ins>" if inside else piece)
        return "".join(out)

    def render_removed_at(self, position: int) -> str:
        """The removed stretches that stood right before `position` and are not rendered yet."""
        out = []
        removed = self.edits.removed
        while self._next_removed < len(removed) and removed[self._next_removed][0] == position:
            out.append(self._deleted(*removed[self._next_removed][1:]))
            self._next_removed += 1
        return "".join(out)

    def render_removed_at_end(self) -> str:
        """Removed stretches that stood after the last character of NEW text."""
        return "".join(
            self._deleted(old_start, old_end) for at, old_start, old_end in self.edits.removed if at >= len(self.text)
        )

    def _deleted(self, old_start: int, old_end: int) -> str:
        old = self.edits.old_text
        out, position = ["<del>"], old_start
        for start, end, kind in self.removed_mentions:
            if old_start <= start and end <= old_end and start >= position:
                out.append(escape_text(old[position:start]))
                out.append(f'<mark class="{kind} removed" title="{kind} removed">{escape_text(old[start:end])}</mark>')
                position = end
        out.append(escape_text(old[position:old_end]) + "</del>")
        return "".join(out)


def entity_marks(document: DocumentDiff, old: Record, new: Record, alignment: TextAlignment) -> Marks:
    """Statuses and notes of added and changed entities' NEW mentions; removed ones located."""
    marks = Marks()
    for change in document.entity_changes():
        entity = change.old if change.change == "removed" else change.new
        assert isinstance(entity, dict)
        spans = _mention_spans(change.kind, entity)
        if change.change == "removed":
            # A mention whose words are still in NEW text is marked there; one whose words
            # were removed is marked inside the removed words.
            noted = False
            for start, end in spans:
                mapped = alignment.to_new(start)
                if mapped is not None and new.text[mapped : mapped + end - start] == old.text[start:end]:
                    key = (change.kind, mapped, mapped + end - start)
                    marks.removed_in_new.append((mapped, mapped + end - start, change.kind))
                    marks.statuses[key] = "removed"
                    if not noted:
                        marks.notes[key] = f"{change.kind} removed"
                        noted = True
                else:
                    marks.removed_in_old.append((start, end, change.kind))
            continue
        for start, end in spans:
            marks.statuses[(change.kind, start, end)] = change.change
        first = (change.kind, *spans[0])
        if change.change == "changed":
            marks.notes[first] = "; ".join(
                f"{f.field} {show_value(f.old)} → {show_value(f.new)}" for f in change.fields
            )
        else:
            marks.notes[first] = f"{change.kind} added"
    return marks


def _mention_spans(kind: EntityKind, entity: dict[str, JsonValue]) -> list[tuple[int, int]]:
    if kind == "date":
        return [(_int(entity["start"]), _int(entity["end"]))]
    mentions = entity["mentions"]
    assert isinstance(mentions, list)
    spans = []
    for mention in mentions:
        assert isinstance(mention, dict)
        spans.append((_int(mention["start"]), _int(mention["end"])))
    return spans


def escape_text(text: str) -> str:
    """Article text for a `<pre>`: line breaks and tabs kept, other controls made visible, escaped."""
    return html.escape(escape_controls(text, line_break="\n", tab="\t"), quote=False)


def _escape(text: str) -> str:
    return html.escape(escape_controls(text), quote=True)


def _int(value: JsonValue) -> int:
    assert isinstance(value, int)
    return value
