from __future__ import annotations

import textwrap
from collections.abc import Callable, Iterable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
SAMPLE_COURSE = Path(__file__).parent.parent / "courses" / "lenin"

COURSE_YAML = """\
title: Test course
subject: Testing
summary: A course made by a test.
"""

CHAPTER = """\
---
title: Chapter one
---
Intro paragraph.

## First section

::: note
A note.
:::

::: flashcards
- Question one? :: Answer one.
:::
"""

CourseWriter = Callable[..., Path]


def answered_again(learner: Any, cards: Iterable[Any], *, days_ago: int = 1) -> None:
    """Each card answered Again ``days_ago`` days ago, through the study service: all
    of them due now (the header's count)."""
    from django.utils import timezone

    from revise.study import services
    from revise.study.scheduling import Rating

    when = timezone.now() - timedelta(days=days_ago)
    for card in cards:
        services.card_review_record(
            learner=learner,
            card=card,
            rating=Rating.AGAIN,
            token=services.card_token(learner=learner, card_id=card.pk),
            now=when,
        )


@pytest.fixture
def write_course(tmp_path: Path) -> CourseWriter:
    """Write a course folder from ``{file name: text}``; texts are dedented."""

    def write(
        files: dict[str, str | bytes] | None = None, *, name: str = "course"
    ) -> Path:
        folder = tmp_path / name
        folder.mkdir(exist_ok=True)
        if files is None:
            files = {"course.yaml": COURSE_YAML, "01-one.md": CHAPTER}
        for filename, text in files.items():
            path = folder / filename
            if text is None:
                path.unlink(missing_ok=True)
            elif isinstance(text, bytes):
                path.write_bytes(text)
            else:
                path.write_text(textwrap.dedent(text), encoding="utf-8")
        return folder

    return write


@pytest.fixture(autouse=True)
def _page_cache_emptied(
    request: pytest.FixtureRequest, django_db_blocker: object
) -> object:
    """Empty the shared cache after a test that commits. The database cache's table is
    not a model's, so the flush after such a test leaves it as it was: without this,
    the next test could be served pages of a course it never imported."""
    yield
    marker = request.node.get_closest_marker("django_db")
    committed = (marker is not None and marker.kwargs.get("transaction")) or {
        "transactional_db",
        "live_server",
    } & set(request.fixturenames)
    if committed:
        from django.core.cache import caches

        with django_db_blocker.unblock():
            caches["default"].clear()


@pytest.fixture(autouse=True)
def _process_caches_emptied() -> object:
    """Forget what this process keeps per content version (the pages' shells, the
    lessons built, a course's chapters): every test's database is new, and its keys may
    repeat."""
    yield
    from revise.memo import memos_clear

    memos_clear()
