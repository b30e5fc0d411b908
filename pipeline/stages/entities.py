"""Organizations: spaCy NER plus what a careful annotator adds.

spaCy's small English model, run on the kept blocks only (never on boilerplate), proposes
ORG, GPE and LOC spans (its PERSON spans serve only as evidence). This stage then:

* trims determiners and possessives ("the Office ...", "AIR's") and re-joins names the
  model split ("the US Agency for" + "International Development");
* leaves out what is no name: a block that is nothing but an ORG span (a heading or review
  title, "Great Family Fun"), addresses and file names, ORGs in lower case, place codes the
  gazetteer does not know ("P.S."), and one-word names the model reads at least as often
  as part of a person's name ("Traci" beside "Traci Warner");
* finds acronym definitions, long form first ("Office of Juvenile Justice and Delinquency
  Prevention (OJJDP)") or acronym first, and ties the acronym to its long form; an acronym
  that is never defined is tied to a long form in the same text whose initials spell it;
* fixes ORG/GPE confusions by asking the places stage's name knowledge (`PlaceNames`,
  which holds the gazetteer): a country or US state labelled ORG is a place, and so is a
  city with a cue ("in Santa Fe", "Chillicothe, OH", or read as a place elsewhere in the
  text), a name ending in a feature or building word ("Orchestra Hall"), and the place
  parts of a span run over "in/to/and" ("Noida and Greater Noida"); a defined acronym
  labelled LOC is an organization;
* marks every further occurrence of a known name or acronym, and lets the longest name win
  where spans overlap, so a truncated "Office of Juvenile Justice" becomes the full name;
* groups mentions into entities named by their most complete form.

Place mentions are passed on to the places stage as typed spans (`Document.place_spans`),
each with the label the model gave it; this stage resolves none of them.

The module is over 500 lines: every step above rewrites the same list of spans (`_Span`)
and the next one depends on its result. The acronym finder (`find_acronym_definitions`,
`_spells`) is the piece that could stand alone, if this grows.
"""

from __future__ import annotations

import bisect
import dataclasses
import re
import threading
from collections import Counter, OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import ClassVar

from spacy.language import Language

from pipeline.config import EntitiesConfig
from pipeline.document import Document, PlaceLabel, PlaceSpan
from pipeline.nlp import load_ner_model, one_blas_thread
from pipeline.records import Block, Mention, Organization
from pipeline.segments import model_pieces
from pipeline.stages.base import Stage
from pipeline.stages.place_names import PlaceNames

