from __future__ import annotations

from csp.constants import NONE, SELF, UNSAFE_INLINE
from csp.decorators import csp_replace
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from revise.progress import charts, selectors


@require_safe
@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    recent = selectors.recent_review_days(learner=request.user, now=now)
    data = selectors.dashboard_get(learner=request.user, now=now, recent=recent)
    numbers = charts.chart_numbers_get(learner=request.user, now=now, recent=recent)
    return render(request, "progress/dashboard.html", {"dash": data, "charts": numbers})


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
