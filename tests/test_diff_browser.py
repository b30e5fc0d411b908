"""The HTML diff report in a real browser: scraped markup shows as text and never runs.

Chromium is Debian's (`make test` installs it when /usr/bin/chromium is missing), driven by
Playwright with the browser given by path: nothing is downloaded. Without a browser the test
is skipped on a developer's machine and fails under CI (CI=true), so a missing install step
cannot pass unnoticed.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pipeline import api
from pipeline.cli import main

CHROMIUM = Path("/usr/bin/chromium")
# No network on these machines: keep Chromium from trying to reach anything.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

HOSTILE = (
    "The Red Cross met in Berlin on 5 May 2012 and wrote <script>window.__pwned=1</script> and"
    " <img src=x onerror=\"window.__pwned=2;alert('img')\"> and <b>bold</b> in its notes."
)
# Anchored to the document's date, which NEW moves by a day: the same text with a new value.
AGAIN = "It wrote again yesterday.\n"
# A file name that a bidirectional override would show as "more.exe.txt" reversed; the id keeps it.
HOSTILE_NAME = "more\u202etxt.exe"
HOSTILE_SETTING = "<script>window.__pwned=6</script>\u202e\x1b[2J"


def _unavailable(reason: str) -> None:
    message = f"headless Chromium is not available ({reason}); `make test` installs it with apt-get"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as error:
        _unavailable(f"playwright is not installed: {error}")
    if not CHROMIUM.is_file():
        _unavailable(f"{CHROMIUM} is missing")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    """An HTML report of two real runs with markup as text in OLD and NEW.

    NEW edits one page (markup inserted, its date a day later), edits another whose name holds a bidirectional
    override (markup removed and inserted, a date moved), and adds a third; NEW's manifest
    then gets a hostile configuration value, as a hand-edited manifest would.
    """
    base = tmp_path_factory.mktemp("browser")
    old_raw = base / "old-raw"
    new_raw = base / "new-raw"
    old_raw.mkdir()
    new_raw.mkdir()
    (old_raw / "notes.txt").write_text("The Red Cross met in Berlin on 5 May 2012.\n\n" + AGAIN, encoding="utf-8")
    (new_raw / "notes.txt").write_text(HOSTILE + "\n\n" + AGAIN, encoding="utf-8")
    (old_raw / "notes.meta.json").write_text('{"date": "2012-05-07"}\n', encoding="utf-8")
    (new_raw / "notes.meta.json").write_text('{"date": "2012-05-08"}\n', encoding="utf-8")
    (old_raw / f"{HOSTILE_NAME}.txt").write_text(
        "Markup\n\nUNICEF in Paris wrote <script>window.__pwned=3</script> on 4 June 2011.\n", encoding="utf-8"
    )
    (new_raw / f"{HOSTILE_NAME}.txt").write_text(
        "Markup\n\nUNICEF in Paris wrote <i>window.__pwned=4</i> on 5 June 2011.\n", encoding="utf-8"
    )
    (new_raw / "added.txt").write_text("UNICEF in Rome wrote <script>window.__pwned=5</script>.\n", encoding="utf-8")
    for raw, out in ((old_raw, base / "old"), (new_raw, base / "new")):
        summary = api.run([raw], out)
        assert summary.ok, summary.failures
    manifest_path = base / "new" / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["config"]["strip"]["label"] = HOSTILE_SETTING
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    page = base / "report.html"
    diff = api.diff_outputs(base / "old", base / "new", html_report=page)
    assert diff.summary.documents.added == 1 and diff.summary.documents.changed == 2
    return page, diff


def _open(browser: Any, page_path: Path) -> Any:
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(page_path.as_uri())
    page.wait_for_load_state("load")
    # Open every section so its text counts as rendered.
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    page.dialogs = dialogs
    return page


def test_scraped_markup_shows_literally_and_no_script_runs(browser: Any, report: tuple[Path, Any]) -> None:
    page_path, _diff = report
    page = _open(browser, page_path)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.dialogs == []
    assert page.evaluate("document.querySelectorAll('script, img, b, i').length") == 0
    shown = page.evaluate("document.body.innerText")
    assert "<script>window.__pwned=1</script>" in shown
    assert "<img src=x onerror=\"window.__pwned=2;alert('img')\">" in shown
    assert "<b>bold</b>" in shown
    # Markup removed from OLD text and inserted into NEW text, and a hostile configuration value.
    assert page.evaluate("Array.from(document.querySelectorAll('pre del')).map(e => e.innerText)").count("script") == 2
    assert "<script>window.__pwned=6</script>\\u202e\\x1b[2J" in shown
    # The override is shown as an escape and never applied: no character of the page reorders.
    assert "\u202e" not in page.content() and "more\\u202etxt.exe" in shown
    page.close()


def test_words_removed_and_inserted_are_marked_in_place(browser: Any, report: tuple[Path, Any]) -> None:
    page_path, _diff = report
    page = _open(browser, page_path)
    section = "Array.from(document.querySelectorAll('details.doc')).find(d => d.dataset.id.startsWith('more'))"
    assert page.evaluate(f"({section}).dataset.id") == "more\\u202etxt.exe"
    marked = page.evaluate(
        f"""Array.from(({section}).querySelectorAll('pre ins, pre del')).map(e => [e.tagName, e.innerText])"""
    )
    # Word by word: the tags' names, the number, the date's day; never the whole sentence.
    assert marked == [
        ["DEL", "script"],
        ["INS", "i"],
        ["DEL", "3"],
        ["INS", "4"],
        ["DEL", "script"],
        ["INS", "i"],
        ["DEL", "4"],
        ["INS", "5"],
    ]
    styles = page.evaluate(
        f"""['ins', 'del'].map(tag => {{
               const style = getComputedStyle(({section}).querySelector('pre ' + tag));
               return [style.backgroundColor, style.textDecorationLine];
           }})"""
    )
    assert styles[0][0] != "rgba(0, 0, 0, 0)" and styles[1][1] == "line-through"
    # A new date is marked where it stands, and so is a date whose value changed, with its
    # old and new value beside it.
    added = page.evaluate(f"({section}).querySelector('mark.date.added').innerText")
    assert added == "5 June 2011"
    notes = "Array.from(document.querySelectorAll('details.doc')).find(d => d.dataset.id == 'notes')"
    note = page.evaluate(f"({notes}).querySelector('mark.date.changed + .note').innerText")
    assert note == 'value "2012-05-06" → "2012-05-07"; anchor "2012-05-07" → "2012-05-08"'
    page.close()


def test_summary_and_stage_tables_show_the_counts_of_the_json_diff(
    browser: Any, report: tuple[Path, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    page_path, diff = report
    assert main(["diff", str(page_path.parent / "old"), str(page_path.parent / "new"), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)["summary"]
    page = _open(browser, page_path)
    cells = page.evaluate(
        """Array.from(document.querySelectorAll('#summary td[data-col]')).map(
               td => [td.parentElement.dataset.row, td.dataset.col, td.innerText])"""
    )
    shown = {(row, column): int(value) for row, column, value in cells}
    stages = summary.pop("stages")
    expected = {(row, column): count for row, counts in summary.items() for column, count in counts.items()}
    assert shown == expected
    stage_rows = page.evaluate(
        "Array.from(document.querySelectorAll('#stages tr[data-stage]')).map(tr => [tr.dataset.stage, tr.innerText])"
    )
    assert stage_rows == [[s["stage"], f"{s['stage']}\t{s['documents']}"] for s in stages]
    assert stages == [{"documents": 2, "stage": "strip"}]
    assert page.evaluate("document.querySelectorAll('.doc').length") == len(diff.documents) == 3
    assert page.evaluate("document.querySelectorAll('pre.text').length") == 2  # only changed documents in full
    assert page.evaluate("document.querySelector('#documents h2').innerText") == "3 documents differ"
    page.close()


def test_hostile_ids_names_texts_and_settings_never_run_or_reorder(
    browser: Any, tmp_path_factory: pytest.TempPathFactory
) -> None:
    from test_diff import HOSTILE_ORG, hostile_outputs

    base = tmp_path_factory.mktemp("hostile-names")
    old, new = hostile_outputs(base)
    page_path = base / "report.html"
    api.diff_outputs(old, new, html_report=page_path)
    page = _open(browser, page_path)
    assert page.evaluate("typeof window.__pwned") == "undefined" and page.dialogs == []
    assert page.evaluate("document.querySelectorAll('script, img, b').length") == 0
    shown = page.evaluate("document.body.innerText")
    # The organization's new name (markup, overrides, escapes) reads as its visible escapes.
    assert "Acme <img src=x onerror=alert(1)> \\u202e\\u2066\\u2069\\u202a\\x1b[2J" in shown
    assert HOSTILE_ORG not in shown
    assert not [char for char in shown if char in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\x1b\x9b"]
    page.close()