ORG_LABELS = frozenset({"ORG"})
PLACE_LABELS = frozenset({"GPE", "LOC"})
# Words that do not have to appear in an acronym ("Office of ... and ..." -> OJJDP).
_MINOR_WORDS = frozenset("of for the and to in on at by a an & de du la le des der und".split())
# Last words that make a capitalized phrase an organization name rather than a place or event.
_ORG_HEADS = frozenset(
    """agency alliance association authority bank board bureau center centre college commission committee
    company corporation council court department division foundation fund group institute institution league
    ministry office organisation organization partnership party program programme school service society
    union university""".split()
)
# Last words that make a capitalized phrase a place: geographic features, streets and the
# buildings NER corpora count as locations. "House", "Center", "Museum" and "Hotel" are left
# out: they as often name the organization inside ("Random House").
_PLACE_HEADS = frozenset(
    """airport auditorium avenue bay beach boulevard bridge canyon castle cathedral church coast desert forest gulf
    base hall harbor harbour island islands lake mosque mountain mountains ocean palace park peninsula plaza
    river road sea square stadium station street temple tower valley""".split()
)
# Lower-case words and commas between two names that the model sometimes takes into one span.
_CONNECTING_WORD = re.compile(r"[ ]+(?:in|to|at|near|from|and)[ ]+|,[ ]+")
# A street type right after a place name makes the two one street name: "on Dallas Street".
_STREET_AFTER = re.compile(r"[ ](?:Street|Avenue|Road|Boulevard|Drive|Lane|(?:St|Ave|Rd|Blvd)\.)(?![\w])")
_LEADING_DETERMINER = re.compile(r"^(?:the|The|THE|an?|An?)\s+")
# The model sometimes takes in a sentence-initial word before the article: "Later the Office".
_LEADING_WORD_AND_DETERMINER = re.compile(r"^[A-Z][a-z]+\s+the\s+")
_GERUND_HEADLINE = re.compile(r"^[A-Z][a-z]{3,}ing\s+\S")
_TRAILING_JUNK = re.compile(r"\s*(?:['’]s|['’])?[\s,.;:!?\-–—\"”»]*$")
# An opening quote the model takes into a name: "“Eurasia Foundation”".
_LEADING_QUOTE = re.compile(r"[\"'“‘«„]+\s*")
_ACRONYM_IN_PARENS = re.compile(r"\(\s*([A-Z][A-Za-z&.\-]{1,11})\s*\)")
_LONG_FORM_IN_PARENS = re.compile(r"\b([A-Z][A-Z&.\-]{1,11}[A-Z])\s*\(\s*([^()]{5,120}?)\s*\)")
_WORD = re.compile(r"[^\s()]+")
_CLAUSE_BREAK = re.compile(r"[;:!?\n]|\.\s|,\s")
# E-mail and web addresses, host names and file names: "a@b.com", "www.x.org", "TEXT.htm".
_ADDRESS_OR_FILE = re.compile(r"@|://|\bwww\.|\w\.[a-z]{2,4}\b")
# NER labels that name people: their words overrule a lone first name read as an ORG.
PERSON_LABELS = frozenset({"PERSON"})
# Blocks up to this long are remembered with what the model found in them, this many at a time.
_REMEMBERED_BLOCK_CHARS = 200
_REMEMBERED_BLOCKS = 10_000


@dataclass(frozen=True)
class _Span:
    start: int
    end: int
    label: str  # "ORG" or "PLACE"
    # The model's label the span came from ("GPE", "LOC", "ORG"); "ORG" for names this stage
    # finds itself (acronym definitions, further occurrences of a known name).
    tag: PlaceLabel = "ORG"


@dataclass(frozen=True, slots=True)
class _ModelEntity:
    """An entity the model found in a block: offsets into the block, spaCy's label."""

    start: int
    end: int
    label: str


@dataclass(frozen=True)
class _Definition:
    long_form: _Span
    acronym: _Span


