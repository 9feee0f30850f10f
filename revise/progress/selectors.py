"""Dashboard reads: today's work, the streak, time studied, progress per course.

Every read is filtered by the learner first: another learner's rows never count.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import (
    CharField,
    Count,
    Exists,
    FilteredRelation,
    Func,
    OuterRef,
    Prefetch,
    Q,
    Sum,
    Value,
)
from django.http import Http404
from django.utils import timezone

from revise.accounts.access import can_read_locked
from revise.catalog.models import Chapter, Course
from revise.lessons.models import LessonAttempt, Question, SelfReviewAttempt
from revise.memo import shared_kept
from revise.progress.models import ChapterRead
from revise.study import queue_sql
from revise.study.exams import ExamPlanView, exam_plan_get, exams_of
from revise.study.models import Card, CardState, Exam, ReviewLog, Suspension
from revise.study.selectors import (
    Deck,
    StudyCounts,
    learner_settings_get,
    study_counts,
    today_get,
)

# Anki counts a review card as mature from an interval of 21 days; FSRS's stability is
# the interval at 90% retention, so a stability of 21 days or more is mature here.
MATURE_DAYS = 21
# A lesson left open for hours is not hours of study: each attempt counts at most this.
LESSON_TIME_CAP = timedelta(hours=1)


# --- Study days and the streak (pure functions) -----------------------------------


def study_date(moment: datetime, *, time_zone: str, hour: int) -> date:
    """The learner's study day a moment falls in: the local date, where a day begins at
    ``hour`` o'clock local time (before that it is still the day before)."""
    local = moment.astimezone(ZoneInfo(time_zone))
    day = local.date()
    return day - timedelta(days=1) if local.hour < hour else day


def streak_length(days: Iterable[date], *, today: date) -> int:
    """Days in a row with some activity, ending today, or yesterday if nothing was
    done yet today (the streak is not broken until today is over)."""
    active = set(days)
    day = today if today in active else today - timedelta(days=1)
    count = 0
    while day in active:
        count += 1
        day -= timedelta(days=1)
    return count


def streak_of(
    moments: Iterable[datetime], *, now: datetime, time_zone: str, hour: int
) -> int:
    """The streak of a learner active at ``moments``, seen at ``now``."""
    days = {study_date(m, time_zone=time_zone, hour=hour) for m in moments}
    return streak_length(days, today=study_date(now, time_zone=time_zone, hour=hour))


# --- Queries ------------------------------------------------------------------------


def chapter_for_read_get(*, course_slug: str, chapter_slug: str) -> Chapter:
    """A live chapter of a course, by slugs, or 404."""
    chapter = Chapter.objects.filter(
        course__slug=course_slug, slug=chapter_slug, retired_at__isnull=True
    ).first()
    if chapter is None:
        raise Http404("No such chapter")
    return chapter


@dataclass(frozen=True)
class ChapterBar:
    """A signed-in learner's progress in one chapter, shown inline (a small bar)."""

    read: bool
    cards: int  # live cards of the chapter
    learned: int  # of them, in review (graduated from learning)
    mature: int  # of them, in review with a stability of 21 days or more


@dataclass(frozen=True)
class ChapterRow:
    chapter: Chapter
    bar: ChapterBar | None  # None for a visitor


@dataclass(frozen=True)
class CourseBar:
    chapters_read: int
    chapters: int
    rows: list[ChapterRow]


def _card_bars(*, learner: Any, **where: Any) -> dict[int, dict[str, int]]:
    """Per chapter: live cards, and how many of them the learner has learned and
    matured. One query; the learner's states are joined on the learner alone."""
    cards = Card.objects.filter(
        retired_at__isnull=True, chapter__retired_at__isnull=True, **where
    )
    if not can_read_locked(learner):
        cards = cards.filter(locked=False)
    rows = (
        cards.annotate(
            mine=FilteredRelation("states", condition=Q(states__learner=learner))
        )
        .order_by()
        .values("chapter_id")
        .annotate(
            cards=Count("id"),
            learned=Count("mine", filter=Q(mine__state=2)),
            mature=Count(
                "mine", filter=Q(mine__state=2, mine__stability__gte=MATURE_DAYS)
            ),
        )
    )
    return {row.pop("chapter_id"): row for row in rows}


