"""The study queue's new cards, found from a cursor, and what a study page costs.

The cursor (``NewCardCursor``) is a cache: whatever a learner does, the next new card it
gives must be the one a walk from the first card of the course gives.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from revise.accounts.models import User
from revise.catalog.models import Course
from revise.catalog.services import course_import
from revise.study import newcards, queue_sql, selectors, services
from revise.study.models import Card, CardState, LearnerSettings, NewCardCursor
from revise.study.scheduling import Rating
from tests.conftest import COURSE_YAML

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
PASSWORD = "a long enough password"


def chapter_text(number: int, cards: int, *, extra: str = "") -> str:
    lines = [
        "---",
        f"title: Chapter {number}",
        "---",
        f"Chapter {number} introduces things worth knowing.",
        "",
        "## Section",
        "",
        "::: flashcards",
    ]
    if extra:
        lines.append(extra)
    lines += [
        f"- Question {number}.{i} asked here? :: Answer {number}.{i}."
        for i in range(cards)
    ]
    lines += [":::", ""]
    return "\n".join(lines)


def course_files(cards: int, *, chapters: int = 3, extra: str = "") -> dict[str, str]:
    files = {"course.yaml": COURSE_YAML}
    for number in range(1, chapters + 1):
        files[f"{number:02d}-ch{number}.md"] = chapter_text(
            number, cards, extra=extra if number == 1 else ""
        )
    return files


@pytest.fixture
def course(db, write_course):
    course_import(path=write_course(course_files(6)))
    return Course.objects.get()


@pytest.fixture
def learner(db):
    user = User.objects.create_user("learner@example.com", PASSWORD)
    LearnerSettings.objects.create(learner=user, new_cards_per_day=999)
    return user


def deck_of(course: Course, chapter_slug: str | None = None) -> selectors.Deck:
    return selectors.deck_get(course_slug=course.slug, chapter_slug=chapter_slug)


def first_new_by_walk(deck: selectors.Deck, learner) -> Card | None:
    """The reference: the first unseen card walking from the very first card."""
    return queue_sql.first_unseen(selectors._queue(deck, learner), start=0)


def first_new(deck: selectors.Deck, learner) -> Card | None:
    """What the queue takes: the first unseen card from the learner's cursor."""
    start = newcards.cursor_start(learner=learner, course=deck.course)
    return queue_sql.first_unseen(selectors._queue(deck, learner), start=start)


def study_one(deck: selectors.Deck, learner, now: datetime, rating=Rating.GOOD):
    item = selectors.study_next(deck=deck, learner=learner, now=now)
    if item is None:
        return None
    services.card_review_record(
        learner=learner, card=item.card, rating=rating, token=item.token, now=now
    )
    return item


def test_the_cursor_moves_to_the_first_new_card_as_new_cards_are_learned(
    course, learner
):
    deck = deck_of(course)
    cards = list(Card.objects.filter(course=course).order_by("sequence"))
    for expected in cards[:4]:
        item = study_one(deck, learner, NOW + timedelta(days=30))
        assert item.is_new and item.card == expected
    cursor = NewCardCursor.objects.get(learner=learner, course=course)
    assert cursor.sequence == cards[4].sequence
    assert cursor.course_version == course.imported_at


def test_undoing_a_first_review_makes_the_card_the_next_new_card_again(course, learner):
    deck = deck_of(course)
    first = study_one(deck, learner, NOW).card
    assert first_new(deck, learner) != first
    services.review_undo(learner=learner, now=NOW)
    assert first_new(deck, learner) == first
    assert selectors.study_next(deck=deck, learner=learner, now=NOW).card == first


def test_a_card_brought_back_from_suspension_is_new_again(course, learner):
    deck = deck_of(course)
    first = Card.objects.filter(course=course).order_by("sequence").first()
    services.card_suspend(learner=learner, card=first, now=NOW)
    for _ in range(3):
        study_one(deck, learner, NOW)
    assert first_new(deck, learner) != first
    services.card_unsuspend(learner=learner, card=first)
    assert first_new(deck, learner) == first


