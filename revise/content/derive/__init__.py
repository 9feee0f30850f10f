"""Flashcards made from a chapter's notes, as a teacher would write them.

Four rules, one module each, each documented for authors in ``docs/authoring.md``
("Cards made from your notes"):

- a **definition** callout gives a card each way: term → definition, definition → term
  (``definitions.py``);
- a **heading that names a dated event** ("Treaty of Rapallo (1922)") gives a "When …?"
  card whose verb fits the event (signed, held, founded, fought, …) (``dates.py``);
- a **figure** in the text (a percentage, an amount, a count of something) gives a
  fill-the-gap card, with its heading as context (``figures.py``);
- a **historian's view** ("E.H. Carr treats Brest-Litovsk as …") gives a "Which historian
  …?" card, and for views of the form "sees X as Y" a "How does … see X?" card
  (``historians.py``).

``text.py`` holds what the rules share (slugs, sentences, stop words); this module walks
the blocks, hands each to its rules and turns their drafts into cards. Each card's id is
short, readable and stable (``date-treaty-of-rapallo``), so that an author can name it in
the chapter's ``skip_cards`` to suppress it. Pure functions, no Django.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator

from revise.content.derive.dates import (
    DATE_RE,
    DATED_HEADING_RE,
    EVENT_KINDS,
    HEAD_KIND,
    PREPOSITIONS,
    date_cards,
)
from revise.content.derive.definitions import definition_cards
from revise.content.derive.figures import FIGURE_RE, figure_cards
from revise.content.derive.historians import (
    AS_VERBS,
    CLAUSE_END_RE,
    FULL_NAME,
    HISTORIAN_COLON_RE,
    HISTORIAN_RE,
    HISTORIOGRAPHY_RE,
    NOT_A_NAME,
    PAST,
    PRONOUNS,
    REPORTING,
    VERB_RE,
    historian_cards,
)
from revise.content.derive.text import (
    ABBREVIATIONS,
    MAX_FRONT,
    NUMBERING_RE,
    SENTENCE_END_RE,
    STOPWORDS,
    SUBORDINATE,
    Draft,
    content_slug,
    normalise,
    sentences,
    slugify,
    strip_numbering,
)
from revise.content.limits import KEY
from revise.content.model import Card, TextBlock

__all__ = [
    "ABBREVIATIONS",
    "AS_VERBS",
    "CLAUSE_END_RE",
    "DATED_HEADING_RE",
    "DATE_RE",
    "EVENT_KINDS",
    "FIGURE_RE",
    "FULL_NAME",
    "HEAD_KIND",
    "HISTORIAN_COLON_RE",
    "HISTORIAN_RE",
    "HISTORIOGRAPHY_RE",
    "MAX_FRONT",
    "NOT_A_NAME",
    "NUMBERING_RE",
    "ORIGIN",
    "PAST",
    "PREPOSITIONS",
    "PRONOUNS",
    "REPORTING",
    "SENTENCE_END_RE",
    "STOPWORDS",
    "SUBORDINATE",
    "VERB_RE",
    "content_slug",
    "derive_cards",
    "derived_id",
    "normalise",
    "sentences",
    "slugify",
    "strip_numbering",
]

ORIGIN = "derived"
MIN_ID = 16  # room for an id when a chapter's slug is too long (reported elsewhere)


def derive_cards(*, chapter_slug: str, blocks: Iterable[TextBlock]) -> list[Card]:
    """The cards a chapter's notes give, in the order of the notes; ids are unique, and
    each key (``chapter-slug/id``) fits in the database's ``KEY`` characters."""
    blocks = list(blocks)
    vocabulary = {
        word
        for block in blocks
        for word in re.findall(r"\b[a-z][a-z'-]*\b", block.text)
    }
    room = max(KEY - len(chapter_slug) - 1, MIN_ID)
    cards: list[Card] = []
    seen_fronts: set[str] = set()
    used: set[str] = set()
    counts: dict[str, int] = {}
    for draft in _drafts(blocks, vocabulary):
        front, back = draft.front.strip(), draft.back.strip()
        if not front or not back or len(front) > MAX_FRONT:
            continue
        normal = normalise(front)
        if normal in seen_fronts:
            continue
        seen_fronts.add(normal)
        base = _fit(draft.ident, room)
        ident, count = base, counts.get(base, 1)
        while ident in used:  # the second "figure-27-farmland" is "…-2", and so on
            count += 1
            suffix = f"-{count}"
            ident = _fit(base, room - len(suffix)) + suffix
        counts[base] = count
        used.add(ident)
        cards.append(
            Card(
                key=f"{chapter_slug}/{ident}",
                explicit_id=False,
                front_html=html.escape(front, quote=False),
                back_html=html.escape(back, quote=False),
                front_text=front,
                back_text=back,
                anchor=draft.block.anchor,
                locked=draft.block.locked,
                line=draft.block.line,
                origin=ORIGIN,
            )
        )
    return cards


def _fit(ident: str, room: int) -> str:
    """An id cut to ``room`` characters, at most; ids that fit are left as they are."""
    return ident if len(ident) <= room else ident[:room].rstrip("-")


def derived_id(card: Card) -> str:
    """The id an author names in ``skip_cards``: the card's key without its chapter."""
    return card.key.partition("/")[2]


def _drafts(blocks: list[TextBlock], vocabulary: set[str]) -> Iterator[Draft]:
    heading = ""
    lead_in: TextBlock | None = None
    for block in blocks:
        if block.kind == "heading":
            heading = strip_numbering(block.text)
            lead_in = None
            yield from date_cards(block)
        elif block.kind == "definition":
            yield from definition_cards(block, vocabulary)
        elif block.kind == "text":
            if not block.item:
                lead_in = block if block.text.rstrip().endswith(":") else None
            if block.callout != "analogy":
                lead = lead_in if block.item else None
                yield from figure_cards(block, heading, lead)
                yield from historian_cards(block, heading, vocabulary)
