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


# Output folder and run faults (issue 17); module-level until they join the error catalogue.
E_OUTPUT_OVERLAPS_INPUT = "E302"  # --out is, contains or lies inside an input root
E_OUTPUT_FOREIGN = "E303"  # --out holds files the pipeline did not write
E_OUTPUT_LOCKED = "E304"  # another run holds --out
E_DISK_FULL = "E305"  # no space left on the output's device
E_OUTPUT_READ_ONLY = "E306"  # the output folder cannot be written
