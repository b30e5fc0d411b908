"""What changed between two output folders, document by document (`pipeline diff OLD NEW`).

Both `records.jsonl` files are sorted by id, so they are read line by line and merge-joined:
memory holds one record of each side at a time, plus the (small) changes found so far.

How things are matched, so that a change of the text does not make every mention look new:

- Documents by `id`. A document only in NEW is added, only in OLD removed; a document on both
  sides whose records differ in any field is changed, and the fields that differ are listed.
- Dates by their text, never by offsets alone: an edit earlier in the text shifts every
  offset but not the texts. Dates sharing a text ("July 2009" twice) are paired where the
  line-by-line alignment of the two texts carries the OLD offset exactly onto the NEW one,
  the rest in order of appearance; with an unchanged text this is matching by (start, end,
  text). A matched date is "changed" when its value, precision, end_value, relative or
  anchor differ.
- Organizations by name; those left over are then paired by acronym (same acronym, or one's
  name is the other's acronym), so "BPC" becoming "Bilateral Presidential Commission (BPC)"
  is a changed name rather than one removal and one addition. "Changed" when name, acronym,
  aliases or the texts of the mentions differ.
- Places by name (same-name places paired like dates); "changed" when kind, country_code,
  geonameid, latitude, longitude or the texts of the mentions differ.

Entity counts cover documents present on both sides; added and removed documents are
counted as documents only.
"""

from __future__ import annotations

import bisect
import difflib
import json
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, TypeVar

from pydantic import BaseModel, ConfigDict, JsonValue, ValidationError

from pipeline.diff_manifest import ManifestDiff, compare_manifests
from pipeline.errors import PipelineError
from pipeline.records import Boilerplate, DateMention, Organization, Place, Record
from pipeline.stages.validate import describe_validation_error
from pipeline.writer import RECORDS_FILE

DocumentChangeKind = Literal["added", "removed", "changed", "unchanged"]
EntityChangeKind = Literal["added", "removed", "changed"]
EntityKind = Literal["date", "organization", "place"]

# Characters of text shown on each side of a mention or a text change: enough to recognise
# the sentence, short enough that a terminal line stays readable.
CONTEXT_WIDTH = 30

# Which stage writes each record field, and the stages in pipeline order; a field this table
# does not know (a newer schema) counts as "other", after every stage.
STAGE_OF_FIELD = {
    "id": "load",
    "source": "load",
    "url": "load",
    "title": "strip",
    "published": "strip",
    "author": "strip",
    "site_name": "strip",
    "language": "strip",
    "text": "strip",
    "blocks": "strip",
    "boilerplate": "strip",
    "dates": "dates",
    "organizations": "entities",
    "places": "places",
}
STAGE_ORDER = ("load", "strip", "dates", "entities", "places", "other")
# A changed stretch longer than this keeps its two ends (a rewritten page is not shown whole).
MAX_HUNK_CHARS = 1200

DATE_FIELDS = ("value", "precision", "end_value", "relative", "anchor")
ORGANIZATION_FIELDS = ("name", "acronym", "aliases", "mentions")
PLACE_FIELDS = ("kind", "country_code", "geonameid", "latitude", "longitude", "mentions")


