"""Self-review writes: a learner's answers (drafts) and markings. Each runs inside one
transaction; callers pass questions the learner may see (``selectors.Sheet``)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction

from revise.lessons.models import Question, SelfReviewAnswer, SelfReviewAttempt

# The same marks of the same answer within this time are one marking sent twice (a
# double click, a resubmitted form), not two.
REPEAT_WINDOW = timedelta(seconds=30)


def _answer_row(*, learner: Any, question: Question, now: datetime) -> SelfReviewAnswer:
    """The learner's answer row for ``question``, locked for this transaction; made
    (empty) if they have none. Concurrent first saves meet on the unique constraint."""
    row, _ = SelfReviewAnswer.objects.select_for_update().get_or_create(
        learner=learner, question=question, defaults={"text": "", "updated_at": now}
    )
    return row


def _keep(
    *, learner: Any, question: Question, text: str, now: datetime, revealed: bool
) -> tuple[SelfReviewAnswer, bool]:
    row = _answer_row(learner=learner, question=question, now=now)
    fields = []
    if row.text != text:
        row.text, row.updated_at = text, now
        fields += ["text", "updated_at"]
    if revealed and row.submitted_at is None:
        row.submitted_at = now
        fields.append("submitted_at")
    if fields:
        row.save(update_fields=fields)
    return row, "text" in fields


@transaction.atomic
def draft_save(
    *,
    learner: Any,
    question: Question,
    text: str,
    now: datetime,
    revealed: bool = False,
) -> SelfReviewAnswer:
    """Keep ``text`` as the learner's answer to ``question``; ``revealed`` notes that
    they revealed the guidance. An unchanged answer is not written again."""
    row, _ = _keep(
        learner=learner, question=question, text=text, now=now, revealed=revealed
    )
    return row


@transaction.atomic
def answers_save(
    *,
    learner: Any,
    answers: dict[Question, str],
    now: datetime,
    revealed: Question | None = None,
) -> int:
    """Keep every answer of a submitted page; returns how many changed."""
    changed = 0
    for question, text in answers.items():
        _, written = _keep(
            learner=learner,
            question=question,
            text=text,
            now=now,
            revealed=question == revealed,
        )
        changed += written
    if revealed is not None and revealed not in answers:
        SelfReviewAnswer.objects.filter(
            learner=learner, question=revealed, submitted_at__isnull=True
        ).update(submitted_at=now)
    return changed


@transaction.atomic
def attempt_record(
    *,
    learner: Any,
    question: Question,
    answer: str,
    marks: list[bool],
    now: datetime,
) -> tuple[SelfReviewAttempt, bool]:
    """Save a marking of ``question``'s guidance points (one bool per point, in the
    author's order) as an attempt; returns (attempt, created). The same marks of the
    same answer sent again within :data:`REPEAT_WINDOW` return the first attempt."""
    if len(marks) != len(question.guidance_html):
        raise ValueError("one mark per guidance point")
    # Locking the learner's answer row queues two markings of one question.
    draft_save(learner=learner, question=question, text=answer, now=now)
    marks = [bool(m) for m in marks]
    latest = (
        SelfReviewAttempt.objects.filter(learner=learner, question=question)
        .order_by("-created_at", "-id")
        .first()
    )
    if (
        latest is not None
        and latest.marks == marks
        and latest.answer == answer
        and now - latest.created_at < REPEAT_WINDOW
    ):
        return latest, False
    attempt = SelfReviewAttempt.objects.create(
        learner=learner,
        question=question,
        answer=answer,
        marks=marks,
        covered=sum(marks),
        total=len(marks),
        created_at=now,
    )
    return attempt, True