def test_cards_seen_in_a_later_chapter_deck_are_skipped_in_the_course_deck(
    course, learner
):
    later = deck_of(course, course.chapters.order_by("position")[2].slug)
    for _ in range(6):  # the whole third chapter, before anything else
        study_one(later, learner, NOW)
    deck = deck_of(course)
    for _ in range(12):  # chapters one and two
        study_one(deck, learner, NOW)
    assert first_new(deck, learner) is None
    assert first_new_by_walk(deck, learner) is None
    assert selectors.study_counts(deck=deck, learner=learner, now=NOW).new_today == 0


def test_an_import_that_inserts_a_card_before_the_cursor_shows_it(
    write_course, learner
):
    folder = write_course(course_files(4))
    course_import(path=folder)
    course = Course.objects.get()
    deck = deck_of(course)
    for _ in range(6):
        study_one(deck, learner, NOW)
    # The author adds a card at the top of chapter one, which the learner finished.
    write_course(course_files(4, extra="- A card added later? :: Added."))
    course_import(path=folder, now=NOW + timedelta(hours=1))
    deck = deck_of(Course.objects.get())
    added = first_new(deck, learner)
    assert added is not None and added.front_text == "A card added later?"


def test_a_rebuild_forgets_cursors(course, learner):
    deck = deck_of(course)
    for _ in range(3):
        study_one(deck, learner, NOW)
    assert NewCardCursor.objects.exists()
    services.card_states_rebuild(learner=learner)
    assert not NewCardCursor.objects.exists()
    assert first_new(deck, learner) == first_new_by_walk(deck, learner)


@pytest.mark.parametrize("batch", [queue_sql.UNSEEN_BATCH, 2])
def test_the_cursor_agrees_with_a_full_walk_whatever_the_learner_does(
    write_course, learner, batch, monkeypatch
):
    """A random mix of answers, undos, suspensions and chapter decks, checked after every
    step against the walk from the first card. With a batch of 2, the queue's reads
    from the cursor run out of their first batch and take the rest."""
    monkeypatch.setattr(queue_sql, "UNSEEN_BATCH", batch)
    course_import(path=write_course(course_files(8, chapters=4)))
    course = Course.objects.get()
    slugs = [None, *course.chapters.values_list("slug", flat=True)]
    cards = list(Card.objects.filter(course=course))
    rng = random.Random(20261128)
    now = NOW
    for step in range(150):
        now += timedelta(minutes=rng.choice([1, 10, 600]))
        deck = deck_of(course, rng.choice(slugs))
        action = rng.random()
        if action < 0.6:
            study_one(deck, learner, now, rating=rng.choice(list(Rating)))
        elif action < 0.75:
            services.review_undo(learner=learner, now=now)
        elif action < 0.87:
            card = rng.choice(cards)
            services.card_suspend(learner=learner, card=card, now=now)
        else:
            card = rng.choice(cards)
            services.card_unsuspend(learner=learner, card=card)
        for slug in slugs:
            deck = deck_of(course, slug)
            assert first_new(deck, learner) == first_new_by_walk(deck, learner), step
            assert_deck_counts(deck, learner, now)
    assert CardState.objects.filter(learner=learner).exists()


def assert_deck_counts(deck: selectors.Deck, learner, now: datetime) -> None:
    """The deck page's counts, against counting every card by hand."""
    cards = Card.objects.filter(course=deck.course, retired_at__isnull=True)
    if deck.chapter is not None:
        cards = cards.filter(chapter=deck.chapter)
    suspended = set(learner.suspensions.values_list("card_id", flat=True))
    seen = set(
        CardState.objects.filter(learner=learner).values_list("card_id", flat=True)
    )
    ids = set(cards.values_list("pk", flat=True))
    counts = selectors.deck_counts(deck=deck, learner=learner, now=now)
    assert counts.suspended == len(ids & suspended)
    assert counts.total == len(ids - suspended)
    assert counts.new == len(ids - suspended - seen)
    allowance = selectors.today_get(learner=learner, now=now).allowance
    assert counts.new_today == min(allowance, counts.new)


