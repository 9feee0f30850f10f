"""The deck page's card rows: built from parts kept per import (``deck_page``) and the
learner's marks read in one statement, they must read exactly as the template's loop over
the rows wrote them, and the parts kept must never give a visitor a locked card."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.template import engines
from django.test.utils import CaptureQueriesContext
from django.urls import set_script_prefix
from django.utils import timezone, translation

from revise.accounts.models import User
from revise.catalog.models import Course
from revise.catalog.services import course_import
from revise.progress import selectors as progress_selectors
from revise.study import deck_page, selectors, services
from revise.study.models import Card, CardState, Suspension
from revise.study.scheduling import LEECH_LAPSES, Rating
from tests.conftest import COURSE_YAML, answered_again

PASSWORD = "a long enough password"


def chapter(
    number: int, *, free: int = 3, locked: int = 2, word: str = "", title: str = ""
) -> str:
    """A chapter with ``free`` free cards, then ``locked`` cards in its locked part."""
    free_cards = "\n".join(
        f"- Free {number}.{i} {word}question? :: Free {number}.{i} answer."
        for i in range(free)
    )
    locked_cards = "\n".join(
        f"- Locked {number}.{i} question? :: Locked {number}.{i} answer."
        for i in range(locked)
    )
    return f"""\
---
title: {title or f"Chapter {number}"}
---
Chapter {number} opens freely.

## Free part

::: flashcards
{free_cards}
:::

<!-- locked -->

## Locked part

Chapter {number} goes on for members.

::: flashcards
{locked_cards}
:::
"""


def course_files(**chapter_one: object) -> dict[str, str]:
    return {
        "course.yaml": COURSE_YAML,
        "01-one.md": chapter(1, **chapter_one),
        "02-two.md": chapter(2),
    }


@pytest.fixture
def folder(db, write_course):
    folder = write_course(course_files())
    course_import(path=folder)
    return folder


@pytest.fixture
def course(folder) -> Course:
    return Course.objects.get()


@pytest.fixture
def learner(db):
    return User.objects.create_user("deck@example.com", PASSWORD)


@pytest.fixture
def signed_in(client, learner):
    client.force_login(learner)
    return client


def deck_url(course: Course, chapter_slug: str | None = None) -> str:
    return f"/decks/{course.slug}/" + (f"{chapter_slug}/" if chapter_slug else "")


def deck_of(course: Course, chapter_slug: str | None = None) -> selectors.Deck:
    return selectors.deck_get(course_slug=course.slug, chapter_slug=chapter_slug)


# The rows as ``study/deck_detail.html`` wrote them with a loop, before the rows were
# built in Python: the reference for what the page must still give.
LOOP = engines["django"].from_string(
    """{% for row in rows %}
    <tr{% if row.leech %} class="leech"{% endif %}>
      <td>{{ row.card.front_html|safe }}</td>
      <td>{{ row.card.back_html|safe }} <a class="source" href="{{ row.source_url }}">open the source</a></td>
      <td>{{ row.status }}{% if row.leech %} <strong class="leech-flag">Leech</strong>{% endif %}</td>
      <td>{% if row.action_url %}<button type="submit" formaction="{{ row.action_url }}" class="link-button">{{ row.action_label }}</button>{% endif %}</td>
    </tr>
  {% endfor %}"""
)

ROW = re.compile(
    r'\n    <tr( class="leech")?>\n      <td>(.*?)</td>\n      <td>(.*?)'
    r' <a class="source" href="([^"]*)">open the source</a></td>\n      <td>(.*?)'
    r'( <strong class="leech-flag">Leech</strong>)?</td>\n      <td>'
    r'(?:<button type="submit" formaction="([^"]*)" class="link-button">'
    r"([^<]*)</button>)?</td>\n    </tr>\n  ",
    re.S,
)


def rows_of(html: str) -> list[dict[str, object]]:
    """The card rows of a deck page, each as what it shows."""
    body = re.search(r"<tbody>\n  (.*?)\n  </tbody>", html, re.S).group(1)
    rows = [
        {
            "leech": bool(m[1]),
            "front": m[2],
            "back": m[3],
            "source": m[4],
            "status": m[5],
            "flag": bool(m[6]),
            "action": m[7] or "",
            "label": m[8] or "",
        }
        for m in ROW.finditer(body)
    ]
    assert "".join(m[0] for m in ROW.finditer(body)) == body, "a row of another shape"
    return rows


def row_of(rows: list[dict[str, object]], card: Card) -> dict[str, object]:
    (row,) = [r for r in rows if r["front"] == card.front_html]
    return row


def marks_of_every_kind(learner, course: Course) -> list[Card]:
    """Give the learner's cards every mark a row shows; returns the cards so marked."""
    now = timezone.now()
    cards = list(Card.objects.filter(course=course, locked=False).order_by("sequence"))

    def state(card: Card, state: int, due_days: float, lapses: int = 0) -> None:
        CardState.objects.create(
            learner=learner,
            card=card,
            course=course,
            state=state,
            step=0,
            stability=3.0,
            difficulty=5.0,
            due=now + timedelta(days=due_days),
            last_review=now,
            reps=4,
            lapses=lapses,
        )

    state(cards[0], 1, 0)  # learning
    state(cards[1], 2, 3)  # due in three days
    state(cards[2], 2, 40, LEECH_LAPSES)  # a leech, due later
    state(cards[3], 3, 0, LEECH_LAPSES + 1)  # a relearning leech
    state(cards[4], 2, 0.2, 2)  # a suspended review card
    Suspension.objects.create(learner=learner, card=cards[4], created_at=now)
    Suspension.objects.create(learner=learner, card=cards[5], created_at=now)  # new
    return cards[:6]