def _bar(read: bool, counts: dict[str, int] | None) -> ChapterBar:
    counts = counts or {"cards": 0, "learned": 0, "mature": 0}
    return ChapterBar(read=read, **counts)


def chapter_progress_get(*, learner: Any, chapter: Chapter) -> ChapterBar:
    """The learner's progress in ``chapter`` (a live one): one statement, written out,
    as the chapter page asks for it on every visit (the ORM's two took ~1 ms to build).
    The same counts as ``_card_bars``."""
    return _chapter_progress(learner, chapter, due_by=None)[0]


def chapter_page_progress(
    *, learner: Any, chapter: Chapter, now: datetime
) -> tuple[ChapterBar, int]:
    """:func:`chapter_progress_get`, and the learner's cards due by ``now`` in every
    course (:func:`due_now_count`, the header's count), read in the same statement:
    the chapter page's one statement of its own."""
    bar, due = _chapter_progress(learner, chapter, due_by=now)
    return bar, int(due or 0)


def _chapter_progress(
    learner: Any, chapter: Chapter, *, due_by: datetime | None
) -> tuple[ChapterBar, int | None]:
    card, state = Card._meta.db_table, CardState._meta.db_table
    locked_ok = can_read_locked(learner)
    only_free = "" if locked_ok else "AND c.locked = %s "
    due_sql, due_params = "NULL", []
    if due_by is not None:
        due_sql, due_params = queue_sql.due_now_sql(
            learner_id=learner.pk, now=due_by, locked_ok=locked_ok
        )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT COUNT(*) FROM {ChapterRead._meta.db_table} r "  # noqa: S608 - names only
            "WHERE r.learner_id = %s AND r.chapter_id = %s), COUNT(c.id), "
            "COALESCE(SUM(CASE WHEN s.state = 2 THEN 1 ELSE 0 END), 0), "
            "COALESCE(SUM(CASE WHEN s.state = 2 AND s.stability >= %s "
            f"THEN 1 ELSE 0 END), 0), {due_sql} "
            f"FROM {card} c LEFT JOIN {state} s "
            "ON s.card_id = c.id AND s.learner_id = %s "
            f"WHERE c.chapter_id = %s AND c.retired_at IS NULL {only_free}",
            [learner.pk, chapter.pk, MATURE_DAYS, *due_params, learner.pk, chapter.pk]
            + ([False] if only_free else []),
        )
        read, cards, learned, mature, due = cursor.fetchone()
    bar = _bar(bool(read), {"cards": cards, "learned": learned, "mature": mature})
    return bar, due


def course_progress_get(*, learner: Any, course: Course) -> CourseBar:
    """The learner's progress in ``course`` (its ``chapter_list``): two queries."""
    chapters = course.chapter_list
    read = read_chapter_ids(learner=learner, chapters=[c.pk for c in chapters])
    counts = _card_bars(learner=learner, course=course)
    return CourseBar(
        chapters_read=len(read),
        chapters=len(chapters),
        rows=[
            ChapterRow(chapter=c, bar=_bar(c.pk in read, counts.get(c.pk)))
            for c in chapters
        ],
    )


def course_rows_get(
    *, learner: Any, course: Course
) -> tuple[CourseBar | None, list[ChapterRow]]:
    """The course page's chapter rows, with the learner's progress if signed in (no
    query for a visitor)."""
    if not can_read_locked(learner):
        return None, [ChapterRow(chapter=c, bar=None) for c in course.chapter_list]
    mine = course_progress_get(learner=learner, course=course)
    return mine, mine.rows


