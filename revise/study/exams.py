"""Exams (issue 12): a learner's exam date for a course, and the plan that leads to it.

Writes (``exam_set``, ``exam_clear``) and reads (``exam_get``, ``exams_of``,
``exam_plan_get``) of the :class:`~revise.study.models.Exam` rows. The plan is made by
:func:`revise.study.exam.exam_plan` (pure, see its module docstring) from the learner's
card states each time it is shown, never stored as a row; the same inputs give the same
plan, so its figures are kept in the shared cache under a digest of its inputs, and a
page shown again before the learner studies costs the queries that gather them and no
planning.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet

from revise.accounts.access import can_read_locked
from revise.catalog.models import Course
from revise.memo import shared_kept
from revise.study import exam as planner
from revise.study import queue_sql
from revise.study.exam import ExamCard
from revise.study.models import (
    Card,
    CardState,
    Exam,
    LearnerSettings,
    ParameterFit,
    Suspension,
)
from revise.study.selectors import learner_settings_get, study_day
from revise.study.services import memory_of

MIN_MINUTES = 5
MAX_MINUTES = 600
ROWS_SHOWN = 14  # the plan's first days shown as rows
ANSWER_CAP_MS = 60_000  # one answer counts at most a minute of today's time
STATE_FIELDS = (
    "card_id",
    "state",
    "step",
    "stability",
    "difficulty",
    "due",
    "last_review",
    "reps",
    "lapses",
)


def _local_today(*, learner: Any, now: datetime) -> date:
    """The learner's calendar date at ``now`` in their time zone."""
    prefs = learner_settings_get(learner=learner)
    return now.astimezone(ZoneInfo(prefs.time_zone)).date()


def _two_years_after(day: date) -> date:
    try:
        return day.replace(year=day.year + 2)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 2, day=28)


def exam_errors(
    *, exam_date: date, daily_minutes: int, today: date
) -> dict[str, list[str]]:
    """What is wrong with an exam date and budget, by field (empty: nothing)."""
    errors: dict[str, list[str]] = {}
    if exam_date <= today:
        errors["exam_date"] = [
            f"The exam date must be after today ({today:%-d %B %Y} where you are)."
        ]
    elif exam_date > _two_years_after(today):
        errors["exam_date"] = ["The exam date must be at most two years ahead."]
    if not MIN_MINUTES <= daily_minutes <= MAX_MINUTES:
        errors["daily_minutes"] = [
            f"Minutes a day must be between {MIN_MINUTES} and {MAX_MINUTES}."
        ]
    return errors


@transaction.atomic
def exam_set(
    *,
    learner: Any,
    course: Course,
    exam_date: date,
    daily_minutes: int,
    now: datetime,
) -> Exam:
    """Set (or change) the learner's exam on ``course``; ValidationError by field if
    the date is not after today in their time zone and within two years, or the
    minutes are not 5 to 600."""
    today = _local_today(learner=learner, now=now)
    errors = exam_errors(exam_date=exam_date, daily_minutes=daily_minutes, today=today)
    if errors:
        raise ValidationError(errors)
    exam, _ = Exam.objects.update_or_create(
        learner=learner,
        course=course,
        defaults={"exam_date": exam_date, "daily_minutes": daily_minutes},
        create_defaults={
            "exam_date": exam_date,
            "daily_minutes": daily_minutes,
            "created_at": now,
        },
    )
    return exam


@transaction.atomic
def exam_clear(*, learner: Any, course: Course) -> bool:
    """Remove the learner's exam on ``course``; False if there was none."""
    deleted, _ = Exam.objects.filter(learner=learner, course=course).delete()
    return deleted > 0


def exam_get(*, learner: Any, course: Course) -> Exam | None:
    """The learner's exam on ``course``, or None (always None for a visitor)."""
    if not getattr(learner, "is_authenticated", False):
        return None
    return Exam.objects.filter(learner=learner, course=course).first()


def exams_of(*, learner: Any) -> QuerySet[Exam]:
    """The learner's exams, soonest first, with their courses."""
    if not getattr(learner, "is_authenticated", False):
        return Exam.objects.none()
    return (
        Exam.objects.filter(learner=learner)
        .select_related("course")
        .order_by("exam_date", "course__title")
    )


@dataclass(frozen=True)
class PlanRow:
    """One day of the plan as the page shows it: counts only."""

    day: date
    new: int
    reviews: int
    seconds: float

    @property
    def minutes(self) -> int:
        return round(self.seconds / 60)


