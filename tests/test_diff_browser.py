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
    """An HTML report of two real runs: NEW edits one page and adds another, both with markup as text."""
    base = tmp_path_factory.mktemp("browser")
    old_raw = base / "old-raw"
    new_raw = base / "new-raw"
    old_raw.mkdir()
    new_raw.mkdir()
    (old_raw / "notes.txt").write_text("The Red Cross met in Berlin on 5 May 2012.\n", encoding="utf-8")
    (new_raw / "notes.txt").write_text(HOSTILE + "\n", encoding="utf-8")
    (new_raw / "more.txt").write_text("Markup\n\nUNICEF in Paris wrote <script>window.__pwned=3</script>.\n")
    for raw, out in ((old_raw, base / "old"), (new_raw, base / "new")):
        summary = api.run([raw], out)
        assert summary.ok, summary.failures
    page = base / "report.html"
    diff = api.diff_outputs(base / "old", base / "new", html_report=page)
    assert diff.summary.documents.added == 1 and diff.summary.documents.changed == 1
    return page, diff


def test_scraped_markup_shows_literally_and_no_script_runs(browser: Any, report: tuple[Path, Any]) -> None:
    page_path, _diff = report
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(page_path.as_uri())
    page.wait_for_load_state("load")
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert dialogs == []
    assert page.evaluate("document.querySelectorAll('script, img, b').length") == 0
    # Open every section so its text counts as rendered.
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    shown = page.evaluate("document.body.innerText")
    assert "<script>window.__pwned=1</script>" in shown
    assert "<img src=x onerror=\"window.__pwned=2;alert('img')\">" in shown
    assert "<b>bold</b>" in shown and "<script>window.__pwned=3</script>" in shown
    page.close()


def test_summary_table_shows_the_counts_of_the_json_diff(
    browser: Any, report: tuple[Path, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    page_path, diff = report
    assert main(["diff", str(page_path.parent / "old"), str(page_path.parent / "new"), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)["summary"]
    page = browser.new_page()
    page.goto(page_path.as_uri())
    cells = page.evaluate(
        """Array.from(document.querySelectorAll('#summary td[data-col]')).map(
               td => [td.parentElement.dataset.row, td.dataset.col, td.innerText])"""
    )
    shown = {(row, column): int(value) for row, column, value in cells}
    expected = {(row, column): count for row, counts in summary.items() for column, count in counts.items()}
    assert shown == expected
    sections = page.evaluate("document.querySelectorAll('details.doc').length")
    assert sections == len(diff.documents) == 2
    page.close()