def reference(page: selectors.DeckCardPage) -> str:
    return LOOP.render({"rows": page.rows})


# --- the rows read as the template's loop wrote them ----------------------------------


@pytest.mark.parametrize("chapter_slug", [None, "one"])
def test_rows_are_exactly_what_the_template_loop_gave(course, learner, chapter_slug):
    marks_of_every_kind(learner, course)
    card = Card.objects.filter(course=course).order_by("sequence").first()
    Card.objects.filter(pk=card.pk).update(anchor="a\"b<c>&d'e")  # escaped in a link
    deck = deck_of(course, chapter_slug)
    for viewer in (learner, AnonymousUser()):
        page = selectors.deck_card_list(deck=deck, learner=viewer)
        assert page.html == reference(page)
        assert len(rows_of(f"<tbody>\n  {page.html}\n  </tbody>")) == len(page.rows)
    assert (
        'href="/courses/' in page.html
        and "#a&quot;b&lt;c&gt;&amp;d&#x27;e" in page.html
    )


@pytest.mark.parametrize(
    ("zone", "language"), [("Pacific/Kiritimati", "en-gb"), ("America/Adak", "fr")]
)
def test_due_dates_read_as_the_date_format_writes_them(course, learner, zone, language):
    """The rows write "Due 3 Dec" without Django's date format (it costs, a row at a
    time): the same day, in the current time zone, and the same month's name in the
    current language."""
    now = timezone.now()
    cards = Card.objects.filter(course=course).order_by("sequence")
    for days, card in enumerate(cards):
        CardState.objects.create(
            learner=learner,
            card=card,
            course=course,
            state=2,
            due=now + timedelta(days=days * 31, hours=days * 5),
            reps=1,
            lapses=0,
        )
    deck = deck_of(course)
    with timezone.override(zone), translation.override(language):
        page = selectors.deck_card_list(deck=deck, learner=learner)
        assert page.html == reference(page)
        months = {row.status for row in page.rows}
    assert len(months) == cards.count()


def test_the_page_shows_the_rows_and_the_deck_links(signed_in, learner, course):
    marks_of_every_kind(learner, course)
    html = signed_in.get(deck_url(course)).content.decode()
    page = selectors.deck_card_list(deck=deck_of(course), learner=learner)
    assert f"<tbody>\n  {page.html}\n  </tbody>" in html
    assert f"<h2>Cards ({Card.objects.count()})</h2>" in html
    assert '<ul><li><a href="/decks/course/one/">Chapter 1</a></li>' in html
    assert '<li><a href="/decks/course/two/">Chapter 2</a></li></ul>' in html
    assert '<a class="button primary" href="/study/course/">Study now</a>' in html
    chapter_page = signed_in.get(deck_url(course, "two")).content.decode()
    assert '<li><a href="/courses/course/two/">Chapter 2</a></li>' in chapter_page
    assert 'href="/decks/course/two/anki.apkg" download' in chapter_page
    assert "Chapter decks" not in chapter_page


# --- what a learner sees after suspending and after reviewing -------------------------


