"""What a page declares its article to be, read from its head: the last resort of a page that shows none.

Pages drawn by script from data show no article text in their markup; many still declare
it, whole in their JSON-LD structured data (`articleBody`), or in summary in their meta
description.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from lxml.html import HtmlElement

from pipeline.stages.strip.pieces import collapse


@dataclass(frozen=True)
class Declared:
    """The raw declarations of a page, gathered before its head and scripts are removed; read only when needed."""

    structured_data: tuple[str, ...]
    descriptions: tuple[str, ...]

    @classmethod
    def of(cls, document: HtmlElement) -> Declared:
        """Gather the JSON-LD scripts and the meta descriptions of a parsed page."""
        scripts = tuple(
            script.text
            for script in document.iter("script")
            if script.text and (script.get("type") or "").strip().lower() == "application/ld+json"
        )
        descriptions = tuple(
            meta.get("content") or ""
            for meta in document.iter("meta")
            if {"description", "og:description"}
            & set(f"{meta.get('name') or ''} {meta.get('property') or ''}".lower().split())
        )
        return cls(scripts, descriptions)

    def article(self) -> tuple[list[str], bool]:
        """The paragraphs of the article the page declares, and whether they are its whole body.

        A JSON-LD `articleBody` is the whole article; else the meta description summarizes it.
        """
        for script in self.structured_data:
            try:
                data = json.loads(script)
            except ValueError:
                continue
            body = _article_body(data)
            if body:
                return [line for line in (collapse(part) for part in body.splitlines()) if line], True
        for description in self.descriptions:
            content = collapse(description)
            if content:
                return [content], False
        return [], False


def _article_body(data: object) -> str | None:
    """The first `articleBody` string anywhere in a JSON-LD value (a graph, a list, nested items)."""
    stack = [data]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            body = value.get("articleBody")
            if isinstance(body, str) and body.strip():
                return body
            stack.extend(reversed(list(value.values())))
        elif isinstance(value, list):
            stack.extend(reversed(value))
    return None
