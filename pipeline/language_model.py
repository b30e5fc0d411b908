"""py3langid's language model, unpacked once per machine and read a whole sample at a time.

py3langid ships its model LZMA-packed inside the package; unpacking it cost about 0.4 s of
CPU in every process (a twentieth of a one-process run over the 790-document bench corpus).
`load_language_model` keeps the unpacked arrays in the build cache (`pipeline.build_cache`)
and reads them back in a few hundredths of a second; the file's name carries a hash of this
module's source, py3langid's version and the packed model's size, so an upgrade rebuilds it.

`classify` gives exactly what py3langid's `LanguageIdentifier.classify` gives with
normalised probabilities (same language, same float32 probability, bit for bit), computed
differently where py3langid spends its time:

* Features: py3langid walks a DFA over the sample's UTF-8 bytes one byte at a time in
  Python and counts the feature each state emits. The DFA is an Aho-Corasick automaton (its
  state after any text is the longest suffix of that text among its states' labels), so the
  state after a byte depends only on the last `window` bytes (the depth of the deepest
  state, 6 for the pinned model). `window` vectorised steps, each moving every position of
  the sample one byte on, give every position's state at once.
  `tests/test_language_model.py` checks the automaton property on the whole pinned model.
* Scores: py3langid multiplies by its float16 weights, which numpy converts to float32 on
  every call; they are kept as float32 (the conversion is exact, the product the same).

Features are counted in the order they first occur, as py3langid's `Counter` does, so the
float32 sums run in the same order and give the same bits.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import unicodedata
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from pipeline.build_cache import cache_dir, read_checked_view, store

_FORMAT = "language-model-1"
# Arrays are laid out at multiples of this many bytes in a cache file (numpy reads aligned data faster).
_ALIGN = 8


@dataclass(frozen=True)
class LanguageModel:
    """py3langid's naive Bayes model over byte n-grams, as numpy arrays.

    Attributes:
        classes: The language code of each score column (a code may name two columns:
            py3langid's script variants, whose probabilities are added up).
        transitions: The DFA's next state for (row, byte), row by row (256 entries a row).
        row_base: Where each state's row starts in `transitions`.
        outputs: The feature each state emits, or -1.
        weights: log P(feature | language), one row per feature.
        priors: log P(language).
        window: The depth of the deepest state: how many bytes back decide a state.
    """

    classes: tuple[str, ...]
    transitions: npt.NDArray[np.uint32]
    row_base: npt.NDArray[np.int64]
    outputs: npt.NDArray[np.int32]
    weights: npt.NDArray[np.float32]
    priors: npt.NDArray[np.float32]
    window: int

    @functools.cached_property
    def alias_pairs(self) -> tuple[tuple[int, int], ...]:
        """(first column, later column) for each code that names more than one column."""
        first: dict[str, int] = {}
        pairs = []
        for column, code in enumerate(self.classes):
            if code in first:
                pairs.append((first[code], column))
            else:
                first[code] = column
        return tuple(pairs)

    def states(self, data: bytes) -> npt.NDArray[np.uint32]:
        """The DFA's state after each byte of `data` (see the module's docstring)."""
        text = np.frombuffer(data, dtype=np.uint8)
        states = np.zeros(len(text), dtype=np.uint32)
        # Step `back` moves the state of every position at or after `back` on by the byte
        # `back` places before it: the oldest byte of each window first, the newest last.
        for back in range(min(self.window, len(text)) - 1, -1, -1):
            states[back:] = self.transitions[self.row_base[states[back:]] + text[: len(text) - back]]
        return states

    def scores(self, data: bytes) -> npt.NDArray[np.float32]:
        """py3langid's normalised probability of each column for the UTF-8 bytes `data`."""
        features = self.outputs[self.states(data)]
        features = features[features >= 0]
        if len(features):
            found, first, counts = np.unique(features, return_index=True, return_counts=True)
            order = np.argsort(first)  # as py3langid's Counter: in the order they first occur
            scores = np.log1p(counts[order].astype(np.float32)) @ self.weights[found[order]] + self.priors
        else:
            scores = np.zeros(len(self.classes), dtype=np.float32)  # no evidence: all alike
        # py3langid's temperature (the square root of the length) keeps long texts calibrated.
        scores *= 1.0 / math.sqrt(len(data) or 1)
        np.exp(scores - scores.max(), out=scores)
        scores /= scores.sum()
        for kept, folded in self.alias_pairs:
            scores[kept] += scores[folded]
            scores[folded] = 0.0
        return scores


def classify(model: LanguageModel, text: str) -> tuple[str, float]:
    """The most probable language of `text` and its probability, as py3langid's `classify` gives them."""
    if text.isupper():  # py3langid reads a text all in capitals in lower case
        text = text.lower()
    data = unicodedata.normalize("NFC", text).encode("utf-8", errors="surrogatepass")
    scores = model.scores(data)
    best = int(scores.argmax())
    return model.classes[best], float(scores[best])


