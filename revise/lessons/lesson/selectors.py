"""Reading a lesson as a viewer may see it, and where a learner or visitor is in it.

Which steps a viewer gets is decided by ``revise/accounts/access.py``: a viewer who
may not read the locked part gets the free steps only (their distractors, explanations
and links are built from free facts and the free part only). A signed-in learner's run
through the lesson is a :class:`LessonAttempt`; a visitor's lives in the page's address
(``s``: the seed that shuffles the options, ``r``: a letter per question answered,
``o``: which questions a redo takes), so nothing is saved for them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.http import Http404
from django.urls import reverse
from django.utils.http import urlencode

from revise.accounts.access import can_read_locked
from revise.catalog.models import Chapter, Course
from revise.catalog.selectors import course_get
from revise.lessons.lesson.load import chapter_lesson
from revise.lessons.lesson.steps import (
    CHOICE,
    FILL_BLANK,
    MATCH,
    ORDER,
    TRUE_FALSE,
    Lesson,
    Step,
    presented,
)
from revise.lessons.lesson.timing import lesson_minutes
from revise.lessons.models import LessonAttempt

Viewer = Any
MAX_SEED = 10**9
RIGHT, WRONG, SKIPPED = "y", "n", "-"


class BadState(ValueError):
    """A lesson address or form whose progress fields cannot be read."""


@dataclass(frozen=True)
class LessonPage:
    """A chapter's lesson as ``viewer`` may see it. ``minutes`` is the whole lesson's
    length, the same for everyone and the same as on the chapter page."""

    course: Course
    chapter: Chapter
    lesson: Lesson
    steps: tuple[Step, ...]
    readable: bool
    locked_steps: int
    minutes: int

    @property
    def questions(self) -> tuple[Step, ...]:
        return tuple(s for s in self.steps if s.is_question)

    def step(self, step_id: str) -> Step:
        """A step the viewer may see, or 404 (a locked step is "no such step" too)."""
        step = self.lesson.get(step_id)
        if step is None or (step.locked and not self.readable):
            raise Http404("No such step in this lesson")
        return step

    def chapter_url(self, anchor: str = "") -> str:
        url = reverse("catalog:chapter", args=[self.course.slug, self.chapter.slug])
        return f"{url}#{anchor}" if anchor else url

    def step_url(self, step: Step) -> str:
        return reverse(
            "lesson:step", args=[self.course.slug, self.chapter.slug, step.id]
        )

    @property
    def start_url(self) -> str:
        return reverse("lesson:start", args=[self.course.slug, self.chapter.slug])

    @property
    def result_url(self) -> str:
        return reverse("lesson:result", args=[self.course.slug, self.chapter.slug])


def lesson_page_get(
    *, course_slug: str, chapter_slug: str, viewer: Viewer
) -> LessonPage:
    """The chapter's lesson for ``viewer``, or 404 (no such course or chapter, or a
    chapter with no steps)."""
    course = course_get(slug=course_slug)
    chapter = next((c for c in course.chapter_list if c.slug == chapter_slug), None)
    if chapter is None:
        raise Http404("No such chapter")
    chapter.course = course
    lesson = chapter_lesson(chapter)
    readable = can_read_locked(viewer)
    steps = lesson.visible(locked=readable)
    if not lesson.steps:
        raise Http404("This chapter has no lesson")
    return LessonPage(
        course=course,
        chapter=chapter,
        lesson=lesson,
        steps=steps,
        readable=readable,
        locked_steps=len(lesson.steps) - len(steps),
        minutes=lesson_minutes(lesson.steps),
    )


# --- a run through the lesson ---------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    """One pass through a lesson: its steps (all, or a redo's missed questions), the
    answers so far (step id → right?) and the seed that shuffles the options."""

    page: LessonPage
    steps: tuple[Step, ...]
    results: Mapping[str, bool]
    seed: int
    attempt: LessonAttempt | None = None
    answers: Mapping[str, Any] = field(default_factory=dict)
    only: str = ""  # a visitor's redo: "1" for each question it takes

    @property
    def questions(self) -> tuple[Step, ...]:
        return tuple(s for s in self.steps if s.is_question)

    def position(self, step: Step) -> int:
        """Where ``step`` stands in the run (0-based), or 404 if it is not in it."""
        for i, mine in enumerate(self.steps):
            if mine.id == step.id:
                return i
        raise Http404("No such step in this lesson")

    def after(self, step: Step) -> Step | None:
        index = self.position(step) + 1
        return self.steps[index] if index < len(self.steps) else None

    @property
    def first_open(self) -> Step | None:
        """Where to go on: the start, or the first question not yet answered."""
        if not self.results:
            return self.steps[0] if self.steps else None
        return next(
            (s for s in self.steps if s.is_question and s.id not in self.results), None
        )

    @property
    def score(self) -> int:
        return sum(1 for s in self.questions if self.results.get(s.id))

    @property
    def finished(self) -> bool:
        return all(s.id in self.results for s in self.questions)

    @property
    def missed(self) -> tuple[Step, ...]:
        return tuple(s for s in self.questions if not self.results.get(s.id))

    def query(self, **changes: Any) -> str:
        """The address suffix that keeps this run: ``?a=…`` for a learner, the
        visitor's seed, answers and redo otherwise."""
        if self.attempt is not None:
            return "?" + urlencode({"a": self.attempt.pk})
        fields = {"s": self.seed, "r": self.results_text(), "o": self.only}
        fields.update(changes)
        return "?" + urlencode({k: v for k, v in fields.items() if v != ""})

    def results_text(self, extra: Mapping[str, bool] | None = None) -> str:
        results = {**self.results, **(extra or {})}
        text = "".join(
            (RIGHT if results[s.id] else WRONG) if s.id in results else SKIPPED
            for s in self.questions
        )
        return text.rstrip(SKIPPED)


def learner_run(page: LessonPage, attempt: LessonAttempt) -> Run:
    """The run of a learner's attempt: every step, or a redo's missed questions."""
    if attempt.redo_of_id:
        missed = set(
            attempt.redo_of.answers.filter(correct=False).values_list("step", flat=True)
        )
        steps = tuple(s for s in page.questions if s.id in missed)
    else:
        steps = page.steps
    answers = {a.step: a for a in attempt.answers.all()}
    return Run(
        page=page,
        steps=steps,
        results={k: a.correct for k, a in answers.items()},
        seed=attempt.pk,
        attempt=attempt,
        answers={k: a.answer for k, a in answers.items()},
    )


def learner_attempt_get(
    *, page: LessonPage, learner: Viewer, value: str | None
) -> LessonAttempt:
    """The learner's attempt named by ``a`` in the address: 400 if unreadable, 404 if
    it is not theirs or not of this chapter."""
    if value is None or not (value.isascii() and value.isdigit() and len(value) < 19):
        raise BadState("That lesson address could not be read.")
    attempt = (
        LessonAttempt.objects.filter(
            pk=int(value), learner=learner, chapter=page.chapter
        )
        .select_related("redo_of")
        .first()
    )
    if attempt is None:
        raise Http404("No such attempt")
    return attempt


def learner_attempt_open(*, page: LessonPage, learner: Viewer) -> LessonAttempt | None:
    """The learner's latest unfinished attempt at this lesson, to continue."""
    return (
        LessonAttempt.objects.filter(
            learner=learner, chapter=page.chapter, finished_at__isnull=True
        )
        .order_by("-started_at", "-pk")
        .first()
    )


def learner_attempt_last(*, page: LessonPage, learner: Viewer) -> LessonAttempt | None:
    return (
        LessonAttempt.objects.filter(
            learner=learner, chapter=page.chapter, finished_at__isnull=False
        )
        .order_by("-finished_at", "-pk")
        .first()
    )


def visitor_run(page: LessonPage, query: Mapping[str, str]) -> Run:
    """A visitor's run, read from the address; :class:`BadState` if it cannot be."""
    seed_text = query.get("s", "")
    if not (seed_text.isascii() and seed_text.isdigit() and len(seed_text) <= 9):
        raise BadState("That lesson address could not be read: start again.")
    questions = page.questions
    only = query.get("o", "")
    if only:
        if not re.fullmatch(r"[01]+", only) or len(only) != len(questions):
            raise BadState("That lesson address is out of date: start again.")
        steps = tuple(q for q, bit in zip(questions, only, strict=True) if bit == "1")
    else:
        steps = page.steps
    run_questions = [s for s in steps if s.is_question]
    marks = query.get("r", "")
    if not re.fullmatch(r"[yn-]*", marks) or len(marks) > len(run_questions):
        raise BadState("That lesson address could not be read: start again.")
    results = {
        step.id: mark == RIGHT
        for step, mark in zip(run_questions, marks, strict=False)
        if mark != SKIPPED
    }
    return Run(page=page, steps=steps, results=results, seed=int(seed_text), only=only)


def visitor_redo_only(run: Run) -> str:
    """The ``o`` of a visitor's redo of ``run``'s missed questions."""
    missed = {s.id for s in run.missed}
    return "".join("1" if q.id in missed else "0" for q in run.page.questions)


# --- what a page shows of a step --------------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    value: int  # the index the form sends (the step's own order)
    text: str
    key: int  # the number key that picks it (1, 2, …)
    chosen: str = ""  # what a form sent back for it, shown again with an error


@dataclass(frozen=True)
class Blank:
    before: str  # the text before the blank (or after the last one)
    index: int | None  # the blank's number, None after the last
    typed: str = ""


@dataclass(frozen=True)
class ShownStep:
    """A step as the page shows it: options in this run's order, numbered for keys."""

    step: Step
    number: int
    total: int
    choices: tuple[Choice, ...] = ()  # choice options, order items, match right sides
    lefts: tuple[Choice, ...] = ()  # match left sides, in the author's order
    blanks: tuple[Blank, ...] = ()
    places: tuple[int, ...] = ()  # 1 … n for an order step

    @property
    def done(self) -> int:
        return self.number - 1


def shown_step(
    run: Run, step: Step, sent: Mapping[str, str] | None = None
) -> ShownStep:
    """``step`` as this run shows it; ``sent`` a form to show again (with an error)."""
    sent = sent or {}
    order = presented(step, run.seed) if step.kind in (CHOICE, ORDER, MATCH) else []
    texts = [r for _, r in step.pairs] if step.kind == MATCH else list(step.options)
    field_name = {CHOICE: "choice", ORDER: "place"}.get(step.kind, "")
    choices = tuple(
        Choice(
            value=i,
            text=texts[i],
            key=n,
            chosen=sent.get(f"place-{i}", "")
            if step.kind == ORDER
            else ("1" if field_name and sent.get(field_name) == str(i) else ""),
        )
        for n, i in enumerate(order, start=1)
    )
    if step.kind == TRUE_FALSE:
        truth = sent.get("truth", "")
        choices = (
            Choice(1, "True", 1, "1" if truth == "true" else ""),
            Choice(0, "False", 2, "1" if truth == "false" else ""),
        )
    lefts = tuple(
        Choice(value=i, text=left, key=i + 1, chosen=sent.get(f"pair-{i}", ""))
        for i, (left, _) in enumerate(step.pairs)
    )
    blanks = tuple(
        Blank(
            before=part,
            index=i if i < len(step.blanks) else None,
            typed=sent.get(f"blank-{i}", "")[:200] if i < len(step.blanks) else "",
        )
        for i, part in enumerate(step.parts)
    )
    return ShownStep(
        step=step,
        number=run.position(step) + 1,
        total=len(run.steps),
        choices=choices,
        lefts=lefts,
        blanks=blanks,
        places=tuple(range(1, len(step.options) + 1)) if step.kind == ORDER else (),
    )


@dataclass(frozen=True)
class Feedback:
    """What a learner is told after answering: right or wrong, their answer and the
    right one (line by line for blanks, orders and matches), the explanation and the
    link to the paragraph it comes from."""

    right: bool
    yours: tuple[tuple[str, bool], ...]  # each line of the answer given, and if right
    correct: tuple[str, ...]
    explain: str
    source_url: str
    next_url: str
    next_is_result: bool


def feedback_for(
    run: Run, step: Step, answer: Any, right: bool, next_url: str, *, last: bool
) -> Feedback:
    return Feedback(
        right=right,
        yours=tuple(answer_lines(step, answer)),
        correct=tuple(correct_lines(step)),
        explain=step.explain,
        source_url=run.page.chapter_url(step.anchor),
        next_url=next_url,
        next_is_result=last,
    )


def answer_lines(step: Step, answer: Any) -> list[tuple[str, bool]]:
    """A recorded answer as lines of text, each with whether it is right."""
    from revise.lessons.lesson.graders import blank_matches

    try:
        if step.kind == CHOICE:
            return [(step.options[answer], answer == step.answer)]
        if step.kind == TRUE_FALSE:
            return [("True" if answer else "False", answer == step.answer)]
        if step.kind == FILL_BLANK:
            return [
                (str(typed), blank_matches(str(typed), expected))
                for typed, expected in zip(answer, step.blanks, strict=False)
            ]
        if step.kind == ORDER:
            return [(step.options[i], i == n) for n, i in enumerate(answer)]
        if step.kind == MATCH:
            return [
                (f"{step.pairs[n][0]} → {step.pairs[i][1]}", i == n)
                for n, i in enumerate(answer)
            ]
    except (IndexError, TypeError, KeyError):  # an answer to an older version
        pass
    return []


def correct_lines(step: Step) -> list[str]:
    if step.kind == FILL_BLANK:
        return list(step.blanks)
    if step.kind == ORDER:
        return list(step.options)
    if step.kind == MATCH:
        return [f"{left} → {right}" for left, right in step.pairs]
    return [step.correct_text()]