class EntityRecognizer(Stage):
    """Find organizations (grouped, with acronyms) and pass place mentions on for resolving."""

    name: ClassVar[str] = "entities"
    version: ClassVar[str] = "4"
    reads: ClassVar[frozenset[str]] = frozenset({"text", "blocks"})
    writes: ClassVar[frozenset[str]] = frozenset({"organizations", "place_spans"})

    def __init__(
        self, config: EntitiesConfig, nlp: Language | None = None, place_names: PlaceNames | None = None
    ) -> None:
        """Create the stage.

        Args:
            config: The entity settings.
            nlp: A spaCy pipeline to use instead of loading `config.model` on first use.
            place_names: The places stage's name knowledge, shared with it (the registry gives
                both stages the same one); by default one over the process's gazetteer.
        """
        self.config = config
        self._nlp = nlp
        self.place_names = place_names or PlaceNames()
        # What the model found in recent short blocks (see `_read_blocks`), oldest first.
        self._recent: OrderedDict[str, tuple[_ModelEntity, ...]] = OrderedDict()
        self._recent_lock = threading.Lock()

    def setup(self) -> None:
        """Load the model and the gazetteer before any document's time limit starts.

        Raises:
            PipelineError: The model is not installed (E201).
        """
        self.nlp  # noqa: B018 -- the property loads the model
        self.place_names.set_up()

    @property
    def nlp(self) -> Language:
        """The spaCy pipeline, loaded on first use and shared across the process."""
        if self._nlp is None:
            self._nlp = load_ner_model(self.config.model)
        return self._nlp

    def __call__(self, doc: Document) -> Document:
        """Set `doc.organizations` and `doc.place_spans` (the places stage resolves them)."""
        return self._recognize(doc, self._read_blocks([doc.text[b.start : b.end] for b in _model_blocks(doc)]))

    def process_batch(self, docs: Sequence[Document]) -> list[Document]:
        """The per-document call for several documents, the model reading all their blocks at once.

        The model reads large batches several times faster than one document's few blocks,
        and what it finds in a block does not depend on the other blocks of its batch, so
        the records are the same as one document at a time.
        """
        blocks = [(index, block) for index, doc in enumerate(docs) for block in _model_blocks(doc)]
        found = self._read_blocks([docs[index].text[block.start : block.end] for index, block in blocks])
        by_doc: list[list[tuple[_ModelEntity, ...]]] = [[] for _ in docs]
        for (index, _), entities in zip(blocks, found, strict=True):
            by_doc[index].append(entities)
        return [self._recognize(doc, entities) for doc, entities in zip(docs, by_doc, strict=True)]

    def _recognize(self, doc: Document, by_block: Sequence[tuple[_ModelEntity, ...]]) -> Document:
        """The stage's work on one document, given what the model found in each of its blocks."""
        text = doc.text
        spans, person_words = self._model_spans(doc, by_block)
        definitions = _organization_definitions(text, find_acronym_definitions(text, self.config), spans)
        spans = self._relabel(text, spans, definitions)
        spans = _without_person_names(text, spans, definitions, person_words, self.place_names)
        spans = [s for s in spans if self._is_plausible(text[s.start : s.end], s.label)]
        surfaces = _group_surfaces(text, spans, definitions, self.place_names)
        spans = _all_occurrences(text, spans, surfaces)
        organizations = _organizations(text, [s for s in spans if s.label == "ORG"], surfaces, definitions)
        place_spans = _place_spans(text, [s for s in spans if s.label == "PLACE"])
        return doc.model_copy(update={"organizations": organizations, "place_spans": place_spans})

    def _read_blocks(self, texts: Sequence[str]) -> list[tuple[_ModelEntity, ...]]:
        """What the model finds in each text; each distinct text is read once.

        Short blocks repeat across a site's pages and a wire service's stories (bylines,
        datelines, sign-offs), and what the model finds in a block depends on nothing else,
        so the recent ones are remembered. Long blocks rarely repeat and are not kept.
        """
        distinct = dict.fromkeys(texts)
        # One recognizer may serve several threads (a Dask worker's), hence the lock.
        with self._recent_lock:
            known = {text: self._recent[text] for text in distinct if text in self._recent}
            for text in known:
                self._recent.move_to_end(text)
        unread = [text for text in distinct if text not in known]
        found: dict[str, tuple[_ModelEntity, ...]] = {}
        with one_blas_thread():
            for text, parsed in zip(unread, self.nlp.pipe(unread, batch_size=self.config.batch_size), strict=True):
                found[text] = tuple(_ModelEntity(e.start_char, e.end_char, e.label_) for e in parsed.ents)
        with self._recent_lock:
            self._recent.update(
                (text, in_text) for text, in_text in found.items() if len(text) <= _REMEMBERED_BLOCK_CHARS
            )
            while len(self._recent) > _REMEMBERED_BLOCKS:
                self._recent.popitem(last=False)
        return [found[text] if text in found else known[text] for text in texts]

    def _model_spans(
        self, doc: Document, by_block: Sequence[tuple[_ModelEntity, ...]]
    ) -> tuple[list[_Span], Counter[str]]:
        """Run NER block by block, so no entity crosses from a heading into the next line.

        Returns:
            The cleaned organization and place spans, and how often each word appears in
            names the model read as people's (to overrule a lone name it read as an ORG).
        """
        blocks = _model_blocks(doc)
        spans: list[_Span] = []
        person_words: Counter[str] = Counter()
        for block, entities in zip(blocks, by_block, strict=True):
            # Texts are sliced from the document: spaCy rebuilds `Doc.text` and `Span.text`
            # token by token on every call, which cost a third of this stage.
            block_text = doc.text[block.start : block.end]
            for ent in entities:
                start, end = block.start + ent.start, block.start + ent.end
                if ent.label in PERSON_LABELS:
                    person_words.update(w for w in doc.text[start:end].split() if w[:1].isupper())
                    continue
                label = "ORG" if ent.label in ORG_LABELS else "PLACE" if ent.label in PLACE_LABELS else None
                if label is not None:
                    span = _clean(doc.text, _Span(start, end, label, _model_label(ent.label)))
                    if span is not None and not _is_heading(block_text, doc.text[start:end], label):
                        spans.append(span)
        return _join_split_names(doc.text, spans), person_words

    def _relabel(self, text: str, spans: list[_Span], definitions: Sequence[_Definition]) -> list[_Span]:
        """Correct ORG/GPE confusions: places labelled ORG, defined organizations labelled GPE."""
        defined = {_key(text[s.start : s.end]) for d in definitions for s in (d.long_form, d.acronym)}
        spans = [part for whole in spans for part in self._split_at_places(text, whole)]
        # A city the model reads as a place somewhere in the text is that place wherever it
        # reads it as an organization: one name means one thing within a document.
        places = {text[s.start : s.end] for s in spans if s.label == "PLACE"}
        relabelled = []
        for span in spans:
            surface = text[span.start : span.end]
            if (
                span.label == "ORG"
                and not _has_org_head(surface)
                and (
                    _has_place_head(surface)
                    or (surface in places and self.place_names.is_place_name(surface))
                    or self.place_names.is_place_here(text, span.start, span.end)
                )
            ):
                span = dataclasses.replace(span, label="PLACE")
            elif span.label == "PLACE" and _key(surface) in defined:
                span = dataclasses.replace(span, label="ORG")
            relabelled.append(span)
        return relabelled

    def _split_at_places(self, text: str, span: _Span) -> list[_Span]:
        """Split an ORG span that runs over a connecting word into the places it names.

        The model reads "Accommodation in Camps Bay" or "Noida and Greater Noida" as one
        organization. When a part between the connecting words is a known place or ends in
        a place word, the parts that are places become places and the rest is dropped
        unless it has an organization's head word; otherwise the span stays as it is.
        """
        if span.label != "ORG":
            return [span]
        parts: list[_Span] = []
        start = span.start
        for match in _CONNECTING_WORD.finditer(text, span.start, span.end):
            parts.append(_Span(start, match.start(), "ORG", span.tag))
            start = match.end()
        if not parts:
            return [span]
        parts.append(_Span(start, span.end, "ORG", span.tag))
        places = [
            p
            for p in parts
            if _has_place_head(text[p.start : p.end]) or self.place_names.is_place_name(text[p.start : p.end])
        ]
        if not places:
            return [span]
        return [
            dataclasses.replace(p, label="PLACE") if p in places else p
            for p in parts
            if p in places or _has_org_head(text[p.start : p.end])
        ]

    def _is_plausible(self, surface: str, label: str) -> bool:
        """Tell whether a span can be a name at all.

        Addresses and file names ("kent@ae.ge.com", "TEXT.htm") are not; an organization is
        written with a capital ("chitosan", "650k" are not); a short code read as a place
        ("P.S.", "LD") is one only if the gazetteer knows the code. The model's rare places
        in lower case ("kerala") are mostly right, and are kept.
        """
        if _ADDRESS_OR_FILE.search(surface):
            return False
        if label == "ORG":
            return any(c.isupper() for c in surface)
        return not _is_acronym(surface) or self.place_names.is_possible_place_code(surface)


