"""Tag tables of the HTML path: what each element is to a reader of the page.

Elements are invisible, blocks of text (with the kind of block they make), containers of
blocks, or page furniture by their name, their ARIA role or the words of their class and id.
"""

from __future__ import annotations

import re

from pipeline.records import BlockKind, BoilerplateKind

# Elements whose content no reader sees on the page.
INVISIBLE_TAGS = ["script", "style", "noscript", "template", "svg", "iframe", "object", "embed", "head"]
# What the HTML path never reads. `noscript` is read: where a page renders its article by
# script, the copy for readers without script is the only one in the markup, and elsewhere it
# holds tracking pixels and a line or two that fall outside the article.
UNREAD_TAGS = [name for name in INVISIBLE_TAGS if name != "noscript"]
BLOCK_KINDS: dict[str, BlockKind] = {
    **{f"h{level}": "heading" for level in range(1, 7)},
    "p": "paragraph",
    "figcaption": "caption",
    "caption": "caption",
    "li": "list_item",
    "dt": "list_item",
    "dd": "list_item",
    "blockquote": "quote",
    "pre": "other",
    "td": "table",
    "th": "table",
    "address": "other",
}
CONTAINER_TAGS = [
    "div",
    "section",
    "article",
    "main",
    "body",
    "ul",
    "ol",
    "dl",
    "table",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "figure",
    "header",
    "footer",
    "nav",
    "aside",
    "form",
    "menu",
    "center",
    "fieldset",
    "details",
    "summary",
    "hr",
    "br",
    "select",
    "button",
    "textarea",
    "label",
]
BLOCK_TAGS = frozenset([*BLOCK_KINDS, *CONTAINER_TAGS])
# Inside a paragraph or list item these still split it into several blocks.
NESTED_BLOCK_TAGS = frozenset(name for name in BLOCK_TAGS if name not in ("br", "hr"))
# An article is more than one of these, however long it is.
LEAF_BLOCK_TAGS = frozenset(name for name, kind in BLOCK_KINDS.items() if kind not in ("table", "other"))
# Elements that hold the article itself: part of its frame, never furniture.
ARTICLE_TAGS = frozenset(("main", "article", "h1"))
FURNITURE_TAGS: dict[str, BoilerplateKind] = {
    "nav": "navigation",
    "menu": "navigation",
    "header": "navigation",
    "footer": "footer",
    "form": "form",
    "fieldset": "form",
    "aside": "other",
    "dialog": "other",
    "select": "form",
    "button": "form",
    "textarea": "form",
    "label": "form",
}
ROLE_KINDS: dict[str, BoilerplateKind] = {
    "navigation": "navigation",
    "menu": "navigation",
    "menubar": "navigation",
    "banner": "navigation",
    "search": "form",
    "form": "form",
    "contentinfo": "footer",
    "complementary": "other",
    "dialog": "other",
}


def _class_words(words: str) -> re.Pattern[str]:
    """Match any of `words` as a whole token of a class or id ("main-nav", "site_footer")."""
    return re.compile(rf"(?:^|[\s_-])(?:{'|'.join(words.split())})(?:$|[\s_-])", re.IGNORECASE)


CONTENT_HINT = _class_words("content article post entry body main story text")
CLASS_HINTS: tuple[tuple[re.Pattern[str], BoilerplateKind], ...] = (
    (_class_words("nav navbar navigation menu breadcrumbs? pagination skip-?link"), "navigation"),
    (_class_words("copyright"), "copyright"),
    (_class_words("footer site-?info colophon"), "footer"),
    (_class_words("share sharing social sharedaddy addthis shariff"), "share"),
    (_class_words("search login signup newsletter subscribe"), "form"),
    (_class_words("comments? commentlist disqus"), "comments"),
    (_class_words(r"related\w* recommended"), "related"),
    # Not "widget": page builders and blog engines wrap the article itself in widgets.
    (_class_words("sidebar advert ads? sponsor cookie banner popup modal"), "other"),
    # The box about the writer under a story, not a byline (which some gold texts keep).
    (_class_words("about-?(?:the-?)?author author-?(?:box|bio|info|card|profile)"), "other"),
)
# A teaser box or card: with a link in it, it leads to another page ("teaser", "news-teaser").
TEASER_HINT = _class_words(r"\w*teaser\w*")
# Who took a picture or owns it ("credit", "photo-credit", "copyright-note", "attribution"):
# a credit line, dropped wherever it stands, even inside a caption or a paragraph.
CREDIT_HINT = _class_words("credits? copyright attribution")
# A box named for a picture's caption ("media__caption", "image-caption").
CAPTION_HINT = _class_words("caption")
# Inline styles that hide an element from every reader.
HIDDEN_STYLE = re.compile(r"(?:^|;)\s*(?:display\s*:\s*none|visibility\s*:\s*hidden)\b", re.IGNORECASE)


# A BEM modifier ("Section--ads", "layout--sidebar-left") says how a block looks or what it
# sits beside, not what it is.
_MODIFIER = re.compile(r"--\S*")


def class_hint(class_and_id: str) -> BoilerplateKind | None:
    """The furniture kind an element's class and id words name ("site-footer"), if any."""
    class_and_id = _MODIFIER.sub("", class_and_id)
    if CONTENT_HINT.search(class_and_id):
        # "entry-content no-share", "sidebar-and-content-body": the article, whatever else it says.
        return None
    for pattern, kind in CLASS_HINTS:
        if pattern.search(class_and_id):
            return kind
    return None
