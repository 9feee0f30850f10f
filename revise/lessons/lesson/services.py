"""Writing a learner's lesson attempts and answers, each in one transaction.

An answer is recorded once per step of an attempt (the database holds the pair
unique): a resubmitted form, a double click or a second tab records nothing more, and
is told so. The attempt's score and total follow its answers; it is finished when every
question of its run is answered.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction

from revise.lessons.lesson.selectors import LessonPage
from revise.lessons.lesson.steps import Step
from revise.lessons.models import LessonAnswer, LessonAttempt


def attempt_start(
    *,
    learner: Any,
    page: LessonPage,
    now: datetime,
    redo_of: LessonAttempt | None = None,
) -> LessonAttempt:
    """A new attempt at the whole lesson, or at the questions ``redo_of`` missed."""
    if redo_of is None:
        total = len(page.questions)
    else:
        missed = set(
            redo_of.answers.filter(correct=False).values_list("step", flat=True)
        )
        total = sum(1 for s in page.questions if s.id in missed)
    return LessonAttempt.objects.create(
        learner=learner,
        chapter=page.chapter,
        version=page.chapter.source_hash,
        started_at=now,
        total=total,
        redo_of=redo_of,
    )


def answer_record(
    *,
    attempt: LessonAttempt,
    step: Step,
    answer: Any,
    correct: bool,
    now: datetime,
) -> bool:
    """Record the answer to ``step`` in ``attempt``; False if one was recorded already
    (the first answer stands)."""
    with transaction.atomic():
        locked = LessonAttempt.objects.select_for_update().get(pk=attempt.pk)
        if locked.answers.filter(step=step.id).exists():
            return False
        try:
            with transaction.atomic():
                LessonAnswer.objects.create(
                    attempt=locked,
                    step=step.id,
                    answer=answer,
                    correct=correct,
                    answered_at=now,
                )
        except IntegrityError:  # another request got there first
            return False
        answers = locked.answers.all()
        locked.score = answers.filter(correct=True).count()
        if locked.finished_at is None and answers.count() >= locked.total:
            locked.finished_at = now
        locked.save(update_fields=["score", "finished_at"])
    attempt.score, attempt.finished_at = locked.score, locked.finished_at
    return True