@functools.cache
def load_language_model() -> LanguageModel:
    """The model, once per process: read from the build cache, else unpacked from py3langid and stored there."""
    path = cache_file()
    if path is not None:
        try:
            return _from_payload(read_checked_view(path))
        except (OSError, ValueError, KeyError, TypeError, IndexError):
            pass  # missing, old or damaged: unpack it again
    model = unpack_packaged_model()
    if path is not None:
        store(path, _to_payload(model))
    return model


def cache_file() -> Path | None:
    """Where the unpacked model is kept (see the module's docstring), or None for nowhere."""
    base = cache_dir()
    if base is None:
        return None
    fingerprint = hashlib.sha256(Path(__file__).read_bytes())
    fingerprint.update(f"\0py3langid={metadata.version('py3langid')}".encode())
    fingerprint.update(f"\0size={_packaged_model_path().stat().st_size}".encode())
    return base / f"language-model-{fingerprint.hexdigest()[:16]}.bin"


def unpack_packaged_model() -> LanguageModel:
    """Unpack the model that ships in py3langid (about 0.4 s)."""
    from py3langid.modelio import load_model

    weights, priors, classes, transitions, rows, outputs = load_model(_packaged_model_path())
    states = np.frombuffer(transitions, dtype=np.dtype(transitions.typecode)).astype(np.uint32)
    row_base = np.frombuffer(rows, dtype=np.dtype(rows.typecode)).astype(np.int64) << 8
    return LanguageModel(
        classes=tuple(str(code) for code in classes),
        transitions=states,
        row_base=row_base,
        outputs=np.asarray(outputs, dtype=np.int32),
        weights=np.asarray(weights, dtype=np.float32),  # float16 -> float32 is exact
        priors=np.asarray(priors, dtype=np.float32),
        window=_deepest_state(states, row_base),
    )


def _packaged_model_path() -> Path:
    from py3langid.langid import MODEL_DIR, MODEL_FILE

    path: Path = Path(MODEL_DIR) / MODEL_FILE
    return path


def _deepest_state(transitions: npt.NDArray[np.uint32], row_base: npt.NDArray[np.int64]) -> int:
    """The fewest bytes that reach the deepest state from the start state (breadth first)."""
    reached = np.zeros(len(row_base), dtype=bool)
    reached[0] = True
    frontier = np.array([0], dtype=np.int64)
    depth = 0
    while True:
        seen = np.zeros(len(row_base), dtype=bool)
        seen[transitions[(row_base[frontier][:, None] + np.arange(256)).ravel()]] = True
        frontier = np.flatnonzero(seen & ~reached)
        if not len(frontier):
            return depth
        reached[frontier] = True
        depth += 1


_ARRAYS = ("transitions", "row_base", "outputs", "weights", "priors")


def _to_payload(model: LanguageModel) -> bytes:
    """The model as bytes: a JSON header (its length first), then each array's bytes, aligned."""
    layout: list[dict[str, Any]] = []
    blobs: list[bytes] = []
    for name in _ARRAYS:
        array: npt.NDArray[Any] = getattr(model, name)
        layout.append({"name": name, "dtype": array.dtype.str, "shape": list(array.shape)})
        blob = np.ascontiguousarray(array).tobytes()
        blobs.append(blob + b"\0" * (-len(blob) % _ALIGN))
    header = json.dumps(
        {"format": _FORMAT, "classes": list(model.classes), "window": model.window, "arrays": layout}
    ).encode()
    header += b" " * (-(8 + len(header)) % _ALIGN)
    return len(header).to_bytes(8, "little") + header + b"".join(blobs)


def _from_payload(payload: memoryview) -> LanguageModel:
    """The model `_to_payload` wrote; the arrays read the payload in place (no copy).

    Raises:
        ValueError: The payload is not a model of this format.
    """
    size = int.from_bytes(payload[:8], "little")
    header = json.loads(bytes(payload[8 : 8 + size]))
    if header.get("format") != _FORMAT:
        raise ValueError("not a language model of this format")
    arrays: dict[str, npt.NDArray[Any]] = {}
    offset = 8 + size
    for item in header["arrays"]:
        dtype = np.dtype(item["dtype"])
        count = math.prod(item["shape"])
        arrays[item["name"]] = np.frombuffer(payload, dtype=dtype, count=count, offset=offset).reshape(item["shape"])
        offset += count * dtype.itemsize
        offset += -offset % _ALIGN
    if offset != len(payload):
        raise ValueError("the language model's arrays do not fill the file")
    return LanguageModel(classes=tuple(header["classes"]), window=int(header["window"]), **arrays)
