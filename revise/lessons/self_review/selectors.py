"""Self-review reads: a chapter's questions as a viewer may see them, and the page built
from them. Locked questions are filtered through ``revise/accounts/access.py`` here, and
nowhere else, before anything of them is read."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from revise.accounts.access import can_read_locked
from revise.catalog.models import Chapter, Course
from revise.catalog.selectors import course_get
from revise.lessons.models import Question, SelfReviewAnswer, SelfReviewAttempt
from revise.lessons.self_review import matching

Viewer = Any  # a User or AnonymousUser


@dataclass(frozen=True)
class Sheet:
    """The questions of a chapter that a viewer may see, in order; ``locked_count`` is
    how many more the viewer may not see (the chapter page states the total anyway)."""

    course: Course
    chapter: Chapter
    questions: list[Question]
    locked_count: int

    def question(self, question_id: int) -> Question:
        """One of the sheet's questions, or 404: another chapter's, a retired or a
        locked one the viewer may not see are all "no such question"."""
        found = next((q for q in self.questions if q.pk == question_id), None)
        if found is None:
            raise Http404("No such question in this chapter")
        return found


def live_questions(*, chapter: Chapter) -> QuerySet[Question]:
    """Every live question of the chapter, locked ones too: not for showing."""
    return Question.objects.filter(chapter=chapter, retired_at__isnull=True).order_by(
        "position"
    )


def sheet_get(*, course_slug: str, chapter_slug: str, viewer: Viewer) -> Sheet:
    """The chapter's questions as ``viewer`` may see them, or 404."""
    course = course_get(slug=course_slug)
    chapter = next((c for c in course.chapter_list if c.slug == chapter_slug), None)
    if chapter is None:
        raise Http404("No such chapter")
    questions = live_questions(chapter=chapter)
    locked_count = 0
    if not can_read_locked(viewer):
        locked_count = questions.filter(locked=True).count()
        questions = questions.filter(locked=False)
    return Sheet(
        course=course,
        chapter=chapter,
        questions=list(questions),
        locked_count=locked_count,
    )


# --- the page ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PointView:
    index: int
    html: str
    checked: bool
    suggested: bool
    words: tuple[str, ...]


@dataclass(frozen=True)
class GroupView:
    label: str
    points: list[PointView]


@dataclass(frozen=True)
class QuestionView:
    """One question on the page. ``ticks`` says where the ticked boxes come from:
    "suggested" (from the answer's words), "saved" (the learner's last marking of this
    very answer) or "yours" (the boxes as the form sent them)."""

    question: Question
    number: int
    answer: str
    saved_at: datetime | None
    revealed: bool
    groups: list[GroupView] = field(default_factory=list)
    grouped: bool = False
    total: int = 0
    suggested: int = 0
    ticks: str = "suggested"
    last: SelfReviewAttempt | None = None


def learner_answers(*, learner: Any, questions: list[Question]) -> dict[int, Any]:
    """The learner's kept answers to ``questions``, by question id."""
    rows = SelfReviewAnswer.objects.filter(learner=learner, question__in=questions)
    return {row.question_id: row for row in rows}


def last_attempts(
    *, learner: Any, questions: list[Question]
) -> dict[int, SelfReviewAttempt]:
    """The learner's latest marking of each of ``questions`` that has one."""
    latest = {}
    for question in questions:
        attempt = (
            SelfReviewAttempt.objects.filter(learner=learner, question=question)
            .order_by("-created_at", "-id")
            .first()
        )
        if attempt is not None:
            latest[question.pk] = attempt
    return latest


def page_items(
    *,
    sheet: Sheet,
    learner: Any | None,
    shown: set[int],
    answers: dict[int, str] | None = None,
    marks: dict[int, list[bool]] | None = None,
) -> list[QuestionView]:
    """The page's questions for a viewer: ``learner`` (None for a visitor) has kept
    answers and markings; ``answers`` and ``marks`` (as a form sent them) take their
    place; ``shown`` are the questions whose guidance is revealed."""
    answers = answers or {}
    marks = marks or {}
    kept = (
        learner_answers(learner=learner, questions=sheet.questions) if learner else {}
    )
    latest = (
        last_attempts(learner=learner, questions=sheet.questions) if learner else {}
    )
    items = []
    for number, question in enumerate(sheet.questions, start=1):
        row = kept.get(question.pk)
        text = answers.get(question.pk, row.text if row else "")
        item = QuestionView(
            question=question,
            number=number,
            answer=text,
            saved_at=row.updated_at if row else None,
            revealed=question.pk in shown,
            last=latest.get(question.pk),
        )
        if item.revealed:
            item = _revealed(item, marks.get(question.pk))
        items.append(item)
    return items


def _revealed(item: QuestionView, sent: list[bool] | None) -> QuestionView:
    """The question with its guidance: points grouped by label, boxes ticked."""
    question = item.question
    points = [matching.html_text(p) for p in question.guidance_html]
    labels = [matching.label_of(p) for p in points]
    groups = matching.group_points(labels)
    grouped = any(group.label for group in groups)
    suggestions = matching.suggest(item.answer, points, question.prompt_text)
    last = item.last
    if sent is not None and len(sent) == len(points):
        ticks, checked = "yours", sent
    elif (
        last is not None
        and last.answer == item.answer
        and len(last.marks) == len(points)
    ):
        ticks, checked = "saved", [bool(m) for m in last.marks]
    else:
        ticks, checked = "suggested", [s.suggested for s in suggestions]

    def view(index: int) -> PointView:
        html = question.guidance_html[index]
        if grouped:
            html = matching.split_label_html(html, labels[index])
        return PointView(
            index=index,
            html=html,
            checked=checked[index],
            suggested=suggestions[index].suggested,
            words=suggestions[index].words,
        )

    return QuestionView(
        question=question,
        number=item.number,
        answer=item.answer,
        saved_at=item.saved_at,
        revealed=True,
        groups=[
            GroupView(label=g.label, points=[view(i) for i in g.indexes])
            for g in groups
        ],
        grouped=grouped,
        total=len(points),
        suggested=sum(1 for s in suggestions if s.suggested),
        ticks=ticks,
        last=last,
    )
