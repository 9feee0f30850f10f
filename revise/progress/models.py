from __future__ import annotations

from django.conf import settings
from django.db import models


class ChapterRead(models.Model):
    """A learner has read a chapter (marked it, or scrolled to its end). One row per
    learner and chapter: marking it again changes nothing."""

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="chapters_read"
    )
    chapter = models.ForeignKey(
        "catalog.Chapter", on_delete=models.CASCADE, related_name="reads"
    )
    read_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "chapter"], name="chapter_read_once_per_learner"
            )
        ]

    def __str__(self) -> str:
        return f"{self.learner_id} read {self.chapter_id}"