class DiffModel(BaseModel):
    """Base of the diff's models: immutable, unknown fields are an error."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class FieldChange(DiffModel):
    """One field of an entity (or the title) with its old and new value."""

    field: str
    old: JsonValue
    new: JsonValue


class EntityChange(DiffModel):
    """A date, organization or place added, removed or changed in one document.

    `old` and `new` are the entity as written in the records (None on the side where it does
    not exist); `context` is a short window of the text around its first mention, from NEW
    unless the entity was removed.
    """

    kind: EntityKind
    change: EntityChangeKind
    key: str
    fields: tuple[FieldChange, ...] = ()
    context: str
    old: JsonValue = None
    new: JsonValue = None


class TextHunk(DiffModel):
    """One stretch where the texts differ, widened to whole words, with a little text either side.

    The texts are raw (a renderer escapes them): `removed` stood at `old_start` in OLD,
    `inserted` stands at `new_start` in NEW, between `before` and `after` (the same on both
    sides). A stretch longer than `MAX_HUNK_CHARS` keeps its two ends around an ellipsis.
    """

    old_start: int
    new_start: int
    before: str
    removed: str
    inserted: str
    after: str


class TextChange(DiffModel):
    """How the text changed: its lengths, and every stretch that differs, in text order."""

    old_length: int
    new_length: int
    hunks: tuple[TextHunk, ...]


class BoilerplateChange(DiffModel):
    """Removed pieces of the page (boilerplate) found on one side only, compared as (kind, text)."""

    added: tuple[Boilerplate, ...] = ()
    removed: tuple[Boilerplate, ...] = ()


class DocumentDiff(DiffModel):
    """How one document differs between OLD and NEW.

    `stage` is the first stage (in pipeline order) whose output differs, for a changed
    document: a text change points at strip even when dates changed with it.
    """

    id: str
    change: DocumentChangeKind
    stage: str | None = None
    fields: tuple[str, ...] = ()
    title: FieldChange | None = None
    text: TextChange | None = None
    boilerplate: BoilerplateChange | None = None
    dates: tuple[EntityChange, ...] = ()
    organizations: tuple[EntityChange, ...] = ()
    places: tuple[EntityChange, ...] = ()

    def entity_changes(self) -> tuple[EntityChange, ...]:
        """Every date, organization and place change, in that order."""
        return self.dates + self.organizations + self.places


class DocumentCounts(DiffModel):
    """Documents per outcome."""

    added: int = 0
    removed: int = 0
    changed: int = 0
    unchanged: int = 0


class ChangeCounts(DiffModel):
    """Entities (or other items) added, removed and changed."""

    added: int = 0
    removed: int = 0
    changed: int = 0


class StageCount(DiffModel):
    """How many changed documents first differ in the output of one stage."""

    stage: str
    documents: int


class DiffSummary(DiffModel):
    """The counts of a diff; entity counts cover documents present on both sides.

    `stages` counts the changed documents by the first stage whose output differs, in
    pipeline order, stages with no such document left out.
    """

    documents: DocumentCounts
    stages: tuple[StageCount, ...] = ()
    text: ChangeCounts
    title: ChangeCounts
    boilerplate: ChangeCounts
    dates: ChangeCounts
    organizations: ChangeCounts
    places: ChangeCounts

    @property
    def differs(self) -> bool:
        """True when any document was added, removed or changed."""
        documents = self.documents
        return documents.added + documents.removed + documents.changed > 0


class OutputDiff(DiffModel):
    """The whole diff: the folders compared, why (their manifests), the counts, and every
    document that differs (by id)."""

    old: str
    new: str
    manifest: ManifestDiff = ManifestDiff()
    summary: DiffSummary
    documents: tuple[DocumentDiff, ...]


# Receives every compared document with both its records, e.g. to render a report while streaming.
DocumentSink = Callable[[DocumentDiff, Record | None, Record | None], None]


def diff_outputs(old_dir: Path, new_dir: Path, on_document: DocumentSink | None = None) -> OutputDiff:
    """Compare two output folders written by `pipeline run`.

    Args:
        old_dir: The output before the change.
        new_dir: The output after the change.
        on_document: Called for every document (unchanged ones too) in id order, with both records.

    Returns:
        The counts and the documents that differ, sorted by id.

    Raises:
        PipelineError: A folder is not an output folder (E401), holds a record that is not
            valid (E402), or its records are not sorted by unique id (E403).
    """
    tally = _Tally()
    differing: list[DocumentDiff] = []
    pairs = _merge_join(_read(old_dir), _read(new_dir))
    manifest = compare_manifests(old_dir, new_dir)
    old: Record | None
    new: Record | None
    for old_line, new_line in pairs:
        if old_line is not None and new_line is not None and old_line.text == new_line.text:
            # The same line is the same record: validated once, and no field to compare. In a
            # typical diff most documents are unchanged.
            old = new = old_line.record()
            document = DocumentDiff(id=old.id, change="unchanged")
        else:
            old = old_line.record() if old_line is not None else None
            new = new_line.record() if new_line is not None else None
            document = compare_records(old, new)
        tally.add(document)
        if document.change != "unchanged":
            differing.append(document)
        if on_document is not None:
            on_document(document, old, new)
    return OutputDiff(
        old=str(old_dir), new=str(new_dir), manifest=manifest, summary=tally.summary(), documents=tuple(differing)
    )


def iter_record_pairs(old_dir: Path, new_dir: Path) -> Iterator[tuple[Record | None, Record | None]]:
    """The records of both folders paired by id (None on the side that lacks it), in id order.

    Both folders are checked before the first pair is produced, so a bad folder is reported
    before any output is written.

    Raises:
        PipelineError: See `diff_outputs`.
    """
    pairs = _merge_join(_read(old_dir), _read(new_dir))
    return ((old.record() if old else None, new.record() if new else None) for old, new in pairs)


def read_records(out_dir: Path) -> Iterator[Record]:
    """Stream the validated records of an output folder, checking they are sorted by unique id.

    The folder is checked at once; lines are read as the iterator is consumed.

    Raises:
        PipelineError: See `diff_outputs`.
    """
    return (line.record() for line in _read(out_dir))


def _read(out_dir: Path) -> Iterator[_Line]:
    """The lines of an output folder's records, checked for sorted unique ids as they are read."""
    path = out_dir / RECORDS_FILE
    if not out_dir.is_dir():
        raise PipelineError("E401", f"{str(out_dir)!r} is not a folder; give two output folders of `pipeline run`")
    if not path.is_file():
        raise PipelineError(
            "E401", f"{str(out_dir)!r} has no {RECORDS_FILE}; is it an output folder of `pipeline run`?"
        )
    return _stream_records(path)


