from __future__ import annotations

from django.db import models

from revise.catalog.models import ChapterItem


class Question(ChapterItem):
    """A self-review question with the author's guidance points."""

    prompt_html = models.TextField()
    prompt_text = models.TextField()
    guidance_html = models.JSONField(default=list)
    anchor = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return self.prompt_text


class LessonStep(ChapterItem):
    """A lesson step written by the author; ``data`` holds the fields of its kind."""

    class Kind(models.TextChoices):
        CHOICE = "choice", "Multiple choice"
        TRUE_FALSE = "true-false", "True or false"
        FILL_BLANK = "fill-blank", "Fill the blank"
        ORDER = "order", "Put in order"
        MATCH = "match", "Match pairs"

    kind = models.CharField(max_length=20, choices=Kind)
    text = models.TextField()
    data = models.JSONField()

    def __str__(self) -> str:
        return self.text
