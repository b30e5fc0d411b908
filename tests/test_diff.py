"""`pipeline diff`: two outputs really produced by the pipeline, compared document by document."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from conftest import make_source

from pipeline import api
from pipeline.cli import main
from pipeline.diff import OutputDiff, TextAlignment, compare_records, compare_text, context
from pipeline.diff_report import highlight
from pipeline.records import DateMention, Mention, Organization, Place, Record

KEEP = "The Eurasia Foundation met in Moscow in July 2009.\n"
GONE = "The Red Cross closed its office in Lyon in May 2008.\n"
EDIT_OLD = "The World Bank opened an office in Columbus, Ohio in March 2010.\n\nThe office was busy yesterday.\n"
EDIT_NEW = (
    "The World Bank opened an office in Columbus, Georgia in March 2010.\n\n"
    "The office was busy yesterday. The International Monetary Fund sent staff.\n"
)
ADDED = "UNICEF held a meeting in Berlin on 5 May 2012.\n"


def _write(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """OLD and NEW output folders: one document kept, one removed, one edited, one added.

    The edit changes the document date (so "yesterday" keeps its text and changes value),
    adds an organization, and turns Columbus, Ohio into Columbus, Georgia.
    """
    base = tmp_path_factory.mktemp("diff")
    old_raw = _write(
        base / "old-raw",
        {"keep.txt": KEEP, "gone.txt": GONE, "edit.txt": EDIT_OLD, "edit.meta.json": '{"date": "2011-11-14"}\n'},
    )
    new_raw = _write(
        base / "new-raw",
        {"keep.txt": KEEP, "added.txt": ADDED, "edit.txt": EDIT_NEW, "edit.meta.json": '{"date": "2011-11-20"}\n'},
    )
    for raw, out in ((old_raw, base / "old"), (new_raw, base / "new")):
        summary = api.run([raw], out)
        assert summary.ok, summary.failures
    return base / "old", base / "new"


@pytest.fixture(scope="module")
def diff(outputs: tuple[Path, Path]) -> OutputDiff:
    return api.diff_outputs(*outputs)


def _document(diff: OutputDiff, record_id: str) -> Any:
    return next(document for document in diff.documents if document.id == record_id)


def _records(out: Path) -> dict[str, Record]:
    lines = (out / "records.jsonl").read_text(encoding="utf-8").splitlines()
    return {record.id: record for record in map(Record.model_validate_json, lines)}


def test_documents_added_removed_changed_and_unchanged(diff: OutputDiff) -> None:
    counts = diff.summary.documents
    assert (counts.added, counts.removed, counts.changed, counts.unchanged) == (1, 1, 1, 1)
    assert [(d.id, d.change) for d in diff.documents] == [("added", "added"), ("edit", "changed"), ("gone", "removed")]
    assert diff.summary.differs
    assert diff.summary.text.changed == 1 and diff.summary.title.changed == 0


def test_a_date_with_the_same_text_and_a_new_value_is_changed(diff: OutputDiff) -> None:
    edit = _document(diff, "edit")
    assert [(c.change, c.key) for c in edit.dates] == [("changed", "yesterday")]
    fields = {f.field: (f.old, f.new) for f in edit.dates[0].fields}
    assert fields == {"value": ("2011-11-13", "2011-11-19"), "anchor": ("2011-11-14", "2011-11-20")}
    assert edit.dates[0].context.endswith("busy [yesterday]. The International Monetary F…")
    # "March 2010" moved by two characters (Ohio -> Georgia) but is the same date: not reported.
    assert (diff.summary.dates.added, diff.summary.dates.removed, diff.summary.dates.changed) == (0, 0, 1)


def test_an_organization_added(diff: OutputDiff) -> None:
    edit = _document(diff, "edit")
    assert [(c.change, c.key) for c in edit.organizations] == [("added", "International Monetary Fund")]
    added = edit.organizations[0]
    assert added.old is None and isinstance(added.new, dict) and added.new["name"] == "International Monetary Fund"
    assert "[International Monetary Fund] sent staff." in added.context
    assert (diff.summary.organizations.added, diff.summary.organizations.changed) == (1, 0)


def test_a_place_with_the_same_name_resolved_elsewhere_is_changed(diff: OutputDiff) -> None:
    edit = _document(diff, "edit")
    assert [(c.change, c.key) for c in edit.places] == [
        ("changed", "Columbus"),
        ("removed", "Ohio"),
        ("added", "Georgia"),
    ]
    columbus = edit.places[0]
    assert [f.field for f in columbus.fields] == ["geonameid", "latitude", "longitude"]
    assert (columbus.fields[0].old, columbus.fields[0].new) == (4509177, 4188985)
    assert edit.places[1].context == "…opened an office in Columbus, [Ohio] in March 2010.\\n\\nThe office wa…"
    places = diff.summary.places
    assert (places.added, places.removed, places.changed) == (1, 1, 1)


def test_text_changes_are_narrowed_to_the_characters_that_differ(diff: OutputDiff) -> None:
    text = _document(diff, "edit").text
    assert (text.old_length, text.new_length) == (len(EDIT_OLD) - 1, len(EDIT_NEW) - 1)
    assert [(h.old_start, h.new_start) for h in text.hunks] == [(45, 45), (96, 99)]
    assert text.hunks[0].old_context.endswith("Columbus, [Ohio] in March 2010.\\n\\nThe office wa…")
    assert text.hunks[0].new_context.endswith("Columbus, [Georgia] in March 2010.\\n\\nThe office wa…")
    assert text.hunks[1].new_context.endswith("yesterday.[ The International Monetary Fund sent staff.]")


def test_terminal_output_lists_documents_by_id_with_context(
    outputs: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["diff", str(outputs[0]), str(outputs[1])]) == 0
    out = capsys.readouterr().out
    assert "documents: 1 added, 1 removed, 1 changed, 1 unchanged" in out
    assert "places: 1 added, 1 removed, 1 changed value" in out
    assert out.index("+ added (document added)") < out.index("~ edit") < out.index("- gone (document removed)")
    assert '  ~ date "yesterday": value "2011-11-13" -> "2011-11-19"; anchor "2011-11-14" -> "2011-11-20"' in out
    assert '  + organization "International Monetary Fund"\n      …ffice was busy yesterday. The [Intern' in out


def test_exit_code_is_1_only_when_asked_and_something_differs(
    outputs: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    old, new = (str(path) for path in outputs)
    assert main(["diff", old, new, "--exit-code"]) == 1
    assert main(["diff", old, new]) == 0
    assert main(["diff", new, new, "--exit-code"]) == 0
    out = capsys.readouterr().out
    assert "documents: 0 added, 0 removed, 0 changed, 3 unchanged" in out


def test_json_shape_and_stable_bytes(
    outputs: tuple[Path, Path], diff: OutputDiff, capsys: pytest.CaptureFixture[str]
) -> None:
    old, new = (str(path) for path in outputs)
    assert main(["diff", old, new, "--json"]) == 0
    first = capsys.readouterr().out
    assert main(["diff", old, new, "--json", "--exit-code"]) == 1
    assert capsys.readouterr().out == first
    document = json.loads(first)
    assert list(document) == ["documents", "new", "old", "summary"]
    assert document["summary"] == diff.summary.model_dump(mode="json")
    assert list(document["summary"]) == sorted(document["summary"])
    assert document["summary"]["documents"] == {"added": 1, "changed": 1, "removed": 1, "unchanged": 1}
    edit = document["documents"][1]
    assert sorted(edit) == [
        "boilerplate",
        "change",
        "dates",
        "fields",
        "id",
        "organizations",
        "places",
        "text",
        "title",
    ]
    # The edited text also moves the language detector's confidence (schema v2's `language`).
    assert edit["fields"] == ["source", "language", "text", "blocks", "dates", "organizations", "places"]
    change = edit["dates"][0]
    assert sorted(change) == ["change", "context", "fields", "key", "kind", "new", "old"]
    assert change["old"]["value"] == "2011-11-13" and change["new"]["value"] == "2011-11-19"
    assert OutputDiff.model_validate_json(first) == diff


def test_html_report_is_deterministic_and_lean(outputs: tuple[Path, Path], tmp_path: Path) -> None:
    first, second = tmp_path / "a" / "report.html", tmp_path / "b" / "report.html"
    api.diff_outputs(*outputs, html_report=first)
    api.diff_outputs(*outputs, html_report=second)
    page = first.read_text(encoding="utf-8")
    assert page == second.read_text(encoding="utf-8")
    assert sorted(p.name for p in first.parent.iterdir()) == ["report.html"]  # no temporary files left
    assert "Content-Security-Policy" in page and "default-src 'none'" in page and "<script" not in page
    assert page.count('<details class="doc') == 3
    assert "Eurasia Foundation" not in page  # the unchanged document is only counted
    assert '<mark class="organization added" title="organization added">International Monetary Fund</mark>' in page
    assert '<tr data-row="places"><td>places</td><td data-col="added">1</td>' in page


def test_html_escapes_markup_in_scraped_text(tmp_path: Path) -> None:
    raw_old = _write(tmp_path / "old-raw", {"a.txt": "The Red Cross met in Berlin on 5 May 2012.\n"})
    raw_new = _write(
        tmp_path / "new-raw",
        {"a.txt": "The Red Cross met in Berlin on 5 May 2012 and wrote <script>alert(1)</script> & <b>bold</b>.\n"},
    )
    api.run([raw_old], tmp_path / "old")
    api.run([raw_new], tmp_path / "new")
    report = tmp_path / "report.html"
    api.diff_outputs(tmp_path / "old", tmp_path / "new", html_report=report)
    page = report.read_text(encoding="utf-8")
    assert "<script" not in page and "<b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in page


class _TextOfMarkup(HTMLParser):
    """Collects the text of a fragment and checks that every <mark> is closed in order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.depth = 0
        self.deepest = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        assert tag == "mark"
        self.depth += 1
        self.deepest = max(self.deepest, self.depth)

    def handle_endtag(self, tag: str) -> None:
        assert tag == "mark" and self.depth > 0
        self.depth -= 1

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _check_markup(fragment: str, text: str) -> int:
    """The deepest nesting of <mark> in `fragment`, after checking it is well formed and reads `text`."""
    parser = _TextOfMarkup()
    parser.feed(fragment)
    parser.close()
    assert "".join(parser.text) == text and parser.depth == 0
    return parser.deepest


