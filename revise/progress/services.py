"""Writes of the progress app."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from revise.catalog.models import Chapter
from revise.progress.models import ChapterRead


def chapter_mark_read(*, learner: Any, chapter: Chapter, now: datetime) -> bool:
    """Mark ``chapter`` read for ``learner``; True if it was not read before.
    Idempotent: the first time read is kept."""
    _, created = ChapterRead.objects.get_or_create(
        learner=learner, chapter=chapter, defaults={"read_at": now}
    )
    return created
