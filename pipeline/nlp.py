"""The spaCy model, loaded once per process and shared by the stages that need it."""

from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.language import Language

from pipeline.errors import PipelineError

# NER in en_core_web_sm has its own tok2vec copy, so the shared tok2vec, tagger, parser,
# attribute_ruler and lemmatizer add time and nothing to the entities (measured: same
# entities, 1.4x faster).
NER_ONLY_EXCLUDE = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "senter")


@lru_cache(maxsize=2)
def load_ner_model(name: str) -> Language:
    """Load the named spaCy package with only its NER component.

    Raises:
        PipelineError: The model package is not installed (nothing is downloaded at run time).
    """
    try:
        return spacy.load(name, exclude=list(NER_ONLY_EXCLUDE))
    except OSError as error:
        raise PipelineError(
            "E201", f"spaCy model {name!r} is not installed; run `make run` or install the pinned requirements"
        ) from error
