"""The HTML report of a diff: one self-contained static page, written while documents stream past.

The page needs no server and loads nothing: inline CSS, no script, `<details>` for the
collapsible sections, and a Content-Security-Policy that forbids scripts, images and every
other fetch. Every string that comes from an output folder (text, names, ids, configuration
values, folder names) goes through `_escape`: HTML-escaped, with control characters and
bidirectional overrides shown as visible escapes. The policy is only a second layer.

What a reviewer sees, top down: why (the manifests' differences), the counts (per field and
per stage), then one section per document that differs. A changed document shows its NEW
text in full with the words removed (`<del>`) and inserted (`<ins>`) marked in place, every
date, organization and place marked, and each added, changed or removed one annotated where
it stands. Added and removed documents get one line each, unchanged ones are only counted,
so thousands of documents keep the page usable; the same inputs give the same bytes.
"""

from __future__ import annotations

import heapq
import html
import itertools
import os
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import IO, Self

from pydantic import JsonValue

from pipeline.diff import (
    STAGE_ORDER,
    ChangeCounts,
    DiffSummary,
    DocumentDiff,
    EntityKind,
    OutputDiff,
    TextAlignment,
    escape_controls,
    narrowed_stretches,
)
from pipeline.diff_manifest import ManifestDiff
from pipeline.diff_select import Selection, section_of
from pipeline.diff_text import MAX_WORD_DIFF_TOKENS, entity_detail, show_value, word_diff
from pipeline.records import Record

CHANGE_SIGNS = {"added": "+", "removed": "-", "changed": "~"}
SUMMARY_ROWS = ("dates", "organizations", "places", "text", "title", "boilerplate")
# A stretch of the text longer than this many words is marked as removed and inserted whole:
# difflib's time grows with the product of the two lengths.
MAX_INLINE_TOKENS = 25 * MAX_WORD_DIFF_TOKENS
# Inputs listed by name under "why"; the rest are counted.
INPUTS_LISTED = 50

# No script, no image, no fetch of any kind: the page only needs its own inline styles.
CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"

STYLE = """
body { font: 15px/1.45 system-ui, sans-serif; margin: 1.5em auto; max-width: 72em; padding: 0 1em; color: #222; }
table { border-collapse: collapse; margin: 1em 0; }
th, td { border: 1px solid #ccc; padding: .25em .7em; text-align: right; }
th:first-child, td:first-child { text-align: left; }
#why td { text-align: left; font-family: ui-monospace, monospace; font-size: 13px; }
details.doc { border: 1px solid #ddd; border-radius: 4px; margin: .4em 0; padding: .3em .7em; }
details.doc > summary { cursor: pointer; font-family: ui-monospace, monospace; }
.doc.added > summary::before { content: "+ "; color: #1a7f37; }
.doc.removed > summary::before { content: "- "; color: #cf222e; }
.doc.changed > summary::before { content: "~ "; color: #9a6700; }
.stage { font-size: 12px; border: 1px solid #ccc; border-radius: 3px; padding: 0 .3em; }
ul.changes { font-family: ui-monospace, monospace; font-size: 13px; padding-left: 1.2em; }
li.added { color: #1a7f37; } li.removed { color: #cf222e; } li.changed { color: #9a6700; }
pre.text { white-space: pre-wrap; word-wrap: break-word; background: #fafafa; padding: .7em; border: 1px solid #eee; }
ins { background: #ccffd8; text-decoration: none; } del { background: #ffd7d5; }
mark { background: none; border-bottom: 2px solid; padding: 0 1px; }
mark.date { border-color: #0969da; } mark.organization { border-color: #8250df; } mark.place { border-color: #1b7c83; }
mark.added { background: #dafbe1; } mark.changed { background: #fff8c5; } mark.removed { background: #ffebe9; }
.note { font-size: 11px; color: #57606a; background: #f6f8fa; border: 1px solid #d0d7de; border-radius: 3px;
  padding: 0 .25em; margin-left: .2em; }
.legend mark, .legend ins, .legend del { margin-right: .8em; }
"""


@dataclass
class _Sections:
    """Document sections kept for the page: streamed to a file, or (for a sample) the best N in memory."""

    selection: Selection
    shown: dict[str, int] = field(default_factory=dict)
    left_out: dict[str, int] = field(default_factory=dict)
    # (negated rank, id, section html) of the sample drawn so far; a max-heap by rank.
    sample: list[tuple[str, str, str]] = field(default_factory=list)


