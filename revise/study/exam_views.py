"""The exam page: set, change or remove a course's exam date, and see the plan."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from revise.study import exams
from revise.study import selectors as study_selectors


class ExamForm(forms.Form):
    exam_date = forms.DateField(
        label="Exam date",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d"],
        help_text="In your time zone (set in your study settings); at most two years "
        "ahead. Written as YYYY-MM-DD if your browser asks.",
    )
    daily_minutes = forms.IntegerField(
        label="Minutes a day",
        min_value=exams.MIN_MINUTES,
        max_value=exams.MAX_MINUTES,
        initial=20,
        help_text=f"How long you can study this course each day "
        f"({exams.MIN_MINUTES} to {exams.MAX_MINUTES}).",
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def exam_detail(request: HttpRequest, course_slug: str) -> HttpResponse:
    course = study_selectors.deck_get(course_slug=course_slug).course
    exam = exams.exam_get(learner=request.user, course=course)
    now = timezone.now()
    if request.method == "POST":
        form = ExamForm(request.POST)
        if form.is_valid():
            try:
                exams.exam_set(
                    learner=request.user,
                    course=course,
                    exam_date=form.cleaned_data["exam_date"],
                    daily_minutes=form.cleaned_data["daily_minutes"],
                    now=now,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, "Exam saved; here is your plan.")
                return redirect("study:exam", course.slug)
        status = 400
    else:
        initial = {}
        if exam is not None:
            initial = {"exam_date": exam.exam_date, "daily_minutes": exam.daily_minutes}
        form = ExamForm(initial=initial)
        status = 200
    plan = None
    if exam is not None:
        plan = exams.exam_plan_get(
            learner=request.user, course=course, now=now, exam=exam
        )
    return render(
        request,
        "study/exam_detail.html",
        {"course": course, "exam": exam, "plan": plan, "form": form},
        status=status,
    )


@login_required
@require_POST
def exam_remove(request: HttpRequest, course_slug: str) -> HttpResponse:
    course = study_selectors.deck_get(course_slug=course_slug).course
    if exams.exam_clear(learner=request.user, course=course):
        messages.success(
            request, f"Exam removed: {course.title} is back on the normal schedule."
        )
    return redirect("study:exam", course.slug)