def compare_records(old: Record | None, new: Record | None) -> DocumentDiff:
    """How `new` differs from `old` (one of them may be None: an added or removed document)."""
    if old is None and new is None:
        raise ValueError("compare_records needs at least one record")
    if old is None:
        assert new is not None
        return DocumentDiff(id=new.id, change="added")
    if new is None:
        return DocumentDiff(id=old.id, change="removed")
    fields = tuple(name for name in Record.model_fields if getattr(old, name) != getattr(new, name))
    if not fields:
        return DocumentDiff(id=new.id, change="unchanged")
    alignment = TextAlignment(old.text, new.text)
    document = DocumentDiff(
        id=new.id,
        change="changed",
        fields=fields,
        title=FieldChange(field="title", old=old.title, new=new.title) if old.title != new.title else None,
        text=compare_text(old.text, new.text, alignment) if old.text != new.text else None,
        boilerplate=_compare_boilerplate(old.boilerplate, new.boilerplate),
        dates=_compare_entities(
            "date", old.dates, new.dates, old.text, new.text, _date_key, DATE_FIELDS, _date_span, _date_value, alignment
        ),
        organizations=_compare_entities(
            "organization",
            old.organizations,
            new.organizations,
            old.text,
            new.text,
            _name_key,
            ORGANIZATION_FIELDS,
            _first_mention,
            _entity_value,
            alignment,
            fallback=_same_acronym,
        ),
        places=_compare_entities(
            "place",
            old.places,
            new.places,
            old.text,
            new.text,
            _name_key,
            PLACE_FIELDS,
            _first_mention,
            _entity_value,
            alignment,
        ),
    )
    return document.model_copy(update={"stage": first_stage(document)})


def first_stage(document: DocumentDiff) -> str | None:
    """The first stage, in pipeline order, whose output differs in a changed document.

    Places are found by the entities stage and resolved by the places stage: a place found
    or lost, or whose mentions differ, is an entities change; one resolved differently
    (kind, country, coordinates) with the same mentions is a places change.
    """
    # A new input (its `source`) changes what load reads, but the question is which stage's
    # output moved: load counts only when nothing else differs.
    stages = {STAGE_OF_FIELD.get(name, "other") for name in document.fields if name != "source"} or {"load"}
    if "places" in document.fields and any(
        change.change != "changed" or any(f.field == "mentions" for f in change.fields) for change in document.places
    ):
        stages.add("entities")
    return next((stage for stage in STAGE_ORDER if stage in stages), None)


def compare_text(old: str, new: str, alignment: TextAlignment | None = None, width: int = CONTEXT_WIDTH) -> TextChange:
    """The stretches where two texts differ: lines that differ, narrowed to the words that do."""
    hunks = []
    for old_from, old_to, new_from, new_to in narrowed_stretches(alignment or TextAlignment(old, new)):
        hunks.append(
            TextHunk(
                old_start=old_from,
                new_start=new_from,
                before=_clip_start(new[max(0, new_from - width) : new_from], new_from > width),
                removed=_clip_middle(old[old_from:old_to]),
                inserted=_clip_middle(new[new_from:new_to]),
                after=_clip_end(new[new_to : new_to + width], new_to + width < len(new)),
            )
        )
    return TextChange(old_length=len(old), new_length=len(new), hunks=tuple(hunks))


