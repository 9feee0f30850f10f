"""Rule: a **definition** callout gives a card each way, term → definition → term.

The callout for "Kulak" whose body is 'A "rich" peasant. The Bolsheviks blamed kulaks
for it.' gives "What does 'Kulak' mean?" (``definition-kulak``, the whole body as the
answer) and 'Which term means: a "rich" peasant?' (``term-kulak``, answer "Kulak"). The
reverse card asks with the gist of the definition, and is left out when that gist names
the term itself. Pure functions, no Django.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from revise.content.derive.text import (
    STOPWORDS,
    SUBORDINATE,
    Draft,
    lower_first,
    normalise,
    sentences,
    slugify,
)
from revise.content.model import TextBlock


def definition_cards(block: TextBlock, vocabulary: set[str]) -> Iterator[Draft]:
    term, body = block.term.strip(), block.text.strip()
    if not term or not body:
        return
    slug = slugify(term)
    yield Draft(f"definition-{slug}", f"What does '{term}' mean?", body, block)
    short = _shorten_definition(body)
    if normalise(term) in normalise(short):
        return  # the definition gives its own term away: no reverse card
    short = lower_first(short, vocabulary)
    yield Draft(f"term-{slug}", f"Which term means: {short}?", term, block)


def _shorten_definition(text: str, *, limit: int = 170) -> str:
    """The gist of a definition, as short as it can be and still make sense.

    Its first sentence; past 100 characters, the part before a colon, semicolon or dash;
    past 120, the part before a subordinate clause (", which …", ", because …"); past
    ``limit``, the part before the last comma, or failing that the words that fit.
    """
    short = sentences(text)[0].rstrip(" .")
    if len(short) > 100:
        short = _head(short, r"\s*(?::|;|\s[\u2013\u2014]\s)\s*")
    if len(short) > 120:
        short = _head(short, SUBORDINATE)
    if len(short) > limit:
        cut = short.rfind(", ", 0, limit)
        if cut >= 40:
            short = short[:cut]
        else:
            words = short[:limit].split()[:-1]
            while words and words[-1].lower() in STOPWORDS:
                words.pop()
            short = " ".join(words) + "…"
    return short.rstrip(" .,;:")


def _head(text: str, separator: str) -> str:
    """The part of ``text`` before ``separator``, if that part is long enough to stand."""
    head = re.split(separator, text, maxsplit=1)[0]
    return head if len(head) >= 30 else text
