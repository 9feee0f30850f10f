"""Filler for the locked part of a chapter, as shown to visitors without an account.

:func:`shape_of` reduces the locked HTML to its structure — which blocks, of which kind,
with how many words — and nothing else. :func:`filler_html` turns a shape back into HTML
of the same look with lorem-ipsum words. The filler is made from the shape alone, so no
word of the locked text can reach it.
"""

from __future__ import annotations

import random
import re
from html import escape
from html.parser import HTMLParser
from typing import Any

LOREM = [
    "lorem",
    "ipsum",
    "dolor",
    "sit",
    "amet",
    "consectetur",
    "adipiscing",
    "elit",
    "sed",
    "do",
    "eiusmod",
    "tempor",
    "incididunt",
    "ut",
    "labore",
    "et",
    "dolore",
    "magna",
    "aliqua",
    "enim",
    "ad",
    "minim",
    "veniam",
    "quis",
    "nostrud",
    "exercitation",
    "ullamco",
    "laboris",
    "nisi",
    "aliquip",
    "ex",
    "ea",
    "commodo",
    "consequat",
    "duis",
    "aute",
    "irure",
    "in",
    "reprehenderit",
    "voluptate",
    "velit",
    "esse",
    "cillum",
    "fugiat",
    "nulla",
    "pariatur",
    "excepteur",
    "sint",
    "occaecat",
    "cupidatat",
    "non",
    "proident",
    "sunt",
    "culpa",
    "qui",
    "officia",
    "deserunt",
    "mollit",
    "anim",
    "id",
    "est",
    "laborum",
]
CALLOUT_RE = re.compile(r"\bcallout-(note|analogy|definition|tip)\b")
TEXT_BLOCKS = {"p", "h2", "h3", "h4", "li", "pre", "td", "th"}
Shape = list[dict[str, Any]]


class _ShapeParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root: Shape = []
        self.stack: list[Shape] = [self.root]
        self.open: list[tuple[str, bool]] = []  # (tag, pushed a container)
        self.block: dict[str, Any] | None = None
        self.depth_in_block = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = dict(attrs).get("class") or ""
        if self.block is not None:
            self.depth_in_block += 1
            return
        kind = CALLOUT_RE.search(classes)
        if tag == "div" and kind:
            node = {"type": "callout", "kind": kind.group(1), "children": []}
        elif tag in ("ul", "ol"):
            node = {"type": "list", "ordered": tag == "ol", "children": []}
        elif tag == "table":
            node = {"type": "table", "children": []}
        elif tag == "blockquote":
            node = {"type": "quote", "children": []}
        elif tag in TEXT_BLOCKS:
            role = (
                "label"
                if "callout-label" in classes
                else "term"
                if "callout-term" in classes
                else None
            )
            self.block = {"type": tag, "words": 0}
            if role:
                self.block["role"] = role
            self.stack[-1].append(self.block)
            self.depth_in_block = 0
            return
        else:
            self.open.append((tag, False))
            return
        self.stack[-1].append(node)
        self.stack.append(node["children"])
        self.open.append((tag, True))

    def handle_endtag(self, tag: str) -> None:
        if self.block is not None:
            if self.depth_in_block == 0:
                self.block = None
            else:
                self.depth_in_block -= 1
            return
        while self.open:
            open_tag, pushed = self.open.pop()
            if pushed:
                self.stack.pop()
            if open_tag == tag:
                break

    def handle_data(self, data: str) -> None:
        if self.block is not None:
            self.block["words"] += len(data.split())
        elif data.strip():
            self.stack[-1].append({"type": "p", "words": len(data.split())})


def shape_of(html: str) -> Shape:
    """The structure of ``html``: block kinds and word counts, never the words."""
    parser = _ShapeParser()
    parser.feed(html)
    parser.close()
    return parser.root


def filler_html(shape: Shape, *, seed: int) -> str:
    """HTML in the form of ``shape``, every word taken from lorem ipsum."""
    rng = random.Random(seed)  # noqa: S311 - filler, not security
    return "".join(_render(node, rng) for node in shape)


def _words(rng: random.Random, count: int) -> str:
    words = [rng.choice(LOREM) for _ in range(max(1, count))]
    return " ".join(words).capitalize()


def _render(node: dict[str, Any], rng: random.Random) -> str:
    kind = node["type"]
    if kind == "callout":
        # The label ("Note", "Tip") belongs to the format, not to the author's words.
        kind = escape(node["kind"])
        label = f'<p class="callout-label">{kind.capitalize()}</p>'
        inner = "".join(_render(child, rng) for child in node["children"])
        return f'<div class="callout callout-{kind}">{label}{inner}</div>\n'
    if kind == "list":
        tag = "ol" if node["ordered"] else "ul"
        inner = "".join(_render(child, rng) for child in node["children"])
        return f"<{tag}>{inner}</{tag}>\n"
    if kind in ("table", "quote"):
        inner = "".join(_render(child, rng) for child in node["children"])
        return f"<div>{inner}</div>\n"
    if node.get("role") == "label":
        return ""  # the callout's own label is drawn from its kind, above
    if node.get("role") == "term":
        return f'<p class="callout-term">{_words(rng, node["words"])}</p>\n'
    tag = kind if kind in ("p", "h2", "h3", "h4", "li") else "p"
    return f"<{tag}>{_words(rng, node['words'])}</{tag}>\n"
