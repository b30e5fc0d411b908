"""The `pipeline` command: a thin layer over `pipeline.api`.

Exit codes: 0 when everything succeeded, 1 when a document failed or an output is
invalid, 2 for a usage or set-up error (a bad configuration included), 130 when interrupted
(Ctrl-C).

`-v` logs what a run is made of (its settings, the code fingerprint) and `-vv` everything
the libraries log at debug level; `-q` keeps only errors (no progress bar, no summary line).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path

from pipeline import __version__, api
from pipeline.config import changed_settings, load_config, settings_help
from pipeline.diff_select import ONLY_FIELDS, Selection, limit_sections, select
from pipeline.diff_text import iter_json, iter_text, render_markdown
from pipeline.errors import PipelineError
from pipeline.executors import EXECUTORS
from pipeline.fingerprint import code_fingerprint
from pipeline.records import SCHEMA_VERSION
from pipeline.terminal import INTERRUPTED, interrupted_once, printable

DEFAULT_SCHEMA_PATH = Path("schemas/record.schema.json")
_LOG = logging.getLogger("pipeline")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand, each with a description and an example."""
    parser = argparse.ArgumentParser(
        prog="pipeline",
        description="Extract articles, dates, organizations and places from scraped web pages.",
    )
    parser.add_argument(
        "--version", action="version", version=f"pipeline {__version__} (record schema {SCHEMA_VERSION})"
    )
    _verbosity_options(parser, 0)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = _command(
        commands,
        "run",
        "Process raw inputs (.txt, .html, .jsonl, .warc, any of them .gz or .zst) into JSON records.",
        "pipeline run raw/ --out output/ --jobs 4 --set places.merge_state_qualifiers=true",
        "settings (defaults shown; --set SECTION.KEY=VALUE, or in a --config FILE:\n"
        "  [SECTION] on a line, then KEY = VALUE lines):\n" + settings_help(),
    )
    run.add_argument(
        "inputs", nargs="*", type=Path, default=[Path("raw")], metavar="INPUT", help="folders or files (default: raw/)"
    )
    run.add_argument("--out", type=Path, default=Path("output"), help="output folder (default: output/)")
    run.add_argument(
        "--jobs",
        type=int,
        default=None,
        metavar="N",
        help="worker processes, each loading the model once (default: every core; 1 = in this process)",
    )
    run.add_argument(
        "--force", action="store_true", help="process every input again instead of reusing unchanged records"
    )
    run.add_argument(
        "--executor",
        choices=EXECUTORS,
        default="local",
        help="where documents are processed: this machine (default) or a dask.distributed cluster",
    )
    run.add_argument(
        "--scheduler", metavar="ADDRESS", help="the Dask scheduler for --executor dask, e.g. tcp://10.0.0.5:8786"
    )
    run.add_argument(
        "--text-field",
        metavar="NAME",
        help="the JSONL field holding each document (default: the first of html, text, content, raw_content)",
    )
    run.add_argument("--id-field", metavar="NAME", help="the JSONL field holding each line's id (default: id)")
    run.add_argument(
        "--no-docs", action="store_true", help="write only records.jsonl and manifest.json, not docs/<id>.json"
    )
    run.add_argument("--config", type=Path, metavar="FILE", help="a TOML file of settings (listed below)")
    run.add_argument(
        "--set",
        action="append",
        default=[],
        dest="settings",
        metavar="SECTION.KEY=VALUE",
        help="change one setting (repeatable; after --config); the value is TOML or a bare word",
    )
    _verbosity_options(run, argparse.SUPPRESS)

    diff = _command(
        commands,
        "diff",
        "Show what changed between two output folders: why (the manifests: versions, configuration,"
        " template lines, inputs), the counts per field and per stage, then document by document."
        " Exit code 0 (1 with --exit-code when anything differs), 2 for a bad folder.",
        "pipeline diff old-output/ output/ --only dates --limit 5\n"
        "  pipeline diff old-output/ output/ --html diff.html --exit-code\n"
        "  pipeline diff old-output/ output/ --markdown >> $GITHUB_STEP_SUMMARY",
    )
    diff.add_argument("old", type=Path, metavar="OLD", help="the output folder before the change")
    diff.add_argument("new", type=Path, metavar="NEW", help="the output folder after the change")
    stdout_format = diff.add_mutually_exclusive_group()
    stdout_format.add_argument("--json", action="store_true", help="write the diff as JSON to standard output")
    stdout_format.add_argument(
        "--markdown", action="store_true", help="write a short summary for a pull-request comment or a CI log"
    )
    diff.add_argument(
        "--html",
        type=Path,
        metavar="FILE",
        help="write a self-contained HTML report; standard output then gets only --json or --markdown",
    )
    diff.add_argument("--exit-code", action="store_true", help="exit with 1 when anything differs (for CI)")
    # As for `run`: `pipeline -q diff` and `pipeline diff -q` alike (SUPPRESS keeps the first).
    diff.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        default=argparse.SUPPRESS,
        help="show why and the counts only, no documents",
    )
    diff.add_argument(
        "--only",
        action="append",
        choices=ONLY_FIELDS,
        default=[],
        help="show only documents where this field changed, and only it (repeatable)",
    )
    diff.add_argument("--id", dest="ids", metavar="GLOB", help="show only documents whose id matches, e.g. 'news/*'")
    diff.add_argument("--limit", type=_positive_int, metavar="N", help="show at most N documents per section")
    diff.add_argument(
        "--sample",
        type=_positive_int,
        metavar="N",
        help="show a reproducible random sample of N documents that differ (see --seed)",
    )
    diff.add_argument("--seed", type=int, default=0, metavar="S", help="the sample's seed: same seed, same sample")

    validate = _command(
        commands,
        "validate",
        "Check every record of an output folder against the schema.",
        "pipeline validate output/",
    )
    validate.add_argument("directory", type=Path, metavar="DIR", help="an output folder written by `pipeline run`")

    export = _command(
        commands,
        "export",
        "Write analysis tables of an output folder: documents, and one row per date, organization and place"
        " mention (Parquet or CSV, one fixed schema per table).",
        "pipeline export output/ --format parquet --to tables/",
    )
    export.add_argument("directory", type=Path, metavar="OUT", help="an output folder written by `pipeline run`")
    export.add_argument(
        "--format", choices=("parquet", "csv"), default="parquet", help="table format (default: parquet)"
    )
    export.add_argument(
        "--to",
        type=Path,
        metavar="DIR",
        default=None,
        help="where to write the tables (default: OUT-tables/ beside OUT; not inside OUT, which `run` owns)",
    )

    evaluate = _command(
        commands,
        "eval",
        "Score the pipeline against gold data, next to a baseline on the same documents.",
        "pipeline eval ../shared/benchmarks/temporal/tbaq_cleaned_dev.jsonl",
    )
    evaluate.add_argument(
        "gold",
        nargs="+",
        type=Path,
        metavar="GOLD",
        help="gold JSONL files (.jsonl or .jsonl.gz); suite told by fields",
    )
    evaluate.add_argument("--limit", type=_positive_int, help="score only the first N documents of each file")
    evaluate.add_argument("--no-baseline", action="store_true", help="skip the baseline system")
    evaluate.add_argument("--jobs", type=_positive_int, help="worker processes for the page suites (default: CPUs)")
    evaluate.add_argument("--json", action="store_true", help="print the reports as JSON")

    schema = _command(
        commands,
        "schema",
        "Write the JSON Schema of a record.",
        "pipeline schema --out schemas/record.schema.json",
    )
    schema.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_SCHEMA_PATH,
        help=f"where to write it (default: {DEFAULT_SCHEMA_PATH}; '-' for standard output)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return its exit code."""
    args = build_parser().parse_args(argv)
    _configure_logging(args.verbose, args.quiet)
    try:
        if args.command == "run":
            with interrupted_once():
                return _run(args)
        if args.command == "diff":
            return _diff(args)
        if args.command == "validate":
            return _validate(args)
        if args.command == "eval":
            return _eval(args)
        if args.command == "export":
            return _export(args)
        return _schema(args)
    except PipelineError as error:
        print(printable(f"pipeline: {error}"), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        # Every write is atomic and the manifest comes last: the folder holds the last complete
        # run's records and manifest, and the next run completes the work.
        print("pipeline: interrupted; the output folder keeps its last complete run", file=sys.stderr)
        return INTERRUPTED


# How many skipped files are named on the terminal; the manifest lists them all.
SKIPPED_SHOWN = 5


def _run(args: argparse.Namespace) -> int:
    config = load_config(args.config, args.settings)
    # --text-field and --id-field are short for --set load.text_fields=[...] and load.id_field=...
    load = config.load
    if args.text_field is not None:
        load = load.model_copy(update={"text_fields": (args.text_field,)})
    if args.id_field is not None:
        load = load.model_copy(update={"id_field": args.id_field})
    config = config.model_copy(update={"load": load})
    _LOG.info(
        "configuration %s; changed settings: %s", config.config_hash(), ", ".join(changed_settings(config)) or "none"
    )
    _LOG.info("code fingerprint %s", code_fingerprint())
    summary = api.run(
        args.inputs,
        args.out,
        config,
        progress=sys.stderr.isatty() and not args.quiet,
        jobs=args.jobs,
        force=args.force,
        executor=args.executor,
        scheduler=args.scheduler,
        docs=not args.no_docs,
    )
    if not args.quiet:
        for path, reason in summary.skipped[:SKIPPED_SHOWN]:
            print(f"skipped: {path}: {reason}", file=sys.stderr)
        if len(summary.skipped) > SKIPPED_SHOWN:
            print(f"... and {len(summary.skipped) - SKIPPED_SHOWN} more skipped (see manifest.json)", file=sys.stderr)
    for path, failure in summary.failures:
        print(printable(f"failed: {path}: {failure}"), file=sys.stderr)
    counts = summary.counts
    if not args.quiet:
        print(
            f"{counts['inputs']} inputs: {counts['ok']} ok, {counts['failed']} failed, {counts['skipped']} skipped;"
            f" {summary.reused} reused from cache -> {printable(str(summary.out_dir))} ({summary.seconds:.1f} s)",
            file=sys.stderr,
        )
    return 0 if summary.ok else 1


def _verbosity_options(parser: argparse.ArgumentParser, default: object) -> None:
    """-v and -q, on the command and again on `run` (`pipeline -q run` and `pipeline run -q` alike).

    On a subcommand the default is SUPPRESS, so that leaving the option out there keeps
    what was given before the command.
    """
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        "-v", "--verbose", action="count", default=default, help="log more: -v what a run is made of, -vv debug"
    )
    group.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        default=argparse.SUPPRESS if default is argparse.SUPPRESS else False,
        help="errors only: no progress bar, no summary line",
    )


