"""The locked marker must be exact: anything that looks like it, or like any HTML comment,
is an error, so that a typo can never leave a locked part free to every visitor.

The marker is ``<!-- locked -->`` as a paragraph of its own. The walker finds it; this
module finds everything else: a misspelt marker (``<!-- lockd -->``, ``<!--locked-->``,
``<-- locked -->``), the marker glued to other text or standing in a heading or a table,
any other HTML comment in the text, and a marker inside a code block (where it would be
shown as code: a fence left open above it swallows it). Comments in code are fine.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from markdown_it.token import Token

from revise.content.markdown import LOCKED_MARKER

COMMENT_OPEN = "<!--"
MARKER_PUNCTUATION = "<>!-"
MARKER_WORD = "locked"
SHORT = 40  # a marker, even misspelt, is a short line
ANGLES = "<\uff1c\ufe64"  # "<" and the look-alikes that NFKC folds into it

NOT_ALONE = (
    f"'{LOCKED_MARKER}' must be a paragraph of its own: alone on its line, "
    "with a blank line before and after it"
)


def marker_problems(tokens: list[Token]) -> Iterator[tuple[int, str]]:
    """Every misplaced, misspelt or stray marker or comment, as (line, message)."""
    for i, token in enumerate(tokens):
        if token.type == "inline":
            after_paragraph = i > 0 and tokens[i - 1].type == "paragraph_open"
            if after_paragraph and token.content.strip() == LOCKED_MARKER:
                continue  # the marker itself: the walker checks where it stands
            yield from _text_problems(token)
        elif token.type in ("fence", "code_block") and token.map:
            first = token.map[0] + (2 if token.type == "fence" else 1)
            for n, line in enumerate(token.content.split("\n")):
                if line.strip() == LOCKED_MARKER or misspelt_marker(line):
                    yield (
                        first + n,
                        f"'{line.strip()}' inside a code block does nothing: is a "
                        "``` fence left open above it, or is the line indented?",
                    )
        elif token.type == "container_box_open" and COMMENT_OPEN in token.info:
            yield (token.map[0] + 1, _comment_message(token.info.strip()))


def _text_problems(inline: Token) -> Iterator[tuple[int, str]]:
    first = inline.map[0] + 1 if inline.map else 1
    raw_lines = inline.content.split("\n")
    for text in _visible_lines(inline):
        if len(text.strip()) > SHORT and not any(c in text for c in ANGLES):
            continue  # neither a marker nor a comment: spare the folding below
        normal = _normal(text).strip()
        if normal == LOCKED_MARKER and text.strip() != LOCKED_MARKER:
            yield (
                _line_of(text.strip(), raw_lines, first),
                f"'{_cut(text.strip())}' looks like a misspelt locked marker, with "
                f"look-alike or invisible characters: type exactly '{LOCKED_MARKER}'",
            )
        elif LOCKED_MARKER in normal:
            yield _line_of(LOCKED_MARKER, raw_lines, first), NOT_ALONE
        elif misspelt_marker(normal):
            line = _line_of(text.strip(), raw_lines, first)
            yield (
                line,
                f"'{_cut(normal)}' looks like a misspelt locked marker: write exactly "
                f"'{LOCKED_MARKER}', alone on its line",
            )
        elif COMMENT_OPEN in normal:
            yield _line_of(COMMENT_OPEN, raw_lines, first), _comment_message(normal)


def _visible_lines(inline: Token) -> list[str]:
    """The text of an inline token as readers see it, by line; code spans left out."""
    parts = []
    for child in inline.children or []:
        if child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif child.type != "code_inline":
            parts.append(child.content)
    return "".join(parts).split("\n")


def _line_of(needle: str, raw_lines: list[str], first: int) -> int:
    for n, line in enumerate(raw_lines):
        if needle in line:
            return first + n
    return first


def _comment_message(text: str) -> str:
    return (
        f"HTML comments are not allowed ('{_cut(text)}'): readers would see it as text; "
        f"the only comment is the locked marker '{LOCKED_MARKER}', alone on its line"
    )


def _cut(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _normal(text: str) -> str:
    """Text with look-alike characters folded (full-width '＜') and invisible ones
    (zero-width spaces) dropped."""
    folded = unicodedata.normalize("NFKC", text)
    return "".join(c for c in folded if unicodedata.category(c) != "Cf")


def misspelt_marker(line: str) -> bool:
    """Whether a line looks like the locked marker without being it: a word close to
    "locked" wrapped in two or more of the marker's marks (< > ! -)."""
    if len(line.strip()) > SHORT:
        return False
    text = _normal(line).strip()
    if text == LOCKED_MARKER:
        return False
    marks = sum(text.count(c) for c in MARKER_PUNCTUATION)
    word = re.sub(r"[^a-z]", "", text.lower())
    return marks >= 2 and bool(word) and _distance(word, MARKER_WORD) <= 2


def _distance(a: str, b: str) -> int:
    """Levenshtein distance between two short words."""
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            )
        previous = current
    return previous[-1]
