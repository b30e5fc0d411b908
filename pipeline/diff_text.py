"""A diff for a terminal and for a pull-request comment: why first, then counts, then documents.

Every string that comes from an output folder (ids, names, texts, configuration values,
folder names) passes through `escape_controls`, so a scraped page cannot send escape
sequences to the terminal or reorder a line with a bidirectional override. Colour (ANSI)
is added only when asked, which the command line does on a terminal without NO_COLOR.
"""

from __future__ import annotations

import difflib
import json
import re
import textwrap
from collections import Counter
from collections.abc import Iterator, Sequence
from typing import cast

from pydantic import JsonValue

from pipeline.diff import (
    STAGE_ORDER,
    ChangeCounts,
    DiffSummary,
    DocumentDiff,
    EntityChange,
    OutputDiff,
)
from pipeline.diff_manifest import InputChange, ManifestDiff, SettingChange
from pipeline.diff_select import Selection, section_of, select
from pipeline.diff_words import BIDI_CONTROLS, LINE_BREAK_MARK, TextHunk, escape_controls

CHANGE_SIGNS = {"added": "+", "removed": "-", "changed": "~", "content": "~", "status": "~"}
ENTITY_FIELDS = ("dates", "organizations", "places")
# Documents listed in a Markdown summary unless a limit says otherwise: a comment stays short.
MARKDOWN_DOCUMENTS = 10
# A changed stretch longer than this many tokens (words, spaces, punctuation) per side is shown
# as removed and inserted whole: difflib's time grows with the product of the two lengths.
MAX_WORD_DIFF_TOKENS = 400

_STYLES = {"added": "32", "removed": "31", "changed": "33", "heading": "1", "dim": "2"}
_TOKENS = re.compile(r"\w+|\s+|[^\w\s]")


def render_text(diff: OutputDiff, selection: Selection | None = None, color: bool = False, quiet: bool = False) -> str:
    """The diff for a terminal: why (manifests), the counts, then the selected documents.

    Args:
        diff: The diff to show.
        selection: Which documents to show (all by default); counts always cover all.
        color: Mark additions, removals and changes with ANSI colours.
        quiet: Show why and the counts only.
    """
    return "".join(iter_text(diff, selection, color, quiet))


def iter_text(
    diff: OutputDiff, selection: Selection | None = None, color: bool = False, quiet: bool = False
) -> Iterator[str]:
    """`render_text` a line at a time (each with its newline), to write without holding it all."""
    paint = _Painter(color)
    selection = selection or Selection()
    head = [paint("heading", f"pipeline diff {_esc(diff.old)} -> {_esc(diff.new)}"), ""]
    head.extend(_manifest_lines(diff.manifest, paint, selection))
    head.append("")
    head.extend(_count_lines(diff.summary))
    yield from (f"{line}\n" for line in head)
    if quiet:
        return
    shown = select(diff.documents, selection)
    if len(shown) < len(diff.documents):
        yield f"showing {len(shown)} of {len(diff.documents)} documents that differ{_narrowing(selection)}\n"
    for section, documents in _sections(shown):
        yield "\n"
        yield paint("heading", f"{_section_title(section)} ({len(documents)})") + "\n"
        for document in documents[: selection.limit]:
            yield from (f"{line}\n" for line in _document_lines(document, paint))
        if selection.limit is not None and len(documents) > selection.limit:
            yield paint("dim", f"  ... {len(documents) - selection.limit} more (--limit {selection.limit})") + "\n"


def render_markdown(diff: OutputDiff, selection: Selection | None = None, quiet: bool = False) -> str:
    """A short summary for a pull-request comment or a CI log.

    Why (the manifests' differences), counts per field and per stage, and the first changed
    documents with one line each (`selection.limit`, else `MARKDOWN_DOCUMENTS`; none when quiet).
    """
    selection = selection or Selection()
    summary = diff.summary
    counts = summary.documents
    lines = [
        "### pipeline diff",
        "",
        f"{_code(diff.old)} → {_code(diff.new)}: **{counts.changed} changed**, {counts.added} added,"
        f" {counts.removed} removed, {counts.unchanged} unchanged documents.",
        "",
        "**Why**",
        "",
    ]
    lines.extend(f"- {line}" for line in _why_markdown(diff.manifest))
    lines += ["", "| field | added | removed | changed |", "|---|---:|---:|---:|"]
    for name in ("text", "title", "boilerplate", *ENTITY_FIELDS):
        field_counts: ChangeCounts = getattr(summary, name)
        lines.append(f"| {name} | {field_counts.added} | {field_counts.removed} | {field_counts.changed} |")
    if summary.stages:
        lines += ["", "| first stage changed | documents |", "|---|---:|"]
        lines.extend(f"| {count.stage} | {count.documents} |" for count in summary.stages)
    shown = [] if quiet else select(diff.documents, selection)
    limit = selection.limit or MARKDOWN_DOCUMENTS
    if shown:
        lines += ["", f"**Documents** (first {min(limit, len(shown))} of {len(shown)}{_narrowing(selection)})", ""]
        lines.extend(f"- {_markdown_document(document)}" for document in shown[:limit])
    return "\n".join(lines) + "\n"


