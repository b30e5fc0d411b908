"""The unpacked language model answers exactly as py3langid does, and its build cache holds."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest
from py3langid.langid import MODEL_FILE, LanguageIdentifier

from pipeline import build_cache, language_model
from pipeline.language_model import (
    LanguageModel,
    cache_file,
    classify,
    load_language_model,
    unpack_packaged_model,
)

_SAMPLES = [
    "The committee approved the budget on Tuesday after a long debate about schools.",
    "Die Bundesregierung hat am Mittwoch neue Regeln für den Wohnungsbau beschlossen.",
    "Le gouvernement a annoncé le 12 mars 2020 la fermeture des écoles et des universités.",
    "El presidente visitó la ciudad el 5 de mayo de 2019 para inaugurar el nuevo hospital.",
    "Москва объявила о новых мерах поддержки малого бизнеса в этом году.",
    "東京都は来年度の予算案を発表した。教育と医療への支出が増える。",
    "北京市政府今天宣布了新的交通管理措施。",
    "ΑΘΗΝΑ: Η ΚΥΒΕΡΝΗΣΗ ΑΝΑΚΟΙΝΩΣΕ ΝΕΑ ΜΕΤΡΑ",  # all capitals: py3langid reads them in lower case
    "THE MEETING IS POSTPONED UNTIL FURTHER NOTICE",
    "",
    "2021 - 12 - 3",
    "a",
    "surrogate \ud800 half",
    "e\u0301te\u0301 (decomposed accents are composed first)",
]


def _random_texts(count: int, seed: int = 7) -> list[str]:
    """Texts mixing scripts, digits, punctuation and white space, of every length up to 2,500."""
    pieces = "abcdefghijklmnopqrstuvwxyzäöüßéèàçñ ÆØÅ абвгдежз αβγδ 日本語中文한국어 0123456789 .,;:!?-\n\t'\""
    chooser = random.Random(seed)
    return ["".join(chooser.choice(pieces) for _ in range(chooser.randint(0, 2500))) for _ in range(count)]


@pytest.fixture(scope="module")
def model() -> LanguageModel:
    return unpack_packaged_model()


def test_classify_gives_py3langids_language_and_probability_bit_for_bit(model: LanguageModel) -> None:
    reference = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    texts = _SAMPLES + [text[:n] for text in _SAMPLES for n in (1, 7, 40)] + _random_texts(300)
    texts += [" ".join(_SAMPLES) * 20]
    for text in texts:
        assert classify(model, text) == reference.classify(text), text[:60]


def test_every_state_is_decided_by_the_last_window_bytes(model: LanguageModel) -> None:
    """The DFA is an Aho-Corasick automaton, so a state only depends on the last `window` bytes.

    Each state is labelled with the bytes of a shortest path to it (distinct labels, closed
    under prefixes: a trie). Aho-Corasick's moves: from the state labelled w, byte b leads
    to the state labelled w + b if there is one, else where b leads from the state of the
    longest proper suffix of w (reached by walking w without its first byte). Then, by
    induction on the length of the text, the state after any text is its longest suffix
    among the labels, which only its last `window` bytes (the longest label) decide.
    """
    count = len(model.row_base)
    number, depth = _labels(model)
    assert int(depth.max()) == model.window
    assert len(np.unique(number + (depth << 56))) == count  # distinct labels
    # The state of each label without its first byte, walked from the start state.
    suffix = np.zeros(count, dtype=np.int64)
    for position in range(1, model.window):
        going = depth > position
        byte = (number[going] >> (8 * (depth[going] - 1 - position))) & 0xFF
        suffix[going] = model.transitions[model.row_base[suffix[going]] + byte]
    every_byte = np.arange(256)
    for start in range(0, count, 8192):
        states = np.arange(start, min(count, start + 8192))
        moved = model.transitions[model.row_base[states][:, None] + every_byte].astype(np.int64)
        extends = (depth[moved] == depth[states][:, None] + 1) & (
            number[moved] == ((number[states][:, None] << 8) | every_byte)
        )
        fallback = model.transitions[model.row_base[suffix[states]][:, None] + every_byte].astype(np.int64)
        fallback[states == 0] = 0  # from the start state, a byte no label starts with stays there
        assert (extends | (moved == fallback)).all()


def _labels(model: LanguageModel) -> tuple[np.ndarray, np.ndarray]:
    """Each state's label (the bytes of a shortest path from the start state, as a big-endian number) and its length."""
    count = len(model.row_base)
    depth = np.full(count, -1, dtype=np.int64)
    number = np.zeros(count, dtype=np.int64)
    depth[0] = 0
    frontier = np.array([0])
    while len(frontier):
        targets = model.transitions[model.row_base[frontier][:, None] + np.arange(256)]
        new = depth[targets] == -1
        sources = np.broadcast_to(frontier[:, None], targets.shape)[new]
        moves = np.broadcast_to(np.arange(256), targets.shape)[new]
        reached, first = np.unique(targets[new], return_index=True)  # each new state by its first path
        depth[reached] = depth[sources[first]] + 1
        number[reached] = (number[sources[first]] << 8) | moves[first]
        frontier = reached
    assert (depth >= 0).all()
    return number, depth


def test_the_build_cache_gives_the_model_it_was_built_from(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, model: LanguageModel
) -> None:
    monkeypatch.setenv(build_cache.CACHE_DIR_VARIABLE, str(tmp_path))
    unpacked: list[LanguageModel] = []

    def unpack() -> LanguageModel:
        unpacked.append(model)  # what unpacking gives, without unpacking again (a second)
        return model

    monkeypatch.setattr(language_model, "unpack_packaged_model", unpack)
    load_language_model.cache_clear()
    try:
        built = load_language_model()  # unpacked and stored
        assert unpacked == [model]
        path = cache_file()
        assert path is not None and path.is_file()
        load_language_model.cache_clear()
        read = load_language_model()  # read back
        assert read is not built and len(unpacked) == 1
        for loaded in (built, read):
            assert loaded.classes == model.classes and loaded.window == model.window
            for name in ("transitions", "row_base", "outputs", "weights", "priors"):
                assert np.array_equal(getattr(loaded, name), getattr(model, name)), name
        # A damaged file is unpacked again, and written again.
        content = bytearray(path.read_bytes())
        content[-1] ^= 0xFF
        path.write_bytes(bytes(content))
        load_language_model.cache_clear()
        again = load_language_model()
        assert again is model and len(unpacked) == 2
        assert build_cache.read_checked_view(path).nbytes == len(path.read_bytes()) - 32
    finally:
        load_language_model.cache_clear()