def find_acronym_definitions(text: str, config: EntitiesConfig | None = None) -> list[_Definition]:
    """Find "Long Form (ACR)" and "ACR (Long Form)" definitions in `text`.

    The long form is the shortest run of words just before the parenthesis whose initials
    spell the acronym in order; minor words ("of", "and") may be skipped.

    Args:
        text: The article text.
        config: The entity settings (how far back a long form may reach); the defaults if None.
    """
    config = config or EntitiesConfig()
    definitions: list[_Definition] = []
    for match in _ACRONYM_IN_PARENS.finditer(text):
        acronym = match.group(1)
        letters = _acronym_letters(acronym)
        if len(letters) < 2 or sum(c.isupper() for c in acronym) < 2:
            continue
        clause_start = _clause_start(text, match.start(), config.clause_lookback_chars)
        words = [
            (w.start() + clause_start, w.end() + clause_start)
            for w in _WORD.finditer(text[clause_start : match.start()])
        ]
        limit = max(0, len(words) - len(letters) - config.extra_long_form_words)
        for first in range(len(words) - 1, limit - 1, -1):
            phrase = [text[s:e] for s, e in words[first:]]
            if _spells(phrase, letters):
                long_form = _Span(words[first][0], words[-1][1], "ORG")
                definitions.append(_Definition(long_form, _Span(match.start(1), match.end(1), "ORG")))
                break
    for match in _LONG_FORM_IN_PARENS.finditer(text):
        letters = _acronym_letters(match.group(1))
        phrase = match.group(2).split()
        if len(letters) >= 2 and phrase[0][:1].isupper() and _spells(phrase, letters):
            definitions.append(
                _Definition(_Span(match.start(2), match.end(2), "ORG"), _Span(match.start(1), match.end(1), "ORG"))
            )
    return sorted(definitions, key=lambda d: d.acronym.start)