def narrowed_stretches(alignment: TextAlignment) -> Iterator[tuple[int, int, int, int]]:
    """(old start, old end, new start, new end) of every differing stretch, in text order.

    The stretches between identical lines, narrowed by their common start and end, then
    widened to whole words: what actually differs, ready for a word-by-word comparison.
    """
    old, new = alignment.old, alignment.new
    for old_start, old_end, new_start, new_end in alignment.changed_stretches():
        prefix, suffix = _common_ends(old[old_start:old_end], new[new_start:new_end])
        yield _whole_words(old, new, old_start + prefix, old_end - suffix, new_start + prefix, new_end - suffix)


def _whole_words(
    old: str, new: str, old_from: int, old_to: int, new_from: int, new_to: int
) -> tuple[int, int, int, int]:
    """A differing stretch widened on both sides to whole words, so "open|ed" reads "opened".

    The characters passed over are common to both texts (the stretch was narrowed by its
    common ends, and identical lines surround it), so both sides widen alike. A stretch
    that starts or ends at a non-word character on both sides ("-" for "+") is left as is.
    """

    def word_at(text: str, index: int) -> bool:
        return 0 <= index < len(text) and text[index].isalnum()

    def inside_is_word(old_index: int, new_index: int) -> bool:
        # The character just inside the stretch, on whichever side is not empty.
        return (old_from < old_to and word_at(old, old_index)) or (new_from < new_to and word_at(new, new_index))

    while word_at(old, old_from - 1) and inside_is_word(old_from, new_from):
        old_from, new_from = old_from - 1, new_from - 1
    while word_at(old, old_to) and inside_is_word(old_to - 1, new_to - 1):
        old_to, new_to = old_to + 1, new_to + 1
    return old_from, old_to, new_from, new_to


def _clip_middle(text: str) -> str:
    if len(text) <= MAX_HUNK_CHARS:
        return text
    half = MAX_HUNK_CHARS // 2
    return f"{text[:half]}…{text[-half:]}"


def _clip_start(text: str, clipped: bool) -> str:
    return f"…{text}" if clipped else text


def _clip_end(text: str, clipped: bool) -> str:
    return f"{text}…" if clipped else text


class TextAlignment:
    """Which character offsets of OLD text are the same characters in NEW text.

    The texts are aligned line by line (difflib), so an edit in one paragraph leaves the
    offsets of every other paragraph mappable; offsets inside changed lines map to nothing.
    """

    def __init__(self, old: str, new: str) -> None:
        self.old = old
        self.new = new
        # (old start, new start, length) of every stretch of identical lines, in text order.
        self.blocks: list[tuple[int, int, int]] = []
        if old == new:
            self.blocks.append((0, 0, len(old)))
            return
        old_lines = old.splitlines(keepends=True)
        new_lines = new.splitlines(keepends=True)
        old_offsets = _line_offsets(old_lines)
        new_offsets = _line_offsets(new_lines)
        matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
        for old_line, new_line, count in matcher.get_matching_blocks():
            if count:
                length = old_offsets[old_line + count] - old_offsets[old_line]
                self.blocks.append((old_offsets[old_line], new_offsets[new_line], length))

    def to_new(self, offset: int) -> int | None:
        """The NEW offset of the character at `offset` in OLD, or None if its line changed."""
        index = bisect.bisect_right(self.blocks, (offset, len(self.new) + 1, 0)) - 1
        if index < 0:
            return None
        old_start, new_start, length = self.blocks[index]
        return new_start + offset - old_start if offset < old_start + length else None

    def changed_stretches(self) -> list[tuple[int, int, int, int]]:
        """(old start, old end, new start, new end) of every stretch between identical lines."""
        stretches = []
        old_position = new_position = 0
        for old_start, new_start, length in [*self.blocks, (len(self.old), len(self.new), 0)]:
            if old_start > old_position or new_start > new_position:
                stretches.append((old_position, old_start, new_position, new_start))
            old_position, new_position = old_start + length, new_start + length
        return stretches


def _line_offsets(lines: Sequence[str]) -> list[int]:
    """The offset where each line starts, and the text's length at the end."""
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    return offsets