def test_states_carry_their_cards_course(course, learner):
    deck = deck_of(course)
    for _ in range(3):
        study_one(deck, learner, NOW)
    assert set(CardState.objects.values_list("course_id", flat=True)) == {course.pk}


# --- what a page costs: queries must not grow with the deck ---------------------------


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("signed_in", [False, True])
def test_deck_and_study_pages_cost_the_same_queries_for_any_number_of_cards(
    client, write_course, learner, signed_in
):
    counts = []
    for cards in (3, 40):
        folder = write_course(course_files(cards), name=f"course-{cards}")
        report = course_import(path=folder)
        course = Course.objects.get(slug=report.course)
        if signed_in:
            client.force_login(learner)
            deck = deck_of(course)
            for _ in range(3):
                study_one(deck, learner, NOW)
        urls = [
            reverse("study:deck", args=[course.slug]),
            reverse("study:deck", args=[course.slug, "ch1"]),
            reverse("study:session", args=[course.slug]),
        ]
        counts.append([queries_for(client, url) for url in urls])
    assert counts[0] == counts[1]


def test_a_learner_without_a_cursor_gets_one_from_any_review(course, learner):
    """A learner from before cursors (or after an import) who only reviews."""
    deck = deck_of(course)
    study_one(deck, learner, NOW)
    NewCardCursor.objects.all().delete()
    study_one(deck, learner, NOW + timedelta(minutes=11))  # the learning card again
    cursor = NewCardCursor.objects.get(learner=learner, course=course)
    assert cursor.sequence == first_new(deck, learner).sequence


def test_a_retired_or_suspended_card_leaves_the_counts(write_course, learner):
    folder = write_course(course_files(4))
    course_import(path=folder)
    course = Course.objects.get()
    deck = deck_of(course)
    for _ in range(3):
        study_one(deck, learner, NOW)  # three cards in learning
    counts = selectors.study_counts(deck=deck, learner=learner, now=NOW)
    assert counts.learning == 3
    files = course_files(4)
    files["01-ch1.md"] = files["01-ch1.md"].replace(
        "- Question 1.0 asked here? :: Answer 1.0.\n", ""
    )
    write_course(files)
    course_import(path=folder, now=NOW + timedelta(hours=1))  # the first card retired
    deck = deck_of(Course.objects.get())
    assert selectors.study_counts(deck=deck, learner=learner, now=NOW).learning == 2
    second = Card.objects.get(front_text="Question 1.1 asked here?")
    services.card_suspend(learner=learner, card=second, now=NOW)
    assert selectors.study_counts(deck=deck, learner=learner, now=NOW).learning == 1


@pytest.mark.parametrize("batch", [queue_sql.UNSEEN_BATCH, 2])
def test_deck_counts_new_cards_within_the_daily_limit_in_one_statement(
    write_course, learner, batch, monkeypatch
):
    """The deck page counts every card never seen anyway, so that count gives today's
    new cards (never more than the limit): no batch, and no statement of their own
    when the next batch would hold fewer than the day allows."""
    monkeypatch.setattr(queue_sql, "UNSEEN_BATCH", batch)
    LearnerSettings.objects.filter(learner=learner).update(new_cards_per_day=5)
    course_import(path=write_course(course_files(8, chapters=4)))
    deck = deck_of(Course.objects.get())
    selectors.deck_counts(deck=deck, learner=learner, now=NOW)  # the deck's size kept
    with CaptureQueriesContext(connection) as queries:
        counts = selectors.deck_counts(deck=deck, learner=learner, now=NOW)
    assert (counts.new_today, counts.new) == (5, 32)
    # The settings with the course's, the cards started today, and the counts.
    assert len(queries) == 3, [q["sql"][:80] for q in queries]
    for _ in range(3):
        study_one(deck, learner, NOW)
    counts = selectors.deck_counts(deck=deck, learner=learner, now=NOW)
    assert (counts.new_today, counts.new) == (2, 29)
    LearnerSettings.objects.filter(learner=learner).update(new_cards_per_day=999)
    counts = selectors.deck_counts(deck=deck, learner=learner, now=NOW)
    assert (counts.new_today, counts.new) == (29, 29)
