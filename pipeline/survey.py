"""The survey: what a run reads of its inputs before it processes any of them.

Each input's identity (the sha256 of its bytes and its sidecar date) makes its cache key,
and some stages must see the whole batch before its first document (`Stage.batch_learner`:
strip finds the site's template lines). Both come from one pass that reads each input
once, and decodes it (the load stage) when a learner needs its text.

What the learners found is kept in the cache under the identities of all the batch's
inputs, so a re-run of an unchanged batch decodes nothing. Whether to decode during the
first pass is decided before the identities are known: on a cold run (an empty cache, or
`force`) the survey decodes as it reads; otherwise it expects the stored facts to fit and
reads a second time only if they do not. The bytes are not kept: processing reads them
again (in a worker, perhaps on another machine), so memory does not grow with the batch.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from pipeline import __version__
from pipeline.cache import ResultCache, batch_key, run_fingerprint
from pipeline.config import PipelineConfig
from pipeline.document import Document
from pipeline.errors import DocumentError
from pipeline.reader import InputRef, RawInput, read_input
from pipeline.stages.base import NO_FACTS, BatchFacts, BatchLearner, PipelineStep, Stage
from pipeline.stages.registry import DOCUMENT_STAGES, LOAD, BuildContext

# An input's identity for the cache: the sha256 of its bytes and its sidecar date.
Identity = tuple[str, str | None]


@dataclass(frozen=True)
class Survey:
    """Each input's identity by record id (None: unreadable) and what the stages learned from the batch."""

    identities: dict[str, Identity | None]
    facts: BatchFacts


def survey_inputs(
    refs: Sequence[InputRef], config: PipelineConfig, cache: ResultCache, installed: Mapping[str, str], force: bool
) -> Survey:
    """Read every input once for its identity, and let the batch learners see the batch.

    Unreadable inputs are passed over here; processing reports why they fail.

    Args:
        refs: The run's inputs, in id order.
        config: The run's configuration.
        cache: The output folder's cache (facts of an earlier run of the same batch).
        installed: The output-shaping package versions (`api.versions()`).
        force: Learn again, ignoring (and then refreshing) the cache.
    """
    learning: list[tuple[type[Stage], BatchLearner]] = []
    for spec in DOCUMENT_STAGES:
        learner = spec.kind.batch_learner(config, len(refs))
        if learner is not None:
            learning.append((spec.kind, learner))
    loader = LOAD.build(BuildContext(config))
    decode_now = bool(learning) and (force or len(cache) == 0)
    identities: dict[str, Identity | None] = {}
    for ref in refs:
        try:
            raw = read_input(ref, config.load.max_bytes)
        except DocumentError:
            identities[ref.id] = None
            continue
        identities[ref.id] = (raw.sha256, raw.sidecar_date)
        if decode_now:
            _show(loader, raw, [learner for _, learner in learning])
    if not learning:
        return Survey(identities, NO_FACTS)
    # What decides the facts besides the inputs: decoding (load) and the learning stages.
    stages = {LOAD.name: LOAD.kind.version, **{kind.name: kind.version for kind, _ in learning}}
    fingerprint = run_fingerprint(config.config_hash(), __version__, stages, installed)
    key = batch_key(fingerprint, ((ref.id, ref.path, _sha256(identities[ref.id])) for ref in refs))
    lines = None if force else cache.template_lines(key)
    if lines is not None:
        return Survey(identities, BatchFacts(template_lines=lines))
    learners = [learner for _, learner in learning]
    unchanged = decode_now or _show_again(refs, identities, config, loader, learners)
    facts = NO_FACTS
    for learner in learners:
        facts = learner.learned(facts)
    if unchanged:  # learned from the bytes the keys are made of
        cache.put_template_lines(key, facts.template_lines)
    return Survey(identities, facts)


def _show(loader: PipelineStep[RawInput, Document], raw: RawInput, learners: Sequence[BatchLearner]) -> None:
    try:
        doc = loader(raw)
    except DocumentError:
        return  # processing reports it
    for learner in learners:
        learner.see(doc)


def _show_again(
    refs: Sequence[InputRef],
    identities: Mapping[str, Identity | None],
    config: PipelineConfig,
    loader: PipelineStep[RawInput, Document],
    learners: Sequence[BatchLearner],
) -> bool:
    """Read and decode every input for the learners; True if each still held the surveyed bytes."""
    unchanged = True
    for ref in refs:
        surveyed = _sha256(identities[ref.id])
        try:
            raw = read_input(ref, config.load.max_bytes)
        except DocumentError:
            unchanged = unchanged and surveyed is None
            continue
        unchanged = unchanged and raw.sha256 == surveyed
        _show(loader, raw, learners)
    return unchanged


def _sha256(identity: Identity | None) -> str | None:
    return None if identity is None else identity[0]
