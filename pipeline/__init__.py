"""Extract articles, dates, organizations and places from scraped web pages into JSON records.

The public API (`run`, `validate_output`, `export_schema`, `diff_outputs`, `PipelineConfig`, `Record`) is
imported lazily, so that `import pipeline.records` does not pull in spaCy.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "run": "pipeline.api",
    "validate_output": "pipeline.api",
    "export_schema": "pipeline.api",
    "diff_outputs": "pipeline.api",
    "RunSummary": "pipeline.api",
    "PipelineConfig": "pipeline.config",
    "Record": "pipeline.records",
}

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'pipeline' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(_EXPORTS[name]), name)