def test_highlight_marks_every_mention_and_keeps_the_text(seed_records: dict[str, dict[str, Any]]) -> None:
    record = Record.model_validate(seed_records["000_dda8e69f9ca48918"])
    fragment = highlight(record, {})
    assert _check_markup(fragment, record.text) == 1
    mentions = len(record.dates) + sum(len(e.mentions) for e in (*record.organizations, *record.places))
    assert fragment.count("<mark ") == mentions


def test_highlight_nests_and_cuts_crossing_mentions() -> None:
    text = "The U.S. Embassy in Moscow opened on 5 May 2012."
    record = Record(
        id="t",
        source=make_source(text),
        text=text,
        dates=(DateMention(text="5 May 2012", start=37, end=47, value="2012-05-05", precision="day"),),
        organizations=(
            Organization(name="U.S. Embassy", mentions=(Mention(text="U.S. Embassy", start=4, end=16),)),
            Organization(name="Moscow opened on 5", mentions=(Mention(text="Moscow opened on 5", start=20, end=38),)),
        ),
        places=(Place(name="U.S.", kind="country", mentions=(Mention(text="U.S.", start=4, end=8),)),),
    )
    fragment = highlight(record, {("place", 4, 8): "added"})
    assert _check_markup(fragment, text) == 2
    assert fragment.startswith(
        'The <mark class="organization" title="organization"><mark class="place added" title="place added">U.S.</mark>'
        " Embassy</mark>"
    )
    # The date crosses the end of the made-up organization: it is cut there, and the rest stays plain.
    assert '<mark class="date" title="date">5</mark></mark> May 2012.' in fragment


