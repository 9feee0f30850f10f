"""Exams (issue 12): setting an exam for a course, and the plan the pages show."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError

from revise.accounts.models import User
from revise.catalog.models import Course
from revise.catalog.services import course_import
from revise.study import exams
from revise.study.exam import ExamCard, exam_plan
from revise.study.models import Card, CardState, Exam, LearnerSettings, ReviewLog
from revise.study.scheduling import Rating
from revise.study.services import (
    card_review_record,
    card_suspend,
    card_token,
    memory_of,
)
from tests.conftest import SAMPLE_COURSE

NOW = datetime(2026, 3, 2, 12, tzinfo=UTC)
TODAY = date(2026, 3, 2)
PASSWORD = "a long enough password"
EXAM_URL = "/exams/lenin/"


@pytest.fixture
def course(db) -> Course:
    course_import(path=SAMPLE_COURSE)
    return Course.objects.get(slug="lenin")


@pytest.fixture
def learner(course) -> User:
    return User.objects.create_user("learner@example.com", PASSWORD)


@pytest.fixture
def signed_in(client, learner):
    client.force_login(learner)
    return client


def study(learner, cards, *, now: datetime, rating: Rating = Rating.GOOD) -> None:
    for card in cards:
        card_review_record(
            learner=learner,
            card=card,
            rating=rating,
            token=card_token(learner=learner, card_id=card.pk),
            now=now,
            duration_ms=8_000,
        )


def ahead(days: int) -> date:
    """The date ``days`` from today (UTC, the learners' time zone here)."""
    return datetime.now(UTC).date() + timedelta(days=days)


def live_cards(course: Course) -> list[Card]:
    return list(Card.objects.filter(course=course, retired_at__isnull=True))


# --- The model and the services ----------------------------------------------------


def test_exam_set_creates_then_changes_one_exam_per_course(learner, course):
    first = exams.exam_set(
        learner=learner,
        course=course,
        exam_date=TODAY + timedelta(days=30),
        daily_minutes=20,
        now=NOW,
    )
    later = NOW + timedelta(hours=1)
    again = exams.exam_set(
        learner=learner,
        course=course,
        exam_date=TODAY + timedelta(days=40),
        daily_minutes=45,
        now=later,
    )
    assert again.pk == first.pk and Exam.objects.count() == 1
    again.refresh_from_db()
    assert (again.exam_date, again.daily_minutes) == (TODAY + timedelta(days=40), 45)
    assert again.created_at == NOW, "changing an exam keeps when it was set"


@pytest.mark.parametrize(
    ("exam_date", "minutes", "field"),
    [
        (TODAY, 20, "exam_date"),
        (TODAY - timedelta(days=1), 20, "exam_date"),
        (date(2028, 3, 3), 20, "exam_date"),
        (TODAY + timedelta(days=30), 4, "daily_minutes"),
        (TODAY + timedelta(days=30), 601, "daily_minutes"),
    ],
)
def test_exam_set_refuses_a_date_not_ahead_or_too_far_and_minutes_out_of_range(
    learner, course, exam_date, minutes, field
):
    with pytest.raises(ValidationError) as refused:
        exams.exam_set(
            learner=learner,
            course=course,
            exam_date=exam_date,
            daily_minutes=minutes,
            now=NOW,
        )
    assert set(refused.value.message_dict) == {field}
    assert not Exam.objects.exists()


def test_exam_set_takes_a_date_exactly_two_years_ahead(learner, course):
    exam = exams.exam_set(
        learner=learner,
        course=course,
        exam_date=date(2028, 3, 2),
        daily_minutes=600,
        now=NOW,
    )
    assert exam.exam_date == date(2028, 3, 2)


def test_exam_set_reads_tomorrow_in_the_learners_time_zone(learner, course):
    """At 20:00 UTC it is already the next day in Tokyo: that day is not ahead."""
    LearnerSettings.objects.create(learner=learner, time_zone="Asia/Tokyo")
    evening = datetime(2026, 3, 2, 20, tzinfo=UTC)  # 3 March, 05:00 in Tokyo
    with pytest.raises(ValidationError):
        exams.exam_set(
            learner=learner,
            course=course,
            exam_date=date(2026, 3, 3),
            daily_minutes=20,
            now=evening,
        )
    exams.exam_set(
        learner=learner,
        course=course,
        exam_date=date(2026, 3, 4),
        daily_minutes=20,
        now=evening,
    )


def test_exam_clear_removes_only_that_courses_exam(learner, course, write_course):
    course_import(path=write_course())
    other_course = Course.objects.exclude(pk=course.pk).get()
    for each in (course, other_course):
        exams.exam_set(
            learner=learner,
            course=each,
            exam_date=TODAY + timedelta(days=30),
            daily_minutes=20,
            now=NOW,
        )
    assert [e.course for e in exams.exams_of(learner=learner)] == sorted(
        [course, other_course], key=lambda c: c.title
    )
    assert exams.exam_clear(learner=learner, course=course) is True
    assert exams.exam_clear(learner=learner, course=course) is False
    assert [e.course for e in exams.exams_of(learner=learner)] == [other_course]


# --- The plan ------------------------------------------------------------------------


def test_no_plan_without_an_exam_and_none_on_or_after_the_exam_day(learner, course):
    assert exams.exam_plan_get(learner=learner, course=course, now=NOW) is None
    exams.exam_set(
        learner=learner,
        course=course,
        exam_date=TODAY + timedelta(days=3),
        daily_minutes=20,
        now=NOW,
    )
    assert exams.exam_plan_get(learner=learner, course=course, now=NOW) is not None
    for days in (3, 4, 30):
        later = NOW + timedelta(days=days)
        assert exams.exam_plan_get(learner=learner, course=course, now=later) is None


def test_plan_introduces_every_card_before_the_exam_when_it_fits(learner, course):
    exams.exam_set(
        learner=learner,
        course=course,
        exam_date=TODAY + timedelta(days=30),
        daily_minutes=30,
        now=NOW,
    )
    plan = exams.exam_plan_get(learner=learner, course=course, now=NOW)
    cards = len(live_cards(course))
    assert plan.days_left == 30 and plan.today == TODAY
    assert plan.cards == plan.new_cards == cards
    assert plan.fits and plan.left_out == 0
    assert plan.total_new == cards
    assert len(plan.rows) == exams.ROWS_SHOWN
    assert [row.day for row in plan.rows] == [
        TODAY + timedelta(days=n) for n in range(exams.ROWS_SHOWN)
    ]
    assert plan.first.new > 0
    assert 0 < plan.predicted_percent <= 100


def test_plan_rows_keep_to_the_daily_budget(learner, course):
    cards = live_cards(course)
    study(learner, cards[:60], now=NOW - timedelta(days=5))
    exams.exam_set(
        learner=learner,
        course=course,
        exam_date=TODAY + timedelta(days=20),
        daily_minutes=5,
        now=NOW,
    )
    plan = exams.exam_plan_get(learner=learner, course=course, now=NOW)
    assert plan.rows and all(row.seconds <= 5 * 60 + 1e-6 for row in plan.rows)
    assert sum(row.reviews for row in plan.rows) > 0


def test_plan_view_agrees_with_exam_plan_on_the_same_cards(learner, course):
    """The page's numbers are exam_plan's, on the course's live, unsuspended cards."""
    cards = live_cards(course)
    study(learner, cards[:40], now=NOW - timedelta(days=3))
    card_suspend(learner=learner, card=cards[50], now=NOW)
    Card.objects.filter(pk=cards[51].pk).update(retired_at=NOW)
    exams.exam_set(
        learner=learner,
        course=course,
        exam_date=TODAY + timedelta(days=25),
        daily_minutes=15,
        now=NOW,
    )
    view = exams.exam_plan_get(learner=learner, course=course, now=NOW)
    states = {s.card_id: s for s in CardState.objects.filter(learner=learner)}
    kept = [
        c
        for c in sorted(cards, key=lambda c: c.sequence)
        if c.pk not in (cards[50].pk, cards[51].pk)
    ]
    plan = exam_plan(
        [ExamCard(id=c.pk, memory=memory_of(states.get(c.pk))) for c in kept],
        today=TODAY,
        exam=TODAY + timedelta(days=25),
        daily_seconds=15 * 60,
        time_zone="UTC",
        day_hour=4,
    )
    assert view.cards == len(kept) and view.new_cards == len(kept) - 40
    assert view.predicted_percent == round(plan.predicted_recall * 100)
    assert view.fits == plan.fits and view.left_out == len(plan.left_out)
    assert [r.new for r in view.rows] == plan.new_per_day[: exams.ROWS_SHOWN]
    assert [r.reviews for r in view.rows] == plan.reviews_per_day[: exams.ROWS_SHOWN]
    assert view.total_new == sum(plan.new_per_day)


def test_plan_counts_time_and_new_cards_studied_today(learner, course):
    cards = live_cards(course)
    exams.exam_set(
        learner=learner,
        course=course,
        exam_date=TODAY + timedelta(days=30),
        daily_minutes=10,
        now=NOW,
    )
    before = exams.exam_plan_get(learner=learner, course=course, now=NOW)
    study(learner, cards[:5], now=NOW)
    ReviewLog.objects.filter(pk=ReviewLog.objects.last().pk).update(
        duration_ms=3_600_000
    )  # a card left open for an hour counts a minute
    after = exams.exam_plan_get(learner=learner, course=course, now=NOW)
    assert after.minutes_spent_today == round((4 * 8 + 60) / 60)
    assert after.first.seconds <= 10 * 60 - (4 * 8 + 60) + 1e-6
    assert after.new_cards == before.new_cards - 5


def test_a_budget_too_small_says_how_many_cards_cannot_be_introduced(learner, course):
    exams.exam_set(
        learner=learner,
        course=course,
        exam_date=TODAY + timedelta(days=2),
        daily_minutes=5,
        now=NOW,
    )
    plan = exams.exam_plan_get(learner=learner, course=course, now=NOW)
    assert not plan.fits and plan.left_out > 0
    assert plan.total_new + plan.left_out == plan.new_cards


# --- The pages -----------------------------------------------------------------------


def test_a_visitor_is_sent_to_sign_in(client, course):
    response = client.get(EXAM_URL)
    assert response.status_code == 302 and "/accounts/sign-in/" in response["Location"]
    response = client.post(EXAM_URL, {"exam_date": "2099-01-01", "daily_minutes": 20})
    assert response.status_code in (302, 403)
    assert not Exam.objects.exists()


def test_a_visitor_sees_nothing_of_exams_on_the_course_page(client, course, learner):
    exams.exam_set(
        learner=learner,
        course=course,
        exam_date=ahead(30),
        daily_minutes=20,
        now=datetime.now(UTC),
    )
    html = client.get("/courses/lenin/").content.decode()
    assert "data-exam-summary" not in html and "Set an exam date" not in html


def test_setting_an_exam_by_form_shows_the_plan(signed_in, learner):
    day = ahead(30).isoformat()
    response = signed_in.post(EXAM_URL, {"exam_date": day, "daily_minutes": "20"})
    assert response.status_code == 302 and response["Location"] == EXAM_URL
    html = signed_in.get(EXAM_URL).content.decode()
    assert re.search(r'data-exam="days-left">(29|30|31)<', html)
    assert re.search(r'data-exam="predicted">\d+%<', html)
    assert 'data-table="exam-days"' in html
    assert Exam.objects.get(learner=learner).daily_minutes == 20


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"exam_date": "2020-01-01", "daily_minutes": "20"}, "must be after today"),
        ({"exam_date": "2999-01-01", "daily_minutes": "20"}, "at most two years"),
        ({"exam_date": "next week", "daily_minutes": "20"}, "Enter a valid date"),
        ({"exam_date": "2099-01-01", "daily_minutes": "2"}, "greater than or equal"),
        ({"exam_date": "", "daily_minutes": ""}, "This field is required"),
    ],
)
def test_bad_input_gets_form_errors_and_keeps_what_was_typed(signed_in, data, message):
    response = signed_in.post(EXAM_URL, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html and 'class="error"' in html
    if data["exam_date"]:
        assert f'value="{data["exam_date"]}"' in html
    assert not Exam.objects.exists()


def test_an_unknown_course_is_a_404(signed_in):
    assert signed_in.get("/exams/no-such-course/").status_code == 404
    assert signed_in.post("/exams/no-such-course/", {}).status_code == 404
    assert signed_in.post("/exams/no-such-course/remove/").status_code == 404


def test_removing_the_exam(signed_in, learner, course):
    exams.exam_set(
        learner=learner,
        course=course,
        exam_date=ahead(30),
        daily_minutes=20,
        now=datetime.now(UTC),
    )
    response = signed_in.post(EXAM_URL + "remove/", follow=True)
    assert not Exam.objects.exists()
    assert "back on the normal schedule" in response.content.decode()


def test_another_learners_exam_is_never_shown(signed_in, course, client):
    other = User.objects.create_user("other@example.com", PASSWORD)
    exams.exam_set(
        learner=other,
        course=course,
        exam_date=ahead(45),
        daily_minutes=33,
        now=datetime.now(UTC),
    )
    page = signed_in.get(EXAM_URL).content.decode()
    assert "data-exam=" not in page and 'value="33"' not in page
    assert "Set an exam date" in signed_in.get("/courses/lenin/").content.decode()
    assert 'data-table="exams"' not in signed_in.get("/dashboard/").content.decode()
    # removing "their" exam removes nothing of the other learner's
    signed_in.post(EXAM_URL + "remove/")
    assert Exam.objects.filter(learner=other).count() == 1


def test_course_page_and_dashboard_show_the_learners_exam(signed_in, learner, course):
    exams.exam_set(
        learner=learner,
        course=course,
        exam_date=ahead(30),
        daily_minutes=20,
        now=datetime.now(UTC),
    )
    course_page = signed_in.get("/courses/lenin/")
    assert "no-store" in course_page.get("Cache-Control", "") or "private" in (
        course_page.get("Cache-Control", "")
    )
    html = course_page.content.decode()
    assert "data-exam-summary" in html and "See the plan or change the exam" in html
    dashboard = signed_in.get("/dashboard/").content.decode()
    assert 'data-exam-row="lenin"' in dashboard and f'href="{EXAM_URL}"' in dashboard
    assert re.search(r'data-exam="predicted">\d+%<', dashboard)


def test_a_past_exam_says_the_course_is_back_on_the_normal_schedule(
    signed_in, learner, course
):
    exams.exam_set(
        learner=learner,
        course=course,
        exam_date=ahead(5),
        daily_minutes=20,
        now=datetime.now(UTC),
    )
    Exam.objects.update(exam_date=ahead(-2))
    html = signed_in.get(EXAM_URL).content.decode()
    assert "back on the normal schedule" in html and 'data-exam="over"' in html
    assert "Exam day reached" in signed_in.get("/dashboard/").content.decode()


def test_exam_page_course_page_and_dashboard_query_counts_are_capped(
    signed_in, learner, course, django_assert_max_num_queries
):
    """The plan is made once (the cache's write costs a few queries), then read back."""
    exams.exam_set(
        learner=learner,
        course=course,
        exam_date=ahead(30),
        daily_minutes=20,
        now=datetime.now(UTC),
    )
    with django_assert_max_num_queries(16):
        assert signed_in.get(EXAM_URL).status_code == 200
    with django_assert_max_num_queries(11):
        assert signed_in.get(EXAM_URL).status_code == 200
    with django_assert_max_num_queries(13):
        assert signed_in.get("/courses/lenin/").status_code == 200
    # The dashboard's first view today also takes today's share of the plan for the
    # study queue's counts (made once a day, then read from the cache), and keeps the
    # learner's review days before the last two (until an entry before them changes).
    with django_assert_max_num_queries(59):
        assert signed_in.get("/dashboard/").status_code == 200
    with django_assert_max_num_queries(45):
        assert signed_in.get("/dashboard/").status_code == 200