def neutral_json(text: str) -> str:
    """JSON text with C1 controls, line separators and bidirectional overrides as `\\uXXXX` escapes.

    `json.dumps(..., ensure_ascii=False)` escapes only C0 controls; the rest would reach a
    terminal raw. The escapes parse back to the same strings.
    """
    # A search first: most diffs hold none, and translating copies the whole text.
    return text.translate(_JSON_ESCAPES) if _JSON_UNSAFE.search(text) else text


_JSON_ESCAPES = {
    code: f"\\u{code:04x}" for code in (*range(0x7F, 0xA0), 0x2028, 0x2029, *(ord(char) for char in BIDI_CONTROLS))
}
_JSON_UNSAFE = re.compile("[" + "".join(sorted(chr(code) for code in _JSON_ESCAPES)) + "]")


def iter_json(diff: OutputDiff, documents: Sequence[DocumentDiff]) -> Iterator[str]:
    """The diff with these documents as JSON, a document at a time (`neutral_json` applied).

    The same bytes as `canonical_json` of the whole model (sorted keys, 2-space indent), but a
    diff of thousands of documents is never held as one dictionary and one string.
    """
    yield '{\n  "documents": ['
    for index, document in enumerate(documents):
        text = json.dumps(document.model_dump(mode="json"), ensure_ascii=False, indent=2, sort_keys=True)
        yield ("," if index else "") + "\n" + neutral_json(textwrap.indent(text, "    "))
    yield ("\n  ]" if documents else "]") + ",\n"
    rest = json.dumps(diff.model_dump(mode="json", exclude={"documents"}), ensure_ascii=False, indent=2, sort_keys=True)
    yield neutral_json(rest.removeprefix("{\n")) + "\n"


def word_diff(removed: str, inserted: str) -> list[tuple[str, str]]:
    """`removed` turned into `inserted` word by word: ("equal"|"delete"|"insert", text) pieces.

    Words, runs of spaces and single punctuation marks are compared (difflib), so a changed
    word inside a sentence is marked alone; neighbouring pieces of one kind are merged.
    """
    old_tokens, new_tokens = _TOKENS.findall(removed), _TOKENS.findall(inserted)
    if len(old_tokens) + len(new_tokens) > 2 * MAX_WORD_DIFF_TOKENS:
        return [piece for piece in (("delete", removed), ("insert", inserted)) if piece[1]]
    pieces: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(None, old_tokens, new_tokens, autojunk=False)
    for tag, old_from, old_to, new_from, new_to in matcher.get_opcodes():
        if tag in ("delete", "replace"):
            pieces.append(("delete", "".join(old_tokens[old_from:old_to])))
        if tag in ("insert", "replace"):
            pieces.append(("insert", "".join(new_tokens[new_from:new_to])))
        if tag == "equal":
            pieces.append(("equal", "".join(old_tokens[old_from:old_to])))
    merged: list[tuple[str, str]] = []
    for kind, text in pieces:
        if merged and merged[-1][0] == kind:
            merged[-1] = (kind, merged[-1][1] + text)
        else:
            merged.append((kind, text))
    return merged


def show_value(value: JsonValue) -> str:
    """A value as one escaped line: strings quoted, None as null, repeated list items counted."""
    if value is None:
        return "null"
    if isinstance(value, str):
        return '"' + _esc(value) + '"'
    if isinstance(value, list):
        counted = Counter(show_value(item) for item in value)
        return "[" + ", ".join(item if n == 1 else f"{item} x{n}" for item, n in counted.items()) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_esc(key)}: {show_value(item)}" for key, item in value.items()) + "}"
    return _esc(str(value))