class HtmlReport:
    """Writes the HTML page of a diff while its documents stream past.

    Document sections go to a temporary file first, because the summary at the top is known
    only at the end; `finish` writes head and summary, appends the sections and renames the
    page into place, so an interrupted diff never leaves a half-written report.
    """

    def __init__(self, path: Path, selection: Selection | None = None) -> None:
        self.path = path
        self._sections_tmp = path.with_name(f".{path.name}.{os.getpid()}.sections.tmp")
        self._page_tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        self._sections: IO[str] | None = None
        self._kept = _Sections(selection or Selection())

    def __enter__(self) -> Self:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._sections = self._sections_tmp.open("w+", encoding="utf-8", newline="\n")
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        if self._sections is not None and not self._sections.closed:
            self._sections.close()
        self._sections_tmp.unlink(missing_ok=True)
        self._page_tmp.unlink(missing_ok=True)

    def add(self, document: DocumentDiff, old: Record | None, new: Record | None) -> None:
        """Append the section of one document, if the selection shows it (never an unchanged one)."""
        assert self._sections is not None, "use HtmlReport as a context manager"
        kept = self._kept
        selection = kept.selection
        if document.change == "unchanged" or not selection.matches(document):
            return
        document = selection.narrow(document)
        if selection.sample is not None:
            rank = selection.sample_rank(document.id)
            if len(kept.sample) < selection.sample:
                heapq.heappush(kept.sample, (_negated(rank), document.id, document_section(document, old, new)))
            elif _negated(rank) > kept.sample[0][0]:
                heapq.heapreplace(kept.sample, (_negated(rank), document.id, document_section(document, old, new)))
            return
        section = section_of(document)
        if selection.limit is not None and kept.shown.get(section, 0) >= selection.limit:
            kept.left_out[section] = kept.left_out.get(section, 0) + 1
            return
        kept.shown[section] = kept.shown.get(section, 0) + 1
        self._sections.write(document_section(document, old, new))

    def finish(self, diff: OutputDiff) -> Path:
        """Write the page: head, why, counts, then the sections kept so far."""
        assert self._sections is not None, "use HtmlReport as a context manager"
        kept = self._kept
        for _rank, _id, section in sorted(kept.sample, key=lambda item: item[1]):
            self._sections.write(section)
        self._sections.flush()
        self._sections.seek(0)
        shown = len(kept.sample) if kept.selection.sample is not None else sum(kept.shown.values())
        with self._page_tmp.open("w", encoding="utf-8", newline="\n") as page:
            page.write(page_head(diff, shown, kept.selection))
            shutil.copyfileobj(self._sections, page)
            page.write(_left_out_note(kept.left_out, kept.selection.limit))
            page.write("</section>\n</body>\n</html>\n")
            page.flush()
            os.fsync(page.fileno())
        os.replace(self._page_tmp, self.path)
        return self.path


def page_head(diff: OutputDiff, shown: int | None = None, selection: Selection | None = None) -> str:
    """Everything before the document sections: head, title, why, counts and legend."""
    old, new = _escape(diff.old), _escape(diff.new)
    differing = len(diff.documents)
    shown = differing if shown is None else shown
    heading = f"{differing} documents differ" + (f"; {shown} shown" if shown != differing else "")
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>pipeline diff: {old} → {new}</title>\n"
        f"<style>{STYLE}</style>\n</head>\n<body>\n"
        f"<h1>pipeline diff</h1>\n<p>old: <code>{old}</code><br>new: <code>{new}</code></p>\n"
        f"<h2>Why: the manifests</h2>\n{why_table(diff.manifest, selection or Selection())}"
        f"<h2>Counts</h2>\n{summary_table(diff.summary)}{stage_table(diff.summary)}"
        '<p class="legend">In each text: <del>removed</del><ins>inserted</ins>'
        '<mark class="date">date</mark><mark class="organization">organization</mark>'
        '<mark class="place">place</mark><mark class="date added">added</mark>'
        '<mark class="date changed">changed</mark><mark class="date removed">removed</mark></p>\n'
        f'<section id="documents">\n<h2>{heading}</h2>\n'
    )


