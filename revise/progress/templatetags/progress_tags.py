from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from revise.progress.selectors import due_now_count

register = template.Library()


@register.simple_tag
def study_due_count(user: Any) -> int:
    """Cards due now for the header's Study link: one query, signed-in learners only."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return due_now_count(learner=user, now=timezone.now())