def read_chapter_ids(
    *, learner: Any, chapters: Iterable[int] | None = None
) -> set[int]:
    """Ids of the chapters ``learner`` has read (among ``chapters`` if given)."""
    rows = ChapterRead.objects.filter(learner=learner)
    if chapters is not None:
        rows = rows.filter(chapter_id__in=list(chapters))
    return set(rows.values_list("chapter_id", flat=True))


def _reviews(learner: Any):
    """The learner's answers that stand (undo rows and undone answers left out)."""
    return ReviewLog.objects.filter(
        learner=learner, kind=ReviewLog.Kind.REVIEW, undone_by__isnull=True
    )


class QuarterHour(Func):
    """The UTC quarter hour a moment falls in, as text "YYYY-MM-DD HH:Q" (Q: 0 to 3).

    Reviews are grouped by it in the database with built-in string functions (Django's
    time-zone-aware truncation runs a Python function per row on SQLite), then put in
    study days in Python with :func:`study_date`: exact in every time zone, since every
    UTC offset in use is a whole number of quarter hours, clock changes included.
    """

    output_field = CharField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            template="substr(%(expressions)s, 1, 14)"
            " || (CAST(substr(%(expressions)s, 15, 2) AS INTEGER) / 15)",
            **extra,
        )

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            template="to_char(%(expressions)s AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:')"
            " || (EXTRACT(MINUTE FROM %(expressions)s AT TIME ZONE 'UTC')::int / 15)",
            **extra,
        )


def _bucket_start(text: str) -> datetime:
    """The start of a :class:`QuarterHour` bucket, "YYYY-MM-DD HH:Q" (sliced, not
    parsed with strptime: a long history has tens of thousands of buckets)."""
    return datetime(
        int(text[0:4]),
        int(text[5:7]),
        int(text[8:10]),
        int(text[11:13]),
        15 * int(text[14:]),
        tzinfo=UTC,
    )


def review_days(
    *,
    learner: Any,
    time_zone: str,
    hour: int,
    since: datetime | None = None,
    until: datetime | None = None,
    tallies: bool = True,
) -> list[tuple[date, int, int, int]]:
    """Per study day (since ``since``, or ever; before ``until``, a quarter hour's
    start, if given): reviews, reviews of learned cards (in the review state before the
    answer) and of those the passed ones (rating above Again; both 0 unless
    ``tallies``). Undone reviews and undo rows are left out."""
    reviews = _reviews(learner)
    if since is not None:
        reviews = reviews.filter(reviewed_at__gte=since)
    if until is not None:
        reviews = reviews.filter(reviewed_at__lt=until)
    learned = Q(state_before__state=2)
    grouped = (
        reviews.order_by().annotate(bucket=QuarterHour("reviewed_at")).values("bucket")
    )
    if tallies:
        rows = grouped.annotate(
            n=Count("id"),
            learned=Count("id", filter=learned),
            passed=Count("id", filter=learned & Q(rating__gt=1)),
        ).values_list("bucket", "n", "learned", "passed")
    else:  # the reviews only (the JSON look-up per row is the costly part)
        rows = grouped.annotate(n=Count("id"), learned=Value(0), passed=Value(0))
        rows = rows.values_list("bucket", "n", "learned", "passed")
    days: dict[date, list[int]] = {}
    for bucket, n, learned_n, passed in rows:
        day = study_date(_bucket_start(bucket), time_zone=time_zone, hour=hour)
        totals = days.setdefault(day, [0, 0, 0])
        totals[0] += n
        totals[1] += learned_n
        totals[2] += passed
    return [(day, *totals) for day, totals in sorted(days.items())]


def reviews_per_day(
    *, learner: Any, time_zone: str, hour: int, since: datetime | None = None
) -> dict[date, int]:
    """Reviews per study day (since ``since``, or ever)."""
    rows = review_days(learner=learner, time_zone=time_zone, hour=hour, since=since)
    return {day: n for day, n, _, _ in rows}