def _common_ends(old: str, new: str) -> tuple[int, int]:
    """Lengths of the common start and of the common end, which never overlap."""
    shortest = min(len(old), len(new))
    prefix = _longest(shortest, lambda n: old[:n] == new[:n])
    suffix = _longest(shortest - prefix, lambda n: old[len(old) - n :] == new[len(new) - n :])
    return prefix, suffix


def _longest(most: int, holds: Callable[[int], bool]) -> int:
    """The largest n <= `most` for which `holds(n)`, for a property that holds up to some n.

    A binary search over slice comparisons: a paragraph of a thousand characters costs ten
    comparisons made in C instead of a thousand steps of a Python loop.
    """
    low, high = 0, most
    while low < high:
        middle = (low + high + 1) // 2
        if holds(middle):
            low = middle
        else:
            high = middle - 1
    return low


def context(text: str, start: int, end: int, width: int = CONTEXT_WIDTH) -> str:
    """`text[start:end]` in brackets with up to `width` characters either side, on one line.

    Line breaks show as `↵`; tabs, other control characters and bidirectional overrides are
    written as escapes (`\\t`, `\\x1b`, `\\u202e`) so that the context stays on one line and
    scraped text cannot drive the terminal or reorder what is shown.
    """
    inside = text[start:end]
    if len(inside) > 4 * width:
        # A long change shows its two ends, enough to find it in the text.
        inside = f"{inside[: 2 * width]}…{inside[-2 * width :]}"
    before = text[max(0, start - width) : start]
    after = text[end : end + width]
    lead = "…" if start > width else ""
    trail = "…" if end + width < len(text) else ""
    shown = (escape_controls(part, line_break=LINE_BREAK_MARK) for part in (before, inside, after))
    return lead + "{}[{}]{}".format(*shown) + trail


# How a line break inside a one-line context is shown.
LINE_BREAK_MARK = "↵"

# Format characters that reorder the text around them (Trojan Source, CVE-2021-42574): an id
# or a name holding U+202E would show its end first. Other format characters (zero-width
# joiners in emoji and Indic scripts) are text and stay.
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def escape_controls(text: str, line_break: str = "\\n", tab: str = "\\t") -> str:
    """Control characters and bidirectional controls as visible escapes.

    A newline becomes `line_break` and a tab `tab` (`\\n` and `\\t` unless told), ESC
    `\\x1b`, U+202E `\\u202e`: what is left can neither drive a terminal nor reorder the
    characters around it.
    """
    if text.isprintable():
        return text

    def escaped(match: re.Match[str]) -> str:
        char = match.group()
        if char == "\n":
            return line_break
        if char == "\t":
            return tab
        if char == "\r":
            return "\\r"
        return f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}"

    return _CONTROLS.sub(escaped, text)


# Every control character (Unicode categories Cc, Zl and Zp) and the bidirectional controls.
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029" + "".join(sorted(BIDI_CONTROLS)) + "]")


@dataclass
class _Line:
    """One line of `records.jsonl`: its id, and its record validated on first use."""

    id: str
    text: str
    path: Path
    number: int
    validated: Record | None = None

    def record(self) -> Record:
        """The line's record.

        Raises:
            PipelineError: The line is not a valid record (E402).
        """
        if self.validated is None:
            self.validated = _validate(self.text, self.path, self.number)
            if self.validated.id != self.id:
                raise PipelineError("E402", f"{self.path}:{self.number}: the record names two ids")
        return self.validated


# How the writer starts every line (`id` comes first in the schema): the id can be read
# without parsing the rest, so that a line found unchanged on both sides is validated once.
_ID_PREFIX = '{"id":'
_DECODER = json.JSONDecoder()


def _line_id(text: str, path: Path, number: int) -> tuple[str, Record | None]:
    """The id of a record line; the record too when the whole line had to be parsed for it."""
    if text.startswith(_ID_PREFIX):
        try:
            record_id, _end = _DECODER.raw_decode(text, len(_ID_PREFIX))
        except ValueError:
            pass
        else:
            if isinstance(record_id, str):
                return record_id, None
    record = _validate(text, path, number)
    return record.id, record


def _validate(text: str, path: Path, number: int) -> Record:
    try:
        return Record.model_validate_json(text)
    except ValidationError as error:
        raise PipelineError("E402", f"{path}:{number}: {describe_validation_error(error)}") from error