@dataclass(frozen=True)
class ExamPlanView:
    """What the exam page, the course page and the dashboard show of a plan."""

    exam: Exam
    today: date
    days_left: int  # study days before the exam day (the exam day itself not counted)
    cards: int  # the course's cards the plan covers (live, not suspended)
    new_cards: int  # of which not seen yet
    fits: bool
    left_out: int  # new cards the budget cannot introduce before the exam
    predicted_percent: int  # share of the cards recalled on the exam day, if kept to
    minutes_spent_today: int
    fitted: bool  # planned with the learner's fitted parameters (else the defaults)
    rows: tuple[PlanRow, ...]  # the first ROWS_SHOWN days
    total_new: int  # over the whole plan
    total_reviews: int
    total_minutes: int

    @property
    def exam_date(self) -> date:
        return self.exam.exam_date

    @property
    def first(self) -> PlanRow:
        return self.rows[0]


def _course_cards(*, learner: Any, course: Course) -> list[int]:
    """Ids of the course's live cards the learner studies (suspended ones left out),
    in reading order."""
    cards = Card.objects.filter(course=course, retired_at__isnull=True).exclude(
        id__in=Suspension.objects.filter(learner=learner).values("card_id")
    )
    if not can_read_locked(learner):
        cards = cards.filter(locked=False)
    return list(cards.order_by("sequence").values_list("id", flat=True))


PLAN_TIMEOUT = 60 * 60 * 24  # a plan whose inputs changed is never read again
REPLAN_EVERY = 25  # answers: the study queue's share of the plan is made again


@dataclass(frozen=True)
class _Planned:
    """What the pages use of an ``exam_plan`` (kept in the cache: counts only)."""

    fits: bool
    left_out: int
    predicted_recall: float
    rows: tuple[PlanRow, ...]  # every day of the plan


@functools.cache
def _planner_version() -> str:
    """The planner's code and this module's, hashed: a plan made (or pickled) by
    older code is not reused."""
    digest = hashlib.sha256()
    package = sorted(Path(planner.__file__).parent.glob("*.py"))
    for module in (*package, Path(__file__)):
        digest.update(module.read_bytes())
    return digest.hexdigest()[:16]


def _plan(cards: list[ExamCard], **inputs: Any) -> _Planned | None:
    """``exam_plan``, kept in the shared cache under a digest of everything it reads
    (so a page shown again before the learner studies, by any app server, plans
    nothing); a cache that fails only makes the page slower."""
    digest = hashlib.blake2b(
        repr((_planner_version(), cards, sorted(inputs.items()))).encode(),
        digest_size=20,
    ).hexdigest()
    return shared_kept(
        f"revise:exam-plan:{digest}",
        lambda: _plan_made(cards, **inputs),
        timeout=PLAN_TIMEOUT,
    )


def _plan_made(cards: list[ExamCard], **inputs: Any) -> _Planned | None:
    plan = planner.exam_plan(cards, **inputs)
    if plan is None:
        return None
    return _Planned(
        fits=plan.fits,
        left_out=len(plan.left_out),
        predicted_recall=plan.predicted_recall,
        rows=tuple(
            PlanRow(
                day=d.day, new=len(d.new), reviews=len(d.reviews), seconds=d.seconds
            )
            for d in plan.days
        ),
    )


def _plan_inputs(
    *, learner: Any, course: Course, now: datetime, exam: Exam
) -> tuple[list[ExamCard], dict[str, Any]] | None:
    """The cards and the other arguments of the planner for the learner's exam as of
    ``now``; None on and after the exam day."""
    prefs = learner_settings_get(learner=learner)
    day = study_day(prefs=prefs, now=now)
    today = day.start.astimezone(ZoneInfo(prefs.time_zone)).date()
    if exam.exam_date <= today:
        return None
    parameters = None
    if prefs.parameters_id:
        parameters = (
            ParameterFit.objects.filter(pk=prefs.parameters_id)
            .values_list("parameters", flat=True)
            .first()
        )
    ids = _course_cards(learner=learner, course=course)
    states = {
        state.card_id: state
        for state in CardState.objects.filter(learner=learner, course=course).only(
            *STATE_FIELDS
        )
    }
    cards = [ExamCard(id=i, memory=memory_of(states.get(i))) for i in ids]
    spent, new_today = queue_sql.studied_since(
        learner_id=learner.pk,
        course_id=course.pk,
        since=day.start,
        answer_cap_ms=ANSWER_CAP_MS,
    )
    return cards, {
        "today": today,
        "exam": exam.exam_date,
        "daily_seconds": exam.daily_minutes * 60,
        "parameters": tuple(parameters) if parameters else None,
        "spent_today": spent,
        "new_today": new_today,
        "time_zone": prefs.time_zone,
        "day_hour": prefs.day_starts_at,
    }


