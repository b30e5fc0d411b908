"""The HTML report of a diff: one self-contained static page, written while documents stream past.

The page needs no server and loads nothing: inline CSS, no script, `<details>` for the
collapsible sections, and a Content-Security-Policy that forbids scripts, images and every
other fetch. Every string that comes from an output folder (text, names, ids, configuration
values, folder names) goes through `_escape` (the text through `diff_marking`): HTML-escaped,
with control characters and bidirectional overrides shown as visible escapes. The policy is
only a second layer.

What a reviewer sees, top down: why (the manifests' differences), the counts (per field and
per stage), then one section per document that differs. A changed document shows its NEW
text in full, marked in place by `pipeline.diff_marking`. Added and removed documents get one line each, unchanged ones are only counted,
so thousands of documents keep the page usable; the same inputs give the same bytes.
"""

from __future__ import annotations

import heapq
import html
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import IO, Self

from pipeline.diff import (
    STAGE_ORDER,
    ChangeCounts,
    DiffSummary,
    DocumentDiff,
    OutputDiff,
)
from pipeline.diff_manifest import ManifestDiff
from pipeline.diff_marking import TextEdits, entity_marks, highlight, text_edits
from pipeline.diff_select import Selection, section_of
from pipeline.diff_text import entity_detail, show_value
from pipeline.diff_words import TextAlignment, escape_controls
from pipeline.records import Record

CHANGE_SIGNS = {"added": "+", "removed": "-", "changed": "~"}
SUMMARY_ROWS = ("dates", "organizations", "places", "text", "title", "boilerplate")
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
        parts.append(
            f'<details id="inputs"><summary>inputs: {_escape(manifest.input_counts.summary())}</summary>\n<ul class="changes">\n'
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
        title += f" ({_escape(document.reason)})" if document.reason else ""
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
    edits = text_edits(alignment) if document.text is not None else TextEdits()
    marks = entity_marks(document, old, new, alignment)
    parts.append(f'<pre class="text">{highlight(new, marks.statuses, edits=edits, marks=marks)}</pre>\n')
    parts.append("</details>\n")
    return "".join(parts)


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


def _negated(rank: str) -> str:
    """A hex rank turned around, so that Python's min-heap keeps the largest rank on top."""
    return rank.translate(_NEGATE)


_NEGATE = str.maketrans("0123456789abcdef", "fedcba9876543210")
