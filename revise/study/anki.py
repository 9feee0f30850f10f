"""Decks as Anki packages (``.apkg``, built with genanki), safe to import again and again.

Anki recognises what it already holds by these identities, so they never change:

- Notes: the guid ``genanki.guid_for(course.slug, card.first_key)``, the key the card
  was made with, kept through the edits that keep the card. On import Anki updates a
  note with a known guid if the package's copy is newer than the collection's (its time
  is the export's ``now``), and otherwise leaves it alone; it never adds a second copy.
- Note type: :data:`MODEL_ID`. Anki keeps one note type per id while its field and
  template names stay the same, and takes CSS and template changes from newer packages.
  Renaming a field or a template needs a new id: Anki would otherwise set the old notes
  aside as conflicting instead of updating them.
- Decks: Anki matches decks by *name* and gives imported decks ids of its own; the ids
  in the package (:func:`deck_id`) are derived from keys only so that the same deck is
  the same file. A card lives in ``Course title::Chapter title`` whether the chapter or
  the whole course was exported, so the course deck is made of the chapter decks.
"""

from __future__ import annotations

import hashlib
import html
import io
import itertools
import sqlite3
import tempfile
import zipfile
from collections.abc import Iterable
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import genanki
from django.utils import timezone

from revise.catalog.models import Chapter, Course
from revise.study.models import Card
from revise.study.selectors import Deck, deck_cards

# Fixed for good (see the module docstring): drawn once from genanki's recommended range,
# 2**30 <= id < 2**31, as 2**30 + sha256("revise note type") mod 2**30.
MODEL_ID = 1_150_014_550
MODEL_NAME = "Revise"
FIELDS = ("Front", "Back", "Source")

FRONT_TEMPLATE = '<div class="front">{{Front}}</div>'
BACK_TEMPLATE = """\
{{FrontSide}}
<hr id="answer">
<div class="back">{{Back}}</div>
{{#Source}}<p class="source"><a href="{{Source}}">Read the section</a></p>{{/Source}}"""
CSS = """\
.card {
  font-family: system-ui, -apple-system, "Segoe UI", sans-serif;
  font-size: 20px;
  line-height: 1.45;
  text-align: left;
  max-width: 38em;
  margin: 0 auto;
  padding: 0 1em;
  color: #1b1b1b;
  background: #fff;
}
.night_mode .card { color: #eee; background: #1e1e1e; }
.front { font-weight: 600; }
.source { margin-top: 2em; font-size: 14px; }
.source a { color: #3558a8; }
.night_mode .source a { color: #9bb4f0; }
"""


def deck_id(key: str) -> int:
    """A stable deck id for ``key``, in genanki's recommended range [2**30, 2**31)."""
    digest = hashlib.sha256(f"revise deck {key}".encode()).digest()
    return (1 << 30) + int.from_bytes(digest[:8], "big") % (1 << 30)


def note_guid(card: Card) -> str:
    """The card's note guid in Anki: the same for every export of the card, from the
    key it was made with (a typo fix changes the key of a card without an id)."""
    return genanki.guid_for(card.course.slug, card.first_key or card.key)


def apkg_filename(course: Course, chapter: Chapter | None = None) -> str:
    """The download name: ``lenin.apkg`` or ``lenin-foreign-policy.apkg``."""
    if chapter is None:
        return f"{course.slug}.apkg"
    return f"{course.slug}-{chapter.slug}.apkg"


def apkg_build(
    *,
    cards: Iterable[Card],
    deck_name: str,
    deck_key: str,
    base_url: str = "",
    now: datetime | None = None,
) -> bytes:
    """The cards as an ``.apkg``, one subdeck ``deck_name::Chapter title`` per chapter.

    Pass the course's title and slug as ``deck_name`` and ``deck_key`` for a chapter's
    deck as for the course's, so both land in the same Anki decks. ``base_url`` (the
    site's address) makes each note's Source a link to the card's section; without it
    Source is empty, as a relative link leads nowhere inside Anki. Notes are stamped
    with ``now`` (default: the current time): Anki updates only notes that are newer.
    """
    timestamp = (now or timezone.now()).timestamp()
    model = _note_type()
    top = genanki.Deck(deck_id(deck_key), _deck_part(deck_name))
    decks = [top]
    chapter_decks: dict[int, genanki.Deck] = {}
    for due, card in enumerate(cards):
        deck = chapter_decks.get(card.chapter_id)
        if deck is None:
            chapter = card.chapter
            deck = genanki.Deck(
                deck_id(f"{deck_key}/{chapter.slug}"),
                f"{top.name}::{_deck_part(chapter.title)}",
                description=html.escape(chapter.summary),
            )
            chapter_decks[card.chapter_id] = deck
            decks.append(deck)
            if not top.description:
                top.description = html.escape(card.course.summary)
        deck.add_note(
            genanki.Note(
                model=model,
                fields=[card.front_html, card.back_html, _source(card, base_url)],
                guid=note_guid(card),
                due=due,
            )
        )
    return _package_bytes(genanki.Package(decks), timestamp)


@dataclass(frozen=True)
class DeckExport:
    """A deck ready to download: its file name, the package, and how many cards."""

    filename: str
    content: bytes
    cards: int


def deck_export(
    *,
    course: Course,
    chapter: Chapter | None = None,
    viewer: Any,
    base_url: str = "",
    now: datetime | None = None,
) -> DeckExport:
    """The chapter's (or course's) deck as ``viewer`` may see it, as an Anki package."""
    cards = list(deck_cards(deck=Deck(course=course, chapter=chapter), viewer=viewer))
    content = apkg_build(
        cards=cards,
        deck_name=course.title,
        deck_key=course.slug,
        base_url=base_url,
        now=now,
    )
    return DeckExport(apkg_filename(course, chapter), content, len(cards))


def _note_type() -> genanki.Model:
    # A fresh Model per package: genanki fills in its template dicts while writing.
    return genanki.Model(
        MODEL_ID,
        MODEL_NAME,
        fields=[{"name": name} for name in FIELDS],
        templates=[{"name": "Card 1", "qfmt": FRONT_TEMPLATE, "afmt": BACK_TEMPLATE}],
        css=CSS,
    )


def _deck_part(title: str) -> str:
    # "::" separates deck levels in Anki; a title must stay one level.
    return " ".join(title.replace("::", ":").split())


def _source(card: Card, base_url: str) -> str:
    if not base_url:
        return ""
    url = base_url.rstrip("/") + card.chapter.get_absolute_url()
    if card.anchor:
        url += f"#{card.anchor}"
    return html.escape(url)


def _package_bytes(package: genanki.Package, timestamp: float) -> bytes:
    # Package.write_to_file would leave its SQLite file behind in the temp folder
    # (genanki 0.13 makes it with mkstemp and never deletes it), so the same steps are
    # taken here in a folder that is removed afterwards.
    ids = itertools.count(int(timestamp * 1000))
    buffer = io.BytesIO()
    with tempfile.TemporaryDirectory(prefix="revise-apkg-") as folder:
        db_path = Path(folder) / "collection.anki2"
        with closing(sqlite3.connect(db_path)) as connection:
            package.write_to_db(connection.cursor(), timestamp, ids)
            connection.commit()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.write(db_path, "collection.anki2")
            archive.writestr("media", "{}")
    return buffer.getvalue()