def test_rows_after_suspending_a_card_and_after_reviewing_one(
    signed_in, learner, course
):
    url = deck_url(course)
    first, second, third = Card.objects.filter(course=course).order_by("sequence")[:3]
    rows = rows_of(signed_in.get(url).content.decode())
    assert {r["status"] for r in rows} == {"New"}
    assert {r["label"] for r in rows} == {"Suspend"}
    row = row_of(rows, first)
    assert row["action"] == f"/cards/{first.pk}/suspend/" and not row["leech"]
    assert row["source"].startswith("/courses/course/one/")

    # Suspend with the row's own button.
    assert signed_in.post(row["action"], {"next": url}).status_code == 302
    rows = rows_of(signed_in.get(url).content.decode())
    row = row_of(rows, first)
    assert (row["status"], row["label"]) == ("Suspended", "Bring back")
    assert row["action"] == f"/cards/{first.pk}/unsuspend/"
    assert row_of(rows, second)["status"] == "New"

    # Review two cards: one forgotten (learning), one known (due in some days).
    now = timezone.now()
    for card, rating in ((second, Rating.AGAIN), (third, Rating.EASY)):
        services.card_review_record(
            learner=learner,
            card=card,
            rating=rating,
            token=services.card_token(learner=learner, card_id=card.pk),
            now=now,
        )
    rows = rows_of(signed_in.get(url).content.decode())
    assert row_of(rows, second)["status"] == "Learning"
    due = CardState.objects.get(learner=learner, card=third).due
    expected = f"Due {timezone.localtime(due).day} {timezone.localtime(due):%b}"
    assert row_of(rows, third)["status"] == expected
    assert {row_of(rows, c)["label"] for c in (second, third)} == {"Suspend"}
    assert not any(r["leech"] or r["flag"] for r in rows)

    # Forgotten eight times: a leech, flagged in its row, suspended or not.
    CardState.objects.filter(card=third).update(lapses=LEECH_LAPSES)
    row = row_of(rows_of(signed_in.get(url).content.decode()), third)
    assert row["leech"] and row["flag"] and row["status"] == expected
    Suspension.objects.create(learner=learner, card=third, created_at=now)
    row = row_of(rows_of(signed_in.get(url).content.decode()), third)
    assert row["leech"] and row["flag"]
    assert (row["status"], row["label"]) == ("Suspended", "Bring back")

    # Brought back: new again, with its suspend button.
    signed_in.post(f"/cards/{first.pk}/unsuspend/", {"next": url})
    row = row_of(rows_of(signed_in.get(url).content.decode()), first)
    assert (row["status"], row["label"]) == ("New", "Suspend")


def test_another_learners_marks_are_not_shown(client, learner, course):
    marks_of_every_kind(learner, course)
    other = User.objects.create_user("other@example.com", PASSWORD)
    client.force_login(other)
    rows = rows_of(client.get(deck_url(course)).content.decode())
    assert {r["status"] for r in rows} == {"New"}
    assert not any(r["leech"] for r in rows)


# --- locked cards never reach a visitor through what is kept --------------------------


def locked_texts() -> list[str]:
    locked = Card.objects.filter(locked=True)
    assert locked.count() >= 4
    return [text for card in locked for text in (card.front_html, card.back_html)]


def assert_visitor_gets_no_locked_card(client, course) -> None:
    texts = locked_texts()
    free = Card.objects.filter(locked=False)
    for chapter_slug in (None, "one", "two"):
        html = client.get(deck_url(course, chapter_slug)).content.decode()
        assert [t for t in texts if t in html] == []
        assert "Locked" not in html
        rows = rows_of(html)
        if chapter_slug:
            free_here = free.filter(chapter__slug=chapter_slug)
            assert len(rows) == free_here.count()
        else:
            assert len(rows) == free.count()
            assert f"Cards ({free.count()})" in html
        assert not any(r["action"] for r in rows)


def assert_learner_gets_every_card(client, course) -> None:
    html = client.get(deck_url(course)).content.decode()
    assert [t for t in locked_texts() if t not in html] == []
    assert f"Cards ({Card.objects.count()})" in html
    assert len(rows_of(html)) == Card.objects.count()


def test_a_visitor_after_a_learner_gets_no_locked_card(client, learner, course):
    client.force_login(learner)
    for chapter_slug in (None, "one", "two"):
        client.get(deck_url(course, chapter_slug))
    assert_learner_gets_every_card(client, course)
    assert deck_page.page_cards.cache_info().currsize >= 3  # the learner's are kept
    client.logout()
    assert_visitor_gets_no_locked_card(client, course)


