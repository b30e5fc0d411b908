"""Errors with stable codes.

Two kinds are kept apart (STYLE.md, convention 6): `DocumentError` is about one input and
ends as a `failed` manifest entry while the batch goes on; `PipelineError` is about the run
itself (bad arguments, bad configuration) and stops it at once.
"""

from __future__ import annotations


class PipelineError(Exception):
    """A run-level error: bad arguments, configuration or set-up. Stops the run."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"[{code}] {message}")
        self.code = code


class DocumentError(Exception):
    """One input cannot be processed; the message says why in words a user can act on."""