def why_table(manifest: ManifestDiff, selection: Selection) -> str:
    """The manifests' differences: settings (key, old, new), then the inputs added, removed or changed.

    The inputs listed are those whose id the selection's `--id` pattern matches (all without one).
    """
    parts = [f"<p>{_escape(problem)}</p>\n" for problem in manifest.problems]
    if not manifest.problems and not manifest.differs:
        parts.append('<p id="why">Same pipeline, versions, configuration, template lines and inputs.</p>\n')
        return "".join(parts)
    if manifest.settings:
        parts.append('<table id="why">\n<tr><th>setting</th><th>old</th><th>new</th></tr>\n')
        for setting in manifest.settings:
            old = show_value(setting.old) if setting.change != "added" else "(none)"
            new = show_value(setting.new) if setting.change != "removed" else "(none)"
            parts.append(
                f'<tr class="{setting.change}"><td>{_escape(setting.key)}</td>'
                f"<td>{_escape(old)}</td><td>{_escape(new)}</td></tr>\n"
            )
        parts.append("</table>\n")
    if manifest.inputs:
        counts = manifest.input_counts
        parts.append(
            f'<details id="inputs"><summary>inputs: {counts.added} added, {counts.removed} removed,'
            f' {counts.content} with new content, {counts.status} with a new status</summary>\n<ul class="changes">\n'
        )
        matching = [change for change in manifest.inputs if selection.matches_input(change.id)]
        for change in matching[:INPUTS_LISTED]:
            style = change.change if change.change in ("added", "removed") else "changed"
            status = f": {change.old_status} → {change.new_status}" if change.change == "status" else ""
            reason = f" ({change.reason})" if change.reason else ""
            parts.append(f'<li class="{style}">{_escape(f"{change.change} {change.path}{status}{reason}")}</li>\n')
        if len(matching) > INPUTS_LISTED:
            parts.append(f"<li>… {len(matching) - INPUTS_LISTED} more</li>\n")
        parts.append("</ul></details>\n")
    return "".join(parts)


def summary_table(summary: DiffSummary) -> str:
    """The counts as a table; each cell names its row and column in data attributes."""
    documents = summary.documents
    rows = [
        '<table id="summary">\n<tr><th></th><th>added</th><th>removed</th><th>changed</th><th>unchanged</th></tr>\n',
        '<tr data-row="documents"><td>documents</td>'
        f"{_cell('added', documents.added)}{_cell('removed', documents.removed)}"
        f"{_cell('changed', documents.changed)}{_cell('unchanged', documents.unchanged)}</tr>\n",
    ]
    for name in SUMMARY_ROWS:
        counts: ChangeCounts = getattr(summary, name)
        rows.append(
            f'<tr data-row="{name}"><td>{name}</td>'
            f"{_cell('added', counts.added)}{_cell('removed', counts.removed)}{_cell('changed', counts.changed)}"
            "<td></td></tr>\n"
        )
    rows.append("</table>\n")
    return "".join(rows)


def stage_table(summary: DiffSummary) -> str:
    """Changed documents by the first stage whose output differs, in pipeline order."""
    if not summary.stages:
        return ""
    rows = ['<table id="stages">\n<tr><th>first stage changed</th><th>documents</th></tr>\n']
    rows.extend(
        f'<tr data-stage="{_escape(count.stage)}"><td>{_escape(count.stage)}</td><td>{count.documents}</td></tr>\n'
        for count in summary.stages
    )
    rows.append("</table>\n")
    return "".join(rows)


def document_section(document: DocumentDiff, old: Record | None, new: Record | None) -> str:
    """One collapsible section: the changes as a list, then (if changed) the text marked in place."""
    record_id = _escape(document.id)
    if document.change != "changed":
        record = new if document.change == "added" else old
        title = f": {_escape(record.title)}" if record is not None and record.title else ""
        return (
            f'<div class="doc {document.change}" data-id="{record_id}" data-section="{document.change}">'
            f"{CHANGE_SIGNS[document.change]} <code>{record_id}</code> <small>{document.change}{title}</small></div>\n"
        )
    assert old is not None and new is not None
    stage = _escape(document.stage or "other")
    parts = [
        f'<details class="doc changed" data-id="{record_id}" data-section="{stage}">\n'
        f'<summary>{record_id} <span class="stage">{stage}</span> <small>{_caption(document)}</small></summary>\n'
    ]
    items = _change_items(document)
    if items:
        parts.append('<ul class="changes">\n' + "".join(items) + "</ul>\n")
    alignment = TextAlignment(old.text, new.text)
    edits = text_edits(alignment) if document.text is not None else _TextEdits()
    marks = _entity_marks(document, old, new, alignment)
    parts.append(f'<pre class="text">{highlight(new, marks.statuses, edits=edits, marks=marks)}</pre>\n')
    parts.append("</details>\n")
    return "".join(parts)