def _spells(words: Sequence[str], letters: str) -> bool:
    """Tell whether the words' initials spell `letters`, every major word taking part."""

    def options(word: str) -> list[str]:
        # "U.S." and "US" give "US"; "Sub-Group" may give "S" or "SG".
        capitals = "".join(c for c in word if c.isupper())
        initials = "".join(part[0].upper() for part in re.split(r"[-/]", word) if part)
        found = {initials[:1], initials}
        if capitals and ("." in word or word.isupper()):
            found.add(capitals)
        return sorted(found - {""}, key=len, reverse=True)

    def match(index: int, position: int) -> bool:
        if index == len(words):
            return position == len(letters)
        word = words[index]
        minor = word.lower() in _MINOR_WORDS or not word[:1].isalpha()
        if minor and match(index + 1, position):
            return True
        return any(
            letters.startswith(option, position) and match(index + 1, position + len(option))
            for option in options(word)
        )

    return bool(words) and words[0].lower() not in _MINOR_WORDS and match(0, 0)


def _acronym_letters(acronym: str) -> str:
    return "".join(c for c in acronym if c.isalpha()).upper()


def _clause_start(text: str, position: int, lookback: int) -> int:
    window_start = max(0, position - lookback)
    breaks = [m.end() for m in _CLAUSE_BREAK.finditer(text, window_start, position)]
    # "U.S. " and "D.C. " end abbreviations, not clauses.
    breaks = [b for b in breaks if not re.search(r"\b[A-Z]\.[A-Z]?\.?\s$", text[max(0, b - 6) : b])]
    return breaks[-1] if breaks else window_start


def _model_blocks(doc: Document) -> list[Block]:
    # Long blocks are read in pieces (see `pipeline.segments`): memory stays bounded per document.
    return list(model_pieces(doc.text, (b for b in doc.blocks if b.end > b.start)))


def _clean(text: str, span: _Span) -> _Span | None:
    """Trim a leading determiner and a trailing possessive or punctuation from a span, and
    take a street type after a place into it."""
    surface = text[span.start : span.end]
    lead = _LEADING_WORD_AND_DETERMINER.match(surface) or _LEADING_DETERMINER.match(surface)
    start = span.start + (lead.end() if lead else 0)
    quote = _LEADING_QUOTE.match(text, start, span.end)  # 'the “Eurasia Foundation”'
    start = quote.end() if quote else start
    trail = _TRAILING_JUNK.search(text[start : span.end])
    end = start + (trail.start() if trail else span.end - start)
    surface = text[start:end]
    # Keep the period of an abbreviation ("U.S.", "D.C.", "Inc."): it is part of the name.
    if text[end : end + 1] == "." and re.search(r"(?:\b[A-Z]\.[A-Z]|\b(?:Inc|Corp|Ltd|Co|Jr|St))$", surface):
        end += 1
        surface = text[start:end]
    if end <= start or not any(c.isalpha() for c in surface):
        return None
    if span.label == "ORG" and _GERUND_HEADLINE.match(surface) and not _has_org_head(surface):
        return None  # "Transforming Child Protection Systems" is a headline, not a name
    street = _STREET_AFTER.match(text, end) if span.label == "PLACE" else None
    if street is not None:
        end = street.end()  # "Dallas Street" is a street, not Dallas
    return _Span(start, end, span.label, span.tag)