def entity_detail(change: EntityChange) -> str:
    """What changed in an entity (fields old -> new), or what an added or removed one was."""
    if change.change == "changed":
        return ": " + "; ".join(f"{f.field} {show_value(f.old)} -> {show_value(f.new)}" for f in change.fields)
    entity = change.new if change.change == "added" else change.old
    assert isinstance(entity, dict)
    if change.kind == "date":
        return f" = {show_value(entity['value'])} ({show_value(entity['precision'])})"
    mentions = entity.get("mentions")
    count = f", {len(mentions)} mentions" if isinstance(mentions, list) and len(mentions) > 1 else ""
    if change.kind == "place":
        return (
            f" ({show_value(entity['kind'])}, {show_value(entity['country_code'])},"
            f" geonameid {show_value(entity['geonameid'])}{count})"
        )
    acronym = f"acronym {show_value(entity['acronym'])}" if entity.get("acronym") else ""
    detail = ", ".join(part for part in (acronym, count.removeprefix(", ")) if part)
    return f" ({detail})" if detail else ""


class _Painter:
    """Wraps text in an ANSI style when colour is on; otherwise leaves it as is."""

    def __init__(self, color: bool) -> None:
        self.color = color

    def __call__(self, style: str, text: str) -> str:
        return f"\x1b[{_STYLES[style]}m{text}\x1b[0m" if self.color and text else text


def _esc(text: str) -> str:
    return escape_controls(text)


def _manifest_lines(manifest: ManifestDiff, paint: _Painter, selection: Selection) -> list[str]:
    lines = ["why (manifests):"]
    lines.extend(f"  {_esc(problem)}" for problem in manifest.problems)
    if not manifest.problems and not manifest.differs:
        lines.append("  same pipeline, versions, configuration, template lines and inputs")
    lines.extend(f"  {paint(setting.change, _setting_line(setting))}" for setting in manifest.settings)
    if manifest.inputs:
        lines.append(f"  inputs: {manifest.input_counts.summary()}")
        matching = [change for change in manifest.inputs if selection.matches_input(change.id)]
        shown = matching[: selection.limit]
        lines.extend(f"    {paint(_input_style(change), _input_line(change))}" for change in shown)
        if len(shown) < len(matching):
            lines.append(paint("dim", f"    ... {len(matching) - len(shown)} more (--limit {selection.limit})"))
    return lines


def _setting_line(setting: SettingChange) -> str:
    if setting.change == "added":
        return f"{_esc(setting.key)}: added {_short(setting.new)}"
    if setting.change == "removed":
        return f"{_esc(setting.key)}: removed (was {_short(setting.old)})"
    return f"{_esc(setting.key)}: {_short(setting.old)} -> {_short(setting.new)}"


_DIGEST = re.compile(r"[0-9a-f]{64}")


def _short(value: JsonValue) -> str:
    """A manifest value on one line; a sha256 digest shortened to its first 12 characters."""
    if isinstance(value, str) and _DIGEST.fullmatch(value):
        return value[:12] + "…"
    return show_value(value)


def _input_style(change: InputChange) -> str:
    return change.change if change.change in ("added", "removed") else "changed"


def _input_line(change: InputChange) -> str:
    line = f"{CHANGE_SIGNS[change.change]} {_esc(change.path)}"
    if change.change == "status":
        line += f": {_esc(change.old_status or '?')} -> {_esc(change.new_status or '?')}"
    elif change.change == "content":
        line += ": new content"
    elif change.change == "added" and change.new_status not in (None, "ok"):
        line += f": {_esc(change.new_status or '')}"
    if change.reason:
        line += f" ({_esc(change.reason)})"
    return line


def _count_lines(summary: DiffSummary) -> list[str]:
    documents = summary.documents
    lines = [
        f"documents: {documents.added} added, {documents.removed} removed, {documents.changed} changed,"
        f" {documents.unchanged} unchanged"
    ]
    if summary.stages:
        by_stage = ", ".join(f"{count.stage} {count.documents}" for count in summary.stages)
        lines.append(f"first stage changed: {by_stage}")
    lines.append(
        f"text: {summary.text.changed} changed; title: {summary.title.changed} changed;"
        f" boilerplate: {summary.boilerplate.added} added, {summary.boilerplate.removed} removed"
    )
    for name in ENTITY_FIELDS:
        counts: ChangeCounts = getattr(summary, name)
        lines.append(f"{name}: {counts.added} added, {counts.removed} removed, {counts.changed} changed value")
    return lines


def _sections(documents: Sequence[DocumentDiff]) -> Iterator[tuple[str, list[DocumentDiff]]]:
    """Documents by section, sections in order: added, removed, then stages in pipeline order."""
    groups: dict[str, list[DocumentDiff]] = {}
    for document in documents:
        groups.setdefault(section_of(document), []).append(document)
    for section in ("added", "removed", *STAGE_ORDER):
        if section in groups:
            yield section, groups[section]


def _section_title(section: str) -> str:
    if section in ("added", "removed"):
        return f"documents {section}"
    return f"changed first by {section}"


