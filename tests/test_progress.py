"""The dashboard: streaks across time zones and day starts, counts, only one's own data."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from revise.accounts.models import User
from revise.catalog.models import Chapter
from revise.catalog.services import course_import
from revise.lessons.models import LessonAttempt
from revise.progress import charts, selectors
from revise.progress.models import ChapterRead
from revise.progress.selectors import streak_length, streak_of, study_date
from revise.study import services
from revise.study.models import Card, LearnerSettings
from revise.study.scheduling import Rating
from tests.conftest import SAMPLE_COURSE

PASSWORD = "a long enough password"


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


# --- pure functions -------------------------------------------------------------------


def test_study_date_follows_the_day_start_hour():
    # 03:59 local is still yesterday's study day when days start at 04:00.
    assert study_date(utc(2026, 3, 10, 3, 59), time_zone="UTC", hour=4) == date(
        2026, 3, 9
    )
    assert study_date(utc(2026, 3, 10, 4, 0), time_zone="UTC", hour=4) == date(
        2026, 3, 10
    )
    assert study_date(utc(2026, 3, 10, 0, 30), time_zone="UTC", hour=0) == date(
        2026, 3, 10
    )


def test_study_date_is_in_the_learners_time_zone():
    moment = utc(2026, 3, 10, 23, 30)  # 08:30 on the 11th in Tokyo, 19:30 in New York
    assert study_date(moment, time_zone="Asia/Tokyo", hour=4) == date(2026, 3, 11)
    assert study_date(moment, time_zone="America/New_York", hour=4) == date(2026, 3, 10)
    # 02:30 UTC is 22:30 the evening before in New York (EDT from 8 March 2026).
    assert study_date(
        utc(2026, 3, 11, 2, 30), time_zone="America/New_York", hour=4
    ) == date(2026, 3, 10)


def test_streak_counts_days_in_a_row_ending_today_or_yesterday():
    today = date(2026, 5, 20)
    days = [date(2026, 5, d) for d in (15, 17, 18, 19)]
    assert streak_length(days, today=today) == 3  # 17, 18, 19: today not done yet
    assert streak_length([*days, today], today=today) == 4
    assert streak_length([date(2026, 5, 18)], today=today) == 0  # broken yesterday
    assert streak_length([], today=today) == 0


def test_streak_across_time_zones_and_the_day_boundary():
    # Three evenings in New York (21:00 EDT = 01:00 UTC the next day).
    moments = [utc(2026, 6, d, 1, 0) for d in (2, 3, 4)]
    now = utc(2026, 6, 4, 15, 0)  # 11:00 on the 4th in New York
    assert streak_of(moments, now=now, time_zone="America/New_York", hour=4) == 3
    # In UTC the same moments fall on the 2nd, 3rd and 4th (01:00 < 04:00: the 1st,
    # 2nd and 3rd study days): still three in a row, ending yesterday.
    assert streak_of(moments, now=now, time_zone="UTC", hour=4) == 3
    # With days starting at midnight UTC they are the 2nd to the 4th: ending today.
    assert streak_of(moments, now=now, time_zone="UTC", hour=0) == 3
    # Reviews at 23:30 and 00:30 local are one study day when days start at 04:00...
    late = [utc(2026, 6, 1, 23, 30), utc(2026, 6, 2, 0, 30)]
    at = utc(2026, 6, 2, 12, 0)
    assert streak_of(late, now=at, time_zone="UTC", hour=4) == 1
    # ...and two when they start at midnight.
    assert streak_of(late, now=at, time_zone="UTC", hour=0) == 2
    # In Tokyo (UTC+9) both are the 2nd's morning: one day, today.
    assert streak_of(late, now=at, time_zone="Asia/Tokyo", hour=4) == 1


# --- the dashboard ----------------------------------------------------------------------


@pytest.fixture
def course(db):
    course_import(path=SAMPLE_COURSE)


def _learner(email: str) -> User:
    return User.objects.create_user(email, PASSWORD)


def _review(learner: User, card: Card, rating: Rating, now: datetime, ms: int = 0):
    token = services.card_token(learner=learner, card_id=card.pk)
    outcome = services.card_review_record(
        learner=learner, card=card, rating=rating, token=token, now=now, duration_ms=ms
    )
    assert outcome.recorded
    return outcome.log


def test_anonymous_visitor_is_sent_to_sign_in(client, course):
    response = client.get("/dashboard/")
    assert response.status_code == 302
    assert (
        response["Location"].startswith("/accounts/sign-in/")
        or "next=" in (response["Location"])
    )
    assert "/dashboard/" in response["Location"]


def test_signed_in_home_is_the_dashboard_and_the_header_links_study(client, course):
    learner = _learner("a@example.com")
    client.force_login(learner)
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == "/dashboard/"
    html = client.get("/dashboard/").content.decode()
    assert 'class="study-link"' in html
    assert "Study now: Case study: Vladimir Lenin" in html  # new cards to learn
    anonymous = Client().get("/").content.decode()
    assert "study-link" not in anonymous


def test_dashboard_header_shows_its_own_due_now_count(client, course):
    learner = _learner("due-header@example.com")
    now = datetime.now(UTC)
    for card in Card.objects.filter(locked=False).order_by("sequence")[:2]:
        _review(learner, card, Rating.AGAIN, now - timedelta(days=1))
    client.force_login(learner)
    html = client.get("/dashboard/").text
    assert '<dd data-stat="due-now">2</dd>' in html
    assert '<span class="badge">2<span class="visually-hidden"> due</span>' in html


def test_dashboard_counts_only_the_learners_own_reviews(client, course):
    ann, bob = _learner("ann@example.com"), _learner("bob@example.com")
    cards = list(Card.objects.filter(locked=False).order_by("sequence")[:6])
    now = datetime.now(UTC)
    for card in cards[:2]:
        _review(ann, card, Rating.GOOD, now - timedelta(minutes=5), ms=30_000)
    for card in cards:
        _review(bob, card, Rating.GOOD, now - timedelta(minutes=5), ms=90_000)
    # Yesterday, too, for Bob only.
    LessonAttempt.objects.create(
        learner=bob,
        chapter=cards[0].chapter,
        version="x",
        started_at=now - timedelta(days=1),
        finished_at=now - timedelta(days=1) + timedelta(minutes=5),
        score=3,
        total=4,
    )
    # The study day began between one and two hours ago: the reviews are today's.
    LearnerSettings.objects.update_or_create(
        learner=ann,
        defaults={"time_zone": "UTC", "day_starts_at": (now - timedelta(hours=1)).hour},
    )
    dash = selectors.dashboard_get(learner=ann, now=now)
    assert dash.reviews_today == 2
    assert dash.seconds_today == 60
    assert dash.streak == 1
    [row] = dash.courses
    assert row.learning == 2 and row.young == 0 and row.mature == 0
    assert all(ch.lesson_total is None for ch in row.chapters)
    assert dash.continue_at.chapter == cards[1].chapter
    client.force_login(ann)
    html = client.get("/dashboard/").content.decode()
    assert '<dd data-stat="reviews-today">2</dd>' in html
    assert '<dd data-stat="minutes-today">1 min</dd>' in html


def test_undone_reviews_do_not_count_and_lessons_keep_the_streak(course):
    ann = _learner("ann@example.com")
    LearnerSettings.objects.update_or_create(
        learner=ann, defaults={"time_zone": "UTC", "day_starts_at": 4}
    )
    card = Card.objects.filter(locked=False).order_by("sequence").first()
    now = utc(2030, 1, 10, 12, 0)
    _review(ann, card, Rating.GOOD, now - timedelta(days=1))
    services.review_undo(learner=ann, now=now - timedelta(days=1))
    assert selectors.dashboard_get(learner=ann, now=now).streak == 0
    LessonAttempt.objects.create(
        learner=ann,
        chapter=card.chapter,
        version="x",
        started_at=now - timedelta(days=1),
        finished_at=now - timedelta(days=1) + timedelta(minutes=2),
        score=2,
        total=4,
    )
    LessonAttempt.objects.create(
        learner=ann,
        chapter=card.chapter,
        version="x",
        started_at=now - timedelta(days=2),
        finished_at=now - timedelta(days=2) + timedelta(minutes=2),
        score=3,
        total=4,
    )
    dash = selectors.dashboard_get(learner=ann, now=now)
    assert dash.streak == 2
    chapter = next(c for c in dash.courses[0].chapters if c.chapter == card.chapter)
    assert (chapter.lesson_score, chapter.lesson_total) == (3, 4)


def test_mature_means_a_stability_of_21_days_or_more(course):
    ann = _learner("ann@example.com")
    cards = list(Card.objects.filter(locked=False).order_by("sequence")[:2])
    start = utc(2030, 1, 1, 12)
    for card in cards:
        _review(ann, card, Rating.EASY, start)
    from revise.study.models import CardState

    CardState.objects.filter(card=cards[0]).update(state=2, stability=21.0)
    CardState.objects.filter(card=cards[1]).update(state=2, stability=20.9)
    row = selectors.dashboard_get(learner=ann, now=start).courses[0]
    assert (row.young, row.mature, row.learning) == (1, 1, 0)


def test_header_due_count_is_one_query(course, django_assert_num_queries):
    ann = _learner("ann@example.com")
    card = Card.objects.filter(locked=False).order_by("sequence").first()
    now = utc(2030, 1, 1, 12)
    _review(ann, card, Rating.AGAIN, now)
    with django_assert_num_queries(1):
        assert selectors.due_now_count(learner=ann, now=now + timedelta(hours=1)) == 1


def test_header_due_count_leaves_out_retired_suspended_and_unreadable_cards(course):
    """The count is taken from the index less the exceptions: each exception counted
    once, even a card both retired and suspended, and a learner who may not read locked
    cards counts none of them."""
    from revise.study.models import CardState, Suspension

    ann = _learner("due@example.com")
    now = utc(2030, 1, 1, 12)
    cards = list(Card.objects.order_by("locked", "sequence"))
    free = [card for card in cards if not card.locked][:4]
    locked = [card for card in cards if card.locked][:1]
    for card in [*free, *locked]:
        _review(ann, card, Rating.AGAIN, now)
    later = now + timedelta(hours=1)
    chapter = free[3].chapter

    def due() -> int:
        """The count alone, and as the chapter page reads it with its progress."""
        count = selectors.due_now_count(learner=ann, now=later)
        bar, with_bar = selectors.chapter_page_progress(
            learner=ann, chapter=chapter, now=later
        )
        assert with_bar == count
        assert bar == selectors.chapter_progress_get(learner=ann, chapter=chapter)
        return count

    assert due() == 5
    Card.objects.filter(pk=free[0].pk).update(retired_at=now)
    Suspension.objects.create(learner=ann, card=free[1], created_at=now)
    Suspension.objects.create(learner=ann, card=free[0], created_at=now)  # retired too
    assert due() == 3
    CardState.objects.filter(learner=ann, card=free[2]).update(
        due=later + timedelta(days=1)
    )
    assert due() == 2
    User.objects.filter(pk=ann.pk).update(is_active=False)  # may read no locked card
    ann.refresh_from_db()
    assert due() == 1


# --- charts ---------------------------------------------------------------------------


def test_true_retention_per_week_against_a_hand_computed_example():
    from revise.progress.charts import DayReviews, weekly

    today = date(2026, 5, 20)  # a Wednesday; its week began on Monday the 18th
    days = [
        DayReviews(date(2026, 5, 11), reviews=10, learned=4, passed=3),
        DayReviews(date(2026, 5, 17), reviews=6, learned=6, passed=3),  # Sunday
        DayReviews(date(2026, 5, 18), reviews=5, learned=0, passed=0),
        DayReviews(date(2026, 5, 19), reviews=5, learned=5, passed=5),
        DayReviews(date(2026, 1, 1), reviews=99, learned=99, passed=99),  # too old
    ]
    weeks = weekly(days, today=today, weeks=3)
    assert [w.start for w in weeks] == [
        date(2026, 5, 4),
        date(2026, 5, 11),
        date(2026, 5, 18),
    ]
    assert [w.reviews for w in weeks] == [0, 16, 10]
    assert weeks[0].retention is None
    assert weeks[1].retention == 6 / 10  # (3 + 3) passed of (4 + 6) learned
    assert weeks[2].retention == 1.0


def test_forecast_against_a_hand_computed_example():
    from revise.progress.charts import forecast

    now = utc(2026, 5, 20, 12)  # New York: 08:00 on the 20th
    dues = [
        utc(2026, 5, 1),  # overdue: today
        utc(2026, 5, 20, 20),  # 16:00 local, today
        utc(2026, 5, 21, 6),  # 02:00 local on the 21st: still the 20th's study day
        utc(2026, 5, 21, 9),  # 05:00 local: the 21st
        utc(2026, 6, 18, 12),  # day 29
        utc(2026, 6, 19, 12),  # day 30: beyond the forecast
    ]
    days = forecast(dues, now=now, time_zone="America/New_York", hour=4)
    assert len(days) == 30 and days[0][0] == date(2026, 5, 20)
    assert days[0][1] == 3 and days[1][1] == 1 and days[29][1] == 1
    assert sum(n for _, n in days) == 5


def test_charts_count_only_the_learners_own_reviews_and_are_served_as_svg(
    client, course
):
    from revise.progress.charts import chart_numbers_get

    ann, bob = _learner("ann@example.com"), _learner("bob@example.com")
    cards = list(Card.objects.filter(locked=False).order_by("sequence")[:4])
    now = datetime.now(UTC)
    _review(ann, cards[0], Rating.GOOD, now - timedelta(minutes=1))
    for card in cards:
        _review(bob, card, Rating.GOOD, now - timedelta(minutes=1))
    numbers = chart_numbers_get(learner=ann, now=now)
    assert sum(d.reviews for d in numbers.days) == 1
    assert sum(w.reviews for w in numbers.weeks) == 1
    assert sum(n for _, n in numbers.forecast) == 1
    client.force_login(ann)
    for name in ("heatmap", "weekly", "forecast"):
        response = client.get(f"/dashboard/{name}.svg")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("image/svg+xml")
        assert "'unsafe-inline'" in response["Content-Security-Policy"]
        assert "script-src 'none'" in response["Content-Security-Policy"]
        svg = response.content.decode()
        assert svg.startswith("<svg") and "<title>" in svg and "<desc>" in svg
    page = client.get("/dashboard/")
    assert "'unsafe-inline'" not in page["Content-Security-Policy"]
    html = page.content.decode()
    assert '<img src="/dashboard/heatmap.svg"' in html
    assert 'data-table="forecast"' in html


def test_anonymous_visitor_gets_no_chart(client, course):
    for name in ("heatmap", "weekly", "forecast"):
        response = client.get(f"/dashboard/{name}.svg")
        assert response.status_code == 302 and "sign-in" in response["Location"]


def test_true_retention_counts_reviews_of_learned_cards_from_the_log(course):
    from revise.progress.charts import chart_numbers_get

    ann = _learner("ann@example.com")
    LearnerSettings.objects.update_or_create(
        learner=ann, defaults={"time_zone": "UTC", "day_starts_at": 0}
    )
    cards = list(Card.objects.filter(locked=False).order_by("sequence")[:3])
    start = utc(2030, 1, 7, 12)  # a Monday
    for card in cards:
        _review(ann, card, Rating.EASY, start)  # new: not a learned card's review
    later = start + timedelta(days=3)
    _review(ann, cards[0], Rating.AGAIN, later)  # learned, failed
    _review(ann, cards[1], Rating.HARD, later)  # learned, passed
    _review(ann, cards[2], Rating.GOOD, later)  # learned, passed
    week = chart_numbers_get(learner=ann, now=later).weeks[-1]
    assert (week.reviews, week.learned, week.passed) == (6, 3, 2)
    assert week.retention == 2 / 3


def test_reviews_are_put_in_study_days_exactly_in_a_half_hour_time_zone(course):
    ann = _learner("ann@example.com")
    cards = list(Card.objects.filter(locked=False).order_by("sequence")[:3])
    # Kolkata is UTC+5:30; days start at 05:00 local, which is 23:30 UTC.
    _review(ann, cards[0], Rating.GOOD, utc(2030, 1, 1, 23, 29))  # 04:59: the 1st
    _review(ann, cards[1], Rating.GOOD, utc(2030, 1, 1, 23, 30))  # 05:00: the 2nd
    _review(ann, cards[2], Rating.GOOD, utc(2030, 1, 2, 0, 14))  # the 2nd
    days = selectors.reviews_per_day(learner=ann, time_zone="Asia/Kolkata", hour=5)
    assert days == {date(2030, 1, 1): 1, date(2030, 1, 2): 2}
    # In UTC with days from midnight: two on the 1st, one on the 2nd.
    days = selectors.reviews_per_day(learner=ann, time_zone="UTC", hour=0)
    assert days == {date(2030, 1, 1): 2, date(2030, 1, 2): 1}


def test_a_streak_longer_than_the_window_is_read_from_the_whole_history(
    course, monkeypatch
):
    from revise.study.models import ReviewLog

    monkeypatch.setattr(selectors, "STREAK_WINDOW", timedelta(days=3))
    ann = _learner("ann@example.com")
    card = Card.objects.filter(locked=False).order_by("sequence").first()
    now = utc(2030, 3, 1, 12)
    ReviewLog.objects.bulk_create(
        ReviewLog(
            learner=ann,
            card=card,
            rating=3,
            reviewed_at=now - timedelta(days=d),
            retention=0.9,
            token=f"t{d}",
        )
        for d in range(8)
    )
    assert selectors.dashboard_get(learner=ann, now=now).streak == 8
    recent = selectors.recent_review_days(learner=ann, now=now)
    assert len(recent) == 4
    assert selectors.dashboard_get(learner=ann, now=now, recent=recent).streak == 8


# --- chapters read ----------------------------------------------------------------------


def _first_chapter() -> Chapter:
    return Chapter.objects.filter(retired_at__isnull=True).order_by("pk").first()


def _read_url(chapter: Chapter) -> str:
    return f"/read/{chapter.course.slug}/{chapter.slug}/"


def test_mark_as_read_without_js_is_idempotent_and_shows_on_the_dashboard(course):
    learner = _learner("a@example.com")
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    chapter = _first_chapter()
    page = client.get(chapter.get_absolute_url()).content.decode()
    assert "Mark as read" in page and "revise/progress.js" in page
    token = client.cookies["csrftoken"].value
    response = client.post(_read_url(chapter), {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert response["Location"] == chapter.get_absolute_url()
    first = ChapterRead.objects.get(learner=learner, chapter=chapter).read_at
    again = client.post(
        _read_url(chapter),
        {"csrfmiddlewaretoken": token},
        headers={"X-Requested-With": "fetch"},
    )
    assert again.status_code == 204
    assert ChapterRead.objects.get(learner=learner, chapter=chapter).read_at == first
    page = client.get(chapter.get_absolute_url()).content.decode()
    assert "Read ✓" in page and "Mark as read" not in page
    assert "revise/progress.js" not in page
    dash = client.get("/dashboard/").content.decode()
    assert dash.count('data-read="yes"') == 1
    assert 'data-read="no"' in dash


def test_mark_as_read_needs_the_csrf_token_from_a_learner(course):
    client = Client(enforce_csrf_checks=True)
    client.force_login(_learner("a@example.com"))
    assert client.post(_read_url(_first_chapter())).status_code == 403
    assert not ChapterRead.objects.exists()


def test_a_visitors_post_is_sent_to_sign_in_and_unknown_chapters_are_404(course):
    chapter = _first_chapter()
    visitor = Client(enforce_csrf_checks=True)
    response = visitor.post(_read_url(chapter))
    assert response.status_code == 302
    assert "/accounts/sign-in/" in response["Location"]
    assert not ChapterRead.objects.exists()
    page = visitor.get(chapter.get_absolute_url()).content.decode()
    assert "Mark as read" not in page and "progress.js" not in page
    learner = Client()
    learner.force_login(_learner("a@example.com"))
    assert learner.post(f"/read/{chapter.course.slug}/no-such/").status_code == 404
    assert learner.post("/read/no-such/no-such/").status_code == 404
    assert learner.get(_read_url(chapter)).status_code == 405


def test_reads_are_the_learners_own(course):
    ann, bob = _learner("ann@example.com"), _learner("bob@example.com")
    chapter = _first_chapter()
    ChapterRead.objects.create(learner=bob, chapter=chapter, read_at=utc(2026, 1, 1))
    assert selectors.read_chapter_ids(learner=ann) == set()
    assert selectors.read_chapter_ids(learner=bob) == {chapter.pk}


# --- inline progress on the course and chapter pages --------------------------------


def test_inline_progress_counts_the_learners_own_reads_and_cards(
    course, django_assert_num_queries
):
    from revise.study.models import CardState

    ann, bob = _learner("ann@example.com"), _learner("bob@example.com")
    chapter = _first_chapter()
    cards = list(Card.objects.filter(chapter=chapter, retired_at__isnull=True))
    assert len(cards) >= 2
    now = utc(2030, 1, 1, 12)
    for card in cards[:2]:
        _review(ann, card, Rating.EASY, now)
        _review(bob, card, Rating.EASY, now)
    CardState.objects.filter(learner=ann, card=cards[0]).update(state=2, stability=30)
    CardState.objects.filter(learner=ann, card=cards[1]).update(state=2, stability=3)
    CardState.objects.filter(learner=bob).update(state=2, stability=30)
    ChapterRead.objects.create(learner=ann, chapter=chapter, read_at=now)
    ChapterRead.objects.create(learner=bob, chapter=_chapters()[1], read_at=now)

    with django_assert_num_queries(1):
        bar = selectors.chapter_progress_get(learner=ann, chapter=chapter)
    assert (bar.read, bar.learned, bar.mature, bar.cards) == (True, 2, 1, len(cards))
    with django_assert_num_queries(1):  # the header's due count read with it
        assert selectors.chapter_page_progress(
            learner=ann, chapter=chapter, now=now + timedelta(days=400)
        ) == (bar, 2)
    course_obj = chapter.course
    course_obj.chapter_list = _chapters()
    with django_assert_num_queries(2):
        mine = selectors.course_progress_get(learner=ann, course=course_obj)
    assert (mine.chapters_read, mine.chapters) == (1, len(_chapters()))
    assert mine.rows[0].bar == bar
    assert not any(row.bar.read for row in mine.rows[1:])

    client = Client()
    client.force_login(ann)
    page = client.get(course_obj.get_absolute_url()).content.decode()
    assert f"1 of {len(_chapters())} chapters read" in page
    assert f"cards mature 1/{len(cards)}" in page
    page = client.get(chapter.get_absolute_url()).content.decode()
    assert (
        '<p class="my-progress meta" data-chapter-progress>Your progress: read ✓'
        f" · cards learned 2/{len(cards)}"
        f' <progress max="{len(cards)}" value="2" aria-label="Cards learned">'
        f"2 / {len(cards)}</progress></p>" in page
    )
    assert re.search(
        r'<div class="chapter-read" id="chapter-read">\s*<p class="read-mark">Read ✓</p>'
        r"\s*</div>",
        page,
    )
    assert "data-mark-read" not in page and "progress.js" not in page
    client.force_login(bob)  # learned the same cards, read another chapter only
    page = client.get(chapter.get_absolute_url()).content.decode()
    assert f"Your progress: not read yet · cards learned 2/{len(cards)} <" in page
    form = re.search(
        r'<form method="post" action="([^"]+)" data-mark-read>\s*'
        r'<input type="hidden" name="csrfmiddlewaretoken" value="\w{64}">'
        r'<button type="submit" class="button small">Mark as read</button>\s*</form>',
        page,
    )
    assert form and form.group(1) == reverse(
        "progress:chapter-read", args=[chapter.course.slug, chapter.slug]
    )
    assert 'src="/static/revise/progress.js" defer' in page


def test_visitors_see_no_inline_progress_and_cost_no_progress_query(course):
    chapter = _first_chapter()
    visitor = Client()
    for url in (chapter.course.get_absolute_url(), chapter.get_absolute_url()):
        page = visitor.get(url).content.decode()
        assert "my-progress" not in page and "data-chapter-progress" not in page
    mine, rows = selectors.course_rows_get(
        learner=AnonymousUser(), course=_course_with_chapters(chapter)
    )
    assert mine is None and all(row.bar is None for row in rows)


def _chapters() -> list[Chapter]:
    chapter = _first_chapter()
    return list(
        Chapter.objects.filter(course=chapter.course, retired_at__isnull=True).order_by(
            "position"
        )
    )


def _course_with_chapters(chapter: Chapter):
    course = chapter.course
    course.chapter_list = _chapters()
    return course


# --- study now per chapter deck -----------------------------------------------------


def test_study_now_per_chapter_deck_with_something_due(course):
    ann, bob = _learner("ann@example.com"), _learner("bob@example.com")
    chapters = _chapters()
    card = Card.objects.filter(
        chapter=chapters[0], locked=False, retired_at__isnull=True
    ).first()
    other = Card.objects.filter(
        chapter=chapters[1], locked=False, retired_at__isnull=True
    ).first()
    now = timezone.now()
    _review(ann, card, Rating.AGAIN, now - timedelta(minutes=30))  # learning: due
    _review(bob, other, Rating.AGAIN, now - timedelta(minutes=30))  # bob's only
    dash = selectors.dashboard_get(learner=ann, now=now)
    due = {ch.chapter.pk: ch.due for row in dash.courses for ch in row.chapters}
    assert due[chapters[0].pk] == 1 and due[chapters[1].pk] == 0
    client = Client()
    client.force_login(ann)
    html = client.get("/dashboard/").content.decode()
    url = f"/study/{chapters[0].course.slug}/{chapters[0].slug}/"
    assert html.count("data-study-chapter") == 1
    assert f'href="{url}"' in html
    assert f"Study now: {escape(chapters[0].title)}" in html
    assert client.get(url).status_code == 200


def test_a_long_logs_past_is_read_once_until_an_entry_before_it_changes(client, course):
    ann = _learner("ann@example.com")
    cards = list(Card.objects.filter(locked=False).order_by("sequence")[:4])
    now = datetime.now(UTC)
    LearnerSettings.objects.update_or_create(
        learner=ann, defaults={"time_zone": "UTC", "day_starts_at": 0}
    )
    ten, nine = (now - timedelta(days=10)).date(), (now - timedelta(days=9)).date()
    _review(ann, cards[0], Rating.GOOD, now - timedelta(days=10))
    _review(ann, cards[1], Rating.GOOD, now - timedelta(days=9))
    client.force_login(ann)

    def grouped_reads(url: str) -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(url).status_code == 200
        return sum("GROUP BY" in q["sql"] and "reviewlog" in q["sql"] for q in context)

    def per_day() -> dict[date, int]:
        return charts.chart_numbers_get(learner=ann, now=now).per_day

    assert grouped_reads("/dashboard/") == 2  # the past, then the last two days
    assert grouped_reads("/dashboard/heatmap.svg") == 1  # the past is kept
    assert (per_day()[ten], per_day()[nine]) == (1, 1)
    # Undoing the latest entry, from nine days ago, changes the kept past.
    services.review_undo(learner=ann, now=now)
    assert nine not in per_day() and per_day()[ten] == 1
    # An answer now changes only the last days: the past stays kept.
    _review(ann, cards[2], Rating.GOOD, now)
    assert grouped_reads("/dashboard/weekly.svg") == 1
    assert per_day()[now.date()] == 1 and nine not in per_day()