def _join_split_names(text: str, spans: list[_Span]) -> list[_Span]:
    """Re-join an ORG the model split after a minor word ("the US Agency for" + "International Development")."""
    joined: list[_Span] = []
    for span in sorted(spans, key=lambda s: (s.start, s.end)):
        if joined:
            last = joined[-1]
            gap = text[last.end : span.start]
            last_word = text[last.start : last.end].rsplit(None, 1)[-1].lower()
            if last.label == "ORG" and gap.isspace() and len(gap) <= 2 and last_word in _MINOR_WORDS:
                joined[-1] = _Span(last.start, span.end, "ORG", last.tag)
                continue
        joined.append(span)
    return joined


def _without_person_names(
    text: str,
    spans: list[_Span],
    definitions: Sequence[_Definition],
    person_words: Counter[str],
    place_names: PlaceNames,
) -> list[_Span]:
    """Drop one-word spans that the model reads at least as often elsewhere in the text as
    part of a person's name ("Traci" on a line of its own, "Traci Warner" in the signature).

    Acronyms, defined names, the names of countries and US states ("Georgia") and places
    the text qualifies with their country or state somewhere ("Baikal, Russia") stay.
    """
    defined = {_key(text[d.acronym.start : d.acronym.end]) for d in definitions}
    counts = Counter(text[s.start : s.end] for s in spans)
    qualified = {text[s.start : s.end] for s in spans if s.label == "PLACE" and place_names.is_qualified(text, s.end)}
    kept = []
    for span in spans:
        surface = text[span.start : span.end]
        if (
            person_words[surface] >= counts[surface]
            and surface not in qualified
            and " " not in surface
            and not _is_acronym(surface)
            and _key(surface) not in defined
            and not place_names.is_country_or_region(surface)
        ):
            continue
        kept.append(span)
    return kept


def _is_heading(block: str, surface: str, label: str) -> bool:
    """Whether an ORG span is the whole of its block, punctuation aside: a heading or a review
    title ("Great Family Fun", "WOW!") the model reads as a name for its capitals.

    Acronyms and names with an organization's head word ("Mozilla Foundation") stay; a
    bare name on a line of its own is lost, the price of dropping the far more common titles.
    """
    return (
        label == "ORG"
        and block.strip().rstrip(".!?:,;") == surface
        and not _is_acronym(surface)
        and not _has_org_head(surface)
    )


def _has_place_head(surface: str) -> bool:
    """Whether a name ends in a word for a geographic feature or a building ("Orchestra Hall")."""
    words = surface.split()
    return len(words) >= 2 and words[-1].lower() in _PLACE_HEADS and words[-1][:1].isupper()


def _has_org_head(surface: str) -> bool:
    words = [w.lower() for w in re.findall(r"[A-Za-z]+", surface)]
    return len(words) >= 2 and any(w in _ORG_HEADS for w in words[1:] + words[:1])


def _key(surface: str) -> str:
    """Normalize a surface form for grouping: case, periods, spacing and a leading 'the'."""
    surface = _LEADING_DETERMINER.sub("", surface.strip())
    return re.sub(r"\s+", " ", surface.replace(".", "").replace("’", "'")).casefold()


