"""The Markdown dialect of a course: one configured parser and the format's markers."""

from __future__ import annotations

import hashlib
import re
import string

from markdown_it import MarkdownIt
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

CALLOUT_LABELS = {
    "note": "Note",
    "analogy": "Analogy",
    "definition": "Definition",
    "tip": "Tip",
}
LOCKED_MARKER = "<!-- locked -->"
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
TRAILING_ID_RE = re.compile(r"\s*\{#([^}]*)\}\s*$")
CLOSING_RE = re.compile(r"^\s*(:{3,})\s*$")


def make_markdown() -> MarkdownIt:
    """The one Markdown configuration: CommonMark and tables, raw HTML shown as text."""
    md = MarkdownIt("commonmark", {"html": False}).enable("table")
    md.use(front_matter_plugin)
    md.use(container_plugin, name="box", validate=lambda params, markup: True)
    md.use(anchors_plugin, min_level=2, max_level=3)
    return md


MD = make_markdown()


def normalize_text(text: str) -> str:
    """Text as compared for identity: no case, punctuation or extra spaces."""
    typographic = "\u201c\u201d\u2018\u2019\u2013\u2014\u2026"  # quotes, dashes, …
    table = str.maketrans(dict.fromkeys(string.punctuation + typographic, " "))
    return " ".join(text.casefold().translate(table).split())


def auto_key(chapter_slug: str, text: str) -> str:
    """The identity of an item without an id: its chapter and its normalised text."""
    digest = hashlib.sha1(
        normalize_text(text).encode(), usedforsecurity=False
    ).hexdigest()[:16]
    return f"{chapter_slug}/{digest}"
