from __future__ import annotations

from csp.constants import NONE, SELF, UNSAFE_INLINE
from csp.decorators import csp_replace
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST, require_safe

from revise.catalog.models import Chapter
from revise.progress import charts, selectors, services


@require_safe
@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    recent = selectors.recent_review_days(learner=request.user, now=now)
    data = selectors.dashboard_get(learner=request.user, now=now, recent=recent)
    numbers = charts.chart_numbers_get(learner=request.user, now=now, recent=recent)
    exams = selectors.dashboard_exams_get(learner=request.user, now=now)
    return render(
        request,
        "progress/dashboard.html",
        # The header's due count is the dashboard's own "due now": not read twice.
        {"dash": data, "charts": numbers, "exams": exams, "header_due": data.due_now},
    )


CHARTS = {
    "heatmap": lambda n: charts.heatmap_svg(n.per_day, today=n.today),
    "weekly": lambda n: charts.weekly_svg(n.weeks),
    "forecast": lambda n: charts.forecast_svg(n.forecast),
}


# pygal's SVG styles itself with an inline <style>: this response alone allows inline
# style, and no script at all (an <img> never runs one anyway). See charts.py.
@csp_replace({"style-src": [SELF, UNSAFE_INLINE], "script-src": [NONE]})
@require_safe
@login_required
def chart(request: HttpRequest, name: str) -> HttpResponse:
    draw = CHARTS.get(name)
    if draw is None:
        raise Http404("No such chart")
    numbers = charts.chart_numbers_get(
        learner=request.user,
        now=timezone.now(),
        reviews=name != "forecast",
        dues=name == "forecast",
    )
    return HttpResponse(draw(numbers), content_type="image/svg+xml; charset=utf-8")


# A visitor's POST (say a form left open after signing out, whose CSRF token is stale)
# is sent to sign in rather than refused: nothing is written for a visitor, so the CSRF
# check is needed, and applied, only once the learner is known.
@csrf_exempt
@require_POST
def chapter_read(
    request: HttpRequest, course_slug: str, chapter_slug: str
) -> HttpResponse:
    chapter = selectors.chapter_for_read_get(
        course_slug=course_slug, chapter_slug=chapter_slug
    )
    if not request.user.is_authenticated:
        return redirect_to_login(chapter.get_absolute_url())
    return _chapter_read(request, chapter)


@csrf_protect
def _chapter_read(request: HttpRequest, chapter: Chapter) -> HttpResponse:
    services.chapter_mark_read(
        learner=request.user, chapter=chapter, now=timezone.now()
    )
    if request.headers.get("X-Requested-With") == "fetch":  # progress.js
        return HttpResponse(status=204)
    messages.success(request, f"“{chapter.title}” marked as read.")
    return redirect(chapter.get_absolute_url())