def _narrowing(selection: Selection) -> str:
    parts = []
    if selection.only:
        parts.append(f"--only {','.join(selection.only)}")
    if selection.ids is not None:
        parts.append(f"--id {_esc(selection.ids)}")
    if selection.sample is not None:
        parts.append(f"--sample {selection.sample} --seed {selection.seed}")
    return f" ({'; '.join(parts)})" if parts else ""


def _document_lines(document: DocumentDiff, paint: _Painter) -> list[str]:
    header = f"{CHANGE_SIGNS[document.change]} {_esc(document.id)}"
    if document.change != "changed":
        return [paint(document.change, header + (f" ({_esc(document.reason)})" if document.reason else ""))]
    lines = [paint("changed", f"{header} (fields: {', '.join(document.fields)})")]
    if document.title is not None:
        lines.append(f"  ~ title {show_value(document.title.old)} -> {show_value(document.title.new)}")
    if document.text is not None:
        text = document.text
        stretches = f"{len(text.hunks)} changed stretch{'' if len(text.hunks) == 1 else 'es'}"
        lines.append(f"  ~ text: {text.old_length} -> {text.new_length} chars, {stretches}")
        lines.extend(f"      {_hunk_line(hunk, paint)}" for hunk in text.hunks)
    if document.boilerplate is not None:
        for sign, style, pieces in (
            ("+", "added", document.boilerplate.added),
            ("-", "removed", document.boilerplate.removed),
        ):
            counted = Counter((piece.kind, piece.text) for piece in pieces)
            for (kind, piece_text), count in counted.items():
                times = f" x{count}" if count > 1 else ""
                lines.append(paint(style, f"  {sign} boilerplate {kind} {show_value(_shorten(piece_text))}{times}"))
    for change in document.entity_changes():
        line = f"  {CHANGE_SIGNS[change.change]} {change.kind} {show_value(change.key)}{entity_detail(change)}"
        lines.append(paint(change.change, line))
        lines.append(paint("dim", f"      {change.context}"))
    return lines


def _hunk_line(hunk: TextHunk, paint: _Painter) -> str:
    """One changed stretch on one line: `[-removed-]{+inserted+}` between its context."""

    def shown(text: str) -> str:
        return escape_controls(text, line_break=LINE_BREAK_MARK)

    parts = [shown(hunk.before)]
    for kind, text in word_diff(hunk.removed, hunk.inserted):
        if kind == "equal":
            parts.append(shown(text))
        elif kind == "delete":
            parts.append(paint("removed", f"[-{shown(text)}-]"))
        else:
            parts.append(paint("added", f"{{+{shown(text)}+}}"))
    parts.append(shown(hunk.after))
    return "".join(parts)


def _shorten(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _why_markdown(manifest: ManifestDiff) -> list[str]:
    lines = [_md(problem) for problem in manifest.problems]
    if not manifest.problems and not manifest.differs:
        lines.append("same pipeline, versions, configuration, template lines and inputs")
    for setting in manifest.settings:
        if setting.change == "changed":
            lines.append(f"{_code(setting.key)}: {_code(_short(setting.old))} → {_code(_short(setting.new))}")
        else:
            value = setting.new if setting.change == "added" else setting.old
            lines.append(f"{_code(setting.key)}: {setting.change} ({_code(_short(value))})")
    if manifest.inputs:
        lines.append(f"inputs: {manifest.input_counts.summary()}")
    return lines


def _markdown_document(document: DocumentDiff) -> str:
    if document.change != "changed":
        reason = f" ({_md(document.reason)})" if document.reason else ""
        return f"{_code(document.id)}: {document.change}{reason}"
    counts = [
        f"{len(changes)} {name}"
        for name in ENTITY_FIELDS
        if (changes := cast(tuple[EntityChange, ...], getattr(document, name)))
    ]
    changed = f" ({', '.join(counts)} changed)" if counts else ""
    return f"{_code(document.id)}: first changed by {document.stage}; fields {', '.join(document.fields)}{changed}"


# Characters that start markup anywhere in a line (emphasis, links, code, tables, HTML).
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]|~])")


def _md(text: str) -> str:
    """Text safe in Markdown: controls escaped, HTML characters as entities, markup characters quoted."""
    escaped = escape_controls(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MARKDOWN_SPECIAL.sub(r"\\\1", escaped)


def _code(text: str) -> str:
    """Text as a Markdown code span (nothing inside is markup), or quoted where it holds a backtick."""
    escaped = escape_controls(text)
    return f"`{escaped}`" if "`" not in escaped else _md(escaped)
