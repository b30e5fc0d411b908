"""The shape of the code: one error catalogue, one stage registry, and imports that only go down."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from conftest import REPO

from pipeline.config import PipelineConfig
from pipeline.document import Document
from pipeline.errors import MEANINGS, ErrorCode
from pipeline.records import Record
from pipeline.stages.base import Stage, has_batch_call
from pipeline.stages.registry import DOCUMENT_STAGES, build_chain, build_stage, build_stages, stage_names

PACKAGE = REPO / "pipeline"
# Modules that run a batch, write its output or read outputs: no stage may import them.
ORCHESTRATION = {
    "pipeline.api",
    "pipeline.cli",
    "pipeline.executors",
    "pipeline.workers",
    "pipeline.survey",
    "pipeline.runner",
    "pipeline.writer",
    "pipeline.manifest",
    "pipeline.cache",
    "pipeline.outdir",
    "pipeline.diff",
    "pipeline.diff_read",
    "pipeline.diff_report",
    "pipeline.export",
    "pipeline.evaluation",
}


def _module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports() -> dict[str, set[str]]:
    """Each module's imports of the package made when it is imported (not inside functions or TYPE_CHECKING)."""
    graph: dict[str, set[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        found: set[str] = set()
        for node in tree.body:
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("pipeline"):
                found.add(node.module)
                found.update(f"{node.module}.{alias.name}" for alias in node.names)
            elif isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names if alias.name.startswith("pipeline"))
        graph[_module_name(path)] = found
    return {name: {target for target in targets if target in graph} for name, targets in graph.items()}


def test_every_error_code_is_defined_once_with_its_meaning() -> None:
    assert set(MEANINGS) == set(ErrorCode)
    assert len({code.value for code in ErrorCode}) == len(ErrorCode)
    assert all(re.fullmatch(r"E[1-6]\d\d", code) for code in ErrorCode)
    literal = re.compile(r"""["']E\d{3}["']""")
    elsewhere = [
        f"{path.relative_to(REPO)}:{number}"
        for path in PACKAGE.rglob("*.py")
        if path.name != "errors.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if literal.search(line)
    ]
    assert elsewhere == [], "use pipeline.errors.ErrorCode, not a literal code"


def test_the_registry_holds_the_order_and_builds_every_stage() -> None:
    assert stage_names() == ("load", "strip", "metadata", "dates", "entities", "places", "validate")
    chain = build_chain(PipelineConfig())
    assert tuple(step.name for step in chain.all()) == stage_names()
    assert all(isinstance(stage, Stage) for stage in chain.stages)
    assert [stage.name for stage in build_stages(PipelineConfig(), start="dates", upto="places")] == [
        "dates",
        "entities",
        "places",
    ]
    assert build_stage("dates", PipelineConfig()).name == "dates"
    # Only the entity stage reads a whole chunk at once; the others use the default loop.
    assert [stage.name for stage in chain.stages if has_batch_call(stage)] == ["entities"]


def test_each_stage_reads_only_what_an_earlier_stage_wrote() -> None:
    chain = build_chain(PipelineConfig())
    written: set[str] = set()
    for step in chain.all():
        assert step.reads <= set(Document.model_fields) and step.writes <= set(Document.model_fields), step.name
        # A stage may read a field it fills in itself (strip keeps a title the input gave).
        assert step.reads <= written | step.writes, (step.name, step.reads - written - step.writes)
        written |= step.writes
    assert set(Record.model_fields) <= written  # every field of the record is produced by some stage
    assert len(DOCUMENT_STAGES) == len(chain.stages)


def test_imports_have_no_cycles_and_only_go_down() -> None:
    graph = _imports()
    for module, targets in graph.items():
        if module.startswith("pipeline.stages"):
            upward = {t for t in targets if any(t == o or t.startswith(o + ".") for o in ORCHESTRATION)}
            assert upward == set(), f"{module} imports {sorted(upward)}"
        elif not any(module == o or module.startswith(o + ".") for o in ORCHESTRATION):
            # What the stages stand on (the document, records, settings, lexicons) never imports them.
            stages = {t for t in targets if t.startswith("pipeline.stages")}
            assert stages == set(), f"{module} imports {sorted(stages)}"
        if module not in ("pipeline.cli", "pipeline.__main__"):
            assert not {"pipeline.api", "pipeline.cli"} & targets, module
    # Depth-first search for a cycle.
    done: set[str] = set()

    def visit(module: str, path: tuple[str, ...]) -> None:
        assert module not in path, f"import cycle: {' -> '.join((*path, module))}"
        if module in done:
            return
        for target in graph[module]:
            if target != module and not module.startswith(target + "."):  # a package imports its own submodules
                visit(target, (*path, module))
        done.add(module)

    for module in graph:
        visit(module, ())