def exam_plan_get(
    *, learner: Any, course: Course, now: datetime, exam: Exam | None = None
) -> ExamPlanView | None:
    """The learner's plan for their exam on ``course`` as of ``now``; None if they have
    no exam on it, or on and after the exam day (normal scheduling applies).

    ``exam``: the learner's exam on the course when the caller has it already. Five
    queries (the settings, the card ids, the states, today's seconds and new cards in
    one, the fitted parameters if any) and the cache's read. Measured on SQLite with 2,000
    cards (1,000 seen), 30 minutes a day, the exam 30 and 60 days ahead: 0.52-0.80 s
    the first time, nearly all of it ``exam_plan``; about 20 ms once the plan for the
    same inputs is in the cache (reading the 1,000 states is most of that).
    """
    if exam is None:
        exam = exam_get(learner=learner, course=course)
    if exam is None:
        return None
    gathered = _plan_inputs(learner=learner, course=course, now=now, exam=exam)
    if gathered is None:
        return None
    cards, inputs = gathered
    today, spent = inputs["today"], inputs["spent_today"]
    parameters = inputs["parameters"]
    plan = _plan(cards, **inputs)
    if plan is None:
        return None
    rows = plan.rows
    return ExamPlanView(
        exam=exam,
        today=today,
        days_left=(exam.exam_date - today).days,
        cards=len(cards),
        new_cards=sum(1 for card in cards if card.memory is None),
        fits=plan.fits,
        left_out=plan.left_out,
        predicted_percent=round(plan.predicted_recall * 100),
        minutes_spent_today=round(spent / 60),
        fitted=parameters is not None,
        rows=rows[:ROWS_SHOWN],
        total_new=sum(row.new for row in rows),
        total_reviews=sum(row.reviews for row in rows),
        total_minutes=round(sum(row.seconds for row in rows) / 60),
    )


# --- the study queue under the plan -------------------------------------------------


@dataclass(frozen=True)
class ExamDay:
    """What the study queue takes from the plan for one study day: how many new cards
    the plan introduces today (those already introduced today included) and the cards
    it reviews today, most valuable first. Card ids and counts only."""

    exam: date
    new_cards: int
    reviews: tuple[int, ...]


def exam_day_get(
    *,
    learner: Any,
    course: Course,
    now: datetime,
    prefs: LearnerSettings | None = None,
) -> ExamDay | None:
    """Today's share of the learner's exam plan for ``course``, or None (no exam, or
    on and after the exam day: normal scheduling).

    Planned when the day's first study page asks, again after every
    ``REPLAN_EVERY`` answers (a study session, roughly) and if the exam's date or minutes
    change, and kept in the shared cache meanwhile: before the final window planning
    takes a few milliseconds, in it a few hundred for 2,000 cards, too much for every
    answer.
    """
    exam = exam_get(learner=learner, course=course)
    if exam is None:
        return None
    prefs = prefs or learner_settings_get(learner=learner)
    today = study_day(prefs=prefs, now=now).start
    answers = queue_sql.answers_since(
        learner_id=learner.pk, since=today, course_id=course.pk
    )
    key = (
        f"revise:exam-day:{learner.pk}:{course.pk}:{today.isoformat()}:"
        f"{answers // REPLAN_EVERY}:{exam.exam_date.isoformat()}:{exam.daily_minutes}:"
        f"{_planner_version()}"
    )
    return shared_kept(
        key,
        lambda: _exam_day(learner=learner, course=course, now=now, exam=exam),
        timeout=PLAN_TIMEOUT,
    )


def _exam_day(
    *, learner: Any, course: Course, now: datetime, exam: Exam
) -> ExamDay | None:
    gathered = _plan_inputs(learner=learner, course=course, now=now, exam=exam)
    if gathered is None:
        return None
    cards, inputs = gathered
    chosen = planner.exam_today(cards, **inputs)
    if chosen is None:
        return None
    new = {card.id for card in cards if card.memory is None}
    return ExamDay(
        exam=exam.exam_date,
        new_cards=inputs["new_today"] + sum(1 for i in chosen if i in new),
        reviews=tuple(i for i in chosen if i not in new),
    )
