"""`pipeline diff`: two outputs really produced by the pipeline, compared document by document."""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from conftest import make_source

from pipeline import api
from pipeline.cli import main
from pipeline.config import DatesConfig, PipelineConfig
from pipeline.diff import DocumentDiff, EntityChange, FieldChange, OutputDiff, compare_records, first_stage
from pipeline.diff_marking import highlight
from pipeline.diff_select import Selection, limit_sections, select
from pipeline.diff_text import entity_detail, iter_json, neutral_json, show_value, word_diff
from pipeline.diff_words import TextAlignment, compare_text, context
from pipeline.records import DateMention, Mention, Organization, Place, Record
from pipeline.writer import canonical_json, record_line

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
    adds an organization, and turns Columbus, Ohio into Columbus, Georgia. NEW is run with
    `dates.max_year` 2200.
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
    # A setting that changes no record here, so the manifest alone shows it.
    new_config = PipelineConfig(dates=DatesConfig(max_year=2200))
    for raw, out, config in ((old_raw, base / "old", None), (new_raw, base / "new", new_config)):
        summary = api.run([raw], out, config)
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
    assert edit.places[1].context == "…opened an office in Columbus, [Ohio] in March 2010.↵↵The office wa…"
    places = diff.summary.places
    assert (places.added, places.removed, places.changed) == (1, 1, 1)


def test_text_changes_are_narrowed_to_the_words_that_differ(diff: OutputDiff) -> None:
    text = _document(diff, "edit").text
    assert (text.old_length, text.new_length) == (len(EDIT_OLD) - 1, len(EDIT_NEW) - 1)
    assert [(h.old_start, h.new_start) for h in text.hunks] == [(45, 45), (96, 99)]
    first, second = text.hunks
    assert (first.removed, first.inserted) == ("Ohio", "Georgia")
    assert first.before == "…opened an office in Columbus, " and first.after == " in March 2010.\n\nThe office wa…"
    assert (second.removed, second.inserted) == ("", " The International Monetary Fund sent staff.")


def test_a_changed_word_part_is_widened_to_the_whole_word() -> None:
    hunks = compare_text("They opened it in 2009 (not 2008).", "They closed it in 2010 (not 2008).").hunks
    assert [(h.removed, h.inserted) for h in hunks] == [("opened it in 2009", "closed it in 2010")]
    assert [(h.removed, h.inserted) for h in compare_text("foo-bar", "foo+bar").hunks] == [("-", "+")]
    assert [(h.removed, h.inserted) for h in compare_text("a cat.", "a cats.").hunks] == [("cat", "cats")]
    assert [(h.removed, h.inserted) for h in compare_text("ats", "cats").hunks] == [("ats", "cats")]


def test_word_diff_marks_only_the_words_that_changed() -> None:
    assert word_diff("opened it in 2009", "closed it in 2010") == [
        ("delete", "opened"),
        ("insert", "closed"),
        ("equal", " it in "),
        ("delete", "2009"),
        ("insert", "2010"),
    ]


def test_terminal_output_shows_why_then_counts_then_documents_by_section(
    outputs: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["diff", str(outputs[0]), str(outputs[1])]) == 0
    out = capsys.readouterr().out
    assert "\x1b[" not in out  # not a terminal: no colour
    why = out.index("why (manifests):")
    assert out.index("  config.dates.max_year: 2100 -> 2200") > why
    assert "  inputs: 1 added, 1 removed, 1 with new content, 0 with a new status" in out
    assert "    + added.txt\n    ~ edit.txt: new content\n    - gone.txt\n" in out
    counts = out.index("documents: 1 added, 1 removed, 1 changed, 1 unchanged")
    assert why < counts < out.index("first stage changed: strip 1") < out.index("documents added (1)")
    assert "places: 1 added, 1 removed, 1 changed value" in out
    assert (
        out.index("+ added")
        < out.index("- gone")
        < out.index("changed first by strip (1)")
        < out.index("\n~ edit (fields")
    )
    assert "      …opened an office in Columbus, [-Ohio-]{+Georgia+} in March 2010.↵↵The office wa…\n" in out
    assert "      …The office was busy yesterday.{+ The International Monetary Fund sent staff.+}\n" in out
    assert '  ~ date "yesterday": value "2011-11-13" -> "2011-11-19"; anchor "2011-11-14" -> "2011-11-20"' in out
    assert '  + organization "International Monetary Fund"\n      …ffice was busy yesterday. The [Intern' in out


