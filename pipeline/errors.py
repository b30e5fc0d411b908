"""The error catalogue: every code, defined once with its meaning, and the two kinds of error.

Two kinds are kept apart (STYLE.md, convention 6): `DocumentError` is about one input and
ends as a `failed` manifest entry (a `DocumentFailure`: code, stage and message) while the
batch goes on; `PipelineError` is about the run itself (bad arguments, bad configuration, a
missing model) and stops it at once.

Codes are grouped by the hundred: E1xx the run's inputs and options, E2xx set-up, E3xx the
output folder, E4xx `pipeline diff`, E5xx `pipeline eval`, E6xx one document. A code never
changes its meaning; a new kind of error gets a new code here, never a literal elsewhere.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict


class ErrorCode(StrEnum):
    """Every error code of the pipeline; `MEANINGS` says what each one means."""

    INPUT_MISSING = "E101"
    BAD_RUN_OPTION = "E102"
    SCHEDULER_UNREACHABLE = "E103"
    BAD_CONFIGURATION = "E104"
    MODEL_MISSING = "E201"
    OUTSIDE_OUTPUT = "E301"
    OUTPUT_OVERLAPS_INPUT = "E302"
    OUTPUT_FOREIGN = "E303"
    OUTPUT_LOCKED = "E304"
    DISK_FULL = "E305"
    OUTPUT_READ_ONLY = "E306"
    NOT_AN_OUTPUT = "E401"
    INVALID_OUTPUT_RECORD = "E402"
    UNSORTED_OUTPUT = "E403"
    BAD_GOLD_FILE = "E501"
    DOCUMENT_FAILED = "E600"
    UNREADABLE_INPUT = "E601"
    INPUT_TOO_LARGE = "E602"
    NOT_TEXT = "E603"
    BAD_JSONL_DOCUMENT = "E604"
    BAD_SIDECAR = "E605"
    REFUSED_AT_LISTING = "E606"
    TIME_LIMIT = "E607"
    INVALID_RECORD = "E608"
    UNEXPECTED = "E609"
    WORKER_DIED = "E610"


MEANINGS: dict[ErrorCode, str] = {
    ErrorCode.INPUT_MISSING: "an input named on the command line does not exist",
    ErrorCode.BAD_RUN_OPTION: "an invalid run option (executor, number of jobs, scheduler address)",
    ErrorCode.SCHEDULER_UNREACHABLE: "the Dask scheduler cannot be reached",
    ErrorCode.BAD_CONFIGURATION: "a configuration that cannot be used (--config file, --set, a bad setting)",
    ErrorCode.MODEL_MISSING: "the spaCy model is not installed",
    ErrorCode.OUTSIDE_OUTPUT: "a record id would name a file outside the output folder",
    ErrorCode.OUTPUT_OVERLAPS_INPUT: "the output folder is, contains or lies inside an input root",
    ErrorCode.OUTPUT_FOREIGN: "the output folder holds files the pipeline did not write",
    ErrorCode.OUTPUT_LOCKED: "another run holds the output folder",
    ErrorCode.DISK_FULL: "no space left on the output's device",
    ErrorCode.OUTPUT_READ_ONLY: "the output folder cannot be written",
    ErrorCode.NOT_AN_OUTPUT: "`pipeline diff`: a folder is not an output folder of `pipeline run`",
    ErrorCode.INVALID_OUTPUT_RECORD: "`pipeline diff`: an output folder holds a record that is not valid",
    ErrorCode.UNSORTED_OUTPUT: "`pipeline diff`: an output folder's records are not sorted by unique id",
    ErrorCode.BAD_GOLD_FILE: "`pipeline eval`: a gold file is missing, unreadable or of no known suite",
    ErrorCode.DOCUMENT_FAILED: "a document cannot be processed (a stage's own reason, in its message)",
    ErrorCode.UNREADABLE_INPUT: "an input cannot be read (permissions, vanished, not a regular file)",
    ErrorCode.INPUT_TOO_LARGE: "an input is over the size limit (load.max_bytes)",
    ErrorCode.NOT_TEXT: "an input holds no text: empty, white space only, binary, or a false byte-order mark",
    ErrorCode.BAD_JSONL_DOCUMENT: "a JSONL line is not a usable document (not JSON, no text, a bad date)",
    ErrorCode.BAD_SIDECAR: "an input's NAME.meta.json sidecar is not valid",
    ErrorCode.REFUSED_AT_LISTING: (
        "an input refused while listing: a name that cannot name an output file, a duplicate id,"
        " a link out of the input folder, a folder that cannot be listed, a JSONL line without a usable id"
    ),
    ErrorCode.TIME_LIMIT: "a document took longer than its time limit (limits.time_limit_seconds)",
    ErrorCode.INVALID_RECORD: "the finished record does not match the schema",
    ErrorCode.UNEXPECTED: "a stage raised an unexpected exception (a bug: please report it with the input)",
    ErrorCode.WORKER_DIED: "the worker process died twice while processing the document's chunk (e.g. out of memory)",
}


class PipelineError(Exception):
    """A run-level error: bad arguments, configuration or set-up. Stops the run."""

    def __init__(self, code: ErrorCode | str, message: str) -> None:
        super().__init__(f"[{code}] {message}")
        self.code = code


class DocumentError(Exception):
    """One input cannot be processed; the message says why in words a user can act on.

    Args:
        message: The reason.
        code: Its code in the catalogue; a stage that raises without one gets `DOCUMENT_FAILED`.
    """

    def __init__(self, message: str, code: ErrorCode = ErrorCode.DOCUMENT_FAILED) -> None:
        super().__init__(message)
        self.code = code


class DocumentFailure(BaseModel):
    """Why one input failed, as data: its code, the stage it failed in, and the reason.

    `stage` is the name of the stage it failed in, "worker" when its worker process died
    under its chunk, and None for an input refused while listing, before any stage saw it.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    code: ErrorCode
    stage: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.stage}: " if self.stage is not None else ""
        return f"{where}{self.message} [{self.code}]"


# The names the output checks (issue 17) use; the codes are those of the catalogue.
E_OUTPUT_OVERLAPS_INPUT = ErrorCode.OUTPUT_OVERLAPS_INPUT
E_OUTPUT_FOREIGN = ErrorCode.OUTPUT_FOREIGN
E_OUTPUT_LOCKED = ErrorCode.OUTPUT_LOCKED
E_DISK_FULL = ErrorCode.DISK_FULL
E_OUTPUT_READ_ONLY = ErrorCode.OUTPUT_READ_ONLY
