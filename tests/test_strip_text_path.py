"""The text path: where the comments begin (tab rows, comment rules, prose about comments), where the article ends."""

from __future__ import annotations

from conftest import make_source

from pipeline.config import PipelineConfig
from pipeline.document import Document
from pipeline.stages.registry import build_stage

STRIPPER = build_stage("strip", PipelineConfig())

STORY = (
    "The county library will stay open until nine on weekdays from March, the board decided on Tuesday. "
    "Longer hours were the most common request in last year's survey of borrowers, the chair said.",
    "The change costs about forty thousand a year, paid from a grant the library won in the autumn. "
    "Two part-time posts will be added, and the reading room gets new lamps before the spring term.",
    "Borrowers will also be able to return books at the front desk after hours, through a new drop box. "
    "The board meets again in June to review the first three months of the longer opening hours.",
)
REPLY = (
    "I used to study there every evening when I was at school, and the old closing time was always too early "
    "for anyone who worked a day job. This is good news for the whole town, and about time too, honestly."
)


def _strip_dump(lines: list[str]) -> Document:
    dump = "\n".join(lines)
    doc = Document(id="t", source=make_source(dump), content=dump, content_format="text")
    return STRIPPER(doc)


def test_a_tab_row_naming_the_comments_above_the_article_does_not_start_them() -> None:
    # The site's welcome box is prose that comes before the tab row, as a story's first lines would.
    welcome = (
        "Welcome to the Valley Courier, the paper of the valley since 1921. We cover the towns, the schools and "
        "the courts of the county, and our reporters live where they write. New here? Our guide explains how to "
        "reach the newsroom, how to send a letter to the editor, and how corrections are made and published. "
        "Subscribers get the print edition on Saturdays and every story on the website, with no advertising at all."
    )
    doc = _strip_dump(
        [
            welcome,
            "",
            "Library hours extended",
            "",
            "Article",
            "Video",
            "Comments",
            "",
            STORY[0],
            "",
            STORY[1],
            "",
            STORY[2],
        ]
        + ["", "4 Comments"]
        + ["", REPLY] * 4
    )
    # The welcome box stays with the story it stands beside; what matters is that the story stays.
    assert all(paragraph in doc.text for paragraph in STORY)
    assert REPLY not in doc.text
    assert {b.kind for b in doc.boilerplate if REPLY in b.text} == {"comments"}


def test_a_line_stating_the_comment_rules_starts_the_comments() -> None:
    rules = "The following comments are owned by whoever posted them. We are not responsible for them."
    doc = _strip_dump(["Library hours extended", "", STORY[0], "", STORY[1], "", STORY[2], "", rules] + ["", REPLY] * 6)
    # The replies out-write the story; without a heading they would be taken for the article.
    assert doc.text == "\n\n".join(["Library hours extended", *STORY])
    assert [b.kind for b in doc.boilerplate] == ["comments"] * 7


def test_a_paragraph_that_opens_with_reader_comments_is_prose() -> None:
    about = (
        "Reader comments on the first report were divided between those who wanted longer hours and those who "
        "feared the cost, and several borrowers wrote to the board to ask for weekend opening instead. "
        "The board said weekend opening would be looked at again next year, once the new posts are filled."
    )
    doc = _strip_dump(["Library hours extended", "", STORY[0], "", STORY[1], "", about, "", STORY[2]])
    assert doc.text == "\n\n".join(["Library hours extended", STORY[0], STORY[1], about, STORY[2]])


def test_a_long_legal_notice_after_the_article_is_not_its_prose() -> None:
    notice = (
        "ValleyCourier.com is the website of the Valley Courier. Valley Courier, the Courier masthead and the "
        "river logo are registered trademarks of Valley Media. Stories and photographs may not be copied, "
        "broadcast or stored without written permission, except for short quotations in reviews and reports. "
        "Readers may print single copies for their own use. © 2012 Valley Media. All Rights Reserved. "
        "Use of this website means you accept its terms, which are reviewed every year and posted on this page."
    )
    doc = _strip_dump(
        ["Library hours extended", "", *STORY[:2], "", "Most read", "Weather", "Schools", "Courts", "", notice]
    )
    assert doc.text == "\n\n".join(["Library hours extended", " ".join(STORY[:2])])
    assert notice in [b.text for b in doc.boilerplate]


def test_the_posts_filing_line_and_the_blogs_about_box_end_the_article() -> None:
    filing = "This entry was posted in County news by the newsroom. Bookmark the permalink."
    about = (
        "The Valley Courier has covered the county since 1921, and this blog is where its reporters write about "
        "the stories behind the stories: the meetings, the records and the people they talk to every week."
    )
    doc = _strip_dump(
        ["Library hours extended", "", STORY[0], "", STORY[1], "", filing, "", "About this blog", "", about]
    )
    assert doc.text == "\n\n".join(["Library hours extended", *STORY[:2]])
    assert [b.text for b in doc.boilerplate] == [filing, "About this blog", about]


def test_comment_in_the_singular_names_a_column_not_the_comments() -> None:
    table = ["Branch", "", "Closes", "", "Comment", "", "Main library", "", "9 pm", "", "new hours"]
    doc = _strip_dump(["Library hours extended", "", STORY[0], "", STORY[1], "", *table, "", STORY[2]])
    assert STORY[2] in doc.text
    # The header cell itself reads as a label; nothing after it is taken for comments.
    assert [b.text for b in doc.boilerplate if b.kind == "comments"] == ["Comment"]
