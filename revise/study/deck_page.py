"""What the deck page shows, built from parts kept per import.

A row's card part (front, back, the link to its source, the suspend and bring-back
buttons) changes only when an import changes the course, which moves the course's
``imported_at``; it is rendered to HTML once per process and kept by that time
(:func:`page_cards`, with the deck's size in :func:`deck_size`), and so are the page's
links and its list of chapter decks (:func:`deck_links`). What is the learner's (the
status, the leech mark, which button) is read in one statement per page
(:func:`queue_sql.learner_marks`, no model instances) and put between the kept parts
(:func:`rows_html`), with no template loop: the page lists up to a few hundred rows,
and resolving a template's variables for each cost more than the rest of the page.

The rows are exactly what ``study/deck_detail.html``'s loop over them gave before
(``tests/test_deck_page.py``). Front and back are safe HTML from the import; every other
value put into a row is escaped here.

Locked cards: a key holds whether the viewer may read them (ask
:func:`revise.accounts.access.can_read_locked`), so a visitor's rows are built and kept
apart from a signed-in learner's and never hold a locked card.
"""

from __future__ import annotations

import functools
from datetime import datetime
from typing import Any, NamedTuple

from django.urls import reverse
from django.utils import dateformat, timezone, translation
from django.utils.dates import MONTHS_3
from django.utils.html import escape, format_html_join
from django.utils.safestring import SafeString, mark_safe

from revise.catalog.models import Chapter
from revise.memo import kept_per_import
from revise.study import queue_sql
from revise.study.models import Card

# The row as the template wrote it, cut where the card's and the learner's parts go:
# _TR front _CELL back source_cell status [_LEECH_FLAG] _CELL [button] _CLOSE
_TR = "\n    <tr>\n      <td>"
_TR_LEECH = '\n    <tr class="leech">\n      <td>'
_CELL = "</td>\n      <td>"
_LEECH_FLAG = ' <strong class="leech-flag">Leech</strong>'
_CLOSE = "</td>\n    </tr>\n  "


class PageCard(NamedTuple):
    """One card of a deck page as kept per import: its fields and its row's parts."""

    id: int
    chapter_id: int
    sequence: int
    locked: bool
    anchor: str
    front_html: str
    back_html: str
    source_url: str
    suspend_url: str
    bring_back_url: str
    # The source's link, then the end of the answer's cell and the status cell's start.
    source_cell: str
    suspend_button: str
    bring_back_button: str


def _button(url: str, label: str) -> str:
    return (
        f'<button type="submit" formaction="{escape(url)}"'
        f' class="link-button">{label}</button>'
    )


def live_card_query(
    course_id: int, chapter_id: int | None, locked_ok: bool
) -> Any:  # QuerySet[Card]
    """The live cards of a course or chapter, in reading order; locked ones only if
    ``locked_ok`` (what :func:`revise.accounts.access.can_read_locked` says of the
    viewer). A retired chapter's cards are retired with it by the import
    (``tests/test_import.py``), so the card's own ``retired_at`` is the check."""
    cards = Card.objects.filter(course_id=course_id, retired_at__isnull=True)
    if chapter_id is not None:
        cards = cards.filter(chapter_id=chapter_id)
    if not locked_ok:
        cards = cards.filter(locked=False)
    return cards.order_by("sequence")


@kept_per_import(maxsize=1024)
def deck_size(
    course_id: int, imported_at: datetime, chapter_id: int | None, locked_ok: bool
) -> int:
    """How many live cards of the deck the viewer may see, as of the import."""
    return live_card_query(course_id, chapter_id, locked_ok).count()


# A page holds up to 200 cards, each card's HTML kept once: some 0.2 MB for the sample
# course's. 64 pages bound a process's memo to some 15 MB; a course's pages are read
# again only while its import is the latest.
@kept_per_import(maxsize=64)
def page_cards(
    course_id: int,
    course_slug: str,
    imported_at: datetime,
    chapter_id: int | None,
    locked_ok: bool,
    start: int,
    stop: int,
    script_prefix: str,  # the links are reversed under it
) -> tuple[PageCard, ...]:
    """The deck's cards ``start`` to ``stop`` (in reading order) the viewer may see,
    with their rows' parts, as of the import at ``imported_at``."""
    del script_prefix  # a key only: reverse() reads it from the thread
    values = list(
        live_card_query(course_id, chapter_id, locked_ok).values_list(
            "pk",
            "chapter_id",
            "sequence",
            "locked",
            "anchor",
            "front_html",
            "back_html",
        )[start:stop]
    )
    chapter_urls = {
        pk: reverse("catalog:chapter", args=[course_slug, slug])
        for pk, slug in Chapter.objects.filter(
            pk__in={row[1] for row in values}
        ).values_list("pk", "slug")
    }
    cards = []
    for pk, chapter, sequence, locked, anchor, front, back in values:
        source = chapter_urls[chapter]
        source_url = f"{source}#{anchor}" if anchor else source
        source_cell = (
            f' <a class="source" href="{escape(source_url)}">open the source</a>{_CELL}'
        )
        suspend = reverse("study:suspend", args=[pk])
        bring_back = reverse("study:unsuspend", args=[pk])
        cards.append(
            PageCard(
                id=pk,
                chapter_id=chapter,
                sequence=sequence,
                locked=locked,
                anchor=anchor,
                front_html=front,
                back_html=back,
                source_url=source_url,
                suspend_url=suspend,
                bring_back_url=bring_back,
                source_cell=source_cell,
                suspend_button=_button(suspend, "Suspend"),
                bring_back_button=_button(bring_back, "Bring back"),
            )
        )
    return tuple(cards)


