from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from revise.progress import selectors


@require_safe
@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    data = selectors.dashboard_get(learner=request.user, now=timezone.now())
    return render(request, "progress/dashboard.html", {"dash": data})
