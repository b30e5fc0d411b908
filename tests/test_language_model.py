"""The unpacked language model answers exactly as py3langid does, and its build cache holds."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest
from py3langid.langid import MODEL_FILE, LanguageIdentifier

from pipeline import build_cache
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
    """The DFA is an Aho-Corasick automaton: each move goes to the longest suffix that is a state.

    Each state is labelled with the bytes of a shortest path to it. If every move from a
    state with label w on byte b goes to the state whose label is the longest suffix of
    w + b among all labels (and the labels are distinct and closed under prefixes), then
    the state after any text is the longest suffix of the text among the labels, which
    only its last `window` bytes (the longest label) decide.
    """
    count = len(model.row_base)
    labels, depth = _labels(model)
    distinct = set(labels)
    assert len(distinct) == count
    assert all(label[:-1] in distinct for label in labels)  # closed under prefixes
    assert int(depth.max()) == model.window
    # Labels as numbers (bytes big-endian) keyed with their length, to look suffixes up.
    as_number = np.array([int.from_bytes(label, "big") for label in labels], dtype=np.int64)
    keys = as_number + (depth.astype(np.int64) << 56)
    order = np.argsort(keys)
    sorted_keys = keys[order]
    for start in range(0, count, 4096):
        states = np.arange(start, min(count, start + 4096))
        moved = model.transitions[model.row_base[states][:, None] + np.arange(256)].astype(np.int64)
        extended = (as_number[states][:, None] << 8) | np.arange(256)  # w + b
        length = depth[states][:, None] + 1
        expected = np.full(moved.shape, -1, dtype=np.int64)
        for size in range(model.window, -1, -1):  # the longest suffix first
            key = (extended & ((1 << (8 * size)) - 1)) + (size << 56)
            position = np.minimum(np.searchsorted(sorted_keys, key), count - 1)
            hit = (length >= size) & (expected == -1) & (sorted_keys[position] == key)
            expected[hit] = order[position[hit]]
        assert np.array_equal(moved, expected)


def _labels(model: LanguageModel) -> tuple[list[bytes], np.ndarray]:
    """Each state's label (the bytes of a shortest path from the start state) and its length."""
    count = len(model.row_base)
    depth = np.full(count, -1)
    depth[0] = 0
    labels = [b""] * count
    frontier = [0]
    while frontier:
        following = []
        for state in frontier:
            row = model.transitions[model.row_base[state] : model.row_base[state] + 256]
            for byte in np.flatnonzero(depth[row] == -1):
                target = int(row[byte])
                if depth[target] == -1:
                    depth[target] = depth[state] + 1
                    labels[target] = labels[state] + bytes([int(byte)])
                    following.append(target)
        frontier = following
    assert (depth >= 0).all()
    return labels, depth


def test_the_build_cache_gives_the_model_it_was_built_from(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, model: LanguageModel
) -> None:
    monkeypatch.setenv(build_cache.CACHE_DIR_VARIABLE, str(tmp_path))
    load_language_model.cache_clear()
    try:
        built = load_language_model()  # unpacked and stored
        path = cache_file()
        assert path is not None and path.is_file()
        load_language_model.cache_clear()
        read = load_language_model()  # read back
        assert read is not built
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
        assert np.array_equal(again.weights, model.weights)
        assert build_cache.read_checked_view(path).nbytes == len(path.read_bytes()) - 32
    finally:
        load_language_model.cache_clear()