def _stream_records(path: Path) -> Iterator[_Line]:
    previous: str | None = None
    with path.open(encoding="utf-8", newline="\n") as handle:
        number = 0
        while True:
            number += 1
            try:
                text = handle.readline()
            except UnicodeDecodeError as error:
                raise PipelineError("E402", f"{path}:{number}: not UTF-8 ({error.reason})") from error
            if not text:
                return
            record_id, record = _line_id(text, path, number)
            if previous is not None and record_id <= previous:
                raise PipelineError(
                    "E403", f"{path}:{number}: id {record_id!r} comes after {previous!r}; ids must be sorted and unique"
                )
            previous = record_id
            yield _Line(record_id, text, path, number, record)


def _merge_join(olds: Iterator[_Line], news: Iterator[_Line]) -> Iterator[tuple[_Line | None, _Line | None]]:
    old = next(olds, None)
    new = next(news, None)
    while old is not None or new is not None:
        if new is None or (old is not None and old.id < new.id):
            yield old, None
            old = next(olds, None)
        elif old is None or new.id < old.id:
            yield None, new
            new = next(news, None)
        else:
            yield old, new
            old = next(olds, None)
            new = next(news, None)


Entity = TypeVar("Entity", DateMention, Organization, Place)


def _compare_entities(
    kind: EntityKind,
    olds: Sequence[Entity],
    news: Sequence[Entity],
    old_text: str,
    new_text: str,
    key: Callable[[Entity], str],
    compared_fields: tuple[str, ...],
    span: Callable[[Entity], tuple[int, int]],
    value: Callable[[Entity, str], JsonValue],
    alignment: TextAlignment,
    fallback: Callable[[Entity, Entity], bool] | None = None,
) -> tuple[EntityChange, ...]:
    """Pair entities by key, then by `fallback`; list the differences.

    Entities sharing a key are paired first where the text alignment maps the OLD one's
    position exactly onto the NEW one's, then the rest in order of appearance.
    """
    pairs: list[tuple[Entity, Entity]] = []
    unmatched_old: list[Entity] = []
    unmatched_new: list[Entity] = []
    new_groups = _group(news, key)
    for name, old_group in _group(olds, key).items():
        matched, left_old, left_new = _pair_group(old_group, new_groups.pop(name, []), span, alignment)
        pairs.extend(matched)
        unmatched_old.extend(left_old)
        unmatched_new.extend(left_new)
    for new_group in new_groups.values():
        unmatched_new.extend(new_group)
    if fallback is not None:
        for old in list(unmatched_old):
            partner = next((new for new in unmatched_new if fallback(old, new)), None)
            if partner is not None:
                pairs.append((old, partner))
                unmatched_old.remove(old)
                unmatched_new.remove(partner)
    # Each change is placed by its first mention in its own text (OLD for removals), so the
    # list reads in document order; the kind of change breaks ties.
    ordered: list[tuple[tuple[int, int, int], EntityChange]] = []
    for old, new in pairs:
        differences = tuple(
            FieldChange(field=name, old=value(old, name), new=value(new, name))
            for name in compared_fields
            if value(old, name) != value(new, name)
        )
        if differences:
            start, end = span(new)
            change = EntityChange(
                kind=kind,
                change="changed",
                key=key(new),
                fields=differences,
                context=context(new_text, start, end),
                old=old.model_dump(mode="json"),
                new=new.model_dump(mode="json"),
            )
            ordered.append(((start, end, 2), change))
    for new in unmatched_new:
        start, end = span(new)
        change = EntityChange(
            kind=kind,
            change="added",
            key=key(new),
            context=context(new_text, start, end),
            new=new.model_dump(mode="json"),
        )
        ordered.append(((start, end, 0), change))
    for old in unmatched_old:
        start, end = span(old)
        change = EntityChange(
            kind=kind,
            change="removed",
            key=key(old),
            context=context(old_text, start, end),
            old=old.model_dump(mode="json"),
        )
        ordered.append(((start, end, 1), change))
    ordered.sort(key=lambda item: (item[0], item[1].key))
    return tuple(change for _position, change in ordered)


def _group(entities: Sequence[Entity], key: Callable[[Entity], str]) -> dict[str, list[Entity]]:
    """Entities by key, each list in order of appearance."""
    groups: dict[str, list[Entity]] = {}
    for entity in entities:
        groups.setdefault(key(entity), []).append(entity)
    return groups


