"""The Markdown dialect of a course: one configured parser and the format's markers."""

from __future__ import annotations

import hashlib
import re
import string
from collections.abc import Callable, Iterator

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

from revise.content.limits import MAX_DEPTH, MAX_MARKUP

CALLOUT_LABELS = {
    "note": "Note",
    "analogy": "Analogy",
    "definition": "Definition",
    "tip": "Tip",
}
LOCKED_MARKER = "<!-- locked -->"
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


# Where the enabled inline rules can start: newline, escape, backticks, emphasis, link
# ("]" ends its label), image, autolink and raw HTML, entity.
INLINE_STARTS = "\n\\`*_[]!<&"


def make_markdown() -> MarkdownIt:
    """The one Markdown configuration: CommonMark and tables, raw HTML shown as text."""
    md = MarkdownIt("commonmark", {"html": False}).enable("table")
    md.use(front_matter_plugin)
    md.use(container_plugin, name="box", validate=lambda params, markup: True)
    _record_box_closing(md)
    md.use(anchors_plugin, min_level=2, max_level=3)
    # The text rule stops at every character some inline rule might start at; by
    # default that includes "#", "-", ":" and others that only rules off here use. Each
    # stop runs every rule, so a line of "-a-a-a…" cost a microsecond a character.
    md.inline.terminator_re = re.compile("[" + re.escape(INLINE_STARTS) + "]")
    return md


BlockRule = Callable[[StateBlock, int, int, bool], bool]


def _record_box_closing(md: MarkdownIt) -> None:
    """Mark each box's opening token with ``meta["closed"]``: whether a closing line of
    its own ended it, rather than the end of the file or of the box around it."""
    ruler = md.block.ruler
    rule = ruler.__rules__[ruler.__find__("container_box")]
    container: BlockRule = rule.fn

    def recording(state: StateBlock, start: int, end: int, silent: bool) -> bool:
        first = len(state.tokens)
        found = container(state, start, end, silent)
        if found and not silent:
            opening = state.tokens[first]
            # The plugin leaves state.line past the closing line only when it found one.
            opening.meta["closed"] = state.line > opening.map[1]
        return found

    ruler.at("container_box", recording, {"alt": list(rule.alt)})


MD = make_markdown()

# Characters that make work for the inline parser (and "|", for table cells); the text
# between them costs little. Line breaks are bounded by MAX_LINES.
MARKUP_CHARS = INLINE_STARTS.replace("\n", "") + "|"


def parse(text: str) -> tuple[list[Token], list[tuple[int, str]]]:
    """The tokens of a chapter, and what keeps them from being complete: each problem
    as (line, message).

    The inline parser's cost grows with the markup it meets ("[" above all), so the
    markup of the text blocks is counted first, and a chapter with more than
    ``MAX_MARKUP`` marks is refused without parsing its text: the tokens then have no
    inline children. Lists, quotes and boxes nested past ``MAX_DEPTH`` are refused too,
    since the parser would silently drop what lies deeper.
    """
    state = StateCore(text, MD, {})
    rules = dict(
        zip(MD.core.ruler.get_active_rules(), MD.core.ruler.getRules(""), strict=True)
    )
    names = list(rules)
    split = names.index("block") + 1
    for name in names[:split]:
        rules[name](state)
    problems = list(_structure_problems(state.tokens))
    if problems:
        return state.tokens, problems
    for name in names[split:]:
        rules[name](state)
    return state.tokens, []


def _structure_problems(tokens: list[Token]) -> Iterator[tuple[int, str]]:
    markup = 0
    for token in tokens:
        if token.level > MAX_DEPTH:
            line = token.map[0] + 1 if token.map else 1
            yield (
                line,
                "lists, quotes and boxes are nested too deeply here "
                f"(the limit is {MAX_DEPTH} levels; a list counts two)",
            )
            return
        if token.type == "inline":
            content = token.content
            markup += 1 + sum(content.count(c) for c in MARKUP_CHARS)
            if markup > MAX_MARKUP:
                line = token.map[0] + 1 if token.map else 1
                yield (
                    line,
                    f"too much markup: more than {MAX_MARKUP:,} marks (paragraphs, "
                    "cells and the characters [ ] * _ ` ! < & \\ |) by this line; "
                    "split the chapter",
                )
                return


def trailing_attributes(raw: str) -> tuple[int, str | None, str | None] | None:
    r"""Trailing ``{#id}``, ``{@anchor}`` or ``{#id @anchor}``: where the text before it
    ends, the id and the anchor (either may be None); None if there is no such braces.

    Found without a regular expression, which would take quadratic time on long runs of
    spaces or of "{#".
    """
    text = raw.rstrip()
    if not text.endswith("}"):
        return None
    close = len(text) - 1
    opening = text.rfind("{", text.rfind("}", 0, close) + 1, close)
    if opening < 0 or text[opening + 1 : opening + 2] not in ("#", "@"):
        return None
    ident = anchor = None
    for part in text[opening + 1 : close].split(" "):
        if part.startswith("#") and ident is None:
            ident = part[1:]
        elif part.startswith("@") and anchor is None:
            anchor = part[1:]
        elif part:
            return None  # not attributes: "{#a b}" keeps its old meaning below
    if ident is None and anchor is None:
        return None
    return len(text[:opening].rstrip()), ident, anchor


def trailing_id(raw: str) -> tuple[int, str] | None:
    r"""A trailing ``{#id}``: where the text before it ends, and the id; or None."""
    text = raw.rstrip()
    if not text.endswith("}"):
        return None
    close = len(text) - 1
    opening = text.find("{#", text.rfind("}", 0, close) + 1, close)
    if opening < 0:
        return None
    return len(text[:opening].rstrip()), text[opening + 2 : close]


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