def _configure_logging(verbose: int, quiet: bool) -> None:
    level = logging.ERROR if quiet else {0: logging.WARNING, 1: logging.INFO}.get(verbose, logging.DEBUG)
    logging.basicConfig(level=level, format="%(name)s: %(levelname)s: %(message)s", stream=sys.stderr, force=True)


def _diff(args: argparse.Namespace) -> int:
    selection = Selection(
        only=tuple(dict.fromkeys(args.only)), ids=args.ids, limit=args.limit, sample=args.sample, seed=args.seed
    )
    diff = api.diff_outputs(args.old, args.new, html_report=args.html, selection=selection)
    if args.json:
        documents = [] if args.quiet else limit_sections(select(diff.documents, selection), selection.limit)
        sys.stdout.writelines(iter_json(diff, documents))
    elif args.markdown:
        sys.stdout.write(render_markdown(diff, selection, quiet=args.quiet))
    elif args.html is None:
        sys.stdout.writelines(iter_text(diff, selection, color=_color(sys.stdout), quiet=args.quiet))
    if args.html is not None and not args.quiet:
        print(f"wrote {printable(str(args.html))}", file=sys.stderr)
    return 1 if args.exit_code and diff.summary.differs else 0


def _color(stream: object) -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org)."""
    isatty = getattr(stream, "isatty", None)
    return bool(isatty is not None and isatty()) and not os.environ.get("NO_COLOR")


def _validate(args: argparse.Namespace) -> int:
    problems = api.validate_output(args.directory)
    for problem in problems:
        print(printable(problem))
    verdict = "valid" if not problems else f"{len(problems)} problems"
    print(f"{printable(str(args.directory))}: {verdict}", file=sys.stderr)
    return 0 if not problems else 1


def _eval(args: argparse.Namespace) -> int:
    from pipeline.evaluation import evaluate, format_report  # loads the baselines' libraries

    progress = sys.stderr.isatty()
    reports = [
        evaluate(gold, limit=args.limit, baseline=not args.no_baseline, progress=progress, jobs=args.jobs)
        for gold in args.gold
    ]
    if args.json:
        print(json.dumps([r.model_dump(mode="json") for r in reports], indent=2, ensure_ascii=False))
    else:
        print("\n".join(format_report(r) for r in reports), end="")
    return 0


def _export(args: argparse.Namespace) -> int:
    from pipeline.export import export_tables  # loads pyarrow

    target = args.to if args.to is not None else args.directory.with_name(f"{args.directory.name}-tables")
    for path in export_tables(args.directory, target, args.format):
        print(f"wrote {path}", file=sys.stderr)
    return 0


def _positive_int(value: str) -> int:
    number = int(value)
    if number <= 0:
        raise argparse.ArgumentTypeError(f"must be positive, not {value}")
    return number


def _schema(args: argparse.Namespace) -> int:
    if str(args.out) == "-":
        print(json.dumps(api.record_schema(), indent=2, sort_keys=True, ensure_ascii=False))
    else:
        print(f"wrote {api.export_schema(args.out)}", file=sys.stderr)
    return 0


def _command(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    name: str,
    summary: str,
    example: str,
    details: str = "",
) -> argparse.ArgumentParser:
    epilog = textwrap.dedent(f"example:\n  {example}") + (f"\n\n{details}" if details else "")
    return commands.add_parser(
        name,
        help=summary,
        description=summary,
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
