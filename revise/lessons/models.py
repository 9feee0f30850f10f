from __future__ import annotations

from django.db import models

from revise.catalog.models import Chapter, Course


class Question(models.Model):
    """A self-review question with the author's guidance points."""

    course = models.ForeignKey(
        Course, on_delete=models.CASCADE, related_name="questions"
    )
    chapter = models.ForeignKey(
        Chapter, on_delete=models.CASCADE, related_name="questions"
    )
    key = models.CharField(max_length=200)
    prompt_html = models.TextField()
    prompt_text = models.TextField()
    guidance_html = models.JSONField(default=list)
    anchor = models.CharField(max_length=200, blank=True)
    locked = models.BooleanField(default=False)
    position = models.PositiveIntegerField()
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["chapter", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "key"], name="question_unique_key"
            ),
        ]

    def __str__(self) -> str:
        return self.prompt_text


class LessonStep(models.Model):
    """A lesson step written by the author; ``data`` holds the fields of its kind."""

    class Kind(models.TextChoices):
        CHOICE = "choice", "Multiple choice"
        TRUE_FALSE = "true-false", "True or false"
        FILL_BLANK = "fill-blank", "Fill the blank"
        ORDER = "order", "Put in order"
        MATCH = "match", "Match pairs"

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="steps")
    chapter = models.ForeignKey(Chapter, on_delete=models.CASCADE, related_name="steps")
    key = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind)
    text = models.TextField()
    data = models.JSONField()
    locked = models.BooleanField(default=False)
    position = models.PositiveIntegerField()
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["chapter", "position"]
        constraints = [
            models.UniqueConstraint(fields=["course", "key"], name="step_unique_key"),
        ]

    def __str__(self) -> str:
        return self.text