@dataclass
class _TextEdits:
    """Word-level edits from OLD text to NEW: inserted ranges of NEW, removed OLD stretches placed in NEW."""

    inserted: list[tuple[int, int]] = field(default_factory=list)
    # (NEW offset it stood before, OLD start, OLD end)
    removed: list[tuple[int, int, int]] = field(default_factory=list)
    old_text: str = ""


def text_edits(alignment: TextAlignment) -> _TextEdits:
    """Where NEW text differs from OLD, word by word (lines aligned, narrowed, then words within)."""
    old, new = alignment.old, alignment.new
    edits = _TextEdits(old_text=old)
    for old_start, old_end, new_start, new_end in narrowed_stretches(alignment):
        old_position, new_position = old_start, new_start
        pieces = (
            word_diff(old[old_start:old_end], new[new_start:new_end])
            if (old_end - old_start) + (new_end - new_start) <= 8 * MAX_INLINE_TOKENS
            else [("delete", old[old_start:old_end]), ("insert", new[new_start:new_end])]
        )
        for kind, text in pieces:
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
class _Marks:
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
    edits: _TextEdits | None = None,
    marks: _Marks | None = None,
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
    edits = edits or _TextEdits()
    marks = marks or _Marks()
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
        text.render if edits.removed or edits.inserted else lambda start, end: _escape_text(record.text[start:end])
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

    def __init__(self, text: str, edits: _TextEdits, removed_mentions: Sequence[tuple[int, int, EntityKind]]) -> None:
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
            return _escape_text(self.text[start:end])  # the common case: no edit here
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
            piece = _escape_text(self.text[left:right])
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
                out.append(_escape_text(old[position:start]))
                out.append(f'<mark class="{kind} removed" title="{kind} removed">{_escape_text(old[start:end])}</mark>')
                position = end
        out.append(_escape_text(old[position:old_end]) + "</del>")
        return "".join(out)


def _entity_marks(document: DocumentDiff, old: Record, new: Record, alignment: TextAlignment) -> _Marks:
    """Statuses and notes of added and changed entities' NEW mentions; removed ones located."""
    marks = _Marks()
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


def _change_items(document: DocumentDiff) -> list[str]:
    items: list[str] = []
    if document.title is not None:
        title = f"~ title {show_value(document.title.old)} → {show_value(document.title.new)}"
        items.append(f'<li class="changed">{_escape(title)}</li>\n')
    if document.text is not None:
        text = document.text
        items.append(
            f'<li class="changed">~ text: {text.old_length} → {text.new_length} chars,'
            f" {len(text.hunks)} changed stretch{'' if len(text.hunks) == 1 else 'es'} (marked below)</li>\n"
        )
    if document.boilerplate is not None:
        for side, pieces in (("added", document.boilerplate.added), ("removed", document.boilerplate.removed)):
            for piece in pieces:
                line = f"{CHANGE_SIGNS[side]} boilerplate {piece.kind} {show_value(piece.text)}"
                items.append(f'<li class="{side}">{_escape(line)}</li>\n')
    for change in document.entity_changes():
        line = f"{CHANGE_SIGNS[change.change]} {change.kind} {show_value(change.key)}{entity_detail(change)}"
        items.append(f'<li class="{change.change}">{_escape(line)}</li>\n')
    return items


def _caption(document: DocumentDiff) -> str:
    changes = document.entity_changes()
    plural = "" if len(changes) == 1 else "s"
    return _escape(f"changed: {', '.join(document.fields)}; {len(changes)} date/organization/place change{plural}")


def _left_out_note(left_out: dict[str, int], limit: int | None) -> str:
    if not left_out:
        return ""
    counts = ", ".join(
        f"{left_out[section]} {section}" for section in ("added", "removed", *STAGE_ORDER) if section in left_out
    )
    return f'<p class="left-out">Not shown (--limit {limit} per section): {_escape(counts)}.</p>\n'


def _cell(column: str, count: int) -> str:
    return f'<td data-col="{column}">{count}</td>'


def _escape(text: str) -> str:
    """A string from an output folder, for HTML: controls and bidi overrides made visible, then escaped."""
    return html.escape(escape_controls(text), quote=True)


def _escape_text(text: str) -> str:
    """Article text for a `<pre>`: line breaks and tabs kept, other controls made visible, escaped."""
    return html.escape(escape_controls(text, line_break="\n", tab="\t"), quote=False)


def _negated(rank: str) -> str:
    """A hex rank turned around, so that Python's min-heap keeps the largest rank on top."""
    return rank.translate(_NEGATE)


_NEGATE = str.maketrans("0123456789abcdef", "fedcba9876543210")


def _int(value: JsonValue) -> int:
    assert isinstance(value, int)
    return value
