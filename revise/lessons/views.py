from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods, require_POST

from revise.lessons.self_review import selectors as self_review_selectors
from revise.lessons.self_review import services as self_review_services
from revise.lessons.self_review.submission import (
    BadSubmission,
    Submission,
    answer_check,
    submission_read,
    submission_salvage,
)

# --- self review --------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
def self_review(
    request: HttpRequest, course_slug: str, chapter_slug: str
) -> HttpResponse:
    """The chapter's questions on one page, as one plain form (see ``submission``).

    A signed-in learner's answers and marks are saved, then the page is shown again by
    redirect. A visitor's are not saved: the page is rendered straight from the form,
    with their answers in it.
    """
    sheet = self_review_selectors.sheet_get(
        course_slug=course_slug, chapter_slug=chapter_slug, viewer=request.user
    )
    learner = request.user if request.user.is_authenticated else None
    if request.method != "POST":
        shown = {sheet.question(_id(v)).pk for v in request.GET.getlist("show") if v}
        return _page(request, sheet, learner, shown=shown)
    try:
        sent = submission_read(request.POST, sheet)
    except BadSubmission as error:
        answers, shown = submission_salvage(request.POST, sheet)
        messages.error(request, str(error))
        return _page(request, sheet, learner, shown=shown, answers=answers, status=400)
    if learner is None:
        return _visitor_post(request, sheet, sent)
    now = timezone.now()
    target = sheet.question(sent.target) if sent.target else None
    with transaction.atomic():
        self_review_services.answers_save(
            learner=learner,
            answers={sheet.question(pk): text for pk, text in sent.answers.items()},
            now=now,
            revealed=target if sent.action == "reveal" else None,
        )
        if sent.action == "mark":
            attempt, created = self_review_services.attempt_record(
                learner=learner,
                question=target,
                answer=sent.answers.get(target.pk, ""),
                marks=sent.marks[target.pk],
                now=now,
            )
    if sent.action == "mark":
        messages.success(
            request,
            f"Saved: you covered {attempt.covered} of {_points(attempt.total)}."
            if created
            else "Those marks were already saved.",
        )
    elif sent.action == "save":
        messages.success(request, "Your answers are saved.")
    query = urlencode({"show": sorted(sent.shown)}, doseq=True)
    anchor = f"#q-{target.pk}" if target else ""
    return redirect(f"{request.path}{'?' if query else ''}{query}{anchor}")


def _visitor_post(
    request: HttpRequest, sheet: self_review_selectors.Sheet, sent: Submission
) -> HttpResponse:
    if sent.action == "mark":
        marks = sent.marks[sent.target]
        messages.info(
            request,
            f"You covered {sum(marks)} of {_points(len(marks))}. Nothing is saved for "
            "visitors: create a free account to keep your answers and results.",
        )
    elif sent.action == "save":
        messages.info(
            request,
            "Your answers stay on this page only: create a free account to save them.",
        )
    return _page(
        request,
        sheet,
        None,
        shown=sent.shown,
        answers=sent.answers,
        marks=sent.marks,
    )


def _points(count: int) -> str:
    return f"{count} point{'' if count == 1 else 's'}"


def _id(value: str) -> int:
    return int(value) if value.isascii() and value.isdigit() and len(value) < 19 else 0


def _page(
    request: HttpRequest,
    sheet: self_review_selectors.Sheet,
    learner: object | None,
    *,
    shown: set[int],
    answers: dict[int, str] | None = None,
    marks: dict[int, list[bool]] | None = None,
    status: int = 200,
) -> HttpResponse:
    items = self_review_selectors.page_items(
        sheet=sheet, learner=learner, shown=shown, answers=answers, marks=marks
    )
    context = {
        "sheet": sheet,
        "items": items,
        "shown": sorted(shown),
        "signed_in": learner is not None,
    }
    # Like a chapter page, it depends on who asks: kept out of shared caches.
    return render(request, "lessons/self_review.html", context, status=status)


@require_POST
def self_review_draft(
    request: HttpRequest, course_slug: str, chapter_slug: str, question_id: int
) -> JsonResponse:
    """Keep a learner's answer as they type (JavaScript). Answers nothing but whether it
    was saved: never a question's guidance."""
    sheet = self_review_selectors.sheet_get(
        course_slug=course_slug, chapter_slug=chapter_slug, viewer=request.user
    )
    question = sheet.question(question_id)
    if not request.user.is_authenticated:
        return JsonResponse(
            {"error": "Drafts are saved for signed-in learners only."}, status=403
        )
    text = request.POST.get("answer")
    if text is None:
        return JsonResponse({"error": "No answer was sent."}, status=400)
    try:
        text = answer_check(text)
    except BadSubmission as error:
        return JsonResponse({"error": str(error)}, status=400)
    row = self_review_services.draft_save(
        learner=request.user, question=question, text=text, now=timezone.now()
    )
    return JsonResponse({"saved": True, "updated_at": row.updated_at.isoformat()})