class DeckLinks(NamedTuple):
    """The deck page's links, and its list of chapter decks (a course deck's) as HTML
    (the frame's own, such as home and sign-up, are ``links``: revise/context_processors.py)."""

    course: str
    chapter: str  # "" for a course deck
    session: str
    export: str
    settings: str
    chapter_decks: SafeString


@kept_per_import(maxsize=256)
def deck_links(
    course_id: int,
    course_slug: str,
    imported_at: datetime,
    chapter_slug: str | None,
    script_prefix: str,  # the links are reversed under it
) -> DeckLinks:
    """The links of a course's deck page (``chapter_slug`` None) or of a chapter's, as of
    the import at ``imported_at``. The chapter decks' list has one link per live chapter:
    a course of hundreds of chapters would otherwise reverse hundreds of URLs a page."""
    del script_prefix  # a key only: reverse() reads it from the thread
    deck = [course_slug] if chapter_slug is None else [course_slug, chapter_slug]
    decks = SafeString("")
    if chapter_slug is None:
        chapters = Chapter.objects.filter(
            course_id=course_id, retired_at__isnull=True
        ).order_by("position")
        decks = format_html_join(
            "",
            '<li><a href="{}">{}</a></li>',
            (
                (reverse("study:deck", args=[course_slug, slug]), title)
                for slug, title in chapters.values_list("slug", "title")
            ),
        )
    return DeckLinks(
        course=reverse("catalog:course", args=[course_slug]),
        chapter=reverse("catalog:chapter", args=deck) if chapter_slug else "",
        session=reverse("study:session", args=deck),
        export=reverse("study:export", args=deck),
        settings=reverse("study:settings"),
        chapter_decks=decks,
    )


def status(mark: queue_sql.Mark | None) -> str:
    """A row's status: New, Learning, Suspended, or when a card in review is due ("Due 3
    Dec", in the current time zone)."""
    if mark is None or (mark.state is None and not mark.suspended):
        return "New"
    if mark.suspended:
        return "Suspended"
    if mark.state != queue_sql.REVIEW_STATE:
        return "Learning"
    return f"Due {dateformat.format(timezone.localtime(mark.due), 'j M')}"


@functools.lru_cache(maxsize=64)
def _months(language: str | None) -> tuple[str, ...]:
    """The months' short names (1 to 12) as the date format "M" writes them, escaped."""
    del language  # a key only: the names are translated into the active language
    return ("", *(escape(str(MONTHS_3[m]).title()) for m in range(1, 13)))


def rows_html(
    cards: tuple[PageCard, ...],
    marks: dict[int, queue_sql.Mark] | None,
    *,
    signed_in: bool,
) -> SafeString:
    """The page's rows: a visitor's, or a learner's with their marks."""
    parts: list[str] = []
    if not signed_in:
        for card in cards:
            parts += (_TR, card.front_html, _CELL, card.back_html, card.source_cell)
            parts += ("New", _CELL, _CLOSE)
        return mark_safe("".join(parts))  # noqa: S308 - fronts and backs are safe HTML
    marks = marks or {}
    zone = months = None
    for card in cards:
        mark = marks.get(card.id)
        if mark is None:
            parts += (_TR, card.front_html, _CELL, card.back_html, card.source_cell)
            parts += ("New", _CELL, card.suspend_button, _CLOSE)
            continue
        if mark.state == queue_sql.REVIEW_STATE and not mark.suspended:
            if zone is None:  # "Due 3 Dec", as status() writes it, for less
                zone = timezone.get_current_timezone()
                months = _months(translation.get_language())
            local = mark.due.astimezone(zone)
            label = f"Due {local.day} {months[local.month]}"
        else:
            label = status(mark)  # a fixed word, nothing to escape
        parts += (
            _TR_LEECH if mark.leech else _TR,
            card.front_html,
            _CELL,
            card.back_html,
            card.source_cell,
            label,
            _LEECH_FLAG if mark.leech else "",
            _CELL,
            card.bring_back_button if mark.suspended else card.suspend_button,
            _CLOSE,
        )
    return mark_safe("".join(parts))  # noqa: S308 - fronts and backs are safe HTML