def _live_states(learner: Any):
    """The learner's states of live cards they may study (not suspended). A retired
    chapter's cards are retired with it by the import."""
    suspended = Suspension.objects.filter(learner=learner, card=OuterRef("card_id"))
    states = CardState.objects.filter(learner=learner, card__retired_at__isnull=True)
    if not can_read_locked(learner):
        states = states.filter(card__locked=False)
    return states.exclude(Exists(suspended))


def due_per_chapter(*, learner: Any, day_end: datetime) -> dict[int, int]:
    """Per chapter: the learner's cards due today, counted as a study session counts
    them (learning, or review due before the study day ends). One query."""
    rows = (
        _live_states(learner)
        .filter(Q(state__in=[1, 3]) | Q(state=2, due__lt=day_end))
        .order_by()
        .values("card__chapter_id")
        .annotate(n=Count("id"))
    )
    return {row["card__chapter_id"]: row["n"] for row in rows}


def due_dates(*, learner: Any, until: datetime) -> list[datetime]:
    """When each of the learner's cards due before ``until`` is due (overdue ones too)."""
    return list(
        _live_states(learner).filter(due__lt=until).values_list("due", flat=True)
    )


def due_now_count(*, learner: Any, now: datetime) -> int:
    """Cards due now across all courses (the header's count): one query."""
    return queue_sql.count_due_now(
        learner_id=learner.pk, now=now, locked_ok=can_read_locked(learner)
    )


@dataclass(frozen=True)
class ChapterProgress:
    chapter: Chapter
    lesson_score: int | None  # best finished attempt, as score out of lesson_total
    lesson_total: int | None
    points_covered: int  # self-review points covered (best attempt per question)
    points_total: int
    read: bool = False
    due: int = 0  # cards in learning, or in review and due by the end of the study day


@dataclass(frozen=True)
class CourseProgress:
    course: Course
    counts: StudyCounts
    new: int
    learning: int
    young: int
    mature: int
    chapters: list[ChapterProgress] = field(default_factory=list)

    @property
    def due_today(self) -> int:
        return self.counts.learning + self.counts.due


@dataclass(frozen=True)
class Continue:
    chapter: Chapter
    at: datetime
    activity: str


@dataclass(frozen=True)
class Dashboard:
    due_now: int
    due_today: int
    new_today: int
    streak: int
    reviews_today: int
    seconds_today: int
    continue_at: Continue | None
    courses: list[CourseProgress]

    @property
    def minutes_today(self) -> int:
        return round(self.seconds_today / 60)


def _courses() -> list[Course]:
    chapters = Chapter.objects.filter(retired_at__isnull=True).order_by("position")
    return list(
        Course.objects.filter(chapters__retired_at__isnull=True)
        .distinct()
        .order_by("title")
        .prefetch_related(
            Prefetch("chapters", queryset=chapters, to_attr="chapter_list")
        )
    )


def _card_states(learner: Any) -> dict[int, dict[str, int]]:
    """Per course: the learner's cards learning, young and mature, and seen at all."""
    states = CardState.objects.filter(
        learner=learner,
        card__retired_at__isnull=True,
        card__chapter__retired_at__isnull=True,
    )
    if not can_read_locked(learner):
        states = states.filter(card__locked=False)
    rows = (
        states.order_by()
        .values("card__course_id")
        .annotate(
            seen=Count("id"),
            learning=Count("id", filter=Q(state__in=[1, 3])),
            young=Count("id", filter=Q(state=2, stability__lt=MATURE_DAYS)),
            mature=Count("id", filter=Q(state=2, stability__gte=MATURE_DAYS)),
        )
    )
    return {row.pop("card__course_id"): row for row in rows}