def test_colour_only_on_a_terminal_and_never_with_no_color(
    outputs: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert main(["diff", str(outputs[0]), str(outputs[1])]) == 0
    out = capsys.readouterr().out
    assert "\x1b[31m[-Ohio-]\x1b[0m\x1b[32m{+Georgia+}\x1b[0m" in out
    assert "\x1b[32m+ added (input added)\x1b[0m" in out
    monkeypatch.setenv("NO_COLOR", "1")
    assert main(["diff", str(outputs[0]), str(outputs[1])]) == 0
    assert "\x1b[" not in capsys.readouterr().out


def test_quiet_shows_why_and_counts_only(outputs: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", str(outputs[0]), str(outputs[1]), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "config.dates.max_year: 2100 -> 2200" in out and "first stage changed: strip 1" in out
    assert "~ edit (" not in out and "documents added" not in out


def test_narrowing_by_field_and_id(outputs: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    old, new = (str(path) for path in outputs)
    assert main(["diff", old, new, "--only", "dates"]) == 0
    out = capsys.readouterr().out
    assert "showing 1 of 3 documents that differ (--only dates)" in out
    assert '~ date "yesterday"' in out
    assert 'organization "' not in out and "{+Georgia+}" not in out
    assert "documents: 1 added, 1 removed, 1 changed, 1 unchanged" in out  # the counts still cover all
    assert main(["diff", old, new, "--only", "places", "--only", "organizations"]) == 0
    out = capsys.readouterr().out
    assert '+ organization "International Monetary Fund"' in out and '- place "Ohio"' in out
    assert '~ date "yesterday"' not in out
    assert main(["diff", old, new, "--id", "g*"]) == 0
    out = capsys.readouterr().out
    assert "showing 1 of 3 documents that differ (--id g*)" in out
    assert "\n- gone (input removed)\n" in out and "~ edit (" not in out and "\n+ added (" not in out
    assert "    - gone.txt\n" in out and "edit.txt" not in out  # the inputs listed are narrowed too


def test_limit_is_per_section(outputs: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    old, new = (str(path) for path in outputs)
    assert main(["diff", old, new, "--limit", "1"]) == 0
    out = capsys.readouterr().out
    # One document in each of the three sections: all are shown; one input of three is listed.
    assert "\n+ added (" in out and "\n- gone (" in out and "\n~ edit (" in out
    assert "    + added.txt\n    ... 2 more (--limit 1)" in out


def _many_changed(count: int) -> tuple[DocumentDiff, ...]:
    return tuple(
        DocumentDiff(id=f"doc/{n:03d}", change="changed", stage="dates", fields=("dates",)) for n in range(count)
    )


def test_a_sample_is_reproducible_and_depends_on_the_seed() -> None:
    documents = _many_changed(200)
    first = [d.id for d in select(documents, Selection(sample=10, seed=7))]
    assert first == [d.id for d in select(reversed(documents), Selection(sample=10, seed=7))]
    assert len(first) == 10 and first == sorted(first)
    other = [d.id for d in select(documents, Selection(sample=10, seed=8))]
    assert other != first
    # A document drawn stays drawn when others are added: its rank depends on its id alone.
    more = [d.id for d in select((*documents, *_many_changed(400)[200:]), Selection(sample=10, seed=7))]
    assert set(more) <= set(first) | {f"doc/{n:03d}" for n in range(200, 400)}
    assert limit_sections(documents, 3) == list(documents[:3])


def test_sample_on_the_command_line_is_the_same_in_every_format(
    outputs: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old, new = (str(path) for path in outputs)
    assert main(["diff", old, new, "--sample", "2", "--seed", "3", "--json"]) == 0
    sampled = [d["id"] for d in json.loads(capsys.readouterr().out)["documents"]]
    assert len(sampled) == 2
    assert main(["diff", old, new, "--sample", "2", "--seed", "3", "--json"]) == 0
    assert [d["id"] for d in json.loads(capsys.readouterr().out)["documents"]] == sampled
    report = tmp_path / "sample.html"
    assert main(["diff", old, new, "--sample", "2", "--seed", "3", "--html", str(report)]) == 0
    page = report.read_text(encoding="utf-8")
    assert re.findall(r'class="doc \w+" data-id="([^"]+)"', page) == sampled
    assert "3 documents differ; 2 shown" in page


def test_repeated_mentions_are_counted() -> None:
    assert show_value(["Crossref Medline"] * 16 + ["PubMed"]) == '["Crossref Medline" x16, "PubMed"]'
    change = EntityChange(
        kind="organization",
        change="changed",
        key="Crossref Medline",
        fields=(FieldChange(field="mentions", old=["Crossref Medline"] * 16, new=["Crossref Medline"] * 15),),
        context="[Crossref Medline]",
    )
    assert entity_detail(change) == ': mentions ["Crossref Medline" x16] -> ["Crossref Medline" x15]'


def test_markdown_summary_for_a_pull_request(outputs: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", str(outputs[0]), str(outputs[1]), "--markdown"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("### pipeline diff\n")
    assert "- `config.dates.max_year`: `2100` → `2200`" in out
    assert "| places | 1 | 1 | 1 |" in out and "| strip | 1 |" in out
    assert (
        "- `edit`: first changed by strip; fields source, language, text, blocks, dates, organizations, places" in out
    )
    assert "- `added`: added" in out and len(out.splitlines()) < 40


def test_html_writes_only_the_file(
    outputs: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = tmp_path / "report.html"
    assert main(["diff", str(outputs[0]), str(outputs[1]), "--html", str(report)]) == 0
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == f"wrote {report}\n"
    assert report.is_file()
    assert main(["diff", str(outputs[0]), str(outputs[1]), "--html", str(report), "--markdown", "--quiet"]) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith("### pipeline diff\n") and captured.err == ""


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
    assert list(document) == ["documents", "manifest", "new", "old", "summary"]
    assert document["manifest"]["settings"] == [
        {"change": "changed", "key": "config.dates.max_year", "new": 2200, "old": 2100},
        {
            "change": "changed",
            "key": "config_hash",
            "new": diff.manifest.settings[1].new,
            "old": diff.manifest.settings[1].old,
        },
    ]
    assert document["manifest"]["input_counts"] == {"added": 1, "content": 1, "removed": 1, "status": 0}
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
        "reason",
        "stage",
        "text",
        "title",
    ]
    assert edit["stage"] == "strip" and document["summary"]["stages"] == [{"documents": 1, "stage": "strip"}]
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
    assert page.count('class="doc ') == 3 and page.count("<pre") == 1  # only the changed one in full
    assert "Eurasia Foundation" not in page  # the unchanged document is only counted
    assert page.index('id="why"') < page.index('id="summary"') < page.index('id="stages"') < page.index("<pre")
    assert "<td>config.dates.max_year</td><td>2100</td><td>2200</td>" in page
    assert '<tr data-row="places"><td>places</td><td data-col="added">1</td>' in page
    assert '<tr data-stage="strip"><td>strip</td><td>1</td></tr>' in page


def test_html_marks_words_and_entity_changes_in_place(outputs: tuple[Path, Path], tmp_path: Path) -> None:
    report = tmp_path / "report.html"
    api.diff_outputs(*outputs, html_report=report)
    text = report.read_text(encoding="utf-8").split('<pre class="text">')[1].split("</pre>")[0]
    # Ohio was a place and is removed with its word; Georgia is inserted and is a new place.
    assert 'Columbus</mark><span class="note">geonameid 4509177 → 4188985; latitude 39.96118 → 32.46098;' in text
    assert (
        '<del><mark class="place removed" title="place removed">Ohio</mark></del>'
        '<mark class="place added" title="place added"><ins>Georgia</ins></mark><span class="note">place added</span>'
    ) in text
    assert (
        '<mark class="date changed" title="date changed">yesterday</mark><span class="note">value &quot;2011-11-13&quot; →'
        " &quot;2011-11-19&quot;; anchor &quot;2011-11-14&quot; → &quot;2011-11-20&quot;</span>.<ins> The </ins>"
        '<mark class="organization added" title="organization added"><ins>International Monetary Fund</ins></mark>'
    ) in text
    assert _check_markup(text, None) >= 1


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
    """Collects the text of a fragment (without notes and removed words) and checks its nesting."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.open: list[str] = []
        self.deepest = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        assert tag in ("mark", "ins", "del", "span")
        self.open.append(tag)
        self.deepest = max(self.deepest, self.open.count("mark"))

    def handle_endtag(self, tag: str) -> None:
        assert self.open and self.open.pop() == tag

    def handle_data(self, data: str) -> None:
        if "del" not in self.open and "span" not in self.open:
            self.text.append(data)


def _check_markup(fragment: str, text: str | None) -> int:
    """The deepest nesting of <mark> in `fragment`, after checking it is well formed and reads `text`."""
    parser = _TextOfMarkup()
    parser.feed(fragment)
    parser.close()
    assert parser.open == []
    if text is not None:
        assert "".join(parser.text) == text
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
    assert (change.hunks[0].removed, change.hunks[0].inserted) == ("", "In May 2008 it closed.\n")
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
    assert "Red Cross closed a depot in [May 2008].↵" in dates[0].context


def test_context_escapes_line_breaks_and_terminal_controls() -> None:
    text = "line one\nred \x1b[31mALERT\x1b[0m\tend"
    assert context(text, 9, 12, width=5) == "… one↵[red] \\x1b[31…"
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


# Payloads of a hostile page or configuration: markup, terminal escapes (clear screen, set the
# window title, a C1 CSI), and bidirectional overrides that would show "exe.png" as "gnp.exe".
ESCAPES = "\x1b[2J\x1b]0;owned\x07\x9b31m"
BIDI = "\u202e\u2066\u2069\u202a"
HOSTILE_ID = f"evil{BIDI}gnp.exe{ESCAPES}"
HOSTILE_ORG = f"Acme <img src=x onerror=alert(1)> {BIDI}{ESCAPES}"
OLD_TEXT = f"Acme met in 2009. <script>window.__pwned=4</script> {ESCAPES}{BIDI} old words.\n"
NEW_TEXT = f"Acme met in 2010. <b>new</b> {ESCAPES}{BIDI} words <script>window.__pwned=5</script>.\n"


def _hostile_record(text: str, year: str, organization: str) -> Record:
    date_start = text.index(year)
    return Record(
        id=HOSTILE_ID,
        source=make_source(text),
        text=text,
        dates=(DateMention(text=year, start=date_start, end=date_start + 4, value=year, precision="year"),),
        organizations=(Organization(name=organization, mentions=(Mention(text="Acme", start=0, end=4),)),),
    )


def hostile_outputs(base: Path) -> tuple[Path, Path]:
    """Two output folders written by hand whose ids, names, texts and configuration values are hostile."""
    pairs = (
        ("old", _hostile_record(OLD_TEXT, "2009", "Acme"), f"plain {BIDI}"),
        ("new", _hostile_record(NEW_TEXT, "2010", HOSTILE_ORG), f"<script>alert(2)</script>{ESCAPES}{BIDI}"),
    )
    for name, record, setting in pairs:
        folder = base / name
        folder.mkdir(parents=True)
        (folder / "records.jsonl").write_text(record_line(record) + "\n", encoding="utf-8")
        manifest = {
            "config": {"strip": {f"label{BIDI}": setting}},
            "inputs": [{"id": record.id, "path": f"{record.id}.txt", "sha256": name, "status": "ok"}],
        }
        (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return base / "old", base / "new"


def _neutral(output: str) -> None:
    """No terminal control, C1 control or bidirectional override is left in `output`."""
    left = [char for char in output if char in BIDI or (unicodedata.category(char) == "Cc" and char not in "\n\t")]
    assert not left


def test_terminal_output_neutralizes_escapes_and_bidi_overrides(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    old, new = hostile_outputs(tmp_path)
    monkeypatch.delenv("NO_COLOR", raising=False)
    for options in ([], ["--markdown"], ["--json"], ["--quiet"]):
        assert main(["diff", str(old), str(new), *options]) == 0
        out = capsys.readouterr().out
        _neutral(out.replace("\x1b[0m", "").replace("\x1b[1m", ""))
        if options != ["--json"]:
            assert "evil\\u202e\\u2066\\u2069\\u202agnp.exe\\x1b[2J\\x1b]0;owned\\x07\\x9b31m" in out
    assert main(["diff", str(old), str(new)]) == 0
    out = capsys.readouterr().out
    assert "config.strip.label\\u202e\\u2066\\u2069\\u202a: " in out
    assert '"<script>alert(2)</script>\\x1b[2J' in out
    assert '+ organization "Acme <img src=x onerror=alert(1)> \\u202e\\u2066\\u2069\\u202a\\x1b[2J' in out
    assert (
        "<[-script-]{+b+}>[-window.__pwned=4-]{+new+}</" in out and "\\x1b[2J\\x1b]0;owned\\x07\\x9b31m\\u202e" in out
    )
    assert main(["diff", str(old), str(new), "--json"]) == 0
    assert OutputDiff.model_validate_json(capsys.readouterr().out).documents[0].id == HOSTILE_ID  # same data


def test_html_report_escapes_and_neutralizes_hostile_ids_names_texts_and_settings(tmp_path: Path) -> None:
    old, new = hostile_outputs(tmp_path)
    report = tmp_path / "report.html"
    api.diff_outputs(old, new, html_report=report)
    page = report.read_text(encoding="utf-8")
    _neutral(page)
    assert "<script>" not in page and "<img" not in page and "<b>" not in page
    assert 'data-id="evil\\u202e\\u2066\\u2069\\u202agnp.exe\\x1b[2J\\x1b]0;owned\\x07\\x9b31m"' in page
    assert "&lt;script&gt;alert(2)&lt;/script&gt;\\x1b[2J" in page  # the configuration value
    assert "Acme &lt;img src=x onerror=alert(1)&gt; \\u202e" in page  # the organization's new name
    assert "&lt;<del>script</del><ins>b</ins>&gt;<del>window.__pwned=4</del><ins>new</ins>&lt;/" in page  # OLD text
    assert "<ins>&lt;script&gt;window.__pwned=5&lt;/script&gt;</ins>" in page  # NEW text


def test_a_line_found_on_both_sides_is_still_validated(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = '{"id":"a","source":{},"text":"x"}\n'  # the id reads without parsing the rest
    twice = _hostile_record("Acme met in 2009.", "2009", "Acme").model_dump_json().replace('{"id":', '{"id":"a","id":')
    for name, line in (("bad", bad), ("twice", twice + "\n")):
        folders = [_write(tmp_path / name / side, {"records.jsonl": line}) for side in ("old", "new")]
        assert main(["diff", *map(str, folders)]) == 2
        error = capsys.readouterr().err
        assert f"[E402] {folders[0] / 'records.jsonl'}:1:" in error
        if name == "twice":
            assert "the record names two ids" in error


def test_html_report_is_narrowed_like_the_terminal(outputs: tuple[Path, Path], tmp_path: Path) -> None:
    report = tmp_path / "narrow.html"
    api.diff_outputs(*outputs, html_report=report, selection=Selection(ids="g*"))
    page = report.read_text(encoding="utf-8")
    assert re.findall(r'class="doc \w+" data-id="([^"]+)"', page) == ["gone"]
    assert "removed gone.txt" in page and "edit.txt" not in page  # the inputs listed too
    assert '<td data-col="changed">1</td>' in page and "3 documents differ; 1 shown" in page  # counts cover all
    api.diff_outputs(*outputs, html_report=report, selection=Selection(only=("dates",)))
    page = report.read_text(encoding="utf-8")
    assert re.findall(r'class="doc \w+" data-id="([^"]+)"', page) == ["edit"]
    assert "<ins>" not in page.split('<section id="documents">')[1]  # the text's edits are not asked for
    assert '<mark class="date changed"' in page and "organization added" not in page
    api.diff_outputs(*outputs, html_report=report, selection=Selection(limit=1, ids="[ag]*"))
    assert re.findall(r'class="doc \w+" data-id="([^"]+)"', report.read_text(encoding="utf-8")) == ["added", "gone"]


def _folder(base: Path, records: list[Record], manifest: dict[str, Any] | None) -> Path:
    base.mkdir(parents=True)
    (base / "records.jsonl").write_text("".join(record_line(r) + "\n" for r in records), encoding="utf-8")
    if manifest is not None:
        (base / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return base


def _plain_record(record_id: str, text: str = "Some text.") -> Record:
    return Record(id=record_id, source=make_source(text), text=text)


def test_manifests_say_why_settings_versions_and_inputs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    entry = {"id": "a", "path": "a.txt", "sha256": "1" * 64, "status": "ok"}
    old_manifest = {
        "pipeline_version": "0.1.0",
        "code_fingerprint": "c" * 64,
        "stages": {"strip": "3", "dates": "3"},
        "versions": {"spacy": "3.8.7"},
        "config": {"strip": {"region_share": 0.7, "gone": 1}, "dates": {"languages": ["en"]}},
        "template_lines": {"count": 0, "sha256": "e" * 64},
        "counts": {"ok": 2},
        "inputs": [entry, {**entry, "id": "b", "path": "b.txt"}],
    }
    new_manifest = {
        **old_manifest,
        "code_fingerprint": "d" * 64,
        "stages": {"strip": "4", "dates": "3"},
        "versions": {"spacy": "3.8.8"},
        "config": {"strip": {"region_share": 0.8}, "dates": {"languages": ["en", "de"]}},
        "template_lines": {"count": 12, "sha256": "f" * 64},
        "written_files": [f"docs/{n}.json" for n in range(100)],
        "counts": {"ok": 1},
        "inputs": [entry, {**entry, "id": "b", "path": "b.txt", "status": "failed", "error": "[E301] too big"}],
    }
    old = _folder(tmp_path / "old", [_plain_record("a"), _plain_record("b")], old_manifest)
    new = _folder(tmp_path / "new", [_plain_record("a")], new_manifest)
    diff = api.diff_outputs(old, new)
    assert [(c.key, c.change, c.old, c.new) for c in diff.manifest.settings] == [
        ("code_fingerprint", "changed", "c" * 64, "d" * 64),  # the pipeline's own code changed
        ("stages.strip", "changed", "3", "4"),
        ("versions.spacy", "changed", "3.8.7", "3.8.8"),
        ("template_lines.count", "changed", 0, 12),
        ("template_lines.sha256", "changed", "e" * 64, "f" * 64),
        ("config.dates.languages", "changed", ["en"], ["en", "de"]),
        ("config.strip.gone", "removed", 1, None),
        ("config.strip.region_share", "changed", 0.7, 0.8),
        ("written_files", "added", None, "(100 items, not shown)"),  # a newer manifest's key, summarised
    ]
    assert diff.documents[0].reason == "ok -> failed: [E301] too big"
    assert main(["diff", str(old), str(new)]) == 0
    out = capsys.readouterr().out
    assert '  stages.strip: "3" -> "4"\n  versions.spacy: "3.8.7" -> "3.8.8"\n' in out
    assert "  template_lines.sha256: eeeeeeeeeeee… -> ffffffffffff…" in out
    assert '  config.dates.languages: ["en"] -> ["en", "de"]' in out and "  config.strip.gone: removed (was 1)" in out
    assert "    ~ b.txt: ok -> failed ([E301] too big)" in out
    assert "- b (ok -> failed: [E301] too big)" in out
    (old / "manifest.json").unlink()
    assert main(["diff", str(old), str(new), "--quiet"]) == 0
    assert f"  {old / 'manifest.json'}: missing\n" in capsys.readouterr().out


def test_the_first_stage_changed() -> None:
    def stage(fields: tuple[str, ...], **changes: Any) -> str | None:
        return first_stage(DocumentDiff(id="x", change="changed", fields=fields, **changes))

    resolved = EntityChange(
        kind="place",
        change="changed",
        key="Columbus",
        context="",
        fields=(FieldChange(field="geonameid", old=1, new=2),),
    )
    found = EntityChange(kind="place", change="added", key="Ohio", context="")
    assert stage(("source",)) == "load"
    assert stage(("source", "text", "blocks", "dates")) == "strip"
    assert stage(("title",)) == "strip" and stage(("dates",)) == "dates"
    assert stage(("language", "dates")) == "pagemeta" and stage(("text", "language")) == "strip"
    assert stage(("dates", "organizations")) == "dates" and stage(("organizations",)) == "entities"
    assert stage(("places",), places=(resolved,)) == "places"
    assert stage(("places",), places=(resolved, found)) == "entities"


def test_html_limit_says_how_many_were_left_out(tmp_path: Path) -> None:
    records = [_plain_record(f"doc/{n}") for n in range(5)]
    changed = [_plain_record(f"doc/{n}", "Other text.") for n in range(5)]
    old = _folder(tmp_path / "old", records, None)
    new = _folder(tmp_path / "new", changed, None)
    report = tmp_path / "report.html"
    api.diff_outputs(old, new, html_report=report, selection=Selection(limit=2))
    page = report.read_text(encoding="utf-8")
    assert re.findall(r'class="doc \w+" data-id="([^"]+)"', page) == ["doc/0", "doc/1"]
    assert "Not shown (--limit 2 per section): 3 strip." in page
    assert "5 documents differ; 2 shown" in page and "manifest.json: missing" in page


def test_json_is_written_a_document_at_a_time_with_the_canonical_bytes(diff: OutputDiff, tmp_path: Path) -> None:
    hostile = api.diff_outputs(*hostile_outputs(tmp_path))
    for whole in (diff, hostile):
        expected = neutral_json(canonical_json(whole.model_dump(mode="json")))
        assert "".join(iter_json(whole, whole.documents)) == expected
        empty = whole.model_copy(update={"documents": ()})
        assert "".join(iter_json(whole, [])) == neutral_json(canonical_json(empty.model_dump(mode="json")))


def test_quiet_before_or_after_the_command(outputs: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (["-q", "diff", *map(str, outputs)], ["diff", *map(str, outputs), "-q"]):
        assert main(argv) == 0
        out = capsys.readouterr().out
        assert "documents: 1 added, 1 removed, 1 changed, 1 unchanged" in out and "~ edit (" not in out
    assert main(["diff", *map(str, outputs)]) == 0
    assert "~ edit (" in capsys.readouterr().out