def _pair_group(
    olds: list[Entity], news: list[Entity], span: Callable[[Entity], tuple[int, int]], alignment: TextAlignment
) -> tuple[list[tuple[Entity, Entity]], list[Entity], list[Entity]]:
    """Pairs of same-key entities (exact aligned positions first, then in order), and those left over."""
    new_starts = {span(new)[0]: new for new in news}
    pairs: list[tuple[Entity, Entity]] = []
    left_old: list[Entity] = []
    for old in olds:
        mapped = alignment.to_new(span(old)[0])
        partner = new_starts.pop(mapped, None) if mapped is not None else None
        if partner is not None:
            pairs.append((old, partner))
        else:
            left_old.append(old)
    left_new = [new for new in news if span(new)[0] in new_starts]
    pairs.extend(zip(left_old, left_new, strict=False))
    count = min(len(left_old), len(left_new))
    return pairs, left_old[count:], left_new[count:]


def _date_key(date: DateMention) -> str:
    return date.text


def _name_key(entity: Organization | Place) -> str:
    return entity.name


def _date_span(date: DateMention) -> tuple[int, int]:
    return date.start, date.end


def _first_mention(entity: Organization | Place) -> tuple[int, int]:
    return entity.mentions[0].start, entity.mentions[0].end


def _date_value(date: DateMention, name: str) -> JsonValue:
    value: JsonValue = getattr(date, name)
    return value


def _entity_value(entity: Organization | Place, name: str) -> JsonValue:
    # Mentions compare by their texts: offsets move whenever the text before them changes.
    if name == "mentions":
        return [mention.text for mention in entity.mentions]
    if name == "aliases":
        return list(getattr(entity, name))
    value: JsonValue = getattr(entity, name)
    return value


def _same_acronym(old: Organization, new: Organization) -> bool:
    if old.acronym is not None and old.acronym == new.acronym:
        return True
    return old.name == new.acronym or new.name == old.acronym


def _compare_boilerplate(old: Sequence[Boilerplate], new: Sequence[Boilerplate]) -> BoilerplateChange | None:
    """Pieces on one side only, as multisets of (kind, text) in source order."""
    remaining_old = list(old)
    added: list[Boilerplate] = []
    for piece in new:
        if piece in remaining_old:
            remaining_old.remove(piece)
        else:
            added.append(piece)
    if not added and not remaining_old:
        return None
    return BoilerplateChange(added=tuple(added), removed=tuple(remaining_old))


@dataclass
class _Tally:
    """Running counts while documents stream past; frozen into a `DiffSummary` at the end."""

    documents: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(("added", "removed", "changed", "unchanged"), 0)
    )
    fields: dict[str, dict[str, int]] = field(
        default_factory=lambda: {
            name: dict.fromkeys(("added", "removed", "changed"), 0)
            for name in ("text", "title", "boilerplate", "dates", "organizations", "places")
        }
    )

    stages: dict[str, int] = field(default_factory=dict)

    def add(self, document: DocumentDiff) -> None:
        self.documents[document.change] += 1
        if document.stage is not None:
            self.stages[document.stage] = self.stages.get(document.stage, 0) + 1
        if document.text is not None:
            self.fields["text"]["changed"] += 1
        if document.title is not None:
            self.fields["title"]["changed"] += 1
        if document.boilerplate is not None:
            self.fields["boilerplate"]["added"] += len(document.boilerplate.added)
            self.fields["boilerplate"]["removed"] += len(document.boilerplate.removed)
        for name, changes in (
            ("dates", document.dates),
            ("organizations", document.organizations),
            ("places", document.places),
        ):
            for change in changes:
                self.fields[name][change.change] += 1

    def summary(self) -> DiffSummary:
        counts = {name: ChangeCounts(**tally) for name, tally in self.fields.items()}
        return DiffSummary(
            documents=DocumentCounts(**self.documents),
            stages=tuple(
                StageCount(stage=stage, documents=self.stages[stage]) for stage in STAGE_ORDER if stage in self.stages
            ),
            text=counts["text"],
            title=counts["title"],
            boilerplate=counts["boilerplate"],
            dates=counts["dates"],
            organizations=counts["organizations"],
            places=counts["places"],
        )