def _card_totals(learner: Any) -> dict[int, int]:
    cards = Card.objects.filter(
        retired_at__isnull=True, chapter__retired_at__isnull=True
    )
    if not can_read_locked(learner):
        cards = cards.filter(locked=False)
    rows = cards.order_by().values("course_id").annotate(n=Count("id"))
    return {row["course_id"]: row["n"] for row in rows}


def _lesson_best(learner: Any) -> dict[int, tuple[int, int]]:
    """Per chapter: the best finished lesson attempt (by share right) as (score, total)."""
    best: dict[int, tuple[int, int]] = {}
    attempts = LessonAttempt.objects.filter(
        learner=learner, finished_at__isnull=False, redo_of__isnull=True, total__gt=0
    ).values_list("chapter_id", "score", "total")
    for chapter_id, score, total in attempts:
        held = best.get(chapter_id)
        if held is None or score / total > held[0] / held[1]:
            best[chapter_id] = (score, total)
    return best


def _self_review(learner: Any) -> tuple[dict[int, int], dict[int, int]]:
    """Per chapter: points covered (best attempt per question) and points in all."""
    totals: dict[int, int] = {}
    questions = Question.objects.filter(
        retired_at__isnull=True, chapter__retired_at__isnull=True
    ).values_list("chapter_id", "guidance_html")
    for chapter_id, guidance in questions:
        totals[chapter_id] = totals.get(chapter_id, 0) + len(guidance or [])
    best: dict[tuple[int, int], int] = {}
    attempts = SelfReviewAttempt.objects.filter(
        learner=learner, question__retired_at__isnull=True
    ).values_list("question__chapter_id", "question_id", "covered")
    for chapter_id, question_id, covered in attempts:
        key = (chapter_id, question_id)
        best[key] = max(best.get(key, 0), covered)
    covered_by_chapter: dict[int, int] = {}
    for (chapter_id, _), covered in best.items():
        covered_by_chapter[chapter_id] = covered_by_chapter.get(chapter_id, 0) + covered
    return covered_by_chapter, totals


def _continue(learner: Any) -> Continue | None:
    """The chapter of the learner's latest review, lesson or self review."""
    candidates: list[Continue] = []
    review = (
        _reviews(learner)
        .filter(card__chapter__retired_at__isnull=True)
        .select_related("card__chapter__course")
        .order_by("-reviewed_at", "-id")
        .first()
    )
    if review:
        candidates.append(Continue(review.card.chapter, review.reviewed_at, "cards"))
    lesson = (
        LessonAttempt.objects.filter(learner=learner, chapter__retired_at__isnull=True)
        .select_related("chapter__course")
        .order_by("-started_at", "-id")
        .first()
    )
    if lesson:
        candidates.append(Continue(lesson.chapter, lesson.started_at, "lesson"))
    attempt = (
        SelfReviewAttempt.objects.filter(
            learner=learner, question__chapter__retired_at__isnull=True
        )
        .select_related("question__chapter__course")
        .order_by("-created_at", "-id")
        .first()
    )
    if attempt:
        candidates.append(
            Continue(attempt.question.chapter, attempt.created_at, "self review")
        )
    return max(candidates, key=lambda c: c.at, default=None)


ReviewDays = list[tuple[date, int, int, int]]


def _activity_days(
    learner: Any,
    time_zone: str,
    hour: int,
    since: datetime | None,
    review_rows: ReviewDays | None = None,
) -> set[date]:
    """Study days with a review that stands, a lesson attempt or a self review."""
    if review_rows is None:
        review_rows = _review_days_kept(learner, time_zone, hour, since, tallies=False)
    days = {row[0] for row in review_rows}
    lessons = LessonAttempt.objects.filter(learner=learner)
    attempts = SelfReviewAttempt.objects.filter(learner=learner)
    if since is not None:
        lessons = lessons.filter(started_at__gte=since)
        attempts = attempts.filter(created_at__gte=since)
    moments = [
        *lessons.values_list("started_at", flat=True),
        *attempts.values_list("created_at", flat=True),
    ]
    days |= {study_date(m, time_zone=time_zone, hour=hour) for m in moments}
    return days


