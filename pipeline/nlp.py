"""The spaCy model, loaded once per process and shared by the stages that need it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

import spacy
from spacy.language import Language
from thinc.api import use_ops
from threadpoolctl import ThreadpoolController

from pipeline.errors import ErrorCode, PipelineError

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
        # thinc multiplies matrices with blis by default; numpy's OpenBLAS on one thread
        # read the bench corpus 5-8% faster on one machine and 1.8x faster on another (an
        # AMD EPYC: 10.2 s against 18.0 s), with the same entities (790 documents compared);
        # most of the pipeline's time is this model's.
        with use_ops("numpy", use_blis=False):
            return spacy.load(name, exclude=list(NER_ONLY_EXCLUDE))
    except OSError as error:
        raise PipelineError(
            ErrorCode.MODEL_MISSING,
            f"spaCy model {name!r} is not installed; run `make run` or install the pinned requirements",
        ) from error


@lru_cache(maxsize=1)
def _thread_pools() -> ThreadpoolController:
    return ThreadpoolController()


@contextmanager
def one_blas_thread() -> Iterator[None]:
    """Run the model's matrix products on one thread (the model's `nlp.pipe` goes inside).

    Left alone, OpenBLAS spreads even the model's small products over every core: on two
    cores that took 75% more CPU time than one thread for no less wall time (bench corpus),
    and `--jobs` already puts a process on each core.
    """
    with _thread_pools().limit(limits=1, user_api="blas"):
        yield
