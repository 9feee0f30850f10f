"""Study work done by the task worker (``manage.py db_worker``, run by ``revise serve``)."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task


@task()
def learner_parameters_fit(learner_id: int) -> None:
    """Fit the learner's FSRS parameters to their reviews; keep them only if better."""
    from revise.study import fitting

    fitting.learner_fit(learner_id=learner_id, now=timezone.now())
