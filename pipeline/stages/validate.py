"""Validate: assemble the record from the document state and check it against the schema."""

from __future__ import annotations

from typing import ClassVar

from pydantic import ValidationError

from pipeline.document import Document
from pipeline.errors import DocumentError, ErrorCode
from pipeline.records import Record
from pipeline.stages.base import PipelineStep


class RecordValidator(PipelineStep[Document, Record]):
    """Turn a finished `Document` into a `Record`, or fail the document with the schema's reasons.

    This is the last stage; it returns a `Record`, not a `Document`.
    """

    name: ClassVar[str] = "validate"
    version: ClassVar[str] = "1"
    reads: ClassVar[frozenset[str]] = frozenset(Record.model_fields)

    def __call__(self, doc: Document) -> Record:
        """Build and validate the record.

        Raises:
            DocumentError: The record breaks the schema (for example an offset that does not
                point at its mention); the message lists every problem.
        """
        fields = {name: getattr(doc, name) for name in Record.model_fields}
        try:
            return Record.model_validate(fields)
        except ValidationError as error:
            message = f"record does not match the schema: {describe_validation_error(error)}"
            raise DocumentError(message, ErrorCode.INVALID_RECORD) from error


def describe_validation_error(error: ValidationError) -> str:
    """One line per problem: where in the record, and what is wrong."""
    problems = []
    for item in error.errors(include_url=False):
        where = ".".join(str(part) for part in item["loc"]) or "record"
        problems.append(f"{where}: {item['msg']}")
    return "; ".join(problems)