def _seconds_today(learner: Any, since: datetime) -> tuple[int, int]:
    """Reviews today and seconds studied today: review durations plus lesson time."""
    totals = (
        _reviews(learner)
        .filter(reviewed_at__gte=since)
        .aggregate(n=Count("id"), ms=Sum("duration_ms"))
    )
    seconds = (totals["ms"] or 0) / 1000
    lessons = LessonAttempt.objects.filter(
        learner=learner, started_at__gte=since, finished_at__isnull=False
    ).values_list("started_at", "finished_at")
    for started, finished in lessons:
        seconds += min(finished - started, LESSON_TIME_CAP).total_seconds()
    return totals["n"], round(seconds)


# The streak is read from the last STREAK_WINDOW of activity first; only a streak as
# long as that reads the whole history.
STREAK_WINDOW = timedelta(days=400)
REVIEW_DAYS_KEPT = 24 * 60 * 60  # seconds


def recent_review_days(*, learner: Any, now: datetime) -> ReviewDays:
    """:func:`review_days` over the streak's window, which holds the charts' year too:
    the dashboard reads it once for both."""
    prefs = learner_settings_get(learner=learner)
    # From midnight UTC, so that the kept rows serve the whole day.
    since = datetime.combine((now - STREAK_WINDOW).date(), time.min, tzinfo=UTC)
    return _review_days_kept(learner, prefs.time_zone, prefs.day_starts_at, since)


def _review_days_kept(
    learner: Any,
    time_zone: str,
    hour: int,
    since: datetime | None,
    tallies: bool = True,
) -> ReviewDays:
    """:func:`review_days`, its part before the last two UTC days kept in the shared
    cache: a long log is read once, and only its last days on every visit.

    The log only grows at its end (an answer or an undo is written at the moment it
    happens) and only its latest entry can be undone, so the part before a moment
    changes only if an entry is added before it or its latest entry is undone: the
    part is kept under the count of entries before it and the latest one's key and
    undo. The two parts meet at midnight UTC, a quarter hour's start, so their days
    add up exactly."""
    cutoff = datetime.combine(
        timezone.now().date() - timedelta(days=2), time.min, tzinfo=UTC
    )
    recent = review_days(
        learner=learner,
        time_zone=time_zone,
        hour=hour,
        since=cutoff if since is None else max(since, cutoff),
        tallies=tallies,
    )
    if since is not None and since >= cutoff:
        return recent
    count, latest, undone = _log_before(learner.pk, cutoff)
    key = (
        f"revise:review-days:{learner.pk}:{time_zone}:{hour}:{int(tallies)}:"
        f"{since.isoformat() if since else 'ever'}:{cutoff.date().isoformat()}:"
        f"{count}:{latest}:{undone}"
    )
    before = shared_kept(
        key,
        lambda: review_days(
            learner=learner,
            time_zone=time_zone,
            hour=hour,
            since=since,
            until=cutoff,
            tallies=tallies,
        ),
        timeout=REVIEW_DAYS_KEPT,
    )
    return _days_added(before, recent)


def _log_before(learner_id: int, moment: datetime) -> tuple[int, int, int]:
    """(entries, the latest one's key, whether it is undone) of the learner's log
    before ``moment``: one statement, led by the (learner, reviewed_at) index."""
    log = ReviewLog._meta.db_table
    latest = (
        f"FROM {log} WHERE learner_id = %s AND reviewed_at < %s "
        "ORDER BY reviewed_at DESC, id DESC LIMIT 1"
    )
    when = connection.ops.adapt_datetimefield_value(moment)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT COUNT(*) FROM {log} WHERE learner_id = %s "  # noqa: S608
            f"AND reviewed_at < %s), (SELECT id {latest}), "
            f"(SELECT COUNT(*) FROM {log} u WHERE u.undoes_id = (SELECT id {latest}))",
            [learner_id, when] * 3,
        )
        count, latest_id, undone = cursor.fetchone()
    return count, latest_id or 0, undone