def test_a_learner_after_a_visitor_gets_every_card(client, learner, course):
    assert_visitor_gets_no_locked_card(client, course)
    client.force_login(learner)
    assert_learner_gets_every_card(client, course)
    client.logout()
    assert_visitor_gets_no_locked_card(client, course)


def test_an_inactive_account_gets_no_locked_card_from_what_is_kept(learner, course):
    deck = deck_of(course)
    selectors.deck_card_list(deck=deck, learner=learner)  # kept for a reader
    learner.is_active = False
    page = selectors.deck_card_list(deck=deck, learner=learner)
    assert not any(row.card.locked for row in page.rows)
    assert [t for t in locked_texts() if t in page.html] == []


# --- kept per import: renewed by an import that changes a card ------------------------


def test_what_is_kept_is_renewed_by_an_import_that_changes_a_card(
    signed_in, learner, folder, write_course
):
    course = Course.objects.get()
    url = deck_url(course)
    visitor = signed_in.__class__()
    before = signed_in.get(url).content.decode()
    visitor.get(url)  # the visitor's rows kept too
    assert "Free 1.0 question?" in before and "renamed" not in before
    total = Card.objects.count()

    # The same number of cards, one of them changed: the same page of the same size.
    write_course(course_files(word="renamed ", title="The first & <best>"))
    later = timezone.now() + timedelta(minutes=1)
    course_import(path=folder, now=later)
    assert Course.objects.get().imported_at != course.imported_at
    live = Card.objects.filter(retired_at__isnull=True)
    assert live.count() == total
    for client in (signed_in, visitor):
        html = client.get(url).content.decode()
        assert "Free 1.0 renamed question?" in html
        assert "Free 1.0 question?" not in html
        assert len(rows_of(html)) == (total if client is signed_in else 6)
        assert '<a href="/decks/course/one/">The first &amp; &lt;best&gt;</a>' in html

    # A card more: the deck's size follows.
    write_course(course_files(free=4, word="renamed "))
    course_import(path=folder, now=later + timedelta(minutes=1))
    live = Card.objects.filter(retired_at__isnull=True)
    assert live.count() == total + 1
    after = signed_in.get(url).content.decode()
    assert "Free 1.3 renamed question?" in after
    assert f"Cards ({live.count()})" in after
    assert len(rows_of(after)) == live.count()
    page = visitor.get(url).content.decode()
    assert f"Cards ({live.filter(locked=False).count()})" in page


def test_a_retired_card_leaves_the_rows_after_the_import(
    signed_in, folder, write_course
):
    course = Course.objects.get()
    url = deck_url(course)
    assert "Free 1.2 question?" in signed_in.get(url).content.decode()
    write_course(course_files(free=2))
    course_import(path=folder, now=timezone.now() + timedelta(minutes=1))
    html = signed_in.get(url).content.decode()
    assert "Free 1.2 question?" not in html
    assert len(rows_of(html)) == Card.objects.filter(retired_at__isnull=True).count()


# --- pages and what a page costs ------------------------------------------------------


def test_pages_hold_the_deck_in_reading_order(learner, course, monkeypatch):
    monkeypatch.setattr(selectors, "CARDS_PER_PAGE", 3)
    deck = deck_of(course)
    expected = list(
        selectors.deck_cards(deck=deck, viewer=learner).values_list("pk", flat=True)
    )
    first = selectors.deck_card_list(deck=deck, learner=learner, page="1")
    pages = first.page.paginator.num_pages
    assert first.page.paginator.count == len(expected) and pages == 4
    seen = [
        row.card.pk
        for number in range(1, pages + 1)
        for row in selectors.deck_card_list(
            deck=deck, learner=learner, page=number
        ).rows
    ]
    assert seen == expected
    for asked, number in (("abc", 1), ("0", pages), ("999", pages), ("-1", pages)):
        page = selectors.deck_card_list(deck=deck, learner=learner, page=asked)
        assert page.page.number == number


def test_the_cards_of_a_page_cost_one_statement_once_kept(learner, course):
    deck = deck_of(course)
    with CaptureQueriesContext(connection) as cold:
        selectors.deck_card_list(deck=deck, learner=learner)
        selectors.deck_links(deck=deck)
    assert (
        len(cold) <= 5
    )  # the deck's size, its cards, their chapters, the marks; links
    with CaptureQueriesContext(connection) as warm:
        page = selectors.deck_card_list(deck=deck, learner=learner)
        selectors.deck_links(deck=deck)
    assert len(warm) == 1  # the learner's states and suspensions of the page's cards
    assert "study_cardstate" in warm[0]["sql"] and "study_suspension" in warm[0]["sql"]
    assert len(page.rows) == Card.objects.count()
    with CaptureQueriesContext(connection) as visitor:
        selectors.deck_card_list(deck=deck, learner=AnonymousUser())
        selectors.deck_card_list(deck=deck, learner=AnonymousUser())
    assert len(visitor) == 3  # kept after the first: no statement at all


