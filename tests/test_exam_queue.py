"""The study queue under an exam plan: new cards as the plan spreads them, the plan's
reviews, and no interval that jumps the exam."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from revise.accounts.models import User
from revise.catalog.models import Course
from revise.catalog.services import course_import
from revise.study import exams, queue_sql, selectors, services
from revise.study.models import CardState, Exam, LearnerSettings
from revise.study.scheduling import Rating, interval_label
from tests.test_study_queue import course_files

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)  # the learner's day starts at 4 am UTC
PASSWORD = "a long enough password"


@pytest.fixture
def course(db, write_course):
    course_import(path=write_course(course_files(15)))  # 3 chapters, 45 cards
    return Course.objects.get()


@pytest.fixture
def learner(db):
    user = User.objects.create_user("exam@example.com", PASSWORD)
    LearnerSettings.objects.create(learner=user)  # 20 new cards a day
    return user


def exam_in(learner, course, days: int, minutes: int = 30) -> Exam:
    return Exam.objects.create(
        learner=learner,
        course=course,
        exam_date=NOW.date() + timedelta(days=days),
        daily_minutes=minutes,
        created_at=NOW,
    )


def deck_of(course: Course) -> selectors.Deck:
    return selectors.deck_get(course_slug=course.slug)


def answer(deck, learner, now: datetime, rating: Rating = Rating.GOOD):
    item = selectors.study_next(deck=deck, learner=learner, now=now)
    if item is None:
        return None, None
    outcome = services.card_review_record(
        learner=learner, card=item.card, rating=rating, token=item.token, now=now
    )
    assert outcome.recorded
    return item, outcome.log


def introduced_today(learner, course) -> int:
    return queue_sql.introduced_since(
        learner_id=learner.pk,
        since=NOW.replace(hour=4),
        course_id=course.pk,
    )


def test_new_cards_a_day_follow_the_plan_not_the_daily_limit(course, learner):
    exam_in(learner, course, days=10)
    plan = exams.exam_day_get(learner=learner, course=course, now=NOW)
    assert plan is not None and plan.new_cards != 20
    deck = deck_of(course)
    counts = selectors.study_counts(deck=deck, learner=learner, now=NOW)
    assert counts.new_today == plan.new_cards
    now = NOW
    while answer(deck, learner, now, Rating.EASY)[0] is not None:
        now += timedelta(seconds=30)
    assert introduced_today(learner, course) == plan.new_cards


def test_without_an_exam_the_daily_limit_holds(course, learner):
    deck = deck_of(course)
    now = NOW
    while answer(deck, learner, now, Rating.EASY)[0] is not None:
        now += timedelta(seconds=30)
    assert introduced_today(learner, course) == 20


def test_no_interval_jumps_the_exam_and_the_buttons_say_so(course, learner):
    exam = exam_in(learner, course, days=30)
    exam_starts = datetime.combine(exam.exam_date, datetime.min.time(), tzinfo=UTC)
    deck = deck_of(course)
    now = NOW
    for _ in range(60):
        item, log = answer(deck, learner, now, Rating.EASY)
        if item is None:
            now += timedelta(days=1)
            continue
        due = datetime.fromisoformat(log.state_after["due"])
        assert due < exam_starts, "brought back before the exam"
        shown = item.intervals[Rating.EASY]
        assert shown == interval_label(due - now), "the button showed what is stored"
        now += timedelta(minutes=1)
    assert CardState.objects.filter(learner=learner).exists()
    # The log holds the due dates given: a rebuild from it changes nothing.
    assert services.card_states_rebuild(learner=learner, dry_run=True).changed == 0


def test_in_the_last_days_the_plan_brings_back_cards_fsrs_has_not_made_due(
    course, learner
):
    deck = deck_of(course)
    then = NOW - timedelta(days=3)
    for _ in range(20):  # learned three days before with Easy: due in a week or more
        answer(deck, learner, then, Rating.EASY)
        then += timedelta(seconds=30)
    exam_in(learner, course, days=4)
    plan = exams.exam_day_get(learner=learner, course=course, now=NOW)
    assert plan.reviews, "the final days review the cards"
    not_due = [
        s.card_id
        for s in CardState.objects.filter(learner=learner, card_id__in=plan.reviews)
        if s.due > NOW.replace(hour=4) + timedelta(days=1)
    ]
    assert not_due, "some of them FSRS would not have shown today"
    item = selectors.study_next(deck=deck, learner=learner, now=NOW)
    assert item is not None and item.card.pk in plan.reviews
    counts = selectors.study_counts(deck=deck, learner=learner, now=NOW)
    assert counts.due >= len(not_due)


def test_after_the_exam_the_course_is_back_on_the_normal_schedule(course, learner):
    exam_in(learner, course, days=-1)
    assert exams.exam_day_get(learner=learner, course=course, now=NOW) is None
    deck = deck_of(course)
    counts = selectors.study_counts(deck=deck, learner=learner, now=NOW)
    assert counts.new_today == 20


def test_after_days_away_the_backlog_comes_in_the_plans_order_within_the_budget(
    course, learner
):
    deck = deck_of(course)
    then = NOW - timedelta(days=40)
    while answer(deck, learner, then, Rating.GOOD)[0] is not None:
        then += timedelta(minutes=11)  # forty cards learned weeks ago, then away
    due = CardState.objects.filter(learner=learner, state=2, due__lt=NOW).count()
    exam_in(learner, course, days=21, minutes=5)
    plan = exams.exam_day_get(learner=learner, course=course, now=NOW)
    assert 0 < len(plan.reviews) < due, "five minutes take only part of the backlog"
    shown = []
    now = NOW
    for _ in plan.reviews:
        item, _log = answer(deck, learner, now)
        shown.append(item.card.pk)
        now += timedelta(seconds=20)
    assert shown == list(plan.reviews), "most valuable first, as planned"
    # Beyond the day's plan, the rest of the backlog is still there for the keen.
    item = selectors.study_next(deck=deck, learner=learner, now=now)
    assert item is not None and item.card.pk not in plan.reviews


def test_the_queue_plans_again_after_a_session_of_answers(course, learner, monkeypatch):
    from revise.study import exam as planner

    calls = []
    real = planner.exam_today
    monkeypatch.setattr(
        planner, "exam_today", lambda *a, **k: calls.append(1) or real(*a, **k)
    )
    exam_in(learner, course, days=10)
    deck = deck_of(course)
    now = NOW
    for _ in range(exams.REPLAN_EVERY - 1):
        assert answer(deck, learner, now, Rating.GOOD)[0] is not None
        now += timedelta(minutes=11)  # learning cards come back
    assert len(calls) == 1, "planned once for the day's first answers"
    assert answer(deck, learner, now, Rating.GOOD)[0] is not None
    selectors.study_next(deck=deck, learner=learner, now=now)
    assert len(calls) == 2, "and again once a session's worth of answers is in"