def test_organizations_left_over_are_paired_by_acronym(outputs: tuple[Path, Path]) -> None:
    record = _records(outputs[1])["edit"]
    imf = record.organizations[-1]
    renamed = record.model_copy(
        update={"organizations": (*record.organizations[:-1], imf.model_copy(update={"name": "IMF"}))}
    )
    with_acronym = record.model_copy(
        update={"organizations": (*record.organizations[:-1], imf.model_copy(update={"acronym": "IMF"}))}
    )
    changes = compare_records(renamed, with_acronym).organizations
    assert [(c.change, c.key) for c in changes] == [("changed", "International Monetary Fund")]
    assert [(f.field, f.old, f.new) for f in changes[0].fields] == [
        ("name", "IMF", "International Monetary Fund"),
        ("acronym", None, "IMF"),
    ]


def test_same_key_mentions_pair_by_aligned_position() -> None:
    old = "In May 2008 it opened.\n"
    new = "In May 2008 it closed.\nIn May 2008 it opened.\n"
    change = compare_text(old, new)
    assert [(h.old_start, h.new_start) for h in change.hunks] == [(0, 0)]
    assert change.hunks[0].new_context == "[In May 2008 it closed.\\n]In May 2008 it opened.\\n"
    alignment = TextAlignment(old, new)
    assert alignment.to_new(3) == 26 and new[26:34] == "May 2008"
    assert TextAlignment(new, old).to_new(3) is None  # that line is gone


