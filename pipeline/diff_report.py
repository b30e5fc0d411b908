"""Renderings of a diff for people: terminal text, and one self-contained static HTML page.

The HTML page needs no server and loads nothing: inline CSS, no script, `<details>` for the
collapsible sections, and a Content-Security-Policy that forbids scripts, images and every
other fetch. Every string that comes from a scraped page (text, names, contexts, ids) goes
through `html.escape`; the policy is only a second layer. The page is written while the
documents stream past (only documents that differ get a section, and only changed or added
ones carry their text), so thousands of documents keep memory and page size lean; the same
inputs give the same bytes.
"""

from __future__ import annotations

import html
import os
import shutil
from pathlib import Path
from types import TracebackType
from typing import IO, Self

from pydantic import JsonValue

from pipeline.diff import (
    ChangeCounts,
    DiffSummary,
    DocumentDiff,
    EntityChange,
    EntityKind,
    OutputDiff,
    escape_controls,
)
from pipeline.records import Record

CHANGE_SIGNS = {"added": "+", "removed": "-", "changed": "~"}
SUMMARY_ROWS = ("dates", "organizations", "places", "text", "title", "boilerplate")

# No script, no image, no fetch of any kind: the page only needs its own inline styles.
CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"

STYLE = """
body { font: 15px/1.45 system-ui, sans-serif; margin: 1.5em auto; max-width: 72em; padding: 0 1em; color: #222; }
table { border-collapse: collapse; margin: 1em 0; }
th, td { border: 1px solid #ccc; padding: .25em .7em; text-align: right; }
th:first-child, td:first-child { text-align: left; }
details.doc { border: 1px solid #ddd; border-radius: 4px; margin: .4em 0; padding: .3em .7em; }
details.doc > summary { cursor: pointer; font-family: ui-monospace, monospace; }
details.added > summary::before { content: "+ "; color: #1a7f37; }
details.removed > summary::before { content: "- "; color: #cf222e; }
details.changed > summary::before { content: "~ "; color: #9a6700; }
ul.changes { font-family: ui-monospace, monospace; font-size: 13px; padding-left: 1.2em; }
li.added { color: #1a7f37; } li.removed { color: #cf222e; } li.changed { color: #9a6700; }
pre.text { white-space: pre-wrap; word-wrap: break-word; background: #fafafa; padding: .7em; border: 1px solid #eee; }
mark { background: none; border-bottom: 2px solid; padding: 0 1px; }
mark.date { border-color: #0969da; } mark.organization { border-color: #8250df; } mark.place { border-color: #1b7c83; }
mark.added { background: #dafbe1; } mark.changed { background: #fff8c5; }
.legend mark { margin-right: .8em; }
"""


def render_text(diff: OutputDiff) -> str:
    """The diff for a terminal: the counts, then every document that differs, sorted by id.

    Contexts are one line each, with line breaks and control characters escaped.
    """
    lines = [f"pipeline diff {escape_controls(diff.old)} -> {escape_controls(diff.new)}"]
    summary = diff.summary
    documents = summary.documents
    lines.append(
        f"documents: {documents.added} added, {documents.removed} removed, {documents.changed} changed,"
        f" {documents.unchanged} unchanged"
    )
    for name in ("dates", "organizations", "places"):
        counts: ChangeCounts = getattr(summary, name)
        lines.append(f"{name}: {counts.added} added, {counts.removed} removed, {counts.changed} changed value")
    lines.append(
        f"text: {summary.text.changed} changed; title: {summary.title.changed} changed;"
        f" boilerplate: {summary.boilerplate.added} added, {summary.boilerplate.removed} removed"
    )
    for document in diff.documents:
        lines.append("")
        lines.extend(_document_lines(document))
    return "\n".join(lines) + "\n"


def _document_lines(document: DocumentDiff) -> list[str]:
    header = f"{CHANGE_SIGNS[document.change]} {escape_controls(document.id)}"
    if document.change != "changed":
        return [f"{header} (document {document.change})"]
    lines = [f"{header} (fields: {', '.join(document.fields)})"]
    if document.title is not None:
        lines.append(f"  ~ title {_show(document.title.old)} -> {_show(document.title.new)}")
    if document.text is not None:
        text = document.text
        lines.append(f"  ~ text: {text.old_length} -> {text.new_length} chars, {len(text.hunks)} changed stretches")
        for hunk in text.hunks:
            lines.append(f"      old at {hunk.old_start}: {hunk.old_context}")
            lines.append(f"      new at {hunk.new_start}: {hunk.new_context}")
    if document.boilerplate is not None:
        for sign, pieces in (("+", document.boilerplate.added), ("-", document.boilerplate.removed)):
            for piece in pieces:
                lines.append(f"  {sign} boilerplate {piece.kind} {_show(_shorten(piece.text))}")
    for change in document.entity_changes():
        lines.append(f"  {CHANGE_SIGNS[change.change]} {change.kind} {_show(change.key)}{_entity_detail(change)}")
        lines.append(f"      {change.context}")
    return lines


