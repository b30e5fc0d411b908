"""The terminal side of the command line: text shown without control characters, and Ctrl-C.

File names and ids come from crawls. Printed as they are, an escape sequence in a name
clears the screen or paints a fake summary line, a carriage return overwrites what came
before, and a right-to-left override shows a name in another order than it is stored.
Every such character is shown as a visible escape (`\\x1b`, `\\u202e`) instead; other
characters, accented letters and scripts included, are printed as they are.
"""

from __future__ import annotations

import signal
import threading
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

# Unicode categories that print nothing and steer the terminal or the text's direction:
# control characters (C0, DEL, C1) and format characters (direction marks, overrides and
# isolates, zero-width characters). Line and paragraph separators break a line too.
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp"})
# The exit code of a command stopped by Ctrl-C (128 + SIGINT), as shells report it.
INTERRUPTED = 130


def printable(text: str) -> str:
    """`text` with every control and format character written as a visible escape."""
    if text.isprintable():
        return text
    return "".join(_visible(character) for character in text)


def _visible(character: str) -> str:
    if unicodedata.category(character) not in _HIDDEN_CATEGORIES:
        return character
    code = ord(character)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


@contextmanager
def interrupted_once() -> Iterator[None]:
    """Turn the first Ctrl-C into `KeyboardInterrupt` and ignore the next ones until the block ends.

    A second Ctrl-C while the run cleans up (closing files, stopping workers) would otherwise
    break the cleanup with a traceback. Outside the main thread signals cannot be handled,
    and the block runs as it is.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: FrameType | None) -> None:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGINT, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