def test_links_follow_the_script_prefix(learner, course):
    deck = deck_of(course)
    plain = selectors.deck_card_list(deck=deck, learner=learner).html
    set_script_prefix("/revise/")
    try:
        prefixed = selectors.deck_card_list(deck=deck, learner=learner).html
        links = selectors.deck_links(deck=deck)
    finally:
        set_script_prefix("/")
    assert 'formaction="/revise/cards/' in prefixed and "/revise/courses/" in prefixed
    assert links.session == "/revise/study/course/"
    assert "/revise/" not in plain
    assert selectors.deck_card_list(deck=deck, learner=learner).html == plain


DUE_NOW = re.compile(
    r"SELECT COUNT\(\*\) FROM study_cardstate s WHERE s.learner_id = \d+ AND s.due <= "
)


@pytest.mark.parametrize("which", ["deck", "study"])
def test_the_header_count_is_read_with_the_pages_counts(
    signed_in, learner, course, which
):
    """The deck page and the study page show the header's due count without a
    statement of its own: it comes in the counts' statement."""
    answered_again(learner, Card.objects.filter(locked=False)[:2])
    url = deck_url(course) if which == "deck" else f"/study/{course.slug}/"
    signed_in.get(url)  # what is kept per process, made
    with CaptureQueriesContext(connection) as queries:
        html = signed_in.get(url).text
    assert '<span class="badge">2<span class="visually-hidden"> due</span>' in html
    assert progress_selectors.due_now_count(learner=learner, now=timezone.now()) == 2
    statements = [q["sql"] for q in queries]
    reading = [sql for sql in statements if DUE_NOW.search(sql)]
    assert len(reading) == 1, statements
    assert "study_suspension" in reading[0]  # the counts' statement, not one alone
    assert reading[0].count("SELECT") > 8


# The counts as ``study/deck_detail.html`` wrote them with template nodes, before the
# deck_counts tag: the reference for what the page must still give.
COUNTS = engines["django"].from_string(
    """{% load tz %}
  <dl class="counts" aria-label="Your deck today">
    <div><dt>New</dt><dd data-count="new">{{ counts.new }}</dd></div>
    <div><dt>Learning</dt><dd data-count="learning">{{ counts.learning }}</dd></div>
    <div><dt>Due today</dt><dd data-count="due">{{ counts.due }}</dd></div>
  </dl>
  <p class="meta">
    {% if counts.ready %}Cards are due now.{% elif counts.next_due %}Next card due in {{ counts.next_due_in }} ({{ counts.next_due|timezone:counts.time_zone|date:"j M, H:i T" }}).{% else %}No card scheduled yet.{% endif %}
    Up to {{ counts.new_today }} new card{{ counts.new_today|pluralize }} today.
    {% if counts.suspended %}{{ counts.suspended }} suspended.{% endif %}
  </p>
"""
)


@pytest.mark.parametrize(
    ("next_due", "zone", "new_today", "suspended", "ready"),
    [
        (None, "UTC", 0, 0, False),
        (timezone.now() + timedelta(minutes=10), "UTC", 1, 0, False),
        (timezone.now() + timedelta(days=40), "Europe/London", 20, 3, False),
        (timezone.now() + timedelta(days=200), "America/New_York", 2, 1, False),
        (timezone.now() + timedelta(hours=5), "Asia/Kolkata", 999, 1000, False),
        (timezone.now() - timedelta(minutes=3), "UTC", 5, 0, True),
    ],
)
def test_the_counts_read_as_the_template_wrote_them(
    next_due, zone, new_today, suspended, ready
):
    from revise.study.scheduling import interval_label
    from revise.study.templatetags.deck_marks import deck_counts

    counts = selectors.DeckCounts(
        new_today=new_today,
        learning=4,
        due=12,
        next_due=next_due,
        next_due_in=interval_label(next_due - timezone.now()) if next_due else "",
        time_zone=zone,
        due_now=7,
        new=1234,
        total=2000,
        suspended=suspended,
        ready=ready,
    )
    assert deck_counts(counts) == COUNTS.render({"counts": counts})