def _entity_detail(change: EntityChange) -> str:
    if change.change == "changed":
        return ": " + "; ".join(f"{f.field} {_show(f.old)} -> {_show(f.new)}" for f in change.fields)
    entity = change.new if change.change == "added" else change.old
    assert isinstance(entity, dict)
    if change.kind == "date":
        return f" = {entity['value']} ({entity['precision']})"
    if change.kind == "place":
        return f" ({entity['kind']}, {_show(entity['country_code'])}, geonameid {_show(entity['geonameid'])})"
    return f" (acronym {_show(entity['acronym'])})" if entity["acronym"] else ""


def _show(value: JsonValue) -> str:
    """A value as one escaped line: strings quoted, lists bracketed, None as null."""
    if value is None:
        return "null"
    if isinstance(value, str):
        return '"' + escape_controls(value) + '"'
    if isinstance(value, list):
        return "[" + ", ".join(_show(item) for item in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    return escape_controls(str(value))


def _shorten(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


class HtmlReport:
    """Writes the HTML page of a diff while its documents stream past.

    Document sections go to a temporary file first, because the summary table at the top is
    known only at the end; `finish` writes head and summary, appends the sections and renames
    the page into place, so an interrupted diff never leaves a half-written report.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._sections_tmp = path.with_name(f".{path.name}.{os.getpid()}.sections.tmp")
        self._page_tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        self._sections: IO[str] | None = None

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
        """Append the section of one document (nothing for an unchanged one)."""
        assert self._sections is not None, "use HtmlReport as a context manager"
        if document.change != "unchanged":
            self._sections.write(document_section(document, old, new))

    def finish(self, diff: OutputDiff) -> Path:
        """Write the page: head, summary table, then the sections added so far."""
        assert self._sections is not None, "use HtmlReport as a context manager"
        self._sections.flush()
        self._sections.seek(0)
        with self._page_tmp.open("w", encoding="utf-8", newline="\n") as page:
            page.write(page_head(diff))
            shutil.copyfileobj(self._sections, page)
            page.write("</section>\n</body>\n</html>\n")
            page.flush()
            os.fsync(page.fileno())
        os.replace(self._page_tmp, self.path)
        return self.path


def page_head(diff: OutputDiff) -> str:
    """Everything before the document sections: head, title, summary table and legend."""
    old, new = _escape(diff.old), _escape(diff.new)
    differing = len(diff.documents)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>pipeline diff: {old} → {new}</title>\n"
        f"<style>{STYLE}</style>\n</head>\n<body>\n"
        f"<h1>pipeline diff</h1>\n<p>old: <code>{old}</code><br>new: <code>{new}</code></p>\n"
        f"{summary_table(diff.summary)}"
        '<p class="legend">In each text: '
        '<mark class="date">date</mark><mark class="organization">organization</mark>'
        '<mark class="place">place</mark><mark class="date added">added</mark>'
        '<mark class="date changed">changed</mark>; removed ones are listed above the text.</p>\n'
        f'<section id="documents">\n<h2>{differing} documents differ</h2>\n'
    )


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


def document_section(document: DocumentDiff, old: Record | None, new: Record | None) -> str:
    """One collapsible section: the changes as a list, then the NEW text with its mentions marked."""
    parts = [
        f'<details class="doc {document.change}" data-id="{_escape(document.id)}">\n'
        f"<summary>{_escape(document.id)} <small>{_section_caption(document, old, new)}</small></summary>\n"
    ]
    items = _change_items(document)
    if items:
        parts.append('<ul class="changes">\n' + "".join(items) + "</ul>\n")
    if new is not None:
        default_status = "added" if document.change == "added" else ""
        parts.append(f'<pre class="text">{highlight(new, _marked_spans(document), default_status)}</pre>\n')
    parts.append("</details>\n")
    return "".join(parts)


def highlight(record: Record, statuses: dict[tuple[EntityKind, int, int], str], default_status: str = "") -> str:
    """The record's text, escaped, with every date, organization and place mention in a `<mark>`.

    Mentions nest ("U.S." inside "U.S.-Russia Bilateral Presidential Commission"); one that
    crosses the end of an enclosing mention is cut at that end so the markup stays well formed.

    Args:
        record: The record whose text and mentions are shown.
        statuses: "added" or "changed" for (kind, start, end) of mentions of such entities.
        default_status: The status of every other mention ("added" in an added document).
    """
    spans: list[tuple[int, int, EntityKind]] = [(date.start, date.end, "date") for date in record.dates]
    for organization in record.organizations:
        spans.extend((m.start, m.end, "organization") for m in organization.mentions)
    for place in record.places:
        spans.extend((m.start, m.end, "place") for m in place.mentions)
    spans.sort(key=lambda span: (span[0], -span[1], span[2]))
    text = record.text
    out: list[str] = []
    open_ends: list[int] = []
    position = 0
    for start, end, kind in spans:
        while open_ends and open_ends[-1] <= start:
            out.append(html.escape(text[position : open_ends[-1]]) + "</mark>")
            position = open_ends.pop()
        out.append(html.escape(text[position:start]))
        position = start
        label = f"{kind} {statuses.get((kind, start, end), default_status)}".strip()
        clipped_end = min(end, open_ends[-1]) if open_ends else end
        out.append(f'<mark class="{label}" title="{label}">')
        open_ends.append(clipped_end)
    while open_ends:
        out.append(html.escape(text[position : open_ends[-1]]) + "</mark>")
        position = open_ends.pop()
    out.append(html.escape(text[position:]))
    return "".join(out)


def _marked_spans(document: DocumentDiff) -> dict[tuple[EntityKind, int, int], str]:
    """Status of the NEW mentions of entities that were added or changed (all of an added document's)."""
    statuses: dict[tuple[EntityKind, int, int], str] = {}
    for change in document.entity_changes():
        if change.change == "removed" or not isinstance(change.new, dict):
            continue
        entity = change.new
        if change.kind == "date":
            statuses[(change.kind, _int(entity["start"]), _int(entity["end"]))] = change.change
            continue
        mentions = entity["mentions"]
        assert isinstance(mentions, list)
        for mention in mentions:
            assert isinstance(mention, dict)
            statuses[(change.kind, _int(mention["start"]), _int(mention["end"]))] = change.change
    return statuses


def _change_items(document: DocumentDiff) -> list[str]:
    items: list[str] = []
    if document.title is not None:
        items.append(
            f'<li class="changed">~ title {_escape(_show(document.title.old))} → {_escape(_show(document.title.new))}</li>\n'
        )
    if document.text is not None:
        text = document.text
        stretches = "".join(
            f"<br>old at {hunk.old_start}: {_escape(hunk.old_context)}<br>new at {hunk.new_start}: {_escape(hunk.new_context)}"
            for hunk in text.hunks
        )
        items.append(
            f'<li class="changed">~ text: {text.old_length} → {text.new_length} chars,'
            f" {len(text.hunks)} changed stretches{stretches}</li>\n"
        )
    if document.boilerplate is not None:
        for side, pieces in (("added", document.boilerplate.added), ("removed", document.boilerplate.removed)):
            for piece in pieces:
                items.append(
                    f'<li class="{side}">{CHANGE_SIGNS[side]} boilerplate {piece.kind}'
                    f" {_escape(_show(_shorten(piece.text)))}</li>\n"
                )
    for change in document.entity_changes():
        items.append(
            f'<li class="{change.change}">{CHANGE_SIGNS[change.change]} {change.kind}'
            f" {_escape(_show(change.key))}{_escape(_entity_detail(change))}<br>{_escape(change.context)}</li>\n"
        )
    return items


def _section_caption(document: DocumentDiff, old: Record | None, new: Record | None) -> str:
    if document.change == "removed":
        return "removed" + (f": {_escape(old.title)}" if old is not None and old.title else "")
    if document.change == "added":
        return "added" + (f": {_escape(new.title)}" if new is not None and new.title else "")
    changes = document.entity_changes()
    return _escape(
        f"changed: {', '.join(document.fields)}; {len(changes)} date/organization/place change"
        f"{'' if len(changes) == 1 else 's'}"
    )


def _cell(column: str, count: int) -> str:
    return f'<td data-col="{column}">{count}</td>'


def _escape(text: str) -> str:
    return html.escape(text, quote=True)


def _int(value: JsonValue) -> int:
    assert isinstance(value, int)
    return value