def _days_added(*parts: ReviewDays) -> ReviewDays:
    days: dict[date, list[int]] = {}
    for part in parts:
        for day, *numbers in part:
            totals = days.setdefault(day, [0, 0, 0])
            for i, n in enumerate(numbers):
                totals[i] += n
    return [(day, *totals) for day, totals in sorted(days.items())]


def _streak(
    learner: Any,
    time_zone: str,
    hour: int,
    now: datetime,
    recent: ReviewDays | None = None,
) -> int:
    today = study_date(now, time_zone=time_zone, hour=hour)
    since = now - STREAK_WINDOW
    days = _activity_days(learner, time_zone, hour, since, recent)
    streak = streak_length(days, today=today)
    if streak and today - timedelta(days=streak + 1) <= since.date():
        streak = streak_length(
            _activity_days(learner, time_zone, hour, None), today=today
        )
    return streak


def dashboard_get(
    *, learner: Any, now: datetime, recent: ReviewDays | None = None
) -> Dashboard:
    """Everything the dashboard shows, for this learner only. ``recent``: the result of
    :func:`recent_review_days` when the caller has it already."""
    # The settings, the study day and the allowance, read once for every course.
    today = today_get(learner=learner, now=now)
    prefs, day = today.prefs, today.day
    tz, hour = prefs.time_zone, prefs.day_starts_at
    states = _card_states(learner)
    totals = _card_totals(learner)
    lesson_best = _lesson_best(learner)
    covered, points = _self_review(learner)
    read = read_chapter_ids(learner=learner)
    due = due_per_chapter(learner=learner, day_end=day.end)
    courses = []
    for course in _courses():
        counts = study_counts(
            deck=Deck(course=course, chapter=None),
            learner=learner,
            now=now,
            today=today,
        )
        row = states.get(course.pk, {"seen": 0, "learning": 0, "young": 0, "mature": 0})
        chapters = [
            ChapterProgress(
                chapter=chapter,
                lesson_score=lesson_best.get(chapter.pk, (None, None))[0],
                lesson_total=lesson_best.get(chapter.pk, (None, None))[1],
                points_covered=covered.get(chapter.pk, 0),
                points_total=points.get(chapter.pk, 0),
                read=chapter.pk in read,
                due=due.get(chapter.pk, 0),
            )
            for chapter in course.chapter_list
        ]
        courses.append(
            CourseProgress(
                course=course,
                counts=counts,
                new=max(0, totals.get(course.pk, 0) - row["seen"]),
                learning=row["learning"],
                young=row["young"],
                mature=row["mature"],
                chapters=chapters,
            )
        )
    allowance = today.allowance
    reviews_today, seconds_today = _seconds_today(learner, day.start)
    return Dashboard(
        due_now=due_now_count(learner=learner, now=now),
        due_today=sum(c.due_today for c in courses),
        new_today=min(allowance, sum(c.counts.new_today for c in courses)),
        streak=_streak(learner, tz, hour, now, recent),
        reviews_today=reviews_today,
        seconds_today=seconds_today,
        continue_at=_continue(learner),
        courses=courses,
    )


# --- Exams (issue 12) ---------------------------------------------------------------


@dataclass(frozen=True)
class ExamRow:
    """One of the learner's exams on the dashboard; ``plan`` None once the day has come."""

    exam: Exam
    plan: ExamPlanView | None


def dashboard_exams_get(*, learner: Any, now: datetime) -> list[ExamRow]:
    """The learner's exams, soonest first, each with its plan as of ``now``."""
    return [
        ExamRow(
            exam=exam,
            plan=exam_plan_get(learner=learner, course=exam.course, now=now, exam=exam),
        )
        for exam in exams_of(learner=learner)
    ]
