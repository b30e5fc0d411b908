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
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, TypeVar

from pydantic import BaseModel, ConfigDict, JsonValue, ValidationError

from pipeline.errors import ErrorCode, PipelineError
from pipeline.records import Boilerplate, DateMention, Organization, Place, Record
from pipeline.stages.validate import describe_validation_error
from pipeline.writer import RECORDS_FILE

DocumentChangeKind = Literal["added", "removed", "changed", "unchanged"]
EntityChangeKind = Literal["added", "removed", "changed"]
EntityKind = Literal["date", "organization", "place"]

# Characters of text shown on each side of a mention or a text change: enough to recognise
# the sentence, short enough that a terminal line stays readable.
CONTEXT_WIDTH = 30

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
    """One stretch where the texts differ, each side in a little context (the stretch in brackets)."""

    old_start: int
    new_start: int
    old_context: str
    new_context: str


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
    """How one document differs between OLD and NEW."""

    id: str
    change: DocumentChangeKind
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


class DiffSummary(DiffModel):
    """The counts of a diff; entity counts cover documents present on both sides."""

    documents: DocumentCounts
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
    """The whole diff: the folders compared, the counts, and every document that differs (by id)."""

    old: str
    new: str
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
    for old, new in iter_record_pairs(old_dir, new_dir):
        document = compare_records(old, new)
        tally.add(document)
        if document.change != "unchanged":
            differing.append(document)
        if on_document is not None:
            on_document(document, old, new)
    return OutputDiff(old=str(old_dir), new=str(new_dir), summary=tally.summary(), documents=tuple(differing))


def iter_record_pairs(old_dir: Path, new_dir: Path) -> Iterator[tuple[Record | None, Record | None]]:
    """The records of both folders paired by id (None on the side that lacks it), in id order.

    Both folders are checked before the first pair is produced, so a bad folder is reported
    before any output is written.

    Raises:
        PipelineError: See `diff_outputs`.
    """
    old_records = read_records(old_dir)
    new_records = read_records(new_dir)
    return _merge_join(old_records, new_records)


def read_records(out_dir: Path) -> Iterator[Record]:
    """Stream the validated records of an output folder, checking they are sorted by unique id.

    The folder is checked at once; lines are read as the iterator is consumed.

    Raises:
        PipelineError: See `diff_outputs`.
    """
    path = out_dir / RECORDS_FILE
    if not out_dir.is_dir():
        raise PipelineError(
            ErrorCode.NOT_AN_OUTPUT, f"{str(out_dir)!r} is not a folder; give two output folders of `pipeline run`"
        )
    if not path.is_file():
        raise PipelineError(
            ErrorCode.NOT_AN_OUTPUT,
            f"{str(out_dir)!r} has no {RECORDS_FILE}; is it an output folder of `pipeline run`?",
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
    return DocumentDiff(
        id=new.id,
        change="changed",
        fields=fields,
        title=FieldChange(field="title", old=old.title, new=new.title) if old.title != new.title else None,
        text=compare_text(old.text, new.text) if old.text != new.text else None,
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


def compare_text(old: str, new: str) -> TextChange:
    """The stretches where two texts differ: lines that differ, narrowed to the characters that do."""
    hunks = []
    for old_start, old_end, new_start, new_end in TextAlignment(old, new).changed_stretches():
        prefix, suffix = _common_ends(old[old_start:old_end], new[new_start:new_end])
        hunks.append(
            TextHunk(
                old_start=old_start + prefix,
                new_start=new_start + prefix,
                old_context=context(old, old_start + prefix, old_end - suffix),
                new_context=context(new, new_start + prefix, new_end - suffix),
            )
        )
    return TextChange(old_length=len(old), new_length=len(new), hunks=tuple(hunks))


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
    prefix = 0
    while prefix < shortest and old[prefix] == new[prefix]:
        prefix += 1
    suffix = 0
    while suffix < shortest - prefix and old[-1 - suffix] == new[-1 - suffix]:
        suffix += 1
    return prefix, suffix


def context(text: str, start: int, end: int, width: int = CONTEXT_WIDTH) -> str:
    """`text[start:end]` in brackets with up to `width` characters either side, on one line.

    Line breaks, tabs and other control characters are written as escapes (`\\n`, `\\x1b`) so
    that the context stays on one line and scraped text cannot drive the terminal.
    """
    inside = text[start:end]
    if len(inside) > 4 * width:
        # A long change shows its two ends, enough to find it in the text.
        inside = f"{inside[: 2 * width]}…{inside[-2 * width :]}"
    before = text[max(0, start - width) : start]
    after = text[end : end + width]
    lead = "…" if start > width else ""
    trail = "…" if end + width < len(text) else ""
    return f"{lead}{escape_controls(before)}[{escape_controls(inside)}]{escape_controls(after)}{trail}"


def escape_controls(text: str) -> str:
    """Control characters as visible escapes: a newline becomes `\\n`, ESC becomes `\\x1b`."""
    if text.isprintable():
        return text
    return "".join(_escape_control(char) for char in text)


_NAMED_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape_control(char: str) -> str:
    if unicodedata.category(char) not in ("Cc", "Zl", "Zp"):
        return char
    if char in _NAMED_ESCAPES:
        return _NAMED_ESCAPES[char]
    return f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}"


def _stream_records(path: Path) -> Iterator[Record]:
    previous: str | None = None
    with path.open(encoding="utf-8", newline="\n") as handle:
        number = 0
        while True:
            number += 1
            try:
                line = handle.readline()
            except UnicodeDecodeError as error:
                raise PipelineError(
                    ErrorCode.INVALID_OUTPUT_RECORD, f"{path}:{number}: not UTF-8 ({error.reason})"
                ) from error
            if not line:
                return
            try:
                record = Record.model_validate_json(line)
            except ValidationError as error:
                raise PipelineError(
                    ErrorCode.INVALID_OUTPUT_RECORD, f"{path}:{number}: {describe_validation_error(error)}"
                ) from error
            if previous is not None and record.id <= previous:
                raise PipelineError(
                    ErrorCode.UNSORTED_OUTPUT,
                    f"{path}:{number}: id {record.id!r} comes after {previous!r}; ids must be sorted and unique",
                )
            previous = record.id
            yield record


def _merge_join(olds: Iterator[Record], news: Iterator[Record]) -> Iterator[tuple[Record | None, Record | None]]:
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

    def add(self, document: DocumentDiff) -> None:
        self.documents[document.change] += 1
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
            text=counts["text"],
            title=counts["title"],
            boilerplate=counts["boilerplate"],
            dates=counts["dates"],
            organizations=counts["organizations"],
            places=counts["places"],
        )
