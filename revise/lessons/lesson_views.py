"""The lesson pages: the start, one page per step, the result.

A signed-in learner's run is an attempt (``?a=`` in the address); their answers are
saved, then the step is shown again with its feedback (post, redirect, get). A visitor
takes the free steps with their progress in the address; an answer's feedback is the
response to its form, and nothing is saved. Without JavaScript every step is a plain
form; ``lesson.js`` adds the keys.
"""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from revise.lessons.lesson import selectors, services
from revise.lessons.lesson.graders import BadAnswer, is_right, read_answer
from revise.lessons.lesson.selectors import BadState, LessonPage, Run
from revise.lessons.lesson.steps import Step

ALREADY = "That answer was already recorded; here is its feedback."


def _page(request: HttpRequest, course_slug: str, chapter_slug: str) -> LessonPage:
    return selectors.lesson_page_get(
        course_slug=course_slug, chapter_slug=chapter_slug, viewer=request.user
    )


def _signed_in(request: HttpRequest) -> bool:
    return request.user.is_authenticated


def _bad(request: HttpRequest, page: LessonPage, message: str) -> HttpResponse:
    context = {"page": page, "message": message}
    return render(request, "lessons/lesson_bad.html", context, status=400)


@require_http_methods(["GET", "HEAD", "POST"])
def lesson_start(
    request: HttpRequest, course_slug: str, chapter_slug: str
) -> HttpResponse:
    """The lesson's first page: its length and steps, and a start (or redo) button."""
    page = _page(request, course_slug, chapter_slug)
    if not _signed_in(request):
        seed = secrets.randbelow(selectors.MAX_SEED)
        first_url = f"{page.step_url(page.steps[0])}?s={seed}" if page.steps else ""
        if request.method == "POST" and first_url:
            return HttpResponseRedirect(first_url)
        context = {"page": page, "first_url": first_url}
        return render(request, "lessons/lesson.html", context)
    if request.method == "POST":
        return _learner_start(request, page)
    open_attempt = selectors.learner_attempt_open(page=page, learner=request.user)
    resume = None
    if open_attempt is not None:
        run = selectors.learner_run(page, open_attempt)
        step = run.first_open
        if step is not None:
            resume = f"{page.step_url(step)}{run.query()}"
    context = {
        "page": page,
        "resume": resume,
        "last": selectors.learner_attempt_last(page=page, learner=request.user),
    }
    return render(request, "lessons/lesson.html", context)


def _learner_start(request: HttpRequest, page: LessonPage) -> HttpResponse:
    redo_of = None
    if request.POST.get("action") == "redo":
        try:
            redo_of = selectors.learner_attempt_get(
                page=page, learner=request.user, value=request.POST.get("attempt")
            )
        except BadState as error:
            return _bad(request, page, str(error))
        if not selectors.learner_run(page, redo_of).missed:
            messages.info(request, "Nothing to redo: every step was right.")
            return HttpResponseRedirect(f"{page.result_url}?a={redo_of.pk}")
    attempt = services.attempt_start(
        learner=request.user, page=page, now=timezone.now(), redo_of=redo_of
    )
    run = selectors.learner_run(page, attempt)
    if not run.steps:
        raise Http404("No steps to take")
    return HttpResponseRedirect(f"{page.step_url(run.steps[0])}{run.query()}")


def _run(request: HttpRequest, page: LessonPage) -> Run:
    """The run the address names: the learner's attempt, or the visitor's progress."""
    if _signed_in(request):
        attempt = selectors.learner_attempt_get(
            page=page, learner=request.user, value=request.GET.get("a")
        )
        return selectors.learner_run(page, attempt)
    return selectors.visitor_run(page, request.GET)


@require_http_methods(["GET", "HEAD", "POST"])
def lesson_step(
    request: HttpRequest, course_slug: str, chapter_slug: str, step_id: str
) -> HttpResponse:
    page = _page(request, course_slug, chapter_slug)
    step = page.step(step_id)
    if _signed_in(request) and "a" not in request.GET:
        return HttpResponseRedirect(page.start_url)
    try:
        run = _run(request, page)
    except BadState as error:
        return _bad(request, page, str(error))
    run.position(step)  # 404 unless the step is in this run
    if request.method != "POST":
        if step.is_question and step.id in run.results:
            return _feedback(request, run, step, run.answers.get(step.id))
        return _question(request, run, step)
    if not step.is_question:
        return _bad(request, page, "A reading step has nothing to answer.")
    try:
        answer = read_answer(step, request.POST)
    except BadAnswer as error:
        return _question(request, run, step, error=str(error), status=400)
    right = is_right(step, answer)
    if run.attempt is None:  # a visitor: the feedback is the answer's response
        results = {**run.results, step.id: right}
        after = Run(
            page=page, steps=run.steps, results=results, seed=run.seed, only=run.only
        )
        return _feedback(request, after, step, answer)
    recorded = services.answer_record(
        attempt=run.attempt,
        step=step,
        answer=answer,
        correct=right,
        now=timezone.now(),
    )
    if not recorded:
        messages.info(request, ALREADY)
    return HttpResponseRedirect(f"{page.step_url(step)}{run.query()}")


def _next_url(run: Run, step: Step) -> tuple[str, bool]:
    following = run.after(step)
    if following is None:
        return f"{run.page.result_url}{run.query()}", True
    return f"{run.page.step_url(following)}{run.query()}", False


def _question(
    request: HttpRequest,
    run: Run,
    step: Step,
    *,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    next_url, last = _next_url(run, step)
    context = {
        "page": run.page,
        "run": run,
        "shown": selectors.shown_step(
            run, step, request.POST if request.method == "POST" else None
        ),
        "query": run.query(),
        "next_url": next_url,
        "next_is_result": last,
        "error": error,
    }
    return render(request, "lessons/lesson_step.html", context, status=status)


def _feedback(
    request: HttpRequest, run: Run, step: Step, answer: object
) -> HttpResponse:
    next_url, last = _next_url(run, step)
    feedback = selectors.feedback_for(
        run, step, answer, run.results.get(step.id, False), next_url, last=last
    )
    context = {
        "page": run.page,
        "run": run,
        "shown": selectors.shown_step(run, step),
        "feedback": feedback,
    }
    return render(request, "lessons/lesson_step.html", context)


@require_safe
def lesson_result(
    request: HttpRequest, course_slug: str, chapter_slug: str
) -> HttpResponse:
    """The score, the missed steps with their explanations, and a redo of those."""
    page = _page(request, course_slug, chapter_slug)
    if _signed_in(request) and "a" not in request.GET:
        return HttpResponseRedirect(page.start_url)
    try:
        run = _run(request, page)
    except BadState as error:
        return _bad(request, page, str(error))
    missed = [
        {
            "step": step,
            "answered": step.id in run.results,
            "correct": selectors.correct_lines(step),
            "source_url": page.chapter_url(step.anchor),
            "url": f"{page.step_url(step)}{run.query()}",
        }
        for step in run.missed
    ]
    redo_url = ""
    if run.attempt is None and run.missed and run.finished:
        first = run.missed[0]
        redo_url = (
            f"{page.step_url(first)}?s={(run.seed + 1) % selectors.MAX_SEED}"
            f"&o={selectors.visitor_redo_only(run)}"
        )
    context = {
        "page": page,
        "run": run,
        "missed": missed,
        "open_step": run.first_open,
        "open_url": f"{page.step_url(run.first_open)}{run.query()}"
        if run.first_open
        else "",
        "redo_url": redo_url,
    }
    return render(request, "lessons/lesson_result.html", context)
