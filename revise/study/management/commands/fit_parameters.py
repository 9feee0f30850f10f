"""Fit learners' FSRS parameters to their own reviews now (the worker does it in time)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from revise.study import fitting
from revise.study.models import ReviewLog


class Command(BaseCommand):
    help = (
        "Fit FSRS parameters to a learner's reviews (--learner EMAIL) or every learner's "
        f"with at least {fitting.MIN_REVIEWS} reviews (--all); kept only if better."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--learner", metavar="EMAIL", help="the learner's email")
        parser.add_argument("--all", action="store_true", help="every learner")

    def handle(
        self, *args: Any, learner: str | None = None, all: bool = False, **options: Any
    ) -> None:
        users = get_user_model().objects
        if learner and not all:
            found = users.filter(email__iexact=learner).first()
            if found is None:
                raise CommandError(f"no learner with the email {learner}")
            learners = [found]
        elif all and not learner:
            ids = ReviewLog.objects.values_list("learner_id", flat=True).distinct()
            learners = list(users.filter(pk__in=ids).order_by("pk"))
        else:
            raise CommandError("give either --learner EMAIL or --all")
        for user in learners:
            fit = fitting.learner_fit(learner_id=user.pk, now=timezone.now())
            if fit is None:
                self.stdout.write(
                    f"{user.email}: fewer than {fitting.MIN_REVIEWS} reviews, not fitted"
                )
                continue
            verdict = "kept" if fit.kept else "not kept (no better)"
            self.stdout.write(
                f"{user.email}: fitted on {fit.reviews} reviews in {fit.seconds:.2f} s; "
                f"held-out log loss {fit.log_loss:.4f} vs {fit.baseline_log_loss:.4f} "
                f"in force ({fit.default_log_loss:.4f} defaults); {verdict}"
            )
