"""What changed between two output folders, document by document (`pipeline diff OLD NEW`).

Both `records.jsonl` files are sorted by id, so they are read line by line and merge-joined
(`pipeline.diff_read`): memory holds one record of each side at a time, plus the (small)
changes found so far. The manifests are compared first (`pipeline.diff_manifest`), texts
word by word (`pipeline.diff_words`); the reports are in `diff_text` (terminal, Markdown)
and `diff_report` (HTML).

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

The module is a little over 500 lines: the matching rules above share the alignment of
the two texts, and reading, wording and reporting already live in modules of their own.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, TypeVar

from pydantic import BaseModel, ConfigDict, JsonValue

from pipeline.diff_manifest import ManifestDiff, compare_manifests, input_reasons
from pipeline.diff_read import merge_join, read_lines
from pipeline.diff_words import TextAlignment, TextChange, compare_text, context
from pipeline.records import Boilerplate, DateMention, Organization, Place, Record

DocumentChangeKind = Literal["added", "removed", "changed", "unchanged"]
EntityChangeKind = Literal["added", "removed", "changed"]
EntityKind = Literal["date", "organization", "place"]

# Which stage writes each record field, and the stages in pipeline order; a field this table
# does not know (a newer schema) counts as "other", after every stage.
STAGE_OF_FIELD = {
    "id": "load",
    "source": "load",
    "url": "load",
    "title": "metadata",
    "text": "strip",
    "blocks": "strip",
    "boilerplate": "strip",
    # Page metadata and language are read after strip (from the page and its article text).
    "published": "metadata",
    "author": "metadata",
    "site_name": "metadata",
    "language": "metadata",
    "dates": "dates",
    "organizations": "entities",
    "places": "places",
}
STAGE_ORDER = ("load", "strip", "metadata", "dates", "entities", "places", "other")

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
    # Why an added or removed document is so, as the manifests tell: "input removed",
    # "ok -> failed: [E301] ...".
    reason: str | None = None
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
    pairs = merge_join(read_lines(old_dir), read_lines(new_dir))
    manifest = compare_manifests(old_dir, new_dir)
    reasons = input_reasons(manifest)
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
            if document.change in ("added", "removed") and document.id in reasons:
                document = document.model_copy(update={"reason": reasons[document.id]})
        tally.add(document)
        if document.change != "unchanged":
            differing.append(document)
        if on_document is not None:
            on_document(document, old, new)
    return OutputDiff(
        old=str(old_dir), new=str(new_dir), manifest=manifest, summary=tally.summary(), documents=tuple(differing)
    )


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