class _Groups:
    """Union-find over normalized surface forms."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, key: str) -> str:
        self.parent.setdefault(key, key)
        while self.parent[key] != key:
            self.parent[key] = self.parent[self.parent[key]]
            key = self.parent[key]
        return key

    def union(self, a: str, b: str) -> None:
        root_a, root_b = self.find(a), self.find(b)
        if root_a != root_b:
            # The smaller key becomes the root, so grouping never depends on insertion order.
            low, high = sorted((root_a, root_b))
            self.parent[high] = low


@dataclass
class _Surfaces:
    """Every organization surface form seen, and which entity it belongs to."""

    forms: dict[str, str]  # key -> first surface text seen
    groups: _Groups
    defined: set[str]  # surfaces that an acronym definition names


def _group_surfaces(
    text: str, spans: Iterable[_Span], definitions: Sequence[_Definition], place_names: PlaceNames
) -> _Surfaces:
    groups = _Groups()
    forms: dict[str, str] = {}
    defined: set[str] = set()
    for span in (s for s in spans if s.label == "ORG"):
        surface = text[span.start : span.end]
        forms.setdefault(_key(surface), surface)
        groups.find(_key(surface))
    for definition in definitions:
        long_text = text[definition.long_form.start : definition.long_form.end]
        acronym = text[definition.acronym.start : definition.acronym.end]
        for surface in (long_text, acronym):
            forms.setdefault(_key(surface), surface)
            defined.add(surface)
        groups.union(_key(long_text), _key(acronym))
    _tie_place_prefixed_names(forms, groups, place_names)
    # An acronym never defined in the text is tied to a long form whose initials spell it.
    acronyms = [k for k, v in forms.items() if _is_acronym(v)]
    names = sorted(v for v in forms.values() if len(v.split()) >= 2)
    for key in acronyms:
        letters = _acronym_letters(forms[key])
        for name in names:
            if _spells(name.split(), letters):
                groups.union(key, _key(name))
    return _Surfaces(forms, groups, defined)


def _tie_place_prefixed_names(forms: dict[str, str], groups: _Groups, place_names: PlaceNames) -> None:
    """Tie "U.S.-Russia Civil Society Partnership Program" to "Civil Society Partnership Program"."""
    names = sorted(forms.values())
    for longer in names:
        for shorter in names:
            if len(shorter.split()) < 2 or not longer.endswith(" " + shorter):
                continue
            prefix = longer[: -len(shorter)].strip()
            if all(place_names.is_country_or_region(part) for part in re.split(r"[-/\s]+", prefix) if part):
                groups.union(_key(longer), _key(shorter))


def _organization_definitions(
    text: str, definitions: Sequence[_Definition], spans: Sequence[_Span]
) -> list[_Definition]:
    """The acronym definitions that name organizations, each long form as long as the model saw it.

    A definition names an organization when the model labelled its long form or acronym
    ORG somewhere, or its long form has an organization's head word ("Office", "Foundation").
    The model's longer ORG span ending where the long form ends is preferred
    ("U.S.-Russia Bilateral Presidential Commission" over "Bilateral Presidential Commission").
    """
    org_spans = [s for s in spans if s.label == "ORG"]
    org_keys = {_key(text[s.start : s.end]) for s in org_spans}
    chosen = []
    for definition in definitions:
        long_form = next(
            (s for s in org_spans if s.start <= definition.long_form.start and s.end == definition.long_form.end),
            definition.long_form,
        )
        long_text = text[long_form.start : long_form.end]
        acronym = text[definition.acronym.start : definition.acronym.end]
        if _key(long_text) in org_keys or _key(acronym) in org_keys or _has_org_head(long_text):
            chosen.append(_Definition(long_form, definition.acronym))
    return chosen


def _is_acronym(surface: str) -> bool:
    letters = re.sub(r"[.&\-]", "", surface)
    return 2 <= len(letters) <= 10 and letters.isalpha() and letters.isupper() and " " not in surface


def _all_occurrences(text: str, spans: list[_Span], surfaces: _Surfaces) -> list[_Span]:
    """Add every occurrence of a known organization name; the longest span wins an overlap."""
    candidates = list(spans)
    for surface in sorted(set(surfaces.forms.values())):
        # Only names that are unmistakably organizations are marked wherever they appear;
        # a model's guess such as "Child Protection" is not repeated across the text.
        if not (_is_acronym(surface) or _has_org_head(surface) or surface in surfaces.defined):
            continue
        candidates.extend(_Span(start, end, "ORG") for start, end in _whole_name_occurrences(text, surface))
    # Longest first: a full name beats the truncated or shifted span the model proposed.
    candidates.sort(key=lambda s: (-(s.end - s.start), s.start, s.label))
    kept: list[_Span] = []
    taken = _DisjointSpans()
    for span in candidates:
        if taken.add(span.start, span.end):
            kept.append(span)
    return sorted(kept, key=lambda s: (s.start, s.end))


def _whole_name_occurrences(text: str, name: str) -> Iterator[tuple[int, int]]:
    """Where `name` stands in `text` with no word character or hyphen on either side.

    What `(?<![\\w-])NAME(?![\\w-])` finds, without compiling a pattern for every name of
    every document.
    """
    start = text.find(name)
    while start != -1:
        end = start + len(name)
        if not (_is_word_char(text, start - 1) or _is_word_char(text, end)):
            yield start, end
            start = text.find(name, end)
        else:
            start = text.find(name, start + 1)


def _is_word_char(text: str, position: int) -> bool:
    return 0 <= position < len(text) and (text[position].isalnum() or text[position] in "_-")


class _DisjointSpans:
    """Disjoint spans kept sorted, so a long page costs log n per overlap test, not n."""

    def __init__(self) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []

    def add(self, start: int, end: int) -> bool:
        """Add [start, end) unless it overlaps a span already here; tell whether it was added."""
        index = bisect.bisect_left(self._starts, end)
        # Only the last span starting before `end` can reach past `start`: the spans are disjoint.
        if index > 0 and self._ends[index - 1] > start:
            return False
        self._starts.insert(index, start)
        self._ends.insert(index, end)
        return True


def _organizations(
    text: str, spans: list[_Span], surfaces: _Surfaces, definitions: Sequence[_Definition]
) -> tuple[Organization, ...]:
    members: dict[str, list[_Span]] = {}
    for span in spans:
        key = _key(text[span.start : span.end])
        members.setdefault(surfaces.groups.find(key), []).append(span)
    defined_acronyms = {_key(text[d.acronym.start : d.acronym.end]) for d in definitions}
    organizations = []
    for group_spans in members.values():
        group_spans.sort(key=lambda s: (s.start, s.end))
        forms: list[str] = []
        for span in group_spans:
            surface = text[span.start : span.end]
            if surface not in forms:
                forms.append(surface)
        full_forms = [f for f in forms if not _is_acronym(f)] or forms
        name = max(full_forms, key=len)  # the first of the longest, as forms keep text order
        acronyms = [f for f in forms if _is_acronym(f)]
        acronym = next((a for a in acronyms if _key(a) in defined_acronyms), acronyms[0] if acronyms else None)
        organizations.append(
            Organization(
                name=name,
                acronym=acronym if acronym != name else None,
                aliases=tuple(sorted(f for f in forms if f != name)),
                mentions=tuple(Mention(text=text[s.start : s.end], start=s.start, end=s.end) for s in group_spans),
            )
        )
    return tuple(sorted(organizations, key=lambda o: (o.mentions[0].start, o.mentions[0].end)))


def _place_spans(text: str, spans: list[_Span]) -> tuple[PlaceSpan, ...]:
    """The place spans in text order, for the places stage."""
    ordered = sorted(spans, key=lambda s: (s.start, s.end))
    return tuple(PlaceSpan(text=text[s.start : s.end], start=s.start, end=s.end, label=s.tag) for s in ordered)


def _model_label(label: str) -> PlaceLabel:
    """The model's label of an ORG, GPE or LOC span, typed."""
    return "GPE" if label == "GPE" else "LOC" if label == "LOC" else "ORG"
