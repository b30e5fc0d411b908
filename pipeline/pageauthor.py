"""The article's author: pure functions of a page's metadata and its byline.

A page names its author in its metadata (`<meta name="author">`, JSON-LD's `author`, which
trafilatura reads) and in its body: a byline next to the headline ("By Jane Miller", "Von
Max Muster", "Posted by jane42"), a link marked `rel="author"`, a link to the author's page
on the site. `page_byline` reads the body; `page_author` weighs the two (`pipeline.pagemeta`
calls them).
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from lxml.html import HtmlElement

# The path of a site's page about one of its authors: /author/jane-miller, /autor/..., /auteur/...
_AUTHOR_PAGE = re.compile(r"/(?:authors?|autor(?:en|in)?|auteurs?|autores?)/[^/?#]+", re.IGNORECASE)
# The label of a Twitter card's author ("Written by", WordPress's "Verfasst von", "Écrit par"...).
_WRITTEN_BY = re.compile(
    r"^(?:written by|verfasst von|geschrieben von|écrit par|escrito por|scritto da)$", re.IGNORECASE
)
# Words that introduce a byline, in the languages of the web's news pages, after a verb of
# writing ("Posted by", "Geschrieben von", "Publié par"; "Posted on 3 May 2020 by") or a
# kind of piece ("Ein Artikel von") where there is one.
_BYLINE_LABEL = (
    r"(?:by|von|par|por|di|door|af|av|text(?: von| und foto(?:s)?)?|autor(?:in|en)?|authors?|auteur|redaktion)"
)
_BYLINE = re.compile(
    r"^[\W_]*(?:(?:(?:posted|written|published|geschrieben|verfasst|veröffentlicht|erstellt|publié|écrit|publicado|"
    r"escrito|pubblicato|scritto)(?:\s+(?:on|am|le|el|il)\s+[^\n]{1,40}?)?|(?:ein|eine|a|an)\s+(?:artikel|beitrag|"
    r"gastbeitrag|interview|kommentar|article|story|post))\s+)?"
    rf"{_BYLINE_LABEL}\s*:?\s+(.+)",
    re.IGNORECASE | re.DOTALL,
)
# A byline label standing alone in its element ("Autor:"), the name following it.
_LABEL_ALONE = re.compile(rf"^{_BYLINE_LABEL}\s*:?$", re.IGNORECASE)
# A date and the writer's name after it in one line: "11.12.2019 - Jane Roe", "04.02.2022 | 13:10 Uhr | Jane Roe".
_DATED_NAME = re.compile(r"^\d{1,2}\.\s?\d{1,2}\.\s?\d{2,4}\b[^\n]{0,20}?\s[-–|]\s+([^\n]+)$")
# A user name, as sites show their writers' accounts: "jane42", "Night_Owl", "k9fan".
_USER_NAME = re.compile(r"^[^\W_][\w.-]{1,29}$")
# The characters of a name: letters, digits (user names), spaces, and . - ' _ as in "J.R. O'Neil-Smith".
_NAME_CHARACTERS = re.compile(r"^[\w .'’_-]+$")
# The metadata keys that name the author (besides JSON-LD's `author`).
_AUTHOR_KEYS = frozenset(
    {"author", "article:author", "dc.creator", "dcterms.creator", "parsely-author", "sailthru.author"}
)


def page_author(
    author: str | None,
    byline: str | None,
    declared: list[str],
    site_name: str | None,
    url: str | None,
) -> str | None:
    """The article's author, from trafilatura's reading (`author`) and the page's byline.

    The author the metadata declares (`declared`, `declared_authors`) stands, unless it is
    the site itself: sites put their own name in `author` fields, and then the person the
    byline names wrote the article. Where the metadata declares no author, trafilatura
    guessed one from the page's markup (a class named "author", a comment's signature) and
    the byline, read from the cues of a byline, is the better reading. Where neither gives
    a name, the first person the metadata declares (trafilatura does not read every kind
    of JSON-LD document, a recipe's author for one).
    """
    people = [name for name in declared if not _is_site(name, site_name, url)]
    if author is None or byline is None:
        return author or byline or (people[0] if people else None)
    if _is_site(author, site_name, url):
        return byline
    return author if people else byline


def _is_site(name: str, site_name: str | None, url: str | None) -> bool:
    folded = _fold(name).replace(" ", "")
    host = _fold(urlsplit(url).hostname or "").replace(" ", "") if url else ""
    return bool(folded) and (folded == _fold(site_name or "").replace(" ", "") or folded in host)


def declared_authors(tree: HtmlElement) -> list[str]:
    """The authors the page's metadata names: meta tags (not addresses) and JSON-LD's `author`."""
    names: list[str] = []
    for meta in tree.iter("meta"):
        key = (meta.get("name") or meta.get("property") or "").casefold()
        value = " ".join((meta.get("content") or "").split())
        if key in _AUTHOR_KEYS and value and "://" not in value:
            names.append(value)
    for script in tree.xpath("//script[@type='application/ld+json']"):
        try:
            data = json.loads(script.text or "")
        except ValueError:
            continue
        names.extend(_json_ld_authors(data))
    return list(dict.fromkeys(names))


def _json_ld_authors(data: Any) -> Iterator[str]:
    """Every `author` name in a JSON-LD document (a name, an object with one, a list of either)."""
    if isinstance(data, list):
        for item in data:
            yield from _json_ld_authors(item)
    elif isinstance(data, dict):
        for key, value in data.items():
            if key == "author":
                for author in value if isinstance(value, list) else [value]:
                    name = author.get("name") if isinstance(author, dict) else author
                    if isinstance(name, str) and name.strip():
                        yield " ".join(name.split())
            elif isinstance(value, (list, dict)):
                yield from _json_ld_authors(value)


def page_byline(tree: HtmlElement, max_chars: int) -> str | None:
    """The author the page's body names, or None.

    In order: a link marked `rel="author"`; a link to an author's page (`/author/NAME`,
    `/autor/NAME`...); a short element that reads as a byline ("By Jane Miller", "Von Max
    Muster", "Autor: Peter Roe", "Posted by Jane Miller", "Ein Artikel von Pamela Roe"),
    whose name is its next one to four capitalised words, up to the end of the element
    that holds them. The first one in the page wins: bylines stand next to the headline,
    above the comments. Failing those, a line that is a date and a name after a dash or a
    bar ("11.12.2019 - Jane Roe"). The links name their writer as the site shows them,
    user names ("jane42") too. After them all, the value the page's Twitter card labels
    "Written by".
    """
    for link in tree.xpath("//a[contains(concat(' ', normalize-space(@rel), ' '), ' author ')]"):
        name = _person_name(_text(link), user_names=True)
        if name is not None and not _in_footer(link):
            return name
    for link in tree.iter("a"):
        if _AUTHOR_PAGE.search(link.get("href") or ""):
            name = _person_name(_text(link), user_names=True)
            if name is not None and not _in_footer(link):
                return name
    dated: str | None = None
    # Only short elements: their words are measured by lxml, longer ones are not read in Python.
    short = (
        f"//*[{' or '.join(f'self::{tag}' for tag in _BYLINE_TAGS)}][string-length(normalize-space()) <= {max_chars}]"
    )
    for element in tree.xpath(short):
        text = _text(element)
        if len(text) > max_chars:
            continue
        if _LABEL_ALONE.match(text):
            # "<h5>Autor:</h5> Peter Roe": the name is the text after the label's element.
            text = f"{text} {_following_text(element)}"
        match = _BYLINE.match(text)
        if match is not None:
            words = _name_words(match.group(1))
            if len(words) >= 2:
                return " ".join(words)
        dated_match = _DATED_NAME.match(text) if dated is None else None
        if dated_match is not None:
            words = _name_words(dated_match.group(1))
            if 2 <= len(words) <= 3 and " ".join(words) == dated_match.group(1).strip():
                dated = " ".join(words)
    if dated is not None:
        return dated
    return _twitter_card_author(tree)


_BYLINE_TAGS = ("p", "span", "div", "small", "em", "i", "b", "strong", "address", "li", "a", "h4", "h5", "h6", "time")


def _following_text(element: HtmlElement) -> str:
    """The words after an element: its tail, else its next sibling's."""
    tail = " ".join((element.tail or "").split())
    if tail:
        return tail
    sibling = element.getnext()
    return _text(sibling) if sibling is not None else ""


def _text(element: HtmlElement) -> str:
    """An element's words, a line between its children's: "<span>By</span><a>Jane Roe</a> <b>Monday</b>".

    The lines keep a name from running into what follows it in another element ("Jane
    Roe", not "Jane Roe Monday").
    """
    pieces = (" ".join(piece.split()) for piece in element.itertext())
    return "\n".join(piece for piece in pieces if piece)


def _in_footer(element: HtmlElement) -> bool:
    """Whether the element sits in the page's footer, where links name the theme's maker, not the article's."""
    return any(ancestor.tag == "footer" for ancestor in element.iterancestors())


def _twitter_card_author(tree: HtmlElement) -> str | None:
    """The value the page's Twitter card labels "Written by" (`twitter:labelN`, `twitter:dataN`), or None."""
    labels: dict[str, str] = {}
    values: dict[str, str] = {}
    for meta in tree.iter("meta"):
        key = (meta.get("name") or meta.get("property") or "").casefold()
        if key.startswith("twitter:label"):
            labels[key.removeprefix("twitter:label")] = meta.get("content") or ""
        elif key.startswith("twitter:data"):
            values[key.removeprefix("twitter:data")] = meta.get("content") or ""
    for number, label in sorted(labels.items()):
        if _WRITTEN_BY.match(label.strip()) and number in values:
            return _person_name(values[number])
    return None


def _person_name(text: str, user_names: bool = False) -> str | None:
    """`text` when it reads as a name: one to four words, no digits, not a sentence; or (`user_names`) an account's name."""
    name = " ".join(text.split())
    if not name or len(name) > 50 or not _NAME_CHARACTERS.match(name):
        return None
    if user_names and _USER_NAME.match(name) and any(ch.isalpha() for ch in name):
        return name
    if any(ch.isdigit() for ch in name) or len(name.split()) > 4:
        return None
    return name if any(ch.isalpha() for ch in name) else None


def _name_words(text: str) -> list[str]:
    """The capitalised words `text` starts with, at most four, up to a comma or a slash ("Jane Miller, 3 May")."""
    head = re.split(r"[,;:/|()\n]", text.strip(), maxsplit=1)[0]
    return list(itertools.takewhile(_capitalised, head.split()[:4]))


def _capitalised(word: str) -> bool:
    return word[0].isupper() and word.rstrip(".").replace("-", "").replace("'", "").isalpha()


def _fold(value: str) -> str:
    return " ".join(re.findall(r"\w+", value.casefold()))