def test_a_repeated_date_inserted_before_its_twin_is_the_one_reported(tmp_path: Path) -> None:
    old_raw = _write(tmp_path / "old-raw", {"a.txt": "The Red Cross opened an office in May 2008.\n"})
    new_raw = _write(
        tmp_path / "new-raw",
        {"a.txt": "The Red Cross closed a depot in May 2008.\n\nThe Red Cross opened an office in May 2008.\n"},
    )
    api.run([old_raw], tmp_path / "old")
    api.run([new_raw], tmp_path / "new")
    dates = api.diff_outputs(tmp_path / "old", tmp_path / "new").documents[0].dates
    assert [(c.change, c.key) for c in dates] == [("added", "May 2008")]
    assert "Red Cross closed a depot in [May 2008].\\n" in dates[0].context


def test_context_escapes_line_breaks_and_terminal_controls() -> None:
    text = "line one\nred \x1b[31mALERT\x1b[0m\tend"
    assert context(text, 9, 12, width=5) == "… one\\n[red] \\x1b[31…"
    assert "\x1b" not in context(text, 0, len(text))


def test_a_bad_folder_is_a_usage_error(
    outputs: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old, _new = outputs
    report = tmp_path / "report.html"
    assert main(["diff", str(old), str(tmp_path / "missing"), "--html", str(report)]) == 2
    assert "[E401]" in capsys.readouterr().err
    assert not report.exists() and list(tmp_path.iterdir()) == []
    (tmp_path / "empty").mkdir()
    assert main(["diff", str(old), str(tmp_path / "empty")]) == 2
    assert "has no records.jsonl" in capsys.readouterr().err

    lines = (old / "records.jsonl").read_text(encoding="utf-8").splitlines()
    broken = _write(tmp_path / "broken", {"records.jsonl": lines[0] + "\n" + '{"id": "x"}\n'})
    assert main(["diff", str(old), str(broken)]) == 2
    assert f"[E402] {broken / 'records.jsonl'}:2:" in capsys.readouterr().err
    unsorted = _write(tmp_path / "unsorted", {"records.jsonl": "\n".join(reversed(lines)) + "\n"})
    assert main(["diff", str(old), str(unsorted), "--html", str(report)]) == 2
    assert "[E403]" in capsys.readouterr().err
    assert not report.exists() and not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_diff_has_help_with_an_example(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["diff", "--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert "example:" in out and "pipeline diff" in out and "--exit-code" in out
