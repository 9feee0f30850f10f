"""The paragraphs of a chapter's free part, read back from its rendered HTML.

The import renders every paragraph, list item and box with an id (``p57``); a lesson
step links to one. Reading steps take the chapter's opening paragraph and its first
analogy (or note) from here, and an authored step links to the paragraph whose words
match it best (``revise/content/sources.py``), as an authored card does. Only the free
part is read here: the locked part is for ``revise/accounts/access.py`` alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

from revise.content.model import TextBlock

_PARA_ID = re.compile(r"^p\d+$")
_HEADINGS = {"h2", "h3", "h4"}


@dataclass(frozen=True)
class Paragraph:
    id: str
    tag: str  # "p", "li" or "div" (a box)
    text: str
    callout: str  # the kind of box it stands in ("note", "analogy", …), or ""
    heading: str  # the anchor of the heading above it, "" before the first
    heading_text: str
    in_list: bool


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[Paragraph] = []
        self._open: list[tuple[str, str | None, str]] = []  # tag, para id, callout
        self._texts: dict[int, list[str]] = {}
        self._heading: tuple[str, list[str]] | None = None
        self._label: int | None = None  # depth of a box's label ("Note"), skipped
        self.heading = ""
        self.heading_text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        ident = attributes.get("id") or ""
        classes = (attributes.get("class") or "").split()
        if tag in _HEADINGS:
            self._heading = (ident, [])
            return
        callout = self._open[-1][2] if self._open else ""
        if tag == "div" and "callout" in classes:
            callout = next(
                (c[len("callout-") :] for c in classes if c.startswith("callout-")), ""
            )
        if "callout-label" in classes and self._label is None:
            self._label = len(self._open)
        para = ident if _PARA_ID.match(ident) else None
        self._open.append((tag, para, callout))
        if para:
            self._texts[len(self._open) - 1] = []

    def handle_endtag(self, tag: str) -> None:
        if tag in _HEADINGS and self._heading is not None:
            ident, words = self._heading
            self.heading, self.heading_text = ident, " ".join("".join(words).split())
            self._heading = None
            return
        # Close up to the matching tag (the renderer's HTML is well formed).
        while self._open:
            open_tag, para, callout = self._open.pop()
            depth = len(self._open)
            if self._label == depth:
                self._label = None
            words = self._texts.pop(depth, None)
            if para and words is not None:
                self.found.append(
                    Paragraph(
                        id=para,
                        tag=open_tag,
                        text=" ".join("".join(words).split()),
                        callout=callout,
                        heading=self.heading,
                        heading_text=self.heading_text,
                        in_list=any(t in ("ul", "ol") for t, _, _ in self._open),
                    )
                )
            if open_tag == tag:
                break

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        pass  # <br>, <img>: no text

    def handle_data(self, data: str) -> None:
        if self._heading is not None:
            self._heading[1].append(data)
            return
        if self._label is not None:
            return
        for words in self._texts.values():
            words.append(data)


def paragraphs(html: str) -> list[Paragraph]:
    """The paragraphs, list items and boxes of ``html`` that carry an id, in page order
    (a box before the paragraphs in it)."""
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return sorted(reader.found, key=lambda p: int(p.id[1:]))


def text_blocks(found: list[Paragraph]) -> list[TextBlock]:
    """The paragraphs as the blocks ``revise.content.sources.ParagraphIndex`` matches
    against: each under its heading, boxes left out (their paragraphs stand for them)."""
    blocks: list[TextBlock] = []
    heading = None
    for para in found:
        if para.tag == "div":
            continue
        if para.heading != heading:
            heading = para.heading
            blocks.append(
                TextBlock(
                    kind="heading",
                    text=para.heading_text,
                    anchor=para.heading,
                    locked=False,
                    line=0,
                )
            )
        blocks.append(
            TextBlock(
                kind="text",
                text=para.text,
                anchor=para.heading or para.id,
                locked=False,
                line=0,
                para=para.id,
            )
        )
    return blocks
